"""The one submit sequence of the pages: store in one unit of work, report, refresh.

Every page that saves something does the same after reading and checking its
inputs: run the data-layer function in one unit of work (all or nothing), turn
a refusal of the data layer into Swedish report lines, report success, and bump
the page's refresh counter so its lists re-render. Written once here.

It lives beside the callbacks, not in ``dashboard/components.py`` (UI pieces
without I/O) nor in ``data/`` (which builds no UI): it needs the app's session
factory, the report lines and the refresh counter, and only callbacks use it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from dash import html, no_update

from dashboard.components import bump
from dashboard.state import app_state
from dashboard.uploads import report_items
from data.storage.db import Session, in_unit_of_work

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Report:
    """What a stored change reports: lines, and whether they read as success."""

    lines: list[str] = field(default_factory=list)
    ok: bool = True


def _message(error: Exception) -> list[str]:
    return [str(error)]


def refuse(lines: list[str]) -> tuple[list[html.Li], Any]:
    """A submit that stopped before storing: the reasons, and no refresh."""
    return report_items(lines, ok=False), no_update


def store(work: Callable[[Session], T]) -> T:
    """``work`` in one unit of work of the app's database (commit once, or roll back)."""
    return in_unit_of_work(app_state().sessions, work)


def submit(
    work: Callable[[Session], list[str] | Report],
    *,
    refresh: Any = None,
    refused: tuple[type[Exception], ...] = (),
    messages: Callable[[Exception], list[str]] = _message,
    then: Callable[[], Any] | None = None,
) -> tuple[list[html.Li], Any]:
    """Store with ``work`` and report: (report lines, the second output).

    ``work`` returns its success lines (or a :class:`Report`); an exception of a
    ``refused`` type rolls everything back and reports ``messages(error)``. After
    success the second output is ``then()``, by default the next value of the
    ``refresh`` counter; after a refusal it is left as it is.
    """
    try:
        done = store(work)
    except refused as error:
        return refuse(messages(error))
    report = done if isinstance(done, Report) else Report(done)
    return report_items(report.lines, ok=report.ok), then() if then else bump(refresh)


def form_answer(
    summary: Any, fields: Iterable[str], errors: Mapping[str, str] | None = None
) -> tuple[Any, ...]:
    """A form's outputs: the summary, then each field's error ("" for none; errors
    about fields the form does not have are dropped)."""
    shown = dict.fromkeys(fields, "")
    shown.update((f, m) for f, m in (errors or {}).items() if f in shown)
    return (summary, *shown.values())


def form_refused(
    failed: str, fields: Iterable[str], errors: Mapping[str, str] | None = None
) -> tuple[Any, ...]:
    """A form that was not saved because of the fields: "<failed>: rätta fälten ovan."."""
    summary = html.Div(f"{failed}: rätta fälten ovan.", className="report-error")
    return form_answer(summary, fields, errors)


def submit_form(
    work: Callable[[Session], object],
    *,
    confirmation: html.Div,
    fields: Iterable[str],
    failed: str,
    field_of: Callable[[PermissionError], str | None],
) -> tuple[Any, ...]:
    """Store a validated form with ``work``; on success show ``confirmation``.

    The data layer refuses what the user may not store with a PermissionError:
    its message goes to the field ``field_of(error)`` names (summary "<failed>.")
    or, for None, into the summary ("<failed>: <error>.").
    """
    fields = tuple(fields)
    try:
        store(work)
    except PermissionError as error:
        where = field_of(error)
        if where is None:
            summary = html.Div(f"{failed}: {error}.", className="report-error")
            return form_answer(summary, fields)
        summary = html.Div(f"{failed}.", className="report-error")
        return form_answer(summary, fields, {where: str(error)})
    return form_answer(confirmation, fields)
