"""Where a unit's name goes: the centre of the largest circle inside its polygon, and how wide that room is.

The centroid of a crescent-shaped commune or a valley-long village can fall outside it; the centre
of the maximum inscribed circle (the "pole of inaccessibility") is always inside and as far from the
edges as possible, so a label written there stays in its unit. The interactive map
(:mod:`layers.labels`) and the printed maps (:mod:`geo.export.labels`) both place labels here.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely

from geo.settings import STORAGE_CRS

__all__ = ["label_points"]


def label_points(gdf: gpd.GeoDataFrame, *, metric_crs: str, column: str = "name") -> gpd.GeoDataFrame:
    """Return one label point per polygon of ``gdf``: columns ``name`` (from ``column``, as text),
    ``diameter_m`` (the inscribed circle's diameter, metres, computed in ``metric_crs``) and the point
    (EPSG:4326), in ``gdf``'s order and index. Points keep ``diameter_m`` 0.

    ``gdf`` is never changed. Empty or missing geometries are left out. The circle is found to within
    1/200 of each polygon's larger side (about 10 m for a 2 km village).
    """
    keep = ~(gdf.geometry.isna() | gdf.geometry.is_empty).to_numpy()
    src = gdf[keep]
    metric = src.geometry.to_crs(metric_crs).to_numpy() if src.crs is not None else src.geometry.to_numpy()
    polygons = np.isin(shapely.get_type_id(metric), [3, 6])
    centres = metric.copy()
    diameters = np.zeros(len(metric))
    if polygons.any():
        x0, y0, x1, y1 = shapely.bounds(metric[polygons]).T
        tolerance = np.maximum(np.maximum(x1 - x0, y1 - y0) / 200, 0.5)
        radii = shapely.maximum_inscribed_circle(metric[polygons], tolerance)
        centres[polygons] = shapely.get_point(radii, 0)
        diameters[polygons] = 2 * shapely.length(radii)
    others = ~polygons
    centres[others] = shapely.point_on_surface(metric[others])
    names = src[column].astype(object).where(src[column].notna(), "").astype(str)
    out = gpd.GeoDataFrame(
        {"name": names.to_numpy(), "diameter_m": diameters},
        geometry=centres,
        crs=metric_crs if src.crs is not None else None,
        index=src.index,
    )
    return out.to_crs(STORAGE_CRS) if out.crs is not None else out
