"""Benchmark of the exports: prints one JSON line per figure, {"scale", "figure", "seconds"}.

Run: ``python bench/bench_export.py [--scales village province]``. Datasets are the
deterministic demos (:func:`geo.demo.write_demo`) written to a temporary folder; evaluations
are computed once per scale and not timed, only the exports are. Targets (issue 6): an A4
300-dpi map of a province-scale dataset in at most 5 s, the demo atlas in at most 20 s.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from datetime import date
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from geo.demo import write_demo
from geo.export import export_annex, export_atlas, export_map
from geo.io.dataset import read_dataset
from geo.plans.assessment import Assessment
from geo.plans.targets import load_plans

PLAN = "muong-lay-2023"
YEAR = 2025
INDICATOR = "village_mobile_bb_coverage"
MADE_ON = date(2026, 1, 1)


def bench_scale(scale: str, work: Path) -> None:
    """Time every export for the demo dataset of ``scale``; print one JSON line per export."""
    dataset = read_dataset(write_demo(work / scale, scale=scale))
    plan = load_plans()[PLAN]
    assessment = Assessment(dataset)
    ev = {level: assessment.evaluate(plan, YEAR, level=level) for level in ("commune", "village")}
    sheet = partial(export_map, dataset, plan=plan, year=YEAR, indicator=INDICATOR, made_on=MADE_ON)
    runs = {
        "map_a4_300dpi_png_commune": partial(sheet, ev["commune"], out=work / "c.png"),
        "map_a4_300dpi_png_village": partial(sheet, ev["village"], out=work / "v.png"),
        "map_a4_pdf_commune": partial(sheet, ev["commune"], out=work / "c.pdf"),
        "map_a3_svg_commune": partial(sheet, ev["commune"], out=work / "c.svg", paper="A3"),
        "annex_xlsx_all_years": partial(
            export_annex, dataset, plan, out=work / "a.xlsx", year=YEAR, made_on=MADE_ON
        ),
    }
    if scale == "village":
        runs["atlas_pdf"] = partial(
            export_atlas, dataset, ev, plan=plan, year=YEAR, out=work / "t.pdf", made_on=MADE_ON
        )
    for figure, run in runs.items():
        start = time.perf_counter()
        run()
        print(
            json.dumps({"scale": scale, "figure": figure, "seconds": round(time.perf_counter() - start, 3)})
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", nargs="+", default=["village", "province"])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for scale in args.scales:
            bench_scale(scale, Path(tmp))


if __name__ == "__main__":
    main()
