"""Map layers of the coverage evidence: white and grey spots, and villages the speed tests dispute.

Pure builders: they take villages (EPSG:4326 polygons with ``name``) joined with the tables of
:mod:`geo.compute.evidence` and return a ``folium.FeatureGroup``; text in tooltips is escaped by
:func:`layers.geojson.tooltip_html`. Colours come from :mod:`geo.palette` so the legend matches.
"""

from __future__ import annotations

import folium
import geopandas as gpd
import numpy as np
import pandas as pd

from geo.i18n import t
from geo.palette import EVIDENCE_STYLES
from layers.geojson import geojson_layer, tooltip_html
from layers.legend import LegendEntry, swatch

__all__ = ["spots_layer", "spots_legend", "disputed_layer", "disputed_legend"]


def spots_layer(villages: gpd.GeoDataFrame, *, lang: str = "vi", name: str) -> folium.FeatureGroup:
    """White (no operator) and grey (exactly one) villages of one technology: ``spot`` (``white``/``grey``),
    ``technology``, ``n_operators`` and ``operator`` columns (:func:`geo.compute.evidence.white_grey_spots`).
    White spots are outlined dark with a white fill, grey spots filled grey; tooltips name the operator."""
    group = folium.FeatureGroup(name=name, show=True)
    if villages.empty:
        return group
    styles = {k: dict(EVIDENCE_STYLES[k]) for k in ("white", "grey")}
    label = villages["spot"].map({"white": t("spot_white", lang), "grey": t("spot_grey", lang)})
    tip = tooltip_html(
        villages["name"],
        [
            (t("spot_kind", lang), label + " (" + villages["technology"].astype(str) + ")"),
            (t("spot_operator", lang), villages["operator"].where(villages["operator"].ne(""), "—")),
        ],
    )
    keys = pd.Series(villages["spot"].to_numpy(), index=villages.index)
    geojson_layer(villages, style_key=keys, styles=styles, tooltip=tip).add_to(group)
    return group


def spots_legend(*, lang: str = "vi") -> list[LegendEntry]:
    """Legend lines of :func:`spots_layer`."""
    return [
        swatch("box", str(EVIDENCE_STYLES["white"]["fillColor"]), t("spot_white", lang)),
        swatch("box", str(EVIDENCE_STYLES["grey"]["fillColor"]), t("spot_grey", lang)),
    ]


def disputed_layer(villages: gpd.GeoDataFrame, *, lang: str = "vi", name: str) -> folium.FeatureGroup:
    """Villages whose speed tests contradict their coverage (:func:`geo.compute.evidence.disputed_villages`):
    thick outline; tooltip: what the source says, which source, and the tests against it."""
    group = folium.FeatureGroup(name=name, show=True)
    if villages.empty:
        return group
    covered = villages["covered"].to_numpy(bool)
    said = np.where(covered, t("disputed_says_covered", lang), t("disputed_says_uncovered", lang))
    against = np.where(covered, villages["n_not_served"], villages["n_served"]).astype(int)
    tests = (
        pd.Series(against, index=villages.index).astype(str)
        + "/"
        + villages["n_tests"].astype(int).astype(str)
    )
    tip = tooltip_html(
        villages["name"],
        [
            (
                t("disputed_source", lang),
                pd.Series(said, index=villages.index) + " (" + villages["source"] + ")",
            ),
            (t("disputed_tests", lang), tests),
        ],
    )
    keys = pd.Series("disputed", index=villages.index)
    geojson_layer(
        villages, style_key=keys, styles={"disputed": EVIDENCE_STYLES["disputed"]}, tooltip=tip
    ).add_to(group)
    return group


def disputed_legend(*, lang: str = "vi") -> list[LegendEntry]:
    """Legend line of :func:`disputed_layer`."""
    return [swatch("outline", str(EVIDENCE_STYLES["disputed"]["color"]), t("legend_disputed", lang))]
