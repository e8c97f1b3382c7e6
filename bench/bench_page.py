"""Benchmark of the planner's map page: build time and HTML size of the map per demo scale, and what a
planner waits for in a real browser.

Run ``python bench/bench_page.py [--scales village province national] [--out DIR]``. Each scale's demo
dataset is written once into ``DIR`` (default ``bench/out``), read, evaluated and drawn as the page
draws it (commune level, all targets, default layers; then one indicator with every layer on). Prints
one JSON line per figure: ``{"scale", "figure", "seconds"}`` or ``{"scale", "figure", "mb"}``.

``python bench/bench_page.py --browser [--runs 5]`` runs ``streamlit run app.py`` (on the bundled demo)
and headless Chromium, timing from ``driver.get(url)`` until Leaflet has drawn at least 10 shapes on
its canvas (counted through the map's layers in JS: paths with a canvas renderer and projected parts):
the first visit after the server starts (the server restarted for each run, its prepared cache kept, as
after a reboot; ``first_visit_cold``: with an empty app home), a later visit (a new session on the same
server), and changing the indicator until the new colours are drawn. The same three are measured on
the floor of the stack itself — an empty Streamlit page with one ``st_folium`` map of 10 squares — in
the same run, and each page figure is printed with its ratio to the floor (median of ``--runs``).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from geo.demo import write_demo  # noqa: E402
from geo.io.dataset import read_dataset  # noqa: E402
from geo.plans.assessment import Assessment  # noqa: E402
from geo.plans.targets import load_plans  # noqa: E402
from views.map_build import DEFAULT_LAYERS, LAYER_KEYS, MapRequest, MapSources, build_map  # noqa: E402

PLAN = "muong-lay-2023"
YEAR = 2025


def _line(scale: str, figure: str, **value: float) -> str:
    return json.dumps({"scale": scale, "figure": figure, **{k: round(v, 3) for k, v in value.items()}})


def _timed(func):
    start = time.perf_counter()
    result = func()
    return result, time.perf_counter() - start


def bench_scale(scale: str, out: Path) -> list[str]:
    """Return the JSON lines for one demo scale (the dataset is generated in ``out/<scale>`` if missing)."""
    folder = out / scale
    lines = []
    if not (folder / "dataset.yaml").exists():
        _, seconds = _timed(lambda: write_demo(folder, scale=scale))
        lines.append(_line(scale, "write_demo", seconds=seconds))
    dataset, seconds = _timed(lambda: read_dataset(folder))
    lines.append(_line(scale, "read_dataset", seconds=seconds))
    plan = load_plans()[PLAN]
    assessment = Assessment(dataset)
    sources = MapSources(
        evaluation=lambda level: assessment.evaluate(plan, YEAR, level=level),
        geometries=assessment.geometries,
        coverage=lambda tech, per_operator: assessment.coverage(tech, per_operator=per_operator),
    )
    _, seconds = _timed(lambda: sources.evaluation("commune"))
    lines.append(_line(scale, "evaluate_commune", seconds=seconds))
    requests = {
        "default": MapRequest(str(folder), PLAN, YEAR, "commune", "__all__", layers=DEFAULT_LAYERS),
        "all_layers": MapRequest(
            str(folder), PLAN, YEAR, "commune", "village_ftth_coverage", layers=LAYER_KEYS
        ),
    }
    for name, request in requests.items():
        fmap, build = _timed(lambda r=request: build_map(r, dataset=dataset, plan=plan, sources=sources))
        html, render = _timed(lambda m=fmap: m.get_root().render())
        lines.append(_line(scale, f"map_{name}_build", seconds=build))
        lines.append(_line(scale, f"map_{name}_render", seconds=render))
        lines.append(_line(scale, f"map_{name}_html", mb=len(html.encode()) / 1e6))
    return lines


def main(argv: list[str] | None = None) -> None:
    """Parse the arguments and print the JSON lines of every scale asked for."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", nargs="+", default=["village", "province", "national"])
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    parser.add_argument("--browser", action="store_true", help="time the page in headless Chromium")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    if args.browser:
        from page_browser import bench_browser

        for line in bench_browser(runs=args.runs):
            print(line, flush=True)
        return
    for scale in args.scales:
        for line in bench_scale(scale, args.out):
            print(line, flush=True)


if __name__ == "__main__":
    main()
