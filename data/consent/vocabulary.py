"""The SSPF case layer's fixed vocabularies: codes stored in the database, Swedish labels.

Signals follow the SSPF routine's list of risk and protective factors; parties are the
organisations a consent can cover (``annan``: someone the family invites); the
statuses and kinds are those of :mod:`data.storage.consent_models`. Also the texts
and limits every module of the layer shares.
"""

from __future__ import annotations

from typing import Final

from data.vocabulary import Term

RISK_SIGNALS: Final[tuple[Term, ...]] = (
    Term("brott", "Brottslighet"),
    Term("alkohol_droger", "Alkohol/droger"),
    Term("destruktiv_miljo", "Destruktiv miljö"),
    Term("kamrater", "Negativa kamratrelationer"),
    Term("skolfranvaro", "Skolfrånvaro"),
    Term("utagerande", "Utagerande beteende"),
    Term("hemsituation", "Oro i hemmet"),
)
PROTECTIVE_SIGNALS: Final[tuple[Term, ...]] = (
    Term("skolan_fungerar", "Skolan fungerar", 0.0),
    Term("fritidsaktivitet", "Meningsfull fritid", 0.0),
    Term("trygg_vuxen", "Trygg vuxen", 0.0),
    Term("positiva_kamrater", "Positiva kamrater", 0.0),
    Term("motivation", "Egen motivation", 0.0),
)
SIGNALS: Final[tuple[Term, ...]] = RISK_SIGNALS + PROTECTIVE_SIGNALS
"""Every signal; a protective one has severity 0 (see :func:`is_protective`)."""

PARTIES: Final[tuple[Term, ...]] = (
    Term("skola", "Skola"),
    Term("socialtjanst", "Socialtjänst"),
    Term("polis", "Polis"),
    Term("fritid", "Fritid"),
    Term("annan", "Annan (inbjuden)"),
)
INVITED: Final = "annan"
"""The party code of someone the family invites (needs a label)."""

MEETING_KINDS: Final[tuple[Term, ...]] = (
    Term("intag", "Intagssamtal"),
    Term("familjemote", "Familjemöte"),
    Term("uppfoljning", "Uppföljning"),
    Term("avslut", "Avslut"),
)
DECISIONS: Final[tuple[Term, ...]] = (
    Term("fortsatt", "Fortsätt"),
    Term("andra", "Ändra"),
    Term("avsluta", "Avsluta"),
)
PLAN_STATUSES: Final[tuple[Term, ...]] = (
    Term("planerad", "Planerad"),
    Term("pagar", "Pågår"),
    Term("klar", "Klar"),
    Term("avbruten", "Avbruten"),
)
PLAN_DONE: Final = frozenset({"klar", "avbruten"})
"""Plan statuses that need no more follow-up."""

CONSENT_STATUSES: Final[tuple[Term, ...]] = (
    Term("active", "Aktivt"),
    Term("withdrawn", "Återkallat"),
    Term("ended", "Avslutat"),
    Term("expired", "Utgånget"),
)
ACTIVE: Final = "active"
PURGED: Final = "purged"
"""The case status after a tear-up (the row is the tombstone)."""
END_REASONS: Final = ("withdrawn", "ended")
"""Reasons a coordinator may tear a consent up with (``expired`` is the clock's)."""
TEAR_UP_REASONS: Final = (*END_REASONS, "expired")

REMOVED_KINDS: Final[tuple[Term, ...]] = (
    Term("identitet", "Barnets identitet (namn, födelsedatum, bakgrund)"),
    Term("vardnadshavare", "Vårdnadshavare"),
    Term("parter", "Parter"),
    Term("signaler", "Risk- och skyddsfaktorer"),
    Term("observationer", "Observationer"),
    Term("moten", "Möten"),
    Term("atagandeplan", "Åtagandeplanens punkter"),
    Term("blankett", "Inskannad samtyckesblankett"),
)
"""What a tear-up counts (the keys of ``SspfCase.removed_counts``), in receipt order."""

PARTY_ROLES: Final = frozenset({"reporter", "police_area", "coordinator"})
"""Account roles a named party may have."""

MAX_NAME: Final = 120
"""Names (child, guardians, invited persons' labels): at most this many characters."""
MAX_TEXT: Final = 2000
"""Free texts (background, observations, notes, plan items): at most this many characters."""
MAX_GUARDIANS: Final = 4
MAX_CONSENT_YEARS: Final = 3
MAX_FORM_BYTES: Final = 10 * 1024 * 1024
FILES_FOLDER: Final = "sspf-files"
"""Folder in the instance folder holding the encrypted scanned forms."""

NO_ACCESS: Final = "Ärendet finns inte eller så har du inte behörighet."
"""The one answer to an unknown case and a forbidden one alike (never reveal existence)."""
EXPIRED: Final = "Samtycket har gått ut och ärendets uppgifter har tagits bort."
ENDED: Final = "Samtycket har upphört och ärendets uppgifter har tagits bort."


def is_protective(code: str) -> bool:
    """True for a protective signal's code (``skydd``), False for a risk."""
    return code in {term.code for term in PROTECTIVE_SIGNALS}
