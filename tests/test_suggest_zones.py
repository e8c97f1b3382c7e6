"""Verified weak-signal zones are demand the suggested sites must cover: a suggestion says which zone it
covers, a zone no candidate reaches is reported as "cannot be covered", zones only reported are not
demand yet."""

from __future__ import annotations

import shutil

import geopandas as gpd
from shapely.geometry import box

from geo.cli.main import main
from geo.scenarios.suggest import suggest_sites
from geo.settings import DEMO_DIR, ZONES_STORE_ENV
from geo.vocab import ZoneStatus
from geo.zones import dataset_store, open_store
from geo.zones.record import Zone
from tests.builders import PLACES, cluster_dataset, square


def _zones(*rows):
    """Zones from (name, metric box) rows, EPSG:4326."""
    return gpd.GeoDataFrame(
        {"zone_id": [f"Z{k}" for k in range(len(rows))], "name": [n for n, _ in rows], "households": 30},
        geometry=[square(*b) for _, b in rows],
        crs="EPSG:4326",
    )


def test_a_verified_zone_brings_in_the_site_that_reaches_it_and_its_why_names_the_zone():
    zones = _zones(("Khe Pá Vạt", (9800, -200, 10_200, 200)))  # only the decoy place at 10 km reaches it
    plain = suggest_sites(cluster_dataset(PLACES), kinds=("public_places",), exact=True)
    answer = suggest_sites(cluster_dataset(PLACES), kinds=("public_places",), zones=zones, exact=True)
    assert len(plain.sites) == 3 and len(answer.sites) == 4 and answer.exact == 4
    zoned = answer.sites[answer.sites["zones"] != ""]
    assert zoned["zones"].tolist() == ["Khe Pá Vạt"] and zoned["n_villages"].tolist() == [0]
    assert "vùng lõm sóng đã xác minh: Khe Pá Vạt" in zoned["why"].iat[0]
    assert "verified weak-signal zones: Khe Pá Vạt" in zoned["why"].iat[0]
    assert zoned["households"].tolist() == [30.0]
    assert answer.uncoverable.empty


def test_a_verified_zone_no_candidate_reaches_is_reported_never_dropped():
    zones = _zones(("Bản Xa", (60_000, -200, 60_400, 200)))
    answer = suggest_sites(cluster_dataset(PLACES), kinds=("public_places",), zones=zones)
    assert answer.uncoverable[["uid", "name", "kind"]].to_dict("records") == [
        {"uid": "Z0", "name": "Bản Xa", "kind": "zone"}
    ]
    assert answer.uncoverable["households"].tolist() == [30.0]
    assert len(answer.sites) == 3  # the villages are still served


def test_cli_reads_the_dataset_store_and_covers_only_verified_zones(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv(ZONES_STORE_ENV, raising=False)
    folder = tmp_path / "demo"
    shutil.copytree(DEMO_DIR, folder)
    with open_store(dataset_store(folder)) as store:
        verified = store.add(
            Zone(name="Lõm Nậm Cản", geometry=box(103.150, 22.040, 103.152, 22.042)), user="lan"
        )
        store.set_status(verified, ZoneStatus.VERIFIED, user="lan")
        store.add(
            Zone(name="Báo cáo chưa xác minh", geometry=box(103.30, 22.20, 103.302, 22.202)), user="lan"
        )
        store.add(Zone(name="Lõm ngoài vùng", geometry=box(106.0, 21.0, 106.002, 21.002)), user="lan")
    argv = ["suggest-sites", str(folder), "--out", str(tmp_path / "de_xuat.geojson")]
    assert main([*argv, "--candidates", "towers"]) == 0  # no tower without 4G reaches the zone
    captured = capsys.readouterr()
    assert "Vùng lõm sóng đã xác minh Lõm Nậm Cản: không vị trí ứng viên nào phủ được" in captured.err
    assert "Báo cáo chưa xác minh" not in captured.out + captured.err
    assert main(["--lang", "en", *argv]) == 0  # a grid point reaches it
    out = capsys.readouterr().out
    assert "verified weak-signal zones: Lõm Nậm Cản" in out and "Báo cáo chưa xác minh" not in out
