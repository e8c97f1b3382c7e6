"""The status table planners read: values, targets, statuses, gaps and plain words, traced to their rows."""

from dataclasses import replace
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from geo.io.dataset import read_dataset
from geo.plans.assessment import Assessment
from geo.plans.evaluate import evaluate, unit_geometries
from geo.plans.targets import Target, load_plans
from geo.settings import DEMO_DIR

# Two villages side by side in one commune near 103.2°E 22.0°N, each about 5.2 km × 11 km.
_WEST, _EAST = box(103.10, 22.0, 103.15, 22.1), box(103.15, 22.0, 103.20, 22.1)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory):
    folder: Path = tmp_path_factory.mktemp("tiny")
    gpd.GeoDataFrame(
        {"code": ["99001"], "name": ["Xã Thử"]}, geometry=[_WEST.union(_EAST)], crs="EPSG:4326"
    ).to_file(folder / "communes.geojson")
    gpd.GeoDataFrame(
        {"name": ["Bản Trên", "Bản Dưới"], "households": [100, 50], "ftth": ["Có", "Không"]},
        geometry=[_WEST, _EAST],
        crs="EPSG:4326",
    ).to_file(folder / "villages.geojson")
    # A Viettel and a VNPT mast 5 m apart (one shared site) and a lone MobiFone mast: sharing 1 of 2 = 50 %.
    pd.DataFrame(
        {
            "lon": [103.125, 103.12505, 103.175],
            "lat": [22.05, 22.05, 22.05],
            "operators": ["Viettel", "VNPT", "MobiFone"],
            "technologies": ["4G", "4G", "2G"],
        }
    ).to_csv(folder / "bts_sites.csv", index=False)
    pd.DataFrame(
        {"lon": [103.12] * 5, "lat": [22.04] * 5, "download_mbps": [10, 20, 30, 40, 50], "network": "mobile"}
    ).to_csv(folder / "speed_tests.csv", index=False)
    pd.DataFrame({"code": ["99001", "99001"], "year": [2023, 2024], "household_fibre": [70, 80]}).to_csv(
        folder / "unit_stats.csv", index=False
    )
    return read_dataset(folder)


def _plan(*targets: Target):
    return replace(next(iter(load_plans().values())), targets=targets)


def _row(table: pd.DataFrame, indicator: str) -> pd.Series:
    rows = table[table["indicator"] == indicator]
    assert len(rows) == 1, rows
    return rows.iloc[0]


def test_tiny_dataset_reads_without_errors(tiny):
    assert [p.text() for p in tiny.problems if p.severity == "error"] == []


def test_site_sharing_gap_in_sites_and_plain_words(tiny):
    plan = _plan(Target("bts_site_sharing", 2025, ">=", (60.0,), "%"))
    row = _row(Assessment(tiny).evaluate(plan, 2025, level="commune"), "bts_site_sharing")
    assert (row["value"], row["numerator"], row["denominator"]) == (50.0, 1.0, 2.0)
    assert (row["status"], row["gap"], row["value_source"]) == ("missed", 10.0, "computed")
    assert row["closing_vi"] == "Cần thêm 1 vị trí trạm dùng chung."
    assert (row["target"], row["target_text"], row["comparator"]) == (60.0, "≥ 60", ">=")


def test_ftth_names_the_villages_without_fibre(tiny):
    plan = _plan(Target("village_ftth_coverage", 2025, ">=", (100.0,), "%"))
    row = _row(Assessment(tiny).evaluate(plan, 2025, level="commune"), "village_ftth_coverage")
    assert (row["value"], row["status"], row["gap"]) == (50.0, "missed", 50.0)
    assert row["closing_vi"] == "1 thôn chưa có cáp quang FTTH: Bản Dưới."
    villages = Assessment(tiny).evaluate(plan, 2025, level="village").set_index("name")["status"]
    assert villages.to_dict() == {"Bản Trên": "met", "Bản Dưới": "missed"}


def test_reported_value_of_the_latest_year_and_strict_comparator(tiny):
    plan = _plan(Target("household_fibre", 2025, ">", (80.0,), "%"))
    row = _row(Assessment(tiny).evaluate(plan, 2025, level="commune"), "household_fibre")
    assert (row["value"], row["value_year"], row["value_source"]) == (80.0, 2024, "reported")
    assert (row["status"], row["gap"]) == ("missed", 0.0)  # "Trên 80%" is not met at exactly 80
    earlier = _plan(Target("household_fibre", 2023, ">=", (75.0,), "%"))
    before = _row(Assessment(tiny).evaluate(earlier, 2023, level="commune"), "household_fibre")
    assert (before["value"], before["status"], before["gap"]) == (70.0, "missed", 5.0)


@pytest.fixture(scope="module")
def village_reports(tmp_path_factory: pytest.TempPathFactory):
    """The two villages of ``tiny`` (100 and 50 households) reporting their own fibre and speeds."""
    folder: Path = tmp_path_factory.mktemp("village_reports")
    gpd.GeoDataFrame(
        {"code": ["99001"], "name": ["Xã Thử"]}, geometry=[_WEST.union(_EAST)], crs="EPSG:4326"
    ).to_file(folder / "communes.geojson")
    gpd.GeoDataFrame(
        {"name": ["Bản Trên", "Bản Dưới"], "households": [100, 50]}, geometry=[_WEST, _EAST], crs="EPSG:4326"
    ).to_file(folder / "villages.geojson")
    pd.DataFrame(
        {
            "level": ["Thôn", "Thôn", "Thôn", "Thôn"],
            "name": ["Bản Trên", "Bản Trên", "Bản Dưới", "Bản Dưới"],
            "year": [2023, 2024, 2023, 2023],
            "household_fibre": [40, 60, 90, None],
            "mobile_speed": [30, 35, 50, 55],
        }
    ).to_csv(folder / "unit_stats.csv", index=False)
    return read_dataset(folder)


def test_village_reports_add_up_to_the_commune_weighted_by_households(village_reports):
    plan = _plan(
        Target("household_fibre", 2025, ">=", (80.0,), "%"),
        Target("mobile_speed", 2025, ">=", (40.0,), "Mbps"),
    )
    table = Assessment(village_reports).evaluate(plan, 2025, level="commune")
    fibre = _row(table, "household_fibre")
    # each village's latest year: Bản Trên 60 % (2024), Bản Dưới 90 % (2023): (100·60 + 50·90) / 150
    assert (fibre["value"], fibre["value_year"], fibre["value_source"]) == (70.0, 2024, "reported")
    assert (fibre["status"], fibre["gap"]) == ("missed", 10.0)
    speed = _row(table, "mobile_speed")  # medians are never averaged up: the commune has no reported speed
    assert pd.isna(speed["reported"]) and speed["status"] == "no data"
    villages = Assessment(village_reports).evaluate(plan, 2025, level="village")
    fibre_by_village = villages[villages["indicator"] == "household_fibre"].set_index("name")["value"]
    assert fibre_by_village.to_dict() == {"Bản Dưới": 90.0, "Bản Trên": 60.0}


def test_years_between_targets_use_the_latest_target_before(tiny):
    plan = _plan(
        Target("household_fibre", 2023, ">=", (75.0,), "%"),
        Target("household_fibre", 2025, ">=", (90.0,), "%"),
    )
    row = _row(Assessment(tiny).evaluate(plan, 2024, level="commune"), "household_fibre")
    assert (row["target_year"], row["target_text"], row["status"]) == (2023, "≥ 75", "met")
    assert Assessment(tiny).evaluate(plan, 2022, level="commune").empty


def test_few_speed_tests_are_insufficient_not_missed(tiny):
    plan = _plan(Target("mobile_speed", 2025, ">=", (50.0,), "Mbit/s"))
    row = _row(Assessment(tiny).evaluate(plan, 2025, level="commune"), "mobile_speed")
    assert (row["value"], row["n_samples"], row["status"]) == (30.0, 5, "insufficient samples")
    assert "5 phép đo" in row["closing_vi"] and "300" in row["closing_vi"]


def test_unit_without_data_is_no_data_not_zero(tiny):
    plan = _plan(
        Target("public_free_wifi", 2025, ">=", (100.0,), "%"),
        Target("internet_users", 2025, ">=", (95.0,), "%"),
    )
    table = Assessment(tiny).evaluate(plan, 2025, level="commune")
    assert set(table["status"]) == {"no data"}
    assert table["value"].isna().all()


def test_unknown_level_names_the_levels_present(tiny):
    plan = _plan(Target("bts_site_sharing", 2025, ">=", (60.0,), "%"))
    with pytest.raises(ValueError, match="commune"):
        Assessment(tiny).evaluate(plan, 2025, level="province")


@pytest.fixture(scope="module")
def demo():
    return read_dataset(DEMO_DIR)


@pytest.mark.parametrize("plan_id", sorted(load_plans()))
def test_demo_meets_misses_and_lacks_data_against_every_plan(demo, plan_id):
    plan = load_plans()[plan_id]
    year = plan.period.end
    statuses = set()
    for level in ("district", "commune", "village"):
        table = Assessment(demo).evaluate(plan, year, level=level)
        assert len(table), (plan_id, level)  # every plan has targets in force in its last year
        statuses |= set(table["status"])
    assert {"met", "missed", "no data"} <= statuses


def test_demo_numbers_trace_to_their_rows(demo):
    plan = load_plans()["muong-lay-2023"]
    table = Assessment(demo).evaluate(plan, 2025, level="commune")
    computed = table[table["value_source"] == "computed"]
    counted = computed[computed["numerator"].notna() & (computed["denominator"] > 0)]  # speeds are medians
    assert ((100 * counted["numerator"] / counted["denominator"] - counted["value"]).abs() < 1e-9).all()
    reported = table[table["value_source"] == "reported"]
    stats = demo.unit_stats.set_index(["uid", "indicator", "year"])["value"]
    traced = [stats[(r.uid, r.indicator, r.value_year)] for r in reported.itertuples()]
    assert traced == pytest.approx(reported["value"].tolist())
    assert len(reported) and len(counted)


def test_unit_geometries_for_every_level(demo):
    communes = unit_geometries(demo, "commune")
    territory = unit_geometries(demo, "territory")
    assert len(communes) == len(demo.layers["communes"])
    assert territory.to_crs(9205).area.iloc[0] == pytest.approx(communes.to_crs(9205).area.sum(), rel=1e-6)


@pytest.mark.parametrize("level", ["commune", "village"])
def test_a_computed_table_in_another_row_order_gives_the_same_status_table(demo, level):
    """The status table finds each unit's computed values by the table's own layout; a table whose rows
    were reordered must be looked up by unit and indicator instead, never misread."""
    assessment = Assessment(demo)
    plan = load_plans()["muong-lay-2023"]
    expected = assessment.evaluate(plan, 2025, level=level)
    computed = assessment.computed
    k = computed["indicator"].nunique()  # the units in reverse order, each unit's indicators as they were
    blocks = (np.arange(len(computed) // k)[::-1, None] * k + np.arange(k)).ravel()
    reordered = computed.iloc[blocks].reset_index(drop=True)
    table = evaluate(demo, plan, 2025, level=level, computed=reordered, hierarchy=assessment.hierarchy)
    pd.testing.assert_frame_equal(table, expected)
    assert (table["value_source"] == "computed").any()  # computed values were found, not all missing
