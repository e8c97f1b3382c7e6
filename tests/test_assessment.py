"""One Assessment per dataset: each piece is computed once, and every consumer reads the same numbers.

The CLI, the map page and the annex all go through :class:`geo.plans.assessment.Assessment`, so a
unit's value and status for an indicator and year are the same in the table the CLI writes, on the
map and in the annex.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

import geo.plans.assessment as assessment_module
import views.common
from geo.cli.main import main
from geo.export.annex import annex_tables, evaluate_years
from geo.io.dataset import read_dataset
from geo.model import TERRITORY
from geo.plans.assessment import Assessment
from geo.plans.evaluate_io import write_evaluation
from geo.plans.targets import load_plans
from geo.settings import DEMO_DIR
from views.map_data import units_for_map

PLAN = "muong-lay-2023"
YEAR = 2025


@pytest.fixture(scope="module")
def demo():
    return read_dataset(DEMO_DIR)


def _counting(monkeypatch, name: str) -> list[int]:
    """Replace ``name`` in the assessment module by a wrapper that counts its calls."""
    calls: list[int] = []
    real = getattr(assessment_module, name)

    def counted(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(assessment_module, name, counted)
    return calls


def test_each_piece_is_computed_once_across_levels_indicators_coverage_and_maps(demo, monkeypatch):
    names = ("build_hierarchy", "prepare_sites", "village_coverage", "compute_indicators", "evaluate")
    calls = {name: _counting(monkeypatch, name) for name in names}
    plan = load_plans()[PLAN]
    assessment = Assessment(demo)
    levels = ("territory", "district", "commune", "village")
    first = {level: assessment.evaluate(plan, YEAR, level=level) for level in levels}
    for level in levels:  # asked again: the same table, not a new evaluation
        assert assessment.evaluate(plan, YEAR, level=level) is first[level]
    assert not assessment.indicators("commune").empty
    assert set(assessment.indicators("village")["level"]) == {"village"}
    assessment.coverage("4G", per_operator=False)
    assessment.coverage("4G", per_operator=False)
    assessment.geometries("commune")
    assert {name: len(c) for name, c in calls.items()} == {
        "build_hierarchy": 1,
        "prepare_sites": 1,
        "village_coverage": 1,
        "compute_indicators": 1,
        "evaluate": len(levels),
    }


def test_an_export_given_the_assessment_builds_nothing_again(demo, monkeypatch, tmp_path):
    from geo.export import export_annex

    assessment = Assessment(demo)
    plan = load_plans()[PLAN]
    assessment.evaluate(plan, YEAR, level="commune")
    hierarchy = _counting(monkeypatch, "build_hierarchy")
    export_annex(assessment, plan, out=tmp_path / "a.xlsx", year=YEAR)
    assert hierarchy == []


def test_the_assessment_evaluation_is_the_table_the_cli_writes(demo, tmp_path):
    plan = load_plans()[PLAN]
    for level in ("territory", "commune", "village"):
        cli = tmp_path / f"cli_{level}.csv"
        assert main(["evaluate", str(DEMO_DIR), "--plan", PLAN, "--year", str(YEAR), "--level", level,
                     "--out", str(cli)]) == 0  # fmt: skip
        table = Assessment(demo).evaluate(plan, YEAR, level=level, spots=True)  # with the spot rows
        ours = write_evaluation(table, demo, tmp_path / f"ours_{level}.csv", level=level)
        assert len(table) > 0
        assert cli.read_bytes() == ours.read_bytes()


def _same(a, b) -> bool:
    missing = a is None or (isinstance(a, float) and math.isnan(a))
    return missing == (b is None or (isinstance(b, float) and math.isnan(b))) and (missing or a == b)


def test_the_map_page_and_the_annex_show_the_same_numbers(monkeypatch):
    monkeypatch.delenv("COVERAGE_ZONES_STORE", raising=False)
    folder = str(DEMO_DIR)
    stamp = views.common.dataset_stamp(folder)
    shared = views.common.assessment(folder, stamp)
    assert views.common.assessment(folder, stamp) is shared  # one per dataset version
    plan = views.common.plans()[PLAN]
    page = views.common.evaluation(folder, stamp, PLAN, YEAR, "commune")
    assert page is shared.evaluate(plan, YEAR, level="commune")  # the page reads the shared assessment
    tables = annex_tables(shared.dataset, plan, evaluate_years(shared, plan, (YEAR,)), year=YEAR)
    geoms = views.common.geometries(folder, stamp, "commune")
    compared = 0
    for table in tables:
        if table.uid == TERRITORY:
            continue
        for row in table.rows:
            if row.is_group:
                continue
            mapped = units_for_map(geoms, page, row.indicator).set_index("uid").loc[table.uid]
            value = None if pd.isna(mapped["value"]) else float(mapped["value"])
            assert _same(value, row.value), (table.uid, row.indicator)
            assert row.status is None or row.status == mapped["status"], (table.uid, row.indicator)
            compared += 1
    assert compared > 20


def test_views_get_the_province_the_target_years_and_the_zone_stamp_from_the_model(demo, tmp_path):
    from geo.io.manifest import read_manifest
    from geo.zones import open_store, store_stamp

    assert demo.province == read_manifest(DEMO_DIR).province
    plan = load_plans()[PLAN]
    assert plan.target_years() == sorted({t.year for t in plan.targets if t.kind == "target"})
    path = tmp_path / "zones.gpkg"
    assert store_stamp(str(path)) == (0, 0)  # no store yet, and none is created
    assert not path.exists()
    with open_store(path) as store:
        assert store.stamp() == store_stamp(str(path)) != (0, 0)
