"""The annex sheet "Danh mục vị trí trạm BTS đề xuất" (XLSX): the suggested sites in the plan's layout.

One row per suggested site (:attr:`geo.scenarios.suggest.Suggestion.sites`): number, site id, kind of
location (sharing an existing tower, public land, grid point), operator, technology, longitude/latitude
(WGS84, degrees, 6 decimals), served radius (m), villages newly covered and their households; villages no
candidate can cover are listed below the table, never left out. Times New Roman, A4 landscape, header
repeated on every printed page.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from geo.export.annex import ANNEX_FONT
from geo.export.text import date_text

__all__ = ["SITES_SHEET_TITLE", "SITES_TAB", "SITES_HEADERS", "write_sites_xlsx"]

#: The sheet's title as plan documents write it, and its tab (Excel allows 31 characters).
SITES_SHEET_TITLE = "Danh mục vị trí trạm BTS đề xuất"
SITES_TAB = "Vị trí trạm BTS đề xuất"
SITES_HEADERS = [
    "STT",
    "Mã trạm",
    "Loại vị trí",
    "Nhà mạng",
    "Công nghệ",
    "Kinh độ",
    "Vĩ độ",
    "Bán kính phủ (m)",
    "Thôn được phủ sóng thêm",
    "Số hộ",
]
_KIND_VI = {"towers": "Dùng chung trạm có sẵn", "public_places": "Đất công", "grid": "Điểm lưới (khảo sát)"}
_WIDTHS = [5, 16, 22, 12, 10, 12, 12, 12, 50, 9]
_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="center")
_CENTRE = Alignment(wrap_text=True, vertical="center", horizontal="center")
_FIRST_BODY_ROW = 4


def write_sites_xlsx(
    sites: gpd.GeoDataFrame, uncoverable: pd.DataFrame, *, territory: str, out: str | Path, made_on: date
) -> Path:
    """Write the sheet to ``out`` (.xlsx) and return it; ``sites`` in EPSG:4326."""
    wb = Workbook()
    ws = wb.active
    ws.title = SITES_TAB
    last = get_column_letter(len(SITES_HEADERS))
    titles = [
        (SITES_SHEET_TITLE.upper() + f" – {territory.upper()}", Font(name=ANNEX_FONT, size=12, bold=True)),
        (
            f"(Đề xuất của công cụ bản đồ phủ sóng; lập ngày {date_text(made_on)})",
            Font(name=ANNEX_FONT, italic=True),
        ),
    ]
    for r, (text, font) in enumerate(titles, start=1):
        ws.cell(r, 1, text).font, ws.cell(r, 1).alignment = font, _CENTRE
        ws.merge_cells(f"A{r}:{last}{r}")
    for c, text in enumerate(SITES_HEADERS, start=1):
        cell = ws.cell(3, c, text)
        cell.font, cell.alignment, cell.border = Font(name=ANNEX_FONT, bold=True), _CENTRE, _BORDER
        cell.fill = PatternFill("solid", fgColor="D9D9D9")
    lon, lat = shapely.get_x(sites.geometry.values), shapely.get_y(sites.geometry.values)
    body = pd.DataFrame(
        {
            "n": range(1, len(sites) + 1),
            "site_id": sites["site_id"].astype(str).to_numpy(),
            "kind": sites["kind"].map(_KIND_VI).to_numpy(),
            "operators": sites["operators"].to_numpy(),
            "technologies": sites["technologies"].to_numpy(),
            "lon": lon.round(6),
            "lat": lat.round(6),
            "radius": sites["radius_m"].round(0).to_numpy(),
            "villages": sites["villages"].to_numpy(),
            "households": sites["households"].round(0).to_numpy(),
        }
    )
    font = Font(name=ANNEX_FONT)
    for r, values in enumerate(body.itertuples(index=False), start=_FIRST_BODY_ROW):  # one row per site
        for c, value in enumerate(values, start=1):
            cell = ws.cell(r, c, value.item() if hasattr(value, "item") else value)
            cell.font, cell.border = font, _BORDER
            cell.alignment = _WRAP if c in (3, 9) else _CENTRE
    r = _FIRST_BODY_ROW + len(body) + 1
    if len(uncoverable):
        names = "; ".join(map(str, uncoverable["name"]))
        ws.cell(r, 1, f"Thôn không vị trí ứng viên nào phủ được ({len(uncoverable)}): {names}").font = font
        ws.merge_cells(f"A{r}:{last}{r}")
        ws.cell(r, 1).alignment = _WRAP
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
