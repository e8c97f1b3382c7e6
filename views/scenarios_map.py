"""The scenario map: the territory as on the zones map (outlines, 4G coverage per operator, existing BTS
sites, reference layers, names) with the scenario's changes drawn over it in their own style
(:func:`layers.scenario.scenario_layer`). No CDN asset; cached per dataset version and scenario.
"""

from __future__ import annotations

import folium
import geopandas as gpd
import streamlit as st

from geo.i18n import t
from layers.legend import legend
from layers.offline import offline_map, strip_cdn
from layers.scenario import scenario_layer, scenario_legend
from layers.zones import outline_layer
from views import common
from views.zones_context import add_context, add_names
from views.zones_data import MAX_VILLAGE_OUTLINES

__all__ = ["scenario_map"]


@st.cache_resource(show_spinner=False, max_entries=16)
def scenario_map(folder: str, stamp: float, lang: str, points_json: str) -> folium.Map:
    """Return the map of the dataset ``folder`` (version ``stamp``) with the scenario's located changes
    (``points_json``: :func:`geo.scenarios.model.scenario_points` as GeoJSON, the cache key). Shared between
    sessions: render a deep copy."""
    dataset = common.load_dataset(folder, stamp)
    communes, villages = dataset.layer("communes"), dataset.layer("villages")
    units = communes if communes is not None else villages
    bounds = tuple(units.total_bounds) if units is not None and len(units) else (102.1, 8.4, 109.5, 23.4)
    fmap = offline_map(bounds=bounds)
    if villages is not None and len(villages) <= MAX_VILLAGE_OUTLINES:
        outline_layer(villages, name=t("layer_villages", lang), colour="#8A8A8A", weight=0.8).add_to(fmap)
    if communes is not None and len(communes) <= MAX_VILLAGE_OUTLINES:
        outline_layer(communes, name=t("layer_communes", lang), colour="#222222", weight=2.2).add_to(fmap)
    assessment = common.assessment(folder, stamp)
    entries = add_context(fmap, assessment, bounds=bounds, lang=lang)
    points = gpd.read_file(points_json) if points_json else gpd.GeoDataFrame({"change": []}, geometry=[])
    scenario_layer(points, lang=lang, name=t("scen_layer", lang)).add_to(fmap)
    add_names(fmap, assessment, bounds=bounds, lang=lang)
    legend(t("scen_map", lang), scenario_legend(lang=lang) + entries).add_to(fmap)
    folium.LayerControl(collapsed=True).add_to(fmap)
    return strip_cdn(fmap)
