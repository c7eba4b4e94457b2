"""Schedule rows as a coordinator edits them, and the checks every row passes before it is
saved.

A row is a plain mapping (night, area, association, walkers, start, end, meeting point,
expected value) because that is what the Planering page sends back after hand edits; a
forged request can put anything in it. :func:`check_rows` turns rows into
:class:`~data.planning.optimiser.Walk` values or refuses them with one Swedish message per
row; :func:`data.planning.schedule.save_schedule` calls it, so no caller can store a row
that skipped the checks. A refused meeting point is never repeated in a message.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import date
from typing import Any, Final

from data.planning.optimiser import Walk
from data.planning.registry import CLOCK, PlanError
from data.privacy.pii import find_pii, pii_message

MAX_ROWS: Final = 2000
MAX_WALKERS: Final = 100
MEETING_POINT_CHARS: Final = 120


def walk_row(walk: Walk, meeting_point: str = "") -> dict[str, Any]:
    """A walk as a schedule row (what :func:`check_rows` reads)."""
    return {
        "night": walk.night.isoformat(),
        "area": walk.area,
        "association": walk.association,
        "walkers": walk.walkers,
        "start": walk.start,
        "end": walk.end,
        "meeting_point": meeting_point,
        "value": walk.value,
    }


def proposal_rows(walks: Sequence[Walk], names: Mapping[str, str]) -> list[dict[str, Any]]:
    """The proposed walks as the rows the coordinator edits (area names from ``names``,
    no meeting point yet, the expected value rounded for display)."""
    return [
        walk_row(w) | {"area_name": names.get(w.area, w.area), "value": round(w.value, 2)}
        for w in walks
    ]


def _night(row: Mapping[str, Any]) -> date | None:
    try:
        return date.fromisoformat(str(row.get("night", ""))[:10])
    except ValueError:
        return None


def _walkers(row: Mapping[str, Any]) -> int:
    try:
        return int(str(row.get("walkers", "")).strip())
    except ValueError:
        return 0


def _problems(
    row: Mapping[str, Any],
    night: date | None,
    *,
    first: date,
    last: date,
    areas: Collection[str],
    min_group: int,
) -> list[tuple[str, str]]:
    """What is wrong with one row, as (column, message) pairs (empty when it may be
    saved)."""
    problems = []
    area = str(row.get("area", "")).strip()
    start, end = str(row.get("start", "")).strip(), str(row.get("end", "")).strip()
    point = " ".join(str(row.get("meeting_point") or "").split())
    walkers = _walkers(row)
    if night is None or not first <= night <= last:
        problems.append(("night", "natten ligger utanför perioden"))
    if area not in areas:
        problems.append(("area", "okänt område"))
    if walkers < min_group or walkers > MAX_WALKERS:
        problems.append(("walkers", f"en grupp är {min_group}–{MAX_WALKERS} vandrare"))
    if not CLOCK.fullmatch(start):
        problems.append(("start", "skriv starttiden som 20:30"))
    if not CLOCK.fullmatch(end):
        problems.append(("end", "skriv sluttiden som 01:30"))
    if len(point) > MEETING_POINT_CHARS:
        problems.append(("meeting_point", "samlingsplatsen är för lång"))
    elif findings := find_pii(point):
        problems.append(("meeting_point", pii_message("samlingsplats", findings)))
    return problems


def check_rows(
    rows: Sequence[Any],
    *,
    first: date,
    last: date,
    areas: Collection[str],
    associations: Collection[str],
    min_group: int,
) -> tuple[list[Walk], dict[str, str]]:
    """The walks of ``rows`` and the meeting point of each area, or :class:`PlanError`
    with one message per refused row (``{"rad 3": "Rad 3: …"}``).

    A row is refused when its night is outside ``first``..``last``, its area is not one
    of ``areas``, the group is not ``min_group``–100 walkers, a time is not HH:MM, the
    meeting point is too long or holds personal data, or the area already has a group
    that night. An unknown association is dropped (the walk stays, without one). The
    error's ``cells`` say which field of which row (0-based) is wrong."""
    if isinstance(rows, str | bytes) or not isinstance(rows, Sequence) or len(rows) > MAX_ROWS:
        raise PlanError({"schema": "Ogiltigt schema."})
    walks: list[Walk] = []
    points: dict[str, str] = {}
    errors: dict[str, str] = {}
    cells: dict[tuple[int, str], str] = {}
    seen: set[tuple[date, str]] = set()
    for number, raw in enumerate(rows, start=1):
        row: Mapping[str, Any] = raw if isinstance(raw, Mapping) else {}
        night = _night(row)
        area = str(row.get("area", "")).strip()
        problems = _problems(row, night, first=first, last=last, areas=areas, min_group=min_group)
        if night is not None and (night, area) in seen:
            problems.append(("area", "området har redan en grupp den natten"))
        if problems:
            errors[f"rad {number}"] = f"Rad {number}: {'; '.join(m for _, m in problems)}"
            for column, message in problems:
                cells[(number - 1, column)] = cells.get((number - 1, column), "") + message
            continue
        assert night is not None
        seen.add((night, area))
        association = str(row.get("association") or "")
        value = row.get("value")
        walks.append(
            Walk(
                f"r{number}",
                night,
                area,
                _walkers(row),
                str(row.get("start", "")).strip(),
                str(row.get("end", "")).strip(),
                association if association in associations else "",
                float(value)
                if isinstance(value, int | float) and not isinstance(value, bool)
                else 0.0,
            )
        )
        if point := " ".join(str(row.get("meeting_point") or "").split()):
            points[area] = point
    if errors:
        raise PlanError(errors, cells)
    return walks, points
