"""The table "Danh mục vị trí trạm BTS đề xuất" as a Word document (python-docx), for the plan's annex.

Same rows as the XLSX sheet (:mod:`geo.export.annex_sites`; both read
:func:`geo.export.sites_table.sites_table`): A4 landscape, Times New Roman, the title and date above,
the header row shaded and repeated on every page, one numbered row per suggested site (numbers with a
decimal comma in Vietnamese), the villages still uncovered in paragraphs under the table.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import geopandas as gpd
import pandas as pd
from docx.shared import Mm

from geo.export.docx_parts import add_heading_lines, landscape_document, repeat_header, shade, write_cell
from geo.export.sites_table import sites_table
from geo.export.text import number_text

__all__ = ["write_sites_docx"]

#: Column widths (mm) of the ten columns, 267 mm in all (A4 landscape less the margins).
_WIDTHS_MM = [11, 26, 30, 22, 20, 22, 20, 18, 78, 20]
#: Decimals of the number columns (longitude, latitude, radius, households) by position.
_DECIMALS = {5: 6, 6: 6, 7: 0, 9: 0}


def _cell_text(value: object, column: int, lang: str) -> str:
    if column in _DECIMALS:
        return number_text(float(value), lang=lang, decimals=_DECIMALS[column])
    return "" if value is None or (isinstance(value, float) and value != value) else str(value)


def write_sites_docx(
    sites: gpd.GeoDataFrame,
    uncoverable: pd.DataFrame,
    *,
    territory: str,
    out: str | Path,
    made_on: date,
    lang: str = "vi",
    left: pd.DataFrame | None = None,
) -> Path:
    """Write the table of ``sites`` (EPSG:4326) to ``out`` (.docx) and return it; ``uncoverable`` and
    ``left`` are the villages noted under it (:func:`geo.export.sites_table.sites_table`)."""
    table = sites_table(sites, uncoverable, territory=territory, made_on=made_on, lang=lang, left=left)
    doc = landscape_document(made_on)
    add_heading_lines(doc, [(table.title, True, False), (table.subtitle, False, True)])
    grid = doc.add_table(rows=1, cols=len(table.headers))
    grid.style = "Table Grid"
    for cell, text in zip(grid.rows[0].cells, table.headers, strict=True):
        write_cell(cell, text, bold=True)
        shade(cell, "#D9D9D9")
    repeat_header(grid.rows[0])
    for values in table.rows.itertuples(index=False):  # one row per suggested site
        cells = grid.add_row().cells
        for k, value in enumerate(values):
            write_cell(cells[k], _cell_text(value, k, lang), centre=k not in table.text_columns)
    for row in grid.rows:
        for cell, width in zip(row.cells, _WIDTHS_MM, strict=True):
            cell.width = Mm(width)
    for note in table.notes:
        doc.add_paragraph(note)
    out = Path(out)
    doc.save(out)
    return out
