"""Zone stores (GeoPackage, and PostGIS when COVERAGE_TEST_PG_URL points at a server): every change kept."""

from __future__ import annotations

import multiprocessing
import os
import signal
import sqlite3
import time
import uuid
from pathlib import Path

import pyogrio
import pytest
import shapely
from shapely.geometry import MultiPolygon, Point, Polygon, box

from geo.errors import DataError, ZoneStoreError
from geo.settings import ZONES_FILE_NAME, ZONES_STORE_ENV
from geo.zones import dataset_store, open_store
from geo.zones.gpkg import GpkgZoneStore
from geo.zones.record import Zone

FULL_ZONE = Zone(
    name='<b>Bản Nà Luồng</b> & "khe" <script>',
    geometry=MultiPolygon(
        [
            Polygon(
                [
                    (103.2000001234567, 22.05),
                    (103.2131, 22.0500000001),
                    (103.2131, 22.0617),
                    (103.2, 22.0617),
                ],
                [[(103.205, 22.055), (103.207, 22.055), (103.207, 22.057)]],
            ),
            Polygon([(103.3, 22.1), (103.31, 22.1), (103.31, 22.11)]),
        ]
    ),
    technology="4G;fixed",
    operators="Viettel;VNPT",
    severity="high",
    households=37,
    reported_by="Lò Văn Pọm",
    note="Ghi chú <i>dài</i>\nhai dòng",
    status="verified",
    village_uid="01234/ban na luong",
    commune_uid="01234",
    zone_id=str(uuid.UUID(int=7)),
    created_at="2024-03-05T07:08:09.010Z",
)


def test_every_attribute_and_geometry_round_trip_exactly(store_url):
    with open_store(store_url) as store:
        zone_id = store.add(FULL_ZONE, user="lan")
        point_id = store.add(
            Zone(name="Điểm", geometry=Point(103.123456789012345, 22.987654321098765)), user="lan"
        )
        got, point = store.get(zone_id), store.get(point_id)
    assert zone_id == FULL_ZONE.zone_id
    expected = {**FULL_ZONE.record(), "updated_by": "lan"}
    assert {k: v for k, v in got.record().items() if k not in ("updated_at", "geometry")} == {
        k: v for k, v in expected.items() if k not in ("updated_at", "geometry")
    }
    assert shapely.to_wkb(got.geometry) == shapely.to_wkb(FULL_ZONE.geometry)
    assert shapely.to_wkb(point.geometry) == shapely.to_wkb(Point(103.123456789012345, 22.987654321098765))
    assert (point.technology, point.severity, point.status, point.households) == (
        "4G",
        "medium",
        "reported",
        None,
    )


def test_edit_status_history_soft_delete_and_restore(store_url):
    with open_store(store_url) as store:
        zone_id = store.add(
            Zone(name="Bản Pá", geometry=box(103.2, 22.0, 103.21, 22.01), severity="vừa"), user="lan"
        )
        store.update(zone_id, {"note": "sóng chập chờn", "households": "12", "severity": "nặng"}, user="minh")
        store.set_status(zone_id, "đã xác minh", user="minh")
        store.set_status(zone_id, "resolved", user="minh")
        with pytest.raises(DataError, match="không thể chuyển trạng thái"):
            store.set_status(zone_id, "verified", user="minh")
        store.delete(zone_id, user="hoa")
        assert zone_id not in set(store.list()["zone_id"])
        assert store.list(include_deleted=True).set_index("zone_id").loc[zone_id, "deleted"]
        with pytest.raises(DataError) as refused:
            store.update(zone_id, {"note": "x"}, user="hoa")
        assert "restore it before editing" in refused.value.en
        store.restore(zone_id, user="hoa")
        store.update(zone_id, {"note": "sóng chập chờn"}, user="hoa")  # no change: nothing written
        zone = store.get(zone_id)
        history = store.history(zone_id)
    assert (zone.note, zone.households, zone.severity, zone.status, zone.deleted) == (
        "sóng chập chờn",
        12,
        "high",
        "resolved",
        False,
    )
    edits = history[history["action"] != "add"]
    assert edits[["changed_by", "action", "field", "old_value", "new_value"]].values.tolist() == [
        ["minh", "update", "severity", "medium", "high"],
        ["minh", "update", "households", None, "12"],
        ["minh", "update", "note", "", "sóng chập chờn"],
        ["minh", "status", "status", "reported", "verified"],
        ["minh", "status", "status", "verified", "resolved"],
        ["hoa", "delete", "deleted", "false", "true"],
        ["hoa", "restore", "deleted", "true", "false"],
    ]
    assert set(history.loc[history["action"] == "add", "changed_by"]) == {"lan"}


def test_geometry_edit_is_logged_with_old_and_new_shape(store_url):
    with open_store(store_url) as store:
        zone_id = store.add(Zone(name="A", geometry=box(103.2, 22.0, 103.21, 22.01)), user="lan")
        store.update(zone_id, {"geometry": box(103.2, 22.0, 103.22, 22.01)}, user="minh")
        row = store.history(zone_id).iloc[-1]
        assert store.get(zone_id).geometry.equals(box(103.2, 22.0, 103.22, 22.01))
    assert (row["field"], row["changed_by"]) == ("geometry", "minh")
    assert shapely.from_wkt(row["old_value"]).equals(box(103.2, 22.0, 103.21, 22.01))
    assert shapely.from_wkt(row["new_value"]).equals(box(103.2, 22.0, 103.22, 22.01))


def test_bad_zones_are_refused_and_nothing_is_written(store_url):
    bowtie = Polygon([(103.2, 22.05), (103.21, 22.06), (103.21, 22.05), (103.2, 22.06)])
    line_like = Polygon([(103.2, 22.05), (103.21, 22.05), (103.22, 22.05)])
    with open_store(store_url) as store:
        repaired = store.get(store.add(Zone(name="nơ", geometry=bowtie), user="u"))
        with pytest.raises(DataError) as refused:
            store.add_many(
                [Zone(name="ok", geometry=box(103, 22, 103.01, 22.01)), Zone(name="dẹt", geometry=line_like)],
                user="u",
            )
        with pytest.raises(DataError):
            store.add(Zone(name="UTM", geometry=box(500000, 2440000, 501000, 2441000)), user="u")
        with pytest.raises(DataError) as repeated:
            store.add(
                Zone(name="again", geometry=box(103, 22, 103.01, 22.01), zone_id=repaired.zone_id), user="u"
            )
        assert "already exists" in repeated.value.en
        names = list(store.list()["name"])
    assert repaired.geometry.geom_type == "MultiPolygon" and repaired.geometry.is_valid
    assert repaired.geometry.area == pytest.approx(0.01 * 0.01 / 2)
    assert "feature 2 'dẹt'" in refused.value.problems[0].text("en")
    assert names == ["nơ"]


def test_dismissed_suggestions_are_remembered_once(store_url):
    with open_store(store_url) as store:
        store.dismiss("abc123", user="lan")
        store.dismiss("abc123", user="minh")
        store.dismiss("def456", user="minh", reason="accepted")
        dismissed = store.dismissed()
    assert dismissed[["suggestion_id", "dismissed_by", "reason"]].values.tolist() == [
        ["abc123", "lan", "dismissed"],
        ["def456", "minh", "accepted"],
    ]


def _worker(args: tuple[str, int, str, int]) -> list[tuple[str, str]]:
    url, worker, shared_id, rounds = args
    done = []
    with open_store(url) as store:
        for i in range(rounds):
            zone_id = store.add(
                Zone(
                    name=f"w{worker}-{i}",
                    geometry=box(
                        103 + worker * 0.1, 22 + i * 0.01, 103.005 + worker * 0.1, 22.005 + i * 0.01
                    ),
                ),
                user=f"u{worker}",
            )
            store.update(zone_id, {"note": f"sửa {worker}-{i}"}, user=f"u{worker}")
            store.update(shared_id, {"note": f"chung {worker}-{i}"}, user=f"u{worker}")
            done.append((zone_id, f"sửa {worker}-{i}"))
    return done


def test_concurrent_planners_keep_every_zone_and_last_edit(store_url):
    workers, rounds = 3, 2
    with open_store(store_url) as store:
        shared_id = store.add(Zone(name="chung", geometry=box(102.5, 21.5, 102.51, 21.51)), user="lead")
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        results = pool.map(_worker, [(store_url, w, shared_id, rounds) for w in range(workers)])
    with open_store(store_url) as store:
        notes = store.list().set_index("zone_id")["note"].to_dict()
        shared = store.history(shared_id)
    expected = {zone_id: note for done in results for zone_id, note in done}
    assert len(expected) == workers * rounds
    assert {k: notes[k] for k in expected} == expected
    edits = shared[shared["field"] == "note"]
    assert len(edits) == workers * rounds
    assert notes[shared_id] == edits["new_value"].iloc[-1]
    assert edits["old_value"].iloc[1:].tolist() == edits["new_value"].iloc[:-1].tolist()  # no lost update


def _save_forever(path: str, log_path: str) -> None:
    store = open_store(path)
    with open(log_path, "a") as log:
        for i in range(10_000):
            zone_id = store.add(
                Zone(name=f"z{i}", geometry=box(103, 22 + i * 1e-3, 103.01, 22.0009 + i * 1e-3)), user="k"
            )
            log.write(zone_id + "\n")
            log.flush()


def test_killed_save_leaves_every_committed_zone(tmp_path):
    path, log_path = str(tmp_path / "zones.gpkg"), tmp_path / "committed.txt"
    GpkgZoneStore(path)
    child = multiprocessing.get_context("fork").Process(target=_save_forever, args=(path, str(log_path)))
    child.start()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and (not log_path.exists() or len(log_path.read_text().split()) < 8):
        time.sleep(0.02)
    os.kill(child.pid, signal.SIGKILL)
    child.join()
    committed = log_path.read_text().split()
    with open_store(path) as store:
        kept = set(store.list()["zone_id"])
    assert len(committed) >= 8
    assert set(committed) <= kept
    assert len(kept) - len(committed) <= 1  # at most the zone committed just before the kill
    assert len(pyogrio.read_dataframe(path, layer="weak_zones")) == len(kept)


def test_geopackage_is_a_proper_gpkg_qgis_can_open(tmp_path):
    path = tmp_path / "zones.gpkg"
    with open_store(path) as store:
        store.add(FULL_ZONE, user="lan")
    info = pyogrio.read_info(path, layer="weak_zones")
    gdf = pyogrio.read_dataframe(path, layer="weak_zones")
    conn = sqlite3.connect(path)
    app_id = conn.execute("PRAGMA application_id").fetchone()[0]
    contents = conn.execute(
        "SELECT table_name, data_type, srs_id FROM gpkg_contents ORDER BY table_name"
    ).fetchall()
    conn.close()
    assert app_id == 0x47504B47
    assert (info["driver"], info["crs"], info["geometry_name"], info["features"]) == (
        "GPKG",
        "EPSG:4326",
        "geom",
        1,
    )
    assert shapely.to_wkb(gdf.geometry.iloc[0]) == shapely.to_wkb(FULL_ZONE.geometry)
    assert gdf["name"].iloc[0] == FULL_ZONE.name
    assert contents == [
        ("weak_zone_dismissed", "attributes", None),
        ("weak_zone_history", "attributes", None),
        ("weak_zones", "features", 4326),
    ]


@pytest.mark.parametrize("content", [b"", b"this is not a database at all" * 100])
def test_broken_file_raises_never_an_empty_layer(tmp_path, content):
    path = tmp_path / "zones.gpkg"
    path.write_bytes(content)
    with pytest.raises(ZoneStoreError) as error:
        open_store(path)
    assert "restore the file from a backup" in error.value.en
    assert "khôi phục tệp từ bản sao lưu" in str(error.value)
    assert path.read_bytes() == content


def test_truncated_store_raises(tmp_path):
    path = tmp_path / "zones.gpkg"
    with open_store(path) as store:
        store.add_many(
            [
                Zone(
                    name=f"z{i}", geometry=box(103, 22 + i * 0.01, 103.01, 22.005 + i * 0.01), note="x" * 3000
                )
                for i in range(30)
            ],
            user="u",
        )
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ZoneStoreError):
        open_store(path).list()


def test_store_locked_beyond_timeout_raises_and_keeps_zones(tmp_path):
    path = tmp_path / "zones.gpkg"
    store = GpkgZoneStore(path, timeout_s=0.2)
    store.add(Zone(name="giữ", geometry=box(103, 22, 103.01, 22.01)), user="u")
    blocker = sqlite3.connect(path, isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(ZoneStoreError) as error:
            store.add(Zone(name="mới", geometry=box(103, 22.1, 103.01, 22.11)), user="u")
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert "stayed locked" in error.value.en and "bị khóa" in str(error.value)
    assert list(store.list()["name"]) == ["giữ"]


def test_open_store_refuses_other_paths(tmp_path):
    with pytest.raises(DataError, match=r"\.gpkg"):
        open_store(tmp_path / "zones.shp")
    with pytest.raises(ZoneStoreError):
        open_store(tmp_path / "missing-folder" / "zones.gpkg")
    assert not Path(tmp_path / "missing-folder").exists()


def test_version_changes_with_every_write(store_url):
    with open_store(store_url) as store:
        empty = store.version()
        zone_id = store.add(Zone(name="Bản Pa Tần", geometry=box(103.2, 22.1, 103.21, 22.11)), user="lan")
        added = store.version()
        store.set_status(zone_id, "verified", user="minh")
        verified = store.version()
        store.dismiss("abc123", user="minh")
        assert len({empty, added, verified, store.version()}) == 4


def test_a_shared_store_replaces_the_dataset_geopackage(tmp_path, monkeypatch):
    monkeypatch.delenv(ZONES_STORE_ENV, raising=False)
    assert dataset_store(tmp_path) == str(tmp_path / ZONES_FILE_NAME)
    monkeypatch.setenv(ZONES_STORE_ENV, "postgresql://planner@db.local/vung_lom")
    assert dataset_store(tmp_path) == "postgresql://planner@db.local/vung_lom"
