"""The page wiring in ``streamlit.testing.v1.AppTest``: every sidebar choice, both languages, the
missing-targets table and the territory summary, uploads of good and broken files. The map component
itself is opaque here: its content is tested on the built HTML (test_app_map.py) and in a browser."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import box
from streamlit.testing.v1 import AppTest

from geo.i18n import STRINGS, t
from geo.io.dataset import read_dataset
from geo.io.upload import HOME_ENV
from geo.plans.assessment import Assessment
from geo.plans.targets import load_plans
from views.map_data import missing_table
from views.map_export import PANEL_KEY

APP = str(Path(__file__).resolve().parents[1] / "app.py")


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch):
    monkeypatch.setenv(HOME_ENV, str(tmp_path / "home"))
    return tmp_path / "home"


def _run(at: AppTest | None = None) -> AppTest:
    at = (at or AppTest.from_file(APP, default_timeout=120)).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_both_languages_have_the_same_keys_and_vietnamese_diacritics():
    assert set(STRINGS["vi"]) == set(STRINGS["en"])
    assert t("level_village") == "Thôn / bản / tổ dân phố"
    assert t("summary_met", "en", met=3, total=5) == "3/5 targets met"


def test_the_page_opens_in_vietnamese_on_the_demo_with_its_plan():
    at = _run()
    assert at.title[0].value == "Bản đồ phủ sóng hạ tầng số — Thị xã Sông Nậm (dữ liệu mô phỏng)"
    assert at.selectbox(key="plan").value == "muong-lay-2023"  # the demo lies in Điện Biên
    assert at.selectbox(key="year").value == 2025
    assert at.selectbox(key="level.vi").value == "commune"
    assert at.selectbox(key="indicator.vi").value == "__all__"
    assert [m.label for m in at.metric] == ["Đạt", "Chưa đạt", "Không có dữ liệu"]
    assert at.subheader[-1].value == "Đơn vị chưa đạt chỉ tiêu"


def test_the_missing_table_lists_missed_units_largest_gap_first():
    at = _run()
    at.selectbox(key="indicator.vi").set_value("village_ftth_coverage")
    _run(at)
    shown = at.dataframe[-1].value
    expected = missing_table(
        Assessment(read_dataset()).evaluate(load_plans()["muong-lay-2023"], 2025, level="commune"),
        "village_ftth_coverage",
    )
    assert list(shown["Đơn vị"]) == list(expected["name"])
    assert list(shown["Còn thiếu"]) == sorted(shown["Còn thiếu"], reverse=True)
    assert len(at.get("download_button")) == 2


def test_english_switch_translates_the_page():
    at = _run()
    at.selectbox(key="level.vi").set_value("village")
    _run(at)
    at.radio(key="lang").set_value("en")
    _run(at)
    assert at.title[0].value.startswith("Digital infrastructure coverage map — ")
    level = at.selectbox(key="level.en")  # a widget per language, so its option labels are redrawn
    assert (level.label, level.value) == ("Unit level", "village")  # the choice is carried over
    assert level.format_func("village") == "Village"
    assert [m.label for m in at.metric] == ["Met", "Missed", "No data"]


def _territory_counts(plan_id: str, year: int) -> list[str]:
    """The page's three summary figures (met, missed, no data) computed without the page."""
    rows = Assessment(read_dataset()).evaluate(load_plans()[plan_id], year, level="territory")
    counts = rows["status"].value_counts()
    nodata = counts.get("no data", 0) + counts.get("insufficient samples", 0)
    return [str(counts.get("met", 0)), str(counts.get("missed", 0)), str(nodata)]


def test_every_sidebar_choice_redraws_without_error():
    at = _run()
    for plan in ("quang-trung-2023", "ha-nam-2023", "muong-lay-2023"):
        at.selectbox(key="plan").set_value(plan)
        _run(at)
        year = at.selectbox(key="year").value
        assert [m.value for m in at.metric] == _territory_counts(plan, year), plan  # this plan's figures
    at.selectbox(key="year").set_value(2030)
    _run(at)
    at.selectbox(key="indicator.vi").set_value("mobile_speed")
    _run(at)
    at.radio(key="colour_by.vi").set_value("value")
    for key in ("4g", "5g", "ftth", "speed", "zones", "places", "wifi"):
        at.checkbox(key=f"layer_{key}").check()
    _run(at)
    at.checkbox(key="per_operator").check()
    _run(at)
    for level in ("village", "district", "territory"):
        at.selectbox(key="level.vi").set_value(level)
        _run(at)
        assert at.selectbox(key="level.vi").value == level
    at.selectbox(key="level.vi").set_value("village")
    _run(at)
    communes = at.selectbox(key="area_commune.vi").options
    assert communes[0] == "Toàn bộ" and len(communes) == 1 + 7  # "all" and the demo's seven communes
    at.selectbox(key="area_commune.vi").select_index(1)
    _run(at)
    assert at.selectbox(key="area_commune.vi").value == "99002"  # Phường Na Phát sorts first by name


def _communes_geojson() -> bytes:
    gdf = gpd.GeoDataFrame(
        {"Tên xã": ["Xã Nà Hỳ", "Xã Chà Cang"], "Mã xã": ["99101", "99102"]},
        geometry=[box(103.10, 22.00, 103.15, 22.05), box(103.15, 22.00, 103.20, 22.05)],
        crs="EPSG:4326",
    )
    return gdf.to_json().encode()


def _upload_page() -> AppTest:
    at = _run()
    at.switch_page("views/upload_view.py")
    return _run(at)


def test_upload_of_good_files_saves_a_dataset(home):
    at = _upload_page()
    at.file_uploader(key="uploads").upload("ranh_gioi_xa.geojson", _communes_geojson())
    _run(at)
    assert at.selectbox(key="role_0").value == "communes"
    assert at.selectbox(key="col_0_name").value == "Tên xã"
    at.text_input(key="upload_name").input("Huyện Nà Hỳ")
    at.button(key="upload_go").click()
    _run(at)
    assert at.success[0].value.startswith("Đã lưu bộ dữ liệu 'Huyện Nà Hỳ'")
    assert (home / "datasets" / "Huyện-Nà-Hỳ" / "dataset.yaml").exists()
    _run(at)  # the next visit opens the saved dataset in the sidebar
    assert at.selectbox(key="dataset.vi").value == str(home / "datasets" / "Huyện-Nà-Hỳ")
    at.switch_page("views/map_view.py")
    _run(at)  # boundaries only, no statistics: every unit "no data", and still no error
    assert at.title[0].value == "Bản đồ phủ sóng hạ tầng số — Huyện Nà Hỳ" and not at.error


def test_upload_of_a_broken_file_shows_the_problem_and_saves_nothing(home):
    at = _upload_page()
    at.file_uploader(key="uploads").upload("thon_ban.geojson", b'{"type": "FeatureCollection", ')
    at.file_uploader(key="uploads").upload("tram_bts.csv", "Nhà mạng,Kinh độ,Vĩ độ\nViettel,0,0\n".encode())
    _run(at)
    assert any("thon_ban.geojson: không mở được" in e.value for e in at.error)
    assert at.selectbox(key="role_1").value == "bts_sites"
    at.text_input(key="upload_name").input("Hỏng")
    at.button(key="upload_go").click()
    _run(at)
    assert at.error[-1].value == t("upload_failed")
    assert any("tram_bts.csv" in m.value and "LỖI" in m.value for m in at.markdown)
    assert not (home / "datasets" / "Hỏng").exists()


def test_install_static_copies_leaflet_from_the_package(tmp_path):
    import xstatic.pkg.leaflet

    from views.common import install_static

    install_static(tmp_path)
    copied = tmp_path / "static" / "leaflet" / "leaflet.js"
    assert copied.read_bytes() == (Path(xstatic.pkg.leaflet.BASE_DIR) / "leaflet.js").read_bytes()
    assert (tmp_path / "static" / "leaflet" / "images" / "layers.png").exists()


def test_export_this_map_offers_the_sheet_for_download():
    at = _run()
    assert not [s.key for s in at.selectbox if s.key.startswith("export_")]  # closed: no choices drawn
    at.session_state[PANEL_KEY] = True  # the planner opens "Xuất bản đồ này để in"
    at.selectbox(key="indicator.vi").set_value("village_ftth_coverage")
    _run(at)
    at.selectbox(key="export_format").set_value("pdf")
    _run(at)
    shown = at.selectbox(key="export_indicator_village_ftth_coverage")
    assert shown.value == "village_ftth_coverage"  # follows the map's choice
    at.button(key="export_make").click()
    _run(at)
    name, data = at.session_state["export_file"]
    assert name == "ban_do_village_ftth_coverage_2025.pdf"
    assert data.startswith(b"%PDF")
    assert len(at.get("download_button")) == 3
