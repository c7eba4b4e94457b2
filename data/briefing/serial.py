"""A :class:`~data.briefing.model.Briefing` as JSON and back, exactly.

The published archive stores the briefing as text so that a record can be read
(and rendered again) without the counts it came from. ``briefing_from_json(
briefing_to_json(b)) == b`` for every briefing: dates and times as ISO text (times
aware), tuples as lists, every field by name. A version number guards the shape:
a record of an unknown version is refused rather than misread.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date, datetime
from typing import Any, Final

from data.briefing.model import (
    ActionCount,
    AreaValue,
    Briefing,
    BriefingPeriod,
    Comparison,
    EventLine,
    Method,
    WalkFigures,
)

FORMAT_VERSION: Final = 1


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            msg = "a briefing's times must be timezone-aware"
            raise ValueError(msg)
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def briefing_to_json(briefing: Briefing) -> str:
    """The briefing as JSON text (UTF-8 characters kept, keys sorted: stable bytes)."""
    body = _plain(asdict(briefing))
    return json.dumps(
        {"format": FORMAT_VERSION, "briefing": body}, ensure_ascii=False, sort_keys=True
    )


def _period(raw: dict[str, Any]) -> BriefingPeriod:
    return BriefingPeriod(
        kind=raw["kind"],
        code=raw["code"],
        first_day=date.fromisoformat(raw["first_day"]),
        last_day=date.fromisoformat(raw["last_day"]),
        first_monday=date.fromisoformat(raw["first_monday"]),
        last_monday=date.fromisoformat(raw["last_monday"]),
    )


def _comparisons(raw: list[dict[str, Any]]) -> tuple[Comparison, ...]:
    return tuple(Comparison(**item) for item in raw)


def briefing_from_json(text: str) -> Briefing:
    """The briefing written by :func:`briefing_to_json` (ValueError for another shape)."""
    try:
        document = json.loads(text)
        if document.get("format") != FORMAT_VERSION:
            msg = f"unknown briefing format {document.get('format')!r}"
            raise ValueError(msg)
        raw = document["briefing"]
        method = raw["method"]
        return Briefing(
            kommun_code=raw["kommun_code"],
            kommun_name=raw["kommun_name"],
            audience=raw["audience"],
            level=raw["level"],
            period=_period(raw["period"]),
            previous=_period(raw["previous"]),
            year_before=_period(raw["year_before"]),
            produced=datetime.fromisoformat(raw["produced"]),
            complete=raw["complete"],
            counted_to=date.fromisoformat(raw["counted_to"]),
            headline=_comparisons(raw["headline"]),
            areas=tuple(AreaValue(**item) for item in raw["areas"]),
            rising_areas=_comparisons(raw["rising_areas"]),
            falling_areas=_comparisons(raw["falling_areas"]),
            rising_categories=_comparisons(raw["rising_categories"]),
            falling_categories=_comparisons(raw["falling_categories"]),
            monthly=tuple(
                (str(label), str(value), number, bool(done))
                for label, value, number, done in raw["monthly"]
            ),
            events=tuple(EventLine(**item) for item in raw["events"]),
            walks=WalkFigures(**raw["walks"]),
            assessment=raw["assessment"],
            actions=raw["actions"],
            method=Method(
                k=method["k"],
                marker=method["marker"],
                secondary_marker=method["secondary_marker"],
                noise=method["noise"],
                merged_areas=tuple(method["merged_areas"]),
                time_grain=method["time_grain"],
            ),
            # Records published before issue 17 have no actions summary.
            decided=tuple(
                ActionCount(
                    status=item["status"],
                    owner=item["owner"],
                    count=item["count"],
                    titles=tuple(item["titles"]),
                )
                for item in raw.get("decided", [])
            ),
        )
    except (KeyError, TypeError, AttributeError) as error:
        msg = f"not a stored briefing: {error}"
        raise ValueError(msg) from None
