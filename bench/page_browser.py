"""The real-browser part of ``bench/bench_page.py --browser``: the map page and the stack's floor, timed in
headless Chromium (see that script's docstring for the protocol)."""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.request import urlopen

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.browser_support import _free_port, chromium  # noqa: E402

__all__ = ["bench_browser"]

MIN_SHAPES = 10
TIMEOUT_S = 120.0
#: Counts what Leaflet has drawn on a canvas inside the page's map iframe (polygons with projected parts,
#: circle markers with a projected point); tags the map object so a
#: redraw (a new map) is told from the old one; the fill colours (every shape's, sorted: a colouring that
#: only changes how many units are red or green is told apart too) say which colouring is shown.
_DRAWN_JS = """
if (!window.map || !window.L) return null;
if (!window.map.__bench) window.map.__bench = Math.random().toString(36).slice(2);
let shapes = 0; const fills = [];
window.map.eachLayer(l => {
    const projected = l._parts ? l._parts.length > 0 : !!l._point;  // polygons : circle markers
    if (l instanceof L.Path && l._renderer instanceof L.Canvas && projected) {
        shapes++; fills.push(String(l.options.fillColor));
    }
});
return {shapes, id: window.map.__bench, fills: fills.sort().join('|')};
"""

#: The floor: an empty Streamlit page with one st_folium map of 10 squares (canvas, offline Leaflet)
#: and a select box that recolours them.
_FLOOR_APP = """
import folium
import streamlit as st
from streamlit_folium import st_folium
from layers.offline import offline_map

colour = st.sidebar.selectbox("Màu", ["#d73027", "#1a9850", "#4575b4"])
fmap = offline_map(bounds=(103.0, 22.0, 103.5, 22.1))
for k in range(10):
    folium.Rectangle([[22.0, 103.0 + 0.05 * k], [22.1, 103.04 + 0.05 * k]], fill=True,
                     fill_color=colour, fill_opacity=0.7, color="#333").add_to(fmap)
st_folium(fmap, key="map", height=600, use_container_width=True, returned_objects=[])
"""


def _line(page: str, figure: str, **value: object) -> str:
    return json.dumps({"page": page, "figure": figure, **value}, ensure_ascii=False)


@contextmanager
def _serve(script: Path, cwd: Path, home: Path) -> Iterator[str]:
    """``streamlit run script`` in ``cwd`` with ``COVERAGE_MAP_HOME=home``; yield its URL once healthy."""
    port = _free_port()
    env = os.environ | {"COVERAGE_MAP_HOME": str(home), "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port)]
    command += ["--server.headless", "true", "--server.fileWatcherType", "none"]
    process = subprocess.Popen(
        command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + TIMEOUT_S
        while True:
            try:
                with urlopen(f"{url}/_stcore/health", timeout=1) as reply:
                    if reply.status == 200:
                        break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"streamlit did not start: {script}") from None
                time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


def _drawn(driver) -> dict | None:
    """What the map iframe has drawn (``None`` while there is no map yet)."""
    from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
    from selenium.webdriver.common.by import By

    for frame in driver.find_elements(By.CSS_SELECTOR, "iframe"):
        try:
            driver.switch_to.frame(frame)
            found = driver.execute_script(_DRAWN_JS)
        except (StaleElementReferenceException, WebDriverException):
            found = None
        finally:
            driver.switch_to.default_content()
        if found:
            return found
    return None


def _wait(driver, ready: Callable[[dict], bool]) -> dict:
    """Poll the map until ``ready(drawn)``; raise after :data:`TIMEOUT_S`."""
    deadline = time.monotonic() + TIMEOUT_S
    while time.monotonic() < deadline:
        drawn = _drawn(driver)
        if drawn and ready(drawn):
            return drawn
        time.sleep(0.02)
    raise RuntimeError("the map did not draw in time")


def _visit(driver, url: str) -> tuple[float, dict]:
    """Seconds from ``driver.get(url)`` until ≥ 10 shapes are drawn, and what was drawn."""
    driver.get("about:blank")
    start = time.perf_counter()
    driver.get(url)
    drawn = _wait(driver, lambda d: d["shapes"] >= MIN_SHAPES)
    return time.perf_counter() - start, drawn


def _choose(driver, label: str, option: str) -> None:
    """Pick ``option`` (typed, filtered, Enter) in the sidebar select box labelled ``label``."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    box = driver.find_element(By.XPATH, f"//label[.//p[text()='{label}']]/following-sibling::div//input")
    box.click()
    box.send_keys(option)
    box.send_keys(Keys.ENTER)


def _change(driver, label: str, option: str, before: dict) -> float:
    """Seconds from choosing ``option`` until a new map with other colours has drawn ≥ 10 shapes."""
    start = time.perf_counter()
    _choose(driver, label, option)
    _wait(
        driver,
        lambda d: d["shapes"] >= MIN_SHAPES and d["id"] != before["id"] and d["fills"] != before["fills"],
    )
    return time.perf_counter() - start


def _measure(script: Path, cwd: Path, home: Path, *, runs: int, label: str, options: list[str]) -> dict:
    """First visit after each of ``runs`` server starts, then later visits and changes on the last server."""
    from tests.browser_support import CHROMIUM  # noqa: F401 - chromium() needs it installed

    figures: dict[str, list[float]] = {"first_visit": [], "later_visit": [], "change_indicator": []}
    with chromium("1600,1100") as driver:
        for run in range(runs):
            with _serve(script, cwd, home) as url:
                seconds, drawn = _visit(driver, url)
                figures["first_visit"].append(seconds)
                if run < runs - 1:
                    continue
                for _ in range(runs):
                    seconds, drawn = _visit(driver, url)
                    figures["later_visit"].append(seconds)
                for k in range(runs):
                    figures["change_indicator"].append(
                        _change(driver, label, options[k % len(options)], drawn)
                    )
                    drawn = _wait(driver, lambda d: d["shapes"] >= MIN_SHAPES)
    return figures


def _page_figures(runs: int) -> tuple[dict, dict]:
    """The map page's figures with its prepared cache kept across restarts, and cold first visits."""
    from geo.i18n import t

    label = t("indicator", "vi")
    options = ["cáp quang FTTH", t("all_targets", "vi")]
    with tempfile.TemporaryDirectory(prefix="bench-page-home-") as home:
        warm = _measure(ROOT / "app.py", ROOT, Path(home), runs=runs, label=label, options=options)
    cold = []
    with chromium("1600,1100") as driver:
        for _ in range(max(1, runs // 2)):
            with (
                tempfile.TemporaryDirectory(prefix="bench-page-cold-") as home,
                _serve(ROOT / "app.py", ROOT, Path(home)) as url,
            ):
                cold.append(_visit(driver, url)[0])
    return warm, {"first_visit_cold": cold}


def _floor_figures(runs: int) -> dict:
    """The same figures on the one-map floor page (run from a temporary folder that serves ./static)."""
    from views.common import install_static

    install_static(ROOT)  # the floor runs first: Leaflet's files must be in ./static before the app runs
    with tempfile.TemporaryDirectory(prefix="bench-page-floor-") as folder:
        work = Path(folder)
        (work / "floor_app.py").write_text(_FLOOR_APP, encoding="utf-8")
        (work / "static").symlink_to(ROOT / "static")
        shutil.copytree(ROOT / ".streamlit", work / ".streamlit")
        options = ["#1a9850", "#4575b4", "#d73027"]
        return _measure(work / "floor_app.py", work, work / "home", runs=runs, label="Màu", options=options)


def bench_browser(*, runs: int = 5) -> list[str]:
    """Measure the page and the floor in one run; return JSON lines (medians, seconds, and ratios)."""
    floor = _floor_figures(runs)
    page, cold = _page_figures(runs)
    lines = []
    for figure, values in floor.items():
        lines.append(_line("floor", figure, median_s=round(statistics.median(values), 3), runs=values))
    budgets = {"first_visit": 2.5, "later_visit": 1.0, "change_indicator": 0.5, "first_visit_cold": None}
    for figure, values in {**page, **cold}.items():
        median = statistics.median(values)
        base = floor.get(figure) or floor["first_visit"]
        lines.append(
            _line(
                "map",
                figure,
                median_s=round(median, 3),
                vs_floor=round(median / statistics.median(base), 2),
                budget_s=budgets[figure],
                runs=[round(v, 3) for v in values],
            )
        )
    return lines
