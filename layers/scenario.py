"""A scenario's changes on the map, drawn unlike the existing sites: planned sites orange, an operator
added to (or an upgrade of) an existing site a green ring around it, new Wi-Fi points pink rings.

The colours are :data:`geo.palette.SCENARIO_STYLES`; the page gives the points (a change without its own
point — ``share``, ``upgrade`` — placed at its site, see :func:`geo.scenarios.model.scenario_points`).
"""

from __future__ import annotations

import folium
import geopandas as gpd
import pandas as pd

from geo.i18n import t
from geo.palette import SCENARIO_STYLES
from layers.geojson import geojson_layer, tooltip_html
from layers.legend import LegendEntry, swatch

__all__ = ["scenario_layer", "scenario_legend"]

_LABELS = {"new_site": "legend_scen_new", "share": "legend_scen_share", "upgrade": "legend_scen_upgrade",
           "wifi": "legend_scen_wifi"}  # fmt: skip


def scenario_layer(points: gpd.GeoDataFrame, *, lang: str = "vi", name: str) -> folium.FeatureGroup:
    """Return a FeatureGroup of a scenario's located changes (``change``, ``site_id``, ``operators``,
    ``technologies``, ``why``; point geometry, any CRS): one circle per change, styled by its kind, with
    the site id (escaped), what changes and why as tooltip. ``points`` is not changed."""
    group = folium.FeatureGroup(name=name, show=True)
    shown = points[points["change"].isin(list(SCENARIO_STYLES))]
    if shown.empty:
        return group

    def text(column: str) -> pd.Series:
        return (
            shown[column].astype("string").fillna("") if column in shown else pd.Series("", index=shown.index)
        )

    kind = shown["change"].map(lambda c: t(_LABELS[c], lang))
    why = text("why").map(lambda w: w.split(" / ")[0 if lang == "vi" else -1])
    title = text("site_id").where(text("site_id") != "", text("name"))
    tip = tooltip_html(
        title.where(title != "", kind),
        [
            (t("scen_col_change", lang), kind),
            (t("tip_operators", lang), text("operators").str.replace(";", ", ", regex=False)),
            (t("tip_technologies", lang), text("technologies").str.replace(";", ", ", regex=False)),
            (t("scen_col_why", lang), why),
        ],
    )
    geojson_layer(shown, style_key=shown["change"], styles=SCENARIO_STYLES, tooltip=tip).add_to(group)
    return group


def scenario_legend(*, lang: str = "vi") -> list[LegendEntry]:
    """The legend lines of :func:`scenario_layer`."""
    return [
        swatch("circle" if kind == "new_site" else "ring", str(style["color"]), t(_LABELS[kind], lang))
        for kind, style in SCENARIO_STYLES.items()
    ]
