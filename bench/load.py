"""Load benchmark (issue 14): 50 logged-in users click for 60 s while one uploads 60 MB.

Serves a fresh demo database (``ssp init-db`` + ``ssp demo``, as ``make run`` builds
it) with gunicorn on loopback (``--workers 2``; ``gunicorn.conf.py`` applies), logs in
``--users`` sessions of the demo accounts (coordinators, reporters, leadership, police)
and lets each of them click with a think time of 1–3 s:

- *Översikt filter*: a new category or period — the three callbacks the renderer posts
  for it (map and top list, trend, notes), real bodies built from ``/_dash-dependencies``;
- *Översikt sida*: the page load (HTML, ``/_dash-layout``, ``/_dash-dependencies``, the
  page callback, the level choices) and the callbacks above;
- *Tid*: the year's events, then valborg's map, comparison, ranking and calendar;
- *Planering* (coordinators): the forecast and the parent-meeting signals;
- *API*: ``GET /api/v1/aggregates`` (per area, the last four weeks).

Two phases on the same server, one after the other: the baseline, then the same mix
while one more coordinator uploads a ~60 MB observation file again and again (sent at
about 6 MB/s, then its columns read and the file checked in job processes, the page's
polling included). ``/healthz`` is asked every 0.5 s in both. Prints latency
percentiles (every request), errors (status ≥ 400 or no answer), throughput, the same
per action, and the ratios upload/baseline. Figures only; nothing is asserted.

Run from the project root::

    .venv/bin/python bench/load.py                      # 2 × 60 s (~4 min with set-up)
    SSP_LOAD_SECONDS=10 .venv/bin/python bench/load.py  # a quick check

The load generator runs on the same machine (Python threads): on a busy machine its
own CPU use shows in the figures; compare the two phases, measured in the same run.
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, Python puts bench/ on the path, not the project root.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import argparse
import contextlib
import os
import random
import re
import signal
import statistics
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import requests
from report import print_table

from data.clock import SYSTEM_CLOCK
from tests.upload_tools import SlowFile, demo_instance, gunicorn, synthetic_csv

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
ACCOUNTS = (("samordnare", 20), ("rapportor", 15), ("ledning", 10), ("polis", 5))
"""Demo accounts and how many of the users log in as each."""
CATEGORIES = ("samling", "skadegorelse", "narkotika", "vald", "otrygg_plats", "alkohol")
UPLOAD_SECONDS = 10.0
"""How long one 60 MB upload takes to send (about 6 MB/s, a good office line)."""


# --- the server ---------------------------------------------------------------------


# --- Dash callback bodies, as the renderer sends them --------------------------------


def split_output(key: str) -> list[dict[str, str]]:
    parts = key.strip(".").split("...") if key.startswith("..") else [key]
    return [dict(zip(("id", "property"), p.rsplit(".", 1), strict=True)) for p in parts]


def callback(
    deps: list[dict[str, Any]],
    values: dict[str, Any],
    *,
    output: str | None = None,
    trigger: str,
) -> dict[str, Any]:
    """The body of the callback whose output key contains ``output`` (or, without it,
    the one ``trigger`` — ``"component.prop"`` — sets off). ``values`` maps
    ``"component.prop"`` to a value; the rest are None."""
    trigger_id = trigger.rsplit(".", 1)[0]
    (spec,) = [
        d
        for d in deps
        if (output in d["output"] if output else any(i["id"] == trigger_id for i in d["inputs"]))
    ]

    def item(d: dict[str, Any]) -> Any:
        if isinstance(d["id"], dict) or str(d["id"]).startswith("{"):
            return []  # a pattern-matching (ALL) dependency with no components on the page
        return {
            "id": d["id"],
            "property": d["property"],
            "value": values.get(f"{d['id']}.{d['property']}"),
        }

    outputs = split_output(spec["output"])
    return {
        "output": spec["output"],
        "outputs": outputs if len(outputs) > 1 else outputs[0],
        "inputs": [item(d) for d in spec["inputs"]],
        "state": [item(d) for d in spec.get("state", [])],
        "changedPropIds": [trigger],
    }


# --- users and what they do -----------------------------------------------------------


@dataclass
class Sample:
    action: str
    seconds: float
    status: int
    """0: no answer."""
    detail: str = ""


@dataclass
class User:
    name: str
    session: requests.Session
    csrf: str
    rng: random.Random
    level: str = "custom"
    samples: list[Sample] = field(default_factory=list)


class Client:
    """What every user shares: the server, the callback map and today's date."""

    def __init__(self, base: str, deps: list[dict[str, Any]], today: date) -> None:
        self.base = base
        self.deps = deps
        self.today = today

    def request(self, user: User, action: str, method: str, path: str, **kwargs: Any) -> Any:
        """One timed request. Like a browser, it is sent again once when a kept-alive
        connection turns out to have been closed by the server in the meantime (the
        time of both tries counts)."""
        started = time.perf_counter()
        response, status, detail = None, 0, ""
        for attempt in (1, 2):
            try:
                response = user.session.request(method, self.base + path, timeout=60, **kwargs)
            except requests.ConnectionError as error:
                detail = f"{type(error).__name__}: {error}"[:200]
                if attempt == 1 and "Connection aborted" in str(error):  # a stale connection
                    continue
                break
            except requests.RequestException as error:
                detail = f"{type(error).__name__}: {error}"[:200]
                break
            status = response.status_code
            detail = "" if status < 400 else f"{path} {response.text[:160]}"
            break
        user.samples.append(Sample(action, time.perf_counter() - started, status, detail))
        return response

    def post(
        self,
        user: User,
        action: str,
        values: dict[str, Any],
        *,
        trigger: str,
        output: str | None = None,
    ) -> dict[str, Any]:
        """POST one callback; its response (empty when refused)."""
        body = callback(self.deps, values, output=output, trigger=trigger)
        response = self.request(user, action, "POST", "/_dash-update-component", json=body)
        if response is None or response.status_code != 200:
            return {}
        answer: dict[str, Any] = response.json().get("response", {})
        return answer

    def overview_values(self, user: User) -> dict[str, Any]:
        """A filter the user might choose: 4, 8 or 12 weeks, up to two categories."""
        weeks = user.rng.choice((4, 8, 12))
        start = self.today - timedelta(weeks=weeks) + timedelta(days=1)
        return {
            "ov-kommun.value": "0380",
            "ov-level.value": user.level,
            "ov-period.start_date": start.isoformat(),
            "ov-period.end_date": self.today.isoformat(),
            "ov-categories.value": user.rng.sample(CATEGORIES, user.rng.randrange(0, 3)),
            "ov-sources.value": [],
            "ov-measure.value": "count",
            "ov-event-period.value": None,
            "ov-focus.data": None,
            "ov-map-layer.data": {
                "kommun": "0380",
                "level": user.level,
                "url": f"/geo/0380/{user.level}.geojson?v=1",
            },
        }

    def overview_filter(self, user: User, action: str = "Översikt filter") -> None:
        """The callbacks a filter change sets off: map and top list, trend, and for a
        coordinator (the only role whose page has it) the notes panel."""
        values = self.overview_values(user)
        outputs = ["ov-map.figure", "ov-trend.figure"]
        if user.name == "samordnare":
            outputs.append("ov-notes.children")
        for output in outputs:
            self.post(user, action, values, output=output, trigger="ov-categories.value")

    def overview_page(self, user: User) -> None:
        """Opening Översikt: the page, its layout and callbacks, then the first map."""
        action = "Översikt sida"
        for path in ("/", "/_dash-layout", "/_dash-dependencies"):
            self.request(user, action, "GET", path)
        location = {"_pages_location.pathname": "/", "_pages_location.search": ""}
        self.post(
            user,
            action,
            location,
            output="_pages_content.children",
            trigger="_pages_location.pathname",
        )
        self.post(
            user,
            action,
            {"ov-kommun.value": "0380"},
            output="ov-level.options",
            trigger="ov-kommun.value",
        )
        self.overview_filter(user, action)

    def tid(self, user: User) -> None:
        """Tid & händelser: the year's events, then the first (valborg) in full."""
        today = self.today
        year = today.year if (today.month, today.day) > (5, 1) else today.year - 1
        values: dict[str, Any] = {"ev-year.value": year, "ev-kommun.value": "0380"}
        answer = self.post(user, "Tid", values, output="ev-event.options", trigger="ev-year.value")
        values |= {
            "ev-event.value": answer.get("ev-event", {}).get("value"),
            "ev-level.value": user.level,
            "ev-categories.value": [],
        }
        self.post(user, "Tid", values, output="ev-summary.children", trigger="ev-event.value")

    def planning(self, user: User) -> None:
        """Planering: this week's forecast and the parent-meeting signals."""
        friday = self.today - timedelta(days=(self.today.weekday() - 4) % 7)
        values = {
            "pl-kommun.value": "0380",
            "pl-level.value": "custom",
            "pl-first.date": friday.isoformat(),
            "pl-weeks.value": 1,
            "pl-refresh.data": 0,
            "pl-concerns.value": None,
        }
        self.post(user, "Planering", values, output="pl-forecast.figure", trigger="pl-first.date")
        self.post(
            user, "Planering", values, output="pl-signals.children", trigger="pl-kommun.value"
        )

    def api(self, user: User) -> None:
        """The aggregate API: counts per area over the last four weeks."""
        first = self.today - timedelta(weeks=4) + timedelta(days=1)
        query = {
            "level": user.level,
            "from": first.isoformat(),
            "to": self.today.isoformat(),
            "group_by": "area",
        }
        self.request(user, "API", "GET", "/api/v1/aggregates", params=query)


def log_in(base: str, username: str, password: str, seed: int) -> User:
    session = requests.Session()
    page = session.get(f"{base}/login", timeout=30).text
    form = {"csrf_token": CSRF.findall(page)[0], "username": username, "password": password}
    response = session.post(f"{base}/login", data=form, allow_redirects=False, timeout=30)
    if response.status_code != 302:
        msg = f"login as {username} failed ({response.status_code})"
        raise SystemExit(msg)
    token = CSRF.findall(session.get(f"{base}/login", timeout=30).text)[0]
    return User(username, session, token, random.Random(seed))


def actions_of(client: Client, user: User) -> list[tuple[Callable[[User], None], int]]:
    """What a user of this role does, with weights."""
    mix: list[tuple[Callable[[User], None], int]] = [
        (client.overview_filter, 8),
        (client.overview_page, 2),
        (client.tid, 1),
        (client.api, 2),
    ]
    if user.name == "samordnare":
        mix.append((client.planning, 1))
    return mix


def click(client: Client, user: User, until: float, think: tuple[float, float]) -> None:
    """Click until ``until``, waiting ``think`` (uniform, seconds) between clicks."""
    mix = actions_of(client, user)
    choices, weights = zip(*mix, strict=True)
    time.sleep(user.rng.uniform(0, think[1]))  # users do not start in step
    while time.monotonic() < until:
        action = user.rng.choices(choices, weights)[0]
        action(user)
        time.sleep(user.rng.uniform(*think))


# --- the uploader -----------------------------------------------------------------------


def upload_loop(client: Client, user: User, file: Path, until: float) -> int:
    """Upload, read the columns, check — again and again until ``until``; return how
    many uploads completed."""
    done = 0
    while time.monotonic() < until:
        body = SlowFile(file, UPLOAD_SECONDS)
        headers = {
            "Content-Type": "application/octet-stream",
            "X-Upload-Name": file.name,
            "X-CSRF-Token": user.csrf,
        }
        try:
            sent = client.request(
                user,
                "Uppladdning 60 MB",
                "POST",
                "/upload/observations",
                data=body,
                headers=headers,
            )
        finally:
            body.handle.close()
        if sent is None or sent.status_code != 201:
            continue
        done += 1
        stored = {**sent.json(), "at": done}
        answer = client.post(
            user, "Uppladdning: sidan", {"im-uploaded.data": stored}, trigger="im-uploaded.data"
        )
        token, job = answer.get("im-token", {}).get("data"), answer.get("im-job", {}).get("data")
        mapping: dict[str, Any] = {}
        job = poll(client, user, job, token, until, mapping)
        if job is None or time.monotonic() >= until:
            continue
        values = {"im-check.n_clicks": 1, "im-token.data": token, **mapping}
        answer = client.post(user, "Uppladdning: sidan", values, trigger="im-check.n_clicks")
        poll(client, user, answer.get("im-job", {}).get("data"), token, until, {})
    return done


def poll(
    client: Client, user: User, job: Any, token: Any, until: float, mapping: dict[str, Any]
) -> Any:
    """Poll the job like the page does (every 0.5 s); fill ``mapping`` from a column read."""
    if not isinstance(job, dict):
        return None
    values = {"im-poll.n_intervals": 1, "im-job.data": job, "im-token.data": token}
    while time.monotonic() < until:
        answer = client.post(user, "Uppladdning: sidan", values, trigger="im-poll.n_intervals")
        if answer.get("im-poll", {}).get("disabled", True):
            mapping.update(
                {
                    f"{k}.value": v["value"]
                    for k, v in answer.items()
                    if k.startswith("im-map-") and "value" in v
                }
            )
            return job
        time.sleep(0.5)
    return None


def healthz_loop(client: Client, user: User, until: float) -> None:
    while time.monotonic() < until:
        client.request(user, "/healthz", "GET", "/healthz")
        time.sleep(0.5)


def kill_jobs(folder: Path) -> None:
    for pid_file in folder.glob("*.pid"):
        with contextlib.suppress(ValueError, OSError):
            os.kill(int(pid_file.read_text()), signal.SIGKILL)


# --- one phase and the report ----------------------------------------------------------------


@dataclass
class Phase:
    name: str
    seconds: float
    samples: list[Sample]
    uploads: int = 0


def run_phase(
    name: str,
    client: Client,
    users: list[User],
    seconds: float,
    upload: tuple[User, Path] | None,
    think: tuple[float, float],
) -> Phase:
    for user in users:
        user.samples = []
    until = time.monotonic() + seconds
    probe = User("healthz", requests.Session(), "", random.Random(0))
    threads = [threading.Thread(target=click, args=(client, u, until, think)) for u in users]
    threads.append(threading.Thread(target=healthz_loop, args=(client, probe, until)))
    uploaded: list[int] = []
    if upload is not None:
        uploader, file = upload
        uploader.samples = []
        threads.append(
            threading.Thread(
                target=lambda: uploaded.append(upload_loop(client, uploader, file, until))
            )
        )
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    samples = [s for u in users for s in u.samples] + probe.samples
    if upload is not None:
        samples += upload[0].samples
    return Phase(name, elapsed, samples, sum(uploaded))


def merged(runs: list[Phase], name: str) -> Phase:
    """The runs called ``name`` as one phase."""
    mine = [r for r in runs if r.name == name]
    return Phase(
        name,
        sum(r.seconds for r in mine),
        [s for r in mine for s in r.samples],
        sum(r.uploads for r in mine),
    )


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=1000, method="inclusive")[round(q * 10) - 1]


def summary(
    samples: list[Sample], seconds: float
) -> tuple[int, int, float, float, float, float, float]:
    times = sorted(s.seconds for s in samples)
    errors = sum(1 for s in samples if s.status == 0 or s.status >= 400)
    return (
        len(samples),
        errors,
        len(samples) / seconds,
        percentile(times, 50) * 1000,
        percentile(times, 95) * 1000,
        percentile(times, 99) * 1000,
        (times[-1] if times else float("nan")) * 1000,
    )


def ms(value: float) -> str:
    return f"{value:,.0f}".replace(",", " ")


USER_ACTIONS = ("Översikt filter", "Översikt sida", "Tid", "Planering", "API")
QUICK_ACTIONS = ("Översikt filter", "Översikt sida", "API")
"""Everything but Tid & händelser and Planering, which compute a comparison or a
forecast on every click."""


def report(phases: list[Phase]) -> None:
    print("\nAll users' requests (the 50 users; not the uploader, not /healthz)")
    rows = []
    figures = {}
    for phase in phases:
        users = [s for s in phase.samples if s.action in USER_ACTIONS]
        n, errors, rate, p50, p95, p99, worst = summary(users, phase.seconds)
        figures[phase.name] = (rate, p50, p95, p99)
        rows.append(
            [phase.name, str(n), str(errors), f"{rate:.1f}", ms(p50), ms(p95), ms(p99), ms(worst)]
        )
    for phase in phases:  # the quick clicks, without the two pages that compute per click
        quick = [s for s in phase.samples if s.action in QUICK_ACTIONS]
        n, errors, rate, p50, p95, p99, worst = summary(quick, phase.seconds)
        name = f"{phase.name}: Översikt + API"
        rows.append(
            [name, str(n), str(errors), f"{rate:.1f}", ms(p50), ms(p95), ms(p99), ms(worst)]
        )
    print_table(
        ["phase", "requests", "errors", "req/s", "p50 ms", "p95 ms", "p99 ms", "max ms"], rows
    )
    if len(phases) == 2:
        base, loaded = (figures[p.name] for p in phases)
        ratios = [f"{b / a:.2f}×" if a else "–" for a, b in zip(base, loaded, strict=True)]
        print(
            f"ratio upload/baseline: req/s {ratios[0]}, p50 {ratios[1]}, "
            f"p95 {ratios[2]}, p99 {ratios[3]}"
        )
    print("\nPer action (p50 / p99 ms, errors)")
    header = ["action", *[f"{p.name} n" for p in phases], *[f"{p.name} p50/p99" for p in phases]]
    rows = []
    actions = [*USER_ACTIONS, "/healthz", "Uppladdning 60 MB", "Uppladdning: sidan"]
    for action in actions:
        cells_n, cells_t = [], []
        for phase in phases:
            found = [s for s in phase.samples if s.action == action]
            n, errors, _rate, p50, _p95, p99, _worst = summary(found, phase.seconds)
            cells_n.append(f"{n} ({errors} fel)" if n else "–")
            cells_t.append(f"{ms(p50)} / {ms(p99)}" if n else "–")
        rows.append([action, *cells_n, *cells_t])
    print_table(header, rows)
    for phase in phases:
        failed = Counter(
            (s.action, s.status, s.detail)
            for s in phase.samples
            if s.status == 0 or s.status >= 400
        )
        for (action, status, detail), n in failed.most_common(5):
            print(f"{phase.name}: {n} × {action} {status or 'no answer'} {detail}")
        if phase.uploads:
            print(f"{phase.name}: {phase.uploads} uploads of 60 MB completed")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument(
        "--seconds", type=float, default=float(os.environ.get("SSP_LOAD_SECONDS", "60"))
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--upload-mb", type=int, default=60)
    parser.add_argument(
        "--rounds", type=int, default=2, help="baseline/upload pairs the time is split into"
    )
    parser.add_argument(
        "--think",
        default="2-8",
        help="seconds a user waits between clicks, uniform (default 2-8: reading a map)",
    )
    args = parser.parse_args(argv)
    low, _, high = args.think.partition("-")
    think = (float(low), float(high or low))
    today = SYSTEM_CLOCK.today()
    load = os.getloadavg()
    print(
        f"Load benchmark: {args.users} users, think {think[0]:g}–{think[1]:g} s, "
        f"2 × {args.seconds:.0f} s in {args.rounds} alternating rounds, gunicorn --workers "
        f"{args.workers} (threads from gunicorn.conf.py), {os.cpu_count()} cores, "
        f"load average {load[0]:.2f}"
    )
    with tempfile.TemporaryDirectory(prefix="ssp-load-") as scratch:
        folder = Path(scratch)
        started = time.perf_counter()
        env = demo_instance(folder / "instance")
        password = (folder / "instance" / "demo-password.txt").read_text().strip()
        file = synthetic_csv(
            folder / "stor.csv", args.upload_mb * 1_000_000, today - timedelta(days=3)
        )
        print(
            f"demo database and a {file.stat().st_size / 1e6:.0f} MB file: "
            f"{time.perf_counter() - started:.0f} s"
        )
        with gunicorn(env, args.workers) as base:
            names = [name for name, count in ACCOUNTS for _ in range(count)]
            names = (names * (args.users // len(names) + 1))[: args.users]
            first = log_in(base, "samordnare", password, 0)
            deps = first.session.get(f"{base}/_dash-dependencies", timeout=30).json()
            client = Client(base, deps, today)
            users = [log_in(base, name, password, i + 1) for i, name in enumerate(names)]
            for user in users:  # the page's level choice for the role; warms every worker
                answer = client.post(
                    user,
                    "warm-up",
                    {"ov-kommun.value": "0380"},
                    output="ov-level.options",
                    trigger="ov-kommun.value",
                )
                user.level = answer.get("ov-level", {}).get("value") or "kommun"
                client.overview_filter(user, "warm-up")
            uploader = log_in(base, "samordnare", password, 999)
            try:
                # Every worker imports, builds and caches on first use: not measured.
                run_phase("warm-up", client, users, min(10.0, args.seconds), None, think)
                # Alternate the two so that the machine's other load falls on both alike.
                slice_seconds = args.seconds / args.rounds
                runs: list[Phase] = []
                for _ in range(args.rounds):
                    runs.append(run_phase("baseline", client, users, slice_seconds, None, think))
                    upload = (uploader, file)
                    runs.append(
                        run_phase("with upload", client, users, slice_seconds, upload, think)
                    )
                    kill_jobs(folder / "instance" / "uploads")  # none may reach the baseline
                phases = [merged(runs, "baseline"), merged(runs, "with upload")]
            finally:
                kill_jobs(folder / "instance" / "uploads")
    report(phases)


if __name__ == "__main__":
    main()
