"""Bench figures of suggested sites and scenarios (issue 13) on one generated scale.

Times, in one process: a plain evaluation (a fresh :class:`Assessment`: hierarchy, village coverage,
indicators, the plan at commune level); the greedy suggestion (``cover-villages``: candidates, sparse
matrix and greedy pass, and the matrix + greedy part alone); the exact integer program with the greedy
answer's gap; and the before / after evaluation of the suggested scenario (the plain one repeated on a
fresh assessment plus the applied dataset), as a ratio to the plain evaluation. Budgets: greedy ≤ 1 s,
exact ≤ 30 s, before / after ≤ 1.5× plain. Run: ``python -m geo.bench.sites DIR``.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

__all__ = ["BUDGET_GREEDY_S", "BUDGET_EXACT_S", "BUDGET_RATIO", "bench_sites"]

BUDGET_GREEDY_S, BUDGET_EXACT_S, BUDGET_RATIO = 1.0, 30.0, 1.5
_PLAN, _YEAR = "muong-lay-2023", 2025


def bench_sites(scale: str, dataset, *, emit) -> dict:
    """Time suggestions and a scenario's before / after on ``dataset``; print and return the figures."""
    from geo.plans.assessment import Assessment
    from geo.plans.targets import load_plans
    from geo.scenarios.compare import evaluate_scenario
    from geo.scenarios.suggest import suggest_sites, suggestion_scenario

    plan = load_plans()[_PLAN]
    start = time.perf_counter()
    base = Assessment(dataset)
    base.evaluate(plan, _YEAR, level="commune")
    plain_s = time.perf_counter() - start

    start = time.perf_counter()
    greedy = suggest_sites(base, goal="cover-villages")
    greedy_s = time.perf_counter() - start
    start = time.perf_counter()
    exact = suggest_sites(base, goal="cover-villages", exact=True)
    exact_total_s = time.perf_counter() - start

    scenario = suggestion_scenario(greedy, name="bench")
    start = time.perf_counter()
    evaluate_scenario(Assessment(dataset), scenario, plan, _YEAR, level="commune")
    both_s = time.perf_counter() - start
    figures = {
        "scale": scale,
        "figure": "suggest_sites",
        "uncovered_villages": int(len(greedy.uncoverable) + greedy.sites["n_villages"].sum()),
        "candidates_in_reach": greedy.n_candidates,
        "greedy_seconds": round(greedy_s, 3),
        "greedy_matrix_and_pass_seconds": round(greedy.seconds_greedy, 3),
        "greedy_sites": greedy.greedy,
        "exact_seconds": round(exact.seconds_exact or 0.0, 3),
        "exact_total_seconds": round(exact_total_s, 3),
        "exact_sites": exact.exact,
        "gap": exact.gap,
        "uncoverable": len(greedy.uncoverable),
        "plain_evaluation_seconds": round(plain_s, 3),
        "before_after_seconds": round(both_s, 3),
        "before_after_ratio": round(both_s / plain_s, 2) if plain_s else None,
        "budgets": {"greedy_s": BUDGET_GREEDY_S, "exact_s": BUDGET_EXACT_S, "ratio": BUDGET_RATIO},
    }
    emit(**figures)
    return figures


def _main(argv: list[str]) -> int:
    from geo.io.dataset import read_dataset

    folder = Path(argv[0]) if argv else Path("/tmp/benchdata/province")
    bench_sites(folder.name, read_dataset(folder), emit=lambda **f: print(json.dumps(f, ensure_ascii=False)))
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
