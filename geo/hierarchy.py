"""Area hierarchy: the parent of each area, from codes or from geometry.

DeSO → RegSO → kommun. SCB codes carry the kommun in their first four digits
(DeSO ``0191C1010`` lies in kommun ``0191``), so parents come from code prefixes
where the layer has them, and from the largest overlap otherwise.
"""

from __future__ import annotations

from collections.abc import Sequence

import geopandas as gpd
import numpy as np
import shapely

from geo.layers import metric_geometries


def parents_by_code_prefix(
    child_codes: Sequence[str], parent_codes: Sequence[str]
) -> list[str | None]:
    """Return, per child code, the longest parent code that is a proper prefix of it.

    An area is never its own parent, so a parent code equal to the child code does
    not count; empty parent codes are ignored. ``None`` where no parent code fits.
    """
    by_length: dict[int, set[str]] = {}
    for code in parent_codes:
        if code:
            by_length.setdefault(len(code), set()).add(code)
    lengths = sorted(by_length, reverse=True)
    return [
        next((child[:n] for n in lengths if n < len(child) and child[:n] in by_length[n]), None)
        for child in child_codes
    ]


def parents_by_overlap(
    children: gpd.GeoDataFrame,
    parents: gpd.GeoDataFrame,
    *,
    child_code: str = "code",
    parent_code: str = "code",
    min_share: float = 0.5,
) -> list[str | None]:
    """Return, per child, the code of the parent that covers most of its area.

    Areas are computed in SWEREF 99 TM (m²). ``None`` where no parent covers at
    least ``min_share`` (0 < min_share ≤ 1) of the child's area. Ties go to the
    parent listed first. Refuses layers without a CRS, a ``min_share`` outside
    (0, 1] and missing code columns (``child_code`` is checked so that a swapped
    pair of layers fails loudly).
    """
    if not 0 < min_share <= 1:
        msg = f"min_share must be in (0, 1], got {min_share}"
        raise ValueError(msg)
    for frame, column, role in (
        (children, child_code, "children"),
        (parents, parent_code, "parents"),
    ):
        if column not in frame.columns:
            msg = f"the {role} layer has no column {column!r}"
            raise ValueError(msg)
    child_geoms = metric_geometries(children)
    parent_geoms = metric_geometries(parents)
    child_idx, parent_idx = shapely.STRtree(parent_geoms).query(child_geoms, predicate="intersects")
    shared = shapely.area(shapely.intersection(child_geoms[child_idx], parent_geoms[parent_idx]))
    # Largest shared area first within each child; a stable sort keeps parent order on ties.
    order = np.lexsort((parent_idx, -shared, child_idx))
    first = order[np.unique(child_idx[order], return_index=True)[1]]
    share = shared[first] / shapely.area(child_geoms[child_idx[first]])
    codes = [str(code) for code in parents[parent_code]]
    result: list[str | None] = [None] * len(children)
    for child, parent, fraction in zip(child_idx[first], parent_idx[first], share, strict=True):
        if fraction >= min_share:
            result[child] = codes[parent]
    return result
