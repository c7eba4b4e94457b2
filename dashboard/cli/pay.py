"""``ssp pay-levels``: a kommun's compensation levels for walked nights (issue 17)."""

from __future__ import annotations

import re

import click
from flask import current_app
from flask.cli import with_appcontext

from dashboard.cli.base import ssp_cli
from dashboard.config import pay_levels
from dashboard.state import app_state
from data.planning.pay import kommun_levels, levels_text, set_kommun_levels
from data.storage.db import unit_of_work


@ssp_cli.command("pay-levels")
@click.argument("kommun_code")
@click.argument("levels", required=False)
@click.option("--clear", is_flag=True, help="Remove the kommun's own levels.")
@with_appcontext
def pay_levels_command(kommun_code: str, levels: str | None, clear: bool) -> None:
    """Show or set KOMMUN_CODE's pay levels: LEVELS like "4:600,3:300" (full pay from 4
    walkers, reduced at 3, nothing below). A confirmed walk is paid at the highest level
    it reaches. Without LEVELS: print the levels in force. --clear: the installation's
    SSP_PAY_LEVELS (or SSP_PAY_MIN_WALKERS/SSP_PAY_PER_NIGHT) apply again."""
    if not re.fullmatch(r"[0-9]{4}", kommun_code):
        raise click.ClickException("Kommunkoden är fyra siffror, t.ex. 0380.")
    if clear and levels is not None:
        raise click.ClickException("Ange nivåer eller --clear, inte båda.")
    if levels is not None or clear:
        try:
            with unit_of_work(app_state().sessions) as session:
                set_kommun_levels(session, kommun_code, "" if clear else levels or "")
        except ValueError:
            raise click.ClickException(
                'Ange nivåerna som "4:600,3:300" (minsta antal vandrare:kronor per natt).'
            ) from None
    with app_state().sessions() as session:
        own = kommun_levels(session, kommun_code)
    config = current_app.config
    shown = own or config.get("SSP_PAY_LEVEL_TABLE") or pay_levels(config)
    source = "kommunens egna" if own else "installationens"
    click.echo(f"{kommun_code}: {levels_text(shown)} ({source})")
