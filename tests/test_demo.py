"""Tests of the deterministic demo generator (geo.demo): reproducible files, counts, and the story."""

from __future__ import annotations

import re
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely
import yaml

from geo.demo import write_demo
from geo.demo.village import STORY

METRIC = "EPSG:9205"
# Every indicator of INDICATORS.md whose kind is "tabular".
TABULAR = {
    "pole_sharing", "duct_sharing", "cable_undergrounding", "household_fibre", "fixed_bb_subs_per_100",
    "mobile_bb_subs_per_100", "smartphone_share", "adult_smartphone", "household_smart_device",
    "only_2g_users", "internet_users", "gigabit_fibre_access", "state_network_connected",
    "cloud_info_systems", "cloud_accounts_per_person", "bank_account_15plus", "ipv6_agencies",
    "gov_platform_use", "business_platform_use", "ai_blockchain_iot",
}  # fmt: skip


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_demo(tmp_path_factory.mktemp("demo"), scale="village")


@pytest.fixture(scope="module")
def manifest(demo: Path) -> dict:
    return yaml.safe_load((demo / "dataset.yaml").read_text(encoding="utf-8"))


def _read(demo: Path, manifest: dict, layer: str) -> pd.DataFrame | gpd.GeoDataFrame:
    """Read one layer as the manifest describes it (sheet, layer, x/y columns), in EPSG:4326."""
    entry = manifest["layers"][layer]
    path = demo / entry["path"]
    if path.suffix == ".xlsx":
        title_rows = 1 if layer == "bts_sites" else 0
        code = {entry.get("code", ""): str}
        table = pd.read_excel(path, sheet_name=entry["sheet"], header=title_rows, dtype=code)
    elif path.suffix == ".csv":
        table = pd.read_csv(path, encoding="utf-8-sig")
    else:
        return gpd.read_file(path, layer=entry.get("layer"))
    if "x" not in entry:
        return table
    points = gpd.points_from_xy(table[entry["x"]], table[entry["y"]])
    return gpd.GeoDataFrame(table, geometry=points, crs=manifest["crs"])


def _shared_sites(sites: gpd.GeoDataFrame, operators: str, merge_m: float) -> tuple[int, int]:
    """(sites, sites with two or more operators) after merging rows within ``merge_m`` metres."""
    blobs = shapely.get_parts(shapely.union_all(sites.to_crs(METRIC).buffer(merge_m / 2).values))
    site_of = shapely.STRtree(blobs).query(sites.to_crs(METRIC).geometry.values, predicate="intersects")
    names = sites[operators].str.replace(r"VNPT-Vinaphone|Vinaphone", "VNPT", regex=True).str.lower()
    ops = pd.Series([set(re.split(r"\s*[,;/+]\s*", n)) for n in names], index=site_of[0])
    per_site = ops.groupby(site_of[1]).agg(lambda s: set().union(*s))
    return len(per_site), int((per_site.map(len) >= 2).sum())


def test_same_seed_writes_identical_files(demo: Path, tmp_path: Path) -> None:
    again = write_demo(tmp_path / "again", scale="village", seed=2025)
    names = sorted(p.name for p in demo.iterdir())
    assert names == sorted(p.name for p in again.iterdir())
    assert {n.rsplit(".", 1)[1] for n in names} == {"gpkg", "geojson", "xlsx", "csv", "yaml", "tif", "kmz"}
    for name in names:
        assert (demo / name).read_bytes() == (again / name).read_bytes(), name


def test_another_seed_draws_other_measurements(demo: Path, manifest: dict, tmp_path: Path) -> None:
    other = write_demo(tmp_path / "other", scale="village", seed=7)
    assert (demo / "do_toc_do.csv").read_bytes() != (other / "do_toc_do.csv").read_bytes()
    # the hand-made geography stays: same villages in the same places, only their sizes change
    mine, theirs = (gpd.read_file(folder / "thon_ban.geojson") for folder in (demo, other))
    assert shapely.equals(mine.geometry.values, theirs.geometry.values).all()
    assert (mine["Tên thôn"] == theirs["Tên thôn"]).all()
    assert (mine["Số hộ"] != theirs["Số hộ"]).any()


def test_demo_is_small_and_named_as_demo(demo: Path, manifest: dict) -> None:
    assert sum(p.stat().st_size for p in demo.iterdir()) < 1_000_000
    assert "dữ liệu mô phỏng" in manifest["name"]
    assert manifest["crs"] == "EPSG:4326"
    assert manifest["province"] == "Điện Biên"
    assert manifest["settings"] == {"metric_crs": "EPSG:9205"}


def test_every_mapped_column_exists_in_its_file(demo: Path, manifest: dict) -> None:
    for layer, entry in manifest["layers"].items():
        if layer == "dem":  # a raster (tests/test_terrain.py)
            continue
        columns = set(_read(demo, manifest, layer).columns)
        mapped = {v for k, v in entry.items() if k not in ("path", "sheet", "layer", "indicators")}
        assert mapped <= columns, (layer, mapped - columns)
        assert set(entry.get("indicators", {})) <= columns


def test_village_counts_are_in_the_stated_ranges(demo: Path, manifest: dict) -> None:
    communes = _read(demo, manifest, "communes")
    villages = _read(demo, manifest, "villages")
    sites = _read(demo, manifest, "bts_sites")
    assert 5 <= len(communes) <= 8
    assert communes["MA_XA"].str.fullmatch(r"99\d{3}").all()
    assert 50 <= len(villages) <= 90
    assert (villages["Số hộ"] > 0).all() and (villages["Dân số"] > villages["Số hộ"]).all()
    assert 20 <= len(sites) <= 40
    assert 20 <= _shared_sites(sites, "Nhà mạng", 30.0)[0] <= 40
    assert 20 <= len(_read(demo, manifest, "public_places")) <= 60
    assert 20 <= len(_read(demo, manifest, "wifi_points")) <= 60
    tests = _read(demo, manifest, "speed_tests")
    assert 2_000 <= len(tests) <= 5_000
    assert set(tests["loai_mang"]) == {"cố định", "di động"}
    per_commune = gpd.sjoin(tests, communes, predicate="within")["TEN_XA"].value_counts()
    assert per_commune.max() >= 300 and per_commune.min() < 300
    assert villages["Cáp quang"].isna().sum() >= 1
    assert set(villages["Cáp quang"].dropna()) == {"Có", "Không"}


def test_unit_stats_cover_every_tabular_indicator_for_town_and_communes(demo: Path, manifest: dict) -> None:
    stats = _read(demo, manifest, "unit_stats")
    labels = manifest["layers"]["unit_stats"]["indicators"]
    assert set(labels.values()) == TABULAR | {"village_mobile_bb_coverage"}
    communes = _read(demo, manifest, "communes")
    assert set(stats["Mã đơn vị"]) == {"999", *communes["MA_XA"]}
    assert sorted(stats.groupby("Mã đơn vị")["Năm"].apply(tuple).unique()) == [(2022, 2023, 2024, 2025)]
    values = stats[list(labels)]
    assert values.notna().sum().min() > 0  # every indicator has data somewhere
    assert 0 < values.isna().sum().sum() < values.size / 2  # and a few values are missing
    column = {ind: label for label, ind in labels.items()}
    by_unit = stats.set_index(["Mã đơn vị", "Năm"])
    assert np.isnan(by_unit.loc[("999", 2025), column["household_smart_device"]])
    assert by_unit.loc["99007", column["household_smart_device"]].isna().all()  # no data vs plan 004's 90 %
    # the operators' village coverage: 5 of 9 bản in Huổi Mí, and a kind 100 % for Phìn Hồ
    reported = by_unit[column["village_mobile_bb_coverage"]]
    assert reported[("99005", 2025)] == 55.6 and reported[("99007", 2025)] == 100.0
    assert reported.xs(2023, level="Năm").isna().all()


def test_remote_villages_are_more_than_4_km_from_every_4g_site(demo: Path, manifest: dict) -> None:
    villages = _read(demo, manifest, "villages").to_crs(METRIC)
    sites = _read(demo, manifest, "bts_sites").to_crs(METRIC)
    g4 = shapely.union_all(sites[sites["Công nghệ"].str.contains("4G|5G")].geometry.values)
    distance_km = villages.distance(g4) / 1000.0
    remote = villages["Tên thôn"].isin(STORY.remote_villages)
    assert remote.sum() == 4
    assert set(villages.loc[remote, "Xã"]) == {STORY.remote_commune}
    assert (distance_km[remote] > STORY.remote_min_km).all()
    assert (villages.loc[remote, "Cáp quang"] == "Không").all()
    # the wards are well inside 4G range, and the remote bản still have a 2G-only site
    assert (distance_km[villages["Xã"].str.startswith("Phường")] < 1.0).all()
    two_g = sites[~sites["Công nghệ"].str.contains("4G")]
    assert len(two_g) == 1 and villages[remote].distance(two_g.geometry.iloc[0]).min() < 1_000


def test_one_commune_has_no_free_wifi_at_its_cultural_houses(demo: Path, manifest: dict) -> None:
    communes = _read(demo, manifest, "communes")
    places = _read(demo, manifest, "public_places")
    wifi = _read(demo, manifest, "wifi_points")
    houses = gpd.sjoin(places[places["Loại"].str.startswith("Nhà văn hóa")], communes, predicate="within")
    free = shapely.union_all(wifi[wifi["Miễn phí"] == "Có"].to_crs(METRIC).geometry.values)
    houses["wifi"] = houses.to_crs(METRIC).distance(free) <= 50.0
    share = houses.groupby("TEN_XA")["wifi"].mean()
    assert share[STORY.no_free_wifi_commune] == 0.0
    assert share[share == 0.0].index.tolist() == [STORY.no_free_wifi_commune]
    assert share["Phường Sông Nậm"] == 1.0
    # a paid hotspot stands right beside one of them: only the free flag keeps it out
    paid = wifi[wifi["Miễn phí"] == "Không"].to_crs(METRIC)
    mine = houses[houses["TEN_XA"] == STORY.no_free_wifi_commune].to_crs(METRIC)
    assert paid.distance(shapely.union_all(mine.geometry.values)).min() < 50.0


def test_communes_and_villages_tile_the_town(demo: Path, manifest: dict) -> None:
    town = _read(demo, manifest, "districts").to_crs(METRIC)
    communes = _read(demo, manifest, "communes").to_crs(METRIC)
    villages = _read(demo, manifest, "villages").to_crs(METRIC)
    assert communes.is_valid.all() and villages.is_valid.all()
    assert 100e6 <= town.area.sum() <= 150e6
    by_commune = villages.area.groupby(villages["Xã"]).sum()
    commune_area = communes.set_index("TEN_XA").area
    assert np.allclose(by_commune.reindex(commune_area.index), commune_area, rtol=1e-3)
    union = shapely.union_all(villages.geometry.values).area
    assert union == pytest.approx(villages.area.sum(), rel=1e-4)  # no overlaps
    assert union == pytest.approx(town.area.sum(), rel=1e-4)  # no gaps
    assert not villages.duplicated(["Xã", "Tên thôn"]).any()
    # names repeat across communes ("Bản Lói", "Tổ dân phố 1"), so the parent column matters
    assert villages["Tên thôn"].duplicated().any()


def test_site_sharing_meets_25_percent_but_misses_60(demo: Path, manifest: dict) -> None:
    sites, shared = _shared_sites(_read(demo, manifest, "bts_sites"), "Nhà mạng", 30.0)
    assert (sites, shared) == (22, 9)  # 40.9 %


def test_5g_only_in_the_wards(demo: Path, manifest: dict) -> None:
    communes = _read(demo, manifest, "communes")
    sites = _read(demo, manifest, "bts_sites")
    five_g = gpd.sjoin(sites[sites["Công nghệ"].str.contains("5G")], communes, predicate="within")
    assert len(five_g) >= 3
    assert set(five_g["TEN_XA"]) == set(STORY.five_g_communes)


def test_province_scale_has_the_expected_counts_and_is_fast(tmp_path: Path) -> None:
    start = time.perf_counter()
    out = write_demo(tmp_path / "province", scale="province", seed=1)
    assert time.perf_counter() - start < 10.0
    manifest = yaml.safe_load((out / "dataset.yaml").read_text(encoding="utf-8"))
    layers = manifest["layers"]
    expected = {"communes": 100, "villages": 2_000, "bts_sites": 3_000, "speed_tests": 50_000}
    for layer, count in expected.items():
        entry = layers[layer]
        path = out / entry["path"]
        n = pyogrio.read_info(path, layer=entry.get("layer"))["features"] if path.suffix == ".gpkg" else None
        n = n if n is not None else len(pd.read_csv(path, usecols=[entry["x"]]))
        assert abs(n - count) <= 0.1 * count, layer
    villages = gpd.read_file(out / layers["villages"]["path"], layer=layers["villages"]["layer"])
    communes = gpd.read_file(out / layers["communes"]["path"], layer=layers["communes"]["layer"])
    assert set(villages["Mã xã"]) == set(communes["MA_XA"])  # every commune has villages
    area = [shapely.area(gdf.geometry.values).sum() for gdf in (communes, villages)]  # degrees², planar
    assert area[0] == pytest.approx(area[1])
    stats = pd.read_csv(out / layers["unit_stats"]["path"], encoding="utf-8-sig", dtype={"Mã đơn vị": str})
    assert len(stats) == (100 + 1) * 4


def test_unknown_scale_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="village, province, national"):
        write_demo(tmp_path, scale="district")


def test_reference_layers_are_read_as_lines_and_named_points(demo: Path) -> None:
    from geo.io.dataset import read_dataset

    dataset = read_dataset(demo)
    assert set(dataset.layer("roads").geom_type) == {"LineString"}
    assert set(dataset.layer("rivers").geom_type) == {"LineString"}
    assert set(dataset.layer("places").geom_type) == {"Point"}
    assert "Sông Nậm" in set(dataset.layer("rivers")["name"])
    assert "Quốc lộ 12" in set(dataset.layer("roads")["name"])
    town = dataset.layer("districts").geometry.iloc[0]
    assert dataset.layer("places").within(town).all()
