"""Administrative unit layers: give each unit a uid and find its parent (polygons: :mod:`geo.io.unit_shapes`).

Used when a dataset is assembled. Geometry comes in (and goes out) in EPSG:4326; areas are
measured in the metric CRS the caller passes (``geo.settings.DEFAULT_METRIC_CRS`` by default).
Every step is vectorised (shapely 2 arrays, STRtree); loops run only over the problems found.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import cache, partial

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.errors import Problem
from geo.io.distinct import map_distinct
from geo.io.join import code_text, join_units
from geo.io.unit_shapes import clean_unit_geometries, feature_labels, feature_numbers, to_metric, unit_problem
from geo.model import LEVEL_OF_LAYER
from geo.names import display_name, display_names, name_keys
from geo.settings import DEFAULT_METRIC_CRS, UNIT_LEVELS

__all__ = [
    "CODE_WIDTH",
    "VILLAGE_OVERLAP_SHARE",
    "MIN_PARENT_SHARE",
    "clean_unit_geometries",
    "assign_uids",
]

log = logging.getLogger(__name__)

#: Digits of the statistics office's codes by level (INDICATORS.md); shorter numeric codes are re-padded.
CODE_WIDTH = {"provinces": 2, "districts": 3, "communes": 5}
#: Two villages overlapping by more than this share (0–1) of the smaller one's area are reported.
VILLAGE_OVERLAP_SHARE = 0.05
#: A unit assigned to a parent by largest overlap is reported when less than this share (0–1) of it
#: lies inside that parent.
MIN_PARENT_SHARE = 0.5

_LEVEL_VI = {"provinces": "tỉnh", "districts": "huyện", "communes": "xã", "villages": "thôn/bản"}


def assign_uids(
    layers: dict[str, gpd.GeoDataFrame],
    *,
    files: dict[str, str] | None = None,
    metric_crs: str = DEFAULT_METRIC_CRS,
) -> tuple[dict[str, gpd.GeoDataFrame], list[Problem]]:
    """Give every unit layer ``uid``, ``name_key`` and ``parent_uid``; return ``(layers, problems)``.

    ``layers`` maps layer names to GeoDataFrames in EPSG:4326 (cleaned by
    :func:`clean_unit_geometries`); unit layers are processed in ``UNIT_LEVELS`` order, any
    may be absent, other layers pass through. The returned dict holds copies; the input is
    not changed. ``files`` maps a layer to its file name for messages.

    - ``code`` becomes text (numeric codes re-padded to :data:`CODE_WIDTH`, with a warning).
    - ``uid`` is the code when present and unique in the layer, otherwise
      ``<parent uid>/<name_key>`` (``<name_key>`` at the top level); duplicate codes and
      names repeated within one parent are errors, and a ``~2``, ``~3`` suffix keeps uids unique.
    - ``parent_uid`` comes from the ``parent`` column (code or name of the unit one present
      level up, matched with :func:`geo.io.join.join_units`), else from containment (the
      parent holding the unit's representative point; failing that, the largest overlap
      measured in ``metric_crs``). A parent named but not found is reported with
      candidates, and containment is used instead. Units outside every parent keep a missing
      ``parent_uid`` (error).
    - Villages overlapping another by more than :data:`VILLAGE_OVERLAP_SHARE` of the smaller
      area are reported (warning naming both).
    """
    files = files or {}
    out = dict(layers)
    problems: list[Problem] = []
    above: tuple[str, gpd.GeoDataFrame] | None = None
    for level in (lvl for lvl in UNIT_LEVELS if lvl in layers):
        file = files.get(level, level)
        gdf = layers[level].copy()
        labels = cache(partial(feature_labels, gdf))  # names are tidied only if a unit is reported
        names = gdf["name"] if "name" in gdf else pd.Series(pd.NA, index=gdf.index)
        gdf["name_key"] = name_keys(names, level=level)
        if "code" in gdf:
            gdf["code"], found = _unit_codes(gdf["code"], level=level, file=file)
            problems += found
        gdf["parent_uid"] = pd.Series(pd.NA, index=gdf.index, dtype="string")
        if above is not None:
            gdf["parent_uid"], found = _parents(
                gdf, above, labels, file=file, level=level, metric_crs=metric_crs
            )
            problems += found
        gdf["uid"], found = _uids(gdf, labels, file=file, level=level)
        problems += found
        if level == "villages":
            problems += _village_overlaps(gdf, labels, file=file, metric_crs=metric_crs)
        out[level] = gdf
        above = (level, gdf)
    return out, problems


def _unit_codes(codes: pd.Series, *, level: str, file: str) -> tuple[pd.Series, list[Problem]]:
    text = code_text(codes)
    width = CODE_WIDTH.get(level, 0)
    short = text.str.fullmatch(r"\d+").fillna(False) & (text.str.len() < width)
    if not short.any():
        return text, []
    problem = Problem(
        "warning",
        file,
        f"{short.sum()} mã {_LEVEL_VI[level]} bị mất số 0 ở đầu; đã thêm lại cho đủ {width} chữ số",
        f"{short.sum()} {LEVEL_OF_LAYER[level]} codes had lost their leading zeros; "
        f"re-padded to {width} digits",
        fix_vi="Lưu cột mã dạng văn bản (Text/String)",
        fix_en="Store the code column as text",
        layer=level,
    )
    return text.mask(short, text.str.zfill(width)), [problem]


def _uids(
    gdf: gpd.GeoDataFrame, labels: Callable[[], pd.Series], *, file: str, level: str
) -> tuple[pd.Series, list[Problem]]:
    codes = gdf["code"] if "code" in gdf else pd.Series(pd.NA, index=gdf.index, dtype="string")
    duplicated = codes.notna() & codes.duplicated(keep=False)
    problems = [
        unit_problem(
            "error",
            file,
            level,
            "; ".join(labels()[group.index]),
            (
                f"Mã {code} bị trùng ở {len(group)} đơn vị",
                f"Code {code} is used by {len(group)} units",
                "Sửa mã cho đúng danh mục; mỗi đơn vị một mã",
                "Correct the codes: one code per unit",
            ),
        )
        for code, group in codes[duplicated].groupby(codes[duplicated], sort=True)
    ]
    by_name = gdf["name_key"].where(gdf["name_key"] != "", "#" + feature_numbers(gdf))
    from_name = (gdf["parent_uid"] + "/" + by_name).fillna(by_name)
    uid = codes.where(codes.notna() & ~duplicated, from_name).astype(str)
    repeated = uid.duplicated(keep=False)
    for _, group in uid[repeated].groupby(uid[repeated], sort=True):
        problems.append(
            unit_problem(
                "error",
                file,
                level,
                "; ".join(labels()[group.index]),
                (
                    f"{len(group)} đơn vị trùng tên trong cùng một đơn vị cấp trên",
                    f"{len(group)} units share one name within the same parent unit",
                    "Đặt tên khác nhau cho các đơn vị này (hoặc ghi mã)",
                    "Give these units different names (or codes)",
                ),
            )
        )
    rank = uid.groupby(uid).cumcount()
    return uid.where(rank == 0, uid + "~" + (rank + 1).astype(str)), problems


def _parents(
    gdf: gpd.GeoDataFrame,
    above: tuple[str, gpd.GeoDataFrame],
    labels: Callable[[], pd.Series],
    *,
    file: str,
    level: str,
    metric_crs: str,
) -> tuple[pd.Series, list[Problem]]:
    """The parent uid of each unit: by the ``parent`` column, else by containment."""
    above_level, parents = above
    parents = parents.reset_index(drop=True)
    parent_uid = pd.Series(pd.NA, index=gdf.index, dtype="string")
    problems: list[Problem] = []
    unmatched = pd.DataFrame()
    if "parent" in gdf and gdf["parent"].notna().any():
        given = code_text(gdf["parent"]).dropna()
        is_code = given.str.fullmatch(r"\d+")
        table = pd.DataFrame({"code": given.where(is_code), "name": given.where(~is_code)})
        joined = join_units(
            parents, table, code="code", name="name", level=above_level, file=file, layer=level
        )
        parent_uid[joined.matched.index] = parents["uid"].to_numpy()[joined.matched["unit_index"].to_numpy()]
        unmatched = joined.unmatched
    pending = parent_uid.isna()
    found, share = _contained(gdf.geometry[pending], parents.geometry, metric_crs=metric_crs)
    parent_uid[pending] = np.where(found >= 0, parents["uid"].to_numpy()[np.maximum(found, 0)], pd.NA)
    names = (
        display_names(parents["name"]) + " (" + parents["uid"] + ")" if "name" in parents else parents["uid"]
    )
    named = map_distinct(parent_uid, dict(zip(parents["uid"], names, strict=True)))
    problems += _missing_parent_problems(gdf, unmatched, named, labels, file, level, above_level)
    above_vi, above_en = _LEVEL_VI[above_level], LEVEL_OF_LAYER[above_level]
    outside = pending[pending].index[found < 0]
    problems += [
        unit_problem(
            "error",
            file,
            level,
            labels()[index],
            (
                f"Đơn vị nằm ngoài mọi {above_vi} của bộ dữ liệu",
                f"The unit lies outside every {above_en} of the dataset",
                "Kiểm tra hệ tọa độ (VN-2000/WGS 84) và ranh giới, hoặc ghi cột đơn vị cấp trên",
                "Check the CRS (VN-2000/WGS 84) and the boundary, or fill in the parent column",
            ),
        )
        for index in outside
    ]
    weak = pending[pending].index[(found >= 0) & (share < MIN_PARENT_SHARE)]
    problems += [
        unit_problem(
            "warning",
            file,
            level,
            labels()[index],
            (
                f"Chỉ {share_pct:.0f}% diện tích nằm trong {above_vi} {uid}; đã gán vào đơn vị này",
                f"Only {share_pct:.0f}% of the area lies inside {above_en} {uid}; assigned to it",
                "Kiểm tra ranh giới hoặc ghi cột đơn vị cấp trên",
                "Check the boundary or fill in the parent column",
            ),
        )
        for index, share_pct, uid in zip(
            weak, 100 * share[(found >= 0) & (share < MIN_PARENT_SHARE)], named[weak], strict=True
        )
    ]
    return parent_uid, problems


def _missing_parent_problems(gdf, unmatched, contained, labels, file, level, above_level) -> list[Problem]:
    """One problem per unit whose named parent was not found: warning if containment found one."""
    problems = []
    for index, row in unmatched.iterrows():
        used = contained[index]
        then_vi = (
            f"đã dùng đơn vị chứa nó ({used})" if pd.notna(used) else "không xác định được đơn vị cấp trên"
        )
        then_en = f"used the unit containing it ({used})" if pd.notna(used) else "no parent could be found"
        hint_vi = f"Có phải: {row['candidates']}?" if row["candidates"] else "Sửa tên đơn vị cấp trên"
        hint_en = f"Did you mean: {row['candidates']}?" if row["candidates"] else "Correct the parent's name"
        problems.append(
            Problem(
                "warning" if pd.notna(used) else "error",
                file,
                f"Đơn vị cấp trên “{display_name(gdf.at[index, 'parent'])}” không tìm thấy trong lớp "
                f"{_LEVEL_VI[above_level]} ({row['reason_vi']}); {then_vi}",
                f"Parent '{display_name(gdf.at[index, 'parent'])}' not found among the "
                f"{LEVEL_OF_LAYER[above_level]} units ({row['reason_en']}); {then_en}",
                fix_vi=hint_vi,
                fix_en=hint_en,
                layer=level,
                feature=labels()[index],
            )
        )
    return problems


def _contained(
    units: gpd.GeoSeries, parents: gpd.GeoSeries, *, metric_crs: str
) -> tuple[np.ndarray, np.ndarray]:
    """Position of each unit's parent (-1 when none) and the share (0–1) of the unit inside it.

    The representative point decides when it falls in exactly one parent (share 1); otherwise
    the parent with the largest overlap, measured in ``metric_crs``.
    """
    found = np.full(len(units), -1)
    share = np.ones(len(units))
    if units.empty or parents.empty:
        return found, share
    geoms, parent_geoms = units.to_numpy(), parents.to_numpy()
    tree = shapely.STRtree(parent_geoms)
    unit_i, parent_i = tree.query(shapely.point_on_surface(geoms), predicate="within")
    hits = np.bincount(unit_i, minlength=len(geoms))
    single = np.flatnonzero(hits == 1)
    in_single = np.isin(unit_i, single)
    found[unit_i[in_single]] = parent_i[in_single]
    unsure = np.flatnonzero(hits != 1)
    if unsure.size:
        sub_i, parent_j = tree.query(geoms[unsure], predicate="intersects")
        metric = to_metric(units.iloc[unsure], metric_crs)
        overlap = shapely.area(
            shapely.intersection(metric[sub_i], to_metric(parents.iloc[parent_j], metric_crs))
        )
        pairs = pd.DataFrame({"unit": sub_i, "parent": parent_j, "overlap": overlap})
        pairs = pairs[pairs["overlap"] > 0]
        best = pairs.loc[pairs.groupby("unit")["overlap"].idxmax()]
        best_unit = best["unit"].to_numpy()
        found[unsure[best_unit]] = best["parent"].to_numpy()
        share[unsure[best_unit]] = best["overlap"].to_numpy() / shapely.area(metric[best_unit])
    return found, share


def _village_overlaps(
    gdf: gpd.GeoDataFrame, labels: Callable[[], pd.Series], *, file: str, metric_crs: str
) -> list[Problem]:
    """Warnings for pairs of villages overlapping by more than VILLAGE_OVERLAP_SHARE of the smaller
    (areas measured in ``metric_crs``)."""
    geoms = gdf.geometry.to_numpy()
    first, second = shapely.STRtree(geoms).query(geoms)  # pairs whose bounding boxes meet
    pair = first < second
    order = np.lexsort((second[pair], first[pair]))  # in the file's order, whatever the tree's
    first, second = first[pair][order], second[pair][order]
    # Only pairs whose interiors meet can overlap (neighbours sharing a border do not): one DE-9IM
    # test on the prepared shapes (for areas the same as overlaps | covers | covered_by, three tests),
    # on lon/lat as read: which shapes meet does not depend on the projection, so only the villages
    # of the pairs found are projected to measure areas.
    shapely.prepare(geoms)
    inside = shapely.relate_pattern(geoms[first], geoms[second], "T********")
    shapely.destroy_prepared(geoms)  # the layer's shapes are left as they were read
    first, second = first[inside], second[inside]
    involved, position = np.unique(np.concatenate([first, second]), return_inverse=True)
    metric = to_metric(gdf.geometry.iloc[involved], metric_crs)
    one, other = metric[position[: len(first)]], metric[position[len(first) :]]
    overlap = shapely.area(shapely.intersection(one, other))
    smaller = np.minimum(shapely.area(one), shapely.area(other))
    share = np.divide(overlap, smaller, out=np.zeros_like(overlap), where=smaller > 0)
    over = share > VILLAGE_OVERLAP_SHARE
    return [
        unit_problem(
            "warning",
            file,
            "villages",
            f"{labels().iloc[i]} × {labels().iloc[j]}",
            (
                f"Hai thôn chồng lên nhau {100 * s:.0f}% diện tích (của thôn nhỏ hơn)",
                f"Two villages overlap by {100 * s:.0f}% of the smaller one's area",
                "Sửa ranh giới để các thôn không chồng lấn",
                "Fix the boundaries so villages do not overlap",
            ),
        )
        for i, j, s in zip(first[over], second[over], share[over], strict=True)
    ]
