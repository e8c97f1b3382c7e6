"""Operators' reported coverage given as a grid of cells (a CSV/XLSX of cell centres, or points).

Operators and regulators publish coverage as a signal level per grid cell (BNetzA: 100 m cells per
operator; Ofcom: 50 m). An ``operator_coverage`` table has one row per cell: the centre's
coordinates (lon/lat or X/Y, read by :mod:`geo.io.tables` like any point table), ``operator``,
``technology``, optionally ``signal_dbm`` and ``cell_m`` (the cell's side in metres; default
``settings.coverage.reported_cell_m``). :func:`cells_to_polygons` turns each centre into a square of
that side in ``settings.metric_crs`` (vectorised, shapely 2), so the cells are polygons like any
other operator map; :func:`geo.compute.reported.reported_maps` then leaves out cells below
``settings.coverage.reported_min_dbm``. Polygon layers pass through unchanged.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely

from geo.errors import Problem
from geo.settings import Settings

__all__ = ["cells_to_polygons"]


def cells_to_polygons(
    gdf: gpd.GeoDataFrame, *, file: str, settings: Settings
) -> tuple[gpd.GeoDataFrame, list[Problem]]:
    """Return ``gdf`` (an ``operator_coverage`` layer in EPSG:4326) with point features replaced by
    square cells, and one problem per row whose ``cell_m`` is not a positive number (that row is left
    out). ``cell_m`` in metres, squares in ``settings.metric_crs``, returned in EPSG:4326. Layers of
    polygons are returned as they are; ``gdf`` is not changed."""
    points = shapely.get_type_id(gdf.geometry.to_numpy()) == shapely.GeometryType.POINT
    if not points.any():
        return gdf, []
    default = float(settings.coverage.reported_cell_m)
    side = gdf["cell_m"].to_numpy(float) if "cell_m" in gdf else np.full(len(gdf), np.nan)
    given = "cell_m" in gdf and gdf["cell_m"].notna().to_numpy()
    bad = points & given & ~(side > 0)
    rows = gdf["source_row"].to_numpy() if "source_row" in gdf else np.arange(1, len(gdf) + 1)
    problems = [
        Problem(
            "error",
            file,
            f"Cạnh ô lưới cell_m = {value!s} không phải một số dương (mét); ô này bị bỏ qua.",
            f"The cell side cell_m = {value!s} is not a positive number (metres); the cell was left out.",
            f"Ghi cạnh ô bằng mét, ví dụ 100; hoặc bỏ trống để dùng {default:g} m "
            "(settings.coverage.reported_cell_m).",
            f"Write the cell side in metres, e.g. 100; or leave it empty for {default:g} m "
            "(settings.coverage.reported_cell_m).",
            layer="operator_coverage",
            row=int(row),
        )
        for row, value in zip(rows[bad], side[bad], strict=True)
    ]
    half = np.where(side > 0, side, default)[points] / 2.0
    centres = gdf.geometry[points].to_crs(settings.metric_crs)
    x, y = shapely.get_x(centres.to_numpy()), shapely.get_y(centres.to_numpy())
    squares = gpd.GeoSeries(shapely.box(x - half, y - half, x + half, y + half), crs=settings.metric_crs)
    out = gdf.copy()
    out.loc[points, "geometry"] = squares.to_crs(gdf.crs).to_numpy()
    return out.loc[~bad].reset_index(drop=True), problems
