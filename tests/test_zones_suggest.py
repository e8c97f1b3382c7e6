"""Evidence for a drawn zone, and suggested zones: populated places outside 4G and very slow speed tests."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Point, box

from geo.model import Dataset
from geo.plans.targets import Period, Plan, Target, Territory
from geo.zones import open_store
from geo.zones.suggest import accept, suggest_zones, zone_evidence

VILLAGE_A = box(103.0, 22.0, 103.01, 22.01)  # ~1.0 × 1.1 km around the only site: fully inside its 1 km disc
VILLAGE_B = box(103.1, 22.0, 103.11, 22.01)  # 10 km east: no service, no settlement point
VILLAGE_C = box(103.05, 22.0, 103.06, 22.01)  # 5 km east: no service, two settlement points 150 m apart
PLAN = Plan(
    id="p",
    title="Kế hoạch thử",
    territory=Territory(name="Sông Nậm", level="commune", province="Lai Châu"),
    period=Period(2023, 2025),
    targets=(Target("mobile_speed", 2025, ">=", (50.0,), "Mbit/s"),),
)


def _dataset() -> Dataset:
    crs = "EPSG:4326"
    communes = gpd.GeoDataFrame(
        {"uid": ["01001"], "name": ["Xã Nậm"]}, geometry=[box(103.0, 22.0, 103.2, 22.1)], crs=crs
    )
    villages = gpd.GeoDataFrame(
        {
            "uid": ["01001/a", "01001/b", "01001/c"],
            "parent_uid": ["01001"] * 3,
            "name": ["Bản A", "Bản B", "Bản C"],
            "households": [80.0, 50.0, 40.0],
        },
        geometry=[VILLAGE_A, VILLAGE_B, VILLAGE_C],
        crs=crs,
    )
    sites = gpd.GeoDataFrame(
        {"operators": ["Viettel"], "technologies": ["2G;4G"], "radius_m": [1000.0]},
        geometry=[Point(103.005, 22.005)],
        crs=crs,
    )
    settlements = gpd.GeoDataFrame(
        {"households": [99.0, 10.0, 15.0]},
        geometry=[Point(103.004, 22.004), Point(103.055, 22.005), Point(103.0564, 22.005)],
        crs=crs,
    )
    slow = [Point(103.1050, 22.0050), Point(103.1051, 22.0050), Point(103.1050, 22.0051)]
    fast = [Point(103.0050, 22.0050), Point(103.0051, 22.0050), Point(103.0050, 22.0051)]
    lonely = [Point(103.0555, 22.0060), Point(103.0556, 22.0060)]
    tests = gpd.GeoDataFrame(
        {"download_mbps": [5.0, 7.0, 6.0, 80.0, 90.0, 85.0, 1.0, 1.0], "network": ["mobile"] * 8},
        geometry=slow + fast + lonely,
        crs=crs,
    )
    layers = {
        "communes": communes,
        "villages": villages,
        "bts_sites": sites,
        "settlements": settlements,
        "speed_tests": tests,
    }
    return Dataset(name="Sông Nậm", folder="", layers=layers)


def test_suggestions_cover_uncovered_settlements_empty_villages_and_slow_squares():
    gdf = suggest_zones(_dataset(), plan=PLAN, year=2025)
    by_kind = gdf.set_index("kind")
    assert sorted(gdf["kind"]) == ["settlements", "speed_tests", "village_area"]
    assert by_kind.loc["settlements", "households"] == 25.0  # the 99 households in Bản A are covered
    assert by_kind.loc["settlements", "village_uid"] == "01001/c"
    assert by_kind.loc["settlements", "geometry"].contains(Point(103.0564, 22.005))
    assert by_kind.loc["village_area", "households"] == pytest.approx(50.0)
    assert by_kind.loc["village_area", "geometry"].hausdorff_distance(VILLAGE_B) < 1e-7
    assert (by_kind.loc["speed_tests", "n_tests"], by_kind.loc["speed_tests", "median_mbps"]) == (3.0, 6.0)
    assert by_kind.loc["speed_tests", "name"] == "Tốc độ thấp – Bản B"
    assert gdf.crs == "EPSG:4326"


def test_suggestion_ids_are_stable_and_dismissed_ones_stay_away(tmp_path):
    dataset = _dataset()
    first = suggest_zones(dataset, plan=PLAN, year=2025)
    assert list(suggest_zones(dataset, plan=PLAN, year=2025)["suggestion_id"]) == list(first["suggestion_id"])
    assert set(suggest_zones(dataset)["kind"]) == {"settlements", "village_area"}  # no plan: no speed target
    store = open_store(tmp_path / "zones.gpkg")
    village = first[first["kind"] == "village_area"].iloc[0]
    zone_id = accept(village.to_dict(), store, user="lan")
    store.dismiss(first.loc[first["kind"] == "speed_tests", "suggestion_id"].iloc[0], user="lan")
    left = suggest_zones(dataset, plan=PLAN, year=2025, exclude=store.dismissed()["suggestion_id"])
    zone = store.get(zone_id)
    assert list(left["kind"]) == ["settlements"]
    assert (zone.status, zone.households, zone.name, zone.village_uid) == (
        "reported",
        50,
        "Chưa có 4G – Bản B",
        "01001/b",
    )
    assert store.dismissed()["reason"].tolist() == ["accepted", "dismissed"]


def test_evidence_verifies_a_zone_without_the_named_operators_4g():
    dataset = _dataset()
    vnpt = zone_evidence(VILLAGE_A, dataset, plan=PLAN, year=2025, operators="VNPT")
    anyone = zone_evidence(VILLAGE_A, dataset, plan=PLAN, year=2025)
    assert vnpt.coverage["Viettel"] == 1.0 and vnpt.coverage["VNPT"] == 0.0
    assert vnpt.proposed_status == "verified" and "VNPT" in vnpt.reasons_en[0]
    assert anyone.proposed_status == "reported"
    assert (anyone.n_tests, anyone.median_mbps, anyone.share_below_target) == (3, 85.0, 0.0)
    assert anyone.households == 99.0


def test_evidence_counts_slow_tests_and_village_households():
    dataset = _dataset()
    extra = gpd.GeoDataFrame(
        {"download_mbps": [4.0, 3.0], "network": ["mobile", "mobile"]},
        geometry=[Point(103.102, 22.002), Point(103.103, 22.002)],
        crs="EPSG:4326",
    )
    dataset.layers["speed_tests"] = pd.concat([dataset.layers["speed_tests"], extra], ignore_index=True)
    evidence = zone_evidence(VILLAGE_B, dataset, plan=PLAN, year=2025, operators="Viettel")
    half = zone_evidence(box(103.1, 22.0, 103.105, 22.01), dataset)
    assert (evidence.n_tests, evidence.median_mbps, evidence.target_mbps, evidence.share_below_target) == (
        5,
        5.0,
        50.0,
        1.0,
    )
    assert evidence.proposed_status == "verified" and len(evidence.reasons_vi) == 2
    assert evidence.households == pytest.approx(50.0)
    assert half.households == pytest.approx(25.0, rel=1e-3)
