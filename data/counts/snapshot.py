"""The count cube's full build on disk, memory-mapped by every worker of a node.

Reading ten million observations out of SQLite takes the better part of a minute;
the cells they make take a few hundred MB. A full build is therefore written to the
instance folder (one ``.npy`` file per array and ``meta.json``, in a folder of its
own, named in ``current`` which is replaced atomically), and a worker that starts —
or a second worker that needs the same build — maps those files instead of reading
the database again: the pages are shared through the operating system's page cache,
counted once for all workers of the node, and a start takes about a second.

A snapshot is used only for the same database (a hash of its URL), the same day, the
same ``count_structure`` and areas counters, the same areas, categories and sources,
and only while the database still holds exactly the rows the build counted up to its
last id (their number is checked again); observations added since are read on top as
usual (:func:`data.counts.cube.add_new_observations`). Anything else builds anew. A
file lock lets one worker build while the others wait for its snapshot.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any, Final

import numpy as np

from data.counts.area_index import AreaIndex
from data.counts.cells import CellTable

FORMAT: Final = 2
ARRAYS: Final = (
    "week",
    "area",
    "combo",
    "n",
    "key",
    "week_start",
    "by_area",
    "area_start",
    "prefix_areas",
    "prefix_n",
    "prefix_key",
    "group_of_area",
    "group_n",
    "group_key",
)
POINTER: Final = "current"


def database_tag(url: str) -> str:
    """A short hash naming the database a snapshot was built from."""
    return hashlib.sha256(url.encode("utf-8")).hexdigest()[:16]


@contextmanager
def build_lock(folder: Path) -> Iterator[None]:
    """Hold the folder's build lock: one worker of the node builds, the others wait."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    with open(folder / ".lock", "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def save(folder: Path, table: CellTable, meta: dict[str, Any]) -> Path:
    """Write ``table`` and ``meta`` as the folder's current snapshot; older ones are
    removed (a worker that still maps one keeps its pages until it lets go)."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    target = folder / f"cube-{uuid.uuid4().hex}"
    target.mkdir(mode=0o700)
    for name in ARRAYS:
        array = getattr(table, name)
        if array is not None:
            np.save(target / f"{name}.npy", np.ascontiguousarray(array), allow_pickle=False)
    shape = {
        "n_areas": table.n_areas,
        "n_weeks": table.n_weeks,
        "n_categories": table.n_categories,
        "n_sources": table.n_sources,
        "exact_float": table.exact_float,
    }
    (target / "meta.json").write_text(
        json.dumps({"format": FORMAT, **meta, "table": shape}), encoding="utf-8"
    )
    pointer = folder / f".{POINTER}-{uuid.uuid4().hex}"
    pointer.write_text(target.name, encoding="utf-8")
    os.replace(pointer, folder / POINTER)
    for old in folder.glob("cube-*"):
        if old != target:
            shutil.rmtree(old, ignore_errors=True)
    return target


def load(
    folder: Path, matches: Callable[[dict[str, Any]], bool]
) -> tuple[CellTable, dict[str, Any]] | None:
    """The current snapshot's table and meta when ``matches(meta)``, else ``None``.

    The arrays are memory-mapped read-only: the page cache shares them between
    processes."""
    try:
        name = (folder / POINTER).read_text(encoding="utf-8").strip()
        target = folder / name
        meta = json.loads((target / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if meta.get("format") != FORMAT or not matches(meta):
        return None
    arrays: dict[str, Any] = {}
    try:
        for array in ARRAYS:
            path = target / f"{array}.npy"
            arrays[array] = np.load(path, mmap_mode="r") if path.exists() else None
    except (OSError, ValueError):
        return None
    shape = meta["table"]
    table = CellTable(**shape, **arrays)
    return table, meta


def meta_of(
    *,
    database: str,
    today: date,
    version: int,
    structure: int,
    areas_version: int,
    base_max_id: int,
    base_rows: int,
    first_monday: date,
    categories: tuple[str, ...],
    sources: tuple[str, ...],
    areas: AreaIndex,
) -> dict[str, Any]:
    """What a snapshot must match to stand for a full build (see the module docstring)."""
    return {
        "database": database,
        "today": today.isoformat(),
        "version": version,
        "structure": structure,
        "areas_version": areas_version,
        "base_max_id": base_max_id,
        "base_rows": base_rows,
        "first_monday": first_monday.isoformat(),
        "categories": list(categories),
        "sources": list(sources),
        "areas": hashlib.sha256(repr(areas.ids).encode("ascii")).hexdigest(),
    }
