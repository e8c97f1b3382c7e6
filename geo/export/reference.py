"""Reference on printed maps: the dataset's roads, rivers and places drawn faintly, and the national inset.

Styles come from :mod:`geo.reference_style` (the interactive map's too). The inset shows Vietnam's 34
provinces from the bundled reference (:func:`geo.io.reference.read_provinces`), including the Hoàng Sa
and Trường Sa archipelagos (named), with the territory's province shaded and the territory in red.
"""

from __future__ import annotations

import math

import geopandas as gpd
import shapely
from matplotlib.axes import Axes
from matplotlib.lines import Line2D

from geo.io.reference import read_provinces
from geo.model import Dataset
from geo.palette import STATUS_COLOURS
from geo.reference_style import REFERENCE_STYLES
from geo.vocab import Status

__all__ = ["ARCHIPELAGOS", "draw_reference", "reference_handles", "draw_national_inset"]

#: The two archipelagos named on the inset: (name, lon, lat of the label).
ARCHIPELAGOS = (("QĐ. Hoàng Sa", 112.0, 17.3), ("QĐ. Trường Sa", 114.0, 11.2))
_LABELS = {
    "roads": ("Đường giao thông", "Roads"),
    "rivers": ("Sông, suối", "Rivers and streams"),
    "places": ("Địa danh", "Named places"),
}
_PT_PER_PX = 0.75


def draw_reference(ax: Axes, dataset: Dataset, area, crs: str) -> dict:
    """Draw the dataset's rivers, roads and places that touch ``area`` (a shapely geometry in ``crs``,
    metres) faintly at zorder 1.5 — above the unit fills, under every overlay. Returns the layers drawn
    (keys ``rivers``/``roads``/``places`` for the legend) plus ``places_gdf``: the places drawn, in
    ``crs``, whose names the caller places with the unit labels."""
    drawn: dict = {}
    for kind in ("rivers", "roads", "places"):
        gdf = dataset.layer(kind)
        if gdf is None or gdf.empty:
            continue
        gdf = gdf.to_crs(crs)
        gdf = gdf[shapely.intersects(gdf.geometry.to_numpy(), area)]
        if gdf.empty:
            continue
        style = REFERENCE_STYLES[kind]
        if kind == "places":
            ax.scatter(
                gdf.geometry.x, gdf.geometry.y, s=(2 * float(style["radius"])) ** 2 * 0.5,
                color=style["color"], alpha=float(style["opacity"]), zorder=1.6, linewidths=0,
            )  # fmt: skip
            drawn["places_gdf"] = gdf[gdf["name"].notna()] if "name" in gdf else None
        else:
            clipped = gpd.GeoSeries(shapely.intersection(gdf.geometry.to_numpy(), area), crs=crs)
            clipped.plot(
                ax=ax, color=style["color"], linewidth=float(style["weight"]) * _PT_PER_PX,
                alpha=float(style["opacity"]), zorder=1.5,
            )  # fmt: skip
        drawn[kind] = True
    return drawn


def reference_handles(keys: list[str], *, lang: str = "vi") -> list[Line2D]:
    """Legend entries of the reference layers drawn (``rivers``, ``roads``, ``places``)."""
    handles = []
    for kind in (k for k in ("rivers", "roads", "places") if k in keys):
        style, label = REFERENCE_STYLES[kind], _LABELS[kind][0 if lang == "vi" else 1]
        if kind == "places":
            handles.append(
                Line2D([], [], linestyle="none", marker="o", markersize=3, color=style["color"], label=label)
            )
        else:
            handles.append(
                Line2D(
                    [], [], color=style["color"], linewidth=float(style["weight"]) * _PT_PER_PX, label=label
                )
            )
    return handles


def draw_national_inset(ax: Axes, territory: gpd.GeoDataFrame, *, lang: str = "vi") -> None:
    """Draw Vietnam (34 provinces, lon/lat with the aspect of 16°N) on ``ax`` with the province(s) the
    ``territory`` (EPSG:4326 polygons) lies in shaded, the territory in red (with a ring around it, as
    a commune is a speck at this scale) and the two archipelagos named."""
    provinces = read_provinces()
    whole = shapely.union_all(territory.geometry.to_numpy())
    inside = provinces[provinces.intersects(whole.representative_point().buffer(0.01))]
    provinces.plot(ax=ax, facecolor="#EFEFEF", edgecolor="#9A9A9A", linewidth=0.25)
    if len(inside):
        inside.plot(ax=ax, facecolor="#FBE3C8", edgecolor="#7F7F7F", linewidth=0.4)
    gpd.GeoSeries([whole], crs=territory.crs).plot(
        ax=ax, facecolor=STATUS_COLOURS[Status.MISSED], edgecolor="none"
    )
    centre = whole.representative_point()
    ax.scatter(
        [centre.x],
        [centre.y],
        s=40,
        facecolors="none",
        edgecolors=STATUS_COLOURS[Status.MISSED],
        linewidths=0.9,
    )
    for name, lon, lat in ARCHIPELAGOS:
        ax.text(lon, lat, name, fontsize=4.5, ha="center", va="bottom", color="#444444", style="italic")
    ax.set_xlim(101.8, 117.8)
    ax.set_ylim(8.0, 23.6)
    ax.set_aspect(1 / math.cos(math.radians(16)))
    ax.set(xticks=[], yticks=[], xlabel="", ylabel="")
    for spine in ax.spines.values():
        spine.set_linewidth(0.4)
    title = "Vị trí trong cả nước" if lang == "vi" else "Location in Vietnam"
    if len(inside):
        title += f"\n({inside['fullName'].iloc[0]})" if lang == "vi" else f"\n({inside['nameEn'].iloc[0]})"
    ax.set_title(title, fontsize=6.5)
