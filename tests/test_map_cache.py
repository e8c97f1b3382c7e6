"""The page's map is rendered once per request (views/map_cache.py): a later visit or session is sent the
same map with no new rendering, only its view changes, and the zones page's map is never held back."""

from __future__ import annotations

import dataclasses
import re
import shutil
import threading

import pytest

from geo.io.upload import HOME_ENV
from geo.settings import DEMO_DIR
from views import common, map_cache, warmup


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch):
    monkeypatch.setenv(HOME_ENV, str(tmp_path / "home"))
    for cached in (common.prepared, common.cached_map, map_cache.map_payload):
        cached.clear()
    yield
    for cached in (common.prepared, common.cached_map, map_cache.map_payload):
        cached.clear()


@pytest.fixture
def sent(monkeypatch):
    """What the map component is sent (instead of a browser)."""
    calls: list[dict] = []
    monkeypatch.setattr(map_cache, "_REAL_COMPONENT", lambda **kwargs: calls.append(kwargs))
    return calls


def _opening(tmp_path):
    folder = str(shutil.copytree(DEMO_DIR, tmp_path / "demo"))
    stamp = common.dataset_stamp(folder)
    return warmup.opening_request(folder, stamp), stamp, common.zones_stamp(folder)


def test_a_later_visit_gets_the_same_map_without_rendering_it_again(tmp_path, sent, monkeypatch):
    request, stamp, zones_at = _opening(tmp_path)
    map_cache.show_map(request, stamp, zones_at)
    renders = []
    monkeypatch.setattr(map_cache, "st_folium", lambda *a, **k: renders.append(a))
    map_cache.show_map(request, stamp, zones_at, center=(22.05, 103.15), zoom=13)
    assert renders == []  # the second visit rendered nothing
    first, later = sent
    assert later["script"] == first["script"] and later["key"] == first["key"]
    assert "Xã Huổi Mí" in first["script"]  # the demo's communes are on the map
    assert (first["center"], first["zoom"]) == (None, None)
    assert (later["center"], later["zoom"]) == ((22.05, 103.15), 13)  # only the view of this rerun changes
    assert later["returned_objects"] == ["last_object_clicked"] and later["height"] == 620


def test_another_indicator_is_another_map(tmp_path, sent):
    request, stamp, zones_at = _opening(tmp_path)
    map_cache.show_map(request, stamp, zones_at)
    ftth = dataclasses.replace(request, indicator="village_ftth_coverage")
    map_cache.show_map(ftth, stamp, zones_at)
    assert sent[0]["script"] != sent[1]["script"]
    script = re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), sent[1]["script"])
    assert "cáp quang FTTH" in script  # the legend's title names the indicator


def test_a_map_sent_from_another_thread_while_one_is_rendered_reaches_the_browser(sent):
    map_cache._RECORDING.kwargs = {}  # this thread is rendering the page's map
    try:
        other = threading.Thread(target=lambda: map_cache._component(script="zones page map"))
        other.start()
        other.join(timeout=30)
        map_cache._component(script="recorded")
        assert map_cache._RECORDING.kwargs == {"script": "recorded"}
    finally:
        del map_cache._RECORDING.kwargs
    assert sent == [{"script": "zones page map"}]
