"""Weak-signal zones in and out of files: import from GeoJSON, KML/KMZ and GeoPackage; export to GeoJSON,
KML, GeoPackage and XLSX.

Reading goes through :func:`geo.io.sources.read_layer` (format, CRS, features outside Vietnam), then
columns are matched to the zone fields by name or by Vietnamese alias ("Tên", "Ghi chú", "Nhà mạng",
...; case, diacritics and spaces ignored) and checked by :func:`geo.zones.record.validate_zones`. Names and
notes are kept exactly as written, HTML included; exports write them as data (XLSX cells are always
text, never formulas), so escaping is left to whatever displays them.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from geo.auth.roles import Actor
from geo.errors import DataError, Problem, errors_in
from geo.io.sources import read_layer
from geo.io.tables import column_key
from geo.model import Dataset
from geo.plans.cells import write_xlsx
from geo.zones.record import ZONE_FIELDS, frame_zones, validate_zones
from geo.zones.store import ZoneStore

__all__ = ["FIELD_ALIASES", "EXPORT_SUFFIXES", "read_zones", "import_zones", "export_zones"]

log = logging.getLogger(__name__)

#: File column names accepted for each zone field, first match wins (compared by
#: :func:`geo.io.tables.column_key`: case, diacritics and spaces ignored).
FIELD_ALIASES = {
    "zone_id": ("zone_id", "mã vùng"),
    "name": ("name", "tên", "tên vùng"),
    "technology": ("technology", "công nghệ", "loại sóng"),
    "operators": ("operators", "nhà mạng"),
    "severity": ("severity", "mức độ"),
    "households": ("households", "số hộ", "số hộ ảnh hưởng"),
    "reported_by": ("reported_by", "người báo cáo"),
    "note": ("note", "ghi chú", "mô tả", "description"),
    "status": ("status", "trạng thái"),
    "village_uid": ("village_uid",),
    "commune_uid": ("commune_uid",),
    "deleted": ("deleted", "đã xóa"),
    "created_at": ("created_at", "ngày tạo"),
}
#: Export formats by file suffix.
EXPORT_SUFFIXES = (".geojson", ".json", ".kml", ".gpkg", ".xlsx")
_LAYER = "weak_zones"


def _match_columns(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Frame with the zone fields found by alias, ``source_row`` and geometry (other columns dropped)."""
    keys: dict[str, str] = {}
    for column in gdf.columns:
        keys.setdefault(column_key(column), column)
    out = {}
    for field, aliases in FIELD_ALIASES.items():
        found = next((keys[column_key(a)] for a in aliases if column_key(a) in keys), None)
        if found is not None:
            out[field] = gdf[found].to_numpy()
    out["source_row"] = gdf["source_row"].to_numpy()
    return gpd.GeoDataFrame(out, geometry=gdf.geometry.array, crs=gdf.crs)


def read_zones(
    path: str | Path,
    *,
    crs: str | None = None,
    gpkg_layer: str | None = None,
    dataset: Dataset | None = None,
    existing: gpd.GeoDataFrame | None = None,
) -> tuple[gpd.GeoDataFrame, list[Problem]]:
    """Read zones from a GeoJSON, KML/KMZ or GeoPackage file; every feature is one zone.

    ``crs`` is the file's CRS when it carries none; ``gpkg_layer`` picks a GeoPackage layer. Returns the
    usable zones (EPSG:4326, :data:`geo.zones.record.ZONE_FIELDS`, ``source_row``) and the problems of
    :func:`geo.zones.record.validate_zones` (dataset and duplicate checks when ``dataset``/``existing``
    are given)
    plus those of reading; features with errors are left out. Raises :class:`DataError` (with problems
    naming the file and the fix) when the file cannot be read at all.
    """
    path = Path(path)
    read = read_layer(path, layer=_LAYER, crs=crs, gpkg_layer=gpkg_layer)
    zones, problems = validate_zones(
        _match_columns(read.gdf), file=path.name, dataset=dataset, existing=existing
    )
    return zones, read.problems + problems


def import_zones(
    paths: Iterable[str | Path],
    store: ZoneStore,
    *,
    user: Actor | str,
    crs: str | None = None,
    dataset: Dataset | None = None,
) -> tuple[list[str], list[Problem]]:
    """Add every zone of ``paths`` to ``store`` — all of them or, when any feature has an error, none.

    Zones whose ``zone_id`` is already in the store (a re-import of an export) are skipped with a
    warning. Returns the new zone ids and every problem; nothing is written when an error is among them
    or when a file cannot be read (its :class:`DataError` problems are returned).
    """
    existing = store.list(include_deleted=True)
    known = set(existing["zone_id"])
    batches, problems = [], []
    for path in map(Path, paths):
        try:
            zones, found = read_zones(path, crs=crs, dataset=dataset, existing=existing)
        except DataError as exc:
            problems += exc.problems or [Problem("error", path.name, str(exc), exc.en, layer=_LAYER)]
            continue
        repeated = zones["zone_id"].isin(known).to_numpy()
        found += [
            Problem(
                "warning",
                path.name,
                f"Vùng '{name}' (mã {zid}) đã có trong kho; bỏ qua.",
                f"Zone '{name}' ({zid}) is already in the store; skipped.",
                layer=_LAYER,
                feature=f"feature {row}",
            )
            for zid, name, row in zones.loc[repeated, ["zone_id", "name", "source_row"]].itertuples(
                index=False
            )
        ]
        zones = zones.loc[~repeated]
        problems += found
        batches.append(zones)
        existing = pd.concat([existing, zones.drop(columns="source_row")], ignore_index=True)
        known |= set(zones["zone_id"]) - {""}
    if errors_in(problems) or not batches:
        return [], problems
    frame = pd.concat(batches, ignore_index=True).drop(columns="source_row")
    ids = store.add_many(frame_zones(frame), user=user) if len(frame) else []
    return ids, problems


def _xlsx(gdf: gpd.GeoDataFrame, path: Path) -> None:
    """One row per zone: the fields, then centroid lon/lat (degrees); text is never a formula
    (:func:`geo.plans.cells.write_xlsx`)."""
    centroid = shapely.centroid(np.asarray(gdf.geometry.array, dtype=object))
    df = pd.DataFrame(gdf[list(ZONE_FIELDS)])
    df["lon"], df["lat"] = shapely.get_x(centroid), shapely.get_y(centroid)
    write_xlsx({"vung_lom_song": df}, path)


def export_zones(gdf: gpd.GeoDataFrame, path: str | Path) -> Path:
    """Write zones (a :meth:`ZoneStore.list` frame) to ``path`` by its suffix; return the path.

    ``.geojson``/``.json`` (EPSG:4326, full precision), ``.kml`` (placemark name = zone name, every field as
    ExtendedData), ``.gpkg`` (layer ``weak_zones``; an existing file is replaced) and ``.xlsx`` (one row
    per zone with centroid ``lon``/``lat``). Raises :class:`DataError` for another suffix.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in EXPORT_SUFFIXES:
        raise DataError(
            f"{path.name}: không xuất được định dạng {suffix}; dùng {', '.join(EXPORT_SUFFIXES)}.",
            f"{path.name}: cannot export {suffix}; use {', '.join(EXPORT_SUFFIXES)}.",
        )
    out = gdf[[*ZONE_FIELDS, "geometry"]].copy()
    if suffix == ".xlsx":
        _xlsx(out, path)
    elif suffix == ".kml":
        pyogrio.write_dataframe(out, path, layer=_LAYER, driver="KML", dataset_options={"NameField": "name"})
    elif suffix == ".gpkg":
        path.unlink(missing_ok=True)
        pyogrio.write_dataframe(out, path, layer=_LAYER, driver="GPKG")
    else:
        path.unlink(missing_ok=True)
        pyogrio.write_dataframe(out, path, driver="GeoJSON", layer_options={"SIGNIFICANT_FIGURES": 17})
    log.info("%d zones written to %s", len(out), path)
    return path
