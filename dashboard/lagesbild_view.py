"""One place that turns a page state into a lägesbild for the request's viewer, its
map as an SVG and its PDF — used by the page's callbacks, its routes and (with an
explicit session and viewer) the ``publish-lagesbild`` command."""

from __future__ import annotations

import base64
from datetime import date, datetime

from reportlab.graphics import renderSVG

from dashboard.auth import current_viewer, viewer_for
from dashboard.lagesbild_drawings import choropleth
from dashboard.lagesbild_pdf import lagesbild_pdf
from dashboard.pages.lagesbild import BriefingState
from dashboard.state import current_cube, db_session, now, today
from data.access.scope import Viewer, available_levels, default_level
from data.briefing.archive import archive, assessment_for, published
from data.briefing.compose import build_briefing
from data.briefing.model import Briefing
from data.briefing.outlines import briefing_outlines
from data.briefing.period import parse_period
from data.counts.cube import CountCube
from data.planning.printout import AreaOutline

PAGE_MAP_SIZE = (520.0, 380.0)
"""The page's map in points (SVG units; the browser scales it to the card)."""


def texts_for(viewer: Viewer, kommun: str, period_code: str) -> tuple[str, str]:
    """The bedömning and åtgärder a viewer reads with the period: a coordinator their
    team's draft; leadership those of the newest lägesbild published for the period
    at its level (nothing unpublished reaches leadership)."""
    session = db_session()
    if viewer.role == "coordinator":
        return assessment_for(session, kommun, period_code)
    code = parse_period(period_code).code
    for entry in archive(session, viewer, kommun):
        if entry.period_code == code:
            briefing, _pdf = published(session, viewer, entry.id)
            return briefing.assessment, briefing.actions
    return "", ""


def compose(
    cube: CountCube,
    viewer: Viewer,
    *,
    kommun: str,
    level: str,
    period_code: str,
    today: date,
    now: datetime,
    texts: tuple[str, str] | None = None,
) -> Briefing:
    """The lägesbild of the state for ``viewer`` (scope refusals raise, as the data
    layer decides: AccessDenied, BadSelection); ``texts`` (bedömning, åtgärder) default
    to what ``viewer`` reads with the period (:func:`texts_for`)."""
    return build_briefing(
        db_session(),
        cube,
        viewer,
        kommun,
        level,
        parse_period(period_code),
        today=today,
        now=now,
        assessment=texts if texts is not None else texts_for(viewer, kommun, period_code),
    )


def current_briefing(state: BriefingState) -> Briefing:
    """The lägesbild of a page state for the request's viewer, on the app's clock."""
    return compose(
        current_cube(),
        current_viewer(),
        kommun=state.kommun,
        level=state.level,
        period_code=state.period,
        today=today(),
        now=now(),
    )


def publishing_audience(cube: CountCube, kommun: str, level: str, kind: str) -> tuple[Viewer, str]:
    """Who a lägesbild the coordinators publish is for, and its area level: leadership
    (its threshold and month grain) unless the period is a week, which only the
    coordinators see; the level kept when that audience may use it."""
    audience = viewer_for("coordinator" if kind == "week" else "leadership", kommun)
    levels = available_levels(cube, kommun, audience)
    return audience, level if level in levels else default_level(levels)


def _outlines(briefing: Briefing) -> dict[str, AreaOutline]:
    return briefing_outlines(
        db_session(), briefing.kommun_code, briefing.level, [a.code for a in briefing.areas]
    )


def map_data_uri(briefing: Briefing) -> str:
    """The briefing's map (the PDF's vector drawing) as an SVG data URI for the page."""
    drawing = choropleth(
        briefing.areas,
        _outlines(briefing),
        briefing.method,
        size=PAGE_MAP_SIZE,
        kommun_code=briefing.kommun_code,
    )
    if drawing is None:
        return ""
    svg = renderSVG.drawToString(drawing)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def pdf_bytes(briefing: Briefing) -> bytes:
    """The briefing's PDF."""
    return lagesbild_pdf(briefing, _outlines(briefing))


def pdf_name(briefing: Briefing) -> str:
    """The download's file name, e.g. ``lagesbild-0380-2026-11.pdf``."""
    return f"lagesbild-{briefing.kommun_code}-{briefing.period.code}.pdf"
