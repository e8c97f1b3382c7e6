"""Benchmark of speed tests as partitions on dask: 20 M tests per unit with the client's memory bounded.

``python -m geo bench --scales dask`` (or ``bench/bench_dask.py``) generates :data:`ROWS` tests
near the national demo's villages as Parquet partitions of 1 M rows in a temporary folder
(never committed), then, each in its own process so that its peak memory is its own:

- ``memory_1m``: the in-memory path on one partition (1 M tests: read + locate + exact summary);
- ``dask_1m``: the dask path on that one partition, and ``identical_1m``: whether its per-unit
  summary equals the in-memory one exactly (counts, medians, means; every level and network);
- ``dask_20m``: the dask path on all partitions, on the default local cluster (or the one
  ``--scheduler`` / ``COVERAGE_DASK_SCHEDULER`` names), with the client's peak resident memory
  and the workers' (sampled) peak.

Figures are JSON lines like the main bench: ``seconds``, ``rows_per_s``, ``peak_mb`` (this
process, the dask client) and ``workers_peak_mb``; ``ratio_rows_per_s_vs_memory_1m`` compares
the dask path's rate on 20 M with the in-memory path's on 1 M. The budget (issue 11) is a
client peak of at most 1.5 GB.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["ROWS", "PARTITION_ROWS", "write_partitions", "run_dask_bench"]

ROWS = 20_000_000
PARTITION_ROWS = 1_000_000
_UNIT_LAYERS = ("provinces", "districts", "communes", "villages")


def _emit(**figure: Any) -> None:
    print(json.dumps(figure, ensure_ascii=False), flush=True)


def _peak_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _units_dataset(national: Path, out: Path) -> Path:
    """A dataset folder holding only the unit layers of ``national`` (paths pointing back to it)."""
    import yaml

    manifest = yaml.safe_load((national / "dataset.yaml").read_text(encoding="utf-8"))
    layers = {}
    for role, entry in manifest["layers"].items():
        if role in _UNIT_LAYERS:
            layers[role] = entry | {"path": str((national / entry["path"]).resolve())}
    manifest["layers"] = layers
    out.mkdir(parents=True, exist_ok=True)
    (out / "dataset.yaml").write_text(yaml.safe_dump(manifest, allow_unicode=True), encoding="utf-8")
    return out


def write_partitions(units: Path, out: Path, *, rows: int = ROWS, per_part: int = PARTITION_ROWS) -> Path:
    """Write ``rows`` generated tests near the villages of the dataset ``units`` as Parquet partitions."""
    import pyarrow as pa
    import pyarrow.parquet as pq
    import shapely

    from geo.io.dataset import read_dataset

    villages = read_dataset(units).layers["villages"]
    centre = shapely.get_coordinates(villages.geometry.representative_point())
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(2025)
    networks = np.array(["di động", "cố định"], dtype=object)
    for i, start in enumerate(range(0, rows, per_part)):
        n = min(per_part, rows - start)
        xy = centre[rng.integers(0, len(centre), n)] + rng.normal(0, 0.004, (n, 2))
        download = np.round(rng.gamma(2.0, 25.0, n), 2)
        table = pa.table(
            {
                "loai_mang": networks[(rng.uniform(0, 1, n) < 0.4).astype(int)],
                "tai_xuong_mbps": download,
                "tai_len_mbps": np.round(download * rng.uniform(0.1, 0.9, n), 2),
                "do_tre_ms": np.round(rng.gamma(3.0, 12.0, n)),
                "kinh_do": np.round(xy[:, 0], 6),
                "vi_do": np.round(xy[:, 1], 6),
            }
        )
        pq.write_table(table, out / f"part-{i:05d}.parquet")
    return out


def _with_speed_folder(units: Path, folder: Path, out: Path) -> Path:
    """A copy of the units manifest whose ``speed_tests`` is the partition ``folder``."""
    import yaml

    manifest = yaml.safe_load((units / "dataset.yaml").read_text(encoding="utf-8"))
    manifest["layers"]["speed_tests"] = {
        "path": str(folder),
        "network": "loai_mang",
        "download_mbps": "tai_xuong_mbps",
        "upload_mbps": "tai_len_mbps",
        "latency_ms": "do_tre_ms",
        "x": "kinh_do",
        "y": "vi_do",
    }
    out.mkdir(parents=True, exist_ok=True)
    (out / "dataset.yaml").write_text(yaml.safe_dump(manifest, allow_unicode=True), encoding="utf-8")
    return out


def _workers_peak(stop: threading.Event, peak: list[float]) -> None:
    """Sample the resident memory of this process's children (the local cluster's workers)."""
    import psutil

    me = psutil.Process()
    while not stop.is_set():
        total = 0
        for child in me.children(recursive=True):
            with contextlib.suppress(psutil.Error):
                total += child.memory_info().rss
        peak[0] = max(peak[0], total / 2**20)
        stop.wait(0.2)


def _child(kind: str, dataset: Path, out: Path | None) -> int:
    """One figure in this process: ``memory`` (in-memory path) or ``dask`` on ``dataset``'s folder.

    The per-unit summary is written to ``out`` (Parquet) for the parent to compare.
    """
    np.seterr(all="ignore")
    from geo.compute.hierarchy import build_hierarchy
    from geo.compute.speed_partitions import scheduler_address, summarise_folder, summarise_tests
    from geo.io.dataset import read_dataset
    from geo.io.speed_folder import read_partition

    start = time.perf_counter()
    dataset_ = read_dataset(dataset)
    hierarchy = build_hierarchy(dataset_)
    folder = dataset_.speed_folder
    setup_s = time.perf_counter() - start
    rows = folder.rows
    stop, peak = threading.Event(), [0.0]
    sampler = threading.Thread(target=_workers_peak, args=(stop, peak), daemon=True)
    sampler.start()
    start = time.perf_counter()
    if kind == "memory":
        import pandas as pd

        tests = pd.concat([read_partition(p) for p in folder.partitions], ignore_index=True)
        summary = summarise_tests(tests, hierarchy)
    else:
        summary = summarise_folder(folder, hierarchy)
    seconds = time.perf_counter() - start
    stop.set()
    sampler.join()
    if out is not None:
        summary.to_parquet(out)
    _emit(
        figure=f"{kind}_{rows // 1_000_000}m",
        rows=rows,
        partitions=len(folder.partitions),
        seconds=round(seconds, 2),
        rows_per_s=round(rows / seconds),
        setup_s_read_units_and_count=round(setup_s, 2),
        summary_rows=len(summary),
        peak_mb=_peak_mb(),
        workers_peak_mb=round(peak[0], 1),
        scheduler=scheduler_address() or "local",
    )
    return 0


def run_dask_bench(data: Path | None = None, *, rows: int = ROWS, work: Path | None = None) -> int:
    """Generate the partitions (national villages from ``data/national``, else generated) and run the figures.

    ``work`` keeps the generated partitions there (reused when already complete); default: a new
    temporary folder, removed at the end.
    """
    root = work or Path(tempfile.mkdtemp(prefix="geo-bench-dask-"))
    root.mkdir(parents=True, exist_ok=True)
    try:
        return _run(root, data, rows)
    finally:
        if work is None:
            shutil.rmtree(root, ignore_errors=True)  # the generated tests are never kept


def _run(root: Path, data: Path | None, rows: int) -> int:
    """The figures, with everything generated under ``root``."""
    national = data / "national" if data else None
    if national is None or not (national / "dataset.yaml").exists():
        from geo.demo import write_demo

        national = root / "national"
        write_demo(national, scale="national")
    units = _units_dataset(national, root / "units")
    parts = root / f"partitions_{rows}"
    if not (parts / "complete").exists():
        start = time.perf_counter()
        write_partitions(units, parts, rows=rows)
        (parts / "complete").touch()
        _emit(figure="dask_generate", rows=rows, seconds=round(time.perf_counter() - start, 2))
    one = root / "one_partition"
    one.mkdir(exist_ok=True)
    if not (one / "part-00000.parquet").exists():
        (one / "part-00000.parquet").symlink_to(parts / "part-00000.parquet")
    figures = {}
    for kind, folder in (("memory", one), ("dask", one), ("dask", parts)):
        dataset = _with_speed_folder(units, folder, root / f"ds_{kind}_{folder.name}")
        out = root / f"summary_{kind}_{folder.name}.parquet"
        args = [sys.executable, "-m", "geo.bench.dask_bench", "--child", kind, str(dataset), str(out)]
        result = subprocess.run(args, check=False, capture_output=True, text=True)
        sys.stderr.write(result.stderr[-4000:] if result.returncode else "")
        if result.returncode:
            return result.returncode
        line = json.loads(result.stdout.strip().splitlines()[-1])
        print(json.dumps(line, ensure_ascii=False), flush=True)
        figures[line["figure"]] = line
    import pandas as pd

    same = pd.read_parquet(root / "summary_memory_one_partition.parquet").equals(
        pd.read_parquet(root / "summary_dask_one_partition.parquet")
    )
    _emit(figure="identical_1m", dask_equals_memory=bool(same))
    big = figures.get(f"dask_{rows // 1_000_000}m")
    small = figures.get("memory_1m")
    if big and small:
        _emit(
            figure="dask_vs_memory",
            ratio_rows_per_s_vs_memory_1m=round(big["rows_per_s"] / small["rows_per_s"], 3),
            client_peak_mb=big["peak_mb"],
            client_peak_within_1_5_gb=big["peak_mb"] <= 1536,
        )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m geo.bench.dask_bench")
    parser.add_argument("--data", help="folder holding national/ (the national demo), reused")
    parser.add_argument("--rows", type=int, default=ROWS)
    parser.add_argument("--work", help="folder for the generated partitions (kept and reused)")
    parser.add_argument("--scheduler", help="dask scheduler tcp://HOST:PORT (default: local cluster)")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)  # KIND DATASET [SUMMARY_OUT]
    args = parser.parse_args(argv)
    if args.scheduler:
        from geo.compute.speed_partitions import use_scheduler

        use_scheduler(args.scheduler)
    if args.child:
        out = Path(args.child[2]) if len(args.child) > 2 else None
        return _child(args.child[0], Path(args.child[1]), out)
    work = Path(args.work) if args.work else None
    return run_dask_bench(Path(args.data) if args.data else None, rows=args.rows, work=work)


if __name__ == "__main__":
    sys.exit(main())
