"""The demo's synthetic SSPF cases (issue 18): three children, one declined consent.

Every name is synthetic and says so ("Demobarn Alva (syntetisk)",
"Demovårdnadshavare …"); the content depends only on ``today`` (the demo's end day),
so the same day gives the same cases (the references are random, as always). The
cases open through :func:`data.consent.ledger.open_case` — the same checks and audit
as the web form — and their observations, meetings, signals and åtagandeplan are then
added with the cipher. The demo users ``rapportor`` (skola) and ``polis`` are named
parties of two cases; ``fritid`` is named on none (the unnamed party).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Final

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from data.access.audit import Actor
from data.consent.crypto import CaseCipher
from data.consent.files import destroy_file, form_path
from data.consent.ledger import ConsentInput, PartyInput, open_case
from data.storage.consent_models import (
    SspfCase,
    SspfChild,
    SspfConsent,
    SspfConsentEvent,
    SspfMeeting,
    SspfNetworkMeeting,
    SspfObservation,
    SspfParty,
    SspfPlanItem,
    SspfSignal,
)

COORDINATOR: Final = "samordnare"
KOMMUN: Final = "0380"
SYNTHETIC: Final = "Syntetiskt demoärende: "


@dataclass(frozen=True, slots=True)
class DemoCase:
    """One synthetic case, its dates as days relative to the demo's end day."""

    child: str
    born: tuple[int, int, int]
    """Age in years, month, day."""
    background: str
    guardians: tuple[str, ...]
    signed: int
    valid: int
    parties: tuple[tuple[str, str | None, str], ...]
    """(organisation, demo username or None, label)."""
    signals: tuple[tuple[str, str, int], ...]
    """(code, party, day)."""
    observations: tuple[tuple[str, int, str], ...]
    """(party, day, text)."""
    meetings: tuple[tuple[str, int, str, str | None], ...]
    """(kind, day, notes, decision)."""
    plan: tuple[tuple[str, str, int, int, str], ...]
    """(party, what, due day, follow-up day, status)."""


DEMO_CASES: Final[tuple[DemoCase, ...]] = (
    DemoCase(
        child="Demobarn Alva (syntetisk)",
        born=(14, 3, 14),
        background=SYNTHETIC + "skola och polis oroliga för ökad frånvaro och sena kvällar.",
        guardians=("Demovårdnadshavare Anna (syntetisk)", "Demovårdnadshavare Per (syntetisk)"),
        signed=-60,
        valid=3,
        parties=(
            ("skola", "rapportor", ""),
            ("polis", "polis", ""),
            ("fritid", None, "Demofritidsgården (syntetisk)"),
        ),
        signals=(
            ("skolfranvaro", "skola", -58),
            ("kamrater", "polis", -55),
            ("fritidsaktivitet", "fritid", -40),
        ),
        observations=(
            ("skola", -58, SYNTHETIC + "frånvaron har ökat till var tredje lektion sedan lovet."),
            ("polis", -55, SYNTHETIC + "sedd sent en fredagskväll i tveksamt sällskap."),
            ("fritid", -20, SYNTHETIC + "har börjat komma till fotbollen två kvällar i veckan."),
        ),
        meetings=(
            ("intag", -60, SYNTHETIC + "samtal med vårdnadshavarna, samtycke undertecknat.", None),
            ("familjemote", -50, SYNTHETIC + "åtagandeplan upprättad tillsammans.", None),
            ("uppfoljning", -20, SYNTHETIC + "frånvaron minskar, fortsätt planen.", "fortsatt"),
        ),
        plan=(
            ("skola", "Mentor följer upp närvaron varje vecka.", 30, 10, "pagar"),
            ("fritid", "Erbjuda plats i kvällsfotbollen.", -30, -20, "klar"),
        ),
    ),
    DemoCase(
        child="Demobarn Elias (syntetisk)",
        born=(15, 9, 2),
        background=SYNTHETIC + "utagerande på fritidsgården och i skolan.",
        guardians=("Demovårdnadshavare Sara (syntetisk)",),
        signed=-30,
        valid=150,
        parties=(
            ("skola", "rapportor", ""),
            ("polis", "polis", ""),
            ("socialtjanst", None, ""),
            ("fritid", None, "Demofritidsgården (syntetisk)"),
        ),
        signals=(
            ("utagerande", "fritid", -28),
            ("alkohol_droger", "polis", -25),
            ("trygg_vuxen", "socialtjanst", -21),
        ),
        observations=(
            ("fritid", -28, SYNTHETIC + "bråk med personal två kvällar i rad."),
            ("polis", -25, SYNTHETIC + "omhändertagen berusad en lördagskväll."),
            ("skola", -10, SYNTHETIC + "klarar matteprovet, lugnare på lektionerna."),
        ),
        meetings=(
            ("intag", -30, SYNTHETIC + "samtycke undertecknat av vårdnadshavaren.", None),
            ("familjemote", -21, SYNTHETIC + "åtagandeplan upprättad.", None),
        ),
        plan=(
            ("socialtjanst", "Boka samtal med familjebehandlare.", 5, 2, "planerad"),
            ("polis", "Orosanmälan följs upp med vårdnadshavaren.", 14, 14, "pagar"),
            ("skola", "Extra anpassningar i matematik.", 40, 30, "planerad"),
        ),
    ),
    DemoCase(
        child="Demobarn Noor (syntetisk)",
        born=(13, 11, 21),
        background=SYNTHETIC + "socialtjänsten och skolan ser en begynnande skolfrånvaro.",
        guardians=("Demovårdnadshavare Leila (syntetisk)", "Demovårdnadshavare Omar (syntetisk)"),
        signed=-10,
        valid=365,
        parties=(
            ("socialtjanst", None, ""),
            ("skola", None, "Demoskolans kurator (syntetisk)"),
            ("annan", None, "Demomorbror (syntetisk, inbjuden)"),
        ),
        signals=(("skolfranvaro", "skola", -9), ("motivation", "socialtjanst", -8)),
        observations=(
            ("skola", -9, SYNTHETIC + "borta två måndagar i rad, säger sig vara trött."),
        ),
        meetings=(("intag", -10, SYNTHETIC + "samtycke undertecknat.", None),),
        plan=(("annan", "Morbror följer med till skolan på måndagar.", 20, 12, "planerad"),),
    ),
)


def _born(today: date, age: tuple[int, int, int]) -> date:
    years, month, day = age
    return date(today.year - years, month, day)


def remove_demo_cases(session: Session, instance_folder: Path | None) -> None:
    """Delete every case-layer row but the append-only disposal log, and the form
    files (for ``ssp demo --force``: the demo replaces the database's content)."""
    if instance_folder is not None:
        names = session.scalars(
            select(SspfConsent.form_file).where(SspfConsent.form_file.is_not(None))
        )
        for name in names:
            destroy_file(form_path(instance_folder, str(name)))
    for model in (
        SspfChild,
        SspfParty,
        SspfSignal,
        SspfObservation,
        SspfMeeting,
        SspfPlanItem,
        SspfConsentEvent,
        SspfConsent,
        SspfNetworkMeeting,
        SspfCase,
    ):
        session.execute(delete(model))


def _add_content(
    session: Session,
    case: SspfCase,
    spec: DemoCase,
    today: date,
    cipher: CaseCipher,
    coordinator: int,
) -> None:
    def day(offset: int) -> date:
        return today + timedelta(days=offset)

    session.add_all(
        SspfSignal(
            case_id=case.id, code=code, party=party, noted_on=day(n), recorded_by=coordinator
        )
        for code, party, n in spec.signals
    )
    session.add_all(
        SspfObservation(
            case_id=case.id,
            party=party,
            observed_on=day(n),
            text_enc=cipher.encrypt(text),
            recorded_by=coordinator,
        )
        for party, n, text in spec.observations
    )
    session.add_all(
        SspfMeeting(
            case_id=case.id,
            kind=kind,
            held_on=day(n),
            notes_enc=cipher.encrypt(notes),
            decision=decision,
            recorded_by=coordinator,
        )
        for kind, n, notes, decision in spec.meetings
    )
    session.add_all(
        SspfPlanItem(
            case_id=case.id,
            party=party,
            what_enc=cipher.encrypt(what),
            due_on=day(due),
            follow_up_on=day(follow),
            status=status,
            recorded_by=coordinator,
        )
        for party, what, due, follow, status in spec.plan
    )


def build_demo_cases(
    session: Session,
    *,
    cipher: CaseCipher,
    instance_folder: Path,
    today: date,
    users: Mapping[str, int],
) -> list[str]:
    """Open the synthetic demo cases and a declined consent's nätverksmöte; the refs.

    ``users`` maps demo usernames to their ids (``samordnare`` is the coordinator).
    Flushes, never commits; the case openings are audited as the coordinator."""
    coordinator = users[COORDINATOR]
    actor = Actor(coordinator, COORDINATOR, "demo")
    refs: list[str] = []
    for spec in DEMO_CASES:
        data = ConsentInput(
            kommun_code=KOMMUN,
            child_name=spec.child,
            birth_date=_born(today, spec.born),
            background=spec.background,
            guardians=spec.guardians,
            signed_on=today + timedelta(days=spec.signed),
            valid_until=today + timedelta(days=spec.valid),
            parties=tuple(
                PartyInput(organisation, None if name is None else users[name], label)
                for organisation, name, label in spec.parties
            ),
        )
        case = open_case(
            session, coordinator, data, today, actor, cipher=cipher, instance_folder=instance_folder
        )
        case.opened_on = data.signed_on
        _add_content(session, case, spec, today, cipher, coordinator)
        refs.append(case.ref)
    session.add(
        SspfNetworkMeeting(
            kommun_code=KOMMUN,
            coordinator_id=coordinator,
            declined_on=today - timedelta(days=20),
            held_on=today - timedelta(days=12),
            organisations="skola,fritid",
            note_enc=cipher.encrypt(
                SYNTHETIC + "vårdnadshavarna tackade nej till samtycke; nätverksmöte med "
                "skola och fritid om trygghet på vägen hem."
            ),
        )
    )
    session.flush()
    return refs
