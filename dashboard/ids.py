"""Every Dash component id, in one place."""

from typing import Final

# Shell
HEADER: Final = "app-header"
LOGOUT_FORM: Final = "logout-form"

# Overview page: filters
KOMMUN: Final = "ov-kommun"
LEVEL: Final = "ov-level"
QUICK_PERIOD: Final = "ov-quick-period"
PERIOD: Final = "ov-period"
CATEGORIES: Final = "ov-categories"
SOURCES: Final = "ov-sources"

# Overview page: outputs
STATUS: Final = "ov-status"
MAP: Final = "ov-map"
MAP_NOTE: Final = "ov-map-note"
TREND: Final = "ov-trend"
TREND_TITLE: Final = "ov-trend-title"
TOP_TABLE: Final = "ov-top-table"
FOCUS: Final = "ov-focus"
FOCUS_BAR: Final = "ov-focus-bar"
FOCUS_CLEAR: Final = "ov-focus-clear"
