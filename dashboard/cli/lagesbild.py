"""``ssp publish-lagesbild``: publish a kommun's lägesbild for a period, for a schedule
(cron, a systemd timer) as well as by hand.

The briefing is built with the *audience's* viewer (leadership by default: k = 10,
whole months; ``--level coordinator``: k = 5, weeks too), so it holds only what that
audience may see; it is published by a coordinator viewer of the kommun, as the
archive requires, and audited as the command line's user.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Final

import click
from flask.cli import with_appcontext

from dashboard.audit import cli_actor
from dashboard.auth import viewer_for
from dashboard.cli.base import ssp_cli
from dashboard.lagesbild_pdf import lagesbild_pdf
from dashboard.state import app_state, event_rules, now, today
from data.access.scope import AccessDenied, BadSelection, available_levels, default_level
from data.briefing.archive import AssessmentRejected, assessment_for, publish
from data.briefing.compose import build_briefing
from data.briefing.model import Briefing
from data.briefing.outlines import briefing_outlines
from data.briefing.period import parse_period, period_label
from data.storage.db import unit_of_work

AUDIENCES: Final = ("leadership", "coordinator")


def _no_reports(briefing: Briefing) -> bool:
    """True when the kommun published no report in the period nor the months before it
    (every published number 0): nothing to brief on, most likely a wrong kommun or a
    failed import, and a scheduled job should say so rather than archive zeros."""
    total = briefing.headline[0] if briefing.headline else None
    return (total is None or total.number == 0) and all(
        number == 0 for _, _, number, _ in briefing.monthly
    )


@ssp_cli.command("publish-lagesbild")
@click.option("--kommun", "kommun_code", required=True, help="Kommun code, e.g. 0380.")
@click.option(
    "--period",
    "period_code",
    required=True,
    help="2026-11 (month), 2026-T3 (tertial), 2026 (year) or 2026-W48 (week, coordinators).",
)
@click.option(
    "--level",
    "audience",
    type=click.Choice(AUDIENCES),
    default="leadership",
    show_default=True,
    help="Who the lägesbild is for: leadership (k = 10, whole months) or coordinator.",
)
@click.option(
    "--niva",
    "area_level",
    default=None,
    help="Area level of the map and area lists (kommun, regso, deso, custom); "
    "default: the finest the audience may see in the kommun.",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Also write the published PDF to this file.",
)
@with_appcontext
def publish_lagesbild_command(
    kommun_code: str, period_code: str, audience: str, area_level: str | None, out: Path | None
) -> None:
    """Publish the lägesbild of a kommun for PERIOD as a dated, immutable archive record
    (numbers, the coordinators' saved bedömning and åtgärder, the PDF); print its id,
    period, audience and the PDF's SHA-256."""
    if not re.fullmatch(r"\d{4}", kommun_code):
        raise click.BadParameter("Kommunkoden är fyra siffror, t.ex. 0380.", param_hint="--kommun")
    try:
        period = parse_period(period_code)
    except BadSelection as error:
        raise click.BadParameter(str(error), param_hint="--period") from None
    if period.kind == "week" and audience != "coordinator":
        msg = (
            f"En lägesbild för {period_label(period)} publiceras bara för samordnare: "
            "kommunledningen ser hela månader. Lägg till --level coordinator eller välj "
            "en månad, ett tertial eller ett år."
        )
        raise click.UsageError(msg)
    viewer = viewer_for(audience, kommun_code)
    publisher = viewer_for("coordinator", kommun_code)
    state = app_state()
    day, moment = today(), now()
    with unit_of_work(state.sessions) as session:
        cube = state.cubes.get(session, today=day)
        levels = available_levels(cube, kommun_code, viewer)
        if not levels:
            msg = f"Okänd kommun {kommun_code}: den har inga områden i databasen."
            raise click.ClickException(msg)
        level = area_level or default_level(levels)
        if level not in levels:
            msg = f"Nivån {level!r} finns inte för den här mottagaren. Välj bland: " + ", ".join(
                levels
            )
            raise click.BadParameter(msg, param_hint="--niva")
        try:
            briefing = build_briefing(
                session,
                cube,
                viewer,
                kommun_code,
                level,
                period,
                today=day,
                now=moment,
                assessment=assessment_for(session, kommun_code, period.code),
                rules=event_rules(),
            )
        except (AccessDenied, BadSelection) as error:
            raise click.ClickException(f"Ingen lägesbild publicerades: {error}") from None
        if _no_reports(briefing):
            msg = (
                f"Kommun {kommun_code} har inga rapporter för {period_label(period)} eller "
                "månaderna före: ingen lägesbild publicerades. Kontrollera kommunkoden "
                "och importerna."
            )
            raise click.ClickException(msg)
        outlines = briefing_outlines(
            session, kommun_code, level, [area.code for area in briefing.areas]
        )
        pdf = lagesbild_pdf(briefing, outlines)
        try:
            record_id = publish(session, publisher, None, briefing, pdf, actor=cli_actor())
        except AssessmentRejected as error:
            raise click.ClickException(f"Ingen lägesbild publicerades: {error}") from None
    if out is not None:
        out.write_bytes(pdf)
    click.echo(
        f"id={record_id} period={period.code} audience={briefing.audience} "
        f"sha256={hashlib.sha256(pdf).hexdigest()}"
    )
