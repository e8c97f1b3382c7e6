"""Shared set-up of the real-browser tests: Streamlit on a free local port and headless Chromium.

Test modules call :func:`require_browser` at import time, so they skip cleanly where Chromium,
chromedriver or selenium is missing.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse
from urllib.request import urlopen

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
DRIVER = shutil.which("chromedriver")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-quic",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]


def require_browser() -> None:
    """Skip the calling test module when selenium, Chromium or chromedriver is not installed.

    Under ``CI=true`` the module fails instead (a skipped browser test proves nothing in CI).
    """
    missing = [name for name, found in (("chromium", CHROMIUM), ("chromedriver", DRIVER)) if not found]
    try:
        import selenium.webdriver  # noqa: F401
    except ImportError:
        missing.append("selenium")
    if not missing:
        return
    reason = f"{', '.join(missing)} not installed"
    if os.environ.get("CI", "").strip().lower() == "true":
        pytest.fail(f"CI=true: browser tests cannot run: {reason}", pytrace=False)
    pytest.skip(reason, allow_module_level=True)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running_app(home: Path, env: dict[str, str] | None = None) -> Iterator[str]:
    """Run ``streamlit run app.py`` (``COVERAGE_MAP_HOME=home``, plus ``env``) on a free port, yield URL."""
    port = _free_port()
    env = os.environ | {"COVERAGE_MAP_HOME": str(home)} | (env or {})
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port)]
    command += ["--server.headless", "true", "--server.fileWatcherType", "none"]
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                with urlopen(f"{url}/_stcore/health", timeout=1) as reply:
                    if reply.status == 200:
                        break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("streamlit did not start")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)


@contextmanager
def chromium(window: str) -> Iterator[object]:
    """A headless Chromium driven by chromedriver, window ``"WIDTH,HEIGHT"``; quit afterwards."""
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    for flag in [*FLAGS, f"--window-size={window}"]:
        options.add_argument(flag)
    options.binary_location = CHROMIUM
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def remote_requests(driver, host: str) -> list[str]:
    """Every http(s) request the page made to a host other than ``host`` (from Chromium's performance log)."""
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            url = message["params"]["request"]["url"]
            if urlparse(url).scheme in ("http", "https") and urlparse(url).hostname != host:
                urls.append(url)
    return urls
