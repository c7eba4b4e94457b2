"""What every Planering callback does first: check the coordinator, their kommun and the
area level (server-side), and read the period."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from dashboard.auth import current_viewer, require_role
from dashboard.pages.planning_page import ROLES
from dashboard.state import current_cube, today
from data.access.scope import (
    AccessDenied,
    BadSelection,
    Selection,
    Viewer,
    available_levels,
    require_kommun,
)
from data.planning.period import parse_period

CODE = re.compile(r"[0-9A-Za-z_-]{1,64}")
"""A category code as the browser may send it."""


def scope(kommun: Any, level: Any) -> tuple[Viewer, Selection]:
    """The coordinator's viewer and a selection of their own kommun at ``level``;
    :class:`AccessDenied` (403) or :class:`BadSelection` (400) otherwise."""
    user = require_role(*ROLES)
    viewer = current_viewer()
    if not isinstance(kommun, str) or user.kommun_code is None:
        raise AccessDenied("bara den egna kommunens planering")
    require_kommun(viewer, kommun)
    if not isinstance(level, str) or level not in available_levels(current_cube(), kommun, viewer):
        raise BadSelection("ogiltig områdesnivå")
    cube = current_cube()
    return viewer, Selection(kommun, level, cube.last_monday, cube.last_monday)


def period(first: Any, weeks: Any) -> tuple[date, date]:
    """The first and last night of the chosen period (400 when forged)."""
    return parse_period(first, weeks, today=today())
