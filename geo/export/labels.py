"""Names on printed maps: unit names at their label points and place names beside their points, placed
greedily by priority so that no two labels — nor a label and the scale bar or north arrow — overlap.

Each label's box is measured with the figure's renderer (display pixels, so what is tested is what is
printed). A unit's name is tried at its label point (the centre of the largest circle inside it,
:func:`geo.compute.label_points`), then a little above and below it; a place's name right of its point,
then left of it. A label that fits nowhere is left out (logged), never overprinted.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
from matplotlib import patheffects
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.font_manager import FontProperties

from geo.compute.labelpoints import label_points
from geo.export.fonts import FONT_FAMILY

__all__ = ["FURNITURE_GID", "LABEL_GID", "LabelSpec", "place_map_labels"]

log = logging.getLogger(__name__)

#: gid of patches labels keep clear of (the north arrow's box).
FURNITURE_GID = "map-furniture"
#: gid of every label text drawn (the halo and the text both carry it).
LABEL_GID = "map-label"
#: How much wider than its unit's inscribed circle a unit's name may be (it may reach past a narrow
#: unit's edge, never over another label).
ROOM_FACTOR = 1.6


@dataclass(frozen=True)
class LabelSpec:
    """One group of labels: ``gdf`` (polygons or points, in the axes' CRS), font size (points), weight,
    style, and whether they are ``points`` (names beside the point) or units (names inside)."""

    gdf: gpd.GeoDataFrame
    fontsize: float = 6.5
    weight: str = "normal"
    style: str = "normal"
    points: bool = False
    colour: str = "#1A1A1A"


def _renderer(ax: Axes):
    canvas = ax.figure.canvas
    if not isinstance(canvas, FigureCanvasAgg):
        canvas = FigureCanvasAgg(ax.figure)
    return canvas.get_renderer()


def _clear(box: np.ndarray, placed: np.ndarray) -> bool:
    if not len(placed):
        return True
    hits = (
        (box[0] < placed[:, 2]) & (box[2] > placed[:, 0]) & (box[1] < placed[:, 3]) & (box[3] > placed[:, 1])
    )
    return not hits.any()


def place_map_labels(ax: Axes, specs: list[LabelSpec], *, crs: str) -> list[np.ndarray]:
    """Draw the labels of ``specs`` (most important group first; within a group, the roomiest unit first)
    on ``ax``, whose data are in ``crs`` (frames without a CRS are taken as already in it) and whose
    limits must be final. Returns the display-pixel boxes
    ``[x0, y0, x1, y1]`` of the labels drawn (none of them overlap each other, the map furniture, or the
    frame's outside)."""
    ax.apply_aspect()
    renderer = _renderer(ax)
    frame = ax.get_window_extent()
    furniture = [*ax.artists, *(p for p in ax.patches if p.get_gid() == FURNITURE_GID)]
    placed = np.array([a.get_window_extent(renderer).extents for a in furniture]).reshape(-1, 4)
    n_furniture = len(placed)
    px_per_m = abs((ax.transData.transform((1, 0)) - ax.transData.transform((0, 0)))[0])
    halo = [patheffects.Stroke(linewidth=2.2, foreground="white")]
    skipped = 0
    for spec in specs:
        if spec.gdf is None or spec.gdf.empty:
            continue
        labels = label_points(spec.gdf, metric_crs=crs)
        labels = labels.to_crs(crs) if labels.crs is not None else labels
        labels = labels[labels["name"].str.len() > 0].sort_values(
            "diameter_m", ascending=False, kind="stable"
        )
        prop = FontProperties(family=FONT_FAMILY, size=spec.fontsize, weight=spec.weight, style=spec.style)
        pad = spec.fontsize * ax.figure.dpi / 72 * 0.2
        screen = ax.transData.transform(np.column_stack([labels.geometry.x, labels.geometry.y]))
        for (x, y), name, diameter in zip(screen, labels["name"], labels["diameter_m"], strict=True):
            w, h, _ = renderer.get_text_width_height_descent(name, prop, ismath=False)
            if not spec.points and w > ROOM_FACTOR * diameter * px_per_m:
                skipped += 1
                continue
            gap = 3 * pad
            if spec.points:
                tries = [(x + gap + w / 2, y, "left"), (x - gap - w / 2, y, "right")]
            else:
                tries = [(x, y, "center"), (x, y + h + pad, "center"), (x, y - h - pad, "center")]
            for cx, cy, ha in tries:
                box = np.array([cx - w / 2 - pad, cy - h / 2 - pad, cx + w / 2 + pad, cy + h / 2 + pad])
                inside = (
                    box[0] >= frame.x0 and box[1] >= frame.y0 and box[2] <= frame.x1 and box[3] <= frame.y1
                )
                if inside and _clear(box, placed):
                    placed = np.vstack([placed, box])
                    anchor = cx - w / 2 if ha == "left" else cx + w / 2 if ha == "right" else cx
                    at = ax.transData.inverted().transform((anchor, cy))
                    for effects in (halo, None):  # a white halo as paths, then the text (searchable in PDFs)
                        ax.text(
                            *at, name, fontproperties=prop, ha=ha, va="center", color=spec.colour,
                            path_effects=effects, zorder=5, clip_on=True, gid=LABEL_GID,
                        )  # fmt: skip
                    break
            else:
                skipped += 1
    log.debug("placed %d labels, left out %d", len(placed) - n_furniture, skipped)
    return list(placed[n_furniture:])
