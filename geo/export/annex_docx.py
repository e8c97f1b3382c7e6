"""The territory's annex table as a Word document (python-docx), for pasting into a report.

Same columns and rows as the XLSX sheet (:mod:`geo.export.annex_xlsx`; both read the model of
:mod:`geo.export.annex`): A4 landscape, Times New Roman, the header row repeated on every page,
group rows spanning the table, the "Đánh giá" cells shaded in the status colours of :mod:`geo.palette`.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from docx.shared import Mm

from geo.export.annex import AnnexTable, header_cells
from geo.export.docx_parts import add_heading_lines, landscape_document, repeat_header, shade, write_cell
from geo.export.text import date_text, number_text, value_text
from geo.model import Dataset
from geo.palette import STATUS_COLOURS, STATUS_TEXT_COLOURS, STATUS_TINTS, status_label
from geo.plans.targets import Plan
from geo.vocab import Status

__all__ = ["write_docx"]

#: Column widths in millimetres: TT, label, unit, then each figure column, then the note.
_WIDTHS_MM = {"tt": 10, "label": 80, "unit": 22, "figure": 19, "note": 55}


def _figure(value: float | str | None, indicator: str) -> str:
    if isinstance(value, str):
        return value
    return "" if value is None else value_text(value, indicator) if indicator else number_text(value)


def write_docx(table: AnnexTable, plan: Plan, dataset: Dataset, *, out: Path, made_on: date) -> Path:
    """Write ``table`` (the territory's annex from :func:`geo.export.annex.annex_tables`) to ``out``
    (.docx) and return ``out``. Numbers use a decimal comma; the document's dates are ``made_on``."""
    doc = landscape_document(made_on)
    heads = [
        ("PHỤ LỤC", True, False),
        (f"CÁC CHỈ TIÊU PHÁT TRIỂN HẠ TẦNG SỐ – TOÀN ĐỊA BÀN {table.name.upper()} – "
         f"HIỆN TRẠNG NĂM {table.year}", True, False),
        (f"(Theo {plan.title}; số liệu: {dataset.name}; lập ngày {date_text(made_on)})", False, True),
    ]  # fmt: skip
    add_heading_lines(doc, heads)
    columns = header_cells(table)
    grid = doc.add_table(rows=1, cols=len(columns))
    grid.style = "Table Grid"
    widths = [_WIDTHS_MM["tt"], _WIDTHS_MM["label"], _WIDTHS_MM["unit"]]
    widths += [_WIDTHS_MM["figure"]] * (len(columns) - 4) + [_WIDTHS_MM["note"]]
    for cell, text in zip(grid.rows[0].cells, columns, strict=True):
        write_cell(cell, text, bold=True)
        shade(cell, "#D9D9D9")
    repeat_header(grid.rows[0])
    first_target = 3 + (table.baseline_year is not None)
    for item in (*table.rows, *table.spots):  # spots: information without a target, last
        cells = grid.add_row().cells
        if item.is_group:
            write_cell(cells[0], item.number, bold=True)
            merged = cells[1].merge(cells[-1])
            write_cell(merged, item.label, bold=True, centre=False)
            for cell in (cells[0], merged):
                shade(cell, "#F2F2F2")
            continue
        figures = [_figure(item.baseline, "")] if table.baseline_year is not None else []
        figures += [*item.targets, _figure(item.value, item.indicator)]
        texts = [item.number, item.label, item.unit, *figures]
        for k, text in enumerate(texts):
            write_cell(cells[k], text, centre=k != 1)
        for k, status in enumerate(item.target_status):
            if status in (Status.MET, Status.MISSED):
                shade(cells[first_target + k], STATUS_TINTS[status])
        if item.status:
            status_cell = cells[len(texts)]
            write_cell(
                status_cell, status_label(item.status), bold=True, colour=STATUS_TEXT_COLOURS[item.status]
            )
            shade(status_cell, STATUS_COLOURS[item.status])
        write_cell(cells[-1], item.note, centre=False)
    for row in grid.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = Mm(width)
    if table.footnote:
        doc.add_paragraph().add_run(table.footnote).italic = True
    out = Path(out)
    doc.save(out)
    return out
