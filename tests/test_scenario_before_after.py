"""A scenario's before / after: the "after" side, derived from the "before" assessment (only what the
changes reach is computed again), gives exactly the tables of a from-scratch assessment of the dataset
with the scenario applied."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest

from geo.io.dataset import read_dataset
from geo.plans.assessment import Assessment
from geo.plans.targets import load_plans
from geo.scenarios.compare import assess_scenario, evaluate_scenario
from geo.scenarios.model import _checked, apply_scenario
from geo.settings import DEMO_DIR
from tests.builders import at, dataset, points, sites, units

PLAN = "muong-lay-2023"


def _scenario(rows: list[dict]):
    """A scenario from rows (``xy`` metric offsets from the builders' origin, or ``lonlat``)."""
    geometry = [at(*r.pop("xy")) if "xy" in r else r.pop("lonlat", None) for r in rows]
    frame = gpd.GeoDataFrame(pd.DataFrame(rows), geometry=geometry, crs=4326)
    return _checked(frame, "kb.xlsx", "kb", 2)


def _same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True))


def _assert_after_equals_scratch(before: Assessment, scenario, levels: list[str]) -> Assessment:
    after = assess_scenario(before, scenario)
    scratch = Assessment(apply_scenario(before.dataset, scenario))
    _same(after.village_coverage, scratch.village_coverage)
    _same(after.computed, scratch.computed)
    plan = load_plans()[PLAN]
    for level in levels:
        _same(after.evaluate(plan, 2025, level), scratch.evaluate(plan, 2025, level))
    return after


@pytest.fixture(scope="module")
def demo():
    return read_dataset(DEMO_DIR)


def test_demo_after_side_equals_a_fresh_assessment_for_every_kind_of_change(demo):
    from shapely import Point

    scenario = _scenario(
        [
            {"change": "share", "site_id": "MBF-DBN-103", "operators": "Viettel"},
            {"change": "upgrade", "site_id": "VNP-DBN-106", "technologies": "5G"},
            {"change": "new_site", "operators": "VNPT", "technologies": "4G", "lonlat": Point(103.25, 22.09)},
            {"change": "wifi", "name": "Nhà văn hoá", "lonlat": Point(103.2, 22.05)},
            {"change": "ftth", "village": demo.layers["villages"]["uid"].iloc[-1]},
        ]
    )
    before = Assessment(demo)
    _assert_after_equals_scratch(before, scenario, ["territory", "commune", "village"])


def test_demo_before_values_are_the_plain_evaluation_and_after_values_a_fresh_one(demo):
    from shapely import Point

    plan = load_plans()[PLAN]
    scenario = _scenario(
        [{"change": "new_site", "operators": "Viettel", "technologies": "4G", "lonlat": Point(103.17, 22.08)}]
    )
    table = evaluate_scenario(Assessment(demo), scenario, plan, 2025, level="commune")
    plain = Assessment(demo).evaluate(plan, 2025, level="commune")
    scratch = Assessment(apply_scenario(demo, scenario)).evaluate(plan, 2025, level="commune")
    keys = ["uid", "indicator"]
    merged = table.merge(plain[[*keys, "value", "status"]], on=keys, suffixes=("", "_plain"))
    assert len(merged) == len(plain)
    pd.testing.assert_series_equal(merged["value_before"], merged["value_plain"], check_names=False)
    assert merged["status_before"].tolist() == merged["status_plain"].tolist()
    _same(table[scratch.columns], scratch)


def _row_of_villages():
    """Ten villages of 2 km in a row, one commune; sites at the two western ones only."""
    villages = [
        {"uid": f"X/{k}", "parent_uid": "X", "name": f"Bản {k}", "box": (2000 * k, 0, 2000 * k + 2000, 2000),
         "households": 10 + k}
        for k in range(10)
    ]  # fmt: skip
    return dataset(
        communes=units([{"uid": "X", "name": "Xã", "box": (0, 0, 20000, 2000)}]),
        villages=units(villages),
        bts_sites=sites(
            {"xy": (1000, 1000), "operators": "Viettel", "site_id": "A"},
            {"xy": (3000, 1000), "operators": "VNPT", "site_id": "B", "technologies": "2G"},
        ),
        public_places=points([{"xy": (15000, 1000), "name": "UBND xã"}]),
    )


def test_built_case_a_new_site_recomputes_only_what_it_reaches_and_matches_from_scratch():
    before = Assessment(_row_of_villages())
    scenario = _scenario(
        [{"change": "new_site", "operators": "Viettel", "technologies": "4G", "xy": (15000, 1000)}]
    )
    after = _assert_after_equals_scratch(before, scenario, ["commune", "village"])
    covered = after.village_coverage.set_index("name")["covered"]
    assert covered["Bản 7"] and not covered["Bản 4"]  # the new site's villages, and only they, gain 4G


def test_built_case_an_operator_first_site_an_upgrade_and_the_first_wifi_point_match_from_scratch():
    before = Assessment(_row_of_villages())
    scenario = _scenario(
        [
            {"change": "new_site", "operators": "MobiFone", "technologies": "4G;5G", "xy": (9000, 1000)},
            {"change": "upgrade", "site_id": "B", "technologies": "4G"},
            {"change": "share", "site_id": "A", "operators": "VNPT"},
            {"change": "wifi", "name": "Điểm Wi-Fi", "xy": (15010, 1000)},
        ]
    )
    after = _assert_after_equals_scratch(before, scenario, ["territory", "commune", "village"])
    assert "share_4g_MobiFone" in after.village_coverage  # a new operator's column
    wifi = after.computed[
        (after.computed["uid"] == "territory") & (after.computed["indicator"] == "public_free_wifi")
    ]
    assert wifi["value"].tolist() == [100.0]
