"""Parent meetings: recording them and listing them."""

from __future__ import annotations

from datetime import date
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from data.planning.registry import PlanError, _clean_name
from data.storage.models import (
    Area,
    ParentMeeting,
)

PLACES: Final = {"school": "Skola", "youth_centre": "Fritidsgård"}


def add_meeting(
    session: Session,
    kommun: str,
    *,
    area_code: str,
    held_on: date,
    place: str,
    theme: str,
    attending: int | None,
    follow_up_on: date | None,
) -> int:
    """Record a parent meeting (planned or held) for an area of the kommun."""
    errors = {}
    area = session.scalar(select(Area).where(Area.code == area_code))
    if area is None or area.kommun_code != kommun:
        errors["område"] = "Välj ett område i kommunen."
    if place not in PLACES:
        errors["plats"] = "Välj skola eller fritidsgård."
    if attending is not None and not 0 <= attending <= 10_000:
        errors["deltagare"] = "Antal deltagare: 0–10 000."
    if follow_up_on is not None and follow_up_on < held_on:
        errors["uppföljning"] = "Uppföljningen ligger före mötet."
    try:
        clean = _clean_name(theme, "tema", 120)
    except PlanError as error:
        errors |= error.errors
        clean = ""
    if errors:
        raise PlanError(errors)
    assert area is not None
    meeting = ParentMeeting(
        kommun_code=kommun,
        area_id=area.id,
        held_on=held_on,
        place=place,
        theme=clean,
        attending=attending,
        follow_up_on=follow_up_on,
    )
    session.add(meeting)
    session.flush()
    return meeting.id


def meetings(session: Session, kommun: str) -> list[ParentMeeting]:
    """The kommun's parent meetings, newest first."""
    return list(
        session.scalars(
            select(ParentMeeting)
            .where(ParentMeeting.kommun_code == kommun)
            .order_by(ParentMeeting.held_on.desc(), ParentMeeting.id.desc())
        )
    )
