"""Benchmark of the observation import: rows/s and peak memory for a 1M-row CSV.

Builds a scratch SQLite demo database (24 synthetic areas) and a synthetic CSV of
``--rows`` rows (seeded; dates over two years, every area, category, source and
band, a short note on every tenth row), then measures, each in its own process so
the peak resident memory (``ru_maxrss``) belongs to that case alone:

1. ``ssp import-observations`` path (read + decode, PII guard on every cell,
   validation, content keys, duplicate lookup, chunked insert, one commit);
2. the same file again: every row a duplicate, nothing written;
3. the baseline: ``pandas.read_csv`` + ``DataFrame.to_sql`` of the same rows into
   a plain table — no validation, no PII guard, no duplicate check —, what a quick
   script would do;
4. an idle process that only loads the app (the memory floor).

With ``--postgres URL`` (or ``TEST_DATABASE_URL`` set) case 1 also runs against
PostgreSQL in a scratch schema. Prints figures only. Run from the project root::

    .venv/bin/python bench/bench_import.py [--rows 1000000]
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, Python puts bench/ on the path, not the project root.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import argparse
import json
import os
import platform
import random
import resource
import secrets
import subprocess
import tempfile
import time
from collections.abc import Sequence
from datetime import timedelta

from report import print_table

from data.clock import SYSTEM_CLOCK

ROOT = Path(__file__).resolve().parents[1]
SEED = 2026
CATEGORIES = ("samling", "skadegorelse", "narkotika", "vald", "otrygg_plats")
SOURCES = ("skola", "fritid", "socialtjanst", "falt", "nattvandring")
BANDS = ("dag", "kväll", "natt", "")
NOTES = ("Samling vid torget", "Oro efter matchen", "Lugnt, många ute", "Klotter vid skolan")


def write_csv(path: Path, rows: int) -> None:
    """A synthetic observation file in the template's layout (``;``, UTF-8)."""
    rng = random.Random(SEED)
    end = SYSTEM_CLOCK.today() - timedelta(days=1)
    with path.open("w", encoding="utf-8") as out:
        out.write("datum;tid;omrade;kategori;kalla;antal;gruppstorlek;alder;anteckning\n")
        for i in range(rows):
            day = end - timedelta(days=rng.randrange(730))
            note = NOTES[i % len(NOTES)] if i % 10 == 0 else ""
            out.write(
                f"{day.isoformat()};{rng.choice(BANDS)};0380-D{1 + rng.randrange(24):02d};"
                f"{rng.choice(CATEGORIES)};{rng.choice(SOURCES)};{1 + rng.randrange(4)};"
                f"{rng.choice(('', '2-4', '5-9'))};{rng.choice(('', '13-15'))};{note}\n"
            )


def child(mode: str, url: str, path: str) -> None:
    """One measured case in this process; prints JSON with seconds, rows and peak RSS."""
    os.environ["DATABASE_URL"] = url
    started = time.perf_counter()
    rows = 0
    if mode == "idle":
        from wsgi import app

        started = time.perf_counter()
    elif mode == "import":
        from dashboard.state import app_state
        from data.ingest.observations import default_mapping, import_context, import_observations
        from data.ingest.table import read_table_file
        from data.storage.db import unit_of_work
        from wsgi import app

        with app.app_context():
            started = time.perf_counter()
            table = read_table_file(Path(path))
            with unit_of_work(app_state().sessions) as session:
                context = import_context(session, today=SYSTEM_CLOCK.today())
                summary = import_observations(
                    session, table, default_mapping(table.header), context, max_rows=None
                )
            rows = summary.imported + summary.duplicates
            print(summary.line(), file=sys.stderr)
    elif mode == "pandas":
        import pandas as pd
        from sqlalchemy import create_engine

        frame = pd.read_csv(path, sep=";", dtype=str, keep_default_na=False)
        engine = create_engine(url)
        frame.to_sql("baseline_import", engine, if_exists="replace", index=False, chunksize=5000)
        engine.dispose()
        rows = len(frame)
    seconds = time.perf_counter() - started
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"seconds": seconds, "rows": rows, "peak_mib": peak_kib / 1024}))


def run_child(mode: str, url: str, path: Path) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, __file__, "--child", mode, "--url", url, "--file", str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        print(done.stderr[-2000:], file=sys.stderr)
        msg = f"case {mode} failed"
        raise SystemExit(msg)
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def build_database(url: str) -> None:
    from data.demo.build import build_demo
    from data.storage.db import make_engine, make_session_factory, unit_of_work
    from data.storage.setup import initialise_database

    engine = make_engine(url)
    initialise_database(engine)
    with unit_of_work(make_session_factory(engine)) as session:
        build_demo(session, end=SYSTEM_CLOCK.today(), password="bench-import-1", days=7)
    engine.dispose()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--postgres", default=os.environ.get("TEST_DATABASE_URL", ""))
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child, args.url, args.file)
        return 0
    if args.rows < 1:
        parser.error("--rows must be at least 1")

    with tempfile.TemporaryDirectory(prefix="ssp-bench-import-") as scratch:
        folder = Path(scratch)
        csv_path = folder / "observationer.csv"
        write_csv(csv_path, args.rows)
        size_mb = csv_path.stat().st_size / 1e6
        url = f"sqlite:///{folder / 'bench.sqlite'}"
        build_database(url)
        print("SSP Lägesbild – observation import benchmark")
        print(
            f"Python {platform.python_version()}, {os.cpu_count()} CPUs, "
            f"load average {os.getloadavg()[0]:.1f}; file {args.rows:,} rows, {size_mb:.1f} MB"
        )
        print()
        cases: list[tuple[str, dict[str, float]]] = [
            ("idle app process (memory floor)", run_child("idle", url, csv_path)),
            ("import, SQLite (new rows)", run_child("import", url, csv_path)),
            ("re-import, SQLite (all duplicates)", run_child("import", url, csv_path)),
            ("baseline: pandas read_csv + to_sql, SQLite", run_child("pandas", url, csv_path)),
        ]
        if args.postgres:
            from sqlalchemy import text

            from data.storage.db import make_engine

            schema = f"bench_{secrets.token_hex(5)}"
            admin = make_engine(args.postgres)
            with admin.begin() as conn:
                conn.execute(text(f'CREATE SCHEMA "{schema}"'))
            try:
                pg_url = f"{args.postgres}?options=-csearch_path%3D{schema}"
                build_database(pg_url)
                cases.append(
                    ("import, PostgreSQL (new rows)", run_child("import", pg_url, csv_path))
                )
                cases.append(
                    ("baseline: pandas, PostgreSQL", run_child("pandas", pg_url, csv_path))
                )
            finally:
                with admin.begin() as conn:
                    conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
                admin.dispose()

    baseline = dict(cases)["baseline: pandas read_csv + to_sql, SQLite"]
    floor = dict(cases)["idle app process (memory floor)"]["peak_mib"]
    rows = []
    for name, case in cases:
        rate = case["rows"] / case["seconds"] if case["rows"] else 0.0
        rows.append(
            [
                name,
                f"{case['seconds']:.1f}" if case["rows"] else "",
                f"{rate:,.0f}" if rate else "",
                f"{case['peak_mib']:.0f}",
                f"{case['peak_mib'] - floor:.0f}" if case["rows"] else "",
                f"{baseline['seconds'] / case['seconds']:.2f}x" if case["rows"] else "",
            ]
        )
    print_table(["case", "s", "rows/s", "peak MiB", "above floor", "speed vs pandas"], rows)
    print()
    print(
        "The import validates every cell (PII guard, dates, vocabularies, areas) and checks "
        "each row's content key against the database; the pandas baseline does none of that."
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
