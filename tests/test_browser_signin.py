"""A shared office in a real browser: ``streamlit run app.py`` with ``COVERAGE_MAP_USERS`` (sign-in) on a
free local port, headless Chromium. Signed out, neither the map nor the data shows; five wrong passwords
lock a user out; a viewer sees no save button and no drawing tools; an editor's saved zone carries their
name in its history; an approver verifies it.

Every wait is on a condition (an element, a text, the store's content), never on a fixed time. The zone
store is a GeoPackage in the test's folder (``COVERAGE_ZONES_STORE``), so the repo's demo is not written.
"""

from __future__ import annotations

import time
from urllib.parse import urlparse

import pytest

from geo.auth.accounts import add_account
from geo.settings import ZONES_STORE_ENV
from geo.zones.gpkg import GpkgZoneStore
from tests.browser_support import chromium, remote_requests, require_browser, running_app

pytestmark = pytest.mark.browser

require_browser()

from selenium.common.exceptions import (  # noqa: E402
    ElementClickInterceptedException,
    ElementNotInteractableException,
    NoSuchElementException,
    StaleElementReferenceException,
)
from selenium.webdriver.common.action_chains import ActionChains  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402

PASSWORD = {"minh": "xem-ban-do-1", "lan": "ve-vung-lom-2", "hung": "duyet-vung-3"}
ZONE = "Khe suối Nà Luồng"
#: What a page being redrawn raises; the condition is tried again.
_RETRY = (
    StaleElementReferenceException,
    NoSuchElementException,
    ElementClickInterceptedException,
    ElementNotInteractableException,
)


@pytest.fixture
def office(tmp_path):
    """The app in shared-office mode with a viewer, an editor and an approver; yields (url, zone store)."""
    users = tmp_path / "users.yaml"
    add_account(users, "minh", PASSWORD["minh"], "viewer")
    add_account(users, "lan", PASSWORD["lan"], "editor", "Nguyễn Thị Lan")
    add_account(users, "hung", PASSWORD["hung"], "approver")
    store = tmp_path / "zones.gpkg"
    env = {"COVERAGE_MAP_USERS": str(users), ZONES_STORE_ENV: str(store)}
    with running_app(tmp_path / "home", env=env) as url:
        yield url, store


@pytest.fixture
def browser():
    with chromium("1600,1200") as driver:
        yield driver


def _wait(condition, what: str, timeout: float = 90.0):
    """Poll ``condition`` until it is truthy (elements being redrawn are retried); return its value."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = condition()
            if value:
                return value
        except _RETRY:
            pass
        time.sleep(0.1)
    pytest.fail(f"timed out waiting for {what}")


def _text(driver) -> str:
    return driver.find_element(By.TAG_NAME, "body").text


def _input(driver, label: str):
    return driver.find_element(By.XPATH, f"//label[.//p[text()='{label}']]/following-sibling::div//input")


def _button(driver, label: str):
    found = driver.find_elements(By.XPATH, f"//button[.//p[text()='{label}']]")
    return found[0] if found else None


def _click(driver, label: str) -> None:
    def clicked():
        button = _button(driver, label)
        if button is None or not button.is_enabled():
            return False
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", button)
        button.click()
        return True

    _wait(clicked, f"the button {label!r}")


def _press(driver, label: str, until, what: str, timeout: float = 120.0) -> None:
    """Click the button ``label`` until ``until()`` holds: a click landing while the page reruns (the
    cookie component reruns it once after loading) can be lost, so it is clicked again while still shown."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        _click(driver, label)
        try:
            _wait(until, what, timeout=min(20.0, max(1.0, deadline - time.monotonic())))
            return
        except pytest.fail.Exception:
            if _button(driver, label) is None:
                _wait(until, what, timeout=max(1.0, deadline - time.monotonic()))
                return
    pytest.fail(f"timed out waiting for {what}")


def _answered(driver) -> bool:
    text = _text(driver)
    return any(words in text for words in ("Đang đăng nhập", "Sai tên đăng nhập", "thử lại sau"))


def _sign_in(driver, url: str, username: str, password: str) -> None:
    driver.get(url)
    _wait(lambda: _input(driver, "Tên đăng nhập"), "the sign-in form")

    def typed():
        name, secret = _input(driver, "Tên đăng nhập"), _input(driver, "Mật khẩu")
        name.clear()
        name.send_keys(username)
        secret.clear()
        secret.send_keys(password)
        return name.get_attribute("value") == username and secret.get_attribute("value") == password

    _wait(typed, "the typed username and password")
    _press(driver, "Đăng nhập", lambda: _answered(driver), "the sign-in's answer")


def _signed_in(driver, who: str) -> None:
    _wait(lambda: "Đang đăng nhập" in _text(driver) and who in _text(driver), f"{who} signed in")


def _frames_with(driver, css: str) -> int:
    """How many iframes hold an element matching ``css``."""
    found = 0
    for frame in driver.find_elements(By.CSS_SELECTOR, "iframe"):
        try:
            driver.switch_to.frame(frame)
            found += bool(driver.find_elements(By.CSS_SELECTOR, css))
        except StaleElementReferenceException:
            pass
        finally:
            driver.switch_to.default_content()
    return found


def _zones_page(driver) -> None:
    link = _wait(
        lambda: driver.find_element(By.CSS_SELECTOR, "a[data-testid='stSidebarNavLink'][href$='/zones']"),
        "the zones page link",
    )
    link.click()
    _wait(lambda: "Vùng lõm sóng —" in _text(driver), "the zones page")
    _wait(lambda: _frames_with(driver, ".leaflet-container .leaflet-control-layers"), "the zones map")


def _choose(driver, label: str, option: str) -> None:
    """Pick ``option`` in the select box ``label``."""

    def chosen():
        box = _input(driver, label)
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", box)
        box.click()
        box.send_keys(option)
        box.send_keys(Keys.ENTER)
        return True

    _wait(chosen, f"{option!r} in {label!r}")
    _wait(lambda: option in _text(driver), f"{option!r} shown")


def _draw_square(driver) -> None:
    """Draw a polygon with Leaflet.draw, as a planner clicks: each corner once the previous one is placed."""
    frame = next(
        f
        for f in driver.find_elements(By.CSS_SELECTOR, "iframe")
        if (driver.switch_to.frame(f) or driver.find_elements(By.CSS_SELECTOR, ".leaflet-draw"))
        or driver.switch_to.default_content()
    )
    try:
        driver.find_element(By.CSS_SELECTOR, ".leaflet-draw-draw-polygon").click()
        container = driver.find_element(By.CSS_SELECTOR, ".leaflet-container")
        width, height = container.size["width"], container.size["height"]
        corners = [(-0.08, -0.08), (0.08, -0.06), (0.06, 0.08), (-0.07, 0.06), (-0.08, -0.08)]
        for n, (dx, dy) in enumerate(corners):
            ActionChains(driver).move_to_element_with_offset(
                container, int(dx * width), int(dy * height)
            ).click().perform()
            if n < len(corners) - 1:
                _wait(
                    lambda n=n: len(driver.find_elements(By.CSS_SELECTOR, ".leaflet-editing-icon")) >= n + 1,
                    f"corner {n + 1} placed",
                )
    finally:
        driver.switch_to.default_content()
    del frame


def _history_text(driver) -> str:
    return " ".join(
        e.get_attribute("textContent") or ""
        for e in driver.find_elements(By.CSS_SELECTOR, "[data-testid=stDataFrame]")
    )


def test_signed_out_the_map_and_the_data_are_not_visible(office, browser):
    url, _ = office
    for page in (url, f"{url}/zones", f"{url}/upload"):
        browser.get(page)
        _wait(lambda: _input(browser, "Tên đăng nhập") and _input(browser, "Mật khẩu"), "the sign-in form")
        text = _text(browser)
        assert "Sông Nậm" not in text and "Bộ dữ liệu" not in text and "Kế hoạch" not in text
        assert not browser.find_elements(By.CSS_SELECTOR, "a[data-testid='stSidebarNavLink']")
        assert _frames_with(browser, ".leaflet-container") == 0
    for _ in range(5):  # five wrong passwords: locked out, even with the right one
        _sign_in(browser, url, "hung", "not-the-password")
        _wait(lambda: "Sai tên đăng nhập" in _text(browser) or "thử lại sau" in _text(browser), "a refusal")
    _sign_in(browser, url, "hung", PASSWORD["hung"])
    _wait(lambda: "thử lại sau" in _text(browser), "the lockout message")
    assert "Đang đăng nhập" not in _text(browser) and "Sông Nậm" not in _text(browser)
    _sign_in(browser, url, "lan", PASSWORD["lan"])  # another user is not locked
    _signed_in(browser, "lan")
    _wait(lambda: "Sông Nậm" in _text(browser), "the map page's data")
    _press(
        browser, "Đăng xuất", lambda: _input(browser, "Tên đăng nhập"), "the sign-in form after signing out"
    )
    browser.get(url)  # a reload after signing out stays signed out
    _wait(lambda: _input(browser, "Tên đăng nhập"), "the sign-in form after a reload")
    assert "Sông Nậm" not in _text(browser)


def test_a_viewer_sees_no_save_button_and_cannot_save(office, browser):
    url, store = office
    _sign_in(browser, url, "minh", PASSWORD["minh"])
    _signed_in(browser, "minh")
    assert "vai trò Xem" in _text(browser)
    hrefs = [
        a.get_attribute("href")
        for a in browser.find_elements(By.CSS_SELECTOR, "[data-testid=stSidebarNavLink]")
    ]
    assert not any(h.endswith("/upload") for h in hrefs)  # no upload page
    _zones_page(browser)
    _wait(lambda: "chỉ xem và tải xuống" in _text(browser), "the view-only note")
    assert _frames_with(browser, ".leaflet-draw") == 0  # no drawing tools
    assert _button(browser, "Lưu vùng lõm sóng") is None
    assert "Người thực hiện" not in _text(browser)  # no free-text name in a shared office
    assert not store.exists()


def test_an_editors_saved_zone_shows_their_name_and_an_approver_verifies_it(office, browser, tmp_path):
    url, store = office
    _sign_in(browser, url, "lan", PASSWORD["lan"])
    _signed_in(browser, "Nguyễn Thị Lan (lan)")
    browser.get(url)  # a reload keeps the editor signed in (the signed cookie)
    _signed_in(browser, "Nguyễn Thị Lan (lan)")
    _zones_page(browser)
    assert "Người thực hiện" not in _text(browser)
    _wait(lambda: _frames_with(browser, ".leaflet-draw-draw-polygon"), "the drawing tools")
    _draw_square(browser)
    _wait(lambda: "Số hộ trong vùng" in _text(browser), "the drawn zone's evidence")
    options = _input(browser, "Trạng thái")
    options.click()
    listed = _wait(lambda: browser.find_elements(By.CSS_SELECTOR, "[role=option]"), "the status options")
    assert "Đã xác minh" not in [o.text for o in listed]  # only an approver verifies
    options.send_keys(Keys.ESCAPE)

    def named():
        box = _input(browser, "Tên vùng")
        box.clear()
        box.send_keys(ZONE, Keys.TAB)
        return True

    _wait(named, "the zone's name typed")
    _click(browser, "Lưu vùng lõm sóng")
    _wait(lambda: f"Đã lưu vùng “{ZONE}”." in _text(browser), "the saved message")
    _wait(lambda: "Nguyễn Thị Lan (lan)" in _history_text(browser), "the editor's name in the history")
    with GpkgZoneStore(store) as opened:
        (zone_id,) = opened.list()["zone_id"]
        assert set(opened.history(zone_id)["changed_by"]) == {"Nguyễn Thị Lan (lan)"}
    browser.save_screenshot(str(tmp_path / "editor_saved.png"))
    _press(
        browser, "Đăng xuất", lambda: _input(browser, "Tên đăng nhập"), "the sign-in form after signing out"
    )

    _sign_in(browser, url, "hung", PASSWORD["hung"])
    _signed_in(browser, "hung")
    _zones_page(browser)
    _choose(browser, "Vùng đang xem", ZONE)
    _choose(browser, "Chuyển trạng thái sang", "Đã xác minh")
    _click(browser, "Đổi trạng thái")

    def verified():
        with GpkgZoneStore(store) as opened:
            return opened.get(zone_id).status == "verified"

    _wait(verified, "the zone verified in the store")
    with GpkgZoneStore(store) as opened:
        history = opened.history(zone_id)
    assert history.loc[history["action"] == "status", "changed_by"].tolist() == ["hung"]
    _wait(lambda: "hung" in _history_text(browser), "the approver in the history")
    browser.save_screenshot(str(tmp_path / "approver_verified.png"))
    assert remote_requests(browser, urlparse(url).hostname) == []  # sign-in works offline
