"""Filter choices from the database: categories and sources, with Swedish labels."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from data.storage.models import Category, Source


def category_options(session: Session) -> list[tuple[str, str]]:
    """(code, Swedish label) of the active categories, in display order."""
    rows = session.execute(
        select(Category.code, Category.label)
        .where(Category.active.is_(True))
        .order_by(Category.sort_order)
    )
    return [(r.code, r.label) for r in rows]


def source_options(session: Session) -> list[tuple[str, str]]:
    """(code, Swedish label) of the sources, in display order."""
    rows = session.execute(select(Source.code, Source.label).order_by(Source.sort_order))
    return [(r.code, r.label) for r in rows]
