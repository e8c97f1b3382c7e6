"""The polygons of administrative unit layers: keep polygons, repair invalid boundaries, report the rest.

Also the helpers :mod:`geo.io.units` shares with it: feature labels as planners see them in QGIS,
metric geometries, and problems from (message, fix) texts. Geometry is in EPSG:4326; areas are
measured in the metric CRS the caller passes.
"""

from __future__ import annotations

import logging

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.errors import Problem
from geo.names import display_names
from geo.settings import STORAGE_CRS

__all__ = ["clean_unit_geometries", "feature_numbers", "feature_labels", "to_metric", "unit_problem"]

log = logging.getLogger(__name__)

_POLYGON = shapely.GeometryType.POLYGON


def feature_numbers(gdf: pd.DataFrame) -> pd.Series:
    """The feature number a planner sees: ``source_row`` when present, else position + 1 (as text)."""
    numbers = gdf["source_row"] if "source_row" in gdf else pd.Series(range(1, len(gdf) + 1), index=gdf.index)
    return numbers.astype(str)


def feature_labels(gdf: pd.DataFrame) -> pd.Series:
    """ "feature 3 'Bản Nà Luồng'" for every feature (the name is left out when there is none)."""
    names = display_names(gdf["name"]) if "name" in gdf else pd.Series("", index=gdf.index)
    return "feature " + feature_numbers(gdf) + (" '" + names + "'").where(names != "", "")


def to_metric(geoms: gpd.GeoSeries, metric_crs: str) -> np.ndarray:
    """Geometries as a shapely array in ``metric_crs`` (a missing CRS is taken as EPSG:4326)."""
    return (geoms if geoms.crs else geoms.set_crs(STORAGE_CRS)).to_crs(metric_crs).to_numpy()


def _polygonal_parts(geoms: np.ndarray) -> np.ndarray:
    """Keep only the polygons of each geometry (collections included); empty where there are none."""
    parts, owner = shapely.get_parts(geoms, return_index=True)
    parts, inner = shapely.get_parts(parts, return_index=True)  # collections may hold multipolygons
    owner = owner[inner]
    keep = shapely.get_type_id(parts) == _POLYGON
    out = np.full(len(geoms), None, dtype=object)
    if keep.any():
        shapely.multipolygons(parts[keep], indices=owner[keep], out=out)
    return np.where(shapely.is_missing(out), shapely.from_wkt("MULTIPOLYGON EMPTY"), out)


def clean_unit_geometries(
    gdf: gpd.GeoDataFrame, *, layer: str, file: str
) -> tuple[gpd.GeoDataFrame, list[Problem]]:
    """Return ``(cleaned copy, problems)`` of a unit layer in EPSG:4326.

    Invalid polygons are repaired with ``shapely.make_valid`` keeping only their polygonal
    parts (warning naming the feature and shapely's reason). Polygon and MultiPolygon are
    both accepted. Features with missing or empty geometry, points or lines, or a repair that
    leaves no area are dropped with an error naming them ("feature N 'name'", N from
    ``source_row`` or the position). The input frame is not changed.
    """
    geoms = gdf.geometry.to_numpy()
    problems: list[Problem] = []
    missing = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    type_id = shapely.get_type_id(geoms)
    polygonal = np.isin(type_id, [shapely.GeometryType.POLYGON, shapely.GeometryType.MULTIPOLYGON])
    wrong_type = ~missing & ~polygonal
    invalid = ~missing & polygonal & ~shapely.is_valid(geoms)
    repaired = geoms.copy()
    repaired[invalid] = _polygonal_parts(shapely.make_valid(geoms[invalid]))
    collapsed = invalid & shapely.is_empty(repaired)
    fixed = invalid & ~collapsed
    if (missing | wrong_type | invalid).any():  # feature labels are only needed to name a unit reported
        labels = feature_labels(gdf)
        for label, reason in zip(labels[fixed], shapely.is_valid_reason(geoms[fixed]), strict=True):
            texts = tuple(text.replace("{detail}", reason) for text in _REPAIRED)
            problems.append(unit_problem("warning", file, layer, label, texts))
        for mask, texts in ((missing, _EMPTY), (wrong_type, _NOT_POLYGON), (collapsed, _COLLAPSED)):
            problems += [unit_problem("error", file, layer, label, texts) for label in labels[mask]]
    keep = ~(missing | wrong_type | collapsed)
    out = gdf.copy()
    out[out.geometry.name] = gpd.GeoSeries(repaired, index=gdf.index, crs=gdf.crs)
    log.info("%s: %d units kept, %d repaired, %d dropped", file, keep.sum(), invalid.sum(), (~keep).sum())
    return out[keep], problems


_REPAIRED = (
    "Ranh giới không hợp lệ ({detail}); đã tự sửa",
    "Invalid boundary ({detail}); repaired automatically",
    "Kiểm tra lại ranh giới (ví dụ bằng công cụ Fix geometries của QGIS)",
    "Check the boundary (e.g. with QGIS's Fix geometries)",
)
_EMPTY = (
    "Đơn vị không có hình (ranh giới trống); đã bỏ qua",
    "The unit has no geometry (empty boundary); skipped",
    "Vẽ lại ranh giới của đơn vị này",
    "Draw this unit's boundary",
)
_NOT_POLYGON = (
    "Lớp đơn vị hành chính phải là vùng (polygon), đối tượng này là điểm hoặc đường; đã bỏ qua",
    "A unit layer needs polygons; this feature is a point or a line; skipped",
    "Thay bằng ranh giới dạng vùng, hoặc đưa điểm vào lớp điểm phù hợp",
    "Replace it with a polygon boundary, or move the point to a point layer",
)
_COLLAPSED = (
    "Ranh giới không hợp lệ và không còn diện tích sau khi sửa; đã bỏ qua",
    "Invalid boundary with no area left after repair; skipped",
    "Vẽ lại ranh giới của đơn vị này",
    "Draw this unit's boundary again",
)


def unit_problem(severity: str, file: str, layer: str, feature: str, texts: tuple[str, ...]) -> Problem:
    """A Problem from (message_vi, message_en, fix_vi, fix_en)."""
    vi, en, fix_vi, fix_en = texts
    return Problem(severity, file, vi, en, fix_vi=fix_vi, fix_en=fix_en, layer=layer, feature=feature)
