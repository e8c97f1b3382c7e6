"""Reference layers of the village demo: roads, rivers and named places, as a land-management office
would hand them over (Shapefile-like attributes: ``TEN`` name, ``LOAI`` kind).

Hand-placed like :mod:`geo.demo.layout` (kilometres east/north of the town centre in EPSG:9205) and
drawn with no random numbers, so adding them leaves every other demo file unchanged. The Sông Nậm
river runs north-west to south-east through the two wards, the Huổi Mí stream climbs its side valley
to the north-east; national road QL12 follows the river, a provincial road and commune roads branch off.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely

__all__ = ["ROADS_KM", "RIVERS_KM", "PLACES_KM", "reference_layers"]

#: Roads: (name, kind, vertices in km).
ROADS_KM = (
    ("Quốc lộ 12", "quốc lộ", [(-7.2, 3.9), (-5.0, 2.6), (-3.0, 1.3), (-1.0, 0.2), (0.6, -0.6), (2.0, -1.7),
                                (3.4, -3.0), (4.4, -4.6), (5.2, -6.2)]),
    ("Đường tỉnh 142", "đường tỉnh", [(0.2, 0.1), (1.4, 1.2), (2.8, 2.6), (4.3, 3.9), (6.0, 5.4),
                                      (7.6, 6.9)]),
    ("Đường xã Phìn Hồ", "đường xã", [(-1.0, 0.2), (-1.6, 2.0), (-2.2, 3.6), (-3.0, 5.0), (-3.4, 5.9)]),
    ("Đường xã Lả Ngù", "đường xã", [(-1.0, 0.2), (-2.4, -0.8), (-3.8, -1.3), (-5.4, -1.6)]),
    ("Đường xã Pá Khoang", "đường xã", [(2.0, -1.7), (2.2, -3.2), (2.8, -4.4), (3.4, -5.4)]),
)  # fmt: skip
#: Rivers and streams: (name, kind, vertices in km).
RIVERS_KM = (
    ("Sông Nậm", "sông", [(-7.4, 4.6), (-5.2, 3.0), (-3.2, 1.7), (-1.3, 0.5), (0.1, -0.2), (1.6, -1.2),
                          (3.0, -2.5), (4.0, -3.9), (4.9, -5.4), (5.3, -6.4)]),
    ("Suối Huổi Mí", "suối", [(0.1, -0.2), (1.0, 0.9), (2.3, 2.0), (3.8, 3.3), (5.3, 4.6), (6.9, 6.0),
                             (8.3, 7.1)]),
    ("Suối Lả Ngù", "suối", [(-6.0, -2.2), (-4.6, -1.9), (-3.2, -1.1), (-2.0, -0.2), (-1.3, 0.5)]),
)  # fmt: skip
#: Named places (towns, markets, landmarks): (name, kind, x km, y km).
PLACES_KM = (
    ("Trung tâm thị xã", "đô thị", 0.2, 0.4),
    ("Cầu Sông Nậm", "cầu", 0.9, -0.7),
    ("Chợ phiên Nậm Cản", "chợ", -3.5, 1.6),
    ("Đèo Huổi Mí", "đèo", 6.4, 6.3),
    ("Thác Pá Khoang", "danh thắng", 3.9, -4.9),
    ("Đỉnh Phìn Hồ (1.420 m)", "núi", -2.6, 5.4),
)


def _frame(rows, geoms: list, origin: np.ndarray, metric_crs: str) -> gpd.GeoDataFrame:
    """A GeoDataFrame ``name``/``kind`` with ``geoms`` (km offsets) moved to ``origin`` and put in lon/lat."""
    moved = [shapely.transform(g, lambda xy: origin + xy * 1000.0) for g in geoms]
    gdf = gpd.GeoDataFrame(
        {"name": [r[0] for r in rows], "kind": [r[1] for r in rows]}, geometry=moved, crs=metric_crs
    )
    return gdf.to_crs("EPSG:4326")


def reference_layers(origin: np.ndarray, *, metric_crs: str) -> dict[str, gpd.GeoDataFrame]:
    """Return ``roads`` and ``rivers`` (LineStrings) and ``places`` (Points), EPSG:4326, columns ``name``
    and ``kind``; ``origin`` is the town centre in ``metric_crs`` metres."""
    return {
        "roads": _frame(ROADS_KM, [shapely.LineString(v) for *_, v in ROADS_KM], origin, metric_crs),
        "rivers": _frame(RIVERS_KM, [shapely.LineString(v) for *_, v in RIVERS_KM], origin, metric_crs),
        "places": _frame(PLACES_KM, [shapely.Point(x, y) for *_, x, y in PLACES_KM], origin, metric_crs),
    }
