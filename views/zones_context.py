"""What the weak-signal zones map shows around the drawing tools so a planner can decide where a zone is:
the offline base map with commune and village outlines (shared with the scenario map), 4G coverage
predicted per operator, the BTS sites, the reference layers, unit and place names, and the
suggested zones as clickable shapes. No Streamlit here: :func:`views.zones_data.zones_map` caches the map.
"""

from __future__ import annotations

import folium
import geopandas as gpd

from geo.i18n import t
from geo.model import Dataset
from geo.plans.assessment import Assessment
from geo.vocab import Level
from layers.coverage import coverage_layer, coverage_legend
from layers.legend import LegendEntry
from layers.offline import offline_map
from layers.points import sites_layer, sites_legend
from layers.simplify import simplify_units
from layers.suggestions import suggestions_layer, suggestions_legend
from layers.zones import outline_layer
from views.map_names import add_labels, add_reference

__all__ = ["MAX_VILLAGE_OUTLINES", "territory_map", "add_context", "add_suggestions", "add_names"]

#: Above this many villages their outlines are left off the zones and scenario maps (communes are then
#: drawn simplified): the page stays light.
MAX_VILLAGE_OUTLINES = 2000
_VIETNAM = (102.1, 8.4, 109.5, 23.4)


def territory_map(dataset: Dataset, *, lang: str) -> tuple[folium.Map, tuple[float, float, float, float]]:
    """The offline base map (no CDN, no tiles) fitted to ``dataset``'s communes (or villages), with the
    village outlines (up to :data:`MAX_VILLAGE_OUTLINES`) and the commune outlines (simplified to 200 m
    beyond that many); returns the map and its bounds (lon/lat, EPSG:4326; all Vietnam without units)."""
    communes, villages = dataset.layer("communes"), dataset.layer("villages")
    units = communes if communes is not None else villages
    bounds = tuple(units.total_bounds) if units is not None and len(units) else _VIETNAM
    fmap = offline_map(bounds=bounds)
    if villages is not None and len(villages) <= MAX_VILLAGE_OUTLINES:
        outline_layer(villages, name=t("layer_villages", lang), colour="#8A8A8A", weight=0.8).add_to(fmap)
    if communes is not None:
        many = len(communes) > MAX_VILLAGE_OUTLINES
        shown = simplify_units(communes, tolerance_m=200) if many else communes
        outline_layer(shown, name=t("layer_communes", lang), colour="#222222", weight=2.2).add_to(fmap)
    return fmap, bounds


def add_context(fmap: folium.Map, assessment: Assessment, *, bounds, lang: str) -> list[LegendEntry]:
    """Add the reference layers, one 4G coverage layer per operator (toggleable) and the BTS sites to
    ``fmap``; return their legend lines. Coverage is the assessment's (the same areas as the map page)."""
    dataset = assessment.dataset
    add_reference(fmap, dataset, bounds=bounds, lang=lang)
    entries: list[LegendEntry] = []
    sites = dataset.layer("bts_sites")
    if sites is None or sites.empty:
        return entries
    areas = assessment.coverage("4G", per_operator=True)
    label = t("layer_4g", lang)
    for operator, part in areas.groupby(areas["operator"].astype(str), sort=True):
        coverage_layer(part, tech="4G", name=f"{label}: {operator}").add_to(fmap)
    entries += coverage_legend("4G", label, operators=sorted(set(areas["operator"].astype(str))))
    metric_crs = dataset.settings.metric_crs
    sites_layer(sites, lang=lang, name=t("layer_bts", lang), metric_crs=metric_crs).add_to(fmap)
    return entries + sites_legend(lang=lang, grouped=False)


def add_suggestions(fmap: folium.Map, suggestions: gpd.GeoDataFrame, *, lang: str) -> list[LegendEntry]:
    """Add the suggestions (already without the dismissed or accepted ones) as clickable shapes."""
    if suggestions.empty:
        return []
    suggestions_layer(suggestions, lang=lang, name=t("zones_suggestions", lang)).add_to(fmap)
    return suggestions_legend(lang=lang)


def add_names(fmap: folium.Map, assessment: Assessment, *, bounds, lang: str) -> None:
    """Add commune and village names (villages once zoomed in) and place names."""
    dataset = assessment.dataset
    level = Level.COMMUNE if "communes" in dataset.layers else Level.VILLAGE
    add_labels(
        fmap, dataset, level=level, area=None, detail=assessment.geometries(level),
        geometries=assessment.geometries, bounds=bounds, lang=lang,
    )  # fmt: skip
