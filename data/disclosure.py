"""Disclosure control: the single choke point every published count passes.

First version (foundation): primary suppression. A cell with 1 to k−1 incidents
is suppressed (published as the marker "<k", e.g. "<5"); zero stays zero because
an empty cell reveals nothing about a person. Audience levels set k (stricter for
leadership).

Known gap, closed by the disclosure-control issue (secondary suppression and
differencing protection): published numbers are linked — a week's trend point is
the sum of that week's map cells, a period is the sum of its weeks, "all
categories" the sum of the categories — so subtracting two of them can reveal a
suppressed cell. ``tests/integration/test_differencing_known_gaps.py`` holds
these attacks as strict expected failures.

Every query in :mod:`data.queries` returns a :class:`ProtectedCounts`; figure
builders and exports accept only that type, so an unprotected count cannot reach
them without a type error.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd

DEFAULT_MIN_CELL: Final = 5
DEFAULT_MIN_CELL_LEADERSHIP: Final = 10
DEFAULT_MIN_AREA_POPULATION: Final = 200
MIN_ALLOWED_K: Final = 2
MAX_ALLOWED_K: Final = 100


@dataclass(frozen=True, slots=True)
class AudienceLevel:
    """Disclosure settings for one audience (role)."""

    k: int
    """Smallest count that may be published (counts 1..k−1 are suppressed)."""
    min_area_population: int = DEFAULT_MIN_AREA_POPULATION
    """Areas with fewer youths aged 10–19 (or none known) are shown merged upwards."""

    def __post_init__(self) -> None:
        if self.min_area_population < 0:
            msg = f"the minimum area population must be >= 0, got {self.min_area_population}"
            raise ValueError(msg)
        if not MIN_ALLOWED_K <= self.k <= MAX_ALLOWED_K:
            allowed = f"{MIN_ALLOWED_K}..{MAX_ALLOWED_K}"
            msg = f"the minimum cell count must be within {allowed}, got {self.k}"
            raise ValueError(msg)


def audience_level(
    role: str,
    *,
    min_cell: int,
    min_cell_leadership: int,
    min_area_population: int = DEFAULT_MIN_AREA_POPULATION,
) -> AudienceLevel:
    """Return the disclosure level of ``role``: leadership gets the stricter threshold."""
    if role == "leadership":
        return AudienceLevel(max(min_cell, min_cell_leadership), min_area_population)
    return AudienceLevel(min_cell, min_area_population)


def marker(k: int) -> str:
    """The text shown instead of a suppressed count, e.g. ``"<5"``."""
    return f"<{k}"


@dataclass(frozen=True, slots=True)
class ProtectedCounts:
    """A table of counts that has passed disclosure control.

    ``frame`` has the key columns of the table plus ``count`` (nullable ``Int64``:
    ``<NA>`` where suppressed) and ``suppressed`` (bool). Build it only through
    :func:`protect`.
    """

    frame: pd.DataFrame
    k: int

    @property
    def marker(self) -> str:
        """The suppression marker of this table, e.g. ``"<5"``."""
        return marker(self.k)

    def display(self) -> list[str]:
        """Return each row's count as text: the number, or the marker when suppressed."""
        return [
            self.marker if hidden else str(int(value))
            for value, hidden in zip(self.frame["count"], self.frame["suppressed"], strict=True)
        ]

    def published_values(self) -> list[int | None]:
        """Return each row's count as ``int``, or ``None`` when suppressed (JSON-ready)."""
        return [
            None if hidden else int(value)
            for value, hidden in zip(self.frame["count"], self.frame["suppressed"], strict=True)
        ]

    def head_by_count(self, n: int) -> ProtectedCounts:
        """Return the ``n`` rows with the largest published counts (suppressed rows last)."""
        ordered = self.frame.assign(_order=self.frame["count"].fillna(-1).astype("int64"))
        ordered = ordered.sort_values("_order", ascending=False, kind="stable").drop(
            columns="_order"
        )
        return ProtectedCounts(ordered.head(n).reset_index(drop=True), self.k)


def protect(
    frame: pd.DataFrame, *, level: AudienceLevel, count_column: str = "count"
) -> ProtectedCounts:
    """Apply primary suppression to ``frame[count_column]`` for ``level``.

    Returns a copy with ``count`` as nullable ``Int64`` (``<NA>`` for 1..k−1) and a
    boolean ``suppressed`` column. Refuses missing, negative or non-integer counts:
    a table that cannot be checked is not published.
    """
    if count_column not in frame.columns:
        msg = f"no column {count_column!r} to protect"
        raise ValueError(msg)
    raw = frame[count_column].to_numpy()
    if raw.size and (pd.isna(raw).any() or not np.all(np.equal(np.mod(raw.astype(float), 1), 0))):
        msg = "counts must be whole numbers without gaps before disclosure control"
        raise ValueError(msg)
    values = raw.astype(np.int64)
    if (values < 0).any():
        msg = "counts must not be negative"
        raise ValueError(msg)
    hidden = (values >= 1) & (values < level.k)
    out = frame.drop(columns=[count_column]).copy()
    out["count"] = pd.array(np.where(hidden, 0, values), dtype="Int64")
    out.loc[hidden, "count"] = pd.NA
    out["suppressed"] = hidden
    return ProtectedCounts(out.reset_index(drop=True), level.k)
