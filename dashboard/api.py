"""The aggregate API: ``GET /api/v1/aggregates``, disclosure-controlled JSON for scripts.

Authentication is the web session or ``Authorization: Bearer TOKEN``
(``flask --app wsgi ssp create-token USERNAME``); both give the user's role and
scope (:func:`dashboard.auth.current_viewer`), and the request guard answers 401
without either. Every count comes from :func:`data.counts.aggregates.aggregate`, which
passes :mod:`data.privacy.disclosure`. Every refusal is JSON with a Swedish ``error``, the
query ``parameter`` it concerns and a machine-readable ``code``; no input gives a
500. The OpenAPI description is ``dashboard/openapi.yaml``, served (without login:
it holds no data) at ``/api/v1/openapi.yaml``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Final

from flask import Blueprint, Response, g, jsonify, request
from werkzeug.datastructures import MultiDict

from dashboard.audit import audit
from dashboard.auth import TOKEN_REQUEST, current_viewer
from dashboard.state import current_cube, db_session, event_rules, today
from data.access.scope import (
    AccessDenied,
    BadSelection,
    Selection,
    Viewer,
    available_levels,
    snap_to_grain,
    whole_weeks,
)
from data.calendar.municipal import kommun_windows
from data.calendar.windows import STOCKHOLM, EventWindow
from data.counts.aggregates import GROUP_FIELDS, AggregateDenied, AggregateRefused, aggregate
from data.counts.cube import AGE_AXIS, CountCube, history_start, monday_of
from data.counts.event_view import slots_around
from data.counts.windows import window_aggregate
from data.vocabulary import AREA_LEVELS, codes

bp = Blueprint("api", __name__, url_prefix="/api/v1")

SPEC_FILE: Final = Path(__file__).with_name("openapi.yaml")
PARAMETERS: Final = (
    "level",
    "area",
    "from",
    "to",
    "event",
    "category",
    "source",
    "age_band",
    "group_by",
)
EVENT: Final = re.compile(
    r"(?P<key>[a-zåäö0-9:-]{1,80})@(?P<year>[0-9]{4})(?:-(?P<month>[0-9]{2}))?"
)
"""``event=valborg@2026``, ``event=lonehelg@2026-04``: an event window as the period."""
MAX_VALUE_LENGTH: Final = 2000
MAX_LIST_ITEMS: Final = 100
DEFAULT_WEEKS: Final = 4
"""Without ``from``, the period is the four whole weeks ending with ``to``'s week."""
ISO_DATE: Final = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
CODE: Final = re.compile(r"[a-z0-9_]{1,32}")
AGE_CODE: Final = re.compile(r"[a-z0-9-]{1,8}")
"""An age group code: ``10-12``, ``13-15``, ``16-18`` or ``okand`` (no band stored)."""
MAX_AREA_LENGTH: Final = 64


class ApiError(Exception):
    """A refusal with its HTTP status, Swedish message and machine-readable parts."""

    def __init__(self, status: int, message: str, *, code: str, parameter: str | None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.parameter = parameter

    def response(self) -> tuple[Response, int]:
        """The JSON body and status of this refusal."""
        body: dict[str, Any] = {"error": str(self), "code": self.code}
        if self.parameter is not None:
            body["parameter"] = self.parameter
        return jsonify(body), self.status


def _invalid(parameter: str, message: str) -> ApiError:
    return ApiError(400, message, code="invalid_parameter", parameter=parameter)


@dataclass(frozen=True, slots=True)
class AggregateQuery:
    """A syntactically valid request; scope and codes are checked against the data later."""

    level: str | None
    area: str | None
    start: date | None
    end: date | None
    categories: tuple[str, ...]
    sources: tuple[str, ...]
    group_by: tuple[str, ...]
    age_bands: tuple[str, ...] = ()
    event: tuple[str, int, int | None] | None = None
    """(key, year, month or None) of an event window chosen as the period."""


def _single(args: MultiDict[str, str], name: str) -> str | None:
    values = args.getlist(name)
    if not values:
        return None
    if len(values) > 1:
        raise _invalid(name, f"parametern {name} får bara anges en gång")
    value = values[0]
    if not value:
        raise _invalid(name, f"parametern {name} är tom; utelämna den i stället")
    if len(value) > MAX_VALUE_LENGTH or not value.isprintable():
        raise _invalid(name, f"parametern {name} är för lång eller innehåller otillåtna tecken")
    return value


def _list(args: MultiDict[str, str], name: str, allowed: re.Pattern[str]) -> tuple[str, ...]:
    value = _single(args, name)
    if value is None:
        return ()
    items = value.split(",")
    if len(items) > MAX_LIST_ITEMS or not all(allowed.fullmatch(item) for item in items):
        raise _invalid(name, f"{name} ska vara koder åtskilda med kommatecken, t.ex. a,b")
    if len(set(items)) != len(items):
        raise _invalid(name, f"{name} innehåller samma kod två gånger")
    return tuple(items)


def _date(args: MultiDict[str, str], name: str) -> date | None:
    value = _single(args, name)
    if value is None:
        return None
    try:
        if not ISO_DATE.fullmatch(value):
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError:
        raise _invalid(name, f"{name} ska vara ett datum ÅÅÅÅ-MM-DD, t.ex. 2026-04-01") from None


def parse_query(args: MultiDict[str, str]) -> AggregateQuery:
    """Check the query string's form (names, repeats, lengths, formats); raise ApiError."""
    unknown = sorted(set(args) - set(PARAMETERS))
    if unknown:
        raise _invalid(
            unknown[0], f"okänd parameter {unknown[0]}; tillåtna är {', '.join(PARAMETERS)}"
        )
    level = _single(args, "level")
    if level is not None and level not in codes(AREA_LEVELS):
        raise _invalid("level", f"okänd nivå; välj bland {', '.join(codes(AREA_LEVELS))}")
    area = _single(args, "area")
    if area is not None and len(area) > MAX_AREA_LENGTH:
        raise _invalid(
            "area",
            f"area ska vara en kommunkod eller en områdeskod (högst {MAX_AREA_LENGTH} tecken)",
        )
    group_by = _list(args, "group_by", CODE)
    if any(field not in GROUP_FIELDS for field in group_by):
        raise _invalid("group_by", f"group_by tar fälten {', '.join(GROUP_FIELDS)}")
    start, end = _date(args, "from"), _date(args, "to")
    if start is not None and end is not None and end < start:
        raise _invalid("to", "perioden slutar innan den börjar (to före from)")
    event = _event(args)
    if event is not None and (start is not None or end is not None):
        raise _invalid("event", "ange antingen event eller from/to, inte båda")
    if event is not None and any(f in ("week", "month") for f in group_by):
        raise _invalid(
            "group_by", "en händelse är en period: gruppera på area, category, source, age_band"
        )
    age_bands = _list(args, "age_band", AGE_CODE)
    if any(band not in AGE_AXIS for band in age_bands):
        raise _invalid("age_band", f"age_band tar koderna {', '.join(AGE_AXIS)}")
    return AggregateQuery(
        event=event,
        level=level,
        area=area,
        start=start,
        end=end,
        categories=_list(args, "category", CODE),
        sources=_list(args, "source", CODE),
        group_by=group_by,
        age_bands=age_bands,
    )


def _event(args: MultiDict[str, str]) -> tuple[str, int, int | None] | None:
    value = _single(args, "event")
    if value is None:
        return None
    match = EVENT.fullmatch(value)
    month = int(match["month"]) if match and match["month"] else None
    if match is None or (month is not None and not 1 <= month <= 12):
        raise _invalid("event", "event skrivs t.ex. valborg@2026 eller lonehelg@2026-04")
    year = int(match["year"])
    if not 2000 <= year <= today().year:
        raise _invalid("event", f"året ska ligga mellan 2000 och {today().year}")
    return match["key"], year, month


def find_event(windows: list[EventWindow], key: str, year: int, month: int | None) -> EventWindow:
    """The window of ``key`` in ``year`` (and ``month`` when it recurs); ApiError else."""
    found = [
        w
        for w in windows
        if w.key == key and (month is None or w.start.astimezone(STOCKHOLM).month == month)
    ]
    if not found:
        raise _invalid(
            "event", f"ingen händelse {key} år {year}" + (f"-{month:02d}" if month else "")
        )
    if len(found) > 1:
        raise _invalid(
            "event", f"{key} förekommer flera gånger {year}: ange månad, t.ex. {key}@{year}-04"
        )
    if found[0].end.astimezone(STOCKHOLM).date() > today():
        raise _invalid("event", "händelsen är inte slut ännu")
    return found[0]


def period_weeks(start: date | None, end: date | None, today: date) -> tuple[date, date]:
    """Mondays of the whole ISO weeks covering ``start``..``end``, within the history.

    Missing ``to`` is today, missing ``from`` four weeks before ``to``. A period
    reaching outside what the data covers (``HISTORY_YEARS`` back, up to this
    week) is cut to it; one entirely outside is refused.
    """
    end = end or today
    start = start or monday_of(end) - timedelta(weeks=DEFAULT_WEEKS - 1)
    earliest, latest = history_start(today), today
    if end < earliest or start > latest:
        msg = (
            f"perioden ligger utanför uppgifterna ({earliest.isoformat()} till "
            f"{latest.isoformat()})"
        )
        raise _invalid("from" if start > latest else "to", msg)
    return whole_weeks(max(start, earliest), min(end, latest))


def _selection(
    query: AggregateQuery, viewer: Viewer, cube: CountCube, today: date
) -> tuple[Selection, str | None]:
    """The selection to aggregate and the area to narrow it to (None: whole kommun)."""
    area = query.area or viewer.kommun_code
    if area is None:
        raise _invalid("area", "ange area: en kommunkod (t.ex. 0380) eller en områdeskod")
    if area not in cube.areas.codes:
        raise _invalid("area", f"okänt område eller okänd kommun: {area}")
    index = cube.areas.position(area)
    kommun = cube.areas.kommun_codes[index]
    if not viewer.may_see_kommun(kommun):
        raise ApiError(
            403,
            f"kommun {kommun} ligger utanför ditt behörighetsområde",
            code="forbidden",
            parameter="area",
        )
    levels = available_levels(cube, kommun, viewer)
    level = query.level or (levels[0] if levels else "kommun")
    first, last = period_weeks(query.start, query.end, today)
    selection = Selection(
        kommun_code=kommun,
        level=level,
        first_monday=first,
        last_monday=last,
        categories=query.categories,
        sources=query.sources,
        age_bands=query.age_bands,
    )
    within = None if cube.areas.levels[index] == "kommun" else area
    return selection, within


def audit_api_export(selection: Selection, within: str | None) -> None:
    """Record an answered request in the audit log: the parameters asked, not the counts."""
    lists = ("category", "source", "age_band", "group_by")
    asked: dict[str, object] = {
        name: value.split(",") if name in lists else value
        for name, value in request.args.items()
        if name in PARAMETERS
    }
    audit(
        "export.api",
        target=within or selection.kommun_code,
        details={**asked, "bearer_token": bool(g.get(TOKEN_REQUEST))},
    )


@bp.after_request
def _api_headers(response: Response) -> Response:
    # Counts are per user: never cached by a proxy; 401 says how to authenticate.
    response.headers["Cache-Control"] = "no-store"
    response.vary.update(("Authorization", "Cookie"))
    if response.status_code == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="ssp-lagesbild"'
    return response


@bp.route("/openapi.yaml")
def openapi_spec() -> Response:
    """The OpenAPI 3 description of this API (public: it holds no data)."""
    return Response(SPEC_FILE.read_bytes(), mimetype="application/yaml")


@bp.route("/aggregates")
def aggregates() -> tuple[Response, int]:
    """Disclosure-controlled counts, grouped as asked (see ``openapi.yaml``)."""
    try:
        query = parse_query(request.args)
        viewer, cube = current_viewer(), current_cube()
        selection, within = _selection(query, viewer, cube, today())
        window = None
        if query.event is None:
            # The period the counts are for: whole months for leadership (to this week).
            selection = snap_to_grain(selection, viewer.level, until=cube.last_monday)
            table = aggregate(cube, selection, viewer, query.group_by, within=within)
        else:
            key, year, month = query.event
            rules = event_rules()
            windows = kommun_windows(db_session(), selection.kommun_code, year, rules)
            window = find_event(windows, key, year, month)
            slots = slots_around(db_session(), cube, window, selection, detail=True)
            table = window_aggregate(
                cube, slots, window, selection, viewer, query.group_by, within=within
            )
    except ApiError as error:
        return error.response()
    except AggregateDenied as error:
        return ApiError(403, str(error), code="forbidden", parameter=error.parameter).response()
    except AggregateRefused as error:
        return _invalid(error.parameter, str(error)).response()
    except AccessDenied as error:
        return ApiError(403, str(error), code="forbidden", parameter=None).response()
    except BadSelection as error:
        return ApiError(400, str(error), code="invalid_parameter", parameter=None).response()
    audit_api_export(selection, within)
    fields = [f for f in GROUP_FIELDS if f in table.frame.columns]
    keys = table.frame[fields].to_dict("records") if fields else [{}] * len(table.frame)
    cells = [
        {**key, "count": count, "suppressed": bool(hidden)}
        for key, count, hidden in zip(
            keys, table.published_values(), table.frame["suppressed"], strict=True
        )
    ]
    body: dict[str, Any] = {
        "k": table.k,
        "level": selection.level,
        "area": within or selection.kommun_code,
        "from": selection.first_monday.isoformat(),
        "to": (selection.last_monday + timedelta(days=6)).isoformat(),
        "group_by": list(fields),
        "cells": cells,
    }
    if window is not None:
        first, last = window.days
        body["from"], body["to"] = first.isoformat(), last.isoformat()
        body["event"] = {
            "key": window.key,
            "name": window.name,
            "start": window.start.isoformat(timespec="minutes"),
            "end": window.end.isoformat(timespec="minutes"),
        }
    return jsonify(body), 200


@bp.route("/<path:_rest>")
def not_found(_rest: str) -> tuple[Response, int]:
    """Unknown API paths answer in JSON too (after authentication, like every API path)."""
    return ApiError(404, "okänd adress i API:t", code="not_found", parameter=None).response()
