"""Writing parsed imports to the database, all or nothing, without duplicates."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from data.areas.layers import ensure_kommuner
from data.ingest.polisen import PolisenParse
from data.storage.db import bump_version
from data.storage.models import Area, Observation
from geo.layers import municipality_outlines

POLICE_SOURCE = "polisen_se"


@dataclass(frozen=True, slots=True)
class ImportSummary:
    """What an import did: the numbers of the one-line summary and Swedish details."""

    imported: int
    duplicates: int
    rejected: int
    skipped: int
    messages: tuple[str, ...]

    def line(self) -> str:
        """The summary line scripts read: ``imported=N duplicates=M rejected=R``."""
        return f"imported={self.imported} duplicates={self.duplicates} rejected={self.rejected}"


def police_key(event_id: int) -> str:
    """The idempotency key of a polisen report."""
    return f"polisen:{event_id}"


def import_police_events(session: Session, parsed: PolisenParse) -> ImportSummary:
    """Store parsed polisen reports as kommun-level observations (caller commits).

    Each event is one incident in its kommun with precision ``kommun`` — never put
    on a neighbourhood, since the API gives only the kommun (or, since 2026, only
    the county and the kommun's name). County-wide events have no kommun and are
    skipped with a reason; events already imported (same event id) are counted as
    duplicates and left alone.
    """
    by_name = {
        str(name): str(code)
        for code, name in zip(*(municipality_outlines()[c] for c in ("code", "name")), strict=True)
    }
    messages = [reason for _event_id, reason in parsed.skipped]
    skipped = len(parsed.skipped)
    county = [e for e in parsed.reports if e.precision != "kommun"]
    if county:
        messages.append(
            f"{len(county)} länsövergripande händelser saknar kommun och visas inte på kartan."
        )
        skipped += len(county)
    events = [e for e in parsed.reports if e.precision == "kommun"]
    unknown = sorted({e.kommun_name for e in events if e.kommun_name not in by_name})
    rejected = [e for e in events if e.kommun_name in unknown]
    if unknown:
        messages.append(f"Okända kommunnamn: {', '.join(unknown)}.")
    events = [e for e in events if e.kommun_name not in unknown]
    ensure_kommuner(session, sorted({by_name[e.kommun_name] for e in events}))
    kommun_ids = dict(
        session.execute(
            select(Area.code, Area.id).where(
                Area.level == "kommun", Area.code.in_(sorted(set(by_name.values())))
            )
        ).all()
    )
    keys = [police_key(e.report_id) for e in events]
    existing = set(
        session.scalars(select(Observation.external_key).where(Observation.external_key.in_(keys)))
    )
    rows = [
        {
            "area_id": kommun_ids[by_name[e.kommun_name]],
            "occurred_on": e.occurred_on,
            "time_band": e.time_band,
            "category_code": e.category,
            "source_code": POLICE_SOURCE,
            "count": 1,
            "group_size": None,
            "age_band": None,
            "note": None,
            "location_precision": "kommun",
            "is_synthetic": False,
            "external_key": key,
        }
        for e, key in zip(events, keys, strict=True)
        if key not in existing
    ]
    if rows and not rejected:
        session.execute(insert(Observation), rows)
        bump_version(session)
    return ImportSummary(
        imported=0 if rejected else len(rows),
        duplicates=len(existing),
        rejected=len(rejected),
        skipped=skipped,
        messages=tuple(messages),
    )
