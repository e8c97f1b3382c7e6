"""The bundled national reference: Vietnam's 34 provinces (post-July-2025), for insets, a faint
province layer and the "is this file in the province it names" check.

The file is ``data/reference/vn_provinces_2025_simplified.geojson`` (EPSG:4326, simplified to about
300 m, MIT; see ``data/README.md``). It is read once per process (:func:`read_provinces` is cached)
and never changed by callers (they get the same frame: copy before editing).
"""

from __future__ import annotations

import re
from functools import lru_cache

import geopandas as gpd
import numpy as np
import shapely

from geo.errors import DataError, Problem
from geo.io.crs import PROVINCES_MERGED_2025
from geo.model import Dataset
from geo.names import fold_word
from geo.settings import ROOT, STORAGE_CRS, UNIT_LEVELS

__all__ = [
    "PROVINCES_FILE",
    "PROVINCE_MARGIN_M",
    "read_provinces",
    "province_key",
    "find_province",
    "check_province",
]

#: The bundled province outlines (34 features; properties code, name, fullName, nameEn, areaKm2).
PROVINCES_FILE = ROOT / "data" / "reference" / "vn_provinces_2025_simplified.geojson"
#: Share (0–1) of a dataset's unit points that may fall outside its province before the check reports it.
_OUTSIDE_SHARE = 0.2
#: How far (metres) beyond the province outline a unit's point may lie and still count as inside: the
#: outlines are simplified to ~300 m and planners' own boundaries differ near borders (the demo town
#: straddles Điện Biên's edge by up to 3 km); a file read in the wrong TM-3 zone moves at least
#: 15′ of longitude, about 26 km, so it is still caught.
PROVINCE_MARGIN_M = 10_000.0


@lru_cache(maxsize=1)
def read_provinces() -> gpd.GeoDataFrame:
    """Return the 34 provinces (columns ``code``, ``name``, ``fullName``, ``nameEn``, geometry; EPSG:4326).

    Cached: every call returns the same frame (treat it as read-only). Raises :class:`DataError`
    when the bundled file is missing (a broken checkout).
    """
    if not PROVINCES_FILE.exists():
        raise DataError(
            f"Thiếu tệp tham chiếu quốc gia {PROVINCES_FILE}. Khôi phục thư mục data/reference/ từ kho mã.",
            f"The national reference file {PROVINCES_FILE} is missing. "
            "Restore data/reference/ from the repository.",
        )
    gdf = gpd.read_file(PROVINCES_FILE)
    if gdf.crs is None or gdf.crs != STORAGE_CRS:
        gdf = gdf.set_crs(STORAGE_CRS, allow_override=True)
    gdf["code"] = gdf["code"].astype(str).str.zfill(2)
    return gdf[["code", "name", "fullName", "nameEn", "geometry"]]


def province_key(name: object) -> str:
    """Return a comparison key for a province name: no diacritics or tone-mark placement, đ→d,
    letters only, no "Tỉnh"/"Thành phố"/"TP" prefix ("Thanh Hóa" and "Tỉnh Thanh Hoá" are equal)."""
    text = fold_word(name)
    text = re.sub(r"^(tinh|thanhpho|tp)(?=[a-z])", "", text)
    return {"hcm": "hochiminh", "tphcm": "hochiminh", "thuathienhue": "hue"}.get(text, text)


def find_province(name: str) -> gpd.GeoDataFrame:
    """Return the province row(s) named ``name`` (a 2025 province, or a former one merged into it in
    2025, e.g. "Hà Giang" → Tuyên Quang); an empty frame when the name is unknown."""
    provinces = read_provinces()
    keys = provinces["name"].map(province_key)
    wanted = province_key(name)
    merged = {
        province_key(new) for new, old in PROVINCES_MERGED_2025.items() if wanted in map(province_key, old)
    }
    return provinces[keys.isin({wanted} | merged)]


def _unit_points(dataset: Dataset) -> tuple[str, np.ndarray] | None:
    """The commune layer (else the top unit layer) and its units' representative points (EPSG:4326)."""
    for level in ("communes", *UNIT_LEVELS):
        gdf = dataset.layer(level)
        if gdf is not None and len(gdf):
            return level, shapely.point_on_surface(gdf.geometry.to_numpy())
    return None


def check_province(dataset: Dataset, province: str | None, *, files: dict[str, str]) -> list[Problem]:
    """Check that the dataset's top unit layer lies in ``province`` (the manifest's ``province:``).

    Reads the units' representative points (EPSG:4326) against the bundled outlines. Returns one
    warning when the province name is unknown, one error when more than a fifth of the units lie
    outside it by more than :data:`PROVINCE_MARGIN_M` (naming the province they fall in: a VN-2000
    file read in the wrong TM-3 zone lands tens of km away), and nothing when they fit or the dataset has
    no units or no province.
    ``files`` maps a layer to its file name (for the message).
    """
    found = _unit_points(dataset)
    if not province or found is None:
        return []
    level, points = found
    file = files.get(level, "dataset.yaml")
    target = find_province(province)
    if target.empty:
        known = ", ".join(read_provinces()["name"])
        return [
            Problem(
                "warning",
                "dataset.yaml",
                f"Tỉnh '{province}' không có trong danh sách 34 tỉnh, thành phố (2025); "
                "không kiểm tra được vị trí.",
                f"Province '{province}' is not one of the 34 provinces (2025); "
                "the location cannot be checked.",
                fix_vi=f"Ghi 'province:' bằng một trong: {known}.",
                fix_en=f"Set 'province:' to one of: {known}.",
            )
        ]
    crs = dataset.settings.metric_crs
    area = shapely.union_all(target.to_crs(crs).geometry.to_numpy()).buffer(PROVINCE_MARGIN_M)
    metric = gpd.GeoSeries(points, crs=STORAGE_CRS).to_crs(crs).to_numpy()
    outside = ~shapely.contains_xy(area, shapely.get_x(metric), shapely.get_y(metric))
    if outside.mean() <= _OUTSIDE_SHARE:
        return []
    provinces = read_provinces()
    strays = gpd.GeoDataFrame(geometry=points[outside], crs=STORAGE_CRS)
    hits = gpd.sjoin(strays, provinces, predicate="within")
    elsewhere = hits["name"].value_counts()
    where_vi = f"phần lớn nằm ở {elsewhere.index[0]}" if len(elsewhere) else "nằm ngoài lãnh thổ Việt Nam"
    where_en = f"most lie in {elsewhere.index[0]}" if len(elsewhere) else "they lie outside Vietnam"
    n, total = int(outside.sum()), len(points)
    return [
        Problem(
            "error", file,
            f"{n}/{total} đơn vị lớp '{level}' nằm ngoài tỉnh {province} ghi trong dataset.yaml "
            f"({where_vi}). "
            "Tệp VN-2000 có thể đã được đọc sai múi chiếu (kinh tuyến trục).",
            f"{n}/{total} units of layer '{level}' lie outside {province}, the province dataset.yaml names "
            f"({where_en}). A VN-2000 file may have been read in the wrong zone (central meridian).",
            fix_vi=f"Trong dataset.yaml, ghi 'crs:' đúng múi VN-2000 của tệp {file} (ví dụ EPSG:9205 cho "
            "Điện Biên), hoặc sửa 'province:'.",
            fix_en=f"In dataset.yaml, set 'crs:' to the VN-2000 zone of {file} "
            "(e.g. EPSG:9205 for Điện Biên), or correct 'province:'.",
            layer=level,
        )
    ]  # fmt: skip
