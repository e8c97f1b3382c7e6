"""Open any vector file a planner hands in, in its own CRS: GeoJSON, Shapefile (loose or zipped),
GeoPackage and KML/KMZ; archives are checked (:mod:`geo.io.archives`) before anything is unpacked,
and a file with several layers or map files is read by the name the manifest gives.
"""

from __future__ import annotations

import tempfile
import warnings
import zipfile
from pathlib import Path, PurePosixPath

import geopandas as gpd
import pyogrio

from geo.errors import DataError, Problem
from geo.io.archives import MAX_UNPACKED_BYTES, check_archive
from geo.io.kml import read_kml
from geo.io.shapefile import read_shapefile
from geo.io.tables import column_key

__all__ = ["MAX_ZIP_UNCOMPRESSED_BYTES", "VECTOR_SUFFIXES", "read_vector"]

#: Largest total uncompressed size accepted from a .zip/.kmz (bytes). A national village-boundary
#: shapefile is a few hundred MB; anything above 1 GiB is refused as a likely zip bomb.
MAX_ZIP_UNCOMPRESSED_BYTES = MAX_UNPACKED_BYTES

#: Suffixes of the vector files read (besides .zip archives holding one).
VECTOR_SUFFIXES = (".geojson", ".json", ".shp", ".gpkg", ".kml", ".kmz")


def _zip_members(path: Path) -> list[zipfile.ZipInfo]:
    """Return the archive's file members after refusing unsafe ones (path escape, size bomb)."""
    members = check_archive(path, max_bytes=MAX_ZIP_UNCOMPRESSED_BYTES)
    return [m for m in members if not m.is_dir()]


def _pick(
    path_label: str, candidates: list[str], wanted: str | None, layer: str, what: tuple[str, str]
) -> str:
    """Return the candidate named ``wanted`` (or ``layer``), the only one, else raise listing them."""
    keys = {column_key(PurePosixPath(c).stem): c for c in candidates}
    for name in (wanted, layer):
        if name and column_key(name) in keys:
            return keys[column_key(name)]
    if len(candidates) == 1 and not wanted:
        return candidates[0]
    listing = ", ".join(PurePosixPath(c).stem for c in candidates)
    raise DataError(
        f"{path_label}: không chọn được {what[0]} cho lớp {layer} (có: {listing}).",
        f"{path_label}: cannot choose the {what[1]} for layer {layer} (found: {listing}).",
        problems=[
            Problem(
                "error",
                path_label,
                f"Tệp có nhiều {what[0]}: {listing}.",
                f"The file has several {what[1]}s: {listing}.",
                f"Thêm `layer: <tên>` cho lớp {layer} trong dataset.yaml.",
                f"Add `layer: <name>` for layer {layer} to dataset.yaml.",
                layer=layer,
            )
        ],
    )


def read_vector(path: Path, label: str, *, layer: str, gpkg_layer: str | None) -> gpd.GeoDataFrame:
    """Read any vector file (zip extracted to a temporary folder) in its own CRS."""
    suffix = path.suffix.lower()
    if suffix == ".kmz":
        _zip_members(path)
        return read_kml(path)
    if suffix == ".zip":
        members = _zip_members(path)
        with tempfile.TemporaryDirectory(prefix="geo-zip-") as folder:
            with zipfile.ZipFile(path) as archive:
                archive.extractall(folder, members=members)
            readable = [
                m.filename for m in members if PurePosixPath(m.filename).suffix.lower() in VECTOR_SUFFIXES
            ]
            if not readable:
                raise DataError(
                    f"{label}: tệp nén không chứa tệp bản đồ (.shp, .gpkg, .geojson, .kml).",
                    f"{label}: the archive holds no map file (.shp, .gpkg, .geojson, .kml).",
                )
            member = (
                readable[0]
                if len(readable) == 1
                else _pick(label, readable, gpkg_layer, layer, ("tệp", "file"))
            )
            return read_vector(Path(folder) / member, f"{label}/{member}", layer=layer, gpkg_layer=gpkg_layer)
    if suffix == ".kml":
        return read_kml(path)
    if suffix == ".shp":
        return read_shapefile(path)
    if suffix not in VECTOR_SUFFIXES:
        raise DataError(
            f"{label}: không đọc được định dạng {suffix}; dùng GeoJSON, Shapefile (.shp/.zip), GeoPackage, "
            "KML/KMZ, CSV hoặc XLSX.",
            f"{label}: cannot read {suffix} files; use GeoJSON, Shapefile (.shp/.zip), GeoPackage, KML/KMZ, "
            "CSV or XLSX.",
        )
    layers = [str(n) for n, geometry_type in pyogrio.list_layers(path) if geometry_type is not None]
    if not layers:
        raise DataError(f"{label}: tệp không có lớp bản đồ nào.", f"{label}: the file has no spatial layer.")
    chosen = _pick(label, layers, gpkg_layer, layer, ("lớp", "layer")) if suffix == ".gpkg" else layers[0]
    with warnings.catch_warnings():  # NaN coordinates warn here; geo.io.sources reports each such feature
        warnings.filterwarnings("ignore", "invalid value encountered", RuntimeWarning)
        return pyogrio.read_dataframe(path, layer=chosen)
