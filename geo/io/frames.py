"""Write data frames and GeoDataFrames to (Geo)Parquet and read them back exactly as they were.

Used by the prepared-dataset cache (:mod:`geo.cache.prepared`): a frame read back must equal the frame
written — same columns, same dtypes (``str``, ``string``, ``boolean``, ``Int64``, ``object``), same index,
same values. Parquet keeps most of that by itself; the rest is recorded in a small JSON-able *schema*
returned by :func:`write_frame` and given back to :func:`read_frame`:

- ``object`` columns come back as ``object`` (Arrow would give ``str``), missing cells as ``None``;
- ``object`` columns of tuples (the names of missing items) are stored as Arrow lists and turned back
  into tuples;
- ``object`` columns Arrow cannot store (mixed ``int``/``str`` cells from a spreadsheet) are stored as
  JSON text, one value per cell.

Geometry is GeoParquet (WKB, or GeoArrow for point layers) and keeps its CRS. Nothing here decides
what is cached or when.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

__all__ = ["write_frame", "read_frame"]

_ARROW_ERRORS = (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError, TypeError, ValueError)


def _object_kind(series: pd.Series) -> str:
    """``"tuple"`` (cells are tuples), ``"json"`` (Arrow cannot hold the cells) or ``"object"``."""
    present = series[series.notna()]
    if len(present) and isinstance(present.iloc[0], tuple):
        return "tuple"
    try:
        pa.array(present, from_pandas=True)
    except _ARROW_ERRORS:
        return "json"
    return "object"


def _json_cell(value: Any) -> str | None:
    """One cell as JSON text (``None`` stays missing); numpy scalars become plain numbers."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    return json.dumps(value, ensure_ascii=False, default=lambda v: v.item() if hasattr(v, "item") else str(v))


def _encoding(gdf: gpd.GeoDataFrame) -> str:
    """``"geoarrow"`` (coordinates as arrays, read back ~1.5× faster) for layers of points only, else WKB
    (mixed Polygon/MultiPolygon layers must come back unchanged, not promoted)."""
    geoms = gdf.geometry
    points = len(geoms) > 0 and bool((geoms.geom_type == "Point").all()) and not geoms.is_empty.any()
    return "geoarrow" if points else "WKB"


def write_frame(df: pd.DataFrame, path: Path) -> dict[str, Any]:
    """Write ``df`` (a DataFrame or GeoDataFrame) to the Parquet file ``path``; return its schema.

    The schema (column → kind of ``object`` column) must be kept by the caller and given to
    :func:`read_frame`. Raises the Arrow error when a column cannot be stored at all.
    """
    kinds = {str(col): _object_kind(df[col]) for col in df.columns if df[col].dtype == object}
    out = df.copy(deep=False)
    for col, kind in kinds.items():
        if kind == "json":
            out[col] = pd.array([_json_cell(v) for v in df[col]], dtype=object)
        elif kind == "tuple":
            out[col] = df[col].map(lambda v: list(v) if isinstance(v, tuple) else None)
    if isinstance(df, gpd.GeoDataFrame):
        out.to_parquet(path, index=True, geometry_encoding=_encoding(df))
    else:
        pq.write_table(pa.Table.from_pandas(out, preserve_index=True), path)
    return {"geo": isinstance(df, gpd.GeoDataFrame), "objects": kinds}


def read_frame(path: Path, schema: dict[str, Any]) -> pd.DataFrame:
    """Read a frame written by :func:`write_frame` with its ``schema``; raises on a damaged file."""
    df = gpd.read_parquet(path) if schema["geo"] else pq.read_table(path).to_pandas()
    plain = [col for col, kind in schema["objects"].items() if kind == "object"]
    if plain:  # Arrow gives object arrays (None where missing) directly, faster than astype(object)
        table = pq.read_table(path, columns=plain)
        for col in plain:
            values = table.column(col).to_numpy(zero_copy_only=False)
            df[col] = pd.Series(values, index=df.index, dtype=object, name=col)
    tuples = [col for col, kind in schema["objects"].items() if kind == "tuple"]
    if tuples:
        table = pq.read_table(path, columns=tuples)
        for col in tuples:
            df[col] = pd.Series(_tuples(table.column(col)), index=df.index, dtype=object, name=col)
    for col, kind in schema["objects"].items():
        if kind == "json":
            cells = [None if v is None else json.loads(v) for v in df[col]]
            df[col] = pd.Series(cells, index=df.index, dtype=object, name=col)
    return df


def _tuples(column: pa.ChunkedArray) -> np.ndarray:
    """An Arrow list column as an object array of tuples (None where missing): the empty lists — most
    cells of a table of missing items — share one ``()``, only the others are built one by one."""
    lists = column.combine_chunks() if column.num_chunks != 1 else column.chunk(0)
    offsets = lists.offsets.to_numpy()
    flat = lists.values.to_pylist()  # Python list slices make tuples fastest
    full = np.flatnonzero(np.diff(offsets) > 0)
    starts, stops = offsets[full].tolist(), offsets[full + 1].tolist()
    cells = np.empty(len(lists), dtype=object)
    cells.fill(())
    made = (tuple(flat[a:b]) for a, b in zip(starts, stops, strict=True))
    cells[full] = np.fromiter(made, dtype=object, count=len(full))
    cells[lists.is_null().to_numpy(zero_copy_only=False)] = None
    return cells
