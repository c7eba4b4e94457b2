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
from typing import Any, Final, TypeVar

from dash import html, no_update

from dashboard.components import bump
from dashboard.i18n import N_, _, ngettext
from dashboard.state import app_state
from dashboard.uploads import report_items
from data.ingest.observation_store import AlreadySaved
from data.storage.db import Session, in_unit_of_work

T = TypeVar("T")

DATA_MESSAGES: Final = (
    N_("Välj ett datum."),
    N_("Välj dag, kväll eller natt."),
    N_("Välj ett område."),
    N_("Välj en kategori."),
    N_("Välj en källa."),
    N_("Skriv antalet händelser: ett heltal, minst 1."),
    N_("Välj en gruppstorlek i listan (eller ingen)."),
    N_("Välj en åldersgrupp i listan (eller ingen)."),
    N_("Datumet finns inte."),
    N_("Datumet ligger i framtiden."),
    N_("Datumet är före år 2000."),
    N_("Okänt datumformat; skriv t.ex. 2026-11-20 eller 20/11/2026."),
    N_("Högst 280 tecken."),
    N_("Innehåller styrtecken som inte är text."),
    N_("Den källan kommer bara från en import; välj en annan källa."),
    N_("Området finns inte i din kommun."),
    N_("Området ingår inte i dina tilldelade områden."),
    N_("området finns inte i din kommun"),
    N_("området ingår inte i dina tilldelade områden"),
    N_("datum saknas"),
    N_("datumet finns inte"),
    N_("datumet ligger i framtiden"),
    N_("datumet är före år 2000"),
    N_("skriv datumet som ÅÅÅÅ-MM-DD"),
    N_("skriv tiden som TT:MM, t.ex. 20:00"),
    N_("starttid saknas"),
    N_("sluttid saknas"),
    N_("sluttiden måste skilja sig från starttiden"),
    N_("välj minst ett område"),
    N_("okänt område"),
    N_("antal vandrare saknas"),
    N_("välj Lugnt eller Oroligt"),
    N_("anteckningen innehåller otillåtna tecken"),
    N_("högst 280 tecken"),
    N_("ogiltig rad"),
    N_("okänd kategori"),
    N_("välj kategori"),
    N_("välj ett av områdena ni gick i"),
    N_("området är inte bland de områden ni gick i"),
    N_("Den planerade vandringen finns inte den dagen i kommunen."),
    N_(
        "Bara föreningens egna vandrare (i sina områden) eller samordnaren kan rapportera "
        "den planerade vandringen."
    ),
    N_("Den planerade vandringen är redan rapporterad."),
)
"""The forms' field messages that ``data/`` words in Swedish (``FORM_MESSAGES`` of
``data.ingest.observation_rows``, the date reasons, the walk form's and the stores'
refusals), marked here so
:func:`field_message` shows them in the reader's language; ``data/`` stays as it is and
any other message of it (e.g. the PII guard's) is shown in Swedish."""


def field_message(message: str) -> str:
    """A field's message from ``data/`` in the reader's language, part by part (a row of
    "Vad såg ni?" joins its problems with "; "); "" stays "" (the empty msgid would give
    the catalogue's header)."""
    return "; ".join(_(part) for part in message.split("; ")) if message else ""


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
    summary = html.Div(_("%(failed)s: rätta fälten ovan.", failed=failed), className="report-error")
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
            summary = html.Div(_refusal(failed, error), className="report-error")
            return form_answer(summary, fields)
        summary = html.Div(f"{failed}.", className="report-error")
        return form_answer(summary, fields, {where: field_message(str(error))})
    return form_answer(confirmation, fields)


@dataclass(frozen=True, slots=True)
class FormOutcome:
    """What a form shows after a submit: the summary at the top, each field's message
    ("" for none) and whether something was saved (then the form is cleared)."""

    summary: Any
    errors: dict[str, str]
    saved: bool = False

    def field_class(self, name: str) -> str:
        """The CSS class of a field's box: marked when its message is not empty."""
        return "form-field field-invalid" if self.errors.get(name) else "form-field"

    def outputs(
        self,
        *,
        messages: Iterable[str],
        boxes: Iterable[str],
        cleared: Callable[[], dict[str, Any]],
        new_key: Callable[[], str],
    ) -> dict[str, Any]:
        """A form callback's outputs: the summary, each field's message and box class,
        and — after a save only — the cleared values and a new one-time key."""
        values = cleared()
        return {
            "result": self.summary,
            "errors": [self.errors.get(f, "") for f in messages],
            "classes": [self.field_class(f) for f in boxes],
            "values": values if self.saved else dict.fromkeys(values, no_update),
            "nonce": new_key() if self.saved else no_update,
        }


def _summary(failed: str, errors: Mapping[str, str], labels: Mapping[str, str]) -> html.Div:
    """The refusal at the top of a form: what failed and one line per refused field."""
    items = [html.Li(f"{_(labels.get(f, f))}: {field_message(m)}") for f, m in errors.items() if m]
    lead = ngettext(
        "%(failed)s: rätta fältet nedan.",
        "%(failed)s: rätta fälten nedan.",
        len(items),
        failed=failed,
    )
    return html.Div([html.P(lead), html.Ul(items)], className="report-error")


def _refusal(failed: str, error: Exception) -> str:
    """ "<failed>: <the data layer's refusal>." in the reader's language."""
    return f"{failed}: {field_message(str(error))}."


def refused_form(
    failed: str,
    fields: Iterable[str],
    errors: Mapping[str, str],
    labels: Mapping[str, str],
) -> FormOutcome:
    """A form refused because of its fields: the messages per field and a summary
    that lists them (the page's script moves focus to it)."""
    shown = dict.fromkeys(fields, "")
    shown.update((f, m) for f, m in errors.items() if f in shown)
    summary = _summary(failed, shown, labels)
    return FormOutcome(summary, {f: field_message(m) for f, m in shown.items()})


def save_once(
    work: Callable[[Session], object],
    *,
    confirmation: html.Div,
    fields: Iterable[str],
    failed: str,
    field_of: Callable[[PermissionError], str | None],
    labels: Mapping[str, str],
) -> FormOutcome:
    """Store a validated form with ``work`` exactly once per one-time key.

    Like :func:`submit_form`; in addition the data layer's
    :class:`~data.ingest.observation_store.AlreadySaved` (the same form sent twice)
    saves nothing and says "Redan sparad".
    """
    fields = tuple(fields)
    try:
        store(work)
    except AlreadySaved:
        already = html.Div(
            _("Redan sparad: formuläret var redan skickat, inget nytt sparades."),
            className="report-ok",
        )
        return FormOutcome(already, dict.fromkeys(fields, ""))
    except PermissionError as error:
        where = field_of(error)
        if where is None or where not in fields:
            summary = html.Div(_refusal(failed, error), className="report-error")
            return FormOutcome(summary, dict.fromkeys(fields, ""))
        message = str(error)
        return refused_form(failed, fields, {where: f"{message[:1].upper()}{message[1:]}."}, labels)
    return FormOutcome(confirmation, dict.fromkeys(fields, ""), saved=True)
