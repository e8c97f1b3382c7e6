"""The scenario map: the territory as on the zones map (outlines, 4G coverage per operator, existing BTS
sites, reference layers, names) with the scenario's changes drawn over it in their own style
(:func:`layers.scenario.scenario_layer`). No CDN asset; cached per dataset version and scenario. A click
on an existing site offers to add an operator to it, a click elsewhere a new site at that point.
"""

from __future__ import annotations

import folium
import geopandas as gpd
import numpy as np
import shapely
import streamlit as st

from geo.i18n import t
from geo.settings import OPERATORS
from layers.legend import legend
from layers.offline import strip_cdn
from layers.scenario import scenario_layer, scenario_legend
from views import common
from views.zones_context import add_context, add_names, territory_map

__all__ = ["scenario_map", "site_at", "clicked_change"]


@st.cache_resource(show_spinner=False, max_entries=16)
def scenario_map(folder: str, stamp: float, lang: str, points_json: str) -> folium.Map:
    """Return the map of the dataset ``folder`` (version ``stamp``) with the scenario's located changes
    (``points_json``: :func:`geo.scenarios.model.scenario_points` as GeoJSON, the cache key). Shared between
    sessions: render a deep copy."""
    fmap, bounds = territory_map(common.load_dataset(folder, stamp), lang=lang)
    assessment = common.assessment(folder, stamp)
    entries = add_context(fmap, assessment, bounds=bounds, lang=lang)
    points = gpd.read_file(points_json) if points_json else gpd.GeoDataFrame({"change": []}, geometry=[])
    scenario_layer(points, lang=lang, name=t("scen_layer", lang)).add_to(fmap)
    add_names(fmap, assessment, bounds=bounds, lang=lang)
    legend(t("scen_map", lang), scenario_legend(lang=lang) + entries).add_to(fmap)
    folium.LayerControl(collapsed=True).add_to(fmap)
    return strip_cdn(fmap)


def site_at(
    sites: gpd.GeoDataFrame | None, lon: float, lat: float, *, tolerance_m: float = 250.0
) -> str | None:
    """Return the id of the existing site nearest the click (lon, lat; EPSG:4326) when it is within about
    ``tolerance_m`` metres, else None (the click is then a place for a new site). 250 m: a site's marker
    at the page's usual zoom, and no planner builds a new tower that close to one that can be shared."""
    if sites is None or sites.empty or "site_id" not in sites:
        return None
    point = shapely.Point(lon, lat)
    distance = shapely.distance(sites.geometry.to_numpy(), point) * 111_000  # degrees → metres, about
    nearest = int(np.argmin(distance))
    return str(sites["site_id"].iloc[nearest]) if distance[nearest] <= tolerance_m else None


def clicked_change(lang: str, sites: gpd.GeoDataFrame | None, clicked: dict | None) -> dict | None:
    """Under the map: for the last click, the form adding an operator to the clicked existing site or a new
    site at the clicked point; return the change row (:data:`geo.scenarios.model.COLUMNS` + lon/lat) when
    the planner adds it, else None."""
    if not clicked:
        return None
    lon, lat = float(clicked["lng"]), float(clicked["lat"])
    site = site_at(sites, lon, lat)
    operators = [o for o in OPERATORS if o != "other"]
    if site is not None:
        st.markdown(t("scen_click_site", lang, site=site))
        row = sites[sites["site_id"].astype(str) == site]
        present = ";".join(row["operators"].astype(str))
        choices = [o for o in operators if o not in present] or operators
        operator = st.selectbox(t("tip_operators", lang), choices, key="scen_click_operator")
        if st.button(t("scen_click_share", lang), key="scen_click_add"):
            return {
                "change": "share",
                "site_id": site,
                "operators": operator,
                "why": t("scen_click_why", lang),
            }
        return None
    st.markdown(t("scen_click_point", lang, lon=f"{lon:.5f}", lat=f"{lat:.5f}"))
    operator = st.selectbox(t("tip_operators", lang), operators, key="scen_click_operator")
    if st.button(t("scen_click_new", lang), key="scen_click_add"):
        return {"change": "new_site", "operators": operator, "technologies": "4G", "lon": lon, "lat": lat,
                "kind": "map", "why": t("scen_click_why", lang)}  # fmt: skip
    return None
