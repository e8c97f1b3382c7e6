"""The map page's panel for a clicked point: which sites reach it, with how much margin (the figures
of ``geo link``, :func:`geo.compute.reach.links_to_point`), and the terrain profile chart of the best
site (:func:`geo.export.profile_chart.profile_png`) when the dataset has a DEM."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from geo.compute.reach import links_to_point, terrain_profile
from geo.compute.terrain import LinkError
from geo.i18n import t
from views.common import assessment

__all__ = ["profile_panel"]


@st.cache_data(show_spinner=False, max_entries=64)
def _links(folder: str, stamp: float, lon: float, lat: float, technology: str) -> pd.DataFrame:
    mine = assessment(folder, stamp)
    return links_to_point(mine.dataset, mine.sites, lon, lat, technology=technology)


@st.cache_data(show_spinner=False, max_entries=64)
def _chart(folder: str, stamp: float, row: int, lon: float, lat: float, technology: str, lang: str):
    from geo.export.profile_chart import profile_png  # matplotlib: only when a chart is drawn

    mine = assessment(folder, stamp)
    profile = terrain_profile(mine.dataset, mine.sites, row, lon, lat, technology=technology)
    return None if profile is None else profile_png(profile, lang=lang)


def _frame(links: pd.DataFrame, lang: str) -> pd.DataFrame:
    yes, no = t("yes", lang), t("no", lang)
    return pd.DataFrame(
        {
            t("link_site", lang): links["site"],
            t("link_margin", lang): links["margin_db"],
            t("link_covered", lang): links["covered"].map({True: yes, False: no}),
            t("link_distance", lang): (links["distance_m"] / 1000).round(2),
            t("link_loss", lang): links["total_loss_db"],
            t("link_los", lang): links["line_of_sight"].map({True: yes, False: no}).fillna("—"),
            t("spot_operator", lang): links["operators"],
        }
    )


def profile_panel(lang: str, folder: str, stamp: float, lon: float, lat: float) -> None:
    """Sites reaching (``lon``, ``lat``) (degrees) with their margin, and the best site's profile chart."""
    st.subheader(t("link_title", lang))
    technology = st.radio(t("link_technology", lang), ("4G", "5G"), horizontal=True, key="link_technology")
    st.caption(t("link_point", lang, lon=f"{lon:.5f}", lat=f"{lat:.5f}"))
    try:
        links = _links(folder, stamp, round(lon, 6), round(lat, 6), technology)
    except LinkError as exc:
        st.warning(exc.text(lang))
        return
    if links.empty:
        st.info(t("link_none", lang, technology=technology))
        return
    st.dataframe(_frame(links, lang), hide_index=True)
    st.caption(t("link_help", lang))
    dataset = assessment(folder, stamp).dataset
    if getattr(dataset, "dem", None) is None or not dataset.dem.usable:
        st.caption(t("link_no_dem", lang))
        return
    best = links.iloc[0]
    chart = _chart(folder, stamp, int(best["row"]), round(lon, 6), round(lat, 6), technology, lang)
    if chart is None:
        st.caption(t("link_no_profile", lang))
    else:
        st.image(chart, width="stretch")
