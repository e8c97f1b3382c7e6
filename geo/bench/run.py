"""``python -m geo bench``: the speed and memory benchmark of reading, computing and evaluating.

Each scale runs in its own process so its peak memory (maximum resident set size) is its
own. Figures are printed as one JSON object per line: ``scale``, ``figure`` and ``seconds``
(with ``peak_mb``) or ``ratio``. First the *floor* (:mod:`geo.bench.floor`: plain Arrow read of
the files + one ``sjoin`` of the speed tests to the villages), then every timed figure also as
``<figure>_vs_floor`` (a ratio measured in the same run). ``evaluate_total`` is the full evaluation
after reading,
through one :class:`geo.plans.assessment.Assessment`: the unit hierarchy, the village coverage, every
other indicator, and the Mường Lay plan (the one with the most targets)
at every level of the dataset. ``speedup_vs_naive`` compares the straightforward geopandas
approach (:mod:`geo.bench.naive`: per-village overlay, ``sjoin`` per layer, row-wise apply) with
the fast path on the same province-scale data, after checking that both give the same answers.
``reopen_from_cache`` re-opens the unchanged dataset from the prepared cache (:mod:`geo.cache.prepared`)
written to a temporary app home.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["run_bench", "bench_scale"]

_PLAN = "muong-lay-2023"
_YEAR = 2025
_AGREEMENT_INDICATORS = ("village_mobile_bb_coverage", "bts_site_sharing", "public_free_wifi")


def _emit(**figure: Any) -> None:
    """Print one figure as a JSON line (flushed, so a parent process sees it at once)."""
    print(json.dumps(figure, ensure_ascii=False), flush=True)


def _peak_mb() -> float:
    """Peak resident memory of this process so far, in MB."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _timed(scale: str, figure: str, func: Callable[[], Any]) -> tuple[Any, float]:
    """Run ``func``, print its wall time and the peak memory so far, and return (result, seconds)."""
    start = time.perf_counter()
    result = func()
    seconds = time.perf_counter() - start
    _emit(scale=scale, figure=figure, seconds=round(seconds, 3), peak_mb=_peak_mb())
    return result, seconds


def _agreement(fast: pd.DataFrame, naive: pd.DataFrame) -> dict[str, float]:
    """Compare the fast and naive values of the indicators both compute, level by level.

    Sharing and Wi-Fi must agree exactly; village coverage may differ where the sample grid
    puts a village on the other side of the covered-share threshold (reported as flips).
    """
    keys = ["level", "uid", "indicator"]
    both = fast[fast["indicator"].isin(_AGREEMENT_INDICATORS)].merge(naive, on=keys, suffixes=("", "_naive"))
    both = both[both["value"].notna() | both["value_naive"].notna()]
    diff = (both["value"] - both["value_naive"]).abs().fillna(np.inf)
    coverage = both["indicator"] == "village_mobile_bb_coverage"
    villages = coverage & (both["level"] == "village")
    communes = coverage & (both["level"] == "commune")
    return {
        "compared": len(both),
        "exact_indicators_max_diff_pp": float(diff[~coverage].max()),
        "village_status_flips": int((diff[villages] > 0).sum()),
        "villages": int(villages.sum()),
        "commune_coverage_max_diff_pp": round(float(diff[communes].max()), 2),
        "commune_coverage_mean_diff_pp": round(float(diff[communes].mean()), 3),
    }


def bench_scale(scale: str, folder: Path, *, naive: bool) -> None:
    """Measure the floor, then read, compute and evaluate the dataset in ``folder``, then re-open it
    from the prepared cache, printing each figure as a JSON line (with its ratio to the floor)."""
    from geo.bench.floor import measure_floor
    from geo.io.dataset import read_dataset
    from geo.plans.assessment import Assessment
    from geo.plans.targets import load_plans

    floor = measure_floor(folder)
    for part in ("read", "sjoin", "floor"):
        _emit(scale=scale, figure=f"floor_{part}", seconds=round(floor[part], 3), peak_mb=_peak_mb())

    def ratio(figure: str, seconds: float) -> None:
        _emit(scale=scale, figure=f"{figure}_vs_floor", ratio=round(seconds / floor["floor"], 3))

    wall = time.perf_counter()
    dataset, read_s = _timed(scale, "read", lambda: read_dataset(folder))
    ratio("read", read_s)
    assessment = Assessment(dataset)
    hierarchy, hierarchy_s = _timed(scale, "hierarchy", lambda: assessment.hierarchy)
    _, coverage_s = _timed(scale, "coverage_villages", lambda: assessment.village_coverage)
    if scale == "province" and dataset.dem is not None:  # the terrain model's budgets (geo.bench.terrain)
        from geo.bench.terrain import bench_terrain

        bench_terrain(scale, dataset, hierarchy, assessment.sites, coverage_s, emit=_emit, peak_mb=_peak_mb)
    _, compute_s = _timed(scale, "indicators_all", lambda: assessment.computed)
    plan = load_plans()[_PLAN]
    levels = sorted(set(hierarchy.nodes["level"]))
    _, eval_s = _timed(
        scale, "evaluation_all_levels", lambda: [assessment.evaluate(plan, _YEAR, level=lv) for lv in levels]
    )
    evaluate_s = hierarchy_s + coverage_s + compute_s + eval_s
    _emit(scale=scale, figure="evaluate_total", seconds=round(evaluate_s, 3), peak_mb=_peak_mb())
    ratio("evaluate", evaluate_s)
    ratio("read_plus_evaluate", read_s + evaluate_s)
    _emit(
        scale=scale,
        figure="total_wall_with_read",
        seconds=round(time.perf_counter() - wall, 3),
        peak_mb=_peak_mb(),
    )
    _emit(scale=scale, figure="read_share_of_total", ratio=round(read_s / (time.perf_counter() - wall), 3))
    _bench_reopen(scale, folder, ratio)
    if scale == "province":  # suggested sites and a scenario's before / after (geo.bench.sites)
        from geo.bench.sites import bench_sites

        bench_sites(scale, dataset, emit=_emit)
    if naive:
        from geo.bench.naive import naive_indicators

        fast_table, fast_s = _timed(scale, "fast_path_same_indicators", lambda: Assessment(dataset).computed)
        naive_table, naive_s = _timed(scale, "naive_geopandas", lambda: naive_indicators(dataset))
        _emit(scale=scale, figure="agreement", **_agreement(fast_table, naive_table))
        _emit(scale=scale, figure="speedup_vs_naive", ratio=round(naive_s / fast_s, 1))


def _bench_reopen(scale: str, folder: Path, ratio: Callable[[str, float], None]) -> None:
    """Prepare ``folder`` into a fresh cache (under a temporary app home, so the benchmark never touches
    the planner's), then time re-opening it unchanged and evaluating at every level from the cache."""
    import os

    from geo.cache.prepared import open_prepared, save_prepared
    from geo.io.upload import HOME_ENV
    from geo.plans.targets import load_plans

    plan = load_plans()[_PLAN]
    with tempfile.TemporaryDirectory(prefix="geo-bench-home-") as home:
        previous = os.environ.get(HOME_ENV)
        os.environ[HOME_ENV] = home
        try:
            first, _ = _timed(scale, "prepare_cache", lambda: open_prepared(folder))
            _ = first.assessment.computed  # built once, then saved with the dataset
            save_prepared(first)
            del first
            again, reopen_s = _timed(scale, "reopen_from_cache", lambda: open_prepared(folder))
            if not again.from_cache:
                _emit(scale=scale, figure="reopen_from_cache", error="cache not used")
            ratio("reopen_from_cache", reopen_s)
            levels = sorted(set(again.assessment.hierarchy.nodes["level"]))
            _, eval_s = _timed(
                scale,
                "reopen_evaluation_all_levels",
                lambda: [again.assessment.evaluate(plan, _YEAR, level=lv) for lv in levels],
            )
            ratio("reopen_plus_evaluate", reopen_s + eval_s)
        finally:
            if previous is None:
                os.environ.pop(HOME_ENV, None)
            else:
                os.environ[HOME_ENV] = previous


def run_bench(*, scales: list[str], data: Path | None, naive_scale: str = "province") -> int:
    """Generate (or reuse) each scale's dataset and benchmark it in a child process; return an exit code."""
    from geo.demo import write_demo

    root = data or Path(tempfile.mkdtemp(prefix="geo-bench-"))
    for scale in scales:
        if scale == "dask":  # speed tests as partitions on dask: geo/bench/dask_bench.py
            from geo.bench.dask_bench import run_dask_bench

            if code := run_dask_bench(data):
                return code
            continue
        folder = root / scale
        if not (folder / "dataset.yaml").exists():
            start = time.perf_counter()
            write_demo(folder, scale=scale)
            _emit(scale=scale, figure="generate", seconds=round(time.perf_counter() - start, 3))
        args = [sys.executable, "-m", "geo", "bench", "--one", scale, "--data", str(root)]
        if scale == naive_scale:
            args.append("--naive")
        result = subprocess.run(args, check=False)
        if result.returncode:
            return result.returncode
    return 0


def one_scale(scale: str, data: Path, *, naive: bool) -> int:
    """Entry of the child process: benchmark one scale already written under ``data``."""
    np.seterr(all="ignore")
    bench_scale(scale, data / scale, naive=naive)
    return 0
