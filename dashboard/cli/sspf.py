"""``ssp sweep-consents``, ``reapply-disposals``, ``rotate-case-key``,
``sspf-gallring``, ``sspf-reassign`` and ``sspf-end``: the SSPF case layer's jobs
(issue 18, docs/sspf.md).

What they print names case references and numbers only, never content. Every change
is audited with the actor ``cli:<operating-system user>``.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from dashboard.audit import cli_actor
from dashboard.cli.base import ssp_cli
from dashboard.state import app_state, today
from data.access.audit import record
from data.consent.crypto import CaseCipher, CaseKeyError, load_cipher
from data.consent.ownership import OPERATOR_REASONS, end_case, reassign_case
from data.consent.rotation import rotate_case_key
from data.consent.sweep import sweep_each
from data.consent.teardown import (
    TearUpError,
    reapply_disposals,
    scrub_storage,
    set_gallring_decision,
)
from data.storage.db import unit_of_work


def instance_folder() -> Path:
    """The app's instance folder (case files, disposal log, ``case.key``)."""
    return Path(current_app.instance_path)


def case_cipher() -> CaseCipher:
    """The case layer's cipher from ``SSP_CASE_KEYS`` or the instance folder's key."""
    try:
        return load_cipher(str(current_app.config.get("SSP_CASE_KEYS") or ""), instance_folder())
    except CaseKeyError as error:
        raise click.ClickException(str(error)) from None


def reapply_after_restore() -> int:
    """Re-apply the disposal log (committed, storage scrubbed); the number purged again.

    Nothing to do when the instance folder does not exist (no log can be there)."""
    folder = instance_folder()
    if not folder.is_dir():
        return 0
    state = app_state()
    with unit_of_work(state.sessions) as session:
        purged = reapply_disposals(session, folder, cli_actor(), today=today())
        if purged:
            record(
                session,
                "sspf.disposals_reapplied",
                actor=cli_actor(),
                details={"purged": purged},
            )
    if purged:
        scrub_storage(state.engine)
    return purged


def sweep_day(on: datetime | None) -> date:
    """The day ``--today`` names (default: the app's today); a later day is refused
    (exit code 2): one typo would tear up every consent running until then."""
    current = today()
    if on is None:
        return current
    if on.date() > current:
        msg = (
            f"--today {on.date().isoformat()} ligger efter dagens datum "
            f"({current.isoformat()}): en framtida dag skulle riva samtycken som "
            "fortfarande gäller. Ange dagens eller ett tidigare datum."
        )
        raise click.UsageError(msg)
    return on.date()


@ssp_cli.command("sweep-consents")
@click.option(
    "--today",
    "on",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="The day to judge expiry on (default: today; never later). For catching up.",
)
@with_appcontext
def sweep_consents_command(on: datetime | None) -> None:
    """Tear up every SSPF consent past its valid-until date (the daily job), each case
    in its own unit of work, after re-applying the disposal log; destroy unreferenced
    form files and stale scanned-form uploads; then scrub the storage."""
    day = sweep_day(on)
    again = reapply_after_restore()
    state = app_state()
    result = sweep_each(
        state.sessions, day, cli_actor(), instance_folder=instance_folder(), cipher=case_cipher()
    )
    # Every night, not only after tonight's tear-ups: a scrub that a day's tear-up
    # could not finish (a reader held the SQLite WAL or a PostgreSQL snapshot) is done
    # here, at the latest.
    scrub_storage(state.engine)
    refs = ", ".join(receipt.ref for receipt in result.receipts)
    listed = f" ({refs})" if refs else ""
    click.echo(f"Utgångna samtycken rivna {day.isoformat()}: {len(result.receipts)}{listed}")
    if again:
        click.echo(f"Ärenden gallrade på nytt enligt gallringsloggen: {again}")
    if result.orphan_forms or result.stale_uploads:
        click.echo(
            f"Förstörda filer: {result.orphan_forms} blanketter utan ärende, "
            f"{result.stale_uploads} gamla uppladdade blanketter"
        )
    if result.failed:
        click.echo(f"Kunde inte rivas (försök igen): {', '.join(result.failed)}", err=True)
        raise SystemExit(1)


@ssp_cli.command("reapply-disposals")
@with_appcontext
def reapply_disposals_command() -> None:
    """Purge again every case the disposal log lists (run after restoring a backup)."""
    purged = reapply_after_restore()
    click.echo(f"Gallringsloggen återtillämpad: {purged} ärenden gallrade på nytt.")


@ssp_cli.command("rotate-case-key")
@with_appcontext
def rotate_case_key_command() -> None:
    """Re-encrypt every SSPF value and form file with the first key of SSP_CASE_KEYS."""
    cipher = case_cipher()
    try:
        with unit_of_work(app_state().sessions) as session:
            counts = rotate_case_key(session, cipher, instance_folder(), cli_actor())
    except CaseKeyError as error:
        raise click.ClickException(f"{error} Inget ändrades i databasen.") from None
    click.echo(
        f"Omkrypterat med den första nyckeln: {counts.values} värden och "
        f"{counts.files} blanketter. De gamla nycklarna kan nu tas bort ur SSP_CASE_KEYS."
    )


@ssp_cli.command("sspf-gallring")
@click.option("--kommun", "kommun", required=True, help="Kommun code, e.g. 0380.")
@click.option("--beslut", "decision", required=True, help='The decision, e.g. "KS 2026/41 § 7".')
@with_appcontext
def sspf_gallring_command(kommun: str, decision: str) -> None:
    """Name the gallringsbeslut a kommun's SSPF tear-ups rest on."""
    try:
        with unit_of_work(app_state().sessions) as session:
            set_gallring_decision(session, kommun, decision, cli_actor())
    except TearUpError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Gallringsbeslut för {kommun}: {' '.join(decision.split())}")


@ssp_cli.command("sspf-reassign")
@click.option("--ref", "ref", required=True, help="The case reference.")
@click.option("--to", "username", required=True, help="An active coordinator of the kommun.")
@with_appcontext
def sspf_reassign_command(ref: str, username: str) -> None:
    """Hand an SSPF case over to another coordinator (its own left, changed role or
    moved). Audited; shows no content."""
    try:
        with unit_of_work(app_state().sessions) as session:
            reassign_case(session, ref, username, cli_actor())
    except TearUpError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Ärende {ref} har lämnats över till {username}.")


@ssp_cli.command("sspf-end")
@click.option("--ref", "ref", required=True, help="The case reference.")
@click.option(
    "--reason",
    "reason",
    required=True,
    type=click.Choice(OPERATOR_REASONS),
    help="withdrawn (the guardians withdrew) or ended.",
)
@with_appcontext
def sspf_end_command(ref: str, reason: str) -> None:
    """Tear an SSPF case up from the command line (guardians withdrew and no
    coordinator can act) and print the receipt's counts. Only deletes; shows no content."""
    state = app_state()
    try:
        with unit_of_work(state.sessions) as session:
            receipt = end_case(
                session,
                ref,
                reason,
                today(),
                cli_actor(),
                instance_folder=instance_folder(),
                cipher=case_cipher(),
            )
    except TearUpError as error:
        raise click.ClickException(str(error)) from None
    scrub_storage(state.engine)
    counts = ", ".join(f"{kind} {number}" for kind, number in receipt.removed)
    click.echo(f"Ärende {receipt.ref} rivet ({receipt.reason}) {receipt.ended_on}: {counts}")
