"""Plain-text output shared by the bench scripts.

Imported as ``report``: Python puts bench/ on the path when a script in it runs.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Sequence


def kb(n_bytes: float) -> str:
    """Bytes as kB (1000 bytes)."""
    return f"{n_bytes / 1000:,.1f} kB"


def print_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    """A plain aligned text table: first column left, the others right."""
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]

    def line(cells: Sequence[str]) -> str:
        first, *rest = cells
        parts = [str(first).ljust(widths[0])]
        parts += [str(c).rjust(w) for c, w in zip(rest, widths[1:], strict=True)]
        return "  ".join(parts)

    print(line(header))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print(line(row))


def wall_times(action: Callable[[], object], reps: int, *, warmup: int = 1) -> list[float]:
    """Wall-clock seconds of ``reps`` calls after ``warmup`` untimed ones (GC off while timing)."""
    for _ in range(warmup):
        action()
    samples = []
    gc.collect()
    gc.disable()
    try:
        for _ in range(reps):
            start = time.perf_counter()
            action()
            samples.append(time.perf_counter() - start)
    finally:
        gc.enable()
    return samples
