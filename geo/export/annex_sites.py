"""The annex sheet "Danh mục vị trí trạm BTS đề xuất" (XLSX): the suggested sites in the plan's layout.

The rows come from :func:`geo.export.sites_table.sites_table` (number, site id, kind of location,
operator, technology, longitude/latitude WGS84, served radius, villages newly covered and their
households; the villages still uncovered in notes below the table, never left out), shared with the Word
table (:mod:`geo.export.annex_sites_docx`). Times New Roman, A4 landscape, header repeated on every
printed page.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import geopandas as gpd
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from geo.export.annex import ANNEX_FONT
from geo.export.sites_table import sites_table

__all__ = ["SITES_TAB", "write_sites_xlsx"]

#: The sheet's tab (Excel allows 31 characters), by language.
SITES_TAB = "Vị trí trạm BTS đề xuất"
_TABS = {"vi": SITES_TAB, "en": "Suggested BTS sites"}
_WIDTHS = [5, 16, 22, 12, 10, 12, 12, 12, 50, 9]
_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="center")
_CENTRE = Alignment(wrap_text=True, vertical="center", horizontal="center")
_FIRST_BODY_ROW = 4


def write_sites_xlsx(
    sites: gpd.GeoDataFrame,
    uncoverable: pd.DataFrame,
    *,
    territory: str,
    out: str | Path,
    made_on: date,
    lang: str = "vi",
    left: pd.DataFrame | None = None,
) -> Path:
    """Write the sheet of ``sites`` (EPSG:4326) to ``out`` (.xlsx) and return it; ``uncoverable`` and
    ``left`` are the villages noted below the table (:func:`geo.export.sites_table.sites_table`)."""
    table = sites_table(sites, uncoverable, territory=territory, made_on=made_on, lang=lang, left=left)
    wb = Workbook()
    ws = wb.active
    ws.title = _TABS["vi" if lang == "vi" else "en"]
    last = get_column_letter(len(table.headers))
    titles = [
        (table.title, Font(name=ANNEX_FONT, size=12, bold=True)),
        (table.subtitle, Font(name=ANNEX_FONT, italic=True)),
    ]
    for r, (text, font) in enumerate(titles, start=1):
        ws.cell(r, 1, text).font, ws.cell(r, 1).alignment = font, _CENTRE
        ws.merge_cells(f"A{r}:{last}{r}")
    for c, text in enumerate(table.headers, start=1):
        cell = ws.cell(3, c, text)
        cell.font, cell.alignment, cell.border = Font(name=ANNEX_FONT, bold=True), _CENTRE, _BORDER
        cell.fill = PatternFill("solid", fgColor="D9D9D9")
    font = Font(name=ANNEX_FONT)
    for r, values in enumerate(table.rows.itertuples(index=False), start=_FIRST_BODY_ROW):  # one row per site
        for c, value in enumerate(values, start=1):
            cell = ws.cell(r, c, value.item() if hasattr(value, "item") else value)
            cell.font, cell.border = font, _BORDER
            cell.alignment = _WRAP if c - 1 in table.text_columns else _CENTRE
    for r, note in enumerate(table.notes, start=_FIRST_BODY_ROW + len(table.rows) + 1):
        ws.cell(r, 1, note).font, ws.cell(r, 1).alignment = font, _WRAP
        ws.merge_cells(f"A{r}:{last}{r}")
    for c, width in enumerate(_WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(c)].width = width
    ws.freeze_panes = ws.cell(_FIRST_BODY_ROW, 3)
    ws.print_title_rows = "3:3"
    setup = ws.page_setup
    setup.orientation, setup.paperSize = "landscape", ws.PAPERSIZE_A4
    setup.fitToWidth, setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    wb.properties.created = wb.properties.modified = pd.Timestamp(made_on).to_pydatetime()
    wb.properties.creator = "vn-coverage-map"
    wb.save(out)
    return Path(out)
