"""Bringing a database to a usable state: schema, vocabularies, counters."""

from __future__ import annotations

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from data.privacy.noise_key import ensure_noise_key
from data.storage.db import (
    AREAS_VERSION,
    COUNT_STRUCTURE_VERSION,
    OBSERVATIONS_VERSION,
    make_session_factory,
    unit_of_work,
    upgrade_to_head,
)
from data.storage.models import Category, DataVersion, Source
from data.vocabulary import CATEGORIES, SOURCES


def sync_vocabularies(session: Session) -> None:
    """Insert missing categories and sources and refresh their labels (idempotent).

    Existing rows keep their ``active`` flag and any severity a coordinator set.
    """
    existing_categories = {c.code: c for c in session.scalars(select(Category))}
    for order, term in enumerate(CATEGORIES):
        row = existing_categories.get(term.code)
        if row is None:
            session.add(
                Category(
                    code=term.code,
                    label=term.label,
                    severity=term.severity,
                    sort_order=order,
                    active=True,
                )
            )
        else:
            row.label, row.sort_order = term.label, order
    existing_sources = {s.code: s for s in session.scalars(select(Source))}
    for order, term in enumerate(SOURCES):
        source = existing_sources.get(term.code)
        if source is None:
            session.add(Source(code=term.code, label=term.label, sort_order=order))
        else:
            source.label, source.sort_order = term.label, order
    for name in (OBSERVATIONS_VERSION, AREAS_VERSION, COUNT_STRUCTURE_VERSION):
        if session.get(DataVersion, name) is None:
            session.add(DataVersion(name=name, version=0))


def initialise_database(engine: Engine) -> None:
    """Upgrade the schema to head, seed the vocabularies and create the noise key if
    the database has none, in one go (idempotent)."""
    upgrade_to_head(engine)
    with unit_of_work(make_session_factory(engine)) as session:
        sync_vocabularies(session)
        ensure_noise_key(session)
