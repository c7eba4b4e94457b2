"""What the walkers' printed schedule needs besides the walks: the kommun's name, the
coordinator's contact line and simple outlines of the areas for a small map per night
(the outlines also serve the lägesbild's map, :mod:`data.briefing.outlines`).

Outlines are in SWEREF 99 TM (metres, so a map keeps its proportions), simplified to
a few hundred points: enough to recognise the area on paper, nothing to measure with.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Final

import geopandas as gpd
import shapely
from shapely.geometry.base import BaseGeometry
from sqlalchemy import select
from sqlalchemy.orm import Session

from data.planning.registry import walk_contact
from data.storage.models import Area
from geo.layers import WGS84, to_metric

PRINT_TOLERANCE_M: Final = 40.0
"""Simplification for a map a few centimetres wide."""

Ring = tuple[tuple[float, float], ...]


@dataclass(frozen=True, slots=True)
class AreaOutline:
    """One area's outer rings in metres (SWEREF 99 TM)."""

    code: str
    name: str
    rings: tuple[Ring, ...]
    label: tuple[float, float]
    """A point inside the area, for its number on the map."""


@dataclass(frozen=True, slots=True)
class Printout:
    """The printed schedule's context: kommun name, contact, outlines by area code."""

    kommun_code: str
    kommun_name: str
    contact: str
    outlines: dict[str, AreaOutline]
    kommun_outline: AreaOutline | None


def _rings(geometry: BaseGeometry) -> tuple[Ring, ...]:
    polygons = getattr(geometry, "geoms", [geometry])
    return tuple(
        tuple((float(x), float(y)) for x, y in polygon.exterior.coords)
        for polygon in polygons
        if polygon.geom_type == "Polygon" and not polygon.is_empty
    )


def area_outlines(
    session: Session,
    codes: Collection[str],
    *,
    kommun_code: str | None = None,
    tolerance_m: float = PRINT_TOLERANCE_M,
) -> dict[str, AreaOutline]:
    """Simplified outlines (metres) of the areas ``codes`` that have a geometry, only
    the kommun's when ``kommun_code`` is given; ``tolerance_m`` is the simplification."""
    query = select(Area.code, Area.name, Area.geometry_geojson).where(
        Area.code.in_(sorted(codes)), Area.geometry_geojson.is_not(None)
    )
    if kommun_code is not None:
        query = query.where(Area.kommun_code == kommun_code)
    rows = session.execute(query).all()
    if not rows:
        return {}
    frame = gpd.GeoDataFrame(
        {"code": [r.code for r in rows], "name": [r.name for r in rows]},
        geometry=[shapely.from_geojson(r.geometry_geojson) for r in rows],
        crs=WGS84,
    )
    metric = to_metric(frame)
    simple = shapely.simplify(metric.geometry.to_numpy(), tolerance_m)
    inside = shapely.point_on_surface(metric.geometry.to_numpy())
    return {
        str(code): AreaOutline(str(code), str(name), _rings(geom), (point.x, point.y))
        for code, name, geom, point in zip(
            metric["code"], metric["name"], simple, inside, strict=True
        )
    }


def schedule_printout(session: Session, kommun: str, area_codes: Collection[str]) -> Printout:
    """The kommun's name (its code when unknown), the contact line and the outlines of
    ``area_codes`` and of the kommun, for the walkers' printed schedule."""
    name = session.scalar(select(Area.name).where(Area.code == kommun, Area.level == "kommun"))
    outlines = area_outlines(session, {*area_codes, kommun})
    return Printout(
        kommun,
        str(name) if name else kommun,
        walk_contact(session, kommun),
        {c: o for c, o in outlines.items() if c in area_codes},
        outlines.get(kommun),
    )
