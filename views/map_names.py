"""What the page map adds so a planner knows where they are: reference layers (the dataset's roads,
rivers and places, the bundled province outlines) and names (units, places, provinces) by zoom.

:func:`add_reference` is called right after the units are drawn, so the reference lines lie above the
unit fills but under every data overlay; :func:`add_labels` last, so names sit on top. No Streamlit here.
"""

from __future__ import annotations

from collections.abc import Callable

import folium
import geopandas as gpd
import numpy as np

from geo.compute.labelpoints import label_points
from geo.i18n import t
from geo.io.reference import read_provinces
from geo.model import LEVEL_OF_LAYER, Dataset
from layers.labels import LabelGroup, label_zooms, labels_layer
from layers.reference import PROVINCE_MAX_ZOOM, provinces_layer, reference_layer

__all__ = ["MAX_LABELLED_UNITS", "REFERENCE_LABELS", "add_reference", "add_labels"]

#: Most units of the level below labelled in one view (more: only the shown level is labelled).
MAX_LABELLED_UNITS = 2000
#: i18n key of each reference layer's name in the layer switcher.
REFERENCE_LABELS = {"roads": "layer_roads", "rivers": "layer_rivers", "places": "layer_ref_places"}


def _in_view(gdf: gpd.GeoDataFrame | None, bounds, margin: float = 0.1) -> gpd.GeoDataFrame | None:
    """Features of ``gdf`` touching ``bounds`` widened by ``margin`` of its size on each side, or None."""
    if gdf is None or gdf.empty:
        return None
    x0, y0, x1, y1 = bounds
    mx, my = (x1 - x0) * margin, (y1 - y0) * margin
    inside = gdf.cx[x0 - mx : x1 + mx, y0 - my : y1 + my]
    return inside if len(inside) else None


def _view_provinces(bounds) -> gpd.GeoDataFrame | None:
    """The bundled provinces around the view (a whole view's width beyond it on each side)."""
    return _in_view(read_provinces(), bounds, margin=1.0)


def add_reference(fmap: folium.Map, dataset: Dataset, *, bounds, lang: str) -> None:
    """Add the province outlines (national/provincial zooms only) and the dataset's roads, rivers and
    places around ``bounds`` (lon/lat) to ``fmap``, each a faint, toggleable, non-interactive layer."""
    provinces = _view_provinces(bounds)
    if provinces is not None:
        provinces_layer(provinces, name=t("layer_provinces", lang)).add_to(fmap)
    for kind in ("rivers", "roads", "places"):
        gdf = _in_view(dataset.layer(kind), bounds)
        if gdf is not None:
            reference_layer(gdf, kind=kind, name=t(REFERENCE_LABELS[kind], lang)).add_to(fmap)


def _unit(dataset: Dataset, uid: str) -> gpd.GeoDataFrame | None:
    """The unit whose uid is ``uid`` in any unit layer, or None."""
    for layer in dataset.unit_levels():
        gdf = dataset.layers[layer]
        found = gdf[gdf["uid"].astype(str) == uid]
        if len(found):
            return found
    return None


def add_labels(
    fmap: folium.Map,
    dataset: Dataset,
    *,
    level: str,
    area: str | None,
    detail: gpd.GeoDataFrame,
    geometries: Callable[[str], gpd.GeoDataFrame],
    bounds,
    lang: str,
) -> None:
    """Add one "names" layer: the unit of interest ``area`` (always), the shown ``level``'s ``detail``
    units, the villages inside the view when the level is above them (shown once zoomed in; the level
    above then hides), named places, and province names at national/provincial zooms."""
    crs = dataset.settings.metric_crs
    groups: list[LabelGroup] = []
    focus = _unit(dataset, area) if area is not None else None
    if focus is not None:
        groups.append(LabelGroup(label_points(focus, metric_crs=crs), "area"))
    shown = detail[detail["uid"].astype(str) != (area or "")] if len(detail) else detail
    upper = label_points(shown, metric_crs=crs) if len(shown) else None
    lower = None
    if level != "village" and "villages" in dataset.layers and level in LEVEL_OF_LAYER.values():
        villages = _in_view(geometries("village"), bounds, margin=0.0)
        if villages is not None and len(villages) <= MAX_LABELLED_UNITS:
            lower = label_points(villages, metric_crs=crs)
    switch = int(np.median(label_zooms(lower, kind="lower"))) if lower is not None else None
    groups.append(LabelGroup(upper, "upper" if lower is not None else "lower", max_zoom=switch))
    groups.append(LabelGroup(lower, "lower"))
    places = _in_view(dataset.layer("places"), bounds)
    if places is not None and "name" in places:
        named = places[places["name"].notna()]
        groups.append(LabelGroup(label_points(named, metric_crs=crs), "places", min_zoom=switch or 0))
    provinces = _view_provinces(bounds)
    if provinces is not None:
        labels = label_points(provinces, metric_crs=crs)
        groups.append(LabelGroup(labels, "provinces", max_zoom=PROVINCE_MAX_ZOOM))
    labels_layer(groups, name=t("layer_labels", lang)).add_to(fmap)
