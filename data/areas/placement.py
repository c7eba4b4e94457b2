"""Placing observation points in the finest area of the database's layers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from sqlalchemy import select
from sqlalchemy.orm import Session

from data.areas.layers import AreaImportError
from data.storage.models import Area
from geo.assign import OUTSIDE, AreaLocator
from geo.layers import WGS84


@dataclass(frozen=True, slots=True)
class PointPlacement:
    """Where each point was placed: an area code and the precision kept for it."""

    area_codes: tuple[str, ...]
    precisions: tuple[str, ...]
    """``"point"`` inside an area; ``"kommun"`` outside every area (or no coordinates)."""

    @property
    def outside(self) -> int:
        """How many points are kept at municipality level, counted, never dropped."""
        return sum(1 for p in self.precisions if p == "kommun")


def place_points(
    session: Session,
    kommun_code: str,
    x: Sequence[float],
    y: Sequence[float],
    *,
    crs: str = WGS84,
) -> PointPlacement:
    """Assign points (WGS84 lon/lat or e.g. SWEREF 99 TM) to the finest areas of a kommun.

    Uses the finest level the kommun has (DeSO, else RegSO, else own areas), with the
    vectorised locator in :mod:`geo.assign`. Points outside every area, or without
    coordinates, are placed at the kommun itself with precision ``kommun``: kept and
    counted, never dropped and never spread onto a neighbourhood.
    """
    kommun = session.scalar(
        select(Area.code).where(Area.code == kommun_code, Area.level == "kommun")
    )
    if kommun is None:
        msg = f"Kommunen {kommun_code} finns inte bland områdena."
        raise AreaImportError(msg)
    if len(x) != len(y):
        msg = "Lika många x- som y-koordinater krävs."
        raise AreaImportError(msg)
    rows: list[Any] = []
    for level in ("deso", "regso", "custom"):
        rows = list(
            session.execute(
                select(Area.code, Area.geometry_geojson)
                .where(
                    Area.kommun_code == kommun_code,
                    Area.level == level,
                    Area.geometry_geojson.is_not(None),
                )
                .order_by(Area.code)
            ).all()
        )
        if rows:
            break
    if not rows or not len(x):
        return PointPlacement((kommun_code,) * len(x), ("kommun",) * len(x))
    layer = gpd.GeoDataFrame(
        {"code": [r.code for r in rows]},
        geometry=[shapely.from_geojson(r.geometry_geojson) for r in rows],
        crs=WGS84,
    )
    try:
        found = AreaLocator(layer).locate(
            np.asarray(x, dtype=float), np.asarray(y, dtype=float), crs=crs
        )
    except ValueError as error:
        raise AreaImportError(f"Koordinaterna kan inte användas: {error}") from None
    codes = [kommun_code if i == OUTSIDE else str(layer["code"].iloc[i]) for i in found]
    precisions = ["kommun" if i == OUTSIDE else "point" for i in found]
    return PointPlacement(tuple(codes), tuple(precisions))
