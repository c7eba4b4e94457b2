"""Benchmark of disclosure control: speed on a national-scale table, information loss.

Speed: a synthetic 6,000-area × 20-category table (seeded; Poisson counts with
lognormal area means, so many cells are small) is protected (a) as one table with
primary suppression only — the foundation's method, the baseline —, (b) with
primary suppression and the cell key method's noise, (c) as the map shows it:
one additive table per category (areas add up to the category's total), so with
secondary suppression too; (d) as the API publishes it: one area × category table
whose every margin is published, so with the hypercube method's secondary
suppression. Median of ``--reps`` runs; the figure that matters is
what (c) and (d) add to (a) (goal ≤ 50 ms).

Information loss, for the national table and for the demo database (every week ×
every category × the coordinator's map of demo neighbourhoods): the share of
non-zero cells not published (primary only vs primary + secondary) and the mean
absolute deviation of published counts from the truth (the noise).

Prints figures only. Run from the project root::

    .venv/bin/python bench/bench_disclosure.py [--reps 7]
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, Python puts bench/ on the path, not the project root.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import argparse
import secrets
import statistics
import tempfile
import time
from collections.abc import Sequence
from datetime import timedelta

import numpy as np
import pandas as pd
from report import print_table

from data.clock import SYSTEM_CLOCK
from data.privacy.disclosure import AudienceLevel, ProtectedCounts, hypercube_suppression, protect

SEED = 2026
AREAS = 6000
CATEGORIES = 20
LEVEL = AudienceLevel(5, noise_key=b"bench")


def national_table() -> pd.DataFrame:
    rng = np.random.default_rng(SEED)
    means = rng.lognormal(mean=0.8, sigma=1.1, size=(AREAS, 1)) * rng.uniform(
        0.2, 1.5, size=(1, CATEGORIES)
    )
    counts = rng.poisson(means)
    return pd.DataFrame(
        {
            "area": np.repeat(np.arange(AREAS), CATEGORIES),
            "category": np.tile(np.arange(CATEGORIES), AREAS),
            "count": counts.ravel().astype(np.int64),
            "key": rng.integers(1, 2**40, size=AREAS * CATEGORIES),
        }
    )


def primary_only(frame: pd.DataFrame, k: int) -> pd.DataFrame:
    """The baseline: the foundation's primary suppression (no noise, no secondary)."""
    values = frame["count"].to_numpy()
    hidden = (values >= 1) & (values < k)
    out = frame.drop(columns=["count", "key"]).copy()
    out["count"] = pd.array(np.where(hidden, 0, values), dtype="Int64")
    out.loc[hidden, "count"] = pd.NA
    out["suppressed"] = hidden
    return out


def per_category(frame: pd.DataFrame) -> list[ProtectedCounts]:
    parts = frame.groupby("category", sort=False)
    return [protect(part, level=LEVEL, additive=True) for _, part in parts]


def two_dimensional(frame: pd.DataFrame) -> ProtectedCounts:
    return protect(frame, level=LEVEL, table_shape=(AREAS, CATEGORIES))


def per_category_truth(frame: pd.DataFrame) -> np.ndarray:
    """The true counts in the order :func:`per_category` publishes them."""
    parts = frame.groupby("category", sort=False)
    return np.concatenate([part["count"].to_numpy() for _, part in parts])


def median_ms(action: object, reps: int) -> float:
    samples = []
    for _ in range(reps):
        started = time.perf_counter()
        action()  # type: ignore[operator]
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def loss(truth: np.ndarray, tables: list[ProtectedCounts]) -> tuple[float, float, float]:
    """(share of non-zero cells hidden by primary, by primary + secondary, mean |noise|)."""
    frame = pd.concat([t.frame for t in tables], ignore_index=True)
    nonzero = truth > 0
    hidden = frame["suppressed"].to_numpy()
    primary = hidden & ~frame["secondary"].to_numpy()
    shown = ~hidden & nonzero
    published = frame["count"].to_numpy(dtype=float, na_value=np.nan)
    deviation = float(np.mean(np.abs(published[shown] - truth[shown]))) if shown.any() else 0.0
    return (
        float((primary & nonzero).sum() / nonzero.sum()),
        float((hidden & nonzero).sum() / nonzero.sum()),
        deviation,
    )


def demo_tables() -> tuple[np.ndarray, list[ProtectedCounts]]:
    """Every week × category map of the demo kommun 0380 at the neighbourhood level."""
    from data.access.scope import Selection, Viewer
    from data.counts.cube import build_cube
    from data.counts.overview import map_values
    from data.demo.build import build_demo
    from data.storage.db import make_engine, make_session_factory, unit_of_work
    from data.storage.setup import initialise_database

    with tempfile.TemporaryDirectory(prefix="ssp-bench-disclosure-") as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'demo.sqlite'}")
        initialise_database(engine)
        sessions = make_session_factory(engine)
        with unit_of_work(sessions) as session:
            build_demo(session, end=SYSTEM_CLOCK.today(), password=secrets.token_hex(8))
        with sessions() as session:
            cube = build_cube(session, today=SYSTEM_CLOCK.today())
        engine.dispose()
    viewer = Viewer("coordinator", "0380", LEVEL)
    truths: list[np.ndarray] = []
    tables: list[ProtectedCounts] = []
    monday = cube.first_monday
    while monday <= cube.last_monday:
        for category in cube.categories:
            table = map_values(
                cube, Selection("0380", "custom", monday, monday, categories=(category,)), viewer
            )
            own = cube.per_area(first_monday=monday, last_monday=monday, categories=(category,))
            truths.append(np.array([own[cube.areas.position(c)] for c in table.frame["code"]]))
            tables.append(table)
        monday += timedelta(weeks=1)
    return np.concatenate(truths), tables


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--reps", type=int, default=7)
    parser.add_argument("--no-demo", action="store_true", help="skip the demo database part")
    args = parser.parse_args(argv)
    frame = national_table()
    print("SSP Lägesbild – disclosure control benchmark")
    print(
        f"National synthetic table: {AREAS:,} areas × {CATEGORIES} categories = "
        f"{len(frame):,} cells, {int((frame['count'] > 0).sum()):,} non-zero, "
        f"{int(((frame['count'] > 0) & (frame['count'] < 5)).sum()):,} of them 1–4 (seed {SEED})"
    )
    print()
    baseline = median_ms(lambda: primary_only(frame, 5), args.reps)
    noise = median_ms(lambda: protect(frame, level=LEVEL), args.reps)
    full = median_ms(lambda: per_category(frame), args.reps)
    table = median_ms(lambda: two_dimensional(frame), args.reps)
    print_table(
        ["protection of the 120,000-cell table", "median ms", "added vs baseline"],
        [
            ["baseline: primary suppression only (foundation)", f"{baseline:.1f}", ""],
            ["primary + cell key noise, one table", f"{noise:.1f}", f"{noise - baseline:+.1f} ms"],
            [
                "primary + noise + secondary, one additive table per category",
                f"{full:.1f}",
                f"{full - baseline:+.1f} ms",
            ],
            [
                "primary + noise + hypercube secondary, area × category with all margins",
                f"{table:.1f}",
                f"{table - baseline:+.1f} ms",
            ],
        ],
    )
    print()
    rows: list[tuple[str, tuple[float, float, float]]] = [
        (
            "national synthetic, per category",
            loss(per_category_truth(frame), per_category(frame)),
        ),
        (
            "national synthetic, area × category table",
            loss(frame["count"].to_numpy(), [two_dimensional(frame)]),
        ),
    ]
    if not args.no_demo:
        truth, tables = demo_tables()
        rows.append((f"demo 0380, {len(tables):,} week × category maps", loss(truth, tables)))
    print_table(
        ["information loss", "hidden: primary only", "hidden: + secondary", "mean |noise|"],
        [[name, f"{a:.1%}", f"{b:.1%}", f"{c:.2f}"] for name, (a, b, c) in rows],
    )
    values = frame["count"].to_numpy().reshape(AREAS, CATEGORIES)
    small = (values >= 1) & (values < LEVEL.k)
    _, unprotected = hypercube_suppression(values, small, LEVEL.k)
    print()
    print(
        f"Area × category table: {int(unprotected.sum()):,} of {int(small.sum()):,} small cells "
        f"({unprotected.sum() / small.sum():.1%}) have no hypercube of hideable cells "
        "(mostly: their row holds no other count ≥ k); the margins' noise protects them."
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
