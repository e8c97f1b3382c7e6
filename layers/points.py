"""Point layers: BTS sites (shared or single operator, 5G or not), Wi-Fi points and public places.

Points are canvas circle markers (no icon fonts, nothing from a CDN). When a layer holds more
than ``max_markers`` sites they are summarised on a hexagon grid (one circle per cell, sized by
the number of sites) so the browser never receives thousands of markers.
"""

from __future__ import annotations

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.i18n import t
from geo.palette import COVERAGE_5G, LAYER_STYLES, PLACE_COLOURS
from geo.settings import DEFAULT_METRIC_CRS
from layers.geojson import geojson_layer, tooltip_html
from layers.hexagons import hex_cells, hex_centres
from layers.legend import LegendEntry, swatch

__all__ = [
    "MAX_SITE_MARKERS",
    "SITE_CELL_M",
    "sites_layer",
    "sites_legend",
    "wifi_layer",
    "wifi_legend",
    "places_layer",
    "places_legend",
]

#: Most BTS sites drawn one by one; more are grouped per hexagon cell.
MAX_SITE_MARKERS = 2000
#: Smallest hexagon radius (metres) of grouped sites.
SITE_CELL_M = 2000.0


def _text(gdf: gpd.GeoDataFrame, column: str) -> pd.Series:
    return gdf[column].astype("string").fillna("") if column in gdf else pd.Series("", index=gdf.index)


def _site_styles() -> dict[str, dict[str, object]]:
    black = LAYER_STYLES["bts_shared"]["color"]
    styles = {}
    for kind, fill in (("shared", black), ("single", "#FFFFFF")):
        base = {"radius": 5, "fillColor": fill, "fillOpacity": 1.0, "color": black, "weight": 1.5}
        styles[kind] = base
        styles[f"{kind}-5g"] = base | {"radius": 7, "color": COVERAGE_5G["color"], "weight": 3}
    return styles


def sites_layer(
    sites: gpd.GeoDataFrame,
    *,
    lang: str = "vi",
    name: str,
    max_markers: int = MAX_SITE_MARKERS,
    cell_m: float = SITE_CELL_M,
    metric_crs: str = DEFAULT_METRIC_CRS,
    show: bool = True,
) -> folium.FeatureGroup:
    """Return a FeatureGroup of BTS ``sites`` (points with ``operators`` "Viettel;VNPT" and ``technologies``
    "4G;5G"): filled black when shared by two or more operators, white when single; 5G sites larger with
    a wine outline. Tooltip: site id (escaped), operators, technologies. Above ``max_markers`` sites,
    one circle per hexagon of radius ``cell_m`` metres with the number of sites instead.
    """
    group = folium.FeatureGroup(name=name, show=show)
    if len(sites) > max_markers:
        _site_cells(sites, lang=lang, cell_m=cell_m, metric_crs=metric_crs).add_to(group)
        return group
    operators = _text(sites, "operators")
    technologies = _text(sites, "technologies")
    shared = operators.str.count(";").to_numpy() >= 1
    has_5g = technologies.str.contains("5G", regex=False).to_numpy()
    keys = np.char.add(np.where(shared, "shared", "single"), np.where(has_5g, "-5g", ""))
    title = _text(sites, "site_id").where(_text(sites, "site_id") != "", t("layer_bts", lang))
    tip = tooltip_html(
        title,
        [
            (t("tip_operators", lang), operators.str.replace(";", ", ", regex=False)),
            (t("tip_technologies", lang), technologies.str.replace(";", ", ", regex=False)),
        ],
    )
    geojson_layer(
        sites, style_key=pd.Series(keys, index=sites.index), styles=_site_styles(), tooltip=tip
    ).add_to(group)
    return group


def _site_cells(sites: gpd.GeoDataFrame, *, lang: str, cell_m: float, metric_crs: str) -> folium.GeoJson:
    """One circle per hexagon cell holding sites, radius growing with the count (3 size classes)."""
    projected = sites.geometry.to_crs(metric_crs)
    q, r = hex_cells(shapely.get_x(projected.to_numpy()), shapely.get_y(projected.to_numpy()), cell_m)
    cells = pd.DataFrame({"q": q, "r": r}).value_counts().rename("n").reset_index()
    centres = hex_centres(cells["q"].to_numpy(), cells["r"].to_numpy(), cell_m, crs=metric_crs)
    size = np.digitize(cells["n"].to_numpy(), [5, 20])
    keys = pd.Series(np.char.add("c", size.astype(str)))
    colour = LAYER_STYLES["bts_shared"]["color"]
    styles = {
        f"c{i}": {"radius": radius, "fillColor": "#FFFFFF", "fillOpacity": 0.85, "color": colour, "weight": 2}
        for i, radius in enumerate((6, 9, 13))
    }
    tip = tooltip_html(
        pd.Series(t("layer_bts", lang), index=cells.index), [(t("tip_sites", lang), cells["n"])]
    )
    points = gpd.GeoDataFrame(geometry=centres.to_numpy(), crs=centres.crs)
    return geojson_layer(points, style_key=keys, styles=styles, tooltip=tip)


def sites_legend(*, lang: str = "vi", grouped: bool = False) -> list[LegendEntry]:
    """Return the legend lines of :func:`sites_layer` (``grouped``: the per-cell summary)."""
    black = LAYER_STYLES["bts_shared"]["color"]
    if grouped:
        return [swatch("ring", black, t("legend_bts_cluster", lang))]
    return [
        swatch("circle", black, t("legend_bts_shared", lang)),
        swatch("ring", black, t("legend_bts_single", lang)),
        swatch("ring", COVERAGE_5G["color"], t("legend_bts_5g", lang)),
    ]


def wifi_layer(
    points: gpd.GeoDataFrame, *, lang: str = "vi", name: str, show: bool = False
) -> folium.FeatureGroup:
    """Return a FeatureGroup of Wi-Fi ``points``: filled when ``free`` is true (missing counts as free),
    hollow otherwise. Tooltip: name (escaped) and free yes/no."""
    colour = LAYER_STYLES["wifi"]["color"]
    free = (
        points["free"].fillna(True).astype(bool) if "free" in points else pd.Series(True, index=points.index)
    )
    styles = {
        "free": {"radius": 4, "fillColor": colour, "fillOpacity": 1.0, "color": colour, "weight": 1},
        "paid": {"radius": 4, "fillColor": "#FFFFFF", "fillOpacity": 1.0, "color": colour, "weight": 2},
    }
    keys = pd.Series(np.where(free, "free", "paid"), index=points.index)
    answer = free.map({True: t("yes", lang), False: t("no", lang)})
    title = _text(points, "name").where(_text(points, "name") != "", "Wi-Fi")
    tip = tooltip_html(title, [(t("tip_free", lang), answer)])
    group = folium.FeatureGroup(name=name, show=show)
    geojson_layer(points, style_key=keys, styles=styles, tooltip=tip).add_to(group)
    return group


def wifi_legend(*, lang: str = "vi") -> list[LegendEntry]:
    """Return the legend lines of :func:`wifi_layer`."""
    colour = LAYER_STYLES["wifi"]["color"]
    return [
        swatch("circle", colour, t("legend_wifi_free", lang)),
        swatch("ring", colour, t("legend_wifi_paid", lang)),
    ]


def places_layer(
    places: gpd.GeoDataFrame, has_wifi: np.ndarray, *, lang: str = "vi", name: str, show: bool = False
) -> folium.FeatureGroup:
    """Return a FeatureGroup of public ``places`` coloured by ``has_wifi``
    (:func:`geo.compute.proximity.places_with_free_wifi`).
    Tooltip: name and kind (escaped), and whether free Wi-Fi is near."""
    styles = {
        key: {"radius": 4, "fillColor": colour, "fillOpacity": 1.0, "color": "#333333", "weight": 1}
        for key, colour in PLACE_COLOURS.items()
    }
    keys = pd.Series(np.where(has_wifi, "wifi", "no_wifi"), index=places.index)
    answer = pd.Series(np.where(has_wifi, t("yes", lang), t("no", lang)), index=places.index)
    title = _text(places, "name").where(_text(places, "name") != "", _text(places, "kind"))
    tip = tooltip_html(
        title, [(t("tip_kind", lang), _text(places, "kind")), (t("tip_wifi_near", lang), answer)]
    )
    group = folium.FeatureGroup(name=name, show=show)
    geojson_layer(places, style_key=keys, styles=styles, tooltip=tip).add_to(group)
    return group


def places_legend(*, lang: str = "vi") -> list[LegendEntry]:
    """Return the legend lines of :func:`places_layer`."""
    return [
        swatch("circle", PLACE_COLOURS["wifi"], t("legend_place_wifi", lang)),
        swatch("circle", PLACE_COLOURS["no_wifi"], t("legend_place_nowifi", lang)),
    ]
