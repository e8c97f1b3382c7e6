"""Administrative units on the map: coloured by status against a target or by value, FTTH per village,
and the villages that make their commune miss its target.

Inputs are unit polygons in EPSG:4326 already joined to one indicator's evaluation rows
(``geo.plans.evaluate.evaluate``): ``uid``, ``name``, ``status`` and, when known, ``value``, ``unit``,
``target_text``, ``gap``; in "all targets" mode ``n_missed`` and ``n_targets`` instead. "No data"
is grey, hatched and dashed, so it never reads as "missed".
"""

from __future__ import annotations

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.i18n import t
from geo.palette import (
    BOUNDARY,
    LAYER_STYLES,
    MISSING_VILLAGE,
    NO_DATA_DASH,
    STATUS_COLOURS,
    VALUE_COLOURS,
    status_label,
)
from geo.vocab import Status
from layers.geojson import format_number, geojson_layer, tooltip_html
from layers.legend import LegendEntry, swatch

__all__ = [
    "HATCH_LIMIT",
    "value_bins",
    "value_keys",
    "units_layer",
    "units_legend",
    "missing_villages_layer",
    "ftth_layer",
    "ftth_legend",
]

#: Most "no data" units drawn hatched; beyond it they keep the dashed outline only (keeps the page small).
HATCH_LIMIT = 500
_HATCH_SPACING_DEG = 0.004


def _status_styles() -> dict[str, dict[str, object]]:
    base = {"color": BOUNDARY["color"], "weight": BOUNDARY["weight"], "fillOpacity": BOUNDARY["fill_opacity"]}
    styles = {status: base | {"fillColor": colour} for status, colour in STATUS_COLOURS.items()}
    styles[Status.NO_DATA] = styles[Status.NO_DATA] | {"dashArray": NO_DATA_DASH, "fillOpacity": 0.35}
    return styles


def value_bins(values: pd.Series, *, n: int = len(VALUE_COLOURS)) -> np.ndarray:
    """Return class edges (ascending, at most ``n`` + 1) splitting the finite ``values`` into quantiles."""
    finite = pd.to_numeric(values, errors="coerce").dropna().to_numpy(float)
    if finite.size == 0:
        return np.array([0.0, 0.0])
    return np.unique(np.quantile(finite, np.linspace(0, 1, n + 1)))


def value_keys(values: pd.Series, edges: np.ndarray) -> np.ndarray:
    """Return the style key per value: ``"v<class>"`` by ``edges`` (:func:`value_bins`) or ``"no data"``."""
    numbers = pd.to_numeric(values, errors="coerce").to_numpy(float)
    classes = np.clip(np.searchsorted(edges, numbers, side="right") - 1, 0, max(len(edges) - 2, 0))
    return np.where(np.isnan(numbers), Status.NO_DATA, np.char.add("v", classes.astype(str)))


def _tooltip(gdf: gpd.GeoDataFrame, lang: str) -> pd.Series:
    status = gdf["status"].map(lambda s: status_label(s, lang))
    if "n_missed" in gdf:
        count = format_number(gdf["n_missed"], digits=0) + " / " + format_number(gdf["n_targets"], digits=0)
        rows = [(t("tip_missed_count", lang), count), (t("tip_status", lang), status)]
    else:
        unit = gdf["unit"].fillna("") if "unit" in gdf else pd.Series("", index=gdf.index)
        value = format_number(gdf["value"]) + " " + unit
        gap = format_number(gdf["gap"]) + " " + unit
        rows = [
            (t("tip_value", lang), value.str.strip()),
            (t("tip_target", lang), gdf["target_text"].fillna("") + " " + unit),
            (t("tip_gap", lang), gap.str.strip()),
            (t("tip_status", lang), status),
        ]
    if "coverage_source" in gdf:  # the deepest units: which source decided their coverage
        rows.append((t("tip_coverage_source", lang), gdf["coverage_source"].fillna("—")))
    return tooltip_html(gdf["name"], rows)


def _hatch(geoms: np.ndarray) -> np.ndarray:
    """Diagonal lines clipped to ``geoms`` (the web map's version of the printed "no data" hatch)."""
    if geoms.size == 0 or geoms.size > HATCH_LIMIT:
        return np.array([], dtype=object)
    x0, y0, x1, y1 = shapely.total_bounds(geoms)
    offsets = np.arange(x0 - (y1 - y0), x1, _HATCH_SPACING_DEG)
    lines = shapely.linestrings(
        np.stack(
            [
                np.stack([offsets, np.full_like(offsets, y0)], 1),
                np.stack([offsets + (y1 - y0), np.full_like(offsets, y1)], 1),
            ],
            1,
        )
    )
    clipped = shapely.intersection(shapely.union_all(lines), shapely.union_all(geoms))
    parts = shapely.get_parts(shapely.get_parts(clipped))  # collections may mix lines and touching points
    lines = parts[shapely.get_type_id(parts) == shapely.GeometryType.LINESTRING]
    return np.array([shapely.multilinestrings(lines)] if len(lines) else [], dtype=object)


def units_layer(
    gdf: gpd.GeoDataFrame, *, lang: str = "vi", name: str, colour_by: str = "status", show: bool = True
) -> folium.FeatureGroup:
    """Return a FeatureGroup named ``name`` with one polygon per unit of ``gdf`` and its tooltip.

    ``colour_by="status"`` fills by :data:`geo.palette.STATUS_COLOURS`; ``"value"`` by quantile classes
    of ``value`` (:func:`value_bins`, viridis). Tooltips give the unit name, value, target and gap
    (escaped). Units with status "no data" (or no value when colouring by value) are grey, dashed and
    hatched. ``gdf`` is not changed.
    """
    styles = _status_styles()
    if colour_by == "value":
        edges = value_bins(gdf["value"])
        keys = value_keys(gdf["value"], edges)
        base = styles[Status.MET]
        styles |= {f"v{i}": base | {"fillColor": colour} for i, colour in enumerate(VALUE_COLOURS)}
    else:
        keys = gdf["status"].where(gdf["status"].isin(list(STATUS_COLOURS)), Status.NO_DATA).to_numpy()
    group = folium.FeatureGroup(name=name, show=show)
    geojson_layer(
        gdf, style_key=pd.Series(keys, index=gdf.index), styles=styles, tooltip=_tooltip(gdf, lang)
    ).add_to(group)
    hatch = _hatch(gdf.geometry.to_numpy()[keys == Status.NO_DATA])
    if hatch.size:
        lines = gpd.GeoDataFrame(geometry=hatch, crs=gdf.crs)
        style = {"h": {"color": "#777777", "weight": 0.7}}
        geojson_layer(lines, style_key=pd.Series(["h"]), styles=style, interactive=False).add_to(group)
    return group


def units_legend(gdf: gpd.GeoDataFrame, *, lang: str = "vi", colour_by: str = "status") -> list[LegendEntry]:
    """Return the legend lines for :func:`units_layer` on the same ``gdf`` and ``colour_by``."""
    no_data = swatch("hatched", STATUS_COLOURS[Status.NO_DATA], status_label(Status.NO_DATA, lang))
    if colour_by == "value":
        edges = value_bins(gdf["value"])
        text = format_number(pd.Series(edges))
        entries = [
            swatch("box", VALUE_COLOURS[i], f"{text.iloc[i]} – {text.iloc[i + 1]}")
            for i in range(len(edges) - 1)
        ]
        return [*entries, no_data]
    present = set(gdf["status"])
    order = [s for s in STATUS_COLOURS if s != Status.NO_DATA and s in present]
    return [swatch("box", STATUS_COLOURS[s], status_label(s, lang)) for s in order] + [no_data]


def missing_villages_layer(villages: gpd.GeoDataFrame, *, lang: str = "vi", name: str) -> folium.FeatureGroup:
    """Return a FeatureGroup outlining (thick, dashed, no fill) each village of ``villages``.

    ``villages``: the villages whose own status is "missed" inside communes that miss the target
    (the caller selects them), with ``name`` and, when known, ``value``/``unit``/``target_text``.
    """
    style = {
        "m": {
            "color": MISSING_VILLAGE["color"],
            "weight": MISSING_VILLAGE["weight"],
            "dashArray": MISSING_VILLAGE["dash"],
            "fill": False,
        }
    }
    group = folium.FeatureGroup(name=name)
    keys = pd.Series("m", index=villages.index)
    geojson_layer(villages, style_key=keys, styles=style, tooltip=_tooltip(villages, lang)).add_to(group)
    return group


def ftth_layer(
    villages: gpd.GeoDataFrame, *, lang: str = "vi", name: str, show: bool = False
) -> folium.FeatureGroup:
    """Return a FeatureGroup of villages by FTTH status: filled where ``ftth`` is true, outlined where false,
    grey dashed where unknown (``ftth`` missing). Tooltip: village name and FTTH yes/no/unknown."""
    colour = LAYER_STYLES["ftth"]["color"]
    flag = villages["ftth"] if "ftth" in villages else pd.Series(pd.NA, index=villages.index)
    known = flag.notna()
    yes = known & flag.fillna(False).astype(bool)
    keys = np.where(yes, "yes", np.where(known, "no", "unknown"))
    styles = {
        "yes": {"color": colour, "weight": 1.0, "fillColor": colour, "fillOpacity": 0.6},
        "no": {"color": colour, "weight": 2.0, "fillOpacity": 0.0},
        "unknown": {
            "color": STATUS_COLOURS[Status.NO_DATA],
            "weight": 1.0,
            "dashArray": NO_DATA_DASH,
            "fillOpacity": 0.0,
        },
    }
    answer = pd.Series(keys, index=villages.index).map(
        {"yes": t("yes", lang), "no": t("no", lang), "unknown": t("unknown", lang)}
    )
    tip = tooltip_html(villages["name"], [("FTTH", answer)])
    group = folium.FeatureGroup(name=name, show=show)
    geojson_layer(
        villages, style_key=pd.Series(keys, index=villages.index), styles=styles, tooltip=tip
    ).add_to(group)
    return group


def ftth_legend(*, lang: str = "vi") -> list[LegendEntry]:
    """Return the legend lines of :func:`ftth_layer`."""
    colour = LAYER_STYLES["ftth"]["color"]
    return [
        swatch("box", colour, t("legend_ftth_yes", lang)),
        swatch("ring", colour, t("legend_ftth_no", lang)),
    ]
