"""Print-ready status maps: one sheet (A4/A3, portrait/landscape) as PNG, PDF (vector) or SVG.

A sheet carries the title and subtitle (indicator, territory or unit, plan, year), the map of
units filled by status (:mod:`geo.export.draw`), a legend in the interactive map's colours, a
scale bar and a north arrow, an inset (the unit inside the territory, for unit maps; the
territory in Vietnam otherwise, from the bundled national reference), the source line with the
date it was made, and under it which source and model decided coverage. Text is in DejaVu Sans,
embedded in PDFs (:mod:`geo.export.fonts`). The same inputs and ``made_on`` give the same file.
"""

from __future__ import annotations

import logging
import textwrap
from datetime import UTC, date, datetime
from pathlib import Path

import geopandas as gpd
import matplotlib
import pandas as pd
from matplotlib.figure import Figure

from geo.compute.catalogue import INDICATORS
from geo.compute.source_text import sources_footnote
from geo.errors import GeoError
from geo.export.draw import MapKey, draw_map, legend_handles, status_units
from geo.export.fonts import PRINT_RC, print_font
from geo.export.reference import draw_national_inset
from geo.export.text import localise, source_line
from geo.model import TERRITORY, Dataset
from geo.palette import BOUNDARY, STATUS_COLOURS
from geo.plans.assessment import Assessment
from geo.plans.targets import Plan
from geo.vocab import Status

__all__ = [
    "PAPERS_MM",
    "FORMATS",
    "DEFAULT_LAYERS",
    "paper_inches",
    "map_figure",
    "save_figure",
    "export_map",
]

log = logging.getLogger(__name__)

#: Paper sizes in millimetres, landscape (width, height).
PAPERS_MM = {"A4": (297.0, 210.0), "A3": (420.0, 297.0)}
#: File formats :func:`export_map` writes, by suffix.
FORMATS = (".png", ".pdf", ".svg")
#: Overlays drawn when the caller names none (weak zones appear only when passed).
DEFAULT_LAYERS = ("bts", "weak_zones")

#: Axes boxes (left, bottom, width, height as figure fractions) per orientation.
_LAYOUT = {
    "landscape": {
        "map": (0.03, 0.075, 0.68, 0.765),
        "legend": (0.73, 0.40, 0.25, 0.44),
        "inset": (0.76, 0.09, 0.2, 0.27),
    },
    "portrait": {
        "map": (0.05, 0.22, 0.90, 0.66),
        "legend": (0.05, 0.035, 0.55, 0.175),
        "inset": (0.65, 0.05, 0.30, 0.15),
    },
}


def paper_inches(paper: str, orientation: str) -> tuple[float, float]:
    """Return the figure size (width, height) in inches of ``paper`` ("A4"/"A3") in ``orientation``
    ("landscape"/"portrait"); raise :class:`GeoError` for anything else."""
    if paper not in PAPERS_MM or orientation not in _LAYOUT:
        raise GeoError(
            f"Khổ giấy '{paper}' / hướng '{orientation}' không hỗ trợ: dùng A4 hoặc A3, "
            "landscape hoặc portrait.",
            f"Paper '{paper}' / orientation '{orientation}' not supported: use A4 or A3, "
            "landscape or portrait.",
        )
    width, height = PAPERS_MM[paper]
    if orientation == "portrait":
        width, height = height, width
    return width / 25.4, height / 25.4


def _place_name(dataset: Dataset, focus: gpd.GeoDataFrame | None) -> str:
    """The place a sheet shows: the unit's name with the territory's, or the territory's."""
    if focus is None or focus.empty:
        return dataset.name
    return f"{focus['name'].iloc[0]}, {dataset.name}"


def legend_title(units: gpd.GeoDataFrame, indicator: str, year: int, lang: str) -> str:
    """Return the legend's title: the year judged, then the target ("Mục tiêu: ≥ 100%")."""
    unit = INDICATORS[indicator].unit(lang)
    targets = units["target_text"].dropna()
    target = localise(str(targets.iloc[0]), lang) if len(targets) else "–"
    target += unit if unit == "%" else f" {unit}"
    if lang == "vi":
        return f"Đánh giá năm {year}\nMục tiêu: {target}"
    return f"Status in {year}\nTarget: {target}"


def _inset(fig: Figure, box: tuple[float, ...], assessment: Assessment, focus: gpd.GeoDataFrame | None,
           units: gpd.GeoDataFrame, lang: str) -> None:  # fmt: skip
    """Unit maps: ``focus`` (red) inside the territory outline. Territory maps: the national inset (the
    territory in red in its province, the 34 provinces with Hoàng Sa and Trường Sa)."""
    ax = fig.add_axes(box)
    if focus is not None:
        crs = assessment.settings.metric_crs
        whole = assessment.geometries(TERRITORY)
        whole.to_crs(crs).plot(ax=ax, facecolor="#F2F2F2", edgecolor=BOUNDARY["color"], linewidth=0.6)
        focus.to_crs(crs).plot(
            ax=ax, facecolor=STATUS_COLOURS[Status.MISSED], edgecolor="#000000", linewidth=0.6
        )
        ax.set_title("Vị trí trong địa bàn" if lang == "vi" else "Location in the territory", fontsize=7)
        ax.set(aspect="equal", xticks=[], yticks=[], xlabel="", ylabel="")
        return
    draw_national_inset(ax, assessment.geometries(TERRITORY), lang=lang)


def _legend(fig: Figure, box: tuple[float, ...], key: MapKey, title: str, lang: str) -> None:
    ax = fig.add_axes(box)
    ax.set_axis_off()
    legend = ax.legend(
        handles=legend_handles(key, lang=lang), loc="upper left", frameon=False, fontsize=7.5,
        title=title, title_fontsize=8.5, alignment="left", handlelength=2.2, handleheight=1.3,
    )  # fmt: skip
    legend.get_title().set_fontweight("bold")


def _find_unit(dataset: Dataset, unit: str) -> gpd.GeoDataFrame | None:
    """The unit whose uid is ``unit`` (uid, name, geometry; EPSG:4326) from any unit layer, or None."""
    for layer in dataset.unit_levels():
        gdf = dataset.layers[layer]
        found = gdf[gdf["uid"].isin([unit])]
        if len(found):
            return found[["uid", "name", "geometry"]]
    return None


def map_figure(
    dataset: Dataset | Assessment,
    evaluation: pd.DataFrame,
    *,
    plan: Plan,
    year: int,
    indicator: str,
    unit: str | None = None,
    paper: str = "A4",
    orientation: str = "landscape",
    layers: tuple[str, ...] = DEFAULT_LAYERS,
    weak_zones: gpd.GeoDataFrame | None = None,
    lang: str = "vi",
    made_on: date | None = None,
) -> Figure:
    """Return the map sheet as a matplotlib ``Figure`` (not attached to pyplot); see :func:`export_map`."""
    assessment = Assessment.of(dataset)
    dataset = assessment.dataset
    print_font()
    made_on = made_on or date.today()
    width, height = paper_inches(paper, orientation)
    layout = _LAYOUT[orientation]
    units = status_units(assessment, evaluation, indicator=indicator, unit=unit)
    focus = _find_unit(dataset, unit) if unit is not None else None
    outline = focus if focus is not None and units["uid"].ne(unit).all() else None
    fig = Figure(figsize=(width, height))
    ax = fig.add_axes(layout["map"])
    key = draw_map(ax, assessment, units, layers=layers, weak_zones=weak_zones, outline=outline, lang=lang)
    chars = int(width * 72 * 0.92 / (0.64 * 13))  # DejaVu Sans Bold: about 0.64 em per character
    label = INDICATORS[indicator].label(lang)
    title = textwrap.fill(f"{label} – {_place_name(dataset, focus)}", chars)
    fig.text(0.5, 0.975, title, ha="center", va="top", fontsize=13, fontweight="bold")
    plan_words = "Kế hoạch" if lang == "vi" else "Plan"
    subtitle = textwrap.fill(f"{plan_words}: {plan.title}", int(chars * 13 / 9 * 0.9))
    line = 13 * 1.3 / (height * 72)  # one title line, as a figure fraction
    fig.text(0.5, 0.97 - line * (title.count("\n") + 1), subtitle,
             ha="center", va="top", fontsize=9, color="#333333")  # fmt: skip
    _legend(fig, layout["legend"], key, legend_title(units, indicator, year, lang), lang)
    _inset(fig, layout["inset"], assessment, focus, units, lang)
    left = layout["map"][0]
    fig.text(
        left, 0.018, source_line(dataset.name, plan, made_on, lang=lang), ha="left", va="bottom", fontsize=7
    )
    _coverage_note(fig, assessment, left, lang)
    return fig


def _coverage_note(fig: Figure, assessment: Assessment, left: float, lang: str) -> None:
    """Under the source line: which source and model decided coverage
    (:func:`geo.compute.source_text.sources_footnote`), when the dataset has a coverage table."""
    if assessment.dataset.layer("bts_sites") is None or assessment.hierarchy.base_layer is None:
        return
    note = sources_footnote(assessment.village_coverage, assessment.dataset, lang=lang)
    if note:
        fig.text(left, 0.004, note, ha="left", va="bottom", fontsize=6.5, color="#333333")


def save_figure(
    fig: Figure, out: Path, *, dpi: int = 300, made_on: date | None = None, title: str = ""
) -> Path:
    """Write ``fig`` to ``out`` (.png at ``dpi``, .pdf with embedded fonts, .svg with text as paths).

    Metadata dates come from ``made_on`` (so the same inputs give the same file). Raises
    :class:`GeoError` for another suffix.
    """
    out = Path(out)
    suffix = out.suffix.lower()
    if suffix not in FORMATS:
        raise GeoError(
            f"Định dạng '{out.suffix}' không hỗ trợ cho {out.name}: dùng .png, .pdf hoặc .svg.",
            f"Format '{out.suffix}' not supported for {out.name}: use .png, .pdf or .svg.",
        )
    made_on = made_on or date.today()
    stamp = datetime(made_on.year, made_on.month, made_on.day, tzinfo=UTC)
    metadata = {
        ".png": {"Title": title},
        ".pdf": {"Title": title, "CreationDate": stamp, "ModDate": stamp},
        ".svg": {"Title": title, "Date": made_on.isoformat()},
    }[suffix]
    if suffix == ".png":  # whole pixels: A4 at 300 dpi is 3508 × 2480, not 3507 (matplotlib truncates)
        fig.set_size_inches([(round(side * dpi) + 0.5) / dpi for side in fig.get_size_inches()])
    out.parent.mkdir(parents=True, exist_ok=True)
    with matplotlib.rc_context(PRINT_RC):
        fig.savefig(out, dpi=dpi, metadata=metadata)
    log.info("wrote %s", out)
    return out


def export_map(
    dataset: Dataset | Assessment,
    evaluation: pd.DataFrame,
    *,
    plan: Plan,
    year: int,
    indicator: str,
    out: Path,
    unit: str | None = None,
    paper: str = "A4",
    orientation: str = "landscape",
    dpi: int = 300,
    layers: tuple[str, ...] = DEFAULT_LAYERS,
    weak_zones: gpd.GeoDataFrame | None = None,
    lang: str = "vi",
    made_on: date | None = None,
) -> Path:
    """Write a print-ready map of ``indicator``'s status to ``out`` (.png, .pdf or .svg) and return ``out``.

    ``dataset`` is the dataset or its :class:`~geo.plans.assessment.Assessment` (whose unit polygons and
    coverage areas are then reused). ``evaluation`` is :func:`geo.plans.evaluate.evaluate`'s table for
    ``plan`` and ``year`` (not recomputed); the map shows its finest level, or with ``unit`` (a commune
    uid) that unit's villages (pass a village-level evaluation). ``paper`` "A4"/"A3", ``orientation``
    "landscape"/"portrait"; ``dpi`` sets the PNG's pixels (A4 landscape at 300 dpi: 3508 × 2480).
    ``layers``: overlays among :data:`geo.export.draw.OVERLAYS` ("coverage_4g", "ftth", "wifi",
    "bts", "weak_zones" — the last from ``weak_zones``, a GeoDataFrame of the zone store).
    Units without an evaluation row are drawn as "no data" (hatched grey). ``made_on`` (default
    today) is printed and stored as the file's date. Raises :class:`GeoError` for an unknown
    indicator, unit, paper, layer or format.
    """
    with matplotlib.rc_context(PRINT_RC):
        fig = map_figure(
            dataset, evaluation, plan=plan, year=year, indicator=indicator, unit=unit, paper=paper,
            orientation=orientation, layers=layers, weak_zones=weak_zones, lang=lang, made_on=made_on,
        )  # fmt: skip
    return save_figure(fig, out, dpi=dpi, made_on=made_on, title=INDICATORS[indicator].label(lang))
