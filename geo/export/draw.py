"""Drawing primitives of printed maps: units filled by status, overlays, labels, scale bar, north arrow.

Everything is drawn in the dataset's metric CRS (``dataset.settings.metric_crs``, metres), so the
scale bar is true. Colours, hatches and legend labels come from :mod:`geo.palette`, the style the
interactive map uses too. :func:`draw_map` composes the primitives on one matplotlib ``Axes``;
:mod:`geo.export.map` and :mod:`geo.export.atlas` lay the sheets out around it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from matplotlib.axes import Axes
from matplotlib.colors import to_rgba
from matplotlib.font_manager import FontProperties
from matplotlib.lines import Line2D
from matplotlib.patches import FancyBboxPatch, Patch
from mpl_toolkits.axes_grid1.anchored_artists import AnchoredSizeBar

from geo.compute.coverage import operator_bits
from geo.errors import GeoError
from geo.export.fonts import FONT_FAMILY
from geo.export.labels import FURNITURE_GID, LabelSpec, place_map_labels
from geo.export.reference import draw_reference, reference_handles
from geo.export.text import number_text
from geo.model import Dataset
from geo.palette import (
    BOUNDARY,
    LAYER_STYLES,
    STATUS_COLOURS,
    STATUS_HATCHES,
    layer_label,
    status_label,
)
from geo.plans.assessment import Assessment
from geo.vocab import PRINTED_OVERLAYS, Level, Status

__all__ = [
    "OVERLAYS",
    "MapKey",
    "status_units",
    "draw_map",
    "place_labels",
    "add_scale_bar",
    "add_north_arrow",
    "fit_extent",
    "legend_handles",
]

log = logging.getLogger(__name__)

#: Overlay layers a map may show, in drawing order (names of :data:`geo.palette.LAYER_STYLES`;
#: ``"bts"`` draws both ``bts_shared`` and ``bts_single``).
OVERLAYS = PRINTED_OVERLAYS
#: Levels from the finest up: a mixed evaluation is drawn at its finest level.
_FINEST_FIRST = (Level.VILLAGE, Level.COMMUNE, Level.DISTRICT, Level.PROVINCE, Level.TERRITORY)
#: gid of the patches labels must keep clear of (the north arrow's box).
_FURNITURE = FURNITURE_GID
#: Statuses always shown in a legend, even with no unit in them (so "no data" is never a surprise).
_ALWAYS = (Status.MET, Status.MISSED, Status.NO_DATA)


@dataclass
class MapKey:
    """What a drawn map needs in its legend: units per status and the overlays that had features."""

    counts: dict[str, int] = field(default_factory=dict)
    overlays: list[str] = field(default_factory=list)
    reference: list[str] = field(default_factory=list)


def status_units(
    dataset: Dataset | Assessment, evaluation: pd.DataFrame, *, indicator: str, unit: str | None = None
) -> gpd.GeoDataFrame:
    """Return the units to draw with their status for ``indicator``, in EPSG:4326.

    ``dataset`` is the dataset or, to reuse its unit polygons, its :class:`Assessment`.
    ``evaluation`` follows :func:`geo.plans.evaluate.evaluate`'s columns. Without ``unit``, the units
    of the evaluation's finest level are drawn; with ``unit`` (a uid), its children in the
    evaluation (the villages of a commune), else the unit itself. Units of the layer that the
    evaluation lacks get status ``"no data"``; evaluated units without geometry are logged and
    left out. Columns: uid, name, parent_uid, level, status, value, target_text, geometry.
    Raises :class:`GeoError` when the indicator or the unit is not in the evaluation.
    """
    rows = evaluation[evaluation["indicator"] == indicator]
    if rows.empty:
        known = ", ".join(dict.fromkeys(evaluation["indicator"]))
        raise GeoError(
            f"Bảng đánh giá không có chỉ tiêu '{indicator}'. Chọn một trong: {known or '(trống)'}.",
            f"The evaluation has no indicator '{indicator}'. Choose one of: {known or '(empty)'}.",
        )
    if unit is not None:
        children = rows[rows["parent_uid"].isin([unit])]
        rows = children if len(children) else rows[rows["uid"].isin([unit])]
        if rows.empty:
            raise GeoError(
                f"Không có đơn vị mã '{unit}' (hay thôn của nó) trong bảng đánh giá chỉ tiêu {indicator}.",
                f"No unit with uid '{unit}' (nor its villages) in the evaluation of {indicator}.",
            )
    level = next(lv for lv in _FINEST_FIRST if lv in set(rows["level"]))
    rows = rows[rows["level"] == level]
    geoms = Assessment.of(dataset).geometries(level)
    if unit is not None:
        geoms = geoms[geoms["parent_uid"].isin([unit])] if len(children) else geoms[geoms["uid"].isin([unit])]
    lost = ~rows["uid"].isin(geoms["uid"])
    if lost.any():
        log.warning("%d evaluated %s unit(s) have no geometry and are not drawn", int(lost.sum()), level)
    keep = rows[["uid", "status", "value", "target_text"]].drop_duplicates("uid")
    out = geoms[["uid", "name", "parent_uid", "geometry"]].merge(keep, on="uid", how="left")
    out["status"] = out["status"].astype(object).where(out["status"].notna(), Status.NO_DATA)
    out["level"] = level
    return out


def _status_patch(status: str, label: str) -> Patch:
    return Patch(
        facecolor=STATUS_COLOURS[status],
        edgecolor=BOUNDARY["color"],
        hatch=STATUS_HATCHES.get(status),
        linewidth=0.5,
        label=label,
    )


def _overlay_handle(key: str, lang: str) -> Patch | Line2D:
    style, label = LAYER_STYLES[key], layer_label(key, lang)
    if "marker" in style:
        face = style["color"] if style["fill"] else "none"
        return Line2D(
            [], [], linestyle="none", marker=style["marker"], markersize=style["size"],
            markerfacecolor=face, markeredgecolor=style["color"], label=label,
        )  # fmt: skip
    return Patch(
        facecolor=to_rgba(style["color"], style["fill_opacity"]),
        edgecolor=style["color"],
        hatch=style.get("hatch"),
        linestyle="--" if "dash" in style else "-",
        label=label,
    )


def legend_handles(key: MapKey, *, lang: str = "vi") -> list[Patch | Line2D]:
    """Return legend entries: one patch per status (met, missed, no data always; label with the count
    of units) then one entry per overlay drawn, in :mod:`geo.palette` colours."""
    statuses = [s for s in STATUS_COLOURS if s in _ALWAYS or key.counts.get(s, 0)]
    handles: list[Patch | Line2D] = [
        _status_patch(s, f"{status_label(s, lang)} ({key.counts.get(s, 0)})") for s in statuses
    ]
    return (
        handles
        + [_overlay_handle(k, lang) for k in key.overlays]
        + reference_handles(key.reference, lang=lang)
    )


def _draw_status(ax: Axes, gdf: gpd.GeoDataFrame, linewidth: float) -> dict[str, int]:
    counts = gdf["status"].value_counts().to_dict()
    for status, colour in STATUS_COLOURS.items():
        part = gdf[gdf["status"] == status]
        if len(part):
            part.plot(
                ax=ax,
                facecolor=colour,
                edgecolor=BOUNDARY["color"],
                linewidth=linewidth,
                hatch=STATUS_HATCHES.get(status),
                zorder=1,
            )
    return {str(k): int(v) for k, v in counts.items()}


def _inside(gdf: gpd.GeoDataFrame | None, area, crs: str) -> gpd.GeoDataFrame | None:
    """Return ``gdf`` in ``crs`` keeping the features that touch ``area``, or None when empty."""
    if gdf is None or gdf.empty:
        return None
    gdf = gdf.to_crs(crs)
    gdf = gdf[shapely.intersects(gdf.geometry.to_numpy(), area)]
    return gdf if len(gdf) else None


def _scatter(ax: Axes, geoms: gpd.GeoSeries, key: str) -> None:
    """Markers at the features' points; they shrink when there are many (3,000 sites on a province map)."""
    style = LAYER_STYLES[key]
    size = max(2.0, style["size"] * min(1.0, float(np.sqrt(150 / max(len(geoms), 1)))))
    pts = geoms.representative_point()
    ax.scatter(
        pts.x, pts.y, marker=style["marker"], s=size**2,
        facecolors=style["color"] if style["fill"] else "none", edgecolors=style["color"],
        linewidths=0.7 * size / style["size"], zorder=4,
    )  # fmt: skip


def _draw_overlays(
    ax: Axes,
    assessment: Assessment,
    layers: tuple[str, ...],
    area,
    crs: str,
    weak_zones: gpd.GeoDataFrame | None,
) -> list[str]:
    """Draw the requested overlays clipped to ``area`` (metric); return the keys that had features."""
    dataset = assessment.dataset
    unknown = set(layers) - set(OVERLAYS)
    if unknown:
        raise GeoError(
            f"Lớp bản đồ không có: {', '.join(sorted(unknown))}. Chọn trong: {', '.join(OVERLAYS)}.",
            f"Unknown map layer(s): {', '.join(sorted(unknown))}. Choose from: {', '.join(OVERLAYS)}.",
        )
    drawn: list[str] = []
    if "coverage_4g" in layers and dataset.layer("bts_sites") is not None:
        cov = _inside(assessment.coverage("4G", per_operator=False), area, crs)
        if cov is not None:
            style = LAYER_STYLES["coverage_4g"]
            gpd.GeoSeries(shapely.intersection(cov.geometry.to_numpy(), area), crs=crs).plot(
                ax=ax, facecolor=to_rgba(style["color"], style["fill_opacity"]), edgecolor=style["color"],
                linewidth=style["weight"], linestyle="--", zorder=2,
            )  # fmt: skip
            drawn.append("coverage_4g")
    villages = _inside(dataset.layer("villages"), area, crs) if "ftth" in layers else None
    if villages is not None and "ftth" in villages and villages["ftth"].isin([True]).any():
        _scatter(ax, villages.geometry[villages["ftth"].isin([True])], "ftth")
        drawn.append("ftth")
    wifi = _inside(dataset.layer("wifi_points"), area, crs) if "wifi" in layers else None
    if wifi is not None:
        free = ~wifi["free"].isin([False]) if "free" in wifi else np.ones(len(wifi), bool)
        if free.any():
            _scatter(ax, wifi.geometry[free], "wifi")
            drawn.append("wifi")
    sites = _inside(dataset.layer("bts_sites"), area, crs) if "bts" in layers else None
    if sites is not None:
        shared = np.bitwise_count(operator_bits(sites["operators"])) >= 2
        for key, mask in (("bts_shared", shared), ("bts_single", ~shared)):
            if mask.any():
                _scatter(ax, sites.geometry[mask], key)
                drawn.append(key)
    zones = _inside(weak_zones, area, crs) if "weak_zones" in layers else None
    if zones is not None:
        style = LAYER_STYLES["weak_zones"]
        points = zones.geom_type.isin(["Point", "MultiPoint"]).to_numpy()
        if (~points).any():
            zones[~points].plot(
                ax=ax, facecolor="none", edgecolor=style["color"], hatch=style["hatch"],
                linewidth=style["weight"], zorder=3,
            )  # fmt: skip
        if points.any():
            pts = zones.geometry[points].representative_point()
            ax.scatter(pts.x, pts.y, marker="X", s=40, color=style["color"], zorder=4)
        drawn.append("weak_zones")
    return drawn


def place_labels(ax: Axes, gdf: gpd.GeoDataFrame, *, fontsize: float = 6.5, column: str = "name") -> int:
    """Write ``gdf[column]`` inside each unit without two labels colliding (see
    :func:`geo.export.labels.place_map_labels`: roomiest units first, a label moved a line up or down
    when its place is taken, left out when it fits nowhere or is far wider than its unit, never over the
    scale bar or the north arrow). ``gdf`` is in the axes' CRS and the axes' limits must be final.
    Returns the number of labels placed."""
    if gdf.empty:
        return 0
    units = gdf.rename(columns={column: "name"}) if column != "name" else gdf
    crs = str(gdf.crs) if gdf.crs is not None else ""
    return len(place_map_labels(ax, [LabelSpec(units, fontsize=fontsize)], crs=crs))


def _nice_length(span_m: float) -> float:
    """Return a round length (1, 2 or 5 × 10^k metres) near a fifth of ``span_m``."""
    raw = span_m / 5
    power = 10 ** np.floor(np.log10(raw))
    return float(max(m * power for m in (1, 2, 5) if m * power <= raw))


def add_scale_bar(ax: Axes, *, lang: str = "vi", fontsize: float = 7) -> float:
    """Draw a true scale bar (the axes are in metres) in the lower left; return its length in metres."""
    x0, x1 = ax.get_xlim()
    length = _nice_length(x1 - x0)
    label = f"{number_text(length / 1000, lang=lang, decimals=2)} km" if length >= 1000 else f"{length:.0f} m"
    bar = AnchoredSizeBar(
        ax.transData, length, label, loc="lower left", pad=0.4, borderpad=0.8, sep=3,
        frameon=True, size_vertical=(ax.get_ylim()[1] - ax.get_ylim()[0]) / 150,
        fontproperties=FontProperties(family=FONT_FAMILY, size=fontsize),
    )  # fmt: skip
    bar.patch.set_alpha(0.85)
    ax.add_artist(bar)
    return length


def add_north_arrow(ax: Axes, *, lang: str = "vi", fontsize: float = 10) -> None:
    """Draw a north arrow on a white box in the upper right, labelled "B" (Bắc) or "N".

    The map is in a UTM/TM CRS whose grid north differs from true north by the meridian
    convergence (under 2° inside Vietnam's zones), below what a printed arrow shows.
    """
    ax.add_patch(
        FancyBboxPatch(
            (0.93, 0.84), 0.05, 0.14, boxstyle="round,pad=0.005", transform=ax.transAxes,
            facecolor="white", edgecolor="#888888", linewidth=0.5, alpha=0.9, zorder=6, gid=_FURNITURE,
        )
    )  # fmt: skip
    ax.annotate(
        "", xy=(0.955, 0.965), xytext=(0.955, 0.885), xycoords="axes fraction", zorder=7,
        arrowprops={"facecolor": "black", "edgecolor": "black", "width": 3, "headwidth": 9, "headlength": 9},
    )  # fmt: skip
    ax.text(
        0.955, 0.875, "B" if lang == "vi" else "N", transform=ax.transAxes, ha="center", va="top",
        fontsize=fontsize, fontweight="bold", family=FONT_FAMILY, zorder=7,
    )  # fmt: skip


def fit_extent(ax: Axes, bounds: tuple[float, float, float, float], margin: float = 0.04) -> None:
    """Set equal-aspect limits showing ``bounds`` (metres) with a margin, filling the axes box."""
    x0, y0, x1, y1 = bounds
    pad = margin * max(x1 - x0, y1 - y0, 1.0)
    width, height = x1 - x0 + 2 * pad, y1 - y0 + 2 * pad
    box = ax.get_position()
    fig_w, fig_h = ax.figure.get_size_inches()
    box_ratio = (box.height * fig_h) / (box.width * fig_w)
    if height / width < box_ratio:
        height = width * box_ratio
    else:
        width = height / box_ratio
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    ax.set_xlim(cx - width / 2, cx + width / 2)
    ax.set_ylim(cy - height / 2, cy + height / 2)
    ax.set_aspect("equal", adjustable="box")


def draw_map(
    ax: Axes,
    dataset: Dataset | Assessment,
    units: gpd.GeoDataFrame,
    *,
    layers: tuple[str, ...] = (),
    weak_zones: gpd.GeoDataFrame | None = None,
    outline: gpd.GeoDataFrame | None = None,
    lang: str = "vi",
    fontsize: float = 6.5,
) -> MapKey:
    """Draw ``units`` (from :func:`status_units`) filled by status, the overlays in ``layers``
    (names of :data:`OVERLAYS`), the dataset's reference layers (roads, rivers, places: faint, always
    when present), ``outline`` (EPSG:4326, e.g. the commune around its villages) as a thick line,
    unit and place names that do not collide, a scale bar and a north arrow, all in the
    dataset's metric CRS. ``dataset`` is the dataset or, to reuse its coverage areas, its
    :class:`Assessment`. Returns the :class:`MapKey` for the legend.
    """
    assessment = Assessment.of(dataset)
    dataset = assessment.dataset
    crs = dataset.settings.metric_crs
    gdf = units.to_crs(crs)
    linewidth = 0.35 if len(gdf) > 300 else 0.6
    counts = _draw_status(ax, gdf, linewidth)
    area = shapely.union_all(gdf.geometry.to_numpy())
    shapely.prepare(area)
    overlays = _draw_overlays(ax, assessment, tuple(layers), area, crs, weak_zones)
    reference = draw_reference(ax, dataset, area, crs)  # above the fills, under the overlays (zorder 1.5)
    if outline is not None:
        outline.to_crs(crs).boundary.plot(ax=ax, color=BOUNDARY["color"], linewidth=1.6, zorder=3)
    fit_extent(ax, area.bounds)
    ax.set(xticks=[], yticks=[], xlabel="", ylabel="")
    add_scale_bar(ax, lang=lang)
    add_north_arrow(ax, lang=lang)
    places = reference.pop("places_gdf", None)
    specs = [LabelSpec(gdf, fontsize=fontsize)]
    if places is not None:
        specs.append(
            LabelSpec(places, fontsize=fontsize * 0.9, style="italic", points=True, colour="#333333")
        )
    place_map_labels(ax, specs, crs=crs)
    return MapKey(counts, overlays, list(reference))
