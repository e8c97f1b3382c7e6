"""The shared-office gate in ``streamlit.testing.v1.AppTest``: signed out, no dataset, map or page list;
a users file that cannot be read keeps the app closed; an app listening beyond this machine without
sign-in shows no data; a signed-in viewer's zones page offers no save even with a shape forged into the
session; the single planner keeps the free-text name."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit import config
from streamlit.testing.v1 import AppTest

from geo.auth.accounts import USERS_ENV, add_account
from geo.io.upload import HOME_ENV
from geo.settings import ZONES_STORE_ENV

APP = str(Path(__file__).resolve().parents[1] / "app.py")
SQUARE = [[103.05, 21.95], [103.06, 21.95], [103.06, 21.96], [103.05, 21.96], [103.05, 21.95]]


@pytest.fixture
def office(tmp_path, monkeypatch):
    users = tmp_path / "users.yaml"
    add_account(users, "minh", "xem-ban-do-1", "viewer")
    add_account(users, "lan", "ve-vung-lom-2", "editor")
    monkeypatch.setenv(HOME_ENV, str(tmp_path / "home"))
    monkeypatch.setenv(USERS_ENV, str(users))
    monkeypatch.setenv(ZONES_STORE_ENV, str(tmp_path / "zones.gpkg"))
    return users


def _run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _no_data(at: AppTest) -> None:
    keys = [w.key for w in at.selectbox] + [w.key for w in at.sidebar.selectbox]
    assert not any(str(k).startswith(("dataset", "plan", "level", "indicator")) for k in keys)
    assert not at.title or "Sông Nậm" not in " ".join(t.value for t in at.title)


def _sign_in(at: AppTest, name: str, password: str) -> AppTest:
    at.text_input(key="signin_name").input(name)
    at.text_input(key="signin_password").input(password)
    at.button[0].click()  # the form's only button
    return _run(at)


def test_signed_out_nothing_but_the_sign_in_form_and_the_language_switch(office):
    at = _run(AppTest.from_file(APP, default_timeout=120))
    _no_data(at)
    assert at.text_input(key="signin_name").label == "Tên đăng nhập"
    assert at.sidebar.radio(key="lang").value == "vi"
    _sign_in(at, "lan", "wrong-password")
    _no_data(at)
    assert "Sai tên đăng nhập hoặc mật khẩu." in [e.value for e in at.error]


def test_a_users_file_that_cannot_be_read_keeps_the_app_closed(office):
    office.write_text("credentials: [broken", encoding="utf-8")
    at = _run(AppTest.from_file(APP, default_timeout=120))
    _no_data(at)
    assert "ứng dụng không mở" in at.error[0].value and "users.yaml" in at.error[0].value


def test_listening_beyond_this_machine_without_sign_in_shows_no_data(tmp_path, monkeypatch):
    monkeypatch.setenv(HOME_ENV, str(tmp_path / "home"))
    monkeypatch.delenv(USERS_ENV, raising=False)
    before = config.get_option("server.address")
    config.set_option("server.address", "0.0.0.0")
    try:
        at = _run(AppTest.from_file(APP, default_timeout=120))
    finally:
        config.set_option("server.address", before)
    _no_data(at)
    assert "0.0.0.0" in at.error[0].value and "serve --shared" in at.error[0].value


def test_a_viewer_has_no_save_even_with_a_forged_drawing(office, tmp_path):
    at = _run(AppTest.from_file(APP, default_timeout=120))
    _sign_in(at, "minh", "xem-ban-do-1")
    assert "vai trò Xem" in " ".join(m.value for m in at.sidebar.markdown)
    at.switch_page("views/zones_view.py")
    _run(at)
    at.session_state["zone_drawing"] = {
        "type": "Feature",
        "geometry": {"type": "Polygon", "coordinates": [SQUARE]},
    }
    _run(at)
    assert "new_save" not in [b.key for b in at.button]
    assert "zones_user" not in [w.key for w in at.sidebar.text_input]  # no free-text name in a shared office
    assert "chỉ xem" in " ".join(i.value for i in at.info)
    assert not (tmp_path / "zones.gpkg").exists()


def test_an_editor_saves_under_their_own_name(office, tmp_path):
    from geo.zones.gpkg import GpkgZoneStore

    at = _run(AppTest.from_file(APP, default_timeout=120))
    _sign_in(at, "lan", "ve-vung-lom-2")
    at.switch_page("views/zones_view.py")
    _run(at)
    at.session_state["zone_drawing"] = {
        "type": "Feature",
        "geometry": {"type": "Polygon", "coordinates": [SQUARE]},
    }
    _run(at)
    assert at.selectbox(key="new_status.vi").options == ["Đã báo cáo", "Nhà mạng đã phản hồi"]
    at.text_input(key="new_name").input("Bản Pá")
    _run(at)
    at.button(key="new_save").click()
    _run(at)
    with GpkgZoneStore(tmp_path / "zones.gpkg") as store:
        assert store.list()["updated_by"].tolist() == ["lan"]
        assert set(store.history()["changed_by"]) == {"lan"}


def test_only_an_admin_gets_the_users_page_and_can_disable_someone_else(office):
    from geo.auth.accounts import read_accounts

    add_account(office, "root", "quan-tri-vien-4", "admin")
    at = _run(AppTest.from_file(APP, default_timeout=120))
    _sign_in(at, "lan", "ve-vung-lom-2")
    with pytest.raises(ValueError, match="Could not find a navigation page"):  # not offered to an editor
        at.switch_page("views/users_view.py")
    at = _run(AppTest.from_file(APP, default_timeout=120))
    _sign_in(at, "root", "quan-tri-vien-4")
    at.switch_page("views/users_view.py")
    _run(at)
    assert sorted(at.selectbox(key="users_pick").options) == ["lan", "minh"]  # not themselves
    at.selectbox(key="users_pick").set_value("minh")
    _run(at)
    at.button(key="users_toggle").click()
    _run(at)
    assert read_accounts(office)["minh"].disabled
