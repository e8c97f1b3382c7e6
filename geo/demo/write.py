"""Write a generated demo as a planner would hand it over: files in their usual formats plus ``dataset.yaml``.

The village demo uses the formats planners send (GeoPackage, GeoJSON, Excel with a title
row, CSV with a byte-order mark); the benchmark scales use the fast ones (GeoPackage and
plain CSV). Column names are Vietnamese as in the planners' files and the manifest maps
each one to its model field, so the same table (:data:`COLUMNS`) drives both the files and
the manifest. Text files are byte-for-byte reproducible; Excel files carry a pinned date.
"""

from __future__ import annotations

import importlib.util
import re
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import openpyxl
import pandas as pd
import pyogrio
import shapely
import yaml

from geo.demo.stats import INDICATOR_LABELS, labelled
from geo.settings import STORAGE_CRS

__all__ = ["COLUMNS", "DemoData", "write_dataset"]

#: Canonical field → file column, per layer (x/y are the coordinate columns of tables).
COLUMNS: dict[str, dict[str, str]] = {
    "districts": {"code": "MA_TX", "name": "TEN_TX", "population": "DAN_SO", "households": "SO_HO"},
    "provinces": {"code": "MA_TINH", "name": "TEN_TINH", "population": "DAN_SO", "households": "SO_HO"},
    "communes": {
        "code": "MA_XA",
        "name": "TEN_XA",
        "kind": "LOAI",
        "urban": "DO_THI",
        "population": "DAN_SO",
        "households": "SO_HO",
    },
    "villages": {
        "name": "Tên thôn",
        "kind": "Loại",
        "households": "Số hộ",
        "population": "Dân số",
        "ftth": "Cáp quang",
    },
    "bts_sites": {
        "site_id": "Mã trạm",
        "operators": "Nhà mạng",
        "technologies": "Công nghệ",
        "height_m": "Độ cao cột (m)",
        "x": "Kinh độ",
        "y": "Vĩ độ",
    },
    "wifi_points": {
        "name": "Tên điểm",
        "free": "Miễn phí",
        "provider": "Đơn vị cung cấp",
        "place_kind": "Loại điểm",
        "x": "Kinh độ",
        "y": "Vĩ độ",
    },
    "public_places": {"kind": "Loại", "name": "Tên", "x": "Kinh độ", "y": "Vĩ độ"},
    "speed_tests": {
        "time": "thoi_gian",
        "network": "loai_mang",
        "operator": "nha_mang",
        "download_mbps": "tai_xuong_mbps",
        "upload_mbps": "tai_len_mbps",
        "latency_ms": "do_tre_ms",
        "x": "kinh_do",
        "y": "vi_do",
    },
    "settlements": {
        "name": "ten",
        "households": "so_ho",
        "population": "dan_so",
        "x": "kinh_do",
        "y": "vi_do",
    },
    "operator_coverage": {"operator": "nha_mang", "technology": "cong_nghe"},
    "roads": {"name": "TEN", "kind": "LOAI"},
    "rivers": {"name": "TEN", "kind": "LOAI"},
    "places": {"name": "TEN", "kind": "LOAI", "x": "KINH_DO", "y": "VI_DO"},
    "unit_stats": {"code": "Mã đơn vị", "name": "Đơn vị", "level": "Cấp", "year": "Năm"},
}
#: File stem of each optional reference layer (roads and rivers as GeoJSON lines, places as a CSV).
_REFERENCE_FILES = {"roads": "giao_thong", "rivers": "song_suoi", "places": "dia_danh"}
#: File column of the villages' parent: the commune's name (village demo) or code (benchmarks).
_VILLAGE_PARENT = {"name": "Xã", "code": "Mã xã"}

_PINNED_DATE = (2025, 1, 1, 0, 0, 0)
_PINNED_ISO = "2025-01-01T00:00:00Z"
_BTS_SHEET, _STATS_SHEET = "Trạm BTS", "Số liệu"
_USE_ARROW = importlib.util.find_spec("pyarrow") is not None


@dataclass
class DemoData:
    """A generated territory before writing.

    ``layers`` holds GeoDataFrames in EPSG:4326 with canonical columns (unit layers: the one
    above communes — ``districts`` or ``provinces`` — then ``communes`` and ``villages``; point
    layers). ``unit_stats`` is wide with indicator-id columns. Point layers may carry extra
    columns outside the model (written as they are). ``village_parent`` says whether villages
    name their commune by ``"name"`` or ``"code"``. ``bulk`` selects the fast formats; ``title``
    is the title row above the BTS sheet's header; ``dem`` the generated elevation model.
    """

    name: str
    province: str | None
    metric_crs: str | None
    layers: dict[str, gpd.GeoDataFrame]
    unit_stats: pd.DataFrame
    village_parent: str = "name"
    bulk: bool = False
    title: str = ""
    dem: tuple | None = None  # geo.demo.dem.DemGrid, written as dem.tif


def write_dataset(data: DemoData, out: Path) -> None:
    """Write every layer of ``data`` into folder ``out`` (created if needed) plus ``dataset.yaml``.

    Files written earlier under the same names are replaced; other files are left alone.
    """
    out.mkdir(parents=True, exist_ok=True)
    upper = "provinces" if "provinces" in data.layers else "districts"
    entries: dict[str, dict] = {}
    gpkg = out / "ranh_gioi.gpkg"
    gpkg.unlink(missing_ok=True)
    for level, layer in (
        (upper, f"ranh_gioi_{'tinh' if upper == 'provinces' else 'thi_xa'}"),
        ("communes", "ranh_gioi_xa"),
    ):
        columns = dict(COLUMNS[level])
        if level == "communes":
            columns["parent"] = COLUMNS[upper]["code"]
        _write_vector(data.layers[level], gpkg, columns, layer=layer)
        entries[level] = {"path": gpkg.name, "layer": layer, **columns}
    village_columns = {**COLUMNS["villages"], "parent": _VILLAGE_PARENT[data.village_parent]}
    villages = out / ("thon_ban.gpkg" if data.bulk else "thon_ban.geojson")
    villages.unlink(missing_ok=True)
    _write_vector(data.layers["villages"], villages, village_columns, layer="thon_ban")
    entries["villages"] = {
        "path": villages.name,
        **({"layer": "thon_ban"} if data.bulk else {}),
        **village_columns,
    }
    entries["bts_sites"] = _write_points(
        data, out, "bts_sites", "tram_bts", sheet=_BTS_SHEET, title=data.title
    )
    entries["wifi_points"] = _write_points(data, out, "wifi_points", "diem_wifi", bom=True)
    entries["public_places"] = _write_points(data, out, "public_places", "diem_cong_cong", bom=True)
    entries["speed_tests"] = _write_points(data, out, "speed_tests", "do_toc_do")
    if data.bulk:
        entries["settlements"] = _write_points(data, out, "settlements", "cum_dan_cu")
    else:
        settlements = out / "cum_dan_cu.geojson"
        settlements.unlink(missing_ok=True)
        columns = {k: v for k, v in COLUMNS["settlements"].items() if k not in ("x", "y")}
        _write_vector(data.layers["settlements"], settlements, columns, layer="cum_dan_cu")
        entries["settlements"] = {"path": settlements.name, **columns}
    entries |= _write_reference(data, out)
    if (
        "operator_coverage" in data.layers
    ):  # the operator's map as Google Earth polygons (geo/demo/operator_map.py)
        from geo.demo.operator_map import write_kmz

        columns = COLUMNS["operator_coverage"]
        path = write_kmz(data.layers["operator_coverage"], out / "vung_phu_mobifone.kmz", columns)
        entries["operator_coverage"] = {"path": path.name, **columns}
    entries["unit_stats"] = _write_stats(data, out)
    if data.dem is not None:
        from geo.demo.dem import write_dem

        level = 1 if data.bulk else 9  # benchmark DEMs are large and never committed: fast over small
        entries["dem"] = {"path": write_dem(out / "dem.tif", data.dem, level=level).name}
    _write_manifest(data, out, entries)


def _write_reference(data: DemoData, out: Path) -> dict[str, dict]:
    """Write the optional reference layers the demo has (roads, rivers, places); return their entries."""
    entries: dict[str, dict] = {}
    for layer, stem in _REFERENCE_FILES.items():
        if layer not in data.layers:
            continue
        if layer == "places":
            entries[layer] = _write_points(data, out, layer, stem, bom=True)
            continue
        path = out / f"{stem}.geojson"
        path.unlink(missing_ok=True)
        columns = COLUMNS[layer]
        _write_vector(data.layers[layer], path, columns, layer=stem)
        entries[layer] = {"path": path.name, **columns}
    return entries


def _write_vector(gdf: gpd.GeoDataFrame, path: Path, columns: dict[str, str], *, layer: str) -> None:
    """Write a polygon or point layer to GeoPackage/GeoJSON with file column names."""
    frame = gdf[[*columns, "geometry"]].rename(columns=columns)
    if path.suffix == ".gpkg":
        with _pinned_gdal_date():
            pyogrio.write_dataframe(frame, path, layer=layer, use_arrow=_USE_ARROW)
    else:
        pyogrio.write_dataframe(frame, path, layer=layer)


@contextmanager
def _pinned_gdal_date() -> Iterator[None]:
    """Make GDAL stamp GeoPackage tables with a fixed date (``OGR_CURRENT_DATE``), then restore it."""
    before = pyogrio.get_gdal_config_option("OGR_CURRENT_DATE")
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": _PINNED_ISO})
    try:
        yield
    finally:
        pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": before})


def _point_table(gdf: gpd.GeoDataFrame, columns: dict[str, str]) -> pd.DataFrame:
    """Return the attribute table of a point layer with x/y columns (6 decimals ≈ 0.1 m).

    Columns of ``gdf`` outside the model (e.g. "STT", "Tên trạm") come first, as they are.
    """
    fields = [c for c in columns if c not in ("x", "y")]
    extras = [c for c in gdf.columns if c not in columns and c != "geometry"]
    table = gdf[extras + fields].rename(columns=columns)
    table[columns["x"]] = np.round(shapely.get_x(gdf.geometry.values), 6)
    table[columns["y"]] = np.round(shapely.get_y(gdf.geometry.values), 6)
    return table


def _write_points(
    data: DemoData, out: Path, layer: str, stem: str, *, bom: bool = False, sheet: str = "", title: str = ""
) -> dict:
    """Write a point layer as CSV (benchmarks, or no ``sheet``) or an Excel sheet; return its manifest."""
    columns = COLUMNS[layer]
    table = _point_table(data.layers[layer], columns)
    if sheet and not data.bulk:
        path = out / f"{stem}.xlsx"
        _write_xlsx(table, path, sheet=sheet, title=title)
        return {"path": path.name, "sheet": sheet, **columns}
    path = out / f"{stem}.csv"
    table.to_csv(path, index=False, encoding="utf-8-sig" if bom else "utf-8", lineterminator="\n")
    return {"path": path.name, **columns}


def _write_stats(data: DemoData, out: Path) -> dict:
    """Write the wide unit statistics (Vietnamese indicator labels); return the manifest entry."""
    columns = COLUMNS["unit_stats"]
    table = labelled(data.unit_stats).rename(columns=columns)
    labels = {label: ind for label, ind in INDICATOR_LABELS.items() if label in table.columns}
    if data.bulk:
        path = out / "chi_tieu.csv"
        table.to_csv(path, index=False, encoding="utf-8-sig", lineterminator="\n")
        extra = {}
    else:
        path = out / "chi_tieu.xlsx"
        _write_xlsx(table, path, sheet=_STATS_SHEET)
        extra = {"sheet": _STATS_SHEET}
    return {"path": path.name, **extra, **columns, "indicators": labels}


def _write_xlsx(table: pd.DataFrame, path: Path, *, sheet: str, title: str = "") -> None:
    """Write ``table`` to one sheet (optional title row above the header) with pinned dates."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    if title:
        ws.append([title])
    ws.append(list(table.columns))
    for row in table.astype(object).where(table.notna(), None).itertuples(index=False):
        ws.append(list(row))
    wb.properties.creator = "geo.demo"
    wb.save(path)
    _pin_zip(path)


def _pin_zip(path: Path) -> None:
    """Rewrite the zip at ``path`` with fixed entry dates and document dates, so reruns give equal bytes."""
    with zipfile.ZipFile(path) as src:
        entries = [(info.filename, src.read(info)) for info in src.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for name, payload in entries:
            if name == "docProps/core.xml":
                payload = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", _PINNED_ISO.encode(), payload)
            dst.writestr(zipfile.ZipInfo(name, date_time=_PINNED_DATE), payload, zipfile.ZIP_DEFLATED)


def _write_manifest(data: DemoData, out: Path, entries: dict[str, dict]) -> None:
    """Write ``dataset.yaml`` naming every file and mapping every column."""
    manifest: dict = {"name": data.name}
    if data.province:
        manifest["province"] = data.province
    manifest["crs"] = STORAGE_CRS
    manifest["catalogue"] = "demo"
    if data.metric_crs:
        manifest["settings"] = {"metric_crs": data.metric_crs}
    manifest["layers"] = entries
    text = yaml.safe_dump(manifest, allow_unicode=True, sort_keys=False, width=200)
    header = "# Generated by geo/demo (python -m geo demo): fictional data, not a real territory.\n"
    (out / "dataset.yaml").write_text(header + text, encoding="utf-8")
