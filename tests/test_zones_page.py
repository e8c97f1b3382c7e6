"""The weak-signal zones page: its map's HTML (zones coloured by status, names escaped, Leaflet.draw served
by the app) and its wiring in ``streamlit.testing.v1.AppTest`` — save a drawn zone, edit it, change its
status, delete and restore it, read its history, dismiss a suggestion, import a file, and refuse to save
into a store that cannot be opened. A drawing reaches the page through ``st.session_state["zone_drawing"]``
(what ``st_folium`` hands over in a browser). Every test works on a copy of data/demo in tmp_path."""

from __future__ import annotations

import json
import os
import re
import shutil
import uuid
from pathlib import Path

import folium
import geopandas as gpd
import pytest
from shapely.geometry import Point, box
from streamlit.testing.v1 import AppTest

import views.common
from geo.i18n import t
from geo.io.upload import HOME_ENV
from geo.settings import DEMO_DIR, ZONES_FILE_NAME, ZONES_STORE_ENV
from geo.zones import open_store
from layers.draw import DRAW_CSS, DRAW_JS, draw_control, draw_locale
from layers.offline import DRAW_STATIC_FILES, cdn_urls, offline_map, strip_cdn
from layers.zones import ZONE_STATUS_COLOURS, zones_layer, zones_legend
from views.zones_assets import install_draw_static

APP = str(Path(__file__).resolve().parents[1] / "app.py")
XSS = "<img src=x onerror=alert(1)>"
# A 1.1 km × 1.1 km square in Phường Sông Nậm (village "Tổ dân phố 6") of the demo.
SQUARE = [[103.20, 22.05], [103.21, 22.05], [103.21, 22.06], [103.20, 22.06], [103.20, 22.05]]


def _feature(coordinates, kind: str = "Polygon") -> dict:
    return {"type": "Feature", "properties": {}, "geometry": {"type": kind, "coordinates": coordinates}}


def _unescape(html: str) -> str:
    return re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), html)


# -- the map's HTML ------------------------------------------------------------------------------------
def test_zones_layer_colours_each_status_and_escapes_names():
    statuses = ["reported", "verified", "operator_responded", "resolved"]
    zones = gpd.GeoDataFrame(
        {
            "name": [XSS, "b", "c", "d"],
            "technology": "4G",
            "status": statuses,
            "households": [12, None, 3, 0],
        },
        geometry=[box(103 + i / 10, 22, 103.05 + i / 10, 22.05) for i in range(4)],
        crs="EPSG:4326",
    )
    fmap = offline_map(bounds=(103.0, 22.0, 103.5, 22.1))
    zones_layer(zones, name="Vùng lõm sóng").add_to(fmap)
    html = _unescape(fmap.get_root().render())
    features = json.loads(re.search(r'"features": (\[.*?\]), "type": "FeatureCollection"', html).group(1))
    assert [f["properties"]["s"] for f in features] == statuses
    assert features[0]["properties"]["tip"] == (
        "<b>&lt;img src=x onerror=alert(1)&gt;</b><br>Công nghệ: 4G<br>Trạng thái: Đã báo cáo<br>Số hộ: 12"
    )
    assert XSS not in html
    styles = re.findall(r'return (\{"color".*?\});', html)  # Leaflet style of each feature, in order
    colours = [json.loads(style)["color"] for style in styles]
    assert colours == [ZONE_STATUS_COLOURS[s] for s in statuses]
    assert [json.loads(style).get("dashArray") for style in styles] == [None, None, None, "6 4"]
    assert len(set(ZONE_STATUS_COLOURS.values())) == 4
    labels = [e.label for e in zones_legend(lang="en")]
    assert labels == [
        "Weak-signal zone: Reported",
        "Weak-signal zone: Verified",
        "Weak-signal zone: Operator responded",
        "Weak-signal zone: Resolved",
    ]


def test_drawing_tools_come_from_the_app_with_vietnamese_texts():
    fmap = offline_map(bounds=(103.0, 22.0, 103.5, 22.1))
    folium.plugins.Fullscreen().add_to(fmap)  # a plugin with CDN assets, removed by strip_cdn
    draw_locale(lang="vi").add_to(fmap)
    draw_control().add_to(fmap)
    strip_cdn(fmap)
    html = _unescape(fmap.get_root().render())
    assert cdn_urls(fmap) == []
    assert not re.findall(r"""(?:src|href)\s*=\s*["'](?:https?:)?//""", html)
    assert f'src="{DRAW_JS}"' in html and f'href="{DRAW_CSS}"' in html
    assert DRAW_JS == "/app/static/leaflet-draw/leaflet.draw.js"
    assert '"polygon": "Vẽ vùng (đa giác)"' in html and '"allowIntersection": false' in html
    assert '"polyline": false' in html and '"circle": false' in html
    # the texts are merged into L.drawLocal before the control is built
    assert html.index("L.drawLocal") < html.index("new L.Control.Draw")


def test_install_draw_static_copies_leaflet_draw_from_django_leaflet(tmp_path):
    install_draw_static(tmp_path)
    for target in DRAW_STATIC_FILES.values():
        assert (tmp_path / "static" / target).stat().st_size > 0
    script = (tmp_path / "static" / "leaflet-draw" / "leaflet.draw.js").read_text()
    assert "Leaflet.draw 1.0.4" in script


# -- the page in AppTest ---------------------------------------------------------------------------------
@pytest.fixture
def demo(tmp_path, monkeypatch):
    """A copy of data/demo, opened by default (the repo's data/demo never gets a zone store)."""
    folder = tmp_path / "demo"
    shutil.copytree(DEMO_DIR, folder)
    monkeypatch.setenv(HOME_ENV, str(tmp_path / "home"))
    monkeypatch.setattr(views.common, "DEMO_DIR", folder)
    return folder


def _run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _page(user: str = "Chị Lan") -> AppTest:
    at = _run(AppTest.from_file(APP, default_timeout=120))
    at.switch_page("views/zones_view.py")
    _run(at)
    if user:
        at.sidebar.text_input(key="zones_user").input(user)
        _run(at)
    return at


def _draw(at: AppTest, coordinates=SQUARE, kind: str = "Polygon") -> AppTest:
    at.session_state["zone_drawing"] = _feature([coordinates] if kind == "Polygon" else coordinates, kind)
    return _run(at)


def _save(at: AppTest, name: str) -> AppTest:
    at.text_input(key="new_name").input(name)
    _run(at)
    at.button(key="new_save").click()
    return _run(at)


def test_a_drawn_zone_shows_place_and_evidence_then_saves_with_the_name_kept_exactly(demo):
    at = _page(user="")
    assert at.info[0].value == t("zones_draw_help")
    _draw(at)
    assert "Vị trí\\: Tổ dân phố 6 — Phường Sông Nậm" in [m.value for m in at.markdown]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Số lần đo (di động)"] == "118"  # speed tests of the demo inside the square
    assert metrics["Dưới chỉ tiêu 50 Mbit/s"] == "36%"  # Mường Lay's 2025 mobile target
    assert at.number_input(key="new_households").value == 213  # prefilled from the evidence
    assert at.selectbox(key="new_status.vi").value == "reported"  # 118 tests, median 59 Mbit/s: not confirmed
    assert at.success[0].value == t("zones_checks_ok")
    at.text_input(key="new_name").input(XSS)
    _run(at)
    assert at.button(key="new_save").disabled  # no name given yet
    assert at.warning[0].value == t("zones_need_user")
    at.sidebar.text_input(key="zones_user").input("Chị Lan")
    _run(at)
    at.button(key="new_save").click()
    _run(at)
    assert at.success[0].value == f"Đã lưu vùng “{XSS}”."
    with open_store(demo / ZONES_FILE_NAME) as store:
        (zone,) = store.list().itertuples()
    assert zone.name == XSS and zone.households == 213 and zone.updated_by == "Chị Lan"
    assert zone.village_uid == "99001/tổdânphố6" and zone.commune_uid == "99001"
    assert at.selectbox(key="zones_pick").value == zone.zone_id  # the new zone is shown at once
    assert r"**\<img src=x onerror=alert\(1\)\>**" in [m.value for m in at.markdown]  # shown as text
    assert "zone_drawing" not in at.session_state  # the drawing was used up
    history = at.dataframe[-1].value
    assert set(history["Thao tác"]) == {"Thêm"}
    assert "Tổ dân phố 6" in set(history["Giá trị mới"])  # unit uids shown by name


def test_the_form_choices_follow_a_language_switch_and_keep_their_values(demo):
    at = _draw(_page())
    at.selectbox(key="new_severity.vi").set_value("high")
    _run(at)
    assert at.selectbox(key="new_severity.vi").options == ["nhẹ", "vừa", "nặng"]
    at.sidebar.radio(key="lang").set_value("en")
    _run(at)
    severity, status = at.selectbox(key="new_severity.en"), at.selectbox(key="new_status.en")
    assert severity.value == "high" and severity.options == ["low", "medium", "high"]
    assert status.value == "reported" and status.options[0] == "Reported"
    assert "new_severity.vi" not in at.session_state
    assert at.multiselect(key="new_technology.en").value == ["4G"]


def test_edit_status_delete_restore_and_history(demo):
    at = _save(_draw(_page()), "Bản Nà Luồng")
    at.text_input(key="edit_name").input("Bản Nà Luồng – khe suối")
    at.number_input(key="edit_households").set_value(40)
    at.button(key="FormSubmitter:zones_edit-Lưu thay đổi").click()
    _run(at)
    assert at.success[0].value == "Đã lưu thay đổi của vùng “Bản Nà Luồng – khe suối”."
    at.selectbox(key="zone_status_to.vi").set_value("verified")
    at.button(key="zone_status_go").click()
    _run(at)
    at.button(key="zone_delete").click()
    _run(at)
    assert at.selectbox(key="zones_pick").options == ["(chưa chọn)"]  # deleted zones are hidden...
    at.checkbox(key="zones_deleted").check()
    _run(at)
    with open_store(demo / ZONES_FILE_NAME) as store:
        zone_id = store.list(include_deleted=True)["zone_id"].iloc[0]
    at.selectbox(key="zones_pick").set_value(zone_id)
    _run(at)
    assert at.warning[-1].value == t("zones_deleted_note")  # ...unless asked for, and can be restored
    at.button(key="zone_restore").click()
    _run(at)
    with open_store(demo / ZONES_FILE_NAME) as store:
        zone = store.list().iloc[0]
    assert (zone["name"], zone["households"], zone["status"]) == ("Bản Nà Luồng – khe suối", 40, "verified")
    history = at.dataframe[-1].value  # newest first
    rows = list(
        zip(
            history["Thao tác"], history["Trường"], history["Giá trị cũ"], history["Giá trị mới"], strict=True
        )
    )
    assert rows[:5] == [
        ("Khôi phục", "Đã xóa", "Có", "Không"),
        ("Xóa", "Đã xóa", "Không", "Có"),
        ("Đổi trạng thái", "Trạng thái", "Đã báo cáo", "Đã xác minh"),
        ("Sửa", "Số hộ bị ảnh hưởng", "213", "40"),
        ("Sửa", "Tên vùng", "Bản Nà Luồng", "Bản Nà Luồng – khe suối"),
    ]
    assert set(history["Người thực hiện"]) == {"Chị Lan"}


def test_a_new_drawing_replaces_the_shape_of_the_chosen_zone(demo):
    at = _save(_draw(_page()), "Bản Nà")
    assert at.button(key="zone_replace").disabled  # nothing drawn yet
    bigger = [[103.20, 22.05], [103.22, 22.05], [103.22, 22.07], [103.20, 22.07], [103.20, 22.05]]
    _draw(at, bigger)
    at.button(key="zone_replace").click()
    _run(at)
    with open_store(demo / ZONES_FILE_NAME) as store:
        zone = store.list().iloc[0]
        history = store.history(zone["zone_id"])
    assert zone.geometry.bounds == pytest.approx((103.20, 22.05, 103.22, 22.07))
    assert history["action"].iloc[-1] == "update" and history["field"].iloc[-1] == "geometry"


def test_problems_of_the_drawing_are_shown_in_plain_words(demo):
    at = _page()
    bow_tie = [[103.20, 22.05], [103.21, 22.06], [103.21, 22.05], [103.20, 22.06], [103.20, 22.05]]
    _draw(at, bow_tie)
    assert any(w.value.startswith("Đa giác tự cắt đã được tự động sửa") for w in at.warning)
    _draw(at, [105.0, 21.0], kind="Point")  # far from Sông Nậm
    assert "Vùng nằm ngoài địa bàn Thị xã Sông Nậm (dữ liệu mô phỏng)." in at.warning[0].value
    _save(_draw(at), "Bản Nà")
    _draw(at)  # the same square again
    assert at.warning[0].value.startswith("Vùng trùng với một vùng đã có.")


def test_a_saved_zone_reaches_the_map_page(demo):
    sources = views.common.map_sources(
        str(demo), views.common.dataset_stamp(str(demo)), "muong-lay-2023", 2025
    )
    assert sources.zones() is None  # no store yet
    _save(_draw(_page()), "Bản Nà")
    assert list(sources.zones()["name"]) == ["Bản Nà"]  # the map page's cache is keyed by the store's stamp


def test_dismissed_suggestions_are_remembered_and_accepted_ones_become_zones(demo):
    at = _page()
    accept_keys = [b.key for b in at.button if b.key and b.key.startswith("accept_")]
    dismiss_keys = [b.key for b in at.button if b.key and b.key.startswith("dismiss_")]
    first, second = accept_keys[0].removeprefix("accept_"), dismiss_keys[1].removeprefix("dismiss_")
    at.button(key=f"dismiss_{second}").click()
    _run(at)
    assert at.success[0].value == t("zones_dismissed")
    at.button(key=f"accept_{first}").click()
    _run(at)
    keys = {b.key for b in at.button}
    assert f"dismiss_{second}" not in keys and f"accept_{first}" not in keys
    with open_store(demo / ZONES_FILE_NAME) as store:
        assert set(store.dismissed()["reason"]) == {"dismissed", "accepted"}
        (zone,) = store.list().itertuples()
    assert zone.status == "reported" and zone.name.startswith("Chưa có 4G – ")


def test_import_adds_every_zone_of_a_file(demo):
    at = _page()
    gdf = gpd.GeoDataFrame(
        {"Tên": ["Khe suối", "Bản Pa Tần"], "Mức độ": ["nặng", "nhẹ"]},
        geometry=[box(103.20, 22.05, 103.21, 22.06), Point(103.25, 22.08)],
        crs="EPSG:4326",
    )
    at.file_uploader(key="zones_import_file").upload("vung.geojson", gdf.to_json().encode())
    _run(at)
    at.button(key="zones_import_go").click()
    _run(at)
    assert at.success[0].value == "Đã nhập 2 vùng."
    with open_store(demo / ZONES_FILE_NAME) as store:
        zones = store.list()
    assert list(zones["name"]) == ["Khe suối", "Bản Pa Tần"] and list(zones["severity"]) == ["high", "low"]


def test_a_corrupted_store_shows_the_error_and_offers_no_save(demo):
    store = demo / ZONES_FILE_NAME
    store.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4000)
    before = store.read_bytes()
    at = _draw(_page())
    assert at.error[0].value.startswith(
        "Không mở được kho vùng lõm sóng: vung_lom_song.gpkg: kho vùng lõm sóng"
    )
    assert at.button(key="new_save").disabled
    assert not [b for b in at.button if b.key and b.key.startswith(("accept_", "dismiss_"))]
    assert store.read_bytes() == before


@pytest.mark.postgis
def test_a_configured_shared_postgis_store_receives_the_zone(demo, monkeypatch):
    url = os.environ.get("COVERAGE_TEST_PG_URL", "")
    if not url:
        pytest.skip("no PostGIS server (set COVERAGE_TEST_PG_URL, e.g. via .ci/postgis.sh)")
    psycopg = pytest.importorskip("psycopg")
    try:
        with psycopg.connect(url, connect_timeout=3, autocommit=True) as conn:
            schema = f"page_{uuid.uuid4().hex[:10]}"
            conn.execute(f"CREATE SCHEMA {schema}")
    except psycopg.Error:
        pytest.skip("no PostGIS server (set COVERAGE_TEST_PG_URL, e.g. via .ci/postgis.sh)")
    shared = f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema},public"
    monkeypatch.setenv(ZONES_STORE_ENV, shared)
    try:
        _save(_draw(_page()), "Bản Nà (kho dùng chung)")
        with open_store(shared) as store:
            assert list(store.list()["name"]) == ["Bản Nà (kho dùng chung)"]
        assert not (demo / ZONES_FILE_NAME).exists()  # nothing went to the dataset's own GeoPackage
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")
