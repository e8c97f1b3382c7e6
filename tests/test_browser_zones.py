"""The weak-signal zones page in a real browser: draw a polygon with the Leaflet.draw tool, fill in the form,
save, reload the page and find the zone in the table and as a path on the map.

``streamlit run app.py`` on a free local port with its own COVERAGE_MAP_HOME holding a copy of data/demo
(the repo's data/demo never gets a zone store); headless Chromium. Skips cleanly where Chromium,
chromedriver or selenium are missing. Screenshots are saved under ``tmp_path``; the timings of saving a
zone and of reloading the page are printed as one JSON line.
"""

from __future__ import annotations

import json
import shutil
import time
from urllib.parse import urlparse

import pytest

from geo.settings import DEMO_DIR, ZONES_FILE_NAME
from tests.browser_support import chromium, remote_requests, require_browser, running_app

pytestmark = pytest.mark.browser

require_browser()

from selenium.common.exceptions import StaleElementReferenceException  # noqa: E402
from selenium.webdriver.common.action_chains import ActionChains  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

NAME = "Khe suối <Nà Luồng>"


@pytest.fixture
def server(tmp_path):
    """``streamlit run app.py``; its COVERAGE_MAP_HOME holds a copy of the demo as saved dataset "demo"."""
    home = tmp_path / "home"
    shutil.copytree(DEMO_DIR, home / "datasets" / "demo")
    with running_app(home) as url:
        yield url, home / "datasets" / "demo"


@pytest.fixture
def browser():
    with chromium("1600,1200") as driver:
        yield driver


def _in_map(driver, script: str):
    """Run ``script`` inside the map's iframe (the one holding the drawing toolbar); None when not there."""
    for frame in driver.find_elements(By.CSS_SELECTOR, "iframe"):
        try:
            driver.switch_to.frame(frame)
            if driver.find_elements(By.CSS_SELECTOR, ".leaflet-draw"):
                return driver.execute_script(script)
        except StaleElementReferenceException:  # Streamlit replaced the iframe while redrawing
            pass
        finally:
            driver.switch_to.default_content()
    return None


def _map_frame(driver, timeout: float = 60.0):
    """Wait for the drawing map; return its iframe element."""
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        for frame in driver.find_elements(By.CSS_SELECTOR, "iframe"):
            try:
                driver.switch_to.frame(frame)
                ready = driver.find_elements(By.CSS_SELECTOR, ".leaflet-draw-draw-polygon")
            except StaleElementReferenceException:
                ready = []
            finally:
                driver.switch_to.default_content()
            if ready:
                return frame
        time.sleep(0.2)
    pytest.fail("the drawing map did not appear")


def _zone_paths(driver) -> int:
    """Zones drawn by Leaflet (canvas paths of the weak-zone layer, told by their status colours)."""
    return (
        _in_map(
            driver,
            """
        let n = 0;
        window.map && window.map.eachLayer(l => {
            const props = l instanceof L.Path && l.feature && l.feature.properties;
            if (props && props.s === "reported") n++;
        });
        return n;
        """,
        )
        or 0
    )


def _wait(condition, timeout: float = 60.0, what: str = "") -> float:
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        try:
            if condition():
                return time.perf_counter() - start
        except StaleElementReferenceException:
            pass
        time.sleep(0.1)
    pytest.fail(f"timed out waiting for {what}")


def _type(driver, label: str, text: str) -> None:
    box = driver.find_element(By.XPATH, f"//label[.//p[text()='{label}']]/following-sibling::div//input")
    box.click()
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys(text)
    box.send_keys(Keys.TAB)


def _open(driver, url: str) -> None:
    """Open the app, go to the zones page by its link and pick the copied dataset "demo"."""
    driver.get(url)
    link = WebDriverWait(driver, 60).until(
        lambda d: d.find_element(By.CSS_SELECTOR, "a[data-testid='stSidebarNavLink'][href$='/zones']")
    )
    link.click()
    _map_frame(driver)
    choose = driver.find_element(By.XPATH, "//label[.//p[text()='Bộ dữ liệu']]/following-sibling::div//input")
    choose.click()
    choose.send_keys("demo")
    choose.send_keys(Keys.ENTER)
    picked = "//label[.//p[text()='Bộ dữ liệu']]/following-sibling::div//input"
    _wait(lambda: driver.find_element(By.XPATH, picked).get_attribute("value") == "demo", what="the dataset")
    time.sleep(1.0)  # the page reruns for the chosen dataset


def _text(driver) -> str:
    return driver.find_element(By.TAG_NAME, "body").text


def test_draw_a_polygon_save_it_and_find_it_after_a_reload(server, browser, tmp_path):
    url, folder = server
    _open(browser, url)
    _type(browser, "Người thực hiện", "Chị Lan")
    time.sleep(1.0)
    frame = _map_frame(browser)
    browser.save_screenshot(str(tmp_path / "zones_page.png"))

    browser.switch_to.frame(frame)
    browser.find_element(By.CSS_SELECTOR, ".leaflet-draw-draw-polygon").click()
    container = browser.find_element(By.CSS_SELECTOR, ".leaflet-container")
    width, height = container.size["width"], container.size["height"]
    corners = [(-0.08, -0.08), (0.08, -0.06), (0.06, 0.08), (-0.07, 0.06)]
    for dx, dy in corners:  # offsets from the map's centre, as a planner clicks
        ActionChains(browser).move_to_element_with_offset(
            container, int(dx * width), int(dy * height)
        ).click().perform()
        time.sleep(0.3)
    first = corners[0]
    ActionChains(browser).move_to_element_with_offset(
        container, int(first[0] * width), int(first[1] * height)
    ).click().perform()
    browser.switch_to.default_content()

    _wait(lambda: "Vùng vừa vẽ" in _text(browser), what="the drawn zone's form")
    _wait(lambda: "Số hộ trong vùng" in _text(browser), what="the evidence")
    _type(browser, "Tên vùng", NAME)
    time.sleep(1.0)
    browser.save_screenshot(str(tmp_path / "zones_form.png"))
    save = browser.find_element(By.XPATH, "//button[.//p[text()='Lưu vùng lõm sóng']]")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", save)
    start = time.perf_counter()
    save.click()
    _wait(lambda: f"Đã lưu vùng “{NAME}”." in _text(browser), what="the saved message")
    saved = time.perf_counter() - start
    assert (folder / ZONES_FILE_NAME).exists()
    browser.save_screenshot(str(tmp_path / "zones_saved.png"))

    start = time.perf_counter()
    _open(browser, url)  # a new session: nothing is kept but the store
    _wait(lambda: _zone_paths(browser) == 1, what="the zone on the map after a reload")
    reload = time.perf_counter() - start
    query = "const t = document.querySelector('[data-testid=stDataFrame]'); return t ? t.textContent : '';"
    _wait(lambda: NAME in browser.execute_script(query), what="the zone in the table")  # drawn after the map
    table = browser.execute_script(query)
    assert NAME in table and "Chị Lan" in table  # in the zones table, exactly as typed
    browser.save_screenshot(str(tmp_path / "zones_reloaded.png"))
    assert remote_requests(browser, urlparse(url).hostname) == []
    print(json.dumps({"save_zone_s": round(saved, 2), "reload_until_zone_drawn_s": round(reload, 2)}))
