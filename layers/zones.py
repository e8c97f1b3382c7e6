"""Weak-signal zones ("vùng lõm sóng") as a map layer, coloured by status, and the unit outlines they are
drawn over on the zones page. The store that keeps them is ``geo.zones.store``."""

from __future__ import annotations

import folium
import geopandas as gpd
import pandas as pd

from geo.i18n import t
from geo.palette import LAYER_STYLES
from geo.vocab import ZoneStatus
from geo.zones.record import STATUS_LABELS, ZONE_STATUSES
from layers.geojson import format_number, geojson_layer, tooltip_html
from layers.legend import LegendEntry, swatch

__all__ = ["ZONE_STATUS_COLOURS", "zones_layer", "zones_legend", "outline_layer"]

#: Outline colour of a zone per status: the shared weak-zone red while only reported, then purple once
#: verified, blue once the operator responded, grey (and dashed) once resolved — told apart by hue and,
#: for "resolved", by the dash, so the classes stay distinct for colour-blind readers.
ZONE_STATUS_COLOURS = {
    ZoneStatus.REPORTED: str(LAYER_STYLES["weak_zones"]["color"]),
    ZoneStatus.VERIFIED: "#7B2A8C",
    ZoneStatus.OPERATOR_RESPONDED: "#1F5FA8",
    ZoneStatus.RESOLVED: "#6E6E6E",
}


def _styles() -> dict[str, dict[str, object]]:
    weight = round(float(LAYER_STYLES["weak_zones"]["weight"]) + 1.2, 1)
    base = {"weight": weight, "fillOpacity": 0.18, "radius": 8}
    styles = {s: base | {"color": c, "fillColor": c} for s, c in ZONE_STATUS_COLOURS.items()}
    styles[ZoneStatus.RESOLVED] |= {"dashArray": "6 4", "fillOpacity": 0.05}
    return styles


def _text(gdf: gpd.GeoDataFrame, column: str) -> pd.Series:
    return gdf[column].astype("string").fillna("") if column in gdf else pd.Series("", index=gdf.index)


def zones_layer(
    zones: gpd.GeoDataFrame, *, lang: str = "vi", name: str, show: bool = True
) -> folium.FeatureGroup:
    """Return a FeatureGroup of weak-signal ``zones`` (polygons or points with ``name``, ``technology``,
    ``status``; ``severity`` and ``households`` when present) in EPSG:4326 or any CRS.

    Each zone is outlined and lightly filled in :data:`ZONE_STATUS_COLOURS` of its status (an unknown
    status is drawn as "reported"); resolved zones are dashed. Tooltip: name, technology, status label,
    severity and households — every value escaped, so a name holding HTML shows as text.
    """
    status = _text(zones, "status")
    keys = status.where(status.isin(ZONE_STATUSES), ZoneStatus.REPORTED)
    index = 0 if lang == "vi" else 1
    rows = [
        (t("tip_technologies", lang), _text(zones, "technology")),
        (t("tip_status", lang), keys.map(lambda s: STATUS_LABELS[s][index])),
    ]
    if "severity" in zones:
        rows.append((t("tip_severity", lang), _text(zones, "severity")))
    if "households" in zones:
        rows.append(
            (t("tip_households", lang), format_number(zones["households"].astype("float64"), digits=0))
        )
    group = folium.FeatureGroup(name=name, show=show)
    if len(zones):
        geojson_layer(
            zones, style_key=keys, styles=_styles(), tooltip=tooltip_html(_text(zones, "name"), rows)
        ).add_to(group)
    return group


def zones_legend(*, lang: str = "vi", statuses: tuple[str, ...] = ZONE_STATUSES) -> list[LegendEntry]:
    """Return one legend line per zone status in ``statuses`` (all four by default), as :func:`zones_layer`
    draws them: "Vùng lõm sóng: Đã báo cáo", ..."""
    index = 0 if lang == "vi" else 1
    return [
        swatch("outline", ZONE_STATUS_COLOURS[s], f"{t('legend_zone', lang)}: {STATUS_LABELS[s][index]}")
        for s in statuses
    ]


def outline_layer(
    units: gpd.GeoDataFrame, *, name: str, colour: str = "#333333", weight: float = 1.0, show: bool = True
) -> folium.FeatureGroup:
    """Return a FeatureGroup of unit outlines (no fill) with the unit ``name`` (escaped) as tooltip.

    Used under the zones a planner draws: communes thick, villages thin. ``units`` needs ``name`` and a
    polygon geometry (any CRS); an empty frame gives an empty group.
    """
    style = {"line": {"color": colour, "weight": weight, "fillOpacity": 0.0, "fill": True}}
    group = folium.FeatureGroup(name=name, show=show)
    if len(units):
        tip = tooltip_html(_text(units, "name"), [])
        geojson_layer(
            units, style_key=pd.Series("line", index=units.index), styles=style, tooltip=tip
        ).add_to(group)
    return group
