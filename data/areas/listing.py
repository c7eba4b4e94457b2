"""Listing the areas in the database, for pages, filters and the CLI.

Every list is in natural Swedish order: numbers by value ("Demoområde 2" before
"Demoområde 10") and å, ä, ö after z, whatever the database's collation.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Final, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from data.storage.models import Area

T = TypeVar("T")
_PARTS: Final = re.compile(r"(\d+)")
_SWEDISH: Final = str.maketrans(
    {"å": "{", "ä": "|", "ö": "}", "æ": "|", "ø": "}", "é": "e", "ü": "y"}
)
"""Swedish alphabet order in code points: å, ä, ö after z (``{|}`` follow ``z``)."""


def natural_key(text: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key of a name or code in natural Swedish order: digit runs compare as
    numbers, letters case-insensitively with å < ä < ö after z."""
    parts = _PARTS.split(text.casefold().translate(_SWEDISH))
    return tuple(
        (0, int(part)) if i % 2 else (1, part) for i, part in enumerate(parts) if part or i % 2
    )


def naturally_sorted(items: Iterable[T], *keys: int) -> list[T]:
    """Tuples sorted by their elements at ``keys`` in natural Swedish order."""
    return sorted(items, key=lambda item: tuple(natural_key(str(item[k])) for k in keys))  # type: ignore[index]


def area_rows(
    session: Session, *, level: str | None = None, kommun_code: str | None = None
) -> list[tuple[str, str, str, str, str]]:
    """Rows ``code,name,level,parent_code,population_10_19`` (strings) for listing."""
    parent = Area.__table__.alias("parent")
    query = select(
        Area.code, Area.name, Area.level, parent.c.code, Area.population_10_19, Area.kommun_code
    ).outerjoin(parent, Area.parent_id == parent.c.id)
    if level:
        query = query.where(Area.level == level)
    if kommun_code:
        query = query.where(Area.kommun_code == kommun_code)
    found = session.execute(query).all()
    ordered = sorted(found, key=lambda r: (r[5] or "", r[2], natural_key(r[0])))
    return [
        (code, name, lvl, parent_code or "", "" if pop is None else str(pop))
        for code, name, lvl, parent_code, pop, _kommun in ordered
    ]


def reportable_areas(
    session: Session, kommun_code: str | None, area_codes: frozenset[str] = frozenset()
) -> list[tuple[str, str]]:
    """(code, name) of the areas a user may report in, by name: the kommun's
    neighbourhoods, limited to ``area_codes`` when given (police area coordinators)."""
    query = select(Area.code, Area.name).where(
        Area.kommun_code == kommun_code, Area.level != "kommun"
    )
    if area_codes:
        query = query.where(Area.code.in_(sorted(area_codes)))
    return naturally_sorted(((code, name) for code, name in session.execute(query)), 1, 0)


def area_summary(session: Session) -> list[tuple[str, str, int, int]]:
    """(kommun name, level, areas, areas with a 10–19 population) for the admin page."""
    kommun = Area.__table__.alias("kommun")
    rows = session.execute(
        select(
            kommun.c.name,
            Area.level,
            func.count(Area.id),
            func.count(Area.population_10_19),
        )
        .join(kommun, (kommun.c.code == Area.kommun_code) & (kommun.c.level == "kommun"))
        .group_by(kommun.c.name, Area.level)
        .order_by(kommun.c.name, Area.level)
    ).all()
    return [(str(name), str(level), int(n), int(p)) for name, level, n, p in rows]


def kommun_options(session: Session) -> list[tuple[str, str]]:
    """(code, name) of every kommun area, in name order."""
    rows = session.execute(select(Area.code, Area.name).where(Area.level == "kommun")).all()
    return naturally_sorted(((str(c), str(n)) for c, n in rows), 1, 0)


def member_options(session: Session, kommun_code: str) -> list[tuple[str, str]]:
    """(code, "name (level code)") of the DeSO and RegSO areas of a kommun."""
    rows = session.execute(
        select(Area.code, Area.name, Area.level).where(
            Area.kommun_code == kommun_code, Area.level.in_(("deso", "regso"))
        )
    ).all()
    kind = {"deso": "DeSO", "regso": "RegSO"}
    ordered = sorted(rows, key=lambda r: (r[2] != "regso", natural_key(r[1]), natural_key(r[0])))
    return [(str(c), f"{n} ({kind[str(lvl)]} {c})") for c, n, lvl in ordered]
