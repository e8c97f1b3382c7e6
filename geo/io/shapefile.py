"""Shapefiles from Vietnamese GIS offices: the .dbf's text encoding decided and decoded.

Attribute text comes in UTF-8 or Windows-1258 (TCVN 5712 era software), with or without a
.cpg naming it. GDAL builds may lack Windows-1258, so non-UTF-8 text is read byte for byte
as Latin-1 and decoded here.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
from pyproj import CRS
from pyproj.exceptions import CRSError

from geo.errors import DataError, Problem

__all__ = ["read_shapefile"]


def _codec_from_cpg(text: str) -> str | None:
    name = text.strip().lower().replace("_", "-")
    digits = re.fullmatch(r"(?:ansi|cp|windows-?|ldid/)?\s*(\d+)", name)
    if digits:
        name = "utf-8" if digits.group(1) == "65001" else f"cp{digits.group(1)}"
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _dbf_codec(shp: Path) -> str:
    """Return the .dbf's text encoding: the .cpg's if readable, else UTF-8 if it decodes, else cp1258."""
    cpg = next((p for p in shp.parent.glob(shp.stem + ".*") if p.suffix.lower() == ".cpg"), None)
    if cpg is not None and (codec := _codec_from_cpg(cpg.read_text(errors="replace"))):
        return codec
    dbf = next((p for p in shp.parent.glob(shp.stem + ".*") if p.suffix.lower() == ".dbf"), None)
    try:
        (dbf.read_bytes() if dbf else b"").decode("utf-8")
    except UnicodeDecodeError:
        return "cp1258"
    return "utf-8"


def read_shapefile(shp: str | Path) -> gpd.GeoDataFrame:
    """Read a shapefile in its own CRS with its .dbf text (values and field names) decoded right.

    The encoding is the .cpg's when it names one, else UTF-8 when the whole .dbf decodes as UTF-8,
    else Windows-1258. Text is not yet NFC-normalised (Windows-1258 yields decomposed tone marks):
    callers normalise. Returns the features in file order.
    """
    shp = Path(shp)
    _require_dbf(shp)
    gdf = _read_decoded(shp)
    prj = _sibling(shp, ".prj")
    if prj is not None and not _readable_prj(prj):
        gdf = gdf.set_crs(None, allow_override=True) if gdf.crs is not None else gdf
        gdf.attrs["unreadable_prj"] = prj.name  # reported by geo.io.sources with the CRS guess
    return gdf


def _sibling(shp: Path, suffix: str) -> Path | None:
    """The file beside ``shp`` with the same stem and ``suffix`` (any case), or ``None``."""
    return next((p for p in shp.parent.glob(shp.stem + ".*") if p.suffix.lower() == suffix), None)


def _require_dbf(shp: Path) -> None:
    """Refuse a shapefile whose .dbf (the attribute table) is missing, naming the file to add."""
    if _sibling(shp, ".dbf") is not None:
        return
    vi = f"{shp.name}: thiếu tệp {shp.stem}.dbf (bảng thuộc tính: tên, mã...) đi kèm tệp .shp."
    en = (
        f"{shp.name}: the file {shp.stem}.dbf (the attribute table: names, codes...) is missing beside "
        "the .shp."
    )
    fix = (
        "Nén (hoặc chép) đủ các tệp .shp, .shx, .dbf, .prj (và .cpg) cùng tên.",
        "Zip (or copy) all the .shp, .shx, .dbf, .prj (and .cpg) files of the same name.",
    )
    raise DataError(vi, en, problems=[Problem("error", shp.name, vi, en, *fix)])


def _readable_prj(prj: Path) -> bool:
    """True when the .prj holds a coordinate system pyproj understands (an empty one counts as absent)."""
    text = prj.read_text(encoding="utf-8", errors="replace").strip()
    if not text:
        return True
    try:
        CRS.from_wkt(text)
    except CRSError:
        try:
            CRS.from_user_input(text)
        except CRSError:
            return False
    return True


def _read_decoded(shp: Path) -> gpd.GeoDataFrame:
    codec = _dbf_codec(shp)
    if codec == "utf-8":
        return pyogrio.read_dataframe(shp, encoding="UTF-8")
    # GDAL builds may lack Windows-1258: read bytes 1:1 as Latin-1 and decode them here.
    gdf = pyogrio.read_dataframe(shp, encoding="ISO-8859-1")
    text_columns = [c for c in gdf.columns if c != "geometry" and pd.api.types.is_string_dtype(gdf[c])]
    for col in text_columns:
        gdf[col] = gdf[col].str.encode("latin-1").str.decode(codec, errors="replace")
    names = {c: c.encode("latin-1").decode(codec, errors="replace") for c in gdf.columns if c != "geometry"}
    return gdf.rename(columns=names)
