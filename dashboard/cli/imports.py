"""``ssp import-polisen``, ``observation-template`` and ``import-observations``."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from dashboard.audit import audit, cli_actor
from dashboard.cli.base import MAX_ERRORS_SHOWN, ssp_cli
from dashboard.state import app_state, today
from data.ingest.observations import (
    ImportRejected,
    default_mapping,
    import_context,
    import_observations,
    template_csv,
)
from data.ingest.polisen import parse_polisen_reports
from data.ingest.store import ImportSummary, import_police_events
from data.ingest.table import TableError, read_table_file
from data.storage.db import unit_of_work

MAX_POLICE_FILE_BYTES = 200 * 1024 * 1024


class _RolledBack(Exception):
    """Raised inside a unit of work to undo it; carries the summary to report."""

    def __init__(self, summary: ImportSummary) -> None:
        super().__init__(summary.line())
        self.summary = summary


def audit_cli_import(kind: str, *, ok: bool) -> None:
    """Record a command-line import in the audit log: its kind and outcome, no counts."""
    audit("import.finished", target=kind, details={"ok": ok}, actor=cli_actor())


@ssp_cli.command("import-polisen")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def import_polisen_command(file: Path) -> None:
    """Import polisen.se events (API JSON, old or new format) as kommun-level observations.

    Prints ``imported=N duplicates=M rejected=R``; exits 1 and writes nothing when any
    event was rejected. Events of types outside the type table are skipped (stderr).
    """
    size = file.stat().st_size
    if size > MAX_POLICE_FILE_BYTES:
        raise click.ClickException(f"Filen är för stor ({size // 2**20} MB).")
    try:
        parsed = parse_polisen_reports(file.read_bytes())
    except ValueError as error:
        raise click.ClickException(f"Ingenting importerades. {error}") from None
    try:
        with unit_of_work(app_state().sessions) as session:
            summary = import_police_events(session, parsed)
            if summary.rejected:
                raise _RolledBack(summary)
    except _RolledBack as rolled_back:
        summary = rolled_back.summary
    audit_cli_import("polisen", ok=not summary.rejected)
    for message in summary.messages:
        click.echo(message, err=True)
    if summary.skipped:
        click.echo(f"{summary.skipped} händelser hoppades över (se ovan).", err=True)
    click.echo(summary.line())
    if summary.rejected:
        sys.exit(1)


def _terminal_progress(fraction: float, step: str) -> None:
    click.echo(f"\r{step} ({fraction:.0%})".ljust(60), nl=False, err=True)


def _line_progress(fraction: float, step: str) -> None:
    click.echo(f"{step} ({fraction:.0%})", err=True)


@ssp_cli.command("observation-template")
def observation_template_command() -> None:
    """Print the CSV template for observation imports: the header and one example row."""
    click.echo(template_csv(), nl=False)


@ssp_cli.command("import-observations")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--progress/--no-progress",
    default=None,
    help="Visa förloppet på stderr (standard: bara i en terminal).",
)
@with_appcontext
def import_observations_command(file: Path, progress: bool | None) -> None:
    """Import observations from CSV or XLSX, all or nothing; prints imported=N duplicates=M
    rejected=R.

    Exits 1 and writes nothing when any row is rejected; the row errors go to stderr
    (never the rejected values themselves). Any number of rows: the file is streamed
    from disk and written in chunks inside one transaction, so memory stays flat (the
    web upload keeps its row limit; this command is for operators' large files).
    """
    state = app_state()
    tty = sys.stderr.isatty()
    show = tty if progress is None else progress
    report = (_terminal_progress if tty else _line_progress) if show else None
    try:
        table = read_table_file(file)
        with unit_of_work(state.sessions) as session:
            context = import_context(session, today=today())
            summary = import_observations(
                session,
                table,
                default_mapping(table.header),
                context,
                progress=report or (lambda _f, _s: None),
                max_rows=None,
            )
    except TableError as error:
        audit_cli_import("observations", ok=False)
        raise click.ClickException(f"Ingenting importerades. {error}") from None
    except ImportRejected as rejected:
        summary = rejected.summary
    audit_cli_import("observations", ok=not summary.rejected)
    if report is _terminal_progress:
        click.echo("", err=True)
    for message in summary.messages[:MAX_ERRORS_SHOWN]:
        click.echo(message, err=True)
    if len(summary.messages) > MAX_ERRORS_SHOWN:
        click.echo(f"… och {len(summary.messages) - MAX_ERRORS_SHOWN} fel till.", err=True)
    click.echo(summary.line())
    if summary.rejected:
        sys.exit(1)
