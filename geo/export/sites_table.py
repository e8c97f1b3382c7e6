"""The table "Danh mục vị trí trạm BTS đề xuất" (suggested BTS sites) as rows, for every writer of it.

One implementation of what the annex of suggested sites says — title, subtitle, column headers, one
numbered row per suggested site, and the notes listing the villages still uncovered — read by the XLSX
sheet (:mod:`geo.export.annex_sites`), the Word table (:mod:`geo.export.annex_sites_docx`) and the
print map's numbers (:mod:`geo.export.sites_map`). Row number ``k`` (1-based) is the ``k``-th row of
:attr:`geo.scenarios.suggest.Suggestion.sites`. Vietnamese by default, English with ``lang="en"``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import geopandas as gpd
import pandas as pd
import shapely

from geo.export.text import date_text

__all__ = ["SITES_SHEET_TITLE", "SITES_HEADERS", "SitesTable", "sites_table", "KIND_WORDS"]

#: The table's title as plan documents write it.
SITES_SHEET_TITLE = "Danh mục vị trí trạm BTS đề xuất"
_TITLE_EN = "List of suggested BTS sites"
_HEADERS = {
    "vi": ["STT", "Mã trạm", "Loại vị trí", "Nhà mạng", "Công nghệ", "Kinh độ", "Vĩ độ",
           "Bán kính phủ (m)", "Thôn được phủ sóng thêm", "Số hộ"],
    "en": ["No.", "Site id", "Kind of location", "Operator", "Technology", "Longitude", "Latitude",
           "Served radius (m)", "Villages newly covered", "Households"],
}  # fmt: skip
#: The Vietnamese column headers (the plan documents' words).
SITES_HEADERS = _HEADERS["vi"]
#: Words for the kinds of candidate location, by language.
KIND_WORDS = {
    "vi": {"towers": "Dùng chung trạm có sẵn", "public_places": "Đất công", "grid": "Điểm lưới (khảo sát)"},
    "en": {
        "towers": "Share an existing tower",
        "public_places": "Public land",
        "grid": "Grid point (survey)",
    },
}


@dataclass
class SitesTable:
    """The table's texts and cells: ``rows`` hold numbers as numbers (longitude/latitude WGS84 degrees,
    6 decimals; radius m and households rounded), so each writer formats them its own way."""

    title: str
    subtitle: str
    headers: list[str]
    rows: pd.DataFrame
    notes: list[str] = field(default_factory=list)
    #: Columns holding long text (wrapped, left-aligned), by position.
    text_columns: tuple[int, ...] = (2, 8)


def _names(frame: pd.DataFrame | None) -> str:
    return "; ".join(map(str, frame["name"])) if frame is not None and len(frame) else ""


def sites_table(
    sites: gpd.GeoDataFrame,
    uncoverable: pd.DataFrame,
    *,
    territory: str,
    made_on: date,
    lang: str = "vi",
    left: pd.DataFrame | None = None,
) -> SitesTable:
    """The table of ``sites`` (:attr:`Suggestion.sites`, EPSG:4326) for ``territory``: one row per site in
    order, then notes naming the villages no candidate can cover (``uncoverable``) and those a candidate
    reaches but the answer leaves (``left``: the number of sites or the minimum spacing)."""
    vi = lang == "vi"
    lon, lat = shapely.get_x(sites.geometry.values), shapely.get_y(sites.geometry.values)
    rows = pd.DataFrame(
        {
            "n": range(1, len(sites) + 1),
            "site_id": sites["site_id"].astype(str).to_numpy(),
            "kind": sites["kind"].map(KIND_WORDS["vi" if vi else "en"]).to_numpy(),
            "operators": sites["operators"].to_numpy(),
            "technologies": sites["technologies"].to_numpy(),
            "lon": lon.round(6),
            "lat": lat.round(6),
            "radius": sites["radius_m"].round(0).to_numpy(),
            "villages": sites["villages"].to_numpy(),
            "households": sites["households"].round(0).to_numpy(),
        }
    )
    notes = []
    zone = (
        uncoverable["kind"].eq("zone") if "kind" in uncoverable else pd.Series(False, index=uncoverable.index)
    )
    for part, words in (
        (uncoverable[~zone], ("Thôn không vị trí ứng viên nào phủ được", "Villages no candidate can cover")),
        (uncoverable[zone], ("Vùng lõm sóng đã xác minh không vị trí ứng viên nào phủ được",
                             "Verified weak-signal zones no candidate can cover")),
    ):  # fmt: skip
        if len(part):
            notes.append(f"{words[0] if vi else words[1]} ({len(part)}): {_names(part)}")
    if left is not None and len(left):
        words = (
            "Thôn chưa được phủ trong đề xuất này (giới hạn số trạm hoặc khoảng cách tối thiểu)"
            if vi
            else "Villages this answer leaves uncovered (the number of sites or the minimum spacing)"
        )
        notes.append(f"{words} ({len(left)}): {_names(left)}")
    if vi:
        title = f"{SITES_SHEET_TITLE.upper()} – {territory.upper()}"
        subtitle = f"(Đề xuất của công cụ bản đồ phủ sóng; lập ngày {date_text(made_on)})"
    else:
        title = f"{_TITLE_EN.upper()} – {territory}"
        subtitle = f"(Suggested by the coverage-map tool; made on {date_text(made_on, 'en')})"
    return SitesTable(title, subtitle, list(_HEADERS["vi" if vi else "en"]), rows, notes)
