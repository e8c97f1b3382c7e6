"""Lighter unit boundaries for coarse views that still share their borders exactly.

Coordinates are snapped to ``layers.geojson.PRECISION_DEG`` (about 1 m) and simplified with
``shapely.coverage_simplify``, which moves each shared edge once for both neighbours, so no
gaps or slivers open between communes at any zoom.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely

from layers.geojson import PRECISION_DEG

__all__ = ["METRES_PER_DEGREE", "simplify_units"]

#: Metres per degree of latitude (used to turn a tolerance in metres into degrees).
METRES_PER_DEGREE = 111_320.0


def simplify_units(units: gpd.GeoDataFrame, *, tolerance_m: float) -> gpd.GeoDataFrame:
    """Return a copy of ``units`` (polygons, EPSG:4326) simplified by ``tolerance_m`` metres as a coverage.

    Neighbouring units keep one common border; ``tolerance_m <= 0`` only snaps to the ~1 m grid.
    Units that would vanish keep their snapped geometry. ``units`` is not changed.
    """
    geoms = shapely.set_precision(units.geometry.to_numpy(), PRECISION_DEG)
    if tolerance_m > 0 and len(geoms):
        simplified = shapely.coverage_simplify(geoms, tolerance_m / METRES_PER_DEGREE)
        geoms = np.where(shapely.is_empty(simplified), geoms, simplified)
    out = units.copy()
    out.geometry = geoms
    return out
