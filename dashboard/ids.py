"""Every Dash component id, in one place."""

from typing import Final

from data.ingest.observations import COLUMNS

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
MEASURE: Final = "ov-measure"
EVENT_PERIOD: Final = "ov-event-period"
"""An event window (valborg 2026 …) as the period; its whole weeks fill PERIOD."""

# Overview page: outputs
STATUS: Final = "ov-status"
MAP: Final = "ov-map"
MAP_LAYER: Final = "ov-map-layer"
AREAS_VERSION: Final = "ov-areas-version"
MAP_NOTE: Final = "ov-map-note"
TREND: Final = "ov-trend"
TREND_TITLE: Final = "ov-trend-title"
TOP_TABLE: Final = "ov-top-table"
FOCUS: Final = "ov-focus"
FOCUS_BAR: Final = "ov-focus-bar"
FOCUS_CLEAR: Final = "ov-focus-clear"
NOTES: Final = "ov-notes"
"""Notes from reports of the focused area; not in the layout for roles without free text."""

# Admin: areas page
NAV: Final = "nav"
AREA_UPLOAD: Final = "ad-area-upload"
AREA_UPLOAD_INFO: Final = "ad-area-upload-info"
AREA_UPLOAD_TOKEN: Final = "ad-area-upload-token"
AREA_LEVEL: Final = "ad-area-level"
AREA_CODE_FIELD: Final = "ad-area-code-field"
AREA_NAME_FIELD: Final = "ad-area-name-field"
AREA_PARENT_FIELD: Final = "ad-area-parent-field"
AREA_PARENT_NAME_FIELD: Final = "ad-area-parent-name-field"
AREA_CRS: Final = "ad-area-crs"
AREA_IMPORT: Final = "ad-area-import"
AREA_JOB: Final = "ad-area-job"
AREA_POLL: Final = "ad-area-poll"
AREA_PROGRESS: Final = "ad-area-progress"
AREA_STEP: Final = "ad-area-step"
AREA_REPORT: Final = "ad-area-report"
POP_UPLOAD: Final = "ad-pop-upload"
POP_REPORT: Final = "ad-pop-report"
OWN_KOMMUN: Final = "ad-own-kommun"
OWN_MEMBERS: Final = "ad-own-members"
OWN_NAME: Final = "ad-own-name"
OWN_CODE: Final = "ad-own-code"
OWN_CREATE: Final = "ad-own-create"
OWN_REPORT: Final = "ad-own-report"
AREA_SUMMARY: Final = "ad-area-summary"

# Report form
REPORT_DATE: Final = "rp-date"
REPORT_BAND: Final = "rp-band"
REPORT_AREA: Final = "rp-area"
REPORT_CATEGORY: Final = "rp-category"
REPORT_SOURCE: Final = "rp-source"
REPORT_COUNT: Final = "rp-count"
REPORT_GROUP: Final = "rp-group"
REPORT_AGE: Final = "rp-age"
REPORT_NOTE: Final = "rp-note"
REPORT_SUBMIT: Final = "rp-submit"
REPORT_RESULT: Final = "rp-result"
REPORT_FIELDS: Final = COLUMNS
"""The form's fields are the import template's columns (one validation for both)."""


def report_error(field: str) -> str:
    """Id of the error text shown next to a report form field."""
    return f"rp-error-{field}"


# Overview export
EXPORT_BUTTON: Final = "ov-export"
EXPORT_DOWNLOAD: Final = "ov-export-download"

# Walk report form (nattvandring)
WALK_DATE: Final = "wk-date"
WALK_AREAS: Final = "wk-areas"
WALK_START: Final = "wk-start"
WALK_END: Final = "wk-end"
WALK_WALKERS: Final = "wk-walkers"
WALK_RATING: Final = "wk-rating"
WALK_NOTE: Final = "wk-note"
WALK_SUBMIT: Final = "wk-submit"
WALK_RESULT: Final = "wk-result"
WALK_PLANNED: Final = "wk-planned"
"""The saved walk of the schedule this report is for (optional)."""
WALK_SEEN_ROWS: Final = 5
"""Rows of "Vad såg ni?" on the form (fixed: simple and robust)."""


def walk_seen(row: int, part: str) -> str:
    """Id of a "Vad såg ni?" control: ``part`` is category, area or count; rows from 1."""
    return f"wk-seen-{row}-{part}"


def walk_error(field: str) -> str:
    """Id of the error text shown next to a walk form field (or ``sett-i`` for row i)."""
    return f"wk-error-{field}"


# Import page (observations from CSV/XLSX)
IMPORT_UPLOAD: Final = "im-upload"
IMPORT_UPLOAD_INFO: Final = "im-upload-info"
IMPORT_TOKEN: Final = "im-token"
IMPORT_MAPPING: Final = "im-mapping"
IMPORT_CHECK: Final = "im-check"
IMPORT_RUN: Final = "im-run"
IMPORT_JOB: Final = "im-job"
IMPORT_POLL: Final = "im-poll"
IMPORT_PROGRESS: Final = "im-progress"
IMPORT_STEP: Final = "im-step"
IMPORT_RESULT: Final = "im-result"
IMPORT_PREVIEW: Final = "im-preview"


def import_map(column: str) -> str:
    """Id of the dropdown that picks the file's column for template ``column``."""
    return f"im-map-{column}"


# Tid & händelser page
EV_KOMMUN: Final = "ev-kommun"
EV_LEVEL: Final = "ev-level"
EV_YEAR: Final = "ev-year"
EV_EVENT: Final = "ev-event"
EV_CATEGORIES: Final = "ev-categories"
EV_SUMMARY: Final = "ev-summary"
EV_MAP: Final = "ev-map"
EV_YOY: Final = "ev-yoy"
EV_RANKED: Final = "ev-ranked"
EV_HEATMAP: Final = "ev-heatmap"
EV_HEATMAP_NOTE: Final = "ev-heatmap-note"
EV_BANDS: Final = "ev-bands"

# Kalender page (school calendar and local events)
CAL_KOMMUN: Final = "cal-kommun"
CAL_REFRESH: Final = "cal-refresh"
CAL_SCHOOL_LIST: Final = "cal-school-list"
CAL_SCHOOL_KIND: Final = "cal-school-kind"
CAL_SCHOOL_FIRST: Final = "cal-school-first"
CAL_SCHOOL_LAST: Final = "cal-school-last"
CAL_SCHOOL_ADD: Final = "cal-school-add"
CAL_SCHOOL_UPLOAD: Final = "cal-school-upload"
CAL_SCHOOL_MESSAGE: Final = "cal-school-message"
CAL_EVENT_LIST: Final = "cal-event-list"
CAL_EVENT_NAME: Final = "cal-event-name"
CAL_EVENT_KIND: Final = "cal-event-kind"
CAL_EVENT_START_DAY: Final = "cal-event-start-day"
CAL_EVENT_START_TIME: Final = "cal-event-start-time"
CAL_EVENT_END_DAY: Final = "cal-event-end-day"
CAL_EVENT_END_TIME: Final = "cal-event-end-time"
CAL_EVENT_AREAS: Final = "cal-event-areas"
CAL_EVENT_ADD: Final = "cal-event-add"
CAL_EVENT_MESSAGE: Final = "cal-event-message"
CAL_DELETE_TYPE: Final = "cal-delete"
"""Type of the pattern-matching delete buttons: {"type": CAL_DELETE_TYPE, "item": ...}."""
EV_AREAS: Final = "ev-areas"

# Planering page
PL_KOMMUN: Final = "pl-kommun"
PL_LEVEL: Final = "pl-level"
PL_FIRST: Final = "pl-first"
PL_WEEKS: Final = "pl-weeks"
PL_REFRESH: Final = "pl-refresh"
PL_FORECAST: Final = "pl-forecast"
PL_REASONS: Final = "pl-reasons"
PL_NIGHTS: Final = "pl-nights"
PL_WALKERS_TYPE: Final = "pl-walkers"
"""Type of the per-night walker inputs: {"type": PL_WALKERS_TYPE, "night": ISO date}."""
PL_ASSOCIATION: Final = "pl-association"
PL_NEW_ASSOCIATION: Final = "pl-new-association"
PL_ADD_ASSOCIATION: Final = "pl-add-association"
PL_SIGNUP_NIGHT: Final = "pl-signup-night"
PL_SIGNUP_WALKERS: Final = "pl-signup-walkers"
PL_SIGNUP_START: Final = "pl-signup-start"
PL_SIGNUP_END: Final = "pl-signup-end"
PL_ADD_SIGNUP: Final = "pl-add-signup"
PL_SIGNUPS: Final = "pl-signups"
PL_SIGNUP_MESSAGE: Final = "pl-signup-message"
PL_DELETE_TYPE: Final = "pl-delete"
PL_PROPOSE: Final = "pl-propose"
PL_SCHEDULE: Final = "pl-schedule"
PL_SAVE: Final = "pl-save"
PL_MESSAGE: Final = "pl-message"
PL_EXPORT_CSV: Final = "pl-export-csv"
PL_EXPORT_ICS: Final = "pl-export-ics"
PL_EXPORT_PDF: Final = "pl-export-pdf"
PL_EXPORT_PAY: Final = "pl-export-pay"
PL_DOWNLOAD: Final = "pl-download"
PL_DONE: Final = "pl-done"
PL_YEARLY: Final = "pl-yearly"
PL_CONCERNS: Final = "pl-concerns"
PL_SIGNALS: Final = "pl-signals"
PL_MEETING_AREA: Final = "pl-meeting-area"
PL_MEETING_DATE: Final = "pl-meeting-date"
PL_MEETING_PLACE: Final = "pl-meeting-place"
PL_MEETING_THEME: Final = "pl-meeting-theme"
PL_MEETING_ATTENDING: Final = "pl-meeting-attending"
PL_MEETING_FOLLOW_UP: Final = "pl-meeting-follow-up"
PL_ADD_MEETING: Final = "pl-add-meeting"
PL_MEETING_MESSAGE: Final = "pl-meeting-message"
PL_MEETINGS: Final = "pl-meetings"
OV_REMINDERS: Final = "ov-reminders"
