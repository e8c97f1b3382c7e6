"""The scenarios page in a real browser: on the demo, the suggested sites (all accepted) bring the village
broadband target of the Mường Lay plan from "chưa đạt" to "đạt"; saving them keeps a scenario in the store;
the annex sheet downloads and names the suggested sites; the saved scenario, picked again, shows the same
change.

``streamlit run app.py`` on a free local port with its own COVERAGE_MAP_HOME and a scenario store under
``tmp_path``; headless Chromium with downloads into ``tmp_path``. Every wait is on a condition.
"""

from __future__ import annotations

import re
import time

import openpyxl
import pandas as pd
import pytest

from geo.scenarios.store import open_scenario_store
from geo.settings import SCENARIOS_STORE_ENV
from tests.browser_support import chromium, remote_requests, require_browser, running_app

pytestmark = pytest.mark.browser

require_browser()

from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException  # noqa: E402
from selenium.webdriver.common.action_chains import ActionChains  # noqa: E402
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


def _map_frame(driver):
    """The scenario map's iframe (the one holding a Leaflet map)."""

    def find():
        for frame in driver.find_elements(By.CSS_SELECTOR, "iframe"):
            driver.switch_to.frame(frame)
            try:
                if driver.execute_script("return !!(window.map && window.map.latLngToContainerPoint)"):
                    return frame
            finally:
                driver.switch_to.default_content()
        return None

    return _wait(find, what="the scenario map")


def test_upload_a_scenario_file_see_its_bad_row_then_add_an_operator_by_clicking_a_site(
    server, browser, tmp_path
):
    url, _ = server
    driver, _ = browser
    sheet = tmp_path / "kich_ban_tai_len.xlsx"
    pd.DataFrame(
        {
            "change": ["dùng chung", "xây cầu"],
            "site_id": ["VTL-DBN-129", None],
            "operators": ["VNPT", None],
        }
    ).to_excel(sheet, index=False)
    driver.get(f"{url}/scenarios")
    _click(driver, "//label[.//p[text()='Tải tệp kịch bản lên']]", "the upload choice")
    upload = _wait(lambda: driver.find_element(By.CSS_SELECTOR, "input[type='file']"), what="the uploader")
    upload.send_keys(str(sheet))
    _wait(
        lambda: "kich_ban_tai_len.xlsx" in _text(driver) and "thay đổi 'xây cầu' không rõ" in _text(driver),
        what="the unusable row named with its file",
    )
    _wait(lambda: "(1 thay đổi)" in _text(driver), what="the uploaded change evaluated")
    assert "Tỷ lệ dùng chung vị trí trạm BTS: 40,9 % → 45,5 % — chưa đạt" in _text(driver)

    frame = _map_frame(driver)
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", frame)
    driver.switch_to.frame(frame)
    # the pixel of an existing single-operator site that the file leaves alone
    x, y = driver.execute_script(
        """
        let found = null;
        window.map.eachLayer(l => {
            const p = l.feature && l.feature.properties;
            if (!found && l.getLatLng && p && p.tip && p.tip.startsWith("<b>VTL-DBN-101</b>")) {
                const pt = window.map.latLngToContainerPoint(l.getLatLng());
                found = [pt.x, pt.y];
            }
        });
        return found;
        """
    )
    container = driver.find_element(By.CSS_SELECTOR, ".leaflet-container")
    ActionChains(driver).move_to_element_with_offset(
        container, int(x - container.size["width"] / 2), int(y - container.size["height"] / 2)
    ).click().perform()
    driver.switch_to.default_content()
    picked = _wait(
        lambda: re.search(r"Trạm (VTL-DBN-101|VNP-DBN-102) đã chọn trên bản đồ\.", _text(driver)),
        what="the clicked site (101 and 102 share one mast)",
    ).group(1)
    _click(driver, "//button[.//p[text()='Thêm nhà mạng này vào trạm']]", "the add button")
    _wait(lambda: "(2 thay đổi)" in _text(driver), what="the operator added to the scenario")

    def shares_drawn() -> list[str]:
        frame = _map_frame(driver)
        driver.switch_to.frame(frame)
        try:
            return driver.execute_script(
                """
                const tips = [];
                window.map.eachLayer(l => {
                    const p = l.feature && l.feature.properties;
                    if (p && p.s === "share") tips.push(p.tip);
                });
                return tips;
                """
            )
        finally:
            driver.switch_to.default_content()

    tips = _wait(lambda: len(shares_drawn()) == 2 and shares_drawn(), what="both shares drawn on the map")
    assert sorted(tip.split("</b>")[0] for tip in tips) == sorted(["<b>VTL-DBN-129", f"<b>{picked}"])
    driver.save_screenshot(str(tmp_path / "scenarios_clicked.png"))
