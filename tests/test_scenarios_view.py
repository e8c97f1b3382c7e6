"""The scenarios page in ``AppTest``: suggestions are listed, accepting them moves the village target,
unticking all of them leaves every target as it was."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from geo.io.upload import HOME_ENV

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
    table = at.dataframe[-1].value
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
        90.0,
        100.0,
        "Chưa đạt",
        "Đạt",
    )
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["Tải kịch bản (GeoJSON)", "Tải Danh mục vị trí trạm BTS đề xuất (XLSX)"]
