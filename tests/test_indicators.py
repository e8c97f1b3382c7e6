"""Spatial indicators per village and aggregated up, with hand-worked answers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from geo.bench.naive import naive_indicators, naive_village_shares
from geo.compute.proximity import site_clusters
from geo.plans.assessment import Assessment
from geo.vocab import Status
from tests.builders import COMMUNE, V1, V2, dataset, points, sites, two_villages, units


def row(table: pd.DataFrame, uid: str, indicator: str) -> pd.Series:
    found = table[(table["uid"] == uid) & (table["indicator"] == indicator)]
    assert len(found) == 1, (uid, indicator)
    return found.iloc[0]


def test_co_located_sites_of_two_operators_are_one_shared_site():
    # Viettel and VNPT 20 m apart → one shared site; MobiFone alone in Bản Y → 1 shared of 2 merged
    ds = two_villages(
        bts_sites=sites(
            {"xy": (500, 500), "operators": "Viettel", "site_id": "VT-01"},
            {"xy": (520, 500), "operators": "VNPT", "site_id": "VNP-07"},
            {"xy": (3000, 1000), "operators": "MobiFone", "site_id": "MB-3"},
        )
    )
    table = Assessment(ds).computed
    commune = row(table, "C1", "bts_site_sharing")
    assert (commune["value"], commune["numerator"], commune["denominator"]) == (50.0, 1.0, 2.0)
    assert commune["detail"] == ("MB-3",)
    assert row(table, "C1/x", "bts_site_sharing")["value"] == 100.0
    assert row(table, "C1/y", "bts_site_sharing")["value"] == 0.0
    assert pd.isna(row(table, "territory", "bts_site_sharing")["parent_uid"])
    assert row(table, "C1", "bts_site_sharing")["parent_uid"] == "territory"


def test_sites_chain_into_one_merged_site():
    x = np.array([0.0, 25.0, 50.0, 500.0])
    assert site_clusters(x, np.zeros(4), merge_distance_m=30.0).tolist() == [0, 0, 0, 3]


def test_free_wifi_just_inside_counts_just_outside_does_not():
    ds = two_villages(
        public_places=points(
            [
                {"xy": (1000, 1000), "kind": "nhà văn hóa", "name": "NVH Bản X"},
                {"xy": (3000, 1500), "kind": "UBND", "name": "UBND xã"},
            ]
        ),
        wifi_points=points(
            [
                {"xy": (1049, 1000), "free": True},
                {"xy": (3051, 1500), "free": True},
                {"xy": (3000, 1510), "free": False},
            ]
        ),
    )
    table = Assessment(ds).computed
    commune = row(table, "C1", "public_free_wifi")
    assert (commune["value"], commune["denominator"]) == (50.0, 2.0)
    assert commune["detail"] == ("UBND xã",)
    assert row(table, "C1/x", "public_free_wifi")["value"] == 100.0
    assert row(table, "C1/y", "public_free_wifi")["value"] == 0.0


def test_unit_without_data_is_nan_with_denominator_zero():
    ds = two_villages(
        public_places=points([{"xy": (1000, 1000), "kind": "chợ"}]),
        wifi_points=points([{"xy": (1000, 1010)}]),
    )
    empty = row(Assessment(ds).computed, "C1/y", "public_free_wifi")
    assert np.isnan(empty["value"]) and empty["denominator"] == 0 and empty["flag"] == Status.NO_DATA


@pytest.mark.parametrize(("threshold", "expected"), [(0.5, 100.0), (0.8, 0.0)])
def test_half_covered_village_against_the_threshold(threshold, expected):
    # a 100 km disc whose edge runs 10 m east of Bản X's middle: exact share (1000 + 10) / 2000 = 0.505
    ds = two_villages(
        settings={"indicators": {"village_covered_share": threshold}},
        bts_sites=sites({"xy": (1010 - 100_000, 1000), "operators": "Viettel", "radius_m": 100_000.0}),
    )
    share = Assessment(ds).village_coverage.set_index("uid").loc["C1/x", "share_4g"]
    assert share == pytest.approx(0.505, abs=0.06)
    village = row(Assessment(ds).computed, "C1/x", "village_mobile_bb_coverage")
    assert village["value"] == expected
    assert village["detail"] == (() if expected else ("Bản X",))


def test_uncovered_villages_are_named_in_the_commune_detail():
    ds = two_villages(bts_sites=sites({"xy": (0, 1000), "operators": "VNPT", "radius_m": 300.0}))
    commune = row(Assessment(ds).computed, "C1", "village_mobile_bb_coverage")
    assert (commune["numerator"], commune["denominator"]) == (0.0, 2.0)
    assert set(commune["detail"]) == {"Bản X", "Bản Y"}


def test_settlement_points_weight_the_share_by_households():
    # A (30 households) inside a 500 m disc at the corner, B (10 households) outside → 30 / 40 = 0.75 < 0.8
    ds = two_villages(
        v1={"households": None},
        bts_sites=sites({"xy": (0, 0), "operators": "Viettel", "radius_m": 500.0}),
        settlements=points(
            [{"xy": (100, 100), "households": 30.0}, {"xy": (1900, 1900), "households": 10.0}]
        ),
    )
    coverage = Assessment(ds).village_coverage.set_index("uid")
    assert coverage.loc["C1/x", "basis"] == "settlements"
    assert coverage.loc["C1/x", "share_4g"] == pytest.approx(0.75)
    assert not coverage.loc["C1/x", "covered"]
    household = row(Assessment(ds).computed, "C1/x", "household_mobile_bb_coverage")
    assert (household["value"], household["numerator"], household["denominator"]) == (75.0, 30.0, 40.0)


def test_households_and_population_follow_the_area_share():
    # 4G: a 100 km disc whose edge runs 10 m inside Bản X's east side → every sample of Bản X, none of Bản Y.
    # 5G: a 100 km disc whose edge runs 10 m east of Bản X's middle → 4 of its 8 sample columns
    # (exact 50.5 %).
    ds = two_villages(
        v1={"households": 100.0, "population": 400.0},
        v2={"households": 50.0, "population": None},
        bts_sites=sites(
            {"xy": (1990 - 100_000, 1000), "operators": "Viettel", "radius_m": 100_000.0},
            {
                "xy": (1010 - 100_000, 1000),
                "operators": "Viettel",
                "technologies": "5G",
                "radius_m": 100_000.0,
            },
        ),
    )
    table = Assessment(ds).computed
    household = row(table, "C1", "household_mobile_bb_coverage")
    assert (household["numerator"], household["denominator"]) == (100.0, 150.0)
    assert household["detail"] == ("Bản Y",)
    pop = row(table, "C1", "pop_5g_coverage")
    assert (pop["numerator"], pop["denominator"]) == (200.0, 400.0)  # Bản Y's unknown population is left out
    assert np.isnan(row(table, "C1/y", "pop_5g_coverage")["value"])


def test_speed_medians_come_from_raw_tests_with_sample_flags():
    tests = [{"xy": (500, 500), "download_mbps": v, "network": "mobile"} for v in (10.0, 20.0, 30.0)] + [
        {"xy": (3000, 500), "download_mbps": v, "network": "di động"} for v in (40.0, 50.0)
    ]
    tests.append({"xy": (500, 500), "download_mbps": 100.0, "network": "fixed"})
    ds = two_villages(settings={"indicators": {"min_speed_tests": 3}}, speed_tests=points(tests))
    table = Assessment(ds).computed
    commune = row(table, "C1", "mobile_speed")
    assert (commune["value"], commune["n_samples"], commune["flag"]) == (30.0, 5, "")  # not (20 + 45) / 2
    assert (row(table, "C1/x", "mobile_speed")["value"], row(table, "C1/x", "mobile_speed")["flag"]) == (
        20.0,
        "",
    )
    small = row(table, "C1/y", "mobile_speed")
    assert (small["value"], small["n_samples"], small["flag"]) == (45.0, 2, Status.INSUFFICIENT)
    none = row(table, "C1/y", "fixed_speed")
    assert np.isnan(none["value"]) and none["n_samples"] == 0 and none["flag"] == Status.NO_DATA
    assert pd.isna(row(table, "C1", "mobile_speed")["numerator"])


def test_ftth_share_counts_known_villages_only():
    villages = units(
        [{**V1, "ftth": True}, {**V2, "ftth": "Không"}, {**V2, "uid": "C1/z", "name": "Bản Z", "ftth": None}]
    )
    table = Assessment(dataset(communes=units([COMMUNE]), villages=villages)).computed
    commune = row(table, "C1", "village_ftth_coverage")
    assert (commune["value"], commune["numerator"], commune["denominator"]) == (50.0, 1.0, 2.0)
    assert commune["detail"] == ("Bản Y",)
    assert np.isnan(row(table, "C1/z", "village_ftth_coverage")["value"])


def test_output_has_every_unit_and_indicator_once():
    ds = two_villages(
        bts_sites=sites({"xy": (500, 500), "operators": "Viettel"}),
        speed_tests=points([{"xy": (500, 500), "download_mbps": 5.0, "network": "fixed"}]),
    )
    table = Assessment(ds).computed
    assert table.columns.tolist()[:5] == ["level", "uid", "name", "parent_uid", "indicator"]
    assert table.groupby(["uid", "indicator"]).size().eq(1).all()
    assert set(table["level"]) == {"territory", "commune", "village"}
    assert (table["source"] == "computed").all()
    assert "public_free_wifi" not in set(table["indicator"])  # no places: not computed at all


def _random_dataset(seed: int):
    rng = np.random.default_rng(seed)
    communes = [
        {"uid": "C1", "name": "Xã 1", "box": (0, 0, 6000, 6000)},
        {"uid": "C2", "name": "Xã 2", "box": (6000, 0, 12000, 6000)},
    ]
    villages = []
    for c, x0 in (("C1", 0), ("C2", 6000)):
        xs = np.concatenate([[0], np.sort(rng.uniform(1000, 5000, 2)), [6000]]) + x0
        ys = np.concatenate([[0], np.sort(rng.uniform(1000, 5000, 2)), [6000]])
        for i in range(3):
            for j in range(3):
                box = (xs[i], ys[j], xs[i + 1], ys[j + 1])
                villages.append(
                    {"uid": f"{c}/{i}{j}", "parent_uid": c, "name": f"Thôn {c}{i}{j}", "box": box}
                )
    site_rows = [
        {
            "xy": tuple(rng.uniform(0, [12000, 6000])),
            "operators": rng.choice(["Viettel", "VNPT", "MobiFone", "Viettel;VNPT"]),
            "technologies": rng.choice(["4G", "4G;5G", "2G"]),
            "radius_m": rng.uniform(600, 2000),
            "azimuth_deg": rng.choice([np.nan, rng.uniform(0, 360)]),
        }
        for _ in range(14)
    ]
    site_rows += [
        {**s, "xy": (s["xy"][0] + 12, s["xy"][1] - 9), "operators": "MobiFone"} for s in site_rows[:4]
    ]
    place_xy = rng.uniform(0, [12000, 6000], (30, 2))
    wifi_xy = np.concatenate(
        [place_xy[:20] + rng.uniform(-60, 60, (20, 2)), rng.uniform(0, [12000, 6000], (5, 2))]
    )
    return dataset(
        communes=units(communes),
        villages=units(villages),
        bts_sites=points(site_rows),
        public_places=points([{"xy": tuple(xy), "kind": "chợ"} for xy in place_xy]),
        wifi_points=points([{"xy": tuple(xy)} for xy in wifi_xy]),
    )


def test_fast_path_agrees_with_the_naive_geopandas_baseline():
    ds = _random_dataset(7)
    fast = Assessment(ds).computed
    slow = naive_indicators(ds)
    merged = slow.merge(fast, on=["uid", "indicator"], suffixes=("_naive", ""))
    exact_share = naive_village_shares(ds)
    sampled_share = Assessment(ds).village_coverage.set_index("uid")["share_4g"]
    # grid sampling error on these 1–4 km² villages: a few percentage points at most
    assert (sampled_share - exact_share).abs().max() < 0.06
    for indicator in ("bts_site_sharing", "public_free_wifi"):
        same = merged[merged["indicator"] == indicator]
        assert len(same) == 1 + 2 + 18
        assert (same["numerator_naive"] == same["numerator"]).all()
        assert (same["denominator_naive"] == same["denominator"]).all()
    clear = (exact_share - 0.8).abs() > 0.06  # villages not within the sampling tolerance of the threshold
    villages = merged[
        (merged["indicator"] == "village_mobile_bb_coverage") & merged["uid"].isin(exact_share.index[clear])
    ]
    assert len(villages) >= 12
    assert (villages["numerator_naive"] == villages["numerator"]).all()
