"""Benchmark of names and reference layers on the page map: HTML size and first draw in headless Chromium.

Run ``python bench/bench_names.py [--scale province] [--out DIR] [--runs 5] [--screenshot FILE.png]``.
Follows ``bench/bench_page.py``: the scale's demo dataset is written once into ``DIR`` (default
``bench/out``), read and evaluated, and the province map (commune level, one indicator, every layer
on, plus generated roads, rivers and places when the dataset has none) is built twice in the same
run — with names and reference layers, and without them (the two builders replaced by no-ops). Each
map is written as a standalone HTML file whose Leaflet comes from the installed ``xstatic-leaflet``
(no network) and opened ``--runs`` times in headless Chromium, the two pages in turn; "first draw" is
the time from navigation start until the map's script has run and the next animation frame has
painted (median of the runs). Prints one JSON line per figure: ``{"scale", "figure", "mb"}`` or
``{"scale", "figure", "seconds"}``, then the ratio with/without.
"""

from __future__ import annotations

import argparse
import itertools
import json
import statistics
import sys
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import views.map_build as map_build  # noqa: E402
from geo.compute.coverage import coverage_areas  # noqa: E402
from geo.demo import write_demo  # noqa: E402
from geo.io.dataset import read_dataset  # noqa: E402
from geo.plans.evaluate import evaluate, unit_geometries  # noqa: E402
from geo.plans.targets import load_plans  # noqa: E402
from layers.offline import STATIC_PREFIX  # noqa: E402
from views.map_build import LAYER_KEYS, MapRequest, MapSources, build_map  # noqa: E402

PLAN = "muong-lay-2023"
YEAR = 2025
_DRAWN = """<script>
requestAnimationFrame(function () { requestAnimationFrame(function () {
  window.__firstDraw = performance.now(); }); });
</script>"""


def _line(scale: str, figure: str, **value: float) -> str:
    return json.dumps({"scale": scale, "figure": figure, **{k: round(v, 3) for k, v in value.items()}})


def standalone_html(fmap) -> str:
    """The map's page with Leaflet's files read from the installed package (``file://``) and a marker
    script setting ``window.__firstDraw`` (ms since navigation) once the first frame has painted."""
    import xstatic.pkg.leaflet as leaflet

    html = fmap.get_root().render()
    html = html.replace(f"{STATIC_PREFIX}/leaflet/", Path(leaflet.BASE_DIR).as_uri() + "/")
    return html.replace("</body>", _DRAWN + "</body>")


def add_reference_layers(dataset) -> None:
    """Give a benchmark dataset (which has none) reference layers of a realistic size: a road from every
    commune's centre to the next one's (about 100 lines), 12 rivers crossing the territory with 200
    vertices each, and two named places per commune."""
    import geopandas as gpd
    import numpy as np
    import shapely

    communes = dataset.layer("communes")
    centres = communes.geometry.representative_point()
    xy = np.column_stack([centres.x, centres.y])
    order = np.lexsort((xy[:, 1], np.round(xy[:, 0], 1)))
    roads = [shapely.LineString([xy[a], xy[b]]) for a, b in itertools.pairwise(order)]
    x0, y0, x1, y1 = communes.total_bounds
    t = np.linspace(0, 1, 200)
    rivers = [
        shapely.LineString(np.column_stack([x0 + (x1 - x0) * t, y0 + (y1 - y0) * (k + 0.5) / 12
                                            + 0.02 * np.sin(40 * t + k)]))
        for k in range(12)
    ]  # fmt: skip
    crs = "EPSG:4326"
    dataset.layers["roads"] = gpd.GeoDataFrame(
        {"name": [f"ĐT {i}" for i in range(len(roads))]}, geometry=roads, crs=crs
    )
    dataset.layers["rivers"] = gpd.GeoDataFrame(
        {"name": [f"Sông {k}" for k in range(12)]}, geometry=rivers, crs=crs
    )
    points = np.concatenate([xy, np.add(xy, (0.01, 0.005))])
    names = [f"Chợ {n}" for n in communes["name"]] + [f"Bến {n}" for n in communes["name"]]
    dataset.layers["places"] = gpd.GeoDataFrame(
        {"name": names, "kind": "chợ"}, geometry=gpd.points_from_xy(points[:, 0], points[:, 1]), crs=crs
    )


def first_draws(
    paths: dict[str, Path], *, runs: int, window: str = "1200,800", screenshot: Path | None = None
) -> dict[str, float]:
    """Median seconds from navigation start to the first painted frame after the map's script ran, per
    page; the pages are loaded in turn (after one warm-up load each), so both see the same machine."""
    from tests.browser_support import chromium

    times: dict[str, list[float]] = {name: [] for name in paths}
    with chromium(window) as driver:
        for run in range(runs + 1):
            for name, path in paths.items():
                driver.get(path.as_uri())
                ms = driver.execute_async_script(
                    "var done = arguments[0];"
                    "(function wait() { if (window.__firstDraw) done(window.__firstDraw);"
                    " else setTimeout(wait, 10); })();"
                )
                if run:
                    times[name].append(ms / 1000)
        if screenshot is not None:
            driver.get(next(iter(paths.values())).as_uri())
            driver.execute_async_script(
                "var done = arguments[0]; (function wait() { if (window.__firstDraw) done();"
                " else setTimeout(wait, 10); })();"
            )
            driver.get_screenshot_as_file(str(screenshot))
    return {name: statistics.median(values) for name, values in times.items()}


def main(argv: list[str] | None = None) -> None:
    """Parse the arguments, build both maps, and print their sizes, first draws and the ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="province")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--screenshot", type=Path, default=None)
    args = parser.parse_args(argv)
    folder = args.out / args.scale
    if not (folder / "dataset.yaml").exists():
        write_demo(folder, scale=args.scale)
    dataset = read_dataset(folder)
    if "roads" not in dataset.layers:
        add_reference_layers(dataset)
    plan = load_plans()[PLAN]
    sources = MapSources(
        evaluation=cache(lambda level: evaluate(dataset, plan, YEAR, level=level)),
        geometries=cache(lambda level: unit_geometries(dataset, level)),
        coverage=cache(lambda tech, per_operator: coverage_areas(dataset, tech, per_operator=per_operator)),
    )
    request = MapRequest(str(folder), PLAN, YEAR, "commune", "village_ftth_coverage", layers=LAYER_KEYS)
    with_names, without = map_build.add_labels, map_build.add_reference
    pages = {}
    for variant in ("with_names", "without_names"):
        if variant == "without_names":
            map_build.add_labels = map_build.add_reference = lambda *a, **k: None
        fmap = build_map(request, dataset=dataset, plan=plan, sources=sources)
        map_build.add_labels, map_build.add_reference = with_names, without
        path = args.out / f"names_{args.scale}_{variant}.html"
        path.write_text(standalone_html(fmap), encoding="utf-8")
        pages[variant] = path
        print(_line(args.scale, f"map_{variant}_html", mb=len(fmap.get_root().render().encode()) / 1e6))
    draws = first_draws(pages, runs=args.runs, screenshot=args.screenshot)
    for variant, seconds in draws.items():
        print(_line(args.scale, f"map_{variant}_first_draw", seconds=seconds), flush=True)
    print(_line(args.scale, "first_draw_ratio", ratio=draws["with_names"] / draws["without_names"]))


if __name__ == "__main__":
    main()
