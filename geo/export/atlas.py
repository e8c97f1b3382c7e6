"""The commune atlas: one multi-page A4 PDF for the plan's territory.

Pages: a cover (title, territory, plan, year, date, contents), the overview map (communes by
status), then per commune its map (villages by status of the chosen indicator) with a table of
its indicators against the plan's targets, and a last page listing the weak-signal zones. Maps
and texts share :mod:`geo.export.draw`, :mod:`geo.export.map` and :mod:`geo.palette` with the
single-sheet maps, so a colour means the same on every page.
"""

from __future__ import annotations

import logging
import textwrap
from collections.abc import Mapping
from datetime import UTC, date, datetime
from pathlib import Path

import geopandas as gpd
import matplotlib
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure

from geo.compute.catalogue import INDICATORS
from geo.compute.source_text import sources_footnote
from geo.errors import GeoError
from geo.export.draw import draw_map, legend_handles, status_units
from geo.export.fonts import PRINT_RC, print_font
from geo.export.map import DEFAULT_LAYERS, legend_title, map_figure, paper_inches
from geo.export.text import date_text, localise, source_line, value_text
from geo.model import Dataset
from geo.palette import STATUS_COLOURS, STATUS_TEXT_COLOURS, status_label
from geo.plans.assessment import Assessment
from geo.plans.targets import Plan
from geo.vocab import Level
from geo.zones.record import zone_status_label

__all__ = ["MAIN_INDICATORS", "table_height_pt", "draw_table", "export_atlas"]

log = logging.getLogger(__name__)

#: Indicators an atlas maps when none is chosen, first present wins (the plans' headline ones).
MAIN_INDICATORS = ("village_mobile_bb_coverage", "village_ftth_coverage", "household_mobile_bb_coverage")
_NO_ZONES = "Chưa có vùng lõm sóng nào được ghi nhận."


def _pick_indicator(evaluation: pd.DataFrame, indicator: str | None) -> str:
    present = list(dict.fromkeys(evaluation["indicator"]))
    if indicator is not None:
        return indicator
    choice = next((i for i in MAIN_INDICATORS if i in present), present[0] if present else None)
    if choice is None:
        raise GeoError(
            "Bảng đánh giá cấp xã trống: kế hoạch không có chỉ tiêu cho năm này.",
            "The commune-level evaluation is empty: the plan has no target for this year.",
        )
    return choice


def _page(size: tuple[float, float]) -> Figure:
    return Figure(figsize=size)


def _footer(fig: Figure, text: str, page: int) -> None:
    fig.text(0.05, 0.02, text, fontsize=6.5, ha="left", va="bottom")
    fig.text(0.95, 0.02, str(page), fontsize=8, ha="right", va="bottom")


def _cover(size, dataset: Dataset, plan: Plan, year: int, indicator: str, contents: list[str], made_on: date):
    fig = _page(size)
    lines = [
        (0.80, "TẬP BẢN ĐỒ HIỆN TRẠNG HẠ TẦNG SỐ", 20, "bold"),
        (0.73, dataset.name, 16, "bold"),
        (0.66, textwrap.fill(f"Kế hoạch: {plan.title}", 70), 11, "normal"),
        (0.585, f"Năm đánh giá: {year}", 12, "normal"),
        (0.55, textwrap.fill(f"Chỉ tiêu trên bản đồ: {INDICATORS[indicator].label_vi}", 70), 10, "normal"),
        (0.49, f"Lập ngày {date_text(made_on)}", 10, "normal"),
    ]  # fmt: skip
    for y, text, size_pt, weight in lines:
        fig.text(0.5, y, text, ha="center", va="top", fontsize=size_pt, fontweight=weight)
    fig.text(0.15, 0.42, "Mục lục", fontsize=11, fontweight="bold", va="top")
    fig.text(0.15, 0.395, "\n".join(contents), fontsize=9, va="top", linespacing=1.5)
    return fig


def _wrap(texts: list[str], width: int) -> list[str]:
    return [textwrap.fill(str(t), width) if t else "" for t in texts]


_LINE = 1.25  # line height in font sizes
_ROW_PAD_PT = 2.5  # padding of a table row, points


def _lines(rows: list[list[str]]) -> np.ndarray:
    return np.array([max(str(c).count("\n") + 1 for c in row) for row in rows], dtype=float)


def table_height_pt(rows: list[list[str]], fontsize: float) -> float:
    """Return the height in points a table of ``rows`` (header included) takes at ``fontsize``."""
    return float(_lines(rows).sum() * fontsize * _LINE + len(rows) * _ROW_PAD_PT)


def draw_table(
    ax: Axes, header: list[str], rows: list[list[str]], *, widths: list[float],
    fills: dict[tuple[int, int], tuple[str, str]] | None = None, fontsize: float = 7.0,
) -> float:  # fmt: skip
    """Draw a table filling ``ax`` from the top: wrapped text grows its row; ``fills`` maps (row, col)
    of a body cell to (background, text colour). The font shrinks (to 5 pt) until the table fits;
    returns the font size used."""
    ax.set_axis_off()
    all_rows = [header, *rows]
    lines = _lines(all_rows)
    height_pt = ax.get_position().height * ax.figure.get_size_inches()[1] * 72
    while fontsize > 5 and table_height_pt(all_rows, fontsize) > height_pt:
        fontsize -= 0.25
    table = ax.table(
        cellText=rows or None, colLabels=header, colWidths=widths, loc="upper center", cellLoc="left"
    )
    table.auto_set_font_size(False)
    table.set_fontsize(fontsize)
    for (r, c), cell in table.get_celld().items():
        cell.set_height((lines[r] * fontsize * _LINE + _ROW_PAD_PT) / height_pt)
        cell.set_linewidth(0.4)
        cell.PAD = 0.03
        if r == 0:
            cell.set_facecolor("#D9D9D9")
            cell.get_text().set_fontweight("bold")
        elif fills and (r - 1, c) in fills:
            background, text = fills[(r - 1, c)]
            cell.set_facecolor(background)
            cell.get_text().set_color(text)
            cell.get_text().set_fontweight("bold")
    return fontsize


def _commune_page(
    size, assessment, evaluations, commune: pd.Series, indicator, year, layers, weak_zones, footer
):
    """One commune: its villages' map (at least 35 % of the page) over the table of its indicators."""
    fig = _page(size)
    uid, name = commune["uid"], commune["name"]
    rows = evaluations[Level.COMMUNE]
    rows = rows[rows["uid"] == uid]
    body = [
        [str(k + 1), *_wrap([r["label_vi"]], 72), r["unit"], value_text(r["value"], r["indicator"]),
         localise(str(r["target_text"])), status_label(r["status"])]
        for k, (_, r) in enumerate(rows.iterrows())
    ]  # fmt: skip
    header = ["TT", "Chỉ tiêu", "Đơn vị", "Hiện trạng", f"Mục tiêu {year}", "Đánh giá"]
    page_pt = size[1] * 72
    table_top = min(0.05 + table_height_pt([header, *body], 6.5) / page_pt, 0.47)
    map_bottom = table_top + 0.06
    label = INDICATORS[indicator].label_vi
    fig.text(0.5, 0.965, name, ha="center", va="top", fontsize=15, fontweight="bold")
    fig.text(0.5, 0.93, textwrap.fill(f"{label} – năm {year}", 95), ha="center", va="top", fontsize=9)
    villages = evaluations.get(Level.VILLAGE)
    source = (
        villages
        if villages is not None and villages["parent_uid"].isin([uid]).any()
        else evaluations[Level.COMMUNE]
    )
    units = status_units(assessment, source, indicator=indicator, unit=uid)
    ax = fig.add_axes((0.06, map_bottom, 0.88, 0.905 - map_bottom))
    key = draw_map(ax, assessment, units, layers=layers, weak_zones=weak_zones, fontsize=6)
    fig.legend(
        handles=legend_handles(key), loc="upper left", bbox_to_anchor=(0.06, map_bottom - 0.004), ncol=3,
        frameon=False, fontsize=6.5, title=legend_title(units, indicator, year, "vi").replace("\n", " – "),
        title_fontsize=7, alignment="left",
    )  # fmt: skip
    fills = {(k, 5): (STATUS_COLOURS[s], STATUS_TEXT_COLOURS[s]) for k, s in enumerate(rows["status"])}
    table_ax = fig.add_axes((0.05, 0.045, 0.90, table_top - 0.045))
    draw_table(table_ax, header, body, widths=[0.04, 0.48, 0.13, 0.10, 0.11, 0.14], fills=fills, fontsize=6.5)
    footer(fig)
    return fig


def _zones_page(size, weak_zones: gpd.GeoDataFrame | None, dataset: Dataset, footer):
    fig = _page(size)
    fig.text(0.5, 0.965, "Danh sách vùng lõm sóng", ha="center", va="top", fontsize=15, fontweight="bold")
    if weak_zones is None or weak_zones.empty:
        fig.text(0.5, 0.85, _NO_ZONES, ha="center", va="top", fontsize=11)
        footer(fig)
        return fig
    zones = weak_zones.reset_index(drop=True)
    communes = dataset.layer("communes")
    where = pd.Series("", index=zones.index)
    if communes is not None:
        points = gpd.GeoDataFrame(geometry=zones.geometry.representative_point(), crs=zones.crs).to_crs(
            communes.crs
        )
        hit = gpd.sjoin(points, communes[["name", "geometry"]], predicate="within", how="left")
        where = hit.groupby(level=0)["name"].first().fillna("")

    def column(name: str) -> list[str]:
        return zones[name].fillna("").astype(str).tolist() if name in zones else [""] * len(zones)

    statuses = [zone_status_label(s) for s in column("status")]
    body = [
        [str(k + 1), *_wrap([n], 30), *_wrap([w], 20), t, s, *_wrap([note], 40)]
        for k, (n, w, t, s, note) in enumerate(
            zip(column("name"), where.tolist(), column("technology"), statuses, column("note"), strict=True)
        )
    ]
    header = ["TT", "Tên vùng", "Xã", "Công nghệ", "Trạng thái", "Ghi chú"]
    ax = fig.add_axes((0.05, 0.08, 0.90, 0.84))
    draw_table(ax, header, body, widths=[0.05, 0.26, 0.17, 0.11, 0.13, 0.28], fontsize=8)
    footer(fig)
    return fig


def export_atlas(
    dataset: Dataset | Assessment,
    evaluations: Mapping[str, pd.DataFrame],
    *,
    plan: Plan,
    year: int,
    out: Path,
    indicator: str | None = None,
    weak_zones: gpd.GeoDataFrame | None = None,
    layers: tuple[str, ...] = DEFAULT_LAYERS,
    made_on: date | None = None,
) -> Path:
    """Write the commune atlas (A4 portrait PDF, Vietnamese) to ``out`` and return ``out``.

    ``evaluations`` maps a level to :func:`geo.plans.evaluate.evaluate`'s table for ``plan`` and
    ``year``: ``"commune"`` is required (overview map and each commune's indicator table),
    ``"village"`` is optional (each commune's map shows its villages; without it, the commune
    alone). ``indicator`` is the one mapped (default: the first of :data:`MAIN_INDICATORS` the
    evaluation has). ``weak_zones`` (EPSG:4326 GeoDataFrame with name, technology, status, note)
    fills the last page and, with "weak_zones" in ``layers``, the maps. ``made_on`` (default
    today) is printed and stored as the PDF's dates. Raises :class:`GeoError` when the commune
    evaluation is missing or empty.
    """
    if Level.COMMUNE not in evaluations:
        raise GeoError(
            "Tập bản đồ cần bảng đánh giá cấp xã (evaluations['commune']).",
            "The atlas needs the commune-level evaluation (evaluations['commune']).",
        )
    assessment = Assessment.of(dataset)
    dataset = assessment.dataset
    print_font()
    made_on = made_on or date.today()
    communes_ev = evaluations[Level.COMMUNE]
    indicator = _pick_indicator(communes_ev, indicator)
    communes = communes_ev[["uid", "name"]].drop_duplicates("uid")
    size = paper_inches("A4", "portrait")
    contents = ["Trang 2: Bản đồ tổng quan"]
    contents += [f"Trang {k + 3}: {name}" for k, name in enumerate(communes["name"])]
    contents.append(f"Trang {len(communes) + 3}: Danh sách vùng lõm sóng")
    source = source_line(dataset.name, plan, made_on)
    if dataset.layer("bts_sites") is not None and assessment.hierarchy.base_layer is not None:
        source += "\n" + sources_footnote(assessment.village_coverage, dataset, lang="vi")
    stamp = datetime(made_on.year, made_on.month, made_on.day, tzinfo=UTC)
    metadata = {"Title": f"Tập bản đồ hạ tầng số – {dataset.name}", "CreationDate": stamp, "ModDate": stamp}
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with matplotlib.rc_context(PRINT_RC), PdfPages(out, metadata=metadata) as pdf:
        page = 1

        def footer(fig: Figure) -> None:
            _footer(fig, source, page)

        pdf.savefig(_cover(size, dataset, plan, year, indicator, contents, made_on))
        page += 1
        overview = map_figure(
            assessment, communes_ev, plan=plan, year=year, indicator=indicator, orientation="portrait",
            layers=layers, weak_zones=weak_zones, made_on=made_on,
        )  # fmt: skip
        overview.text(0.95, 0.02, str(page), fontsize=8, ha="right", va="bottom")
        pdf.savefig(overview)
        for _, commune in communes.iterrows():
            page += 1
            pdf.savefig(
                _commune_page(
                    size, assessment, evaluations, commune, indicator, year, layers, weak_zones, footer
                )
            )
        page += 1
        pdf.savefig(_zones_page(size, weak_zones, dataset, footer))
    log.info("atlas of %s (%d pages) written to %s", dataset.name, page, out)
    return out
