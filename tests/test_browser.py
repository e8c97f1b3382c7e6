"""What a planner sees in a real browser: ``streamlit run app.py`` on a free local port, headless Chromium.

The map must appear with unit polygons, BTS markers and the legend, redraw when the indicator changes,
and load nothing from outside the machine. Skips cleanly where Chromium, chromedriver or selenium are
missing. Screenshots are saved under ``tmp_path`` (look at them when changing the page).
"""

from __future__ import annotations

import json
import time
from urllib.parse import urlparse

import pytest

from tests.browser_support import chromium, remote_requests, require_browser, running_app

pytestmark = pytest.mark.browser

require_browser()

from selenium.common.exceptions import StaleElementReferenceException  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A running ``streamlit run app.py`` on a free port (its own empty COVERAGE_MAP_HOME)."""
    with running_app(tmp_path_factory.mktemp("home")) as url:
        yield url


@pytest.fixture
def browser():
    with chromium("1600,1100") as driver:
        yield driver


def _in_map(driver, css: str) -> int:
    """Number of elements matching ``css`` inside the map component's iframe (0 when not there yet)."""
    for frame in driver.find_elements(By.CSS_SELECTOR, "iframe"):
        try:
            driver.switch_to.frame(frame)
            found = len(driver.find_elements(By.CSS_SELECTOR, css))
        except StaleElementReferenceException:  # Streamlit replaced the iframe while redrawing
            found = 0
        finally:
            driver.switch_to.default_content()
        if found:
            return found
    return 0


def _wait_map(driver, timeout: float = 60.0) -> float:
    """Wait until Leaflet has drawn the map (canvas + legend); return the seconds it took."""
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if _in_map(driver, ".leaflet-container canvas") and _in_map(driver, ".map-legend"):
            return time.perf_counter() - start
        time.sleep(0.1)
    pytest.fail("the Leaflet map did not appear")


def _map_script(driver) -> dict:
    """Counts taken from Leaflet inside the iframe: polygons, circle markers, legend text."""
    for frame in driver.find_elements(By.CSS_SELECTOR, "iframe"):
        try:
            driver.switch_to.frame(frame)
            result = driver.execute_script(
                """
                const legend = document.querySelector('.map-legend');
                if (!legend || !window.map) return null;
                let polygons = 0, circles = 0;
                window.map.eachLayer(l => {
                    if (l instanceof L.Polygon) polygons++;
                    else if (l instanceof L.CircleMarker) circles++;
                });
                return {polygons, circles, legend: legend.innerText};
                """
            )
        except StaleElementReferenceException:
            result = None
        finally:
            driver.switch_to.default_content()
        if result:
            return result
    return {}


def _choose(driver, label: str, option: str) -> None:
    """Pick ``option`` in the sidebar select box labelled ``label`` (typing filters the list)."""
    box = driver.find_element(By.XPATH, f"//label[.//p[text()='{label}']]/following-sibling::div//input")
    box.click()
    box.send_keys(option)
    box.send_keys(Keys.ENTER)


def test_map_shows_units_sites_and_legend_then_redraws_for_another_indicator(server, browser, tmp_path):
    browser.get(server)
    first = _wait_map(browser)
    time.sleep(1.0)
    drawn = _map_script(browser)
    assert drawn["polygons"] >= 7  # the demo's seven communes (plus village outlines)
    assert drawn["circles"] >= 20  # BTS sites, as canvas circle markers
    assert "Chưa đạt" in drawn["legend"] and "Trạm dùng chung" in drawn["legend"]
    browser.save_screenshot(str(tmp_path / "map_all_targets.png"))

    _choose(browser, "Chỉ tiêu", "cáp quang FTTH")
    start = time.perf_counter()
    while "FTTH" not in _map_script(browser).get("legend", "") and time.perf_counter() - start < 30:
        time.sleep(0.1)
    redraw = time.perf_counter() - start
    assert "Tỷ lệ thôn được phủ băng rộng cố định" in _map_script(browser)["legend"]
    browser.save_screenshot(str(tmp_path / "map_ftth.png"))
    assert remote_requests(browser, urlparse(server).hostname) == []
    print(json.dumps({"first_map_s": round(first, 2), "redraw_s": round(redraw, 2)}))
