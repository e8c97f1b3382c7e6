"""4G and 5G coverage areas (``geo.compute.coverage.coverage_areas``) as a map layer, merged or per
operator."""

from __future__ import annotations

import folium
import geopandas as gpd
import pandas as pd

from geo.palette import COVERAGE_5G, LAYER_STYLES, OPERATOR_COLOURS
from layers.geojson import geojson_layer
from layers.legend import LegendEntry, swatch

__all__ = ["coverage_style", "coverage_layer", "coverage_legend"]


def coverage_style(tech: str) -> dict[str, object]:
    """Return the shared style of ``tech``'s coverage ("4G" or "5G"): color, fill_opacity, weight, dash."""
    return dict(LAYER_STYLES["coverage_4g"]) if tech == "4G" else dict(COVERAGE_5G)


def coverage_layer(
    areas: gpd.GeoDataFrame, *, tech: str, name: str, tolerance_deg: float = 0.0, show: bool = True
) -> folium.FeatureGroup:
    """Return a FeatureGroup of ``areas`` ([operator, technology, geometry], EPSG:4326) for ``tech``.

    Areas are filled lightly in the technology's colour; when drawn per operator their outline takes
    the operator's colour (:data:`geo.palette.OPERATOR_COLOURS`, unknown operators as "other").
    The layer lets clicks through to the units below it. ``tolerance_deg`` > 0 simplifies the outlines
    (topology kept) for wide views; ``areas`` is not changed.
    """
    if tolerance_deg > 0:
        areas = areas.set_geometry(areas.geometry.simplify(tolerance_deg, preserve_topology=True))
    style = coverage_style(tech)
    operators = areas["operator"].astype(str) if "operator" in areas else pd.Series("", index=areas.index)
    keys = operators.where(operators.isin(list(OPERATOR_COLOURS)), "merged")
    fill = {"fillColor": style["color"], "fillOpacity": style["fill_opacity"], "weight": style["weight"]}
    styles = {"merged": fill | {"color": style["color"], "dashArray": style["dash"]}}
    styles |= {op: fill | {"color": colour} for op, colour in OPERATOR_COLOURS.items()}
    group = folium.FeatureGroup(name=name, show=show)
    geojson_layer(areas, style_key=keys, styles=styles, interactive=False).add_to(group)
    return group


def coverage_legend(tech: str, label: str, *, operators: list[str] | None = None) -> list[LegendEntry]:
    """Return legend lines: the technology's fill (``label``) and, per operator drawn, its outline colour."""
    entries = [swatch("box", str(coverage_style(tech)["color"]), label)]
    return entries + [
        swatch("outline", OPERATOR_COLOURS[op], f"{label}: {op}")
        for op in operators or []
        if op in OPERATOR_COLOURS
    ]
