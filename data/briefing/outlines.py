"""The lägesbild map's outlines: the areas a briefing shows and the kommun behind them,
in metres (SWEREF 99 TM) and simplified for a map about 17 cm wide.

The outlines come from :func:`data.planning.printout.area_outlines` (the walkers'
schedule uses the same); only the kommun's own areas are read, so a code from another
kommun in ``codes`` draws nothing.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Final

from sqlalchemy.orm import Session

from data.planning.printout import PRINT_TOLERANCE_M, AreaOutline, area_outlines

TOLERANCE_M: Final[Mapping[str, float]] = {"deso": 25.0, "kommun": 100.0}
"""Simplification per level, metres: DeSO are small in towns and need finer outlines;
a kommun alone is only a backdrop. Other levels use ``PRINT_TOLERANCE_M``."""


def briefing_outlines(
    session: Session, kommun_code: str, level: str, codes: Collection[str]
) -> dict[str, AreaOutline]:
    """Outlines by code of ``codes`` (the briefing's areas at ``level``, merged units
    included) and of the kommun itself (under ``kommun_code``, drawn behind the areas),
    only those of the kommun ``kommun_code`` that have a geometry."""
    tolerance = TOLERANCE_M.get(level, PRINT_TOLERANCE_M)
    return area_outlines(
        session, {*codes, kommun_code}, kommun_code=kommun_code, tolerance_m=tolerance
    )
