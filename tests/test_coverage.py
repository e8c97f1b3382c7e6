"""Coverage model: radii, sectors, settings, path loss, polygons and the grid sampler.

The builders (``at``, ``square``, ``dataset``, ...) are in :mod:`tests.builders`.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import shapely

from geo.compute.coverage import (
    BROADBAND,
    coverage_bits,
    covered_by,
    discs,
    has_technology,
    operator_bits,
)
from geo.compute.model_text import describe_model
from geo.compute.pathloss import pathloss_radius_m
from geo.compute.sampling import grid_coverage_bits, sample_grid
from geo.model import Dataset
from geo.plans.assessment import Assessment
from geo.settings import merged
from tests.builders import ORIGIN, dataset, points, sites, units


def covered(ds: Dataset, offsets: list[tuple[float, float]], tech=BROADBAND) -> pd.DataFrame:
    xy = np.array([[ORIGIN[0] + dx, ORIGIN[1] + dy] for dx, dy in offsets])
    return covered_by(xy, Assessment(ds).sites, tech)


def test_operator_lists_become_bits_with_spelling_variants():
    bits = operator_bits(pd.Series(["Viettel;VNPT", "Vinaphone", "mobifone / Viettel", None, "Gtel"]))
    # OPERATORS = Viettel(1), VNPT(2), MobiFone(4), Vietnamobile(8), other(16)
    assert bits.tolist() == [3, 2, 5, 16, 16]


def test_technology_lists_match_whole_tokens():
    assert has_technology(pd.Series(["2G;4G;5G", "2G/3G", "4g", None]), "4G").tolist() == [
        True,
        False,
        True,
        False,
    ]


def test_rural_default_radius_covers_3400_m_not_3600_m():
    ds = dataset(bts_sites=sites({"xy": (0, 0), "operators": "Viettel"}))
    result = covered(ds, [(3400, 0), (0, -3600)])
    assert result["any"].tolist() == [True, False]
    assert result["Viettel"].tolist() == [True, False]
    assert not result["VNPT"].any()


def test_site_radius_override_replaces_the_default():
    ds = dataset(bts_sites=sites({"xy": (0, 0), "operators": "VNPT", "radius_m": 1000.0}))
    assert covered(ds, [(900, 0), (1100, 0)])["VNPT"].tolist() == [True, False]


def test_dataset_settings_override_radius_table():
    ds = dataset(
        {"coverage": {"radius_m": {"4G": {"rural": 500.0}}}},
        bts_sites=sites({"xy": (0, 0), "operators": "VNPT"}),
    )
    assert covered(ds, [(450, 0), (600, 0)])["any"].tolist() == [True, False]


def test_sector_antenna_covers_the_front_not_the_back():
    # azimuth 90° = east, 120° beam: east covered; west (back) and north (60°+ off axis) not
    ds = dataset(
        bts_sites=sites({"xy": (0, 0), "operators": "Viettel", "azimuth_deg": 90.0, "radius_m": 1000.0})
    )
    result = covered(ds, [(500, 0), (-500, 0), (0, 500), (400, 200)])
    assert result["any"].tolist() == [True, False, False, True]


def test_wide_sector_is_split_into_convex_wedges():
    # 240° beam towards north: covers east, west and north; not south (60° either side of south)
    ds = dataset(
        {"coverage": {"sector_beamwidth_deg": 240.0}},
        bts_sites=sites({"xy": (0, 0), "operators": "Viettel", "azimuth_deg": 0.0, "radius_m": 1000.0}),
    )
    assert covered(ds, [(500, 0), (-500, 0), (0, 500), (0, -500), (-200, -500)])["any"].tolist() == [
        True,
        True,
        True,
        False,
        False,
    ]


def test_setting_comes_from_the_village_the_site_stands_in():
    villages = units(
        [
            {
                "uid": "T",
                "name": "TDP 1",
                "box": (-3000, -3000, 3000, 3000),
                "urban": True,
                "population": 100,
            },
            {
                "uid": "R",
                "name": "Bản Nà",
                "box": (50000, -3000, 56000, 3000),
                "urban": False,
                "population": 9000,
            },
            {"uid": "M", "name": "Bản Hẻo", "box": (100000, -3000, 106000, 3000), "population": 100},
        ]
    )
    ds = dataset(
        villages=villages,
        bts_sites=sites(
            {"xy": (0, 0), "operators": "Viettel"},
            {"xy": (53000, 0), "operators": "Viettel"},
            {"xy": (103000, 0), "operators": "Viettel"},
        ),
    )
    model = Assessment(ds).sites
    # urban flag → 1500 m; flag false and 250 people/km² → rural 3500 m; 2.8 people/km² → mountainous 2500 m
    assert model.setting.tolist() == ["urban", "rural", "mountainous"]
    assert model.radius["4G"].tolist() == [1500.0, 3500.0, 2500.0]
    assert np.isnan(model.radius["5G"]).all()


def test_pathloss_radii_match_hand_computed_link_budgets():
    # COST-231 Hata, 1800 MHz, hb 30 m, hm 1.5 m, 140 dB: A = 136.20 dB at 1 km, slope 35.22 dB/decade
    # → medium city 10^(3.80/35.22) = 1.282 km; metropolitan (+3 dB) 1.051 km; suburban (−11.94 dB) 2.798 km
    setting = np.array(["urban", "rural", "mountainous"])
    radius = pathloss_radius_m(
        "4G",
        setting,
        max_loss_db=140.0,
        band_mhz=np.full(3, 1800.0),
        bts_height_m=np.full(3, 30.0),
        mobile_height_m=1.5,
    )
    assert radius == pytest.approx([1051, 2798, 1282], rel=2e-3)
    # TR 38.901 UMa 3.5 GHz, 125 dB: NLOS 13.54 + 39.08 log d + 10.88 → d ≈ 374 m;
    # LOS beyond the 676 m breakpoint → 2.67 km
    radius = pathloss_radius_m(
        "5G",
        setting,
        max_loss_db=125.0,
        band_mhz=np.full(3, 3500.0),
        bts_height_m=np.full(3, 30.0),
        mobile_height_m=1.5,
    )
    assert radius == pytest.approx([374, 2673, 374], rel=3e-3)


def test_pathloss_model_is_used_when_the_dataset_asks_for_it():
    ds = dataset({"coverage": {"model": "pathloss"}}, bts_sites=sites({"xy": (0, 0), "operators": "Viettel"}))
    assert Assessment(ds).sites.radius["4G"] == pytest.approx([2798], rel=2e-3)  # rural, suburban Hata


def test_coverage_areas_are_unioned_per_operator_in_lonlat():
    ds = dataset(
        bts_sites=sites(
            {"xy": (0, 0), "operators": "Viettel;VNPT", "radius_m": 1000.0},
            {"xy": (500, 0), "operators": "Viettel", "radius_m": 1000.0},
        )
    )
    areas = Assessment(ds).coverage("4G").set_index("operator")
    assert areas.crs == "EPSG:4326"
    assert areas.loc["VNPT", "area_km2"] == pytest.approx(math.pi, rel=0.01)
    # two 1 km discs 0.5 km apart: lens = 2·acos(0.25) − 0.25·√3.75 = 2.1521 km²,
    # union = 2π − lens = 4.1311 km²
    lens = 2 * math.acos(0.25) - 0.25 * math.sqrt(3.75)
    assert areas.loc["Viettel", "area_km2"] == pytest.approx(2 * math.pi - lens, rel=0.01)
    assert areas.loc["Viettel", "n_sites"] == 2
    assert Assessment(ds).coverage("4G", per_operator=False)["operator"].tolist() == ["any"]


def test_describe_model_speaks_both_languages_with_the_threshold():
    text = describe_model(merged({"indicators": {"village_covered_share": 0.5}}))
    vi, en = text.split("\n\n")
    assert "thôn được coi là có sóng" in vi and "50%" in vi and "3.5 km" in vi
    assert "counts as covered" in en and "50%" in en and "0.4 km" in en


def test_grid_share_of_a_half_covered_square_is_near_one_half():
    # a 2 km square, a 100 km disc whose edge runs 10 m east of the square's middle: exact share 0.505
    ds = dataset(bts_sites=sites({"xy": (-99_990, 0), "operators": "Viettel", "radius_m": 100_000.0}))
    square_m = shapely.box(ORIGIN[0] - 1000, ORIGIN[1] - 1000, ORIGIN[0] + 1000, ORIGIN[1] + 1000)
    grid = sample_grid(np.array([square_m]), cell_m=100.0, max_points=64)
    bits = grid_coverage_bits(grid, discs(Assessment(ds).sites, BROADBAND))
    assert len(bits) <= 100
    assert (bits != 0).mean() == pytest.approx(0.505, abs=0.06)


@pytest.mark.parametrize("chunk", [None, 7])  # 7: many blocks of cells and of rows
def test_grid_and_point_tests_agree_on_every_sample(chunk, monkeypatch):
    if chunk:
        monkeypatch.setattr("geo.compute.sampling._CELL_CHUNK", chunk)
        monkeypatch.setattr("geo.compute.sampling._TRIPLE_CHUNK", chunk)
    rng = np.random.default_rng(3)
    rows = [
        {
            "xy": tuple(rng.uniform(-4000, 4000, 2)),
            "operators": rng.choice(["Viettel", "VNPT", "MobiFone;VNPT"]),
            "technologies": "4G;5G",
            "azimuth_deg": rng.choice([np.nan, rng.uniform(0, 360)]),
            "radius_m": rng.uniform(300, 2500),
        }
        for _ in range(40)
    ]
    model = Assessment(dataset(bts_sites=points(rows))).sites
    cells = shapely.box(ORIGIN[0] - 3000, ORIGIN[1] - 3000, ORIGIN[0] + 3000, ORIGIN[1] + 3000)
    grid = sample_grid(
        np.array([cells, shapely.buffer(shapely.Point(ORIGIN), 800)]), cell_m=100.0, max_points=500
    )
    x, y = grid.sample_xy()
    d = discs(model, BROADBAND)
    assert (grid_coverage_bits(grid, d) == coverage_bits(x, y, d)).all()
