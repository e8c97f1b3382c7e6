"""The one way every builder puts a GeoDataFrame on the map: a compact folium GeoJson.

Each feature carries only two properties: ``s`` (a style key into a small table of Leaflet
path options) and ``tip`` (tooltip HTML built by :func:`tooltip_html` from escaped text), so
the page's HTML stays small and no planner-supplied text is ever read as HTML. Coordinates are
snapped to :data:`PRECISION_DEG` (about 1 m) before they are written.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from functools import lru_cache

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from geo.settings import STORAGE_CRS

__all__ = ["PRECISION_DEG", "escape", "tooltip_html", "format_number", "geojson_layer"]

#: Coordinate grid of everything sent to the browser, degrees (1e-5° ≈ 1.1 m).
PRECISION_DEG = 1e-5

# folium's templates write JSON with every non-ASCII character escaped as \uXXXX: six bytes for each
# Vietnamese letter of every tooltip. The page is UTF-8, so let them be written as they are; Jinja's
# ``tojson`` still escapes the HTML-significant characters (<, >, &, '), so names stay inert.
# (Measured: the province map with every layer on, 3.03 MB → 2.88 MB.)
_JSON_POLICY = {"sort_keys": True, "ensure_ascii": False}
folium.GeoJson._template.environment.policies["json.dumps_kwargs"] = _JSON_POLICY


def escape(values: pd.Series) -> pd.Series:
    """Return ``values`` as HTML-escaped text (quotes included); missing values become ``""``."""
    text = values.astype(object).where(values.notna(), "").astype(str)
    return text.map(html.escape)


def format_number(values: pd.Series, *, digits: int = 1) -> pd.Series:
    """Return numbers as text with at most ``digits`` decimals (``"–"`` for missing values)."""
    numbers = pd.to_numeric(values, errors="coerce").round(digits)
    text = numbers.map(lambda v: f"{v:g}", na_action="ignore")
    return text.where(numbers.notna(), "–").astype(str)


def tooltip_html(title: pd.Series, rows: Sequence[tuple[str, pd.Series]]) -> pd.Series:
    """Return one tooltip per row: ``title`` in bold, then ``label: value`` lines.

    ``title`` and every value are escaped here; labels come from :mod:`geo.i18n` and are escaped too.
    """
    out = "<b>" + escape(title) + "</b>"
    for label, values in rows:
        out = out + "<br>" + html.escape(label) + ": " + escape(values)
    return out


def geojson_layer(
    gdf: gpd.GeoDataFrame,
    *,
    style_key: pd.Series,
    styles: Mapping[str, Mapping[str, object]],
    tooltip: pd.Series | None = None,
    interactive: bool = True,
) -> folium.GeoJson:
    """Return a folium GeoJson of ``gdf``'s geometry styled per feature by ``styles[style_key]``.

    ``styles`` maps a key to Leaflet path options (``color``, ``weight``, ``fillColor``,
    ``fillOpacity``, ``dashArray``; ``radius`` for points); ``tooltip`` is ready HTML
    (see :func:`tooltip_html`).
    Points are drawn as canvas circle markers (no icon fonts). ``gdf`` is reprojected to
    EPSG:4326 when needed and never changed; empty geometries are left out. ``interactive=False``
    lets clicks and hovers pass through to the layers below (coverage areas over units).
    """
    if gdf.crs is not None and not _is_storage_crs(gdf.crs.srs):
        gdf = gdf.to_crs(STORAGE_CRS)
    keep = ~(gdf.geometry.isna() | gdf.geometry.is_empty).to_numpy()
    props = pd.DataFrame({"s": np.asarray(style_key, dtype=object)}, index=gdf.index)
    if tooltip is not None:
        props["tip"] = np.asarray(tooltip, dtype=object)
    geometry = shapely.set_precision(gdf.geometry.to_numpy()[keep], PRECISION_DEG, mode="pointwise")
    data = gpd.GeoDataFrame(props[keep].reset_index(drop=True), geometry=geometry, crs=STORAGE_CRS)
    table = {key: dict(value) for key, value in styles.items()}
    return folium.GeoJson(
        data,
        style_function=lambda feature: table[feature["properties"]["s"]],
        marker=folium.CircleMarker(radius=4) if _all_points(data) else None,
        tooltip=folium.GeoJsonTooltip(fields=["tip"], labels=False) if tooltip is not None else None,
        smooth_factor=1.0,
        **({} if interactive else {"interactive": False}),
    )


@lru_cache(maxsize=64)
def _is_storage_crs(srs: str) -> bool:
    """Whether the CRS given by ``srs`` (``pyproj.CRS.srs``) is :data:`STORAGE_CRS`, decided once per process:
    pyproj keeps a CRS's PROJ object per thread, so comparing in each Streamlit rerun's new thread would
    parse it again (measured: 0.2–0.4 s per rerun on the demo)."""
    return pyproj.CRS.from_user_input(srs) == STORAGE_CRS


def _all_points(gdf: gpd.GeoDataFrame) -> bool:
    return len(gdf) > 0 and bool(np.all(shapely.get_type_id(gdf.geometry.to_numpy()) == 0))
