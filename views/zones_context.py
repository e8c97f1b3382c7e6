"""What the weak-signal zones map shows around the drawing tools so a planner can decide where a zone is:
4G coverage predicted per operator, the BTS sites, the reference layers, unit and place names, and the
suggested zones as clickable shapes. No Streamlit here: :func:`views.zones_data.zones_map` caches the map.
"""

from __future__ import annotations

import folium
import geopandas as gpd

from geo.i18n import t
from geo.plans.assessment import Assessment
from geo.vocab import Level
from layers.coverage import coverage_layer, coverage_legend
from layers.legend import LegendEntry
from layers.points import sites_layer, sites_legend
from layers.suggestions import suggestions_layer, suggestions_legend
from views.map_names import add_labels, add_reference

__all__ = ["add_context", "add_suggestions", "add_names"]


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
