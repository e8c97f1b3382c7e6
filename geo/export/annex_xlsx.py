"""The annex as an XLSX workbook (openpyxl): one sheet for the territory ("Toàn địa bàn"), then one per
commune, A4 landscape, fit to width, header rows repeated on every page, and a summary under each
table that counts the statuses with ``COUNTIF`` formulas. The tables come from
:func:`geo.export.annex.annex_tables`.
"""

from __future__ import annotations

import logging
import math
import re
from datetime import date
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from geo.compute.catalogue import INDICATORS
from geo.export.annex import ANNEX_FONT, AnnexRow, AnnexTable, header_cells
from geo.export.text import date_text, value_text
from geo.model import TERRITORY, Dataset
from geo.palette import STATUS_COLOURS, STATUS_TEXT_COLOURS, STATUS_TINTS, status_label
from geo.plans.cells import safe_text
from geo.plans.targets import Plan
from geo.vocab import Status

__all__ = ["write_xlsx"]

log = logging.getLogger(__name__)

_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="center")
_CENTRE = Alignment(wrap_text=True, vertical="center", horizontal="center")
_HEADER_ROWS = (5, 6)
_FIRST_BODY_ROW = 7


def _sheet_title(name: str, taken: set[str]) -> str:
    """An Excel sheet name: no []:*?/\\ characters, at most 31 characters, unique in the workbook."""
    base = re.sub(r"[\[\]:*?/\\]", " ", name).strip()[:31] or "Sheet"
    title, n = base, 1
    while title.lower() in taken:
        n += 1
        title = f"{base[: 31 - len(str(n)) - 3]} ({n})"
    taken.add(title.lower())
    return title


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
        ws.cell(r, 1, safe_text(text)).font = font
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
    end = _write_extra(ws, r + _SUMMARY_ROWS + 2, table, first_target, value_col)
    widths = [5, 52, 14, *([12] if table.baseline_year is not None else []),
              *([11] * len(table.target_years)), 12, 15, 45]  # fmt: skip
    for c, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(c)].width = width
    _fit_row_heights(ws, widths, last_row=end)
    ws.freeze_panes = ws.cell(_FIRST_BODY_ROW, 3)
    ws.print_title_rows = f"{top}:{sub}"
    ws.print_area = f"A1:{last}{end}"
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
    if value is not None and item.indicator in INDICATORS and INDICATORS[item.indicator].is_boolean:
        value = value_text(value, item.indicator)
    baseline = [item.baseline] if with_baseline else []
    status = status_label(item.status) if item.status else None
    return [number, item.label, item.unit, *baseline, *item.targets, value, status, item.note]


def _write_row(ws: Worksheet, r: int, item: AnnexRow, first_target: int, value_col: int) -> None:
    font = Font(name=ANNEX_FONT, size=11, bold=item.is_group)
    cells = _row_cells(item, first_target == 5)
    n_cols = value_col + 2
    for c in range(1, n_cols + 1):
        cell = ws.cell(r, c, safe_text(cells[c - 1]) if c <= len(cells) else None)
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


#: Rows :func:`_write_summary` fills below the table (counts, rate, blank, tint legend).
_SUMMARY_ROWS = len(STATUS_COLOURS) + 4


def _write_extra(ws: Worksheet, r: int, table: AnnexTable, first_target: int, value_col: int) -> int:
    """The white/grey-spot block (information, no target) from row ``r``, then the line saying which
    source and model decided coverage; return the last row written."""
    for item in table.spots:
        _write_row(ws, r, item, first_target, value_col)
        r += 1
    if table.footnote:
        ws.cell(r + 1, 2, safe_text(table.footnote)).font = Font(name=ANNEX_FONT, size=10, italic=True)
        r += 1
    return r


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


def write_xlsx(tables: list[AnnexTable], plan: Plan, dataset: Dataset, *, out: Path, made_on: date) -> Path:
    """Write ``tables`` (:func:`geo.export.annex.annex_tables`, the territory first) to ``out`` (.xlsx),
    one sheet each, and return ``out``; the workbook's dates are ``made_on``."""
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
