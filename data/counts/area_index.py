"""The areas of the count cube's area axis, with their hierarchy as arrays.

Everything a request needs about the hierarchy — each area's ancestor at a level,
a viewer's scope mask, the display units of the small-area guard — is worked out
once per index (the index changes only with the areas, which rebuild the cube) and
kept: no request loops over the areas in Python.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Final, TypeVar

import numpy as np

T = TypeVar("T")
NO_AREA: Final = -1
MEMO_LIMIT: Final = 4_096
"""Answers an area index keeps (:meth:`AreaIndex.memo`) before it starts afresh."""


@dataclass(frozen=True, slots=True)
class AreaIndex:
    """All areas with their hierarchy, as arrays aligned on the cube's area axis."""

    ids: tuple[int, ...]
    """Database ids, in axis order."""
    codes: tuple[str, ...]
    names: tuple[str, ...]
    levels: tuple[str, ...]
    kommun_codes: tuple[str, ...]
    parent: np.ndarray
    """Index of each area's parent, or ``NO_AREA``."""
    population: tuple[int | None, ...]
    synthetic: tuple[bool, ...]
    own_area: np.ndarray
    """Index of the composed own area (``custom``) an area is a member of, or ``NO_AREA``."""
    _memo: dict[object, object] = field(default_factory=dict, compare=False, repr=False)
    """Answers worked out once per index (positions, ancestors): an index never changes."""

    def memo(self, key: Hashable, build: Callable[[], T]) -> T:
        """``build()``, worked out once per index and ``key`` (which must name every
        input besides the index): scope masks and display units of a viewer, say.
        Arrays in such answers are shared: make them read-only."""
        try:
            return self._memo[key]  # type: ignore[return-value]
        except KeyError:
            pass
        value = build()
        if len(self._memo) > MEMO_LIMIT:
            self._memo.clear()
        self._memo[key] = value
        return value

    def position(self, code: str) -> int:
        """Return the index of ``code``; raise ``KeyError`` for an unknown area."""
        positions = self._memo.get("position")
        if positions is None:
            positions = {c: i for i, c in enumerate(self.codes)}
            self._memo["position"] = positions
        try:
            return int(positions[code])  # type: ignore[index]
        except KeyError:
            msg = f"unknown area {code!r}"
            raise KeyError(msg) from None

    def ancestor_at(self, level: str) -> np.ndarray:
        """For each area, the index of itself or its nearest ancestor at ``level``.

        ``NO_AREA`` where there is none: a record stored at a coarser level (a
        kommun-level polisen report) is never attributed to a finer area. Worked out
        for all areas at once and kept (read-only) for the index's lifetime.
        """
        cached = self._memo.get(("ancestor", level))
        if isinstance(cached, np.ndarray):
            return cached
        n = len(self.codes)
        levels = np.array(self.levels, dtype=object)
        out = np.full(n, NO_AREA, dtype=np.int64)
        current = np.arange(n, dtype=np.int64)
        open_ = np.ones(n, dtype=bool)
        # The hierarchy is shallow (DeSO → RegSO → kommun); the bound guards cycles.
        for _ in range(8):
            open_ &= current != NO_AREA
            if not open_.any():
                break
            safe = np.where(open_, current, 0)
            hit = open_ & (levels[safe] == level)
            out[hit] = current[hit]
            open_ &= ~hit
            if level == "custom":
                # An own area composed of DeSO/RegSO collects its members' records.
                owner = self.own_area[safe]
                member = open_ & (owner != NO_AREA)
                out[member] = owner[member]
                open_ &= ~member
            current = np.where(open_, self.parent[safe], NO_AREA)
        out.setflags(write=False)
        self._memo[("ancestor", level)] = out
        return out
