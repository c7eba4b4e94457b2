"""The lägesbild map's outlines from the demo database (data/briefing/outlines.py)."""

from __future__ import annotations

from flask import Flask

from dashboard.state import app_state
from data.briefing.outlines import briefing_outlines


def test_outlines_are_the_kommuns_areas_in_metres_with_the_kommun_behind(app: Flask) -> None:
    with app_state(app).sessions() as session:
        outlines = briefing_outlines(
            session, "0380", "custom", ["0380-D01", "0380-D02", "0191-D01", "okänd"]
        )
    assert set(outlines) == {"0380-D01", "0380-D02", "0380"}  # another kommun's area: none
    area = outlines["0380-D01"]
    assert area.name == "Demoområde 1" and area.rings
    x, y = area.rings[0][0]
    assert 200_000 < x < 1_000_000 and 6_100_000 < y < 7_700_000  # SWEREF 99 TM metres
    kommun = outlines["0380"]
    assert sum(len(r) for r in kommun.rings) > 4
