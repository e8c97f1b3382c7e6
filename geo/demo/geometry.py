"""Geometry helpers of the demo generator: seed sampling, Voronoi tiling, dissolving, scattering.

Everything here is vectorised shapely 2 / numpy and works in whatever planar coordinates
the caller uses (metres of a projected CRS for the village demo, degrees for the
benchmark scales). Randomness always comes from the caller's ``numpy.random.Generator``,
so the same seed gives the same shapes.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

__all__ = ["sample_in", "voronoi_tiles", "snap", "dissolve_by", "scatter_near", "nearest_index"]


def sample_in(outline: BaseGeometry, n: int, rng: np.random.Generator) -> np.ndarray:
    """Return ``n`` uniformly random points inside ``outline`` as an ``(n, 2)`` float array.

    Rejection sampling in the outline's bounding box, in as many vectorised rounds as needed.
    """
    xmin, ymin, xmax, ymax = outline.bounds
    shapely.prepare(outline)
    fill = outline.area / ((xmax - xmin) * (ymax - ymin))
    found: list[np.ndarray] = []
    have = 0
    while have < n:
        m = int((n - have) / fill * 1.2) + 16
        xy = rng.uniform((xmin, ymin), (xmax, ymax), size=(m, 2))
        xy = xy[shapely.contains_xy(outline, xy[:, 0], xy[:, 1])]
        found.append(xy)
        have += len(xy)
    return np.concatenate(found)[:n]


def voronoi_tiles(seeds: np.ndarray, outline: BaseGeometry) -> np.ndarray:
    """Return one polygon per seed (same order) tiling ``outline`` without gaps or overlaps.

    ``seeds`` is an ``(n, 2)`` array of distinct points inside ``outline``. Cells are the
    Voronoi cells of the seeds clipped to the outline; a cell cut by a concave outline may be
    a MultiPolygon.
    """
    cells = shapely.get_parts(
        shapely.voronoi_polygons(shapely.multipoints(seeds), extend_to=outline, ordered=True)
    )
    shapely.prepare(outline)
    inside = shapely.within(cells, outline)
    cells[~inside] = shapely.intersection(cells[~inside], outline)
    return cells


def snap(geoms: np.ndarray, grid: float) -> np.ndarray:
    """Return ``geoms`` with every coordinate rounded to a multiple of ``grid``.

    Rounding (rather than ``shapely.set_precision``, several times slower) keeps vertices that
    neighbouring tiles share identical, so the tiles still form a coverage; the rare geometry
    that rounding makes invalid is repaired by ``set_precision``.
    """
    snapped = shapely.transform(geoms, lambda xy: np.round(xy / grid) * grid)
    bad = ~shapely.is_valid(snapped)
    snapped[bad] = shapely.set_precision(geoms[bad], grid)
    return snapped


def dissolve_by(geoms: np.ndarray, keys: np.ndarray, *, crs: str | None = None) -> gpd.GeoDataFrame:
    """Union the tiles ``geoms`` that share a key; return a frame with ``key`` and ``geometry``.

    The tiles must form a coverage (shared edges with identical vertices, as produced by
    :func:`voronoi_tiles` followed by :func:`snap`); rows are sorted by key.
    """
    gdf = gpd.GeoDataFrame({"key": keys}, geometry=geoms, crs=crs)
    return gdf.dissolve(by="key", method="coverage").reset_index()


def scatter_near(
    centres: np.ndarray,
    radius: float | np.ndarray,
    rng: np.random.Generator,
    *,
    within: np.ndarray | None = None,
) -> np.ndarray:
    """Return one random point per row of ``centres`` (an ``(n, 2)`` array) within ``radius`` of it.

    Points fall uniformly in the disc. With ``within`` (one polygon per centre), a point that
    lands outside its polygon is put back on its centre, so every point stays in its polygon
    when the centre does.
    """
    n = len(centres)
    angle = rng.uniform(0.0, 2 * np.pi, n)
    dist = np.sqrt(rng.uniform(0.0, 1.0, n)) * radius
    xy = centres + np.column_stack([np.cos(angle), np.sin(angle)]) * dist[:, None]
    if within is not None:
        outside = ~shapely.contains_xy(within, xy[:, 0], xy[:, 1])
        xy[outside] = centres[outside]
    return xy


def nearest_index(points: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """Return, for each row of ``points`` (``(n, 2)``), the index of the nearest row of ``targets``."""
    tree = shapely.STRtree(shapely.points(targets))
    src, dst = tree.query_nearest(shapely.points(points), all_matches=False)
    out = np.empty(len(points), dtype=np.int64)
    out[src] = dst
    return out
