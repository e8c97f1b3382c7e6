"""The scenarios page in ``AppTest``: suggestions are listed and accepting them moves the village target; the
accepted sites are saved as a version in the scenario store (never without a name of who saves), picked
again with the same effect, and an old version is restored as the newest."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from geo.io.upload import HOME_ENV
from geo.scenarios.store import open_scenario_store
from geo.settings import SCENARIOS_STORE_ENV

APP = str(Path(__file__).resolve().parents[1] / "app.py")
VILLAGES = "Tỷ lệ thôn (bản, tổ dân phố) được phủ sóng di động băng rộng"


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch):
    monkeypatch.setenv(HOME_ENV, str(tmp_path / "home"))


def _scenarios_page() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=180).run()
    at.switch_page("views/scenarios_view.py")
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _village_row(at: AppTest) -> dict:
    table = next(d.value for d in at.dataframe if "Chỉ tiêu" in d.value)
    return table[table["Chỉ tiêu"] == VILLAGES].iloc[0].to_dict()


def test_accepting_the_suggested_sites_meets_the_village_target_and_offers_both_downloads():
    at = _scenarios_page()
    assert at.title[0].value == "Kịch bản và trạm đề xuất"
    suggestions = at.dataframe[0].value  # the editable list: one row per suggested site, all accepted
    assert suggestions["Mã trạm"].tolist() == ["VTL-DBN-129", "DX-001", "DX-002"]
    assert suggestions["accept"].all()
    assert suggestions["Lý do"].iat[0] == "dùng chung trạm có sẵn (VNPT): phủ thêm 3 thôn, 153 hộ"
    row = _village_row(at)
    assert (row["Trước"], row["Sau"], row["Trạng thái trước"], row["Trạng thái sau"]) == (
        "90",
        "100",
        "Chưa đạt",
        "Đạt",
    )
    table = next(d.value for d in at.dataframe if "Chỉ tiêu" in d.value)
    sharing = table[table["Chỉ tiêu"] == "Tỷ lệ dùng chung vị trí trạm BTS"].iloc[0]
    assert (sharing["Trước"], sharing["Sau"]) == ("40,9", "41,7")  # the decimal comma a planner reads
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == [
        "Tải kịch bản (GeoJSON)",
        "Tải kịch bản (KML)",
        "Tải kịch bản (XLSX)",
        "Tải Danh mục vị trí trạm BTS đề xuất (XLSX)",
    ]


@pytest.fixture
def store(tmp_path, monkeypatch):
    """The scenario store the page saves to (never the repository's demo folder)."""
    path = tmp_path / "kich_ban.gpkg"
    monkeypatch.setenv(SCENARIOS_STORE_ENV, str(path))
    return path


def test_saving_the_accepted_suggestions_keeps_them_as_a_version_to_pick_again(store):
    at = _scenarios_page()
    at.text_input(key="scen_save_name").set_value("Huổi Mí 2025")
    at.text_input(key="scen_user").set_value("Lò Thị Mai")
    at.button(key="scen_save").click().run()
    assert [s.value for s in at.success] == ["Đã lưu kịch bản “Huổi Mí 2025” (phiên bản 1)."]
    with open_scenario_store(store) as opened:
        saved = opened.get("Huổi Mí 2025")
        assert opened.history("Huổi Mí 2025")["saved_by"].tolist() == ["Lò Thị Mai"]
    assert saved.changes["site_id"].tolist() == ["VTL-DBN-129", "DX-001", "DX-002"]
    at.radio(key="scen_source").set_value("stored").run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.selectbox(key="scen_pick").value == "Huổi Mí 2025"
    row = _village_row(at)
    assert (row["Trước"], row["Sau"], row["Trạng thái sau"]) == ("90", "100", "Đạt")
    assert "6 thôn có thêm sóng di động băng rộng (411 hộ):" in [m.value for m in at.markdown]
    sharing = at.metric[0]
    assert (sharing.label, sharing.value) == ("Tỷ lệ trạm BTS dùng chung", "41,7 %")


def test_without_a_name_of_who_saves_nothing_is_saved(store):
    at = _scenarios_page()
    at.text_input(key="scen_user").set_value("")
    at.button(key="scen_save").click().run()
    assert [w.value for w in at.warning][-1] == "Nhập tên người lưu trước khi lưu: tên được ghi vào lịch sử."
    assert not store.exists()


def test_with_no_saved_scenario_the_page_says_so(store):
    at = _scenarios_page()
    at.radio(key="scen_source").set_value("stored").run()
    assert [i.value for i in at.info] == ["Chưa có kịch bản nào được lưu cho bộ dữ liệu này."]
    assert not store.exists()  # looking does not create the store


def test_an_old_version_of_a_saved_scenario_is_restored_as_the_newest(store):
    from geo.scenarios.model import scenario_from_table

    rows = pd.DataFrame({"change": ["share", "share"], "site_id": ["VTL-DBN-129", "VTL-DBN-113"]})
    rows["operators"] = ["VNPT", "MobiFone"]
    with open_scenario_store(store) as opened:
        opened.save(scenario_from_table(rows, name="Dùng chung", file="x"), user="lan")
        opened.save(scenario_from_table(rows.iloc[:1], name="Dùng chung", file="x"), user="lan")
    at = _scenarios_page()
    at.radio(key="scen_source").set_value("stored").run()
    assert at.subheader[0].value == "Chỉ tiêu toàn địa bàn trước / sau (1 thay đổi)"
    at.text_input(key="scen_user").set_value("Mai").run()
    at.selectbox(key="scen_restore_version").set_value(1)
    at.button(key="scen_restore").click().run()
    assert [s.value for s in at.success] == ["Đã khôi phục phiên bản 1 thành phiên bản 3."]
    assert at.subheader[0].value == "Chỉ tiêu toàn địa bàn trước / sau (2 thay đổi)"
    with open_scenario_store(store) as opened:
        assert opened.history("Dùng chung")["saved_by"].tolist() == ["lan", "lan", "Mai"]
