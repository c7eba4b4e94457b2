"""``ssp calendar``, ``import-school-calendar``, ``plan-walks`` and ``walker-association``."""

from __future__ import annotations

import re
import sys
from datetime import datetime
from pathlib import Path

import click
from flask.cli import with_appcontext

from dashboard.auth import viewer_for
from dashboard.cli.base import MAX_ERRORS_SHOWN, ssp_cli
from dashboard.plan_exports import ScheduledWalk, schedule_csv, schedule_ics
from dashboard.state import app_state, event_rules, now, today
from data.access.scope import Selection, available_levels
from data.calendar.municipal import kommun_calendar, kommun_windows, save_school_entries
from data.ingest.school_calendar import CalendarRejected, read_school_calendar
from data.planning.optimiser import DEFAULT_MIN_GROUP, ScheduleError
from data.planning.registry import PlanError
from data.planning.schedule import propose, walk_nights
from data.planning.walk_links import set_association
from data.privacy.csv_safe import csv_text
from data.storage.db import unit_of_work

MAX_CALENDAR_FILE_BYTES = 2 * 1024 * 1024


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
    table = [(row.start.isoformat(), row.end.isoformat(), row.name, row.kind) for row in rows]
    click.echo(csv_text(("date_start", "date_end", "name", "kind"), table, delimiter=","), nl=False)


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
        sys.stdout.buffer.write(schedule_ics(rows, kommun=kommun_code, stamp=now()))
    else:
        click.echo(schedule_csv(rows), nl=False)


@ssp_cli.command("walker-association")
@click.argument("username")
@click.argument("association", required=False)
@click.option("--none", "clear", is_flag=True, help="The user walks for no association.")
@with_appcontext
def walker_association_command(username: str, association: str | None, clear: bool) -> None:
    """Make USERNAME one of the walkers of ASSOCIATION (an association of the user's
    kommun, as named on Planering): they may then file the walk reports of its planned
    walks. --none removes the link."""
    if clear == (association is not None):
        raise click.ClickException("Ange en förening eller --none.")
    try:
        with unit_of_work(app_state().sessions) as session:
            set_association(session, username, None if clear else association)
    except PlanError as error:
        raise click.ClickException(str(error)) from None
    who = username.strip().lower()
    click.echo(
        f"{who} vandrar inte längre för någon förening."
        if clear
        else f"{who} vandrar nu för {association}."
    )
