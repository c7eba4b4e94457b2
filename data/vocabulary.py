"""Fixed vocabularies of the group level: categories, sources and bands.

Codes are stable ASCII identifiers stored in the database; labels are the Swedish
words the UI shows. The lists are seeded into the database by the first migration
and can be extended there later (the category list is extensible per DOMAIN.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True, slots=True)
class Term:
    """One vocabulary entry: a stable code and its Swedish label."""

    code: str
    label: str
    severity: float = 1.0
    """Planning weight (0 for positive events); used by later planning features."""


CATEGORIES: Final[tuple[Term, ...]] = (
    Term("skadegorelse", "Skadegörelse/klotter", 1.0),
    Term("brand", "Brand/anlagd brand", 2.0),
    Term("otrygg_plats", "Otrygg plats", 1.0),
    Term("samling", "Samling/störande samling", 1.0),
    Term("narkotika", "Misstänkt narkotikahantering", 2.5),
    Term("alkohol", "Alkohol (langning, berusning)", 1.5),
    Term("vald", "Våld/bråk", 3.0),
    Term("hot", "Hot", 2.5),
    Term("ran", "Rån", 3.0),
    Term("stold", "Stöld/inbrott", 1.5),
    Term("vapen", "Vapen/kniv", 3.5),
    Term("sociala_medier", "Rykten/hot i sociala medier", 1.5),
    Term("mot_personal", "Händelser mot personal", 2.0),
    Term("buskorning", "Buskörning (moped/EPA)", 1.0),
    Term("nedskrapning", "Nedskräpning", 0.5),
    Term("skolfranvaro", "Skolfrånvaro (gruppnivå)", 1.5),
    Term("rekrytering", "Oro för rekrytering/gängbildning", 3.5),
    Term("positiv", "Positiv händelse", 0.0),
)

SOURCES: Final[tuple[Term, ...]] = (
    Term("skola", "Skola"),
    Term("socialtjanst", "Socialtjänst"),
    Term("polis", "Polis"),
    Term("fritid", "Fritid"),
    Term("falt", "Fält"),
    Term("nattvandring", "Nattvandring"),
    Term("polisen_se", "Polisen.se-import"),
    Term("trygghetsmatning", "Trygghetsmätning"),
)

TIME_BANDS: Final[tuple[Term, ...]] = (
    Term("day", "Dag (06–18)"),
    Term("evening", "Kväll (18–22)"),
    Term("night", "Natt (22–06)"),
)

GROUP_SIZE_BANDS: Final[tuple[str, ...]] = ("1", "2-4", "5-9", "10+")
AGE_BANDS: Final[tuple[str, ...]] = ("10-12", "13-15", "16-18")
AGE_UNKNOWN: Final = "okand"
"""The age code of a record stored without an age band (every polisen.se report)."""
AGE_GROUPS: Final[tuple[Term, ...]] = (
    Term("10-12", "10–12 år"),
    Term("13-15", "13–15 år"),
    Term("16-18", "16–18 år"),
    Term(AGE_UNKNOWN, "Okänd ålder"),
)
"""The count cube's age axis: the stored bands, then "unknown" (NULL). The four add up
to every record, so an age table's margin is the all-ages table."""

AREA_LEVELS: Final[tuple[Term, ...]] = (
    Term("kommun", "Kommun"),
    Term("regso", "RegSO"),
    Term("deso", "DeSO"),
    Term("custom", "Egna områden"),
)

LOCATION_PRECISIONS: Final[tuple[str, ...]] = ("point", "area", "kommun", "county")

ROLES: Final[tuple[Term, ...]] = (
    Term("admin", "Administratör"),
    Term("coordinator", "Samordnare (SSP-team)"),
    Term("reporter", "Rapportör"),
    Term("police_area", "Områdespolis"),
    Term("leadership", "Kommunledning"),
)


def codes(terms: tuple[Term, ...]) -> tuple[str, ...]:
    """Return the codes of a vocabulary, in its order."""
    return tuple(t.code for t in terms)


def label_of(terms: tuple[Term, ...], code: str) -> str:
    """Return the Swedish label of ``code``; raise ``KeyError`` with a clear message."""
    for term in terms:
        if term.code == code:
            return term.label
    msg = f"unknown code {code!r}; expected one of {', '.join(codes(terms))}"
    raise KeyError(msg)


MONTH_NAMES: Final[tuple[str, ...]] = (
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
)
"""Swedish month names, January first (pages and the polisen.se date parser)."""
