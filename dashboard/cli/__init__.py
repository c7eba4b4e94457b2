"""``flask --app wsgi ssp ...``: database set-up, demo data, user accounts,
imports, planning and publishing the lägesbild.

One module per group of commands; importing them adds their commands to ``ssp_cli``.
"""

from __future__ import annotations

from dashboard.cli import accounts, areas, imports, lagesbild, pay, planning
from dashboard.cli.base import ssp_cli

__all__ = ["accounts", "areas", "imports", "lagesbild", "pay", "planning", "ssp_cli"]
