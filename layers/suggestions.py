"""Suggested weak-signal zones (``geo.zones.suggest.suggest_zones``) as clickable shapes on the zones map.

Each suggestion is an orange dashed shape with a tooltip (name, reason, "click to accept or dismiss"),
escaped; the page finds the clicked one from the click's position (:func:`suggestion_at`), so no id has
to travel through the browser.
"""

from __future__ import annotations

import folium
import geopandas as gpd
import pandas as pd
import shapely

from geo.i18n import t
from layers.geojson import geojson_layer, tooltip_html
from layers.legend import LegendEntry, swatch

__all__ = ["SUGGESTION_COLOUR", "suggestions_layer", "suggestions_legend", "suggestion_at"]

#: Outline and fill of a suggestion: orange, unlike the zones' status colours (red, purple, blue, grey).
SUGGESTION_COLOUR = "#E69F00"


def suggestions_layer(suggestions: gpd.GeoDataFrame, *, lang: str = "vi", name: str) -> folium.FeatureGroup:
    """Return the suggestions (EPSG:4326; ``name``, ``reason_vi``/``reason_en``) as one toggleable,
    interactive layer; ``suggestions`` is not changed."""
    group = folium.FeatureGroup(name=name, show=True)
    if suggestions.empty:
        return group
    reason = suggestions["reason_vi" if lang == "vi" else "reason_en"]
    hint = pd.Series(t("zones_suggest_click", lang), index=suggestions.index)
    tip = tooltip_html(suggestions["name"], [(t("zones_suggest_why", lang), reason), ("→", hint)])
    style = {"color": SUGGESTION_COLOUR, "weight": 2.5, "dashArray": "5 4", "fillColor": SUGGESTION_COLOUR,
             "fillOpacity": 0.25, "radius": 8}  # fmt: skip
    key = pd.Series("s", index=suggestions.index)
    geojson_layer(suggestions, style_key=key, styles={"s": style}, tooltip=tip).add_to(group)
    return group


def suggestions_legend(*, lang: str = "vi") -> list[LegendEntry]:
    """The legend line of the suggestions layer."""
    return [swatch("box", SUGGESTION_COLOUR, t("zones_suggestions", lang))]


def suggestion_at(suggestions: gpd.GeoDataFrame, lon: float, lat: float, *, tolerance_m: float = 15.0):
    """Return the id of the suggestion under the point (lon, lat; EPSG:4326) — the smallest one when they
    overlap, the nearest within ``tolerance_m`` metres (about) when none contains it — or ``None``."""
    if suggestions.empty:
        return None
    point = shapely.Point(lon, lat)
    geoms = suggestions.geometry.to_numpy()
    hit = shapely.intersects(geoms, point.buffer(tolerance_m / 111_000))
    if not hit.any():
        return None
    found = suggestions[hit]
    return str(found.loc[found.geometry.area.idxmin(), "suggestion_id"])
