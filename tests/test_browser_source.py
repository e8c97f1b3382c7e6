"""In a real browser: the map page's source of coverage and the clicked point's sites and terrain profile.

Choosing "speed tests" as the source recolours Bản Nà Hừ (24 of its 44 tests failed) and its tooltip says
so; clicking it lists the sites with their margin and draws the terrain profile of the best one.
Screenshots are saved under ``tmp_path``.
"""

from __future__ import annotations

import time

import pytest

from tests.browser_support import chromium, require_browser, running_app

pytestmark = pytest.mark.browser

require_browser()

from selenium.common.exceptions import StaleElementReferenceException  # noqa: E402
from selenium.webdriver.common.action_chains import ActionChains  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402

NA_HU = (22.0746905, 103.2249079)  # lat, lon of a point of Bản Nà Hừ


def _in_map(driver, script: str):
    """Run ``script`` inside the map component's iframe; return (its result, the iframe) once truthy."""
    for frame in driver.find_elements(By.CSS_SELECTOR, "iframe"):
        try:
            driver.switch_to.frame(frame)
            result = driver.execute_script(script)
        except StaleElementReferenceException:
            result = None
        finally:
            driver.switch_to.default_content()
        if result:
            return result, frame
    return None, None


def _until(check, timeout: float = 90.0):
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if found := check():
            return found
        time.sleep(0.2)
    pytest.fail("the page did not show what was waited for")


def _choose(driver, label: str, option: str) -> None:
    box = driver.find_element(By.XPATH, f"//label[.//p[text()='{label}']]/following-sibling::div//input")
    box.click()
    box.send_keys(option)
    box.send_keys(Keys.ENTER)


def test_source_choice_and_clicked_point_profile(tmp_path):
    with running_app(tmp_path / "home") as url, chromium("1600,1300") as driver:
        driver.get(url)
        _until(lambda: _in_map(driver, "return window.map && document.querySelector('.map-legend')")[0])
        _choose(driver, "Cấp đơn vị", "Thôn")
        _choose(driver, "Chỉ tiêu", "thôn (bản")
        _choose(driver, "Nguồn phủ sóng", "đo kiểm")
        said = "đo kiểm: 20/44 phép đo đạt"
        _until(lambda: _in_map(driver, f"return document.documentElement.innerHTML.includes('{said}')")[0])
        driver.save_screenshot(str(tmp_path / "source_measured.png"))
        where = (
            "if (!window.map) return null; const p = window.map.latLngToContainerPoint("
            f"[{NA_HU[0]}, {NA_HU[1]}]); return [p.x, p.y];"
        )
        (x, y), frame = _until(lambda: _in_map(driver, where)[0] and _in_map(driver, where))
        size = frame.size
        ActionChains(driver).move_to_element_with_offset(
            frame, x - size["width"] / 2, y - size["height"] / 2
        ).click().perform()
        heading = "//h3[contains(., 'Trạm nào phủ tới điểm đã bấm')]"
        _until(lambda: driver.find_elements(By.XPATH, heading))
        image = _until(lambda: driver.find_elements(By.CSS_SELECTOR, "[data-testid='stImage'] img"))
        driver.execute_script("arguments[0].scrollIntoView();", image[0])
        driver.save_screenshot(str(tmp_path / "clicked_profile.png"))
        unit = "//*[self::p or self::h3][contains(., 'Bản Nà Hừ')]"
        assert driver.find_elements(By.XPATH, unit)  # the unit panel names the clicked village
        assert image[0].get_attribute("src")
