"""The page starts warm: the warm-up prepares the demo (and the last-used dataset) the way a new session
opens it, and saves the assessment so the next server start loads it from the prepared cache."""

from __future__ import annotations

import asyncio
import shutil

import pytest

from geo.cache import open_prepared
from geo.io.upload import HOME_ENV
from geo.settings import DEMO_DIR
from views import common, map_cache, warmup


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch):
    monkeypatch.setenv(HOME_ENV, str(tmp_path / "home"))
    common.prepared.clear()
    common.cached_map.clear()
    yield tmp_path / "home"
    common.prepared.clear()
    common.cached_map.clear()


def test_warm_builds_the_opening_map_and_saves_the_assessment(tmp_path, monkeypatch):
    folder = str(shutil.copytree(DEMO_DIR, tmp_path / "demo"))
    warmup.warm(folder)
    stamp = common.dataset_stamp(folder)
    request = warmup.opening_request(folder, stamp)
    built = []
    monkeypatch.setattr(common, "build_map", lambda *a, **k: built.append(a) or object())
    common.cached_map(request, stamp, common.zones_stamp(folder))
    assert built == []  # the first visitor's map is already there
    reopened = open_prepared(folder)
    assert reopened.from_cache
    assert {"hierarchy", "computed"} <= set(reopened.assessment.built())


def test_the_last_chosen_dataset_is_remembered_and_warmed_first(tmp_path, monkeypatch):
    folder = str(shutil.copytree(DEMO_DIR, tmp_path / "mine"))
    common._remember(folder)
    assert common.last_dataset() == folder
    warmed = []
    monkeypatch.setattr(warmup, "_run", lambda folders: warmed.extend(folders))
    monkeypatch.setattr(warmup, "_STARTED", warmup.threading.Event())
    assert warmup.start_warmup()
    assert not warmup.start_warmup()  # once per server process
    for thread in warmup.threading.enumerate():
        if thread.name == "coverage-map-warmup":
            thread.join(timeout=30)
    assert warmed == [folder, str(DEMO_DIR)]


def test_a_removed_last_dataset_falls_back_to_the_demo(tmp_path):
    common._remember(str(tmp_path / "gone"))
    assert common.last_dataset() is None


def _join_warmup():
    for thread in warmup.threading.enumerate():
        if thread.name == "coverage-map-warmup":
            thread.join(timeout=120)


def test_the_server_start_prepares_the_opening_map_before_it_serves(tmp_path, monkeypatch):
    folder = str(shutil.copytree(DEMO_DIR, tmp_path / "mine"))
    common._remember(folder)
    map_cache.map_payload.clear()
    monkeypatch.setattr(warmup, "_STARTED", warmup.threading.Event())
    opened, warmed, real_warm = [], [], warmup.warm
    monkeypatch.setattr(warmup, "_open_browser", lambda: opened.append(True))
    monkeypatch.setattr(warmup, "warm", lambda f: warmed.append(f) or (real_warm(f) if f == folder else None))

    async def serve_once():
        async with warmup.server_lifespan(None):
            stamp = common.dataset_stamp(folder)
            request = warmup.opening_request(folder, stamp)
            monkeypatch.setattr(map_cache, "cached_map", lambda *a: pytest.fail("rendered on the visit"))
            return map_cache.map_payload(request, stamp, common.zones_stamp(folder))

    payload = asyncio.run(serve_once())
    _join_warmup()
    assert "Xã Huổi Mí" in payload["script"]  # the first planner's map, ready before the server served
    assert warmed == [folder, str(DEMO_DIR)]  # the demo follows in the background
    assert opened == [True]  # the browser opens once the map is ready
    assert not warmup.start_warmup()  # a session's run does not warm again
    map_cache.map_payload.clear()


def test_a_warm_up_longer_than_the_start_wait_finishes_while_the_server_serves(monkeypatch):
    monkeypatch.setattr(warmup, "_STARTED", warmup.threading.Event())
    monkeypatch.setattr(warmup, "START_WAIT_S", 0.05)
    monkeypatch.setattr(warmup, "_open_browser", lambda: None)
    release, warmed = warmup.threading.Event(), []
    monkeypatch.setattr(warmup, "warm", lambda f: release.wait(120) and warmed.append(f))

    async def serve_once():
        async with warmup.server_lifespan(None):
            return list(warmed)

    assert asyncio.run(serve_once()) == []  # serving began with the dataset still being prepared
    release.set()
    _join_warmup()
    assert warmed == [str(DEMO_DIR)]  # and it was prepared all the same


@pytest.mark.parametrize("headless", [False, True])
def test_the_browser_opens_at_start_unless_headless(monkeypatch, headless):
    from streamlit import cli_util, config

    opened = []
    monkeypatch.setattr(cli_util, "open_browser", opened.append)
    before = config.get_option("server.headless")
    config.set_option("server.headless", headless)
    try:
        warmup._open_browser()
    finally:
        config.set_option("server.headless", before)
    assert len(opened) == (0 if headless else 1)
    assert all(url.startswith("http://") and url.rstrip("/").endswith(":8501") for url in opened)
