"""Names and suggestions in a real browser: the map page carries every commune and village name as a label
in the map's DOM (escaped: a village named with ``<b>&`` shows those characters as text), and on the zones
page a suggested zone clicked on the map can be accepted there, becoming a zone in the store.

``streamlit run app.py`` on a free local port with its own COVERAGE_MAP_HOME holding a copy of data/demo;
headless Chromium. Every wait is for a condition (never a fixed sleep). Skips cleanly where Chromium,
chromedriver or selenium are missing.
"""

from __future__ import annotations

import json
import shutil
import time

import pytest

from geo.io.dataset import read_dataset
from geo.plans.targets import load_plans
from geo.settings import DEMO_DIR, ZONES_FILE_NAME
from geo.zones import open_store
from geo.zones.suggest import suggest_zones
from tests.browser_support import chromium, require_browser, running_app

pytestmark = pytest.mark.browser

require_browser()

from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException  # noqa: E402
from selenium.webdriver.common.action_chains import ActionChains  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402

TRICKY = "Bản <b>& Nậm Cản"
PICKED = "//label[.//p[text()='Bộ dữ liệu']]/following-sibling::div//input"


@pytest.fixture
def server(tmp_path):
    """The app with a copy of the demo (saved dataset "demo") in which Bản Nậm Cản is renamed ``TRICKY``."""
    home = tmp_path / "home"
    folder = home / "datasets" / "demo"
    shutil.copytree(DEMO_DIR, folder)
    villages = folder / "thon_ban.geojson"
    text = villages.read_text(encoding="utf-8")
    assert '"Bản Nậm Cản"' in text
    villages.write_text(
        text.replace('"Bản Nậm Cản"', json.dumps(TRICKY, ensure_ascii=False)), encoding="utf-8"
    )
    with running_app(home) as url:
        yield url, folder


@pytest.fixture
def browser():
    with chromium("1600,1200") as driver:
        yield driver


def _poll(condition, timeout: float):
    """Poll ``condition`` until it returns something truthy (returned); None after ``timeout`` seconds."""
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        try:
            value = condition()
            if value:
                return value
        except (StaleElementReferenceException, NoSuchElementException):
            pass
        time.sleep(0.1)
    return None


def _wait(condition, timeout: float = 90.0, what: str = ""):
    """Poll ``condition`` until it returns something truthy (returned); fail after ``timeout`` seconds."""
    value = _poll(condition, timeout)
    if not value:
        pytest.fail(f"timed out waiting for {what}")
    return value


def _in_map(driver, script: str, *args):
    """Run ``script`` in the first iframe holding a Leaflet map; None when there is none yet."""
    for frame in driver.find_elements(By.CSS_SELECTOR, "iframe"):
        try:
            driver.switch_to.frame(frame)
            if driver.find_elements(By.CSS_SELECTOR, ".leaflet-container"):
                return driver.execute_script(script, *args)
        except StaleElementReferenceException:
            pass
        finally:
            driver.switch_to.default_content()
    return None


_LABELS = """
return Array.from(document.querySelectorAll('.geo-labels .geo-label')).map(
    el => [el.textContent, el.innerHTML, el.children.length]);
"""


_OVERLAPS = """
const shown = Array.from(document.querySelectorAll('.geo-label')).filter(el => el.offsetParent !== null);
const r = shown.map(el => el.getBoundingClientRect()), bad = [];
for (let i = 0; i < r.length; i++) for (let j = 0; j < i; j++) {
    const a = r[i], b = r[j];
    if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom)
        bad.push([shown[i].textContent, shown[j].textContent]);
}
return [shown.length, bad];
"""
_ZOOM = """
const done = arguments[arguments.length - 1], zoom = arguments[0];
if (map.getZoom() === zoom) { done(zoom); } else {
    map.once('zoomend', () => requestAnimationFrame(() => done(map.getZoom())));
    map.setZoom(zoom, {animate: false});
}
"""


def _zoom_to(driver, zoom: int) -> int:
    """Zoom the map (in its iframe) to ``zoom`` and wait until Leaflet has finished; return the zoom."""
    for frame in driver.find_elements(By.CSS_SELECTOR, "iframe"):
        driver.switch_to.frame(frame)
        try:
            if driver.find_elements(By.CSS_SELECTOR, ".leaflet-container"):
                return driver.execute_async_script(_ZOOM, zoom)
        finally:
            driver.switch_to.default_content()
    pytest.fail("no map to zoom")


def _choose_demo(driver) -> None:
    """Pick the copied dataset "demo" in the sidebar and wait until the choice is shown."""
    choose = _wait(lambda: driver.find_element(By.XPATH, PICKED), what="the dataset choice")
    choose.click()
    choose.send_keys("demo")
    choose.send_keys(Keys.ENTER)
    _wait(lambda: driver.find_element(By.XPATH, PICKED).get_attribute("value") == "demo", what="the dataset")


def test_every_unit_name_is_a_label_in_the_maps_dom_escaped(server, browser, tmp_path):
    url, folder = server
    browser.get(url)
    _choose_demo(browser)
    labels = _wait(
        lambda: (
            [x for x in (_in_map(browser, _LABELS) or []) if x[0] == TRICKY] and _in_map(browser, _LABELS)
        ),
        what="the renamed village's label in the map",
    )
    texts = {text for text, _, _ in labels}
    dataset = read_dataset(folder)
    assert set(dataset.layer("communes")["name"]) <= texts
    assert set(dataset.layer("villages")["name"]) <= texts
    tricky = next(x for x in labels if x[0] == TRICKY)
    assert tricky[1] == "Bản &lt;b&gt;&amp; Nậm Cản" and tricky[2] == 0  # text, not a <b> element
    shown = _in_map(
        browser,
        "return Array.from(document.querySelectorAll('.geo-label'))"
        ".filter(el => el.offsetParent !== null).map(el => el.textContent);",
    )
    assert set(dataset.layer("communes")["name"]) & set(shown)  # communes are readable at the first view
    font = _in_map(browser, "return getComputedStyle(document.querySelector('.geo-label')).fontFamily;")
    assert "Source Sans" in font
    browser.save_screenshot(str(tmp_path / "map_names.png"))
    first = _in_map(browser, "return map.getZoom();")
    for zoom in (first, first + 1, first + 2, first + 3):  # the territory view, then closer in
        assert _zoom_to(browser, zoom) == zoom
        n_shown, overlaps = _in_map(browser, _OVERLAPS)
        assert n_shown and overlaps == [], (zoom, overlaps)  # labels on screen, none over another
    villages = set(dataset.layer("villages")["name"])
    assert villages & set(
        _in_map(
            browser,
            "return Array.from(document.querySelectorAll('.geo-label'))"
            ".filter(el => el.offsetParent !== null).map(el => el.textContent);",
        )
    )


def test_a_suggestion_clicked_on_the_zones_map_is_accepted_there(server, browser, tmp_path):
    url, folder = server
    dataset = read_dataset(folder)
    plan = load_plans()["muong-lay-2023"]
    found = suggest_zones(dataset, plan=plan, year=2025)
    assert len(found), "the demo suggests zones"
    target = found.sort_values("households", ascending=False).iloc[0]
    point = target.geometry.representative_point()
    browser.get(url.rstrip("/") + "/zones")
    _choose_demo(browser)
    user = _wait(
        lambda: browser.find_element(
            By.XPATH, "//label[.//p[text()='Người thực hiện']]/following-sibling::div//input"
        ),
        what="the user field",
    )
    user.click()
    user.send_keys("Chị Lan", Keys.TAB)
    _wait(lambda: user.get_attribute("value") == "Chị Lan", what="the user name")
    count = (
        "let n = 0; map.eachLayer(l => { if (l.feature && l.feature.properties.s === 's') n++; }); return n;"
    )
    _wait(lambda: _in_map(browser, count), what="the suggestions on the map")
    where = """
        const p = map.latLngToContainerPoint([arguments[0], arguments[1]]);
        const box = map.getContainer().getBoundingClientRect();
        return [p.x - box.width / 2, p.y - box.height / 2];
    """

    def click_suggestion() -> None:
        """Click the suggestion where the map draws it now (a rerun may still move or redraw the map)."""
        for frame in browser.find_elements(By.CSS_SELECTOR, "iframe"):
            browser.switch_to.frame(frame)
            try:
                if browser.find_elements(By.CSS_SELECTOR, ".leaflet-container"):
                    dx, dy = browser.execute_script(where, point.y, point.x)
                    container = browser.find_element(By.CSS_SELECTOR, ".leaflet-container")
                    chain = ActionChains(browser).move_to_element_with_offset(container, int(dx), int(dy))
                    chain.click().perform()
                    return
            finally:
                browser.switch_to.default_content()

    def panel() -> bool:
        return "Vùng gợi ý đã chọn trên bản đồ" in browser.find_element(By.TAG_NAME, "body").text

    # Click, then wait for the panel; if a rerun redrew the map under the click, click again where it is now.
    _wait(lambda: panel() or (click_suggestion(), _poll(panel, 15.0))[1], timeout=180.0,
          what="the clicked suggestion's panel")  # fmt: skip
    browser.save_screenshot(str(tmp_path / "zones_suggestion.png"))
    button = _wait(
        lambda: [
            b
            for b in browser.find_elements(By.XPATH, "//button[.//p[text()='Nhận làm vùng lõm sóng']]")
            if b.is_enabled()
        ],
        what="an enabled Accept button",
    )[0]  # the map's panel comes first on the page
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", button)
    button.click()
    _wait(lambda: "Đã nhận gợi ý thành vùng" in browser.find_element(By.TAG_NAME, "body").text,
          what="the accepted message")  # fmt: skip
    with open_store(str(folder / ZONES_FILE_NAME)) as store:
        zones = store.list()
        dismissed = set(store.dismissed()["suggestion_id"])
    assert len(zones) == 1
    assert any(sid in dismissed for sid in found["suggestion_id"])  # the accepted one leaves the suggestions
    browser.save_screenshot(str(tmp_path / "zones_accepted.png"))
