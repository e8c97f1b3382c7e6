"""Compose the page's folium map from one :class:`MapRequest`: units, overlays, legend, layer switcher.

Only the chosen area is drawn at full detail; the other units of the level are simplified as a
coverage (shared borders kept) and, beyond :data:`MAX_CONTEXT_UNITS`, left out. Point layers are
cut to the area shown, sites are grouped beyond ``layers.points.MAX_SITE_MARKERS`` and speed tests
only ever reach the browser as hexagons. No Streamlit here: the page caches the result per request.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import folium
import geopandas as gpd
import pandas as pd

from geo.compute.catalogue import INDICATORS
from geo.compute.evidence import disputed_villages, white_grey_spots
from geo.compute.proximity import places_with_free_wifi
from geo.i18n import t
from geo.model import Dataset
from geo.palette import MISSING_VILLAGE
from geo.plans.assessment import Assessment
from geo.plans.targets import Plan, target_for
from geo.vocab import Level, Overlay
from layers.coverage import coverage_layer, coverage_legend
from layers.evidence import disputed_layer, disputed_legend, spots_layer, spots_legend
from layers.hexagons import speed_cells, speed_layer, speed_legend
from layers.legend import LegendEntry, legend, swatch
from layers.offline import OSM_TILES, offline_map, strip_cdn
from layers.points import (
    MAX_SITE_MARKERS,
    SITE_CELL_M,
    places_layer,
    places_legend,
    sites_layer,
    sites_legend,
    wifi_layer,
    wifi_legend,
)
from layers.simplify import METRES_PER_DEGREE, simplify_units
from layers.units import ftth_layer, ftth_legend, missing_villages_layer, units_layer, units_legend
from layers.zones import zones_layer, zones_legend
from views.map_data import ALL_TARGETS, missing_villages, units_for_map, with_coverage_source
from views.map_names import add_labels, add_reference

__all__ = [
    "LAYER_KEYS",
    "DEFAULT_LAYERS",
    "LAYER_LABELS",
    "MAX_DETAIL_UNITS",
    "MAX_CONTEXT_UNITS",
    "HEX_CELL_M",
    "CELLS_ACROSS",
    "MAX_POINT_MARKERS",
    "MapRequest",
    "MapSources",
    "area_units",
    "build_map",
]

#: Overlays a planner can switch on, in drawing order (bottom first), and those on at first.
LAYER_KEYS = (
    Overlay.COVERAGE_4G,
    Overlay.COVERAGE_5G,
    Overlay.FTTH,
    Overlay.SPEED,
    Overlay.WEAK_ZONES,
    Overlay.MISSING_VILLAGES,
    Overlay.SPOTS,
    Overlay.DISPUTED,
    Overlay.PLACES,
    Overlay.WIFI,
    Overlay.BTS,
)
DEFAULT_LAYERS = (Overlay.MISSING_VILLAGES, Overlay.BTS)
#: Most units drawn unsimplified, and most units drawn as simplified context around the chosen area.
MAX_DETAIL_UNITS = 2000
MAX_CONTEXT_UNITS = 20000
#: Smallest speed-test hexagon radius (m); wider views use cells about 1/CELLS_ACROSS of the view wide.
HEX_CELL_M = 500.0
CELLS_ACROSS = 100
#: Most Wi-Fi points or public places drawn in one view.
MAX_POINT_MARKERS = 1500
_POINT_LAYERS = {Overlay.WIFI: "wifi_points", Overlay.PLACES: "public_places"}
#: i18n key of each overlay's name.
LAYER_LABELS = {
    Overlay.COVERAGE_4G: "layer_4g",
    Overlay.COVERAGE_5G: "layer_5g",
    Overlay.FTTH: "layer_ftth",
    Overlay.SPEED: "layer_speed",
    Overlay.WEAK_ZONES: "layer_zones",
    Overlay.MISSING_VILLAGES: "layer_missing_villages",
    Overlay.SPOTS: "layer_spots",
    Overlay.DISPUTED: "layer_disputed",
    Overlay.PLACES: "layer_places",
    Overlay.WIFI: "layer_wifi",
    Overlay.BTS: "layer_bts",
}


@dataclass(frozen=True)
class MapRequest:
    """Every choice the map depends on (hashable: the page caches one map per request)."""

    folder: str
    plan_id: str
    year: int
    level: str
    indicator: str
    colour_by: str = "status"
    layers: tuple[str, ...] = DEFAULT_LAYERS
    per_operator: bool = False
    area: str | None = None
    lang: str = "vi"
    basemap: bool = False
    #: The source of coverage (:data:`geo.compute.source_text.SOURCE_CHOICES`); None = the dataset's setting.
    source: str | None = None


@dataclass(frozen=True)
class MapSources:
    """Cached inputs the builder asks for: evaluation and unit geometries per level, coverage areas per
    (technology, per operator), and weak-signal zones (``None`` when the dataset has no zone store)."""

    evaluation: Callable[[str], pd.DataFrame]
    geometries: Callable[[str], gpd.GeoDataFrame]
    coverage: Callable[[str, bool], gpd.GeoDataFrame]
    zones: Callable[[], gpd.GeoDataFrame | None] = field(default=lambda: None)
    #: The dataset's :class:`geo.plans.assessment.Assessment` (white/grey spots, disputed villages), if any.
    assessment: Callable[[], Assessment | None] = field(default=lambda: None)


def _tolerance_m(gdf: gpd.GeoDataFrame) -> float:
    """Simplification tolerance for context units: 1/3000 of the dataset's extent (metres)."""
    x0, y0, x1, y1 = gdf.total_bounds
    return max(x1 - x0, y1 - y0) * METRES_PER_DEGREE / 3000


def area_units(geoms: gpd.GeoDataFrame, area: str | None) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Split the level's units into (detail, context): the chosen ``area``'s units (its ``parent_uid``) at
    full detail and the rest simplified; without an area every unit is detail unless there are more than
    :data:`MAX_DETAIL_UNITS`, then all are simplified. Context beyond :data:`MAX_CONTEXT_UNITS` is dropped."""
    if area is None:
        if len(geoms) <= MAX_DETAIL_UNITS:
            return geoms, geoms.iloc[:0]
        return simplify_units(geoms, tolerance_m=_tolerance_m(geoms)), geoms.iloc[:0]
    inside = (geoms["parent_uid"].astype(str) == area) | (geoms["uid"].astype(str) == area)
    detail, rest = geoms[inside], geoms[~inside]
    if len(rest) > MAX_CONTEXT_UNITS:
        return detail, rest.iloc[:0]
    return detail, simplify_units(rest, tolerance_m=_tolerance_m(geoms))


def _clip(points: gpd.GeoDataFrame | None, bounds) -> gpd.GeoDataFrame | None:
    """Points inside ``bounds`` (with a 2 % margin), or ``None`` when there are none."""
    if points is None or points.empty:
        return None
    x0, y0, x1, y1 = bounds
    mx, my = (x1 - x0) * 0.02, (y1 - y0) * 0.02
    inside = points.cx[x0 - mx : x1 + mx, y0 - my : y1 + my]
    return inside if len(inside) else None


def _extent_m(bounds) -> float:
    """The larger side of ``bounds`` (lon/lat degrees) in metres (about; enough to size cells)."""
    x0, y0, x1, y1 = bounds
    return max(x1 - x0, y1 - y0) * METRES_PER_DEGREE


def _speed(
    request: MapRequest, plan: Plan, tests: gpd.GeoDataFrame, metric_crs: str, fmap: folium.Map, bounds
):
    network, indicator = (
        ("fixed", "fixed_speed") if request.indicator == "fixed_speed" else ("mobile", "mobile_speed")
    )
    target = target_for(plan, indicator, request.year)
    value = float(target.values[0]) if target is not None else None
    picked = tests[tests["network"].astype(str) == network] if "network" in tests else tests
    if picked.empty:
        return []
    cell_m = max(HEX_CELL_M, _extent_m(bounds) / CELLS_ACROSS)
    cells = speed_cells(picked, target_mbps=value, metric_crs=metric_crs, cell_m=cell_m)
    name = f"{t('layer_speed', request.lang)} ({t('network_' + network, request.lang)})"
    speed_layer(cells, lang=request.lang, name=name, show=True).add_to(fmap)
    return speed_legend(lang=request.lang) if value is not None else []


def _by_village(request: MapRequest, dataset: Dataset) -> bool:
    """Whether "villages making the commune miss" applies: one indicator, commune level, villages known."""
    return (
        request.level == Level.COMMUNE and request.indicator != ALL_TARGETS and "villages" in dataset.layers
    )


def _too_many(name: str, lang: str) -> list[LegendEntry]:
    """Legend line for a layer left out because the view holds too many features."""
    return [swatch("outline", "#999999", t("needs_area", lang, layer=name))]


@dataclass(frozen=True)
class _Overlay:
    """What an overlay builder reads: the request, the data, the map being built, its bounds and the
    overlay's translated name."""

    request: MapRequest
    dataset: Dataset
    plan: Plan
    sources: MapSources
    fmap: folium.Map
    bounds: tuple
    name: str


def _coverage(o: _Overlay, tech: str) -> list[LegendEntry]:
    areas = o.sources.coverage(tech, o.request.per_operator)
    if not len(areas):
        return []
    tolerance = _extent_m(o.bounds) / 3000 / METRES_PER_DEGREE
    coverage_layer(areas, tech=tech, name=o.name, tolerance_deg=tolerance).add_to(o.fmap)
    ops = sorted(set(areas["operator"].astype(str))) if o.request.per_operator else None
    return coverage_legend(tech, o.name, operators=ops)


def _ftth(o: _Overlay) -> list[LegendEntry]:
    lang = o.request.lang
    if (villages := _clip(o.dataset.layer("villages"), o.bounds)) is None:
        return []
    if len(villages) > MAX_DETAIL_UNITS:
        return _too_many(o.name, lang)
    ftth_layer(villages, lang=lang, name=o.name, show=True).add_to(o.fmap)
    return ftth_legend(lang=lang)


def _speed_overlay(o: _Overlay) -> list[LegendEntry]:
    if (tests := _clip(o.dataset.layer("speed_tests"), o.bounds)) is None:
        return []
    return _speed(o.request, o.plan, tests, o.dataset.settings.metric_crs, o.fmap, o.bounds)


def _zones(o: _Overlay) -> list[LegendEntry]:
    if (zones := o.sources.zones()) is None or not len(zones):
        return []
    zones_layer(zones, lang=o.request.lang, name=o.name).add_to(o.fmap)
    return zones_legend(lang=o.request.lang)


def _missing_villages(o: _Overlay) -> list[LegendEntry]:
    request, sources, lang = o.request, o.sources, o.request.lang
    if not _by_village(request, o.dataset):
        return []
    in_view = _clip(sources.geometries(Level.VILLAGE), o.bounds)
    if in_view is not None and len(in_view) > MAX_DETAIL_UNITS:  # checked before evaluating villages
        return _too_many(o.name, lang)
    villages = missing_villages(
        in_view, sources.evaluation("village"), sources.evaluation("commune"), request.indicator
    ) if in_view is not None else in_view  # fmt: skip
    if villages is None or not len(villages):
        return []
    villages = with_coverage_source(villages, sources.assessment(), Level.VILLAGE, request.indicator, lang)
    missing_villages_layer(villages, lang=lang, name=o.name).add_to(o.fmap)
    return [swatch("outline", MISSING_VILLAGE["color"], t("legend_missing_village", lang))]


def _evidence(o: _Overlay, key: Overlay) -> list[LegendEntry]:
    """White/grey 4G spots or disputed villages (geo/compute/evidence.py) of the villages in view."""
    lang = o.request.lang
    if (assessment := o.sources.assessment()) is None or "villages" not in o.dataset.layers:
        return []
    if (geoms := _clip(o.sources.geometries(Level.VILLAGE), o.bounds)) is None:
        return []
    if len(geoms) > MAX_DETAIL_UNITS:
        return _too_many(o.name, lang)
    coverage = assessment.village_coverage
    if key == Overlay.SPOTS:
        table = white_grey_spots(assessment.dataset, coverage)
        table, build, legend = (
            table[table["technology"].eq("4G") & table["spot"].ne("")],
            spots_layer,
            spots_legend,
        )
    else:
        table = disputed_villages(assessment.dataset, assessment.hierarchy, coverage)
        build, legend = disputed_layer, disputed_legend
    villages = geoms[["uid", "geometry"]].merge(table, on="uid")
    if villages.empty:
        return []
    build(villages, lang=lang, name=o.name).add_to(o.fmap)
    return legend(lang=lang)


def _points(o: _Overlay, key: Overlay) -> list[LegendEntry]:
    lang, dataset = o.request.lang, o.dataset
    if (points := _clip(dataset.layer(_POINT_LAYERS[key]), o.bounds)) is None:
        return []
    if len(points) > MAX_POINT_MARKERS:
        return _too_many(o.name, lang)
    if key == Overlay.WIFI:
        wifi_layer(points, lang=lang, name=o.name, show=True).add_to(o.fmap)
        return wifi_legend(lang=lang)
    distance = dataset.settings.indicators.wifi_distance_m
    wifi = dataset.layer("wifi_points")
    metric_crs = dataset.settings.metric_crs
    near = places_with_free_wifi(points, wifi, distance_m=distance, crs=metric_crs)
    places_layer(points, near, lang=lang, name=o.name, show=True).add_to(o.fmap)
    return places_legend(lang=lang)


def _bts(o: _Overlay) -> list[LegendEntry]:
    if (sites := _clip(o.dataset.layer("bts_sites"), o.bounds)) is None:
        return []
    cell_m = max(SITE_CELL_M, _extent_m(o.bounds) / CELLS_ACROSS)
    metric_crs = o.dataset.settings.metric_crs
    sites_layer(sites, lang=o.request.lang, name=o.name, cell_m=cell_m, metric_crs=metric_crs).add_to(o.fmap)
    return sites_legend(lang=o.request.lang, grouped=len(sites) > MAX_SITE_MARKERS)


#: The builder of each overlay key (:data:`LAYER_KEYS`): it draws the overlay on the map and returns
#: its legend lines (none when there is nothing to draw in view).
_BUILDERS: dict[Overlay, Callable[[_Overlay], list[LegendEntry]]] = {
    Overlay.COVERAGE_4G: lambda o: _coverage(o, "4G"),
    Overlay.COVERAGE_5G: lambda o: _coverage(o, "5G"),
    Overlay.FTTH: _ftth,
    Overlay.SPEED: _speed_overlay,
    Overlay.WEAK_ZONES: _zones,
    Overlay.MISSING_VILLAGES: _missing_villages,
    Overlay.SPOTS: lambda o: _evidence(o, Overlay.SPOTS),
    Overlay.DISPUTED: lambda o: _evidence(o, Overlay.DISPUTED),
    Overlay.PLACES: lambda o: _points(o, Overlay.PLACES),
    Overlay.WIFI: lambda o: _points(o, Overlay.WIFI),
    Overlay.BTS: _bts,
}


def _overlays(
    request: MapRequest, dataset: Dataset, plan: Plan, sources: MapSources, fmap: folium.Map, bounds
) -> list[LegendEntry]:
    """Add each requested overlay to ``fmap`` in :data:`LAYER_KEYS` order; return their legend lines.

    Village layers and Wi-Fi/places beyond :data:`MAX_DETAIL_UNITS` / :data:`MAX_POINT_MARKERS` features
    in view are left out with a legend line asking to choose an area."""
    entries: list[LegendEntry] = []
    for key in (k for k in LAYER_KEYS if k in request.layers):
        name = t(LAYER_LABELS[key], request.lang)
        entries += _BUILDERS[key](_Overlay(request, dataset, plan, sources, fmap, bounds, name))
    return entries


def build_map(request: MapRequest, *, dataset: Dataset, plan: Plan, sources: MapSources) -> folium.Map:
    """Return the page's map for ``request``: units of ``request.level`` coloured for ``request.indicator``
    (by status or value), the requested overlays, one legend and a layer switcher, with no CDN asset.

    The map is fitted to the chosen area (or the whole dataset); no basemap unless ``request.basemap``.
    """
    lang = request.lang
    detail, context = area_units(sources.geometries(request.level), request.area)
    units = units_for_map(pd.concat([context, detail], ignore_index=True), sources.evaluation(request.level),
                          request.indicator)  # fmt: skip
    units = with_coverage_source(units, sources.assessment(), request.level, request.indicator, lang)
    colour_by = "status" if request.indicator == ALL_TARGETS else request.colour_by
    bounds = tuple(detail.total_bounds) if len(detail) else tuple(units.total_bounds)
    fmap = offline_map(bounds=bounds, tiles=OSM_TILES if request.basemap else None)
    units_layer(units, lang=lang, name=t("layer_units", lang), colour_by=colour_by).add_to(fmap)
    add_reference(fmap, dataset, bounds=bounds, lang=lang)  # above the unit fills, under the overlays
    entries = units_legend(units, lang=lang, colour_by=colour_by)
    entries += _overlays(request, dataset, plan, sources, fmap, bounds)
    add_labels(fmap, dataset, level=request.level, area=request.area, detail=detail,
               geometries=sources.geometries, bounds=bounds, lang=lang)  # fmt: skip
    title = (
        t("all_targets", lang)
        if request.indicator == ALL_TARGETS
        else INDICATORS[request.indicator].label(lang)
    )
    legend(title, entries).add_to(fmap)
    folium.LayerControl(collapsed=True).add_to(fmap)
    return strip_cdn(fmap)
