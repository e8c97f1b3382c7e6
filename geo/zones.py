"""Weak-signal zones ("vùng lõm sóng"): the record planners keep, and the checks it must pass.

A :class:`Zone` is one area (Polygon / MultiPolygon) or place (Point) in EPSG:4326 where service
is missing or weak, with who reported it, how bad it is, and where it stands in the cycle
reported → verified → operator_responded → resolved. :func:`validate_zones` turns attributes as
planners write them ("nặng", "Vinaphone", "đã xác minh") into canonical values, repairs
self-intersecting shapes, refuses what cannot be a zone and flags zones outside the territory,
tiny ones and duplicates of existing zones; :func:`check_transition` guards status changes.
Stores are in :mod:`geo.zones_store`; evidence and suggestions in :mod:`geo.zones_suggest`.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Iterable
from dataclasses import asdict, dataclass, fields

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from geo.errors import DataError, Problem
from geo.model import Dataset
from geo.settings import DEFAULT_METRIC_CRS, STORAGE_CRS, VIETNAM_BOUNDS
from geo.tables import column_key
from geo.validate import parse_flags, parse_numbers, parse_operators

__all__ = [
    "ZONE_TECHNOLOGIES",
    "SEVERITIES",
    "ZONE_STATUSES",
    "TRANSITIONS",
    "STATUS_LABELS",
    "SEVERITY_LABELS",
    "MIN_ZONE_AREA_M2",
    "DUPLICATE_IOU",
    "DUPLICATE_POINT_M",
    "ZONE_FIELDS",
    "EDITABLE_FIELDS",
    "Zone",
    "zones_frame",
    "frame_zones",
    "check_transition",
    "locate_units",
    "validate_zones",
]

log = logging.getLogger(__name__)

#: Services a zone may lack ("fixed" = fixed broadband / FTTH); several are joined with ";".
ZONE_TECHNOLOGIES = ("2G", "3G", "4G", "5G", "fixed")
#: Severity as stored; planners write nhẹ / vừa / nặng (or thấp / trung bình / cao).
SEVERITIES = ("low", "medium", "high")
#: The cycle of a zone, in order.
ZONE_STATUSES = ("reported", "verified", "operator_responded", "resolved")
#: Allowed status changes: forward (steps may be skipped), one step back to correct a mistake,
#: and reopening a resolved zone when the signal is weak again.
TRANSITIONS = {
    "reported": ("verified", "operator_responded", "resolved"),
    "verified": ("reported", "operator_responded", "resolved"),
    "operator_responded": ("verified", "resolved"),
    "resolved": ("operator_responded", "reported"),
}
#: Labels (Vietnamese, English) of statuses and severities, for tables and maps.
STATUS_LABELS = {
    "reported": ("Đã báo cáo", "Reported"),
    "verified": ("Đã xác minh", "Verified"),
    "operator_responded": ("Nhà mạng đã phản hồi", "Operator responded"),
    "resolved": ("Đã khắc phục", "Resolved"),
}
SEVERITY_LABELS = {"low": ("nhẹ", "low"), "medium": ("vừa", "medium"), "high": ("nặng", "high")}
#: Polygon zones smaller than this (m²) are flagged as a likely mis-click (a house plot is ~300 m²).
MIN_ZONE_AREA_M2 = 1000.0
#: A polygon whose intersection-over-union with another zone exceeds this is flagged as a duplicate.
DUPLICATE_IOU = 0.8
#: Point zones closer than this (metres) to another point zone are flagged as duplicates.
DUPLICATE_POINT_M = 30.0

#: Attribute columns of a zone, in store and export order (the geometry follows).
ZONE_FIELDS = (
    "zone_id",
    "name",
    "technology",
    "operators",
    "severity",
    "households",
    "reported_by",
    "note",
    "status",
    "village_uid",
    "commune_uid",
    "deleted",
    "created_at",
    "updated_at",
    "updated_by",
)
#: What :meth:`geo.zones_store.ZoneStore.update` may change (``deleted`` goes through delete/restore).
EDITABLE_FIELDS = (
    "name",
    "technology",
    "operators",
    "severity",
    "households",
    "reported_by",
    "note",
    "status",
    "village_uid",
    "commune_uid",
    "geometry",
)
_TEXT_FIELDS = (
    "name",
    "reported_by",
    "note",
    "village_uid",
    "commune_uid",
    "created_at",
    "updated_at",
    "updated_by",
)

_TECH_WORDS = {
    **{t.lower(): t for t in ZONE_TECHNOLOGIES[:4]},
    **dict.fromkeys(("gsm",), "2G"),
    **dict.fromkeys(("umts", "wcdma"), "3G"),
    **dict.fromkeys(("lte",), "4G"),
    **dict.fromkeys(("nr",), "5G"),
    **dict.fromkeys(("fixed", "codinh", "ftth", "capquang", "bangrongcodinh", "internetcodinh"), "fixed"),
}
_SEVERITY_WORDS = {
    **dict.fromkeys(("low", "nhe", "thap", "1"), "low"),
    **dict.fromkeys(("medium", "vua", "trungbinh", "2"), "medium"),
    **dict.fromkeys(("high", "nang", "cao", "3"), "high"),
}
_STATUS_WORDS = {
    **dict.fromkeys(("reported", "dabaocao", "baocao", "moi"), "reported"),
    **dict.fromkeys(("verified", "daxacminh", "xacminh"), "verified"),
    **dict.fromkeys(("operatorresponded", "nhamangdaphanhoi", "daphanhoi", "phanhoi"), "operator_responded"),
    **dict.fromkeys(("resolved", "dakhacphuc", "khacphuc", "daxuly"), "resolved"),
}
_SEPARATORS = re.compile(r"[,;/+&|]")
_POINT, _POLYGON, _MULTIPOLYGON = 0, 3, 6


@dataclass(frozen=True)
class Zone:
    """One weak-signal zone. ``geometry`` is a shapely Polygon, MultiPolygon or Point in EPSG:4326.

    Text fields are kept exactly as given (HTML included; escape them where they are displayed).
    ``technology`` and ``operators`` are ";"-joined canonical sets ("4G;5G", "Viettel;VNPT"; empty
    operators = not named); ``households`` is the number of affected households or None when unknown;
    timestamps are UTC ISO 8601 text ("2025-07-01T08:30:00.000Z"), set by the store.
    """

    name: str
    geometry: BaseGeometry
    technology: str = "4G"
    operators: str = ""
    severity: str = "medium"
    households: int | None = None
    reported_by: str = ""
    note: str = ""
    status: str = "reported"
    village_uid: str = ""
    commune_uid: str = ""
    deleted: bool = False
    zone_id: str = ""
    created_at: str = ""
    updated_at: str = ""
    updated_by: str = ""

    def record(self) -> dict:
        """Return the zone as a plain dict: :data:`ZONE_FIELDS` then ``geometry``."""
        values = asdict(self)
        return {**{f: values[f] for f in ZONE_FIELDS}, "geometry": self.geometry}

    @classmethod
    def from_record(cls, values: dict) -> Zone:
        """Build a zone from a dict or row with the field names (missing fields get their defaults)."""
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in dict(values).items() if k in names})


def zones_frame(zones: Iterable[Zone]) -> gpd.GeoDataFrame:
    """Return zones as a GeoDataFrame (EPSG:4326) with :data:`ZONE_FIELDS` and ``geometry``."""
    records = [z.record() for z in zones]
    df = pd.DataFrame(records, columns=[*ZONE_FIELDS, "geometry"])
    df["households"] = df["households"].astype("Int64")
    df["deleted"] = df["deleted"].astype(bool)
    return gpd.GeoDataFrame(df, geometry="geometry", crs=STORAGE_CRS)


def frame_zones(gdf: gpd.GeoDataFrame) -> list[Zone]:
    """Return the rows of a frame holding :data:`ZONE_FIELDS` and geometry as :class:`Zone` objects."""
    df = pd.DataFrame(gdf).astype(object).where(pd.notna(pd.DataFrame(gdf)), None)
    return [Zone.from_record(row) for row in df.to_dict("records")]


def check_transition(old: str, new: str, *, zone: str = "") -> None:
    """Raise :class:`DataError` unless a zone may go from status ``old`` to ``new`` (:data:`TRANSITIONS`)."""
    if new == old or new in TRANSITIONS.get(old, ()):
        return
    allowed_vi = ", ".join(STATUS_LABELS[s][0] for s in TRANSITIONS.get(old, ()))
    allowed_en = ", ".join(TRANSITIONS.get(old, ()))
    raise DataError(
        f"Vùng {zone}: không thể chuyển trạng thái từ '{STATUS_LABELS[old][0]}' sang "
        f"'{STATUS_LABELS.get(new, (new,))[0]}'; được phép: {allowed_vi}.",
        f"Zone {zone}: the status cannot go from '{old}' to '{new}'; allowed: {allowed_en}.",
    )


def _words(values: pd.Series, words: dict[str, str], default: str) -> tuple[pd.Series, pd.Series]:
    """Map free text through ``words`` (compared without case, diacritics or spaces); blanks → ``default``."""
    blank = values.isna() | (values.astype("string").str.strip() == "")
    mapped = (
        values.astype(object).map(lambda v: words.get(column_key(v)) if pd.notna(v) else None).astype(object)
    )
    bad = (mapped.isna() & ~blank).astype(bool)
    return mapped.where(~blank, default), bad


def _technologies(text: object) -> str | None:
    """ "4g, FTTH" → "4G;fixed"; None when any part is not a known technology."""
    found = {_TECH_WORDS.get(column_key(t)) for t in _SEPARATORS.split(str(text)) if column_key(t)}
    if not found or None in found:
        return None
    return ";".join(t for t in ZONE_TECHNOLOGIES if t in found)


_FIX = {
    "technology": (
        "Ghi 2G, 3G, 4G, 5G hoặc 'cố định', cách nhau dấu ;",
        "Write 2G, 3G, 4G, 5G or 'fixed', separated by ;",
    ),
    "operators": (
        "Ghi Viettel, VNPT, MobiFone, Vietnamobile; cách nhau dấu ;",
        "Write Viettel, VNPT, MobiFone, Vietnamobile; separated by ;",
    ),
    "severity": ("Ghi nhẹ, vừa hoặc nặng.", "Write low, medium or high (nhẹ, vừa, nặng)."),
    "status": (
        "Ghi: đã báo cáo, đã xác minh, nhà mạng đã phản hồi, đã khắc phục.",
        "Write reported, verified, operator_responded or resolved.",
    ),
    "households": (
        "Ghi số hộ là số nguyên không âm, ví dụ 35.",
        "Write the households as a whole number, e.g. 35.",
    ),
    "deleted": ("Ghi Có hoặc Không.", "Write Yes or No."),
    "zone_id": (
        "Xóa giá trị để tạo mã mới, hoặc ghi mã UUID.",
        "Clear the value to get a new id, or write a UUID.",
    ),
    "created_at": ("Ghi ngày giờ dạng 2025-07-01T08:30:00Z.", "Write the time as 2025-07-01T08:30:00Z."),
    "updated_at": ("Ghi ngày giờ dạng 2025-07-01T08:30:00Z.", "Write the time as 2025-07-01T08:30:00Z."),
    "name": (
        "Đặt tên cho vùng, ví dụ 'Bản Nà Luồng – khe suối'.",
        "Give the zone a name, e.g. 'Bản Nà Luồng – stream valley'.",
    ),
}


def _is_uuid(text: object) -> bool:
    try:
        uuid.UUID(str(text))
    except ValueError:
        return False
    return True


def _normalise(df: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, pd.Series]]:
    """Canonical attribute values for every :data:`ZONE_FIELDS` column, and a bad-value mask per field."""
    n = len(df)
    out, bad = pd.DataFrame(index=df.index), {}

    def column(name: str) -> pd.Series:
        return df[name] if name in df.columns else pd.Series([None] * n, index=df.index, dtype=object)

    for name in ("zone_id", *_TEXT_FIELDS):
        values = column(name)
        out[name] = values.astype(object).where(values.notna(), "").map(str)
    for name in ("created_at", "updated_at"):
        given = out[name] != ""
        times = pd.to_datetime(out[name].where(given), utc=True, errors="coerce", format="ISO8601")
        out[name] = times.dt.strftime("%Y-%m-%dT%H:%M:%S.%f").str[:-3].add("Z").where(times.notna(), "")
        bad[name] = given & times.isna()
    bad["zone_id"] = (out["zone_id"] != "") & ~out["zone_id"].map(_is_uuid)
    bad["name"] = out["name"].str.strip() == ""
    technology = column("technology")
    blank = technology.isna() | (technology.astype("string").str.strip() == "")
    parsed = technology.map(lambda v: None if pd.isna(v) else _technologies(v))
    out["technology"], bad["technology"] = parsed.where(~blank, "4G"), (parsed.isna() & ~blank).astype(bool)
    operators, bad["operators"] = parse_operators(column("operators"))
    out["operators"] = operators.astype(object).where(operators.notna(), "")
    out["severity"], bad["severity"] = _words(column("severity"), _SEVERITY_WORDS, "medium")
    out["status"], bad["status"] = _words(column("status"), _STATUS_WORDS, "reported")
    households, bad_number = parse_numbers(column("households"))
    fractional = households.notna() & ((households % 1 != 0) | (households < 0))
    out["households"] = households.where(~fractional).round().astype("Int64")
    bad["households"] = (bad_number | fractional).astype(bool)
    deleted, bad["deleted"] = parse_flags(column("deleted"))
    out["deleted"] = deleted.fillna(False).astype(bool)
    return out[list(ZONE_FIELDS)], bad


def _labels(gdf: pd.DataFrame) -> list[str]:
    """ "feature 3 'Bản Nà'" per row, numbered as in the file (``source_row``) or from 1."""
    rows = gdf["source_row"] if "source_row" in gdf.columns else pd.Series(np.arange(1, len(gdf) + 1))
    names = gdf["name"] if "name" in gdf.columns else pd.Series([""] * len(gdf))
    return [
        f"feature {int(r)}" + (f" '{n}'" if isinstance(n, str) and n else "")
        for r, n in zip(rows, names, strict=True)
    ]


def _problem(
    severity: str, file: str, feature: str, vi: str, en: str, fix: tuple[str, str] = ("", "")
) -> Problem:
    return Problem(severity, file, vi, en, fix[0], fix[1], layer="weak_zones", feature=feature)


def _metric(geoms: np.ndarray, crs: str) -> np.ndarray:
    return np.asarray(gpd.GeoSeries(geoms, crs=STORAGE_CRS).to_crs(crs).array, dtype=object)


def _polygonal(geoms: np.ndarray) -> np.ndarray:
    """Keep the polygons of each geometry (collections from make_valid): Polygon, MultiPolygon or empty."""
    parts, index = shapely.get_parts(geoms, return_index=True)
    parts, sub = shapely.get_parts(parts, return_index=True)
    index = index[sub]
    keep = (shapely.get_type_id(parts) == _POLYGON) & (shapely.area(parts) > 0)
    parts, index = parts[keep], index[keep]
    out = np.array([shapely.MultiPolygon()] * len(geoms), dtype=object)
    if len(parts):
        multi = shapely.multipolygons(parts, indices=index)
        out[: len(multi)] = multi
    single = np.bincount(index, minlength=len(geoms)) == 1
    out[single] = shapely.get_geometry(out[single], 0)
    return out


def _clean_geometries(
    geoms: np.ndarray, *, file: str, labels: list[str], metric_crs: str
) -> tuple[np.ndarray, np.ndarray, list[Problem]]:
    """Repair and check shapes; returns (geometries, error mask, problems)."""
    problems: list[Problem] = []
    missing = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    geoms = np.where(missing, None, shapely.force_2d(geoms))
    kind = np.where(missing, -1, shapely.get_type_id(geoms))
    wrong_kind = ~missing & ~np.isin(kind, (_POINT, _POLYGON, _MULTIPOLYGON))
    bounds = shapely.bounds(geoms)
    lon_min, lat_min, lon_max, lat_max = VIETNAM_BOUNDS
    with np.errstate(invalid="ignore"):
        outside = (
            ~missing
            & ~wrong_kind
            & ~(
                (bounds[:, 0] >= lon_min)
                & (bounds[:, 2] <= lon_max)
                & (bounds[:, 1] >= lat_min)
                & (bounds[:, 3] <= lat_max)
            )
        )
    invalid = ~missing & ~wrong_kind & ~outside & ~shapely.is_valid(geoms)
    repaired = _polygonal(shapely.make_valid(geoms[invalid]))
    geoms[invalid] = repaired
    unrepairable = np.zeros(len(geoms), dtype=bool)
    unrepairable[np.flatnonzero(invalid)[shapely.is_empty(repaired)]] = True
    error = missing | wrong_kind | outside | unrepairable
    reasons = [
        (
            missing,
            "Vùng không có hình dạng (trống).",
            "The zone has no shape (empty).",
            ("Vẽ lại vùng.", "Draw the zone again."),
        ),
        (
            wrong_kind,
            "Vùng phải là đa giác hoặc điểm, không phải đường.",
            "A zone must be a polygon or a point, not a line.",
            ("Vẽ vùng bằng đa giác khép kín hoặc một điểm.", "Draw the zone as a closed polygon or a point."),
        ),
        (
            outside,
            "Tọa độ không phải kinh độ/vĩ độ trong lãnh thổ Việt Nam (sai hệ tọa độ?).",
            "The coordinates are not longitude/latitude inside Vietnam (wrong CRS?).",
            (
                "Lưu tệp theo WGS 84 (EPSG:4326) hoặc khai báo đúng hệ tọa độ (--crs).",
                "Save the file in WGS 84 (EPSG:4326) or state its CRS (--crs).",
            ),
        ),
        (
            unrepairable,
            "Đa giác tự cắt, sửa xong không còn phần diện tích nào.",
            "Self-intersecting polygon with no area left after repair.",
            (
                "Vẽ lại đa giác, các cạnh không được cắt nhau.",
                "Redraw the polygon so that its edges do not cross.",
            ),
        ),
    ]
    for mask, vi, en, fix in reasons:
        problems += [_problem("error", file, labels[i], vi, en, fix) for i in np.flatnonzero(mask)]
    problems += [
        _problem(
            "warning",
            file,
            labels[i],
            "Đa giác tự cắt đã được tự động sửa (make_valid); kiểm tra lại hình dạng.",
            "The self-intersecting polygon was repaired automatically (make_valid); check its shape.",
            ("Nếu hình sai, vẽ lại vùng.", "If the shape is wrong, redraw the zone."),
        )
        for i in np.flatnonzero(invalid & ~unrepairable)
    ]
    polygons = ~error & np.isin(shapely.get_type_id(geoms), (_POLYGON, _MULTIPOLYGON))
    area = np.zeros(len(geoms))
    area[polygons] = shapely.area(_metric(geoms[polygons], metric_crs))
    problems += [
        _problem(
            "warning",
            file,
            labels[i],
            f"Vùng rất nhỏ ({area[i]:.0f} m² < {MIN_ZONE_AREA_M2:.0f} m²), có thể vẽ nhầm.",
            f"The zone is tiny ({area[i]:.0f} m² < {MIN_ZONE_AREA_M2:.0f} m²); perhaps a mis-click.",
            ("Kiểm tra và vẽ lại nếu cần.", "Check it and redraw if needed."),
        )
        for i in np.flatnonzero(polygons & (area < MIN_ZONE_AREA_M2))
    ]
    return geoms, error, problems


def locate_units(geoms: np.ndarray, dataset: Dataset) -> tuple[np.ndarray, np.ndarray]:
    """Return (village_uid, commune_uid) of the units holding each geometry's inner point ("" where none).

    The commune falls back to the village's ``parent_uid``; where units of one layer overlap, the first wins.
    """
    points = shapely.point_on_surface(geoms)
    uids = {}
    for layer in ("villages", "communes"):
        units = dataset.layer(layer)
        uid = np.full(len(points), "", dtype=object)
        if units is not None and len(units):
            point, unit = units.sindex.query(points, predicate="within")
            hit = np.full(len(points), -1)
            hit[point[::-1]] = unit[::-1]  # first unit in layer order wins
            uid[hit >= 0] = units["uid"].astype(str).to_numpy(object)[hit[hit >= 0]]
            if layer == "villages" and "parent_uid" in units.columns:
                parents = (
                    units["parent_uid"].astype(object).where(units["parent_uid"].notna(), "").to_numpy(object)
                )
                uids["parent"] = np.where(hit >= 0, parents[np.maximum(hit, 0)], "")
        uids[layer] = uid
    commune = uids["communes"]
    if "parent" in uids:
        commune = np.where(commune == "", uids["parent"], commune)
    return uids["villages"], commune


def _locate(gdf: gpd.GeoDataFrame, dataset: Dataset, *, file: str, labels: list[str]) -> list[Problem]:
    """Fill empty village_uid/commune_uid by containment (in place); flag zones touching none of the units."""
    village_uid, commune_uid = locate_units(np.asarray(gdf.geometry.array, dtype=object), dataset)
    gdf["village_uid"] = gdf["village_uid"].where(gdf["village_uid"] != "", village_uid)
    gdf["commune_uid"] = gdf["commune_uid"].where(gdf["commune_uid"] != "", commune_uid)
    layers = [dataset.layer(name) for name in dataset.unit_levels()]
    if not layers:
        return []
    touched = np.zeros(len(gdf), dtype=bool)
    for units in layers:
        touched[units.sindex.query(gdf.geometry.array, predicate="intersects")[0]] = True
    return [
        _problem(
            "warning",
            file,
            labels[i],
            f"Vùng nằm ngoài địa bàn {dataset.name}.",
            f"The zone lies outside {dataset.name}.",
            ("Kiểm tra vị trí hoặc hệ tọa độ của vùng.", "Check the zone's position or its CRS."),
        )
        for i in np.flatnonzero(~touched)
    ]


def _duplicates(
    new: np.ndarray, existing: np.ndarray, *, file: str, labels: list[str], metric_crs: str
) -> list[Problem]:
    """Flag new zones that repeat an existing one or an earlier new one (IoU > DUPLICATE_IOU; points within
    DUPLICATE_POINT_M)."""
    geoms = _metric(np.concatenate([existing, new]), metric_crs)
    offset = len(existing)
    tree = shapely.STRtree(geoms)
    mine, other = tree.query(geoms[offset:], predicate="dwithin", distance=DUPLICATE_POINT_M)
    keep = other < mine + offset
    mine, other = mine[keep], other[keep]
    a, b = geoms[offset + mine], geoms[other]
    is_point = shapely.get_type_id(a) == _POINT
    same_kind = is_point == (shapely.get_type_id(b) == _POINT)
    with np.errstate(invalid="ignore", divide="ignore"):
        iou = shapely.area(shapely.intersection(a, b)) / shapely.area(shapely.union(a, b))
    duplicate = same_kind & (is_point | (iou > DUPLICATE_IOU))
    first = dict(zip(mine[duplicate][::-1], other[duplicate][::-1], strict=True))
    return [
        _problem(
            "warning",
            file,
            labels[i],
            "Vùng trùng với một vùng đã có" + ("" if j < offset else f" ({labels[j - offset]})") + ".",
            "The zone duplicates an existing zone" + ("" if j < offset else f" ({labels[j - offset]})") + ".",
            ("Bỏ vùng trùng hoặc sửa vùng đã có.", "Drop the duplicate or edit the existing zone."),
        )
        for i, j in sorted(first.items())
    ]


def validate_zones(
    gdf: gpd.GeoDataFrame,
    *,
    file: str = "",
    dataset: Dataset | None = None,
    existing: gpd.GeoDataFrame | None = None,
) -> tuple[gpd.GeoDataFrame, list[Problem]]:
    """Check zones and convert them to canonical values.

    Takes a GeoDataFrame with any of :data:`ZONE_FIELDS` (others are ignored; ``source_row``, when
    present, numbers the features in messages) in EPSG:4326 (other CRSs are transformed; none is
    taken as lon/lat). Returns the usable zones with every :data:`ZONE_FIELDS` column (defaults:
    technology 4G, severity medium, status reported) plus ``source_row``, and the problems: an error
    (the zone is left out) for an unreadable value, a missing name, an empty shape, a line, coordinates
    that are not lon/lat in Vietnam, or a self-intersecting polygon with no area left after repair; a
    warning for a repaired polygon, a tiny zone (< :data:`MIN_ZONE_AREA_M2`), a zone outside the
    ``dataset``'s units and a duplicate of an ``existing`` zone or an earlier zone of ``gdf``. With a
    ``dataset``, empty ``village_uid``/``commune_uid`` are filled by containment.
    """
    if gdf.crs is not None and not gdf.crs.equals(STORAGE_CRS):
        gdf = gdf.to_crs(STORAGE_CRS)
    labels = _labels(gdf)
    metric_crs = dataset.settings.metric_crs if dataset is not None else DEFAULT_METRIC_CRS
    out, bad = _normalise(pd.DataFrame(gdf.drop(columns="geometry")))
    problems: list[Problem] = []
    for name, mask in bad.items():
        source = gdf[name] if name in gdf.columns else pd.Series([""] * len(gdf), index=gdf.index)
        problems += [
            _problem("error", file, labels[i], "Vùng chưa có tên.", "The zone has no name.", _FIX[name])
            if name == "name"
            else _problem(
                "error",
                file,
                labels[i],
                f"Trường '{name}' có giá trị không đọc được: {source.iloc[i]!r}.",
                f"Field '{name}' has a value that cannot be read: {source.iloc[i]!r}.",
                _FIX[name],
            )
            for i in np.flatnonzero(mask.to_numpy())
        ]
    geoms, geometry_error, geometry_problems = _clean_geometries(
        np.asarray(gdf.geometry.array, dtype=object), file=file, labels=labels, metric_crs=metric_crs
    )
    problems += geometry_problems
    ok = ~geometry_error & ~np.logical_or.reduce([m.to_numpy() for m in bad.values()])
    out["source_row"] = (
        gdf["source_row"].to_numpy() if "source_row" in gdf.columns else np.arange(1, len(gdf) + 1)
    )
    result = gpd.GeoDataFrame(out, geometry=list(geoms), crs=STORAGE_CRS).loc[ok].reset_index(drop=True)
    kept = [label for label, keep in zip(labels, ok, strict=True) if keep]
    if dataset is not None and len(result):
        problems += _locate(result, dataset, file=file, labels=kept)
    if len(result):
        previous = (
            np.asarray(existing.loc[~existing["deleted"].astype(bool)].geometry.array, dtype=object)
            if existing is not None and len(existing)
            else np.array([], dtype=object)
        )
        problems += _duplicates(
            np.asarray(result.geometry.array, dtype=object),
            previous,
            file=file,
            labels=kept,
            metric_crs=metric_crs,
        )
    log.info("%s: %d of %d zones usable, %d problems", file or "zones", len(result), len(gdf), len(problems))
    return result, problems
