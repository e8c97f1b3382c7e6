"""Reference layers on the interactive map: the planner's roads, rivers and named places, and the
bundled province outlines — faint, non-interactive (clicks reach the units below), one layer-switcher
entry each.

Inputs are GeoDataFrames in EPSG:4326 with ``name`` and ``kind`` where known (see
``geo.model.LAYER_FIELDS``); they are never changed. Styles come from :mod:`geo.reference_style`,
which the printed maps read too. Place names and province names are labels (:mod:`layers.labels`).
"""

from __future__ import annotations

import folium
import geopandas as gpd
import pandas as pd
from branca.element import MacroElement
from jinja2 import Template

from geo.reference_style import REFERENCE_STYLES
from layers.geojson import geojson_layer

__all__ = ["PROVINCE_MAX_ZOOM", "reference_layer", "provinces_layer"]

#: Province outlines fade out from this zoom on (about a 60 km wide view): they belong to national and
#: provincial views, not to a commune's.
PROVINCE_MAX_ZOOM = 11


def _style(kind: str) -> dict[str, object]:
    style = REFERENCE_STYLES[kind]
    out = {"color": style["color"], "weight": style["weight"], "opacity": style["opacity"], "fill": False}
    if "dash" in style:
        out["dashArray"] = style["dash"]
    if "radius" in style:
        out |= {"radius": style["radius"], "fill": True, "fillColor": style["color"], "fillOpacity": 0.8}
    return out


def reference_layer(gdf: gpd.GeoDataFrame, *, kind: str, name: str, show: bool = True) -> folium.FeatureGroup:
    """Return ``gdf`` (roads or rivers as lines, places as points; EPSG:4326) drawn faintly in the
    style of ``kind`` (``roads``, ``rivers``, ``places``), non-interactive, as one toggleable layer."""
    group = folium.FeatureGroup(name=name, show=show)
    if len(gdf):
        key = pd.Series(kind, index=gdf.index)
        geojson_layer(gdf, style_key=key, styles={kind: _style(kind)}, interactive=False).add_to(group)
    return group


class _ZoomFade(MacroElement):
    """Hide the parent GeoJson's lines (opacity 0) from ``max_zoom`` on, show them again below it."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function (layer, maxZoom, opacity) {
            function update() {
                if (layer._map) { layer.setStyle({opacity: layer._map.getZoom() >= maxZoom ? 0 : opacity}); }
            }
            layer.on('add', function () { layer._map.on('zoomend', update); update(); });
        })({{ this._parent.get_name() }}, {{ this.max_zoom }}, {{ this.opacity }});
        {% endmacro %}
        """
    )

    def __init__(self, max_zoom: int, opacity: float) -> None:
        super().__init__()
        self._name = "ZoomFade"
        self.max_zoom = int(max_zoom)
        self.opacity = float(opacity)


def provinces_layer(
    provinces: gpd.GeoDataFrame, *, name: str, max_zoom: int = PROVINCE_MAX_ZOOM, show: bool = True
) -> folium.FeatureGroup:
    """Return the province outlines (EPSG:4326; e.g. :func:`geo.io.reference.read_provinces` cut to the
    view) as a faint dashed layer shown below zoom ``max_zoom`` only; non-interactive."""
    group = folium.FeatureGroup(name=name, show=show)
    if len(provinces):
        outlines = gpd.GeoDataFrame(geometry=provinces.geometry.boundary, crs=provinces.crs)
        key = pd.Series("provinces", index=outlines.index)
        style = _style("provinces")
        layer = geojson_layer(outlines, style_key=key, styles={"provinces": style}, interactive=False)
        _ZoomFade(max_zoom, float(style["opacity"])).add_to(layer)
        layer.add_to(group)
    return group
