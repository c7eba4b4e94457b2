"""Listing the areas in the database, for pages, filters and the CLI."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from data.storage.models import Area


def area_rows(
    session: Session, *, level: str | None = None, kommun_code: str | None = None
) -> list[tuple[str, str, str, str, str]]:
    """Rows ``code,name,level,parent_code,population_10_19`` (strings) for listing."""
    parent = Area.__table__.alias("parent")
    query = (
        select(Area.code, Area.name, Area.level, parent.c.code, Area.population_10_19)
        .outerjoin(parent, Area.parent_id == parent.c.id)
        .order_by(Area.kommun_code, Area.level, Area.code)
    )
    if level:
        query = query.where(Area.level == level)
    if kommun_code:
        query = query.where(Area.kommun_code == kommun_code)
    return [
        (code, name, lvl, parent_code or "", "" if pop is None else str(pop))
        for code, name, lvl, parent_code, pop in session.execute(query).all()
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
    return [(code, name) for code, name in session.execute(query.order_by(Area.name))]


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
    rows = session.execute(
        select(Area.code, Area.name).where(Area.level == "kommun").order_by(Area.name)
    ).all()
    return [(str(c), str(n)) for c, n in rows]


def member_options(session: Session, kommun_code: str) -> list[tuple[str, str]]:
    """(code, "name (level code)") of the DeSO and RegSO areas of a kommun."""
    rows = session.execute(
        select(Area.code, Area.name, Area.level)
        .where(Area.kommun_code == kommun_code, Area.level.in_(("deso", "regso")))
        .order_by(Area.level.desc(), Area.name)
    ).all()
    kind = {"deso": "DeSO", "regso": "RegSO"}
    return [(str(c), f"{n} ({kind[str(lvl)]} {c})") for c, n, lvl in rows]
