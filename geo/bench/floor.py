"""The floor of the benchmark: the least work any correct tool must do with a dataset's files.

A plain read of every file the manifest names — vector layers with pyogrio through Arrow, tables with
``pyarrow.csv`` — with no validation, no name matching and no CRS decisions, plus one spatial join
(``geopandas.sjoin``, predicate ``within``) of the speed tests to the deepest unit layer (the villages).
Every figure of ``python -m geo bench`` is printed as a ratio to this floor measured in the same run,
because absolute times vary 2× between machines and with the load of a shared one.
"""

from __future__ import annotations

import time
from pathlib import Path

import geopandas as gpd
import pyarrow.csv as pacsv
import pyogrio

from geo.io.manifest import read_manifest
from geo.settings import UNIT_LEVELS

__all__ = ["measure_floor"]


def _plain_read(folder: Path) -> tuple[dict[str, object], dict[str, object]]:
    """Read every layer's file as plainly as possible: ({role: table or frame}, manifest specs by role)."""
    manifest = read_manifest(folder)
    tables: dict[str, object] = {}
    for spec in manifest.layers:
        suffix = spec.path.suffix.lower()
        if suffix == ".csv":
            tables[spec.role] = pacsv.read_csv(spec.path)
        elif suffix in (".gpkg", ".geojson", ".shp", ".fgb"):
            tables[spec.role] = pyogrio.read_dataframe(spec.path, layer=spec.layer, use_arrow=True)
    return tables, {spec.role: spec for spec in manifest.layers}


def measure_floor(folder: str | Path) -> dict[str, float]:
    """Time the plain read and the one ``sjoin`` of the speed tests to the villages, in seconds.

    Returns ``{"read": s, "sjoin": s, "floor": s}`` (``sjoin`` is 0 when the dataset has no speed tests
    or no unit polygons). The tests' coordinates are the manifest's ``x``/``y`` columns, in EPSG:4326.
    """
    folder = Path(folder)
    start = time.perf_counter()
    tables, specs = _plain_read(folder)
    read_s = time.perf_counter() - start
    units = next((tables[level] for level in reversed(UNIT_LEVELS) if level in tables), None)
    tests = tables.get("speed_tests")
    sjoin_s = 0.0
    if units is not None and tests is not None:
        spec = specs["speed_tests"]
        start = time.perf_counter()
        points = gpd.GeoDataFrame(
            geometry=gpd.points_from_xy(
                tests.column(spec.x).to_numpy(), tests.column(spec.y).to_numpy(), crs="EPSG:4326"
            )
        )
        gpd.sjoin(points, units[["geometry"]].set_crs("EPSG:4326", allow_override=True), predicate="within")
        sjoin_s = time.perf_counter() - start
    return {"read": read_s, "sjoin": sjoin_s, "floor": read_s + sjoin_s}
