"""Shared pytest set-up: fixtures used by several test modules (test modules do not import each other
for them), and the CI rule: under ``CI=true`` a browser or PostGIS test that skips fails the run.

A skipped real-browser or PostGIS test proves nothing, so in CI (``CI=true``, as ``.ci/run`` is
started) every such skip is turned into a failure that names the test and why it could not run.
On a developer's machine the same tests still skip cleanly where Chromium or PostGIS is missing.
"""

from __future__ import annotations

import os
import unicodedata
import uuid
from collections.abc import Callable, Iterator

import pytest

TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def _cp1258(text: str) -> bytes:
    """Encode as Windows-1258 writes Vietnamese: base letters precomposed, tone marks as combining bytes."""
    out = []
    for ch in unicodedata.normalize("NFD", text):
        if unicodedata.combining(ch) and ch not in TONES and out:
            out[-1] = unicodedata.normalize("NFC", out[-1][0] + ch) + out[-1][1:]
        elif ch in TONES and out:
            out[-1] += ch
        else:
            out.append(ch)
    return "".join(out).encode("cp1258")


@pytest.fixture(scope="session")
def cp1258() -> Callable[[str], bytes]:
    """The Windows-1258 encoder of old Vietnamese Excel/ArcGIS files (tone marks as combining bytes)."""
    return _cp1258


@pytest.fixture(autouse=True, scope="session")
def _app_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Keep the tests' prepared-dataset cache and saved datasets out of the real home folder: the
    session gets its own ``COVERAGE_MAP_HOME`` (tests that need a fresh one set their own)."""
    before = os.environ.get("COVERAGE_MAP_HOME")
    os.environ["COVERAGE_MAP_HOME"] = str(tmp_path_factory.mktemp("home"))
    yield
    if before is None:
        os.environ.pop("COVERAGE_MAP_HOME", None)
    else:
        os.environ["COVERAGE_MAP_HOME"] = before


#: Markers whose tests must run, not skip, under ``CI=true``.
MUST_RUN_IN_CI = ("browser", "postgis")


def in_ci() -> bool:
    """True when the tests run in CI (the environment variable ``CI`` is ``true``)."""
    return os.environ.get("CI", "").strip().lower() == "true"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[None]:
    """Turn the skip of a browser/PostGIS test into a failure under ``CI=true``."""
    outcome = yield
    report = outcome.get_result()
    marked = [name for name in MUST_RUN_IN_CI if item.get_closest_marker(name)]
    if report.skipped and marked and in_ci() and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        kind = "/".join(marked)
        report.longrepr = f"CI=true: the {kind} test {item.nodeid} skipped ({reason}); in CI it must run"


def _pg_reachable(url: str) -> bool:
    try:
        import psycopg

        psycopg.connect(url, connect_timeout=3).close()
    except Exception:
        return False
    return True


@pytest.fixture(params=["gpkg", pytest.param("postgis", marks=pytest.mark.postgis)])
def store_url(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:
    """A fresh store (zones or scenarios), once as a .gpkg path and once as a PostGIS URL with its own
    schema (dropped afterwards; ``COVERAGE_TEST_PG_URL`` names the server)."""
    if request.param == "gpkg":
        yield str(tmp_path / "store.gpkg")
        return
    url = os.environ.get("COVERAGE_TEST_PG_URL", "")
    if not url or not _pg_reachable(url):
        pytest.skip("no PostGIS server (set COVERAGE_TEST_PG_URL, e.g. via .ci/postgis.sh)")
    import psycopg

    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    separator = "&" if "?" in url else "?"
    yield f"{url}{separator}options=-csearch_path%3D{schema},public"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA {schema} CASCADE")
