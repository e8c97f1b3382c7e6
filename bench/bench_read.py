"""Benchmark of reading a dataset folder: one JSON line per figure, against the plain-read floor.

Run from the repository root: ``python bench/bench_read.py [--data DIR] [--scales province,national]``.
``DIR`` holds one generated dataset per scale (``DIR/province``, ``DIR/national``, as written by
``python -m geo demo --scale S --out DIR/S``); it defaults to ``/tmp/bench`` when that exists,
otherwise the scales are generated into a temporary folder first.

Figures (each measured in a fresh process, so ``peak_mb`` is that figure's own peak resident
memory, interpreter and imports included):

- ``read_<layer>``: one layer as :func:`geo.io.dataset.read_dataset` reads it (file, CRS, names,
  attribute checks, and unit-geometry cleaning for unit layers);
- ``read_total``: the whole :func:`geo.io.dataset.read_dataset` (every layer, unit hierarchy,
  unit statistics);
- ``read_floor``: the same files read with no checks at all (``pyogrio.read_dataframe`` with
  Arrow for map files, ``pandas.read_csv`` with the pyarrow engine for CSV, ``pandas.read_excel``);
- ``read_vs_floor``: ``read_total`` seconds over ``read_floor`` seconds (``ratio``).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

DEFAULT_DATA = Path("/tmp/bench")
SCALES = ("province", "national")


def _layer_reader(folder: Path, role: str) -> Callable[[], Any]:
    """What ``read_dataset`` does for one spatial layer of the manifest in ``folder``."""
    from geo.io.manifest import read_manifest
    from geo.io.sources import read_layer
    from geo.io.units import clean_unit_geometries
    from geo.io.validate import validate_layer
    from geo.settings import UNIT_LEVELS

    manifest = read_manifest(folder)
    spec = next(s for s in manifest.layers if s.role == role)

    def run() -> Any:
        read = read_layer(
            spec.path, layer=role, columns=spec.columns, crs=spec.crs or manifest.crs,
            province=manifest.province, sheet=spec.sheet, gpkg_layer=spec.layer, x=spec.x, y=spec.y,
        )  # fmt: skip
        gdf, _ = validate_layer(read.gdf, layer=role, file=spec.path.name)
        if role in UNIT_LEVELS:
            gdf, _ = clean_unit_geometries(gdf, layer=role, file=spec.path.name)
        return gdf

    return run


def _floor_reader(folder: Path) -> Callable[[], Any]:
    """Read every file of the manifest in ``folder`` with pyogrio/pandas and nothing else."""
    import pandas as pd
    import pyogrio

    from geo.io.manifest import read_manifest

    specs = read_manifest(folder).layers

    def read(spec: Any) -> Any:
        suffix = spec.path.suffix.lower()
        if suffix in (".csv", ".txt", ".tsv"):
            return pd.read_csv(spec.path, engine="pyarrow")
        if suffix in (".xlsx", ".xlsm"):
            return pd.read_excel(spec.path, sheet_name=spec.sheet or 0)
        return pyogrio.read_dataframe(spec.path, layer=spec.layer, use_arrow=True)

    return lambda: [read(spec) for spec in specs]


def _measure(folder: Path, figure: str) -> dict[str, Any]:
    """Run one figure in this process and return its seconds and peak memory (MB)."""
    if figure == "read_total":
        from geo.io.dataset import read_dataset

        run = lambda: read_dataset(folder)  # noqa: E731
    elif figure == "read_floor":
        run = _floor_reader(folder)
    else:
        run = _layer_reader(folder, figure.removeprefix("read_"))
    start = time.perf_counter()
    run()
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": round(seconds, 3), "peak_mb": round(peak, 1)}


def _figures(folder: Path) -> list[str]:
    from geo.io.manifest import read_manifest

    roles = [s.role for s in read_manifest(folder).layers if s.role != "unit_stats"]
    return [f"read_{role}" for role in roles] + ["read_total", "read_floor"]


def _child(folder: Path, figure: str) -> dict[str, Any]:
    """Measure ``figure`` in a fresh Python process (its own imports, caches and peak memory)."""
    command = [sys.executable, __file__, "--one", str(folder), "--figure", figure]
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def bench_scale(scale: str, folder: Path) -> None:
    """Print every figure of one scale as a JSON line."""
    results = {}
    for figure in _figures(folder):
        results[figure] = _child(folder, figure)
        print(json.dumps({"scale": scale, "figure": figure, **results[figure]}), flush=True)
    ratio = results["read_total"]["seconds"] / results["read_floor"]["seconds"]
    print(json.dumps({"scale": scale, "figure": "read_vs_floor", "ratio": round(ratio, 2)}), flush=True)


def _data_folder(data: Path | None, scales: list[str], tmp: Path) -> Path:
    """The folder holding one dataset per scale: ``data``, else /tmp/bench, else freshly generated."""
    if data is not None:
        return data
    if all((DEFAULT_DATA / s / "dataset.yaml").is_file() for s in scales):
        return DEFAULT_DATA
    from geo.demo import write_demo

    for scale in scales:
        write_demo(tmp / scale, scale=scale)
    return tmp


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, help="folder with one generated dataset per scale")
    parser.add_argument("--scales", default=",".join(SCALES), help="comma-separated, e.g. province,national")
    parser.add_argument("--one", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--figure", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one is not None:
        print(json.dumps(_measure(args.one, args.figure)))
        return 0
    scales = args.scales.split(",")
    with tempfile.TemporaryDirectory(prefix="bench-read-") as tmp:
        folder = _data_folder(args.data, scales, Path(tmp))
        for scale in scales:
            bench_scale(scale, folder / scale)
    return 0


if __name__ == "__main__":
    sys.exit(main())
