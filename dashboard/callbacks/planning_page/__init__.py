"""Planering: forecast, sign-ups, the optimised schedule, planned vs done, signals and
parent meetings. Every callback checks the coordinator and their kommun server-side;
schedule rows edited in the browser are checked again by
:func:`data.planning.schedule.save_schedule` before they are saved.

One module per part of the page: :mod:`.forecast` (the period view), :mod:`.schedule`
(propose, save, export), :mod:`.done` (confirming reported walks for pay),
:mod:`.registry` (associations, sign-ups, meetings, severities), :mod:`.signals` and
:mod:`.association_links` (the associations' sign-up links).
"""

from __future__ import annotations

from dash import Dash

from dashboard.callbacks.planning_page import (
    association_links,
    done,
    forecast,
    registry,
    schedule,
    signals,
)


def register(app: Dash) -> None:
    """Register the Planering page's callbacks on ``app``."""
    forecast.register(app)
    schedule.register(app)
    done.register(app)
    registry.register(app)
    registry.register_contact(app)
    signals.register(app)
    association_links.register(app)


def register_severity(app: Dash) -> None:
    """The severity inputs (0–10 per category) and saving them for the kommun."""
    registry.register_severity(app)
