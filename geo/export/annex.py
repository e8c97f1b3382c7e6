"""The annex tables in the plans' own layout ("Phụ lục"): XLSX workbook, and a DOCX of the territory.

Columns follow the Mường Lay annex (seed 004) and add the status: ``TT | Các chỉ tiêu | Đơn vị
tính | Thực hiện năm <baseline> | Năm <each target year> | Hiện trạng <year> | Đánh giá | Ghi
chú``. Indicator rows are numbered and grouped under the catalogue's annex groups (I. Mạng viễn
thông băng rộng, II. ..., IV. ...). Each target cell is tinted by how that year's value stood
against that year's target; "Đánh giá" is the status for ``year``. One sheet covers the whole
territory, then one sheet per commune; a summary under each table counts the statuses with
``COUNTIF`` formulas. :func:`annex_tables` builds the tables once for both file formats.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from geo.compute.catalogue import GROUPS, INDICATORS
from geo.errors import GeoError
from geo.export.text import date_text, localise, value_text
from geo.model import TERRITORY, Dataset
from geo.palette import STATUS_COLOURS, STATUS_TEXT_COLOURS, STATUS_TINTS, status_label
from geo.plans.evaluate import evaluate, target_text
from geo.plans.targets import Plan, Target
from geo.vocab import Level, Status

__all__ = [
    "AnnexRow",
    "AnnexTable",
    "annex_years",
    "evaluate_years",
    "annex_tables",
    "header_cells",
    "export_annex",
]

log = logging.getLogger(__name__)

#: Font of the annex (Vietnamese administrative documents use Times New Roman).
ANNEX_FONT = "Times New Roman"
_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="center")
_CENTRE = Alignment(wrap_text=True, vertical="center", horizontal="center")
_HEADER_ROWS = (5, 6)
_FIRST_BODY_ROW = 7


@dataclass(frozen=True)
class AnnexRow:
    """One row of an annex: a group heading (``number`` "I", only ``label``) or a numbered indicator.

    ``targets`` holds the target text stated for each target year ("" when none), ``target_status``
    how that year's value stood against it (None without an evaluation); ``value`` and ``status``
    are for the annex year (status None when no target is in force then).
    """

    number: str
    label: str
    indicator: str = ""
    unit: str = ""
    baseline: float | str | None = None
    targets: tuple[str, ...] = ()
    target_status: tuple[str | None, ...] = ()
    value: float | None = None
    status: str | None = None
    note: str = ""

    @property
    def is_group(self) -> bool:
        """True for a group heading row (I, II, ...)."""
        return not self.indicator


@dataclass(frozen=True)
class AnnexTable:
    """The annex of one unit: title, columns (baseline year, target years, annex year) and rows."""

    uid: str
    name: str
    year: int
    baseline_year: int | None
    target_years: tuple[int, ...]
    year_headers: tuple[str, ...]
    rows: tuple[AnnexRow, ...]


def annex_years(plan: Plan) -> tuple[int | None, tuple[int, ...]]:
    """Return the plan's baseline year (the latest year with baselines, None without any) and its
    target years, ascending."""
    baselines = [t.year for t in plan.targets if t.kind == "baseline"]
    years = sorted({t.year for t in plan.targets if t.kind == "target"})
    return (max(baselines) if baselines else None), tuple(years)


def _default_year(plan: Plan, made_on: date) -> int:
    """The latest target year not after ``made_on``'s year, else the plan's first target year."""
    years = annex_years(plan)[1]
    if not years:
        raise GeoError(
            f"Kế hoạch {plan.id} không có chỉ tiêu nào (chỉ có số liệu thực hiện): không lập được phụ lục.",
            f"Plan {plan.id} has no targets (only baselines): no annex can be made.",
        )
    past = [y for y in years if y <= made_on.year]
    return past[-1] if past else years[0]


def evaluate_years(dataset: Dataset, plan: Plan, years: tuple[int, ...]) -> dict[int, pd.DataFrame]:
    """Return :func:`geo.plans.evaluate.evaluate` for each year at territory and commune level, concatenated
    per year (the computed indicators and hierarchy are built once)."""
    from geo.compute.hierarchy import build_hierarchy
    from geo.compute.indicators import compute_indicators

    hierarchy, computed = build_hierarchy(dataset), compute_indicators(dataset)
    levels = [TERRITORY] + ([Level.COMMUNE] if "communes" in dataset.layers else [])
    return {
        year: pd.concat(
            [
                evaluate(dataset, plan, year, level=lv, computed=computed, hierarchy=hierarchy)
                for lv in levels
            ],
            ignore_index=True,
        )
        for year in years
    }


def _stated(plan: Plan, indicator: str, year: int, kind: str) -> Target | None:
    return next(
        (t for t in plan.targets if t.indicator == indicator and t.year == year and t.kind == kind), None
    )


def _baseline_cell(target: Target | None) -> float | str | None:
    """A baseline as the annex writes it: a number when it is one, else its text ("> 50", "Có")."""
    if target is None:
        return None
    value = target.values[0]
    if target.comparator == "==" and not isinstance(value, bool):
        return float(value)
    return localise(target_text(target))


def _lookup(frame: pd.DataFrame | None, uid: str) -> dict[str, pd.Series]:
    if frame is None or frame.empty:
        return {}
    mine = frame[frame["uid"] == uid]
    return {row["indicator"]: row for _, row in mine.iterrows()}


def _table(plan: Plan, evaluations: Mapping[int, pd.DataFrame], uid: str, name: str, year: int) -> AnnexTable:
    baseline_year, years = annex_years(plan)
    now = _lookup(evaluations.get(year), uid)
    per_year = {y: _lookup(evaluations.get(y), uid) for y in years}
    ids = [i for i in INDICATORS if any(t.indicator == i for t in plan.targets)]
    rows: list[AnnexRow] = []
    for group, (group_vi, _) in GROUPS.items():
        mine = [i for i in ids if INDICATORS[i].group == group]
        if mine:
            rows.append(AnnexRow(group, group_vi))
        for ind in mine:
            stated = [_stated(plan, ind, y, "target") for y in years]
            here = now.get(ind)
            value = None if here is None or pd.isna(here["value"]) else float(here["value"])
            rows.append(
                AnnexRow(
                    number=str(sum(not r.is_group for r in rows) + 1),
                    label=INDICATORS[ind].label_vi,
                    indicator=ind,
                    unit=next((t.unit for t in plan.targets if t.indicator == ind), INDICATORS[ind].unit_vi),
                    baseline=_baseline_cell(_stated(plan, ind, baseline_year, "baseline"))
                    if baseline_year is not None and uid == TERRITORY
                    else None,
                    targets=tuple(localise(target_text(t)) if t else "" for t in stated),
                    target_status=tuple(
                        per_year[y][ind]["status"] if t and ind in per_year[y] else None
                        for y, t in zip(years, stated, strict=True)
                    ),
                    value=value,
                    status=None if here is None else str(here["status"]),
                    note=""
                    if here is None or pd.isna(here["closing_vi"])
                    else localise(str(here["closing_vi"])),
                )
            )
    headers = tuple(
        f"Định hướng đến năm {y}" if plan.period.orientation == y and y > plan.period.end else f"Năm {y}"
        for y in years
    )
    return AnnexTable(uid, name, year, baseline_year, years, headers, tuple(rows))


def annex_tables(
    dataset: Dataset, plan: Plan, evaluations: Mapping[int, pd.DataFrame], *, year: int
) -> list[AnnexTable]:
    """Return the annex of the territory, then of each commune in ``evaluations[year]`` (in its order).

    ``evaluations`` maps a year to :func:`geo.plans.evaluate.evaluate`'s rows (territory and commune
    levels together, see :func:`evaluate_years`); years missing from it leave their target cells
    untinted. Indicators are those the plan states a target or baseline for, in catalogue order.
    """
    frame = evaluations.get(year, pd.DataFrame(columns=["uid", "name", "level"]))
    communes = frame.loc[frame["level"] == Level.COMMUNE, ["uid", "name"]].drop_duplicates("uid")
    units = [(TERRITORY, dataset.name), *communes.itertuples(index=False, name=None)]
    return [_table(plan, evaluations, uid, name, year) for uid, name in units]


def _sheet_title(name: str, taken: set[str]) -> str:
    """An Excel sheet name: no []:*?/\\ characters, at most 31 characters, unique in the workbook."""
    base = re.sub(r"[\[\]:*?/\\]", " ", name).strip()[:31] or "Sheet"
    title, n = base, 1
    while title.lower() in taken:
        n += 1
        title = f"{base[: 31 - len(str(n)) - 3]} ({n})"
    taken.add(title.lower())
    return title


def header_cells(table: AnnexTable) -> list[str]:
    """Return the column headings of ``table`` (the second header row of the sheet)."""
    baseline = [f"Thực hiện năm {table.baseline_year}"] if table.baseline_year is not None else []
    return ["TT", "Các chỉ tiêu", "Đơn vị tính", *baseline, *table.year_headers,
            f"Hiện trạng {table.year}", "Đánh giá", "Ghi chú"]  # fmt: skip


def _fill(colour: str) -> PatternFill:
    return PatternFill("solid", start_color=colour.lstrip("#"), end_color=colour.lstrip("#"))


def _write_sheet(ws: Worksheet, table: AnnexTable, plan: Plan, dataset: Dataset, made_on: date) -> None:
    heads = header_cells(table)
    n_cols, first_target = len(heads), 4 + (table.baseline_year is not None)
    last = get_column_letter(n_cols)
    value_col, status_col = first_target + len(table.target_years), first_target + len(table.target_years) + 1
    where = "TOÀN ĐỊA BÀN " + table.name if table.uid == TERRITORY else table.name
    titles = [
        ("PHỤ LỤC", Font(name=ANNEX_FONT, size=13, bold=True)),
        (f"CÁC CHỈ TIÊU PHÁT TRIỂN HẠ TẦNG SỐ – {where.upper()} – HIỆN TRẠNG NĂM {table.year}",
         Font(name=ANNEX_FONT, size=12, bold=True)),
        (f"(Theo {plan.title}; số liệu: {dataset.name}; lập ngày {date_text(made_on)})",
         Font(name=ANNEX_FONT, size=11, italic=True)),
    ]  # fmt: skip
    if table.uid != TERRITORY and table.baseline_year is not None:
        note = (
            f"Cột “Thực hiện năm {table.baseline_year}” là số liệu của kế hoạch cho toàn địa bàn, "
            "không có riêng từng xã."
        )
        titles.append((note, Font(name=ANNEX_FONT, size=10, italic=True)))
    for r, (text, font) in enumerate(titles, start=1):
        ws.cell(r, 1, text).font = font
        ws.cell(r, 1).alignment = _CENTRE
        ws.merge_cells(f"A{r}:{last}{r}")
    top, sub = _HEADER_ROWS
    bold = Font(name=ANNEX_FONT, size=11, bold=True)
    for c, text in enumerate(heads, start=1):
        in_targets = first_target <= c < value_col
        ws.cell(sub if in_targets else top, c, text)
        if not in_targets:
            ws.merge_cells(start_row=top, start_column=c, end_row=sub, end_column=c)
    if table.target_years:
        ws.cell(top, first_target, "Mục tiêu cụ thể")
        ws.merge_cells(start_row=top, start_column=first_target, end_row=top, end_column=value_col - 1)
    for row in ws.iter_rows(min_row=top, max_row=sub, max_col=n_cols):
        for cell in row:
            cell.font, cell.alignment, cell.border = bold, _CENTRE, _BORDER
            cell.fill = _fill("#D9D9D9")
    r = _FIRST_BODY_ROW
    for item in table.rows:
        _write_row(ws, r, item, first_target, value_col)
        r += 1
    body = f"{get_column_letter(status_col)}{_FIRST_BODY_ROW}:{get_column_letter(status_col)}{r - 1}"
    _write_summary(ws, r + 1, body, status_col, table.year)
    widths = [5, 52, 14, *([12] if table.baseline_year is not None else []),
              *([11] * len(table.target_years)), 12, 15, 45]  # fmt: skip
    for c, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(c)].width = width
    _fit_row_heights(ws, widths, last_row=r - 1)
    ws.freeze_panes = ws.cell(_FIRST_BODY_ROW, 3)
    ws.print_title_rows = f"{top}:{sub}"
    ws.print_area = f"A1:{last}{r + 8}"
    setup = ws.page_setup
    setup.orientation, setup.paperSize = "landscape", ws.PAPERSIZE_A4
    setup.fitToWidth, setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.print_options.horizontalCentered = True


def _fit_row_heights(ws: Worksheet, widths: list[int], *, last_row: int) -> None:
    """Set each row's height to fit its wrapped text (Excel and LibreOffice do not grow set rows).

    A column ``width`` holds about ``width`` characters of 11-pt text per line; a title row
    merged across the sheet holds the sum of all widths.
    """
    total = sum(widths)
    for row in ws.iter_rows(min_row=1, max_row=last_row):
        lines = 1
        for cell in row:
            if not isinstance(cell.value, str) or cell.column > len(widths):
                continue
            merged = cell.row < _HEADER_ROWS[0]
            per_line = max(1, (total if merged else widths[cell.column - 1]) - 1)
            lines = max(lines, *(math.ceil(max(len(part), 1) / per_line) for part in cell.value.split("\n")))
        ws.row_dimensions[row[0].row].height = 15 * lines + 3


def _row_cells(item: AnnexRow, with_baseline: bool) -> list:
    """The cell values of one row: numbers stay numbers, yes/no values become "Có"/"Không"."""
    if item.is_group:
        return [item.number, item.label]
    number = int(item.number) if item.number.isdigit() else item.number
    value = item.value
    if value is not None and INDICATORS[item.indicator].is_boolean:
        value = value_text(value, item.indicator)
    baseline = [item.baseline] if with_baseline else []
    status = status_label(item.status) if item.status else None
    return [number, item.label, item.unit, *baseline, *item.targets, value, status, item.note]


def _write_row(ws: Worksheet, r: int, item: AnnexRow, first_target: int, value_col: int) -> None:
    font = Font(name=ANNEX_FONT, size=11, bold=item.is_group)
    cells = _row_cells(item, first_target == 5)
    n_cols = value_col + 2
    for c in range(1, n_cols + 1):
        cell = ws.cell(r, c, cells[c - 1] if c <= len(cells) else None)
        cell.font, cell.border = font, _BORDER
        cell.alignment = _WRAP if c in (2, n_cols) else _CENTRE
        if isinstance(cell.value, float):
            cell.number_format = "0.0"
        if item.is_group:
            cell.fill = _fill("#F2F2F2")
    if item.is_group:
        return
    for k, status in enumerate(item.target_status):
        if status in (Status.MET, Status.MISSED):
            ws.cell(r, first_target + k).fill = _fill(STATUS_TINTS[status])
    if item.status in STATUS_COLOURS:
        cell = ws.cell(r, value_col + 1)
        cell.fill = _fill(STATUS_COLOURS[item.status])
        colour = STATUS_TEXT_COLOURS[item.status].lstrip("#")
        cell.font = Font(name=ANNEX_FONT, size=11, bold=True, color=colour)


def _write_summary(ws: Worksheet, r: int, body: str, status_col: int, year: int) -> None:
    """Status counts under the table as formulas a planner can audit, and the tint legend."""
    col = get_column_letter(status_col)
    counts = [(f"Số chỉ tiêu được đánh giá năm {year}", f"=COUNTA({body})")] + [
        (f"Số chỉ tiêu {status_label(s).lower()}", f'=COUNTIF({body},"{status_label(s)}")')
        for s in STATUS_COLOURS
    ]
    counts.append(
        ("Tỷ lệ chỉ tiêu đạt (trên số chỉ tiêu có dữ liệu)",
         f'=IFERROR({col}{r + 1}/({col}{r + 1}+{col}{r + 2}),"")'),
    )  # fmt: skip
    font = Font(name=ANNEX_FONT, size=11)
    for k, (label, formula) in enumerate(counts):
        ws.cell(r + k, 2, label).font = Font(name=ANNEX_FONT, size=11, bold=k == 0)
        cell = ws.cell(r + k, status_col, formula)
        cell.font, cell.alignment, cell.border = font, _CENTRE, _BORDER
    ws.cell(r + len(counts) - 1, status_col).number_format = "0.0%"
    legend = (
        "Ô mục tiêu tô màu theo hiện trạng của năm đó: xanh = đạt mục tiêu năm đó, cam = chưa đạt; "
        "ô không tô: chưa có số liệu năm đó."
    )
    ws.cell(r + len(counts) + 1, 2, legend).font = Font(name=ANNEX_FONT, size=10, italic=True)


def export_annex(
    dataset: Dataset,
    plan: Plan,
    *,
    out: Path,
    evaluations: Mapping[int, pd.DataFrame] | None = None,
    year: int | None = None,
    made_on: date | None = None,
) -> Path:
    """Write the annex of ``plan`` for ``dataset`` to ``out`` and return ``out``.

    ``.xlsx``: one sheet for the territory ("Toàn địa bàn") then one per commune, A4 landscape,
    fit to width, header rows repeated on every page, summary formulas (COUNTIF) under each
    table. ``.docx``: the territory's table in a Word document (A4 landscape).
    ``evaluations`` maps each target year (and ``year``) to :func:`geo.plans.evaluate.evaluate`'s rows at
    territory and commune level; when None they are computed (:func:`evaluate_years`). ``year`` is
    the year whose values and statuses fill "Hiện trạng" and "Đánh giá" (default: the latest
    target year not after ``made_on``; ``made_on`` defaults to today). Text is Vietnamese.
    Raises :class:`GeoError` for another suffix or a plan without targets.
    """
    out = Path(out)
    if out.suffix.lower() not in (".xlsx", ".docx"):
        raise GeoError(
            f"Định dạng '{out.suffix}' không hỗ trợ cho phụ lục {out.name}: dùng .xlsx hoặc .docx.",
            f"Format '{out.suffix}' not supported for the annex {out.name}: use .xlsx or .docx.",
        )
    made_on = made_on or date.today()
    year = year or _default_year(plan, made_on)
    if evaluations is None:
        evaluations = evaluate_years(dataset, plan, tuple(sorted({*annex_years(plan)[1], year})))
    tables = annex_tables(dataset, plan, evaluations, year=year)
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.suffix.lower() == ".docx":
        from geo.export.annex_docx import write_docx

        return write_docx(tables[0], plan, dataset, out=out, made_on=made_on)
    wb = Workbook()
    wb.remove(wb.active)
    taken: set[str] = set()
    for table in tables:
        ws = wb.create_sheet(_sheet_title("Toàn địa bàn" if table.uid == TERRITORY else table.name, taken))
        _write_sheet(ws, table, plan, dataset, made_on)
    wb.properties.created = wb.properties.modified = pd.Timestamp(made_on).to_pydatetime()
    wb.properties.creator = "vn-coverage-map"
    wb.save(out)
    log.info("annex of %s (%d sheets) written to %s", plan.id, len(tables), out)
    return out
