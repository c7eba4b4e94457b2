"""``flask --app wsgi ssp ...``: database set-up, demo data, user accounts,
imports, planning, publishing the lägesbild and the SSPF case layer's jobs.

One module per group of commands; importing them adds their commands to ``ssp_cli``.
"""

from __future__ import annotations

from dashboard.cli import accounts, areas, imports, lagesbild, pay, planning, sspf
from dashboard.cli.base import ssp_cli

__all__ = ["accounts", "areas", "imports", "lagesbild", "pay", "planning", "ssp_cli", "sspf"]
