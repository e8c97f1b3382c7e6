"""Coordinate reference systems of planners' files: decide, check, and transform to WGS 84.

Vietnamese files come in lon/lat (WGS 84 or VN-2000) or in VN-2000 projected metres: TM-3
with the province's central meridian (cadastral and commune maps) or UTM 48N/49N. This
module tells them apart by value ranges, picks the TM-3 zone from the province (the tables are in
:mod:`geo.io.crs_zones`), fixes swapped axes, and transforms to EPSG:4326 with the official
VN-2000 → WGS 84 parameters (EPSG transformation 6960) pinned everywhere: left alone, PROJ
uses transformation 5194 in part of the Mekong delta.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from pyproj import CRS, Transformer
from pyproj.crs import BoundCRS, CoordinateOperation
from pyproj.exceptions import CRSError

from geo.errors import DataError, Problem
from geo.io.crs_zones import (
    DEPRECATED_TM3,
    EASTING_RANGE,
    LIKELY_CODES_EN,
    LIKELY_CODES_VI,
    NORTHING_RANGE,
    PROVINCE_ALIASES,
    PROVINCES_MERGED_2025,
    TM3_EPSG_BY_MERIDIAN,
    TM3_MERIDIAN_BY_PROVINCE,
)
from geo.names import fold_word
from geo.settings import STORAGE_CRS, VIETNAM_BOUNDS

__all__ = [
    "TM3_EPSG_BY_MERIDIAN",
    "TM3_MERIDIAN_BY_PROVINCE",
    "PROVINCES_MERGED_2025",
    "VN2000_TO_WGS84",
    "CrsDecision",
    "check_crs_code",
    "decide_crs",
    "detect_point_crs",
    "is_vn2000",
    "tm3_crs_for_province",
    "to_wgs84",
]

log = logging.getLogger(__name__)

#: EPSG transformation VN-2000 → WGS 84 (2): the 7 parameters of QĐ 05/2007/QĐ-BTNMT.
VN2000_TO_WGS84 = 6960
_STORAGE = CRS.from_user_input(STORAGE_CRS)  # geometries already in it need no transformation


@dataclass(frozen=True)
class CrsDecision:
    """How the coordinates of a file without CRS are read.

    ``crs`` is a CRS string ("EPSG:4326", "EPSG:9210") or ``None`` when it cannot be decided (then
    ``problems`` holds the error saying what to add). ``how`` is the one-line reason shown by
    ``geo check``. ``swapped`` is true when the two coordinate columns must be exchanged before use.
    """

    crs: str | None
    how: str
    swapped: bool = False
    problems: list[Problem] = field(default_factory=list)


def _province_key(name: str) -> str:
    """Return a comparison key: no diacritics, đ→d, lower case, letters only, no "tỉnh"/"TP" prefix."""
    text = fold_word(name)
    text = re.sub(r"^(tinh|thanhpho|tp)(?=[a-z])", "", text)
    text = re.sub(r"(city|province)$", "", text)
    return PROVINCE_ALIASES.get(text, text)


_PROVINCE_BY_KEY = {_province_key(name): name for name in TM3_MERIDIAN_BY_PROVINCE}


def _canonical_province(province: str) -> str | None:
    return _PROVINCE_BY_KEY.get(_province_key(province))


def tm3_crs_for_province(province: str) -> str | None:
    """Return the VN-2000 TM-3 CRS ("EPSG:9210") of ``province``, or ``None`` if the name is unknown.

    Names are matched without regard to case, diacritics, tone-mark placement or a "Tỉnh"/"TP."
    prefix ("tp. Hai Phong", "Hoà Bình", "TP HCM"). A province merged in 2025 gets the meridian of the
    former province whose name it keeps.
    """
    name = _canonical_province(province)
    return None if name is None else TM3_EPSG_BY_MERIDIAN[TM3_MERIDIAN_BY_PROVINCE[name]]


def _meridian_text(meridian: float) -> str:
    return f"{int(meridian)}°{round((meridian % 1) * 60):02d}′"


def check_crs_code(crs: Any) -> None:
    """Raise :class:`DataError` when ``crs`` is unreadable or a deprecated VN-2000 code (6956–6959).

    Those four codes define northing before easting, so coordinates read with them land far away;
    the message names the code to use instead (5896–5899).
    """
    try:
        parsed = CRS.from_user_input(crs)
    except CRSError as exc:
        raise DataError(
            f"Hệ tọa độ {crs!r} không đọc được ({exc}).",
            f"CRS {crs!r} cannot be read ({exc}).",
        ) from exc
    code = parsed.to_epsg(min_confidence=100)
    if code in DEPRECATED_TM3:
        new = DEPRECATED_TM3[code]
        raise DataError(
            f"Mã EPSG:{code} đã bị EPSG hủy bỏ (trục Đông/Bắc bị đảo); hãy dùng {new} thay cho EPSG:{code}.",
            f"EPSG:{code} is deprecated (easting/northing swapped); use {new} instead of EPSG:{code}.",
        )


def is_vn2000(crs: Any) -> bool:
    """Return whether ``crs`` (any pyproj input) is based on the VN-2000 datum."""
    parsed = CRS.from_user_input(crs)
    if parsed.is_bound:
        parsed = parsed.source_crs
    geodetic = parsed.geodetic_crs
    if geodetic is None:
        return False
    if geodetic.to_epsg(min_confidence=90) == 4756:
        return True
    return re.sub(r"[^a-z0-9]", "", geodetic.datum.name.lower()) in {"vietnam2000", "dvietnam2000", "vn2000"}


@lru_cache(maxsize=64)
def _transformer(wkt: str) -> Transformer:
    source = CRS.from_wkt(wkt)
    if is_vn2000(source):
        base = source.source_crs if source.is_bound else source
        source = BoundCRS(
            source_crs=base,
            target_crs=CRS.from_epsg(4326),
            transformation=CoordinateOperation.from_epsg(VN2000_TO_WGS84),
        )
    return Transformer.from_crs(source, STORAGE_CRS, always_xy=True)


def _geometries_to_wgs84(geoms: np.ndarray, source: CRS) -> np.ndarray:
    """A new 2D geometry array in EPSG:4326 (geometries already there are only made 2D)."""
    if source == _STORAGE:
        return shapely.force_2d(geoms) if shapely.has_z(geoms).any() else geoms.copy()
    transformer = _transformer(source.to_wkt())

    def _xy(coords: np.ndarray) -> np.ndarray:
        return np.column_stack(transformer.transform(coords[:, 0], coords[:, 1]))

    return shapely.transform(geoms, _xy)


def to_wgs84(data: Any, crs: Any = None) -> Any:
    """Transform to EPSG:4326, pinning EPSG transformation 6960 for every VN-2000-based source CRS.

    ``data`` is a GeoDataFrame/GeoSeries (``crs`` defaults to its own CRS; the input is not changed;
    a new object in EPSG:4326 is returned, 2D) or a pair of arrays ``(x, y)`` in ``crs``, easting or
    longitude first (returns ``(lon, lat)`` float arrays). Raises :class:`DataError` without a CRS.
    """
    if isinstance(data, gpd.GeoDataFrame | gpd.GeoSeries):
        source = crs if crs is not None else data.crs
        if source is None:
            raise DataError("Lớp dữ liệu không có hệ tọa độ.", "The layer has no CRS.")
        check_crs_code(source)
        name = data.geometry.name if isinstance(data, gpd.GeoDataFrame) else data.name
        geometry = gpd.GeoSeries(
            _geometries_to_wgs84(np.asarray(data.geometry.array), CRS.from_user_input(source)),
            index=data.index,
            crs=STORAGE_CRS,
            name=name,
        )
        return data.set_geometry(geometry) if isinstance(data, gpd.GeoDataFrame) else geometry
    if crs is None:
        raise DataError("Thiếu hệ tọa độ của các tọa độ.", "The coordinates' CRS is missing.")
    check_crs_code(crs)
    x, y = (np.asarray(v, dtype=float) for v in data)
    lon, lat = _transformer(CRS.from_user_input(crs).to_wkt()).transform(x, y)
    return np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)


def _inside_vietnam(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    lon_min, lat_min, lon_max, lat_max = VIETNAM_BOUNDS
    return (lon >= lon_min) & (lon <= lon_max) & (lat >= lat_min) & (lat <= lat_max)


def _count_inside(crs: str, x: np.ndarray, y: np.ndarray) -> int:
    with np.errstate(invalid="ignore"):
        lon, lat = to_wgs84((x, y), crs)
    return int(np.count_nonzero(_inside_vietnam(lon, lat)))


def _is_geographic(crs: str) -> bool:
    return CRS.from_user_input(crs).is_geographic


def _warning(vi: str, en: str, fix_vi: str = "", fix_en: str = "", severity: str = "warning") -> Problem:
    return Problem(severity, "", vi, en, fix_vi, fix_en)


def _swap_check(crs: str, x: np.ndarray, y: np.ndarray) -> tuple[bool, list[Problem]]:
    """Return whether (y, x) puts more points inside Vietnam than (x, y) does, with the warning."""
    if _count_inside(crs, y, x) <= _count_inside(crs, x, y):
        return False, []
    if _is_geographic(crs):
        what_vi = "cột kinh độ chứa vĩ độ và cột vĩ độ chứa kinh độ (kinh độ ~102–117, vĩ độ ~8–23,5)"
        what_en = "the longitude column holds latitudes and the latitude column longitudes"
    else:
        what_vi = "X là tọa độ Bắc (northing) và Y là tọa độ Đông (easting), theo cách ghi của bảng trắc địa"
        what_en = "X holds northings and Y eastings, as Vietnamese survey tables write them"
    return True, [
        _warning(
            f"Hai cột tọa độ bị đảo: {what_vi}; đã đổi chỗ khi đọc.",
            f"The two coordinate columns are swapped: {what_en}; they were exchanged on reading.",
            "Không cần làm gì nếu vị trí trên bản đồ đúng; có thể khai báo đúng cột x:/y: trong "
            "dataset.yaml.",
            "Nothing to do if the map looks right; you may name the right x:/y: columns in dataset.yaml.",
        )
    ]


def _looks_like_degrees(x: np.ndarray, y: np.ndarray) -> bool:
    ok = np.isfinite(x) & np.isfinite(y)
    degrees = ok & (np.abs(x) <= 180) & (np.abs(y) <= 180) & ((np.abs(x) <= 90) | (np.abs(y) <= 90))
    return bool(np.count_nonzero(degrees) * 2 > np.count_nonzero(ok))


def _looks_like_metres(x: np.ndarray, y: np.ndarray) -> bool:
    def _within(v: np.ndarray, bounds: tuple[float, float]) -> np.ndarray:
        return (v >= bounds[0]) & (v <= bounds[1])

    east, north = EASTING_RANGE, NORTHING_RANGE
    metres = (_within(x, east) & _within(y, north)) | (_within(y, east) & _within(x, north))
    return bool(np.count_nonzero(metres) * 2 > np.count_nonzero(np.isfinite(x) & np.isfinite(y)))


def _zone_from_province(province: str | None, reason_vi: str, reason_en: str) -> CrsDecision:
    """Pick the TM-3 zone of ``province`` for metre coordinates, or return the error saying what to add."""
    name = _canonical_province(province) if province else None
    if name is None:
        unknown_vi = f"Tên tỉnh {province!r} không nhận ra được. " if province else ""
        unknown_en = f"Province {province!r} is not recognised. " if province else ""
        return CrsDecision(
            None,
            "không xác định / undecided",
            problems=[
                _warning(
                    f"Tọa độ tính bằng mét (VN-2000 TM-3 hoặc UTM?) nhưng {reason_vi}. {unknown_vi}"
                    "Không thể biết múi chiếu.",
                    f"Coordinates are in metres (VN-2000 TM-3 or UTM?) but {reason_en}. {unknown_en}"
                    "The zone cannot be known.",
                    f"Thêm `crs:` cho lớp này trong dataset.yaml, ví dụ {LIKELY_CODES_VI}; "
                    "hoặc thêm `province:` để chọn múi TM-3 của tỉnh.",
                    f"Add `crs:` for this layer to dataset.yaml, e.g. {LIKELY_CODES_EN}; "
                    "or add `province:` to pick the province's TM-3 zone.",
                    severity="error",
                )
            ],
        )
    meridian = TM3_MERIDIAN_BY_PROVINCE[name]
    crs = TM3_EPSG_BY_MERIDIAN[meridian]
    others = [
        (former, TM3_MERIDIAN_BY_PROVINCE[former])
        for former in PROVINCES_MERGED_2025.get(name, ())
        if TM3_MERIDIAN_BY_PROVINCE[former] != meridian
    ]
    also_vi = "".join(
        f" Từ 1/7/2025 {name} gồm cả {f} cũ (TM-3 {_meridian_text(m)}, {TM3_EPSG_BY_MERIDIAN[m]}): "
        f"nếu dữ liệu đến từ đó, khai báo crs: {TM3_EPSG_BY_MERIDIAN[m]}."
        for f, m in others
    )
    also_en = "".join(
        f" Since 1 July 2025 {name} includes former {f} (TM-3 {_meridian_text(m)}, "
        f"{TM3_EPSG_BY_MERIDIAN[m]}): if the data comes from there, set crs: {TM3_EPSG_BY_MERIDIAN[m]}."
        for f, m in others
    )
    how = f"VN-2000 TM-3 {_meridian_text(meridian)} ({crs}) from province {name}"
    return CrsDecision(
        crs,
        how,
        problems=[
            _warning(
                f"Tọa độ tính bằng mét, {reason_vi}: đã dùng VN-2000 TM-3 kinh tuyến trục "
                f"{_meridian_text(meridian)} của tỉnh {name} ({crs}).{also_vi}",
                f"Coordinates are in metres, {reason_en}: read as VN-2000 TM-3 with {name}'s central "
                f"meridian {_meridian_text(meridian)} ({crs}).{also_en}",
                "Nếu tọa độ theo UTM, khai báo crs: EPSG:3405 (múi 48) hoặc EPSG:3406 (múi 49) "
                "trong dataset.yaml.",
                "If the coordinates are UTM, set crs: EPSG:3405 (zone 48) or EPSG:3406 (zone 49) "
                "in dataset.yaml.",
            )
        ],
    )


def detect_point_crs(x: np.ndarray, y: np.ndarray, *, hint: str | None, province: str | None) -> CrsDecision:
    """Decide the CRS of coordinates that came without one, and whether the two columns are swapped.

    ``x``/``y`` are the file's first and second coordinate columns (floats, NaN for blanks); ``hint`` is the
    manifest's ``crs:``; ``province`` picks the VN-2000 TM-3 zone for metres. Values decide against a hint
    that cannot fit them (degrees under a projected hint are read as EPSG:4326, metres under a geographic
    hint as the province's TM-3 zone), with a warning. ``problems`` carry no file name (the reader adds it).
    Raises :class:`DataError` for a deprecated or unreadable hint.
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    degrees = _looks_like_degrees(x, y)
    problems: list[Problem] = []
    if hint:
        check_crs_code(hint)
        if _is_geographic(hint) == degrees:
            swapped, swap_problems = _swap_check(hint, x, y)
            return CrsDecision(hint, f"manifest crs: {hint}", swapped, swap_problems)
        problems.append(
            _warning(
                f"crs: {hint} trong dataset.yaml không khớp với giá trị tọa độ "
                f"({'độ' if degrees else 'mét'}); đã đọc theo giá trị.",
                f"crs: {hint} in dataset.yaml does not fit the coordinate values "
                f"({'degrees' if degrees else 'metres'}); they were read by their values.",
                "Sửa hoặc bỏ crs: của lớp này trong dataset.yaml.",
                "Correct or remove this layer's crs: in dataset.yaml.",
            )
        )
    if degrees:
        decision = CrsDecision(STORAGE_CRS, "guessed from value ranges: lon/lat (EPSG:4326)")
    elif _looks_like_metres(x, y):
        reason = (
            ("crs: không khớp", "crs: does not fit")
            if hint
            else ("tệp không có hệ tọa độ", "the file has no CRS")
        )
        decision = _zone_from_province(province, *reason)
    else:
        decision = CrsDecision(
            None,
            "không xác định / undecided",
            problems=[
                _warning(
                    "Tọa độ không phải kinh độ/vĩ độ, cũng không phải mét VN-2000 trong lãnh thổ Việt Nam.",
                    "Coordinates are neither lon/lat nor VN-2000 metres within Vietnam.",
                    f"Kiểm tra cột tọa độ (x:/y:) và thêm `crs:` vào dataset.yaml, ví dụ {LIKELY_CODES_VI}.",
                    "Check the coordinate columns (x:/y:) and add `crs:` to dataset.yaml, "
                    f"e.g. {LIKELY_CODES_EN}.",
                    severity="error",
                )
            ],
        )
    if decision.crs is None:
        return CrsDecision(None, decision.how, False, problems + decision.problems)
    swapped, swap_problems = _swap_check(decision.crs, x, y)
    return CrsDecision(decision.crs, decision.how, swapped, problems + decision.problems + swap_problems)


def decide_crs(
    x: np.ndarray, y: np.ndarray, *, file_crs: Any, hint: str | None, province: str | None
) -> CrsDecision:
    """Decide the CRS of a layer whose file may declare one (.prj, GeoPackage, GeoJSON ``crs``).

    The file's CRS is respected when the values fit it (a geographic CRS over values in metres is
    not: GeoJSON readers assume lon/lat); swapped axes are still detected. Without a usable file
    CRS this is :func:`detect_point_crs` with the manifest ``hint``. ``x``/``y`` are representative
    coordinates, one per feature. Raises :class:`DataError` for a deprecated code in the file.
    """
    if file_crs is None:
        return detect_point_crs(x, y, hint=hint, province=province)
    check_crs_code(file_crs)
    parsed = CRS.from_user_input(file_crs)
    code = parsed.to_epsg(min_confidence=90)
    name = f"EPSG:{code}" if code else parsed.to_wkt()
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    if parsed.is_geographic == _looks_like_degrees(x, y):
        swapped, problems = _swap_check(name, x, y)
        return CrsDecision(name, f"from file: {parsed.name}", swapped, problems)
    fallback = detect_point_crs(x, y, hint=hint, province=province)
    mismatch = _warning(
        f"Tệp khai báo hệ tọa độ {parsed.name} nhưng giá trị tọa độ không khớp; đã bỏ qua khai báo đó.",
        f"The file declares CRS {parsed.name} but the coordinate values do not fit it; it was ignored.",
        "Sửa tệp .prj/CRS của lớp, hoặc khai báo crs: đúng trong dataset.yaml.",
        "Correct the layer's .prj/CRS, or set the right crs: in dataset.yaml.",
    )
    return CrsDecision(fallback.crs, fallback.how, fallback.swapped, [mismatch, *fallback.problems])
