"""What every Planering callback does first: check the coordinator, their kommun and the
area level (server-side), and read the period."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any, Final

from dash import Output

from dashboard import ids
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


FIELD: Final = "field"


def field_outputs(fields: Mapping[str, tuple[str, bool]]) -> dict[str, Output]:
    """The wrapper class and message outputs of form fields (``key → (input id, wide)``),
    keyed ``<key>_class`` and ``<key>_error``."""
    out: dict[str, Output] = {}
    for key, (field_id, _wide) in fields.items():
        out[f"{key}_class"] = Output(field_id + ids.PL_FIELD_SUFFIX, "className")
        out[f"{key}_error"] = Output(field_id + ids.PL_ERROR_SUFFIX, "children")
    return out


def field_marks(
    fields: Mapping[str, tuple[str, bool]], errors: Mapping[str, str]
) -> dict[str, Any]:
    """Each field marked ``invalid`` with its message from ``errors`` (by key), the
    others cleared."""
    out: dict[str, Any] = {}
    for key, (_field_id, wide) in fields.items():
        base = f"{FIELD} wide" if wide else FIELD
        out[f"{key}_class"] = f"{base} invalid" if key in errors else base
        out[f"{key}_error"] = errors.get(key, "")
    return out
