"""Time to produce the lägesbild PDF for the demo kommun, as a user waits for it
(issue 16: ≤ 5 s for a municipality).

Builds a throw-away SQLite demo database, then times, median of ``--reps`` calls:

- *end to end*: the briefing (``data.briefing.compose.build_briefing`` when it exists,
  else a synthetic briefing over the demo's real areas from ``tests/briefing_factory.py``),
  the map's outlines (``briefing_outlines``, read and simplified from the database) and
  ``lagesbild_pdf``;
- the parts alone: briefing, outlines, the PDF from ready inputs;
- *baseline*, the same work in the same run: the PDF without the map (no outlines),
  and the walkers' schedule PDF (``schedule_pdf``) over the same areas' outlines.

Prints figures only, asserts no timing. Run from the project root::

    .venv/bin/python bench/bench_lagesbild_pdf.py [--reps 5] [--kommun 0380]
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import argparse
import importlib.util
import os
import secrets
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any

from report import kb, print_table, wall_times
from sqlalchemy import select
from sqlalchemy.orm import Session

from dashboard import create_app
from dashboard.lagesbild_pdf import lagesbild_pdf
from dashboard.plan_exports import ScheduledWalk, schedule_pdf
from dashboard.state import app_state
from data.briefing.model import AreaValue, Briefing
from data.briefing.outlines import briefing_outlines
from data.clock import SYSTEM_CLOCK
from data.demo.build import build_demo
from data.storage.db import unit_of_work
from data.storage.models import Area
from data.storage.setup import initialise_database
from tests.briefing_factory import leadership_briefing

REAL_BRIEFING = importlib.util.find_spec("data.briefing.compose") is not None


def synthetic_briefing(session: Session, kommun: str) -> Briefing:
    """The factory's November briefing over the kommun's real areas (published-looking
    values, a third suppressed)."""
    rows = session.execute(
        select(Area.code, Area.name).where(Area.kommun_code == kommun, Area.level != "kommun")
    ).all()
    areas = tuple(
        AreaValue(code, name, "<10", None)
        if i % 3 == 0
        else AreaValue(code, name, str(10 + 7 * i), 10 + 7 * i)
        for i, (code, name) in enumerate(sorted(rows))
    )
    return leadership_briefing(kommun_code=kommun, areas=areas)


def real_briefing(session: Session, kommun: str, end: date) -> Briefing:
    """``build_briefing`` for leadership and last month (needs the app for the viewer)."""
    from dashboard.auth import viewer_for
    from data.briefing.compose import build_briefing  # type: ignore[import-not-found,unused-ignore]
    from data.briefing.period import parse_period  # type: ignore[import-not-found,unused-ignore]
    from data.counts.cube import build_cube

    month = (end.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    cube = build_cube(session, today=end)
    viewer = viewer_for("leadership", kommun)
    now = datetime.combine(end, datetime.min.time())
    briefing: Briefing = build_briefing(
        session, cube, viewer, kommun, "custom", parse_period(month), today=end, now=now
    )
    return briefing


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--kommun", default="0380")
    args = parser.parse_args()
    end = SYSTEM_CLOCK.today()
    with tempfile.TemporaryDirectory(prefix="ssp-bench-lagesbild-") as folder:
        app = create_app(
            {
                "SSP_INSTANCE_PATH": folder,
                "DATABASE_URL": f"sqlite:///{Path(folder) / 'demo.sqlite'}",
                "SECRET_KEY": secrets.token_hex(16),
                "SSP_DEMO": True,
                "REDIS_URL": "",
            }
        )
        state = app_state(app)
        initialise_database(state.engine)
        password = secrets.token_hex(8)
        with unit_of_work(state.sessions) as session:
            build_demo(session, end=end, password=password)
        waits = as_the_user_waits(app, password, args.kommun, end, args.reps)
        with app.app_context(), state.sessions() as session:
            rows = run(session, args.kommun, end, args.reps)
        state.engine.dispose()
    print(f"SSP Lägesbild – lägesbild PDF for kommun {args.kommun}, median of {args.reps}")
    source = "build_briefing" if REAL_BRIEFING else "tests/briefing_factory.py (synthetic)"
    print(f"briefing from: {source}")
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print_table(["step", "median s", "max s", "PDF", "× baseline"], rows)
    print()
    print("As the user waits: GET /lagesbild/pdf as the leadership demo user (Flask test")
    print("client: login, routing, authorisation, briefing, map, PDF), the last whole period;")
    print("the first request also builds the count cube. Target (issue 16): ≤ 5 s.")
    print_table(["request", "median s", "max s", "PDF", "≤ 5 s"], waits)
    return 0


def as_the_user_waits(
    app: Any, password: str, kommun: str, end: date, reps: int
) -> list[list[str]]:
    """The one-click PDF through the app, per period kind (cold first, then warm)."""
    from data.briefing.period import period_of, previous_period
    from tests.helpers import login

    client = app.test_client()
    assert login(client, "ledning", password).status_code == 302, "login failed"
    rows = []
    for n, kind in enumerate(("month", "tertial", "year")):
        period = previous_period(period_of(kind, end))  # type: ignore[arg-type]
        url = f"/lagesbild/pdf?kommun={kommun}&typ={kind}&period={period.code}"

        def fetch(url: str = url) -> bytes:
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            return bytes(response.data)

        if n == 0:
            start = time.perf_counter()
            body = fetch()
            cold = time.perf_counter() - start
            rows.append(
                [
                    f"{kind} {period.code}, first request (cold)",
                    f"{cold:.3f}",
                    f"{cold:.3f}",
                    kb(len(body)),
                    "yes" if cold <= 5 else "NO",
                ]
            )
        samples = wall_times(fetch, reps)
        median = statistics.median(samples)
        rows.append(
            [
                f"{kind} {period.code}",
                f"{median:.3f}",
                f"{max(samples):.3f}",
                kb(len(fetch())),
                "yes" if max(samples) <= 5 else "NO",
            ]
        )
    return rows


def run(session: Session, kommun: str, end: date, reps: int) -> list[list[str]]:
    def make_briefing() -> Briefing:
        return (
            real_briefing(session, kommun, end)
            if REAL_BRIEFING
            else synthetic_briefing(session, kommun)
        )

    briefing = make_briefing()
    codes = [a.code for a in briefing.areas]
    outlines = briefing_outlines(session, kommun, briefing.level, codes)
    walks = [  # one area a night: a schedule with a map per night over the same outlines
        ScheduledWalk(
            date(2026, 11, 1) + timedelta(days=i), a.code, a.name, "", 4, "20:30", "01:30", "", 1.0
        )
        for i, a in enumerate(briefing.areas)
    ]

    def end_to_end() -> bytes:
        fresh = make_briefing()
        drawn = briefing_outlines(session, kommun, fresh.level, [a.code for a in fresh.areas])
        return lagesbild_pdf(fresh, drawn)

    steps: list[tuple[str, Callable[[], object]]] = [
        ("end to end (briefing + outlines + PDF)", end_to_end),
        ("  briefing", make_briefing),
        ("  outlines", lambda: briefing_outlines(session, kommun, briefing.level, codes)),
        ("  PDF from ready inputs", lambda: lagesbild_pdf(briefing, outlines)),
        ("baseline: PDF without the map", lambda: lagesbild_pdf(replace(briefing), {})),
        (
            "baseline: walkers' schedule PDF, same outlines",
            lambda: schedule_pdf(walks, kommun=briefing.kommun_name, reasons={}, outlines=outlines),
        ),
    ]
    medians: dict[str, float] = {}
    rows = []
    for name, action in steps:
        samples = wall_times(action, reps)
        medians[name] = statistics.median(samples)
        result = action()
        size = kb(len(result)) if isinstance(result, bytes) else ""
        rows.append([name, f"{medians[name]:.3f}", f"{max(samples):.3f}", size, ""])
    baseline = medians["baseline: PDF without the map"]
    for row in rows:
        row[4] = f"{float(row[1]) / baseline:.1f}" if baseline else "–"
    return rows


if __name__ == "__main__":
    raise SystemExit(main())
