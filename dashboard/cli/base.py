"""The ``ssp`` command group the command modules add their commands to."""

from __future__ import annotations

import click

MAX_ERRORS_SHOWN = 50
"""Row errors printed by the import commands (the rest are counted)."""


@click.group("ssp")
def ssp_cli() -> None:
    """SSP Lägesbild: database, demo and accounts."""
