"""The scenarios page in a real browser: on the demo, the suggested sites (all accepted) bring the village
broadband target of the Mường Lay plan from "chưa đạt" to "đạt"; saving them keeps a scenario in the store;
the annex sheet downloads and names the suggested sites; the saved scenario, picked again, shows the same
change.

``streamlit run app.py`` on a free local port with its own COVERAGE_MAP_HOME and a scenario store under
``tmp_path``; headless Chromium with downloads into ``tmp_path``. Every wait is on a condition.
"""

from __future__ import annotations

import time

import openpyxl
import pytest

from geo.scenarios.store import open_scenario_store
from geo.settings import SCENARIOS_STORE_ENV
from tests.browser_support import chromium, remote_requests, require_browser, running_app

pytestmark = pytest.mark.browser

require_browser()

from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402

NAME = "Huổi Mí <2025>"
VILLAGE_LINE = (
    "Tỷ lệ thôn (bản, tổ dân phố) được phủ sóng di động băng rộng: 90 % → 100 % — đạt (trước: chưa đạt)"
)
SUGGESTED = ["VTL-DBN-129", "DX-001", "DX-002"]


@pytest.fixture
def server(tmp_path):
    store = tmp_path / "kich_ban.gpkg"
    with running_app(tmp_path / "home", env={SCENARIOS_STORE_ENV: str(store)}) as url:
        yield url, store


@pytest.fixture
def browser(tmp_path):
    with chromium("1500,2400") as driver:
        downloads = tmp_path / "downloads"
        downloads.mkdir()
        driver.execute_cdp_cmd(
            "Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)}
        )
        yield driver, downloads


def _wait(condition, timeout: float = 120.0, what: str = ""):
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        try:
            found = condition()
            if found:
                return found
        except (NoSuchElementException, StaleElementReferenceException):
            pass
        time.sleep(0.1)
    pytest.fail(f"timed out waiting for {what}")


def _text(driver) -> str:
    return driver.find_element(By.TAG_NAME, "body").text


def _type(driver, label: str, text: str) -> None:
    path = f"//label[.//p[text()='{label}']]/following-sibling::div//input"
    box = _wait(lambda: driver.find_element(By.XPATH, path), what=f"the field {label}")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", box)
    box.click()
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys(text)
    box.send_keys(Keys.TAB)
    _wait(lambda: box.get_attribute("value") == text, what=f"the field {label}")


def _click(driver, xpath: str, what: str) -> None:
    """Scroll the element into the middle of the window (clear of Streamlit's toolbar) and click it."""
    element = _wait(lambda: driver.find_element(By.XPATH, xpath), what=what)
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
    element.click()


def test_accept_the_suggestions_save_them_see_the_target_met_and_download_the_annex(
    server, browser, tmp_path
):
    url, store = server
    driver, downloads = browser
    driver.get(f"{url}/scenarios")
    _wait(lambda: VILLAGE_LINE in _text(driver), what="the village target moving to 'đạt'")
    assert "6 thôn có thêm sóng di động băng rộng (411 hộ):" in _text(driver)
    driver.save_screenshot(str(tmp_path / "scenarios.png"))

    _type(driver, "Tên kịch bản", NAME)
    _type(driver, "Người lưu", "Lò Thị Mai")
    _click(driver, "//button[.//p[text()='Lưu kịch bản']]", "the save button")
    _wait(lambda: f"Đã lưu kịch bản “{NAME}” (phiên bản 1)." in _text(driver), what="the saved message")
    with open_scenario_store(store) as opened:
        assert opened.get(NAME).changes["site_id"].tolist() == SUGGESTED
        assert opened.history(NAME)["saved_by"].tolist() == ["Lò Thị Mai"]

    _click(driver, "//button[.//p[text()='Tải Danh mục vị trí trạm BTS đề xuất (XLSX)']]", "the annex button")
    annex = downloads / "danh_muc_tram_bts_de_xuat.xlsx"
    _wait(lambda: annex.exists() and not list(downloads.glob("*.crdownload")), what="the annex download")
    sheet = openpyxl.load_workbook(annex).active
    assert str(sheet["A1"].value).startswith("DANH MỤC VỊ TRÍ TRẠM BTS ĐỀ XUẤT")
    first_rows = [sheet.cell(r, 2).value for r in range(4, 7)]
    assert first_rows == SUGGESTED

    _click(driver, "//label[.//p[text()='Kịch bản đã lưu']]", "the saved scenarios choice")
    _wait(lambda: f"Lịch sử các lần lưu “{NAME}”" in _text(driver), what="the saved scenario picked")
    _wait(lambda: VILLAGE_LINE in _text(driver), what="the saved scenario's effect")
    driver.save_screenshot(str(tmp_path / "scenarios_saved.png"))
    assert remote_requests(driver, "127.0.0.1") == []
