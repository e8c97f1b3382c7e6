"""Weak-signal zones ("vùng lõm sóng") as a map layer; the store that keeps them is ``geo.zones_store``."""

from __future__ import annotations

import folium
import geopandas as gpd
import pandas as pd

from geo.i18n import t
from layers.geojson import geojson_layer, tooltip_html
from layers.legend import LegendEntry, swatch
from layers.style import LAYER_STYLES

__all__ = ["zones_layer", "zones_legend"]


def zones_layer(
    zones: gpd.GeoDataFrame, *, lang: str = "vi", name: str, show: bool = True
) -> folium.FeatureGroup:
    """Return a FeatureGroup of weak-signal ``zones`` (polygons or points with ``name``, ``technology``,
    ``status``): outlined in the shared weak-zone colour, dashed once ``status`` is "resolved".
    Tooltip: name, technology and status (escaped)."""
    style = LAYER_STYLES["weak_zones"]
    base = {"color": style["color"], "weight": style["weight"] + 0.6, "fillOpacity": 0.08, "radius": 7}
    styles = {"open": base | {"fillColor": style["color"]}, "resolved": base | {"dashArray": "5 5"}}
    status = _text(zones, "status")
    keys = pd.Series("open", index=zones.index).where(status != "resolved", "resolved")
    tip = tooltip_html(
        _text(zones, "name"),
        [(t("tip_technologies", lang), _text(zones, "technology")), (t("tip_status", lang), status)],
    )
    group = folium.FeatureGroup(name=name, show=show)
    geojson_layer(zones, style_key=keys, styles=styles, tooltip=tip).add_to(group)
    return group


def _text(gdf: gpd.GeoDataFrame, column: str) -> pd.Series:
    return gdf[column].astype("string").fillna("") if column in gdf else pd.Series("", index=gdf.index)


def zones_legend(*, lang: str = "vi") -> list[LegendEntry]:
    """Return the legend line of :func:`zones_layer`."""
    return [swatch("outline", str(LAYER_STYLES["weak_zones"]["color"]), t("legend_zone", lang))]
