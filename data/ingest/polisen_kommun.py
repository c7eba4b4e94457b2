"""Import a polisen.se events file for one kommun (the police partnership page).

The file comes from the user (the polisen.se API's JSON, saved by them): no network.
Only the events of the user's own kommun are stored, through the same path as
``ssp import-polisen`` (:func:`data.ingest.store.import_police_events`: kommun precision,
idempotent by event id). Events of other kommuner and county-wide ones are counted as
skipped, not refused; so are types the type table does not import.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy.orm import Session

from data.access.audit import Actor, record
from data.ingest.polisen import PolisenParse, parse_polisen_reports
from data.ingest.store import ImportSummary, import_police_events
from geo.layers import municipality_outlines


class PolisenFileError(ValueError):
    """The file as a whole is not a polisen.se events array (Swedish message)."""


@dataclass(frozen=True, slots=True)
class KommunImport:
    """What an import for one kommun did."""

    summary: ImportSummary
    other_kommuner: int
    """Events of other kommuner or of the whole county: skipped."""
    not_imported: int
    """Events that are malformed or of a type not imported: skipped with a reason."""

    @property
    def skipped(self) -> int:
        return self.other_kommuner + self.not_imported


def kommun_name(kommun_code: str) -> str:
    """The kommun's name as polisen.se writes it ("Uppsala")."""
    return str(municipality_outlines([kommun_code])["name"].iloc[0])


def import_polisen_for_kommun(
    session: Session, raw: bytes, kommun_code: str, *, actor: Actor
) -> KommunImport:
    """Parse ``raw`` and store the events of ``kommun_code`` (the caller commits);
    audited as ``import.finished`` (no counts). :class:`PolisenFileError` when the file
    is not a JSON array."""
    try:
        parsed = parse_polisen_reports(raw)
    except ValueError:
        msg = "Filen är ingen lista av händelser från polisen.se (JSON)."
        raise PolisenFileError(msg) from None
    name = kommun_name(kommun_code)
    own = tuple(r for r in parsed.reports if r.precision == "kommun" and r.kommun_name == name)
    mine = PolisenParse(reports=own, skipped=())
    summary = import_police_events(session, mine)
    record(session, "import.finished", actor=actor, target="polisen", details={"ok": True})
    return KommunImport(
        replace(summary, messages=tuple(reason for _id, reason in parsed.skipped)),
        other_kommuner=len(parsed.reports) - len(own),
        not_imported=len(parsed.skipped),
    )
