"""Shape and dataset checks of weak-signal zones, used by :func:`geo.zones.record.validate_zones`.

:func:`clean_geometries` repairs self-intersecting polygons and refuses what cannot be a zone (empty
shapes, lines, coordinates that are not lon/lat in Vietnam) and flags tiny ones; :func:`locate_units`
finds the village and commune holding a zone; :func:`locate` fills them in and flags zones outside the
territory; :func:`duplicates` flags zones that repeat an existing one. Every finding is a bilingual
:class:`geo.errors.Problem` naming the file and the feature.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely

from geo.errors import Problem
from geo.model import Dataset
from geo.settings import STORAGE_CRS, VIETNAM_BOUNDS

__all__ = [
    "MIN_ZONE_AREA_M2",
    "DUPLICATE_IOU",
    "DUPLICATE_POINT_M",
    "zone_problem",
    "clean_geometries",
    "locate_units",
    "locate",
    "duplicates",
]

#: Polygon zones smaller than this (m²) are flagged as a likely mis-click (a house plot is ~300 m²).
MIN_ZONE_AREA_M2 = 1000.0
#: A polygon whose intersection-over-union with another zone exceeds this is flagged as a duplicate.
DUPLICATE_IOU = 0.8
#: Point zones closer than this (metres) to another point zone are flagged as duplicates.
DUPLICATE_POINT_M = 30.0
_POINT, _POLYGON, _MULTIPOLYGON = 0, 3, 6


def zone_problem(
    severity: str, file: str, feature: str, vi: str, en: str, fix: tuple[str, str] = ("", "")
) -> Problem:
    """Return a :class:`Problem` of the ``weak_zones`` layer about ``feature`` of ``file`` (fix optional)."""
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


def clean_geometries(
    geoms: np.ndarray, *, file: str, labels: list[str], metric_crs: str
) -> tuple[np.ndarray, np.ndarray, list[Problem]]:
    """Repair and check EPSG:4326 shapes (``labels`` name each in messages; areas in ``metric_crs``).

    Returns (geometries with self-intersecting polygons repaired by make_valid, error mask, problems):
    errors for empty shapes, lines, coordinates outside Vietnam and polygons with no area left after
    repair; warnings for repaired polygons and those under :data:`MIN_ZONE_AREA_M2`.
    """
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
        problems += [zone_problem("error", file, labels[i], vi, en, fix) for i in np.flatnonzero(mask)]
    problems += [
        zone_problem(
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
        zone_problem(
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


def locate(gdf: gpd.GeoDataFrame, dataset: Dataset, *, file: str, labels: list[str]) -> list[Problem]:
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
        zone_problem(
            "warning",
            file,
            labels[i],
            f"Vùng nằm ngoài địa bàn {dataset.name}.",
            f"The zone lies outside {dataset.name}.",
            ("Kiểm tra vị trí hoặc hệ tọa độ của vùng.", "Check the zone's position or its CRS."),
        )
        for i in np.flatnonzero(~touched)
    ]


def duplicates(
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
        zone_problem(
            "warning",
            file,
            labels[i],
            "Vùng trùng với một vùng đã có" + ("" if j < offset else f" ({labels[j - offset]})") + ".",
            "The zone duplicates an existing zone" + ("" if j < offset else f" ({labels[j - offset]})") + ".",
            ("Bỏ vùng trùng hoặc sửa vùng đã có.", "Drop the duplicate or edit the existing zone."),
        )
        for i, j in sorted(first.items())
    ]
