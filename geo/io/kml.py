"""Google Earth KML/KMZ files: every folder read and concatenated into one GeoDataFrame.

GDAL's LIBKML driver turns each ``<Folder>`` (nested ones included) into a layer and each
``<ExtendedData>`` field into a column; this module reads them all, records the folder
name in a ``folder`` column, drops GDAL's styling bookkeeping and keeps the 2D geometry.
"""

from __future__ import annotations

import logging
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import shapely

from geo.errors import DataError
from geo.settings import STORAGE_CRS

__all__ = ["read_kml"]

log = logging.getLogger(__name__)

#: Columns LIBKML adds for display state, never planners' data.
_STYLE_COLUMNS = ["altitudeMode", "tessellate", "extrude", "visibility", "drawOrder", "icon"]
#: Columns LIBKML adds that are dropped when no feature fills them.
_OPTIONAL_COLUMNS = ["id", "description", "timestamp", "begin", "end"]


def read_kml(path: str | Path) -> gpd.GeoDataFrame:
    """Return every placemark of a KML or KMZ file in document order, in EPSG:4326, 2D.

    Columns: ``Name`` (the placemark name), ``description`` when any is filled, one column per
    ExtendedData field (text, as written), ``folder`` (the enclosing folder's name, or the
    document's for top-level placemarks) and the geometry. Raises :class:`DataError` when the
    file cannot be opened or holds no placemark.
    """
    path = Path(path)
    try:
        layers = pyogrio.list_layers(path)
    except pyogrio.errors.DataSourceError as exc:
        raise DataError(
            f"{path.name}: không mở được tệp KML/KMZ ({exc}).", f"{path.name}: cannot open KML/KMZ ({exc})."
        ) from exc
    parts = []
    for index, (name, _geometry_type) in enumerate(layers):
        part = pyogrio.read_dataframe(path, layer=int(index))
        if part.empty:
            continue
        parts.append(part.drop(columns=[c for c in _STYLE_COLUMNS if c in part.columns]).assign(folder=name))
    if not parts:
        raise DataError(
            f"{path.name}: tệp KML không có đối tượng (placemark) nào.",
            f"{path.name}: the KML file holds no placemark.",
        )
    gdf = gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), geometry="geometry", crs=STORAGE_CRS)
    empty = [c for c in _OPTIONAL_COLUMNS if c in gdf.columns and gdf[c].isna().all()]
    gdf = gdf.drop(columns=empty)
    gdf["geometry"] = shapely.force_2d(gdf.geometry.array)
    log.info("%s: %d placemarks in %d folders", path.name, len(gdf), len(parts))
    return gdf
