"""Many points summarised on a hexagon grid before they reach the browser (speed tests, dense BTS sites).

The grid is computed with numpy in a metric CRS (pointy-top hexagons of circumradius ``cell_m``
metres, axial coordinates, cube rounding), so a million points become a few thousand cells.
"""

from __future__ import annotations

import html

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer

from geo.i18n import t
from geo.palette import STATUS_COLOURS, VALUE_COLOURS
from geo.settings import DEFAULT_METRIC_CRS, STORAGE_CRS
from geo.vocab import Status
from layers.geojson import format_number, geojson_layer
from layers.legend import LegendEntry, swatch
from layers.units import value_bins, value_keys

__all__ = [
    "HEX_MIN_SAMPLES",
    "hex_cells",
    "hex_centres",
    "hex_polygons",
    "speed_cells",
    "speed_layer",
    "speed_legend",
]

#: Fewest measurements for a hexagon to be judged against the target (fewer: "insufficient samples").
HEX_MIN_SAMPLES = 10
_SQRT3 = np.sqrt(3.0)


def hex_cells(x: np.ndarray, y: np.ndarray, cell_m: float) -> tuple[np.ndarray, np.ndarray]:
    """Return the axial hexagon coordinates (q, r) holding each point (``x``, ``y`` metres)."""
    q = (_SQRT3 / 3 * x - y / 3) / cell_m
    r = (2 / 3 * y) / cell_m
    s = -q - r
    rq, rr, rs = np.round(q), np.round(r), np.round(s)
    dq, dr, ds = np.abs(rq - q), np.abs(rr - r), np.abs(rs - s)
    fix_q = (dq > dr) & (dq > ds)
    fix_r = ~fix_q & (dr > ds)
    rq = np.where(fix_q, -rr - rs, rq)
    rr = np.where(fix_r, -rq - rs, rr)
    return rq.astype(np.int64), rr.astype(np.int64)


def hex_centres(q: np.ndarray, r: np.ndarray, cell_m: float, *, crs: str) -> gpd.GeoSeries:
    """Return the centres of hexagons (q, r) of circumradius ``cell_m`` as points in EPSG:4326."""
    cx, cy = cell_m * _SQRT3 * (q + r / 2), cell_m * 1.5 * r
    lon, lat = Transformer.from_crs(crs, STORAGE_CRS, always_xy=True).transform(cx, cy)
    return gpd.GeoSeries(shapely.points(lon, lat), crs=STORAGE_CRS)


def hex_polygons(q: np.ndarray, r: np.ndarray, cell_m: float, *, crs: str) -> gpd.GeoSeries:
    """Return the hexagons (q, r) of circumradius ``cell_m`` as polygons in EPSG:4326 (built in ``crs``)."""
    cx = cell_m * _SQRT3 * (q + r / 2)
    cy = cell_m * 1.5 * r
    angles = np.deg2rad(30 + 60 * np.arange(7))
    xs = cx[:, None] + cell_m * np.cos(angles)[None, :]
    ys = cy[:, None] + cell_m * np.sin(angles)[None, :]
    lon, lat = Transformer.from_crs(crs, STORAGE_CRS, always_xy=True).transform(xs, ys)
    return gpd.GeoSeries(shapely.polygons(np.stack([lon, lat], axis=-1)), crs=STORAGE_CRS)


def _metric_xy(points: gpd.GeoDataFrame, crs: str) -> tuple[np.ndarray, np.ndarray]:
    lon, lat = shapely.get_x(points.geometry.to_numpy()), shapely.get_y(points.geometry.to_numpy())
    return Transformer.from_crs(STORAGE_CRS, crs, always_xy=True).transform(lon, lat)


def speed_cells(
    tests: gpd.GeoDataFrame,
    *,
    target_mbps: float | None,
    cell_m: float = 500.0,
    metric_crs: str = DEFAULT_METRIC_CRS,
    min_samples: int = HEX_MIN_SAMPLES,
) -> gpd.GeoDataFrame:
    """Return one hexagon per occupied cell: [n, median_mbps, status, geometry] (EPSG:4326).

    ``tests`` are points with ``download_mbps`` (Mbit/s); rows without a number are left out.
    ``status`` is "met" when the median reaches ``target_mbps``, "missed" below it, "insufficient
    samples" under ``min_samples`` tests, and "no data" for every cell when there is no target.
    """
    speed = pd.to_numeric(tests["download_mbps"], errors="coerce")
    tests = tests[speed.notna().to_numpy()]
    x, y = _metric_xy(tests, metric_crs)
    q, r = hex_cells(np.asarray(x), np.asarray(y), cell_m)
    frame = pd.DataFrame({"q": q, "r": r, "v": speed.dropna().to_numpy(float)})
    cells = frame.groupby(["q", "r"], sort=True)["v"].agg(n="size", median_mbps="median").reset_index()
    status = np.where(cells["median_mbps"] >= (target_mbps or 0.0), Status.MET, Status.MISSED)
    status = np.where(cells["n"] < min_samples, Status.INSUFFICIENT, status)
    if target_mbps is None:
        status = np.full(len(cells), Status.NO_DATA)
    geometry = hex_polygons(cells["q"].to_numpy(), cells["r"].to_numpy(), cell_m, crs=metric_crs)
    data = {"n": cells["n"].to_numpy(), "median_mbps": cells["median_mbps"].to_numpy(), "status": status}
    return gpd.GeoDataFrame(data, geometry=geometry.to_numpy(), crs=STORAGE_CRS)


def speed_layer(
    cells: gpd.GeoDataFrame, *, lang: str = "vi", name: str, show: bool = False
) -> folium.FeatureGroup:
    """Return a FeatureGroup of ``cells`` (from :func:`speed_cells`) coloured by status against the target,
    or by median class when there is no target. Tooltip: median download and number of measurements."""
    base = {"color": "#555555", "weight": 0.5, "fillOpacity": 0.45}
    styles = {status: base | {"fillColor": colour} for status, colour in STATUS_COLOURS.items()}
    keys = cells["status"]
    if (keys == Status.NO_DATA).all():
        keys = pd.Series(
            value_keys(cells["median_mbps"], value_bins(cells["median_mbps"])), index=cells.index
        )
        styles |= {f"v{i}": base | {"fillColor": c} for i, c in enumerate(VALUE_COLOURS)}
    tip = (
        html.escape(t("tip_median", lang)) + ": " + format_number(cells["median_mbps"]) + " Mbit/s<br>"
        + html.escape(t("tip_samples", lang)) + ": " + format_number(cells["n"], digits=0)
    )  # fmt: skip
    group = folium.FeatureGroup(name=name, show=show)
    geojson_layer(cells, style_key=keys, styles=styles, tooltip=tip).add_to(group)
    return group


def speed_legend(*, lang: str = "vi") -> list[LegendEntry]:
    """Return the legend lines of :func:`speed_layer` when judged against a target."""
    return [
        swatch("box", STATUS_COLOURS[Status.MET], t("legend_speed_met", lang)),
        swatch("box", STATUS_COLOURS[Status.MISSED], t("legend_speed_missed", lang)),
        swatch("box", STATUS_COLOURS[Status.INSUFFICIENT], t("legend_speed_few", lang)),
    ]
