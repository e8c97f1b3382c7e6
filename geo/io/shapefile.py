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
