"""Scenario stores (GeoPackage, and PostGIS via COVERAGE_TEST_PG_URL): every save a version, restorable."""

from __future__ import annotations

import pandas as pd
import pyogrio
import pytest

from geo.auth.roles import AccessDenied, Actor, Role
from geo.errors import DataError, ScenarioStoreError
from geo.scenarios.model import read_scenario, scenario_from_table, scenario_table, write_scenario
from geo.scenarios.store import dataset_scenario_store, open_scenario_store, scenario_store_stamp
from geo.settings import SCENARIOS_FILE_NAME, SCENARIOS_STORE_ENV

CHANGES = pd.DataFrame(
    {
        "change": ["new_site", "share", "upgrade", "wifi", "ftth"],
        "site_id": ["KB-1", "S7", "S2", None, None],
        "operators": ["Viettel;VNPT", "MobiFone", None, None, None],
        "technologies": ["4G;5G", None, "4G", None, None],
        "height_m": [42.5, None, None, None, None],
        "azimuth_deg": [120.0, None, None, None, None],
        "village": [None, None, None, None, "Bản Huổi Mí"],
        "name": [None, None, None, 'Nhà văn hoá <b>"Huổi Mí"</b>', None],
        "kind": ["grid", "share", None, None, None],
        "why": ["phủ 3 thôn / covers 3 villages", None, None, None, None],
        "lon": [103.1512345678901, None, None, 103.2, None],
        "lat": [22.0712345678901, None, None, 22.1, None],
    }
)


def _scenario(rows: slice = slice(None), name: str = "Huổi Mí 2025"):
    return scenario_from_table(CHANGES.iloc[rows], name=name, file="bang.xlsx")


def test_every_change_and_point_round_trips_exactly(store_url):
    with open_scenario_store(store_url) as store:
        assert store.save(_scenario(), user="lan") == 1
        back = store.get("Huổi Mí 2025")
    expected = scenario_table(_scenario())
    pd.testing.assert_frame_equal(
        scenario_table(back).astype(object).where(scenario_table(back).notna(), None),
        expected.astype(object).where(expected.notna(), None),
    )
    assert back.source.endswith("Huổi Mí 2025 v1")


def test_every_save_is_a_version_with_user_and_changes_and_an_old_one_can_be_restored(store_url):
    lan = Actor("lan", Role.EDITOR, "Nguyễn Thị Lan")
    with open_scenario_store(store_url) as store:
        store.save(_scenario(), user=lan)
        store.save(_scenario(slice(0, 2)), user="an", note="bỏ wifi và cáp quang")
        assert store.restore("Huổi Mí 2025", 1, user="an") == 3
        history = store.history("Huổi Mí 2025")
        assert list(history["version"]) == [1, 2, 3]
        assert list(history["saved_by"]) == ["Nguyễn Thị Lan (lan)", "an", "an"]
        assert list(history["action"]) == ["save", "save", "restore"]
        assert list(history["changes"]) == [5, 2, 5]
        assert list(history["added"]) == [5, 0, 3] and list(history["removed"]) == [0, 3, 0]
        assert history["note"].iloc[2] == "v1"
        assert history["at"].str.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$").all()
        assert len(store.get("Huổi Mí 2025", 2).changes) == 2
        assert len(store.get("Huổi Mí 2025").changes) == 5
        listed = store.list()
    assert listed.to_dict("records")[0] | {"at": None} == {
        "scenario": "Huổi Mí 2025",
        "version": 3,
        "at": None,
        "saved_by": "an",
        "changes": 5,
    }


def test_a_scenario_with_bad_rows_or_a_viewer_or_no_name_saves_nothing(store_url):
    bad = scenario_from_table(
        pd.DataFrame({"change": ["new_site", "xây cầu"], "lon": [None, 103.0], "lat": [None, 22.0]}),
        name="Lỗi",
        file="loi.xlsx",
    )
    viewer = Actor("xem", Role.VIEWER)
    with open_scenario_store(store_url) as store:
        with pytest.raises(DataError) as refused:
            store.save(bad, user="lan")
        assert "2 row(s) have errors" in refused.value.en
        assert sorted(p.row for p in refused.value.problems) == [1, 2]
        with pytest.raises(AccessDenied, match="không được lưu hoặc khôi phục kịch bản"):
            store.save(_scenario(), user=viewer)
        with pytest.raises(DataError, match="từ 1 đến 100 ký tự"):
            store.save(_scenario(), user="lan", name="   ")
        assert store.list().empty
        with pytest.raises(DataError) as unknown:
            store.get("Huổi Mí 2025")
    assert "no scenario 'Huổi Mí 2025'" in unknown.value.en


def test_an_unknown_version_names_those_that_exist(store_url):
    with open_scenario_store(store_url) as store:
        store.save(_scenario(), user="lan")
        with pytest.raises(DataError) as refused:
            store.get("Huổi Mí 2025", 4)
    assert "has no version 4 (it has 1–1)" in refused.value.en


@pytest.mark.parametrize("suffix", [".geojson", ".kml", ".xlsx"])
def test_a_stored_scenario_exports_and_reads_back_to_the_same_changes(tmp_path, suffix):
    with open_scenario_store(tmp_path / SCENARIOS_FILE_NAME) as store:
        store.save(_scenario(), user="lan")
        out = write_scenario(store.get("Huổi Mí 2025"), tmp_path / f"kb{suffix}")
    back = scenario_table(read_scenario(out))
    want = scenario_table(_scenario())
    assert back["change"].tolist() == want["change"].tolist()
    assert back["site_id"].fillna("").tolist() == want["site_id"].fillna("").tolist()
    assert back["name"].fillna("").tolist() == want["name"].fillna("").tolist()
    assert pd.to_numeric(back["height_m"]).iloc[0] == 42.5
    assert back["lon"].round(9).tolist()[:1] == [103.151234568]


def test_the_geopackage_opens_in_qgis_with_the_changes_as_points(tmp_path):
    path = tmp_path / SCENARIOS_FILE_NAME
    with open_scenario_store(path) as store:
        store.save(_scenario(), user="lan")
    layers = dict(pyogrio.list_layers(path))
    assert layers == {"scenario_changes": "Point", "scenario_versions": None}
    gdf = pyogrio.read_dataframe(path, layer="scenario_changes")
    assert gdf.crs.to_epsg() == 4326
    assert gdf["change"].tolist() == ["new_site", "share", "upgrade", "wifi", "ftth"]
    assert gdf.geometry.notna().sum() == 2


def test_a_broken_file_is_never_written_and_says_how_to_recover(tmp_path):
    path = tmp_path / SCENARIOS_FILE_NAME
    path.write_bytes(b"not a geopackage at all" * 100)
    with pytest.raises(ScenarioStoreError) as broken:
        open_scenario_store(path)
    assert "kho kịch bản bị hỏng" in str(broken.value)
    assert "restore the file from a backup" in broken.value.en
    assert path.read_bytes() == b"not a geopackage at all" * 100


def test_a_shared_store_replaces_the_dataset_geopackage(tmp_path, monkeypatch):
    assert dataset_scenario_store(tmp_path) == str(tmp_path / SCENARIOS_FILE_NAME)
    assert scenario_store_stamp(tmp_path / SCENARIOS_FILE_NAME) == (0, 0)
    shared = tmp_path / "chung.gpkg"
    monkeypatch.setenv(SCENARIOS_STORE_ENV, str(shared))
    assert dataset_scenario_store(tmp_path / "any") == str(shared)
    with pytest.raises(DataError) as refused:
        open_scenario_store(tmp_path / "kich_ban.sqlite")
    assert "a scenario store is a .gpkg file or a postgresql:// URL" in refused.value.en


def test_the_command_line_imports_lists_exports_and_restores_a_scenario(tmp_path, capsys):
    from geo.cli.main import main

    sheet = tmp_path / "huoi_mi.xlsx"
    CHANGES.to_excel(sheet, index=False)
    store = str(tmp_path / SCENARIOS_FILE_NAME)
    assert (
        main(["scenarios", "import", str(sheet), "--name", "Huổi Mí", "--store", store, "--user", "lan"]) == 0
    )
    assert "Đã nhập 5 thay đổi vào kịch bản 'Huổi Mí' (phiên bản 1)." in capsys.readouterr().out
    assert main(["scenarios", "restore", "Huổi Mí", "--version", "1", "--store", store, "--user", "an"]) == 0
    capsys.readouterr()
    assert main(["--lang", "en", "scenarios", "history", "Huổi Mí", "--store", store]) == 0
    history = capsys.readouterr().out.splitlines()
    assert history[1].split()[2:5] == ["lan", "import", "huoi_mi.xlsx"]
    assert history[2].split()[2:5] == ["an", "restore", "v1"]
    out = tmp_path / "ra.kml"
    assert main(["scenarios", "export", "Huổi Mí", "--store", store, "--out", str(out)]) == 0
    assert read_scenario(out).changes["change"].tolist() == CHANGES["change"].tolist()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["list"], "Cần đúng một trong --store KHO hoặc --dataset THƯ_MỤC. / Give exactly one of"),
        (["export", "X", "--store", "{store}", "--out", "x.shp"], "use .geojson, .kml, .xlsx"),
        (["import", "nope.xlsx", "--name", "X", "--store", "{store}"], "File 'nope.xlsx' not found."),
        (["list", "--store", "{store}"], "There is no scenario store"),
        (["history"], "invalid command"),
    ],
)
def test_a_misused_command_says_so_in_one_bilingual_line_and_exits_2(tmp_path, capsys, args, message):
    from geo.cli.main import main

    store = str(tmp_path / SCENARIOS_FILE_NAME)
    assert main(["scenarios", *(a.replace("{store}", store) for a in args)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and message in err and " / " in err
    assert not (tmp_path / SCENARIOS_FILE_NAME).exists()


def test_a_file_with_an_unusable_row_is_not_imported(tmp_path, capsys):
    from geo.cli.main import main

    sheet = tmp_path / "loi.xlsx"
    pd.concat([CHANGES, pd.DataFrame({"change": ["xây cầu"]})]).to_excel(sheet, index=False)
    store = str(tmp_path / SCENARIOS_FILE_NAME)
    assert main(["scenarios", "import", str(sheet), "--name", "X", "--store", store]) == 1
    err = capsys.readouterr().err
    assert "Chưa lưu kịch bản 'X': 1 dòng có lỗi" in err and "loi.xlsx" in err and "dòng 7" in err
    with open_scenario_store(store) as opened:
        assert opened.list().empty


def test_evaluate_finds_a_stored_scenario_by_name(tmp_path, capsys, monkeypatch):
    from geo.cli.main import main
    from geo.settings import DEMO_DIR

    monkeypatch.setenv(SCENARIOS_STORE_ENV, str(tmp_path / SCENARIOS_FILE_NAME))
    with open_scenario_store(tmp_path / SCENARIOS_FILE_NAME) as store:
        share = pd.DataFrame({"change": ["share"], "site_id": ["VTL-DBN-129"], "operators": ["VNPT"]})
        store.save(scenario_from_table(share, name="Chia sẻ", file="x"), user="lan")
    plan = ["--plan", "muong-lay-2023", "--year", "2025", "--level", "territory"]
    assert main(["evaluate", str(DEMO_DIR), *plan, "--scenario", "Chia sẻ"]) == 0
    assert "Tỷ lệ dùng chung vị trí trạm BTS: 40,9 % → 45,5 % — chưa đạt" in capsys.readouterr().out


def test_planners_saving_at_once_each_get_their_own_version(store_url):
    from concurrent.futures import ThreadPoolExecutor

    open_scenario_store(store_url).close()  # the tables exist before the planners start

    def planner(k: int) -> list[int]:
        with open_scenario_store(store_url) as store:
            return [store.save(_scenario(slice(0, 1 + (k + i) % 5)), user=f"p{k}") for i in range(3)]

    with ThreadPoolExecutor(4) as pool:
        versions = sorted(v for part in pool.map(planner, range(4)) for v in part)
    assert versions == list(range(1, 13))
    with open_scenario_store(store_url) as store:
        history = store.history("Huổi Mí 2025")
    assert history["version"].tolist() == list(range(1, 13))
    assert history["saved_by"].value_counts().to_dict() == {"p0": 3, "p1": 3, "p2": 3, "p3": 3}
