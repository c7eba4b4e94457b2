"""Backtest of the planning forecast against a seasonal-naive baseline.

The forecast's model (``data.planning.forecast``: recent level × calendar factor learned
from earlier occurrences) is run at weekly scale, one week ahead, on

- the demo database (kommun 0380, synthetic observations, two years), and
- the real polisen.se events in ``../shared/data`` (Uppsala and Sigtuna, by
  municipality and week, 2022-10 to 2026-08; parsed with the project's importer);

and compared in the same run with the seasonal-naive forecast (the same ISO week
last year). Prints the mean absolute error of both and their ratio (goal < 1).
Run from the project root::

    .venv/bin/python bench/bench_forecast.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import secrets
import tempfile
from collections import Counter
from datetime import date, timedelta

import numpy as np
from report import print_table

from data.calendar.windows import event_windows
from data.clock import SYSTEM_CLOCK
from data.counts.cube import monday_of
from data.planning.forecast import HISTORY_WEEKS, weekly_forecast

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
SEASON = 52


def week_events(mondays: list[date]) -> list[frozenset[str]]:
    """The event keys whose window starts in each week (holidays, payday weekends)."""
    by_week: dict[date, set[str]] = {}
    for year in range(mondays[0].year, mondays[-1].year + 1):
        for window in event_windows(year):
            by_week.setdefault(monday_of(window.days[0]), set()).add(window.key)
    return [frozenset(by_week.get(m, set())) for m in mondays]


def backtest(weekly: list[float], mondays: list[date]) -> tuple[int, float, float]:
    """(weeks tested, MAE of the forecast, MAE of seasonal naive) over the weeks that
    have a year of history."""
    events = week_events(mondays)
    model, naive = [], []
    for t in range(max(SEASON, HISTORY_WEEKS + 1), len(weekly)):
        model.append(abs(weekly[t] - weekly_forecast(weekly, events, t)))
        naive.append(abs(weekly[t] - weekly[t - SEASON]))
    return len(model), float(np.mean(model)), float(np.mean(naive))


def police_series(kommun: str) -> tuple[list[float], list[date]]:
    """Weekly counts of one municipality's events (kommun precision only)."""
    from data.ingest.polisen import parse_polisen_reports

    parsed = parse_polisen_reports((SHARED / "polisen_events_uppsala_sigtuna.json").read_bytes())
    weeks = Counter(
        monday_of(e.occurred_on)
        for e in parsed.reports
        if e.precision == "kommun" and e.kommun_name == kommun
    )
    first, last = min(weeks), max(weeks) - timedelta(weeks=1)  # the last week may be partial
    mondays = [first + timedelta(weeks=i) for i in range((last - first).days // 7 + 1)]
    return [float(weeks.get(m, 0)) for m in mondays], mondays


def demo_series() -> tuple[list[float], list[date]]:
    from data.counts.cube import build_cube
    from data.demo.build import build_demo
    from data.storage.db import make_engine, make_session_factory, unit_of_work
    from data.storage.setup import initialise_database

    with tempfile.TemporaryDirectory(prefix="ssp-bench-forecast-") as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'demo.sqlite'}")
        initialise_database(engine)
        sessions = make_session_factory(engine)
        end = monday_of(SYSTEM_CLOCK.today()) - timedelta(days=1)
        with unit_of_work(sessions) as session:
            build_demo(session, end=end, password=secrets.token_hex(8))
        with sessions() as session:
            cube = build_cube(session, today=end)
        engine.dispose()
    mask = np.array([k == "0380" for k in cube.areas.kommun_codes])
    frame = cube.per_week(
        first_monday=cube.first_monday, last_monday=cube.last_monday, area_mask=mask
    )
    weekly = frame["count"].astype(float).tolist()
    mondays = list(frame["week"])
    return weekly, mondays


def main() -> int:
    rows = []
    series = {"demo 0380 (synthetic)": demo_series()}
    if (SHARED / "polisen_events_uppsala_sigtuna.json").exists():
        series["polisen.se Uppsala"] = police_series("Uppsala")
        series["polisen.se Sigtuna"] = police_series("Sigtuna")
    else:
        print(f"({SHARED} is missing: only the demo is backtested)")
    for name, (weekly, mondays) in series.items():
        tested, model, naive = backtest(weekly, mondays)
        rows.append(
            [
                name,
                str(tested),
                f"{np.mean(weekly):.1f}",
                f"{model:.2f}",
                f"{naive:.2f}",
                f"{model / naive:.2f}" if naive else "–",
            ]
        )
    print("SSP Lägesbild – forecast backtest (one week ahead, weekly counts)")
    print_table(
        ["series", "weeks tested", "mean/week", "MAE forecast", "MAE seasonal naive", "ratio"],
        rows,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
