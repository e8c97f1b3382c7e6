"""Weak-signal zones ("vùng lõm sóng"): the record planners keep, and the checks it must pass.

A :class:`Zone` is one area (Polygon / MultiPolygon) or place (Point) in EPSG:4326 where service
is missing or weak, with who reported it, how bad it is, and where it stands in the cycle
reported → verified → operator_responded → resolved. :func:`validate_zones` turns attributes as
planners write them ("nặng", "Vinaphone", "đã xác minh") into canonical values, repairs
self-intersecting shapes, refuses what cannot be a zone and flags zones outside the territory,
tiny ones and duplicates of existing zones; :func:`check_transition` guards status changes.
The shape and dataset checks themselves are in :mod:`geo.zones.checks`; stores in
:mod:`geo.zones.store`; evidence and suggestions in :mod:`geo.zones.suggest`.
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
from shapely.geometry.base import BaseGeometry

from geo.errors import DataError, Problem
from geo.io.tables import column_key
from geo.io.validate import parse_flags, parse_numbers, parse_operators
from geo.model import Dataset
from geo.settings import DEFAULT_METRIC_CRS, STORAGE_CRS
from geo.vocab import ZoneStatus
from geo.zones.checks import (
    DUPLICATE_IOU,
    DUPLICATE_POINT_M,
    MIN_ZONE_AREA_M2,
    clean_geometries,
    duplicates,
    locate,
    locate_units,
    zone_problem,
)

__all__ = [
    "ZONE_TECHNOLOGIES",
    "SEVERITIES",
    "ZONE_STATUSES",
    "TRANSITIONS",
    "STATUS_LABELS",
    "zone_status_label",
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
ZONE_STATUSES = (ZoneStatus.REPORTED, ZoneStatus.VERIFIED, ZoneStatus.OPERATOR_RESPONDED, ZoneStatus.RESOLVED)
#: Allowed status changes: forward (steps may be skipped), one step back to correct a mistake,
#: and reopening a resolved zone when the signal is weak again.
TRANSITIONS = {
    ZoneStatus.REPORTED: (ZoneStatus.VERIFIED, ZoneStatus.OPERATOR_RESPONDED, ZoneStatus.RESOLVED),
    ZoneStatus.VERIFIED: (ZoneStatus.REPORTED, ZoneStatus.OPERATOR_RESPONDED, ZoneStatus.RESOLVED),
    ZoneStatus.OPERATOR_RESPONDED: (ZoneStatus.VERIFIED, ZoneStatus.RESOLVED),
    ZoneStatus.RESOLVED: (ZoneStatus.OPERATOR_RESPONDED, ZoneStatus.REPORTED),
}
#: Labels (Vietnamese, English) of statuses and severities, for tables and maps.
STATUS_LABELS = {
    ZoneStatus.REPORTED: ("Đã báo cáo", "Reported"),
    ZoneStatus.VERIFIED: ("Đã xác minh", "Verified"),
    ZoneStatus.OPERATOR_RESPONDED: ("Nhà mạng đã phản hồi", "Operator responded"),
    ZoneStatus.RESOLVED: ("Đã khắc phục", "Resolved"),
}


def zone_status_label(status: str, lang: str = "vi") -> str:
    """Return the label of zone ``status`` in ``lang`` (:data:`STATUS_LABELS`); unknown ones as is."""
    labels = STATUS_LABELS.get(status)
    return status if labels is None else labels[0 if lang == "vi" else 1]


SEVERITY_LABELS = {"low": ("nhẹ", "low"), "medium": ("vừa", "medium"), "high": ("nặng", "high")}

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
#: What :meth:`geo.zones.store.ZoneStore.update` may change (``deleted`` goes through delete/restore).
EDITABLE_FIELDS = (*ZONE_FIELDS[ZONE_FIELDS.index("name") : ZONE_FIELDS.index("deleted")], "geometry")
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
    **dict.fromkeys(("reported", "dabaocao", "baocao", "moi"), ZoneStatus.REPORTED),
    **dict.fromkeys(("verified", "daxacminh", "xacminh"), ZoneStatus.VERIFIED),
    **dict.fromkeys(
        ("operatorresponded", "nhamangdaphanhoi", "daphanhoi", "phanhoi"), ZoneStatus.OPERATOR_RESPONDED
    ),
    **dict.fromkeys(("resolved", "dakhacphuc", "khacphuc", "daxuly"), ZoneStatus.RESOLVED),
}
_SEPARATORS = re.compile(r"[,;/+&|]")


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
    status: str = ZoneStatus.REPORTED
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
    out["status"], bad["status"] = _words(column("status"), _STATUS_WORDS, ZoneStatus.REPORTED)
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
            zone_problem("error", file, labels[i], "Vùng chưa có tên.", "The zone has no name.", _FIX[name])
            if name == "name"
            else zone_problem(
                "error",
                file,
                labels[i],
                f"Trường '{name}' có giá trị không đọc được: {source.iloc[i]!r}.",
                f"Field '{name}' has a value that cannot be read: {source.iloc[i]!r}.",
                _FIX[name],
            )
            for i in np.flatnonzero(mask.to_numpy())
        ]
    geoms, geometry_error, geometry_problems = clean_geometries(
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
        problems += locate(result, dataset, file=file, labels=kept)
    if len(result):
        previous = (
            np.asarray(existing.loc[~existing["deleted"].astype(bool)].geometry.array, dtype=object)
            if existing is not None and len(existing)
            else np.array([], dtype=object)
        )
        problems += duplicates(
            np.asarray(result.geometry.array, dtype=object),
            previous,
            file=file,
            labels=kept,
            metric_crs=metric_crs,
        )
    log.info("%s: %d of %d zones usable, %d problems", file or "zones", len(result), len(gdf), len(problems))
    return result, problems
