"""What a lägesbild (leadership briefing) holds: plain, frozen values that have all
passed disclosure control, so the page, the PDF and the published archive read the
same thing and none of them sees a raw count.

Every count here is a *published* value: the number as text (``"42"``, ``"<10"``,
``"skyddad"``) and, where it is shown, the integer (``None`` where suppressed).
Changes are computed from published values only, so they reveal nothing the two
published numbers do not.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Final, Literal

PeriodKind = Literal["week", "month", "tertial", "year"]
PERIOD_KINDS: Final = ("week", "month", "tertial", "year")
LEADERSHIP_KINDS: Final = ("month", "tertial", "year")
"""Leadership sees whole months at least (its time grain); coordinators also weeks."""

Direction = Literal["up", "down", "same", "unknown"]


@dataclass(frozen=True, slots=True)
class BriefingPeriod:
    """One lägesbild period: a week, a month, a tertial or a year.

    The count cube holds whole ISO weeks; a month, tertial or year is the weeks
    whose Thursday falls in it (as ISO years are defined), so ``first_monday`` ..
    ``last_monday`` are the weeks counted and ``first_day``/``last_day`` the
    calendar dates shown to the reader.
    """

    kind: PeriodKind
    code: str
    """``2026-W48``, ``2026-11``, ``2026-T3`` or ``2026``: the CLI's and URL's form."""
    first_day: date
    last_day: date
    first_monday: date
    last_monday: date


@dataclass(frozen=True, slots=True)
class Comparison:
    """A published count against the previous period and the same period last year."""

    label: str
    value: str
    number: int | None
    previous: str
    previous_number: int | None
    last_year: str
    last_year_number: int | None
    change_previous: Direction
    change_last_year: Direction
    text: str
    """The change in words, honest about noise and suppression, e.g. "Ungefär som
    förra perioden (skillnaden ryms i bruset)" or "Kan inte jämföras: <10 förra
    perioden"."""


@dataclass(frozen=True, slots=True)
class AreaValue:
    """One area on the lägesbild's map: code, name and its published count."""

    code: str
    name: str
    value: str
    number: int | None
    merged: bool = False
    """Shown merged into a larger area (too few youths to show alone)."""


@dataclass(frozen=True, slots=True)
class EventLine:
    """A calendar event in the period and its uplift, from published counts."""

    name: str
    when: str
    observed: str
    expected: str
    uplift: str
    clear_rise: bool


@dataclass(frozen=True, slots=True)
class WalkFigures:
    """Night walks and parent meetings in the period (no individual data)."""

    nights_planned: int
    nights_held: int
    walker_nights: int
    parent_meetings: int


@dataclass(frozen=True, slots=True)
class ActionCount:
    """Decided actions (:mod:`data.weekly.actions`) of one status and owner active in
    the period: the team's own work, not a count of youths. ``titles`` (the what-texts)
    only in a coordinators' lägesbild; leadership never reads free text."""

    status: str
    owner: str
    count: int
    titles: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Method:
    """The method box: what the reader must know to read the numbers."""

    k: int
    marker: str
    secondary_marker: str
    noise: str
    """The noise explained in a sentence or two, with its bound ("… högst ±2 …"),
    printed as it stands."""
    merged_areas: tuple[str, ...]
    time_grain: str


@dataclass(frozen=True, slots=True)
class Briefing:
    """Everything one lägesbild shows, for one kommun, period and audience."""

    kommun_code: str
    kommun_name: str
    audience: Literal["leadership", "coordinator"]
    level: str
    """The area level the map and area lists use (e.g. "deso", "own")."""
    period: BriefingPeriod
    previous: BriefingPeriod
    year_before: BriefingPeriod
    produced: datetime
    """When it was made (aware, as the app clock's ``now()``: UTC); shown in Swedish time."""
    complete: bool
    """False while the period is still running (or has weeks after today): marked
    as such, and no change against earlier periods is claimed."""
    counted_to: date
    """The last day whose reports are counted (the period's last day, or today)."""
    headline: tuple[Comparison, ...]
    """The total first, then each category (published values)."""
    areas: tuple[AreaValue, ...]
    rising_areas: tuple[Comparison, ...]
    falling_areas: tuple[Comparison, ...]
    rising_categories: tuple[Comparison, ...]
    falling_categories: tuple[Comparison, ...]
    monthly: tuple[tuple[str, str, int | None, bool], ...]
    """The trend: (label, published text, number, complete) per month — the period's
    months and the 11 before, labelled "nov 2026" — or, for a week period, per week (12
    weeks, "v. 48 2026"), up to the period's end and none starting after today; the
    running month or week has complete=False."""
    events: tuple[EventLine, ...]
    walks: WalkFigures
    assessment: str
    """The coordinator's written bedömning (PII-guarded), empty when there is none."""
    actions: str
    """Decided actions (PII-guarded), empty when there are none."""
    method: Method
    decided: tuple[ActionCount, ...] = ()
    """The period's decided actions per status and owner (issue 17)."""
