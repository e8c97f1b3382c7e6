"""Bench figures of the terrain-aware coverage model (:mod:`geo.compute.terrain`) on one scale.

Run by :func:`geo.bench.run.bench_scale` on the province scale, whose generated DEM has 1″
(≈ 30 m) cells: coverage of every village with ``model: terrain``, its ratio to the disc model
timed just before in the same process, the peak memory so far, and how many site–point paths
were considered, pruned (the budget cannot close even before diffraction, or every operator of
the site already serves the point) and evaluated over a DEM profile. Budgets (issue 12):
≤ 15 s, ≤ 40× the disc model, ≤ 2 GB.
"""

from __future__ import annotations

import time
from dataclasses import replace

__all__ = ["BUDGET_SECONDS", "BUDGET_RATIO", "BUDGET_PEAK_MB", "bench_terrain"]

BUDGET_SECONDS, BUDGET_RATIO, BUDGET_PEAK_MB = 15.0, 40.0, 2048.0


def bench_terrain(scale: str, dataset, hierarchy, sites, disc_seconds: float, *, emit, peak_mb) -> dict:
    """Time terrain coverage of every village of ``dataset`` and print its figures; return them."""
    from geo.compute.indicators import village_coverage

    coverage = replace(dataset.settings.coverage, model="terrain")
    terrain = replace(
        dataset, settings=replace(dataset.settings, coverage=coverage), problems=list(dataset.problems)
    )
    start = time.perf_counter()
    table = village_coverage(terrain, hierarchy, sites)
    seconds = time.perf_counter() - start
    peak = peak_mb()
    ratio = seconds / disc_seconds if disc_seconds > 0 else float("inf")
    dem = terrain.dem
    figures = {
        "seconds": round(seconds, 3),
        "peak_mb": peak,
        "ratio_to_disc": round(ratio, 1),
        "dem_cells": dem.width * dem.height,
        "dem_cell": [round(c, 7) for c in dem.cell],
        "villages": len(table),
        "villages_covered": int(table["covered"].sum()),
        "villages_terrain_model": int((table["model"] == "terrain").sum()),
        "within_budget": bool(seconds <= BUDGET_SECONDS and ratio <= BUDGET_RATIO and peak <= BUDGET_PEAK_MB),
        **table.attrs.get("terrain_paths", {}),
    }
    emit(scale=scale, figure="coverage_villages_terrain", **figures)
    emit(scale=scale, figure="terrain_vs_disc", ratio=round(ratio, 1))
    return figures
