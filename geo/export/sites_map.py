"""The print map of the suggested BTS sites (A4/A3 landscape, PNG, PDF or SVG), beside the annex table.

One sheet: the title and a line of figures (sites, villages and households newly covered); the
villages filled by what the suggestion does to them — newly covered by a suggested site, still
uncovered (no candidate reaches them, or the answer leaves them), already covered — the existing BTS
sites, each suggested site as a numbered star (the number is its row "STT" in
:func:`geo.export.sites_table.sites_table`) with its served radius dashed, the dataset's roads, rivers
and places, names that do not collide, a scale bar, a north arrow, the legend, the national inset and
the source line. Drawn in the dataset's metric CRS; text in DejaVu Sans (Vietnamese diacritics), fonts
embedded in PDFs (:mod:`geo.export.fonts`). The same inputs and ``made_on`` give the same file.
"""

from __future__ import annotations

import textwrap
from datetime import date
from pathlib import Path

import geopandas as gpd
import matplotlib
import numpy as np
import shapely
from matplotlib import patheffects
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from geo.export.draw import add_north_arrow, add_scale_bar, fit_extent
from geo.export.fonts import PRINT_RC, print_font
from geo.export.labels import LabelSpec, place_map_labels
from geo.export.map import paper_inches, save_figure
from geo.export.reference import draw_national_inset, draw_reference, reference_handles
from geo.export.text import TOOL_NAME, date_text, number_text
from geo.model import TERRITORY
from geo.palette import BOUNDARY, LAYER_STYLES, STATUS_COLOURS
from geo.plans.assessment import Assessment
from geo.vocab import Status

__all__ = ["SUGGESTED_STYLE", "VILLAGE_STATES", "village_states", "sites_map_figure", "export_sites_map"]

#: The suggested sites' marker: a star unlike the existing sites' triangles, in a colour no fill uses.
SUGGESTED_STYLE = {"color": "#5B2A86", "marker": "*", "size": 11, "radius_dash": (0, (4, 2))}
#: Fill of the villages per state, and the legend words (vi, en).
VILLAGE_STATES = {
    "new": (STATUS_COLOURS[Status.MET], "Thôn được phủ sóng thêm nhờ trạm đề xuất", "Village newly covered"),
    "uncovered": (STATUS_COLOURS[Status.MISSED], "Thôn vẫn chưa được phủ sóng", "Village still uncovered"),
    "covered": ("#EDEDED", "Thôn đã có sóng 4G", "Village already covered"),
}
_BOXES = {
    "map": (0.03, 0.075, 0.68, 0.765),
    "legend": (0.73, 0.40, 0.25, 0.44),
    "inset": (0.76, 0.09, 0.2, 0.27),
}


def village_states(assessment: Assessment, sites: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The deepest-layer units (EPSG:4326: uid, name, geometry) with ``state``: ``"new"`` for those a
    suggested site newly covers (``sites["village_uids"]``), ``"uncovered"`` for the other uncovered ones,
    ``"covered"`` for the rest (:attr:`Assessment.village_coverage`)."""
    coverage = assessment.village_coverage
    base = assessment.hierarchy.base_layer
    units = assessment.dataset.layers[base][["uid", "name", "geometry"]]
    covered = units["uid"].map(coverage.set_index("uid")["covered"]).fillna(False).astype(bool).to_numpy()
    new = {uid for text in sites["village_uids"] for uid in str(text).split(";") if uid}
    state = np.where(units["uid"].isin(new), "new", np.where(covered, "covered", "uncovered"))
    return units.assign(state=state)


def _words(lang: str, vi: str, en: str) -> str:
    return vi if lang == "vi" else en


def _draw_sites(ax, sites: gpd.GeoDataFrame, crs: str) -> None:
    """Stars numbered 1… in row order, with their served radius (m) as a dashed circle."""
    style = SUGGESTED_STYLE
    metric = sites.to_crs(crs)
    x, y = metric.geometry.x.to_numpy(), metric.geometry.y.to_numpy()
    circles = shapely.buffer(
        shapely.points(x, y), np.nan_to_num(sites["radius_m"].to_numpy(float)), quad_segs=64
    )
    gpd.GeoSeries(shapely.boundary(circles), crs=crs).plot(
        ax=ax, color=style["color"], linewidth=0.7, linestyle=style["radius_dash"], zorder=4
    )
    size = style["size"] * min(1.0, float(np.sqrt(60 / max(len(sites), 1)))) + 3
    ax.scatter(x, y, marker=style["marker"], s=size**2, color=style["color"], edgecolors="white",
               linewidths=0.6, zorder=6)  # fmt: skip
    halo = [patheffects.withStroke(linewidth=2, foreground="white")]
    for k, (px, py) in enumerate(zip(x, y, strict=True), start=1):  # one number per suggested site
        ax.annotate(str(k), (px, py), xytext=(4, 4), textcoords="offset points", fontsize=7,
                    fontweight="bold", color=style["color"], path_effects=halo, zorder=7)  # fmt: skip


def _legend(fig: Figure, counts: dict[str, int], reference: list[str], existing: bool, lang: str) -> None:
    style = SUGGESTED_STYLE
    handles = [
        Line2D([], [], linestyle="none", marker=style["marker"], markersize=style["size"],
               color=style["color"], label=_words(lang, "Trạm BTS đề xuất (số = STT trong danh mục)",
                            "Suggested BTS site (number = row of the list)")),
        Line2D([], [], color=style["color"], linestyle=style["radius_dash"], linewidth=0.9,
               label=_words(lang, "Bán kính phủ sóng của trạm đề xuất", "Served radius of a suggested site")),
    ]  # fmt: skip
    if existing:
        own = LAYER_STYLES["bts_single"]
        handles.append(
            Line2D([], [], linestyle="none", marker=own["marker"], markersize=own["size"],
                   markerfacecolor="none", markeredgecolor=own["color"],
                   label=_words(lang, "Trạm BTS hiện có", "Existing BTS site"))
        )  # fmt: skip
    for state, (colour, vi, en) in VILLAGE_STATES.items():
        handles.append(
            Patch(facecolor=colour, edgecolor=BOUNDARY["color"], linewidth=0.5,
                  label=f"{_words(lang, vi, en)} ({counts.get(state, 0)})")
        )  # fmt: skip
    ax = fig.add_axes(_BOXES["legend"])
    ax.set_axis_off()
    legend = ax.legend(
        handles=handles + reference_handles(reference, lang=lang), loc="upper left", frameon=False,
        fontsize=7.5, title=_words(lang, "Chú giải", "Legend"), title_fontsize=8.5, alignment="left",
    )  # fmt: skip
    legend.get_title().set_fontweight("bold")


def sites_map_figure(
    dataset,
    sites: gpd.GeoDataFrame,
    *,
    paper: str = "A4",
    lang: str = "vi",
    made_on: date | None = None,
) -> Figure:
    """The sheet of :func:`export_sites_map` as a matplotlib ``Figure`` (not attached to pyplot)."""
    assessment = Assessment.of(dataset)
    dataset = assessment.dataset
    print_font()
    made_on = made_on or date.today()
    width, height = paper_inches(paper, "landscape")
    crs = dataset.settings.metric_crs
    villages = village_states(assessment, sites).to_crs(crs)
    fig = Figure(figsize=(width, height))
    ax = fig.add_axes(_BOXES["map"])
    linewidth = 0.3 if len(villages) > 300 else 0.6
    for state, (colour, _, _) in VILLAGE_STATES.items():
        part = villages[villages["state"] == state]
        if len(part):
            part.plot(ax=ax, facecolor=colour, edgecolor=BOUNDARY["color"], linewidth=linewidth, zorder=1)
    area = shapely.union_all(villages.geometry.to_numpy())
    reference = draw_reference(ax, dataset, area, crs)
    existing = dataset.layer("bts_sites")
    if existing is not None and len(existing):
        own = LAYER_STYLES["bts_single"]
        pts = existing.to_crs(crs).geometry
        ax.scatter(pts.x, pts.y, marker=own["marker"], s=min(own["size"], 3 + 600 / len(pts)) ** 2,
                   facecolors="none", edgecolors=own["color"], linewidths=0.5, zorder=5)  # fmt: skip
    _draw_sites(ax, sites, crs)
    fit_extent(ax, area.bounds)
    ax.set(xticks=[], yticks=[], xlabel="", ylabel="")
    add_scale_bar(ax, lang=lang)
    add_north_arrow(ax, lang=lang)
    named = villages[villages["state"] != "covered"]
    specs = [LabelSpec(named, fontsize=6.5)]
    places = reference.pop("places_gdf", None)
    if places is not None:
        specs.append(LabelSpec(places, fontsize=5.8, style="italic", points=True, colour="#333333"))
    place_map_labels(ax, specs, crs=crs)
    counts = villages["state"].value_counts().to_dict()
    _legend(fig, counts, list(reference), existing is not None and len(existing) > 0, lang)
    draw_national_inset(fig.add_axes(_BOXES["inset"]), assessment.geometries(TERRITORY), lang=lang)
    chars = int(width * 72 * 0.92 / (0.64 * 13))
    title = _words(lang, "Vị trí trạm BTS đề xuất", "Suggested BTS sites") + f" – {dataset.name}"
    fig.text(0.5, 0.975, textwrap.fill(title, chars), ha="center", va="top", fontsize=13, fontweight="bold")
    households = number_text(float(np.nansum(sites["households"].to_numpy(float))), lang=lang, decimals=0)
    line = _words(
        lang,
        f"{len(sites)} trạm đề xuất phủ sóng thêm {counts.get('new', 0)} thôn, {households} hộ; "
        f"còn {counts.get('uncovered', 0)} thôn chưa được phủ",
        f"{len(sites)} suggested sites newly cover {counts.get('new', 0)} villages, {households} households; "
        f"{counts.get('uncovered', 0)} villages still uncovered",
    )
    fig.text(0.5, 0.975 - 13 * 1.3 / (height * 72) * (title.count("\n") + 1), line, ha="center", va="top",
             fontsize=9, color="#333333")  # fmt: skip
    source = _words(
        lang,
        f"Nguồn: {dataset.name}; đề xuất bởi {TOOL_NAME}. Lập ngày {date_text(made_on)}",
        f"Source: {dataset.name}; suggested by {TOOL_NAME}. Made on {date_text(made_on, 'en')}",
    )
    fig.text(_BOXES["map"][0], 0.018, source, ha="left", va="bottom", fontsize=7)
    return fig


def export_sites_map(
    dataset,
    sites: gpd.GeoDataFrame,
    *,
    out: str | Path,
    paper: str = "A4",
    dpi: int = 300,
    lang: str = "vi",
    made_on: date | None = None,
) -> Path:
    """Write the map of the suggested ``sites`` (:attr:`geo.scenarios.suggest.Suggestion.sites`,
    EPSG:4326) on ``dataset`` (a :class:`~geo.model.Dataset` or its :class:`Assessment`, whose village
    coverage is reused) to ``out`` (.png at ``dpi``, .pdf, .svg) and return it; ``paper`` "A4"/"A3"
    (landscape). Raises :class:`geo.errors.GeoError` for another paper or suffix."""
    with matplotlib.rc_context(PRINT_RC):
        fig = sites_map_figure(dataset, sites, paper=paper, lang=lang, made_on=made_on)
    return save_figure(
        fig,
        Path(out),
        dpi=dpi,
        made_on=made_on,
        title=_words(lang, "Vị trí trạm BTS đề xuất", "Suggested BTS sites"),
    )
