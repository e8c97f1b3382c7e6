"""Read planners' layer files into GeoDataFrames in EPSG:4326 with the model's column names.

Formats: GeoJSON, Shapefile (loose or zipped, .dbf in UTF-8 or Windows-1258), GeoPackage,
KML/KMZ (opened by :mod:`geo.io.vector`) and CSV/XLSX points (via :mod:`geo.io.tables`). Each reader keeps
every file column, renames the manifest's mapped columns to canonical names, records the row
or feature number as the planner sees it (``source_row``), decides the CRS (:mod:`geo.io.crs`),
and reports bad rows (no coordinates, outside Vietnam) one :class:`Problem` each before
removing them.
"""

from __future__ import annotations

import logging
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from geo.errors import DataError, Problem
from geo.io.crs import CrsDecision, decide_crs, to_wgs84
from geo.io.records import name_records
from geo.io.tables import (
    TABLE_SUFFIXES,
    check_size,
    column_key,
    find_xy_columns,
    nfc_text,
    parse_coordinates,
    read_table,
)
from geo.io.vector import MAX_ZIP_UNCOMPRESSED_BYTES, read_vector
from geo.model import LayerSource
from geo.settings import POINT_LAYERS, VIETNAM_BOUNDS

__all__ = ["MAX_ZIP_UNCOMPRESSED_BYTES", "LayerRead", "read_layer", "read_table"]

log = logging.getLogger(__name__)


@dataclass
class LayerRead:
    """One layer as read: ``gdf`` in EPSG:4326 with canonical names, every other file column and
    ``source_row``; ``source`` says where it came from and how its CRS was decided; ``problems``
    lists every bad row (already removed from ``gdf``) and every guess made."""

    gdf: gpd.GeoDataFrame
    source: LayerSource
    problems: list[Problem]


def _feature_problem(
    label: str, layer: str, row: int, is_table: bool, vi: str, en: str, fix: tuple[str, str]
) -> Problem:
    """One error about one row (tables) or feature (vector files), as the planner numbers it."""
    where = {"row": row} if is_table else {"feature": f"feature {row}"}
    return Problem("error", label, vi, en, fix[0], fix[1], layer=layer, **where)


def _table_layer(
    path: Path,
    label: str,
    *,
    layer: str,
    sheet: str | None,
    x: str | None,
    y: str | None,
    expect: list[str],
    columns_map: Mapping[str, str] | None = None,
) -> tuple[gpd.GeoDataFrame, np.ndarray, np.ndarray, int, list[Problem]]:
    """Read a CSV/XLSX table and its coordinate columns; report and drop rows without coordinates.

    Returns the rows (no geometry yet), their x and y as floats, the number of data rows read, and problems.
    """
    df, problems = read_table(path, sheet=sheet, expect=[*expect, *(c for c in (x, y) if c)], keep_arrow=True)
    columns = (_column(df, x), _column(df, y)) if x and y else find_xy_columns(df.columns)
    if not columns or None in columns:
        names = ", ".join(str(c) for c in df.columns if c != "source_row")
        header = df.attrs.get("header_row")
        at_vi = f"dòng tiêu đề dùng: dòng {header}; " if header else ""
        at_en = f"header row used: row {header}; " if header else ""
        raise DataError(
            f"{label}: không tìm thấy cột tọa độ {x or 'kinh độ'}/{y or 'vĩ độ'} ({at_vi}các cột: {names}).",
            f"{label}: coordinate columns {x or 'longitude'}/{y or 'latitude'} not found "
            f"({at_en}columns: {names}).",
            problems=[
                Problem(
                    "error",
                    label,
                    f"Không tìm thấy cột tọa độ {x or 'kinh độ'}/{y or 'vĩ độ'} ({at_vi}các cột thấy được: "
                    f"{names}).",
                    f"Coordinate columns {x or 'longitude'}/{y or 'latitude'} not found "
                    f"({at_en}columns seen: "
                    f"{names}).",
                    f"Khai báo x: và y: (tên cột kinh độ/X và vĩ độ/Y) cho lớp {layer} trong dataset.yaml; "
                    "tiêu đề gộp ô trên hai dòng: gộp lại thành một dòng tiêu đề.",
                    f"Name the x: and y: columns (longitude/X, latitude/Y) of layer {layer} in dataset.yaml; "
                    "a header merged over two rows: make it one header row.",
                    layer=layer,
                )
            ],
        )
    xs, ys = parse_coordinates(df[columns[0]]), parse_coordinates(df[columns[1]])
    bad = ~(np.isfinite(xs) & np.isfinite(ys))
    problems += [
        _feature_problem(
            label,
            layer,
            int(row),
            True,
            f"Thiếu tọa độ hoặc tọa độ không phải số ({columns[0]}={a!s}, {columns[1]}={b!s}); "
            "dòng này bị bỏ qua.",
            f"Missing or non-numeric coordinates ({columns[0]}={a!s}, {columns[1]}={b!s}); "
            "the row was left out.",
            (
                "Nhập tọa độ dạng số, ví dụ 105,7123 hoặc 105.7123.",
                "Enter numeric coordinates, e.g. 105.7123.",
            ),
        )
        for row, a, b in zip(
            df.loc[bad, "source_row"], df.loc[bad, columns[0]], df.loc[bad, columns[1]], strict=True
        )
    ]
    problems = name_records(problems, df, columns_map, label)
    if bad.any():
        return df.loc[~bad].reset_index(drop=True), xs[~bad], ys[~bad], len(df), problems
    return df, xs, ys, len(df), problems


def _vector_layer(
    path: Path,
    label: str,
    *,
    layer: str,
    gpkg_layer: str | None,
    columns_map: Mapping[str, str] | None = None,
) -> tuple[gpd.GeoDataFrame, int, list[Problem]]:
    """Read a vector file in its own CRS, numbering features from 1; report and drop empty geometries."""
    raw = read_vector(path, label, layer=layer, gpkg_layer=gpkg_layer)
    unreadable_prj = raw.attrs.get("unreadable_prj")
    gdf = nfc_text(raw).set_geometry("geometry")
    gdf["source_row"] = np.arange(1, len(gdf) + 1)
    missing = (gdf.geometry.isna() | gdf.geometry.is_empty).to_numpy()
    not_finite = _not_finite(gdf.geometry.to_numpy()) & ~missing
    empty, missing = missing, missing | not_finite
    problems = (
        [
            Problem(
                "warning",
                label,
                f"Tệp {unreadable_prj} (hệ tọa độ) không đọc được: nội dung không phải một hệ tọa độ hợp lệ; "
                "hệ tọa độ được đoán từ giá trị tọa độ (xem dòng CRS).",
                f"The file {unreadable_prj} (coordinate system) is unreadable: it does not hold a valid CRS; "
                "the CRS was guessed from the coordinate values (see the CRS line).",
                "Xuất lại lớp từ QGIS/ArcGIS để có tệp .prj đúng, hoặc khai báo crs: trong dataset.yaml.",
                "Export the layer again from QGIS/ArcGIS for a valid .prj, or set crs: in dataset.yaml.",
                layer=layer,
            )
        ]
        if unreadable_prj
        else []
    )
    problems += [
        _feature_problem(
            label,
            layer,
            int(n),
            False,
            "Hình học có tọa độ không phải số (NaN/vô hạn); đối tượng bị bỏ qua.",
            "The geometry has coordinates that are not numbers (NaN/infinite); the feature was left out.",
            ("Sửa hoặc vẽ lại đối tượng này.", "Fix or redraw this feature."),
        )
        for n in gdf.loc[not_finite, "source_row"]
    ]
    problems += [
        _feature_problem(
            label,
            layer,
            int(n),
            False,
            "Đối tượng không có hình học; bị bỏ qua.",
            "The feature has no geometry; it was left out.",
            ("Vẽ lại đối tượng này.", "Redraw this feature."),
        )
        for n in gdf.loc[empty, "source_row"]
    ]
    problems = name_records(problems, gdf, columns_map, label)
    return (gdf.loc[~missing] if missing.any() else gdf), len(gdf), problems


def _not_finite(geoms: np.ndarray) -> np.ndarray:
    """True for each geometry with a NaN or infinite coordinate (shapely/GEOS would fail on it later)."""
    bad = np.zeros(len(geoms), dtype=bool)
    if not len(geoms):
        return bad
    coords, index = shapely.get_coordinates(geoms, return_index=True)
    if len(coords):
        wrong = ~np.isfinite(coords).all(axis=1)
        bad[np.unique(index[wrong])] = True
    return bad


def _wrong_geometry(gdf: gpd.GeoDataFrame, label: str, layer: str) -> DataError | None:
    """A refusal when a point layer's file holds areas or lines (polygons as BTS sites). Settlements may be
    points or areas; unit layers report each non-polygon feature themselves (geo.io.unit_shapes)."""
    types = set(gdf.geometry.geom_type.dropna().unique())
    if not types:
        return None
    if layer in POINT_LAYERS and layer != "settlements" and not types <= {"Point", "MultiPoint"}:
        need_vi, need_en = "điểm (Point)", "points (Point)"
    else:
        return None
    found = ", ".join(sorted(types))
    vi = f"{label}: lớp {layer} cần hình học dạng {need_vi}, nhưng tệp chứa {found}."
    en = f"{label}: layer {layer} needs {need_en} geometry, but the file holds {found}."
    fix = (
        "Kiểm tra đã chọn đúng tệp cho lớp này (vd. tệp trạm BTS là các điểm, ranh giới xã là các vùng).",
        "Check the right file was given for this layer (e.g. BTS sites are points, communes are areas).",
    )
    return DataError(vi, en, problems=[Problem("error", label, vi, en, *fix, layer=layer)])


def _nothing_usable(label: str, layer: str, problems: list[Problem]) -> DataError:
    return DataError(
        f"{label}: không có dòng/đối tượng nào có tọa độ dùng được cho lớp {layer}.",
        f"{label}: no row or feature with usable coordinates for layer {layer}.",
        problems=problems,
    )


def _column(df: pd.DataFrame, name: str) -> str | None:
    """Return the frame's column called ``name``, matched exactly or ignoring case/diacritics/spacing."""
    if name in df.columns:
        return name
    return next((str(c) for c in df.columns if column_key(c) == column_key(name)), None)


def _rename(
    gdf: gpd.GeoDataFrame, columns: Mapping[str, str], label: str, layer: str
) -> tuple[gpd.GeoDataFrame, list[Problem]]:
    """Copy each mapped file column to its canonical name (the file column itself is renamed away)."""
    problems, out = [], gdf.copy(deep=False)  # columns are replaced, never changed in place
    for field, wanted in columns.items():
        found = _column(gdf, str(wanted))
        if found is None:
            names = ", ".join(str(c) for c in gdf.columns if c not in ("geometry", "source_row"))
            problems.append(
                Problem(
                    "error",
                    label,
                    f"Không có cột {wanted!r} (cho trường {field}); các cột có: {names}.",
                    f"No column {wanted!r} (for field {field}); columns found: {names}.",
                    f"Sửa tên cột của {field} cho lớp {layer} trong dataset.yaml.",
                    f"Correct the column name of {field} for layer {layer} in dataset.yaml.",
                    layer=layer,
                )
            )
            continue
        if found == field:
            continue
        if field in out.columns and field not in columns.values():
            out = out.rename(columns={field: f"{field}_file"})
        out[field] = gdf[found]
    mapped = {_column(gdf, str(w)) for w in columns.values()} - set(columns) - {None}
    out = out.drop(columns=[c for c in mapped if c in out.columns])
    return out, problems


def _positions(gdf: gpd.GeoDataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Longitude and latitude of each feature's representative point (a point is its own)."""
    geoms = gdf.geometry.to_numpy()
    points = geoms.copy()
    other = shapely.get_type_id(geoms) != shapely.GeometryType.POINT
    points[other] = shapely.point_on_surface(geoms[other])
    return shapely.get_x(points), shapely.get_y(points)


def _outside_vietnam(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    lon_min, lat_min, lon_max, lat_max = VIETNAM_BOUNDS
    return ~((lon >= lon_min) & (lon <= lon_max) & (lat >= lat_min) & (lat <= lat_max))


def read_layer(
    path: str | Path,
    *,
    layer: str,
    columns: Mapping[str, str] | None = None,
    crs: str | None = None,
    province: str | None = None,
    sheet: str | None = None,
    gpkg_layer: str | None = None,
    x: str | None = None,
    y: str | None = None,
) -> LayerRead:
    """Read one layer file into EPSG:4326 with canonical column names.

    ``layer`` is the model layer ("communes", "bts_sites", ...) named in messages; ``columns`` maps
    model fields to file columns; ``crs`` is the manifest's CRS for files that carry none; ``province``
    picks the VN-2000 TM-3 zone of projected coordinates; ``sheet`` the XLSX sheet; ``gpkg_layer`` the
    GeoPackage layer or zip member; ``x``/``y`` the coordinate columns of CSV/XLSX (found by name when
    omitted). Rows without coordinates or geometry, and rows outside Vietnam after transformation, are
    reported one error each and removed; guesses (CRS, swapped axes, encoding) are reported as warnings.
    Raises :class:`DataError` when nothing usable can be read; its ``problems`` name the file and the fix.
    """
    path = Path(path)
    try:
        return _read_layer(
            path, layer=layer, columns=dict(columns or {}), crs=crs, province=province, sheet=sheet,
            gpkg_layer=gpkg_layer, x=x, y=y,
        )  # fmt: skip
    except DataError as exc:
        if exc.problems:
            raise
        problem = Problem("error", path.name, str(exc), exc.en, layer=layer)
        raise DataError(str(exc), exc.en, problems=[problem]) from exc
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, zipfile.BadZipFile) as exc:
        vi, en = (
            f"{path.name}: tệp hỏng hoặc không đọc được ({exc}).",
            f"{path.name}: broken or unreadable ({exc}).",
        )
        fix = ("Mở lại tệp trong QGIS/Excel và lưu lại.", "Open the file in QGIS/Excel and save it again.")
        raise DataError(vi, en, problems=[Problem("error", path.name, vi, en, *fix, layer=layer)]) from exc


def _read_layer(
    path: Path,
    *,
    layer: str,
    columns: dict[str, str],
    crs: str | None,
    province: str | None,
    sheet: str | None,
    gpkg_layer: str | None,
    x: str | None,
    y: str | None,
) -> LayerRead:
    label = path.name
    if not path.exists():
        raise DataError(f"Không tìm thấy tệp {path}.", f"File not found: {path}.")
    check_size(path)
    is_table = path.suffix.lower() in TABLE_SUFFIXES
    if is_table:
        df, xs, ys, rows_read, problems = _table_layer(
            path, label, layer=layer, sheet=sheet, x=x, y=y, expect=[str(c) for c in columns.values()],
            columns_map=columns,
        )  # fmt: skip
    else:
        gdf, rows_read, problems = _vector_layer(
            path, label, layer=layer, gpkg_layer=gpkg_layer, columns_map=columns
        )
        if (wrong := _wrong_geometry(gdf, label, layer)) is not None:
            raise wrong
        centre = gdf.geometry.bounds
        xs = ((centre.minx + centre.maxx) / 2).to_numpy()
        ys = ((centre.miny + centre.maxy) / 2).to_numpy()
    if not len(xs):
        raise _nothing_usable(label, layer, problems)
    decision = decide_crs(xs, ys, file_crs=None if is_table else gdf.crs, hint=crs, province=province)
    problems += [replace(p, file=label, layer=layer) for p in decision.problems]
    if decision.crs is None:
        raise DataError(decision.problems[-1].message_vi, decision.problems[-1].message_en, problems=problems)
    if is_table:
        xs, ys = (ys, xs) if decision.swapped else (xs, ys)
        gdf = gpd.GeoDataFrame(df, geometry=gpd.points_from_xy(xs, ys), crs=decision.crs, copy=False)
    elif decision.swapped:
        gdf = gdf.set_geometry(shapely.transform(gdf.geometry.array, lambda c: c[:, ::-1]))
    gdf = to_wgs84(gdf.set_crs(decision.crs, allow_override=True))
    gdf, rename_problems = _rename(gdf, columns, label, layer)
    lon, lat = _positions(gdf)
    outside = _outside_vietnam(lon, lat)
    problems += rename_problems + name_records(
        _report_outside(
            gdf["source_row"][outside], lon[outside], lat[outside], label, layer, is_table, decision
        ),
        gdf,
    )
    if outside.any():
        gdf = gdf.loc[~outside]
    gdf = gdf[[c for c in gdf.columns if c != "geometry"] + ["geometry"]].reset_index(drop=True)
    gdf["source_row"] = gdf["source_row"].astype(int)
    source = LayerSource(layer, str(path), rows_read, len(gdf), str(decision.crs), decision.how)
    log.info("%s: %d of %d rows kept, CRS %s (%s)", label, len(gdf), rows_read, decision.crs, decision.how)
    return LayerRead(gdf, source, problems)


def _report_outside(
    rows: pd.Series,
    lon: np.ndarray,
    lat: np.ndarray,
    label: str,
    layer: str,
    is_table: bool,
    decision: CrsDecision,
) -> list[Problem]:
    """One error per row whose position (``lon``/``lat`` of its representative point) lies outside Vietnam;
    a row whose two coordinates, exchanged, fall inside Vietnam is said to look swapped."""
    swapped = ~_outside_vietnam(lat, lon)
    looks_swapped = [
        _feature_problem(
            label,
            layer,
            int(row),
            is_table,
            f"Kinh độ/vĩ độ có vẻ bị đảo ({y:.5f}, {x:.5f} nằm trong Việt Nam; đang đọc là kinh độ {x:.5f}, "
            f"vĩ độ {y:.5f}); dòng này bị bỏ qua.",
            f"Longitude/latitude look swapped ({y:.5f}, {x:.5f} lies in Vietnam; read as longitude {x:.5f}, "
            f"latitude {y:.5f}); the row was left out.",
            (
                "Đổi chỗ hai giá trị kinh độ và vĩ độ của dòng này.",
                "Exchange this row's longitude and latitude.",
            ),
        )
        for row, x, y in zip(rows[swapped], lon[swapped], lat[swapped], strict=True)
    ]
    rows, lon, lat = rows[~swapped], lon[~swapped], lat[~swapped]
    return looks_swapped + [
        _feature_problem(
            label,
            layer,
            int(row),
            is_table,
            f"Vị trí nằm ngoài lãnh thổ Việt Nam (kinh độ {x:.5f}, vĩ độ {y:.5f}, "
            f"đọc theo {decision.crs}); "
            "dòng này bị bỏ qua.",
            f"Position outside Vietnam (longitude {x:.5f}, latitude {y:.5f}, read as {decision.crs}); "
            "the row was left out.",
            (
                "Kiểm tra tọa độ (đảo cột, thiếu dấu thập phân, sai hệ tọa độ: khai báo crs: "
                "trong dataset.yaml).",
                "Check the coordinates (swapped columns, missing decimal point, wrong CRS: set crs: in "
                "dataset.yaml).",
            ),
        )
        for row, x, y in zip(rows, lon, lat, strict=True)
    ]
