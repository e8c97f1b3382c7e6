"""The prepared-dataset cache: a re-opened, unchanged dataset comes from the cache with the same answers;
any change of a file, the manifest, a setting or the code rebuilds it; a damaged cache is never trusted."""

from __future__ import annotations

import shutil

import pytest
from geopandas.testing import assert_geodataframe_equal
from pandas.testing import assert_frame_equal

import geo.cache.prepared as prepared_module
import geo.io.dataset
from geo.cache.prepared import cache_root, clear_cache, open_prepared, save_prepared
from geo.cli.main import main
from geo.errors import DataError
from geo.io.upload import HOME_ENV
from geo.plans.targets import load_plans
from geo.settings import DEMO_DIR

PLAN, YEAR = "muong-lay-2023", 2025


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch):
    monkeypatch.setenv(HOME_ENV, str(tmp_path / "home"))
    return tmp_path / "home"


@pytest.fixture
def folder(tmp_path):
    """A copy of the demo dataset the tests may change."""
    return shutil.copytree(DEMO_DIR, tmp_path / "demo")


def _no_reading(monkeypatch) -> None:
    """Make every source reader fail, so a test proves the cache was used without them."""

    def refuse(*args, **kwargs):
        raise AssertionError("a source reader was called")

    monkeypatch.setattr(prepared_module, "read_dataset", refuse)
    monkeypatch.setattr(geo.io.dataset, "read_layer", refuse)


def _prepare(folder):
    """Open ``folder``, build every piece and save it: the first visit of a planner."""
    first = open_prepared(folder)
    _ = first.assessment.computed
    assert save_prepared(first) == ["hierarchy", "village_coverage", "computed"]
    return first


def test_reopening_an_unchanged_dataset_reads_no_source(folder, monkeypatch):
    first = _prepare(folder)
    assert not first.from_cache
    _no_reading(monkeypatch)
    again = open_prepared(folder)
    assert again.from_cache
    assert set(again.assessment.built()) == {"hierarchy", "village_coverage", "computed"}


def test_results_from_the_cache_equal_results_from_the_sources(folder):
    first = _prepare(folder)
    again = open_prepared(folder)
    assert again.from_cache
    source, cached = first.dataset, again.dataset
    assert source.layers.keys() == cached.layers.keys()
    for name in source.layers:
        assert_geodataframe_equal(source.layers[name], cached.layers[name])
    assert_frame_equal(source.unit_stats, cached.unit_stats)
    assert source.problems == cached.problems and source.sources == cached.sources
    assert source.settings == cached.settings and source.name == cached.name
    assert source.folder == cached.folder
    assert_frame_equal(first.assessment.computed, again.assessment.computed)
    assert_frame_equal(first.assessment.hierarchy.nodes, again.assessment.hierarchy.nodes)
    plan = load_plans()[PLAN]
    for level in ("commune", "village"):
        assert_frame_equal(
            first.assessment.evaluate(plan, YEAR, level), again.assessment.evaluate(plan, YEAR, level)
        )


def test_a_changed_source_file_rebuilds_the_cache(folder):
    _prepare(folder)
    wifi = folder / "diem_wifi.csv"
    lines = wifi.read_text(encoding="utf-8").splitlines(keepends=True)
    wifi.write_text("".join(lines[:-1]), encoding="utf-8")  # the planner deleted one Wi-Fi point
    again = open_prepared(folder)
    assert not again.from_cache
    assert len(again.dataset.layers["wifi_points"]) == len(lines) - 2
    assert open_prepared(folder).from_cache  # and the rebuilt cache serves the next visit


def test_a_changed_manifest_or_setting_rebuilds_the_cache(folder):
    _prepare(folder)
    manifest = folder / "dataset.yaml"
    text = manifest.read_text(encoding="utf-8")
    manifest.write_text(text.replace("metric_crs: EPSG:9205", "metric_crs: EPSG:9210"), encoding="utf-8")
    changed = open_prepared(folder)
    assert not changed.from_cache
    assert changed.dataset.settings.metric_crs == "EPSG:9210"
    manifest.write_text(text.replace("name: Thị xã Sông Nậm", "name: Thị xã Mới"), encoding="utf-8")
    renamed = open_prepared(folder)
    assert not renamed.from_cache and renamed.dataset.name.startswith("Thị xã Mới")


def test_new_code_does_not_read_an_old_cache(folder, monkeypatch):
    _prepare(folder)
    monkeypatch.setattr(prepared_module, "_code_digest", lambda: "another version")
    assert not open_prepared(folder).from_cache


@pytest.mark.parametrize("damaged", ["layer.villages.parquet", "computed.parquet", "key.json", "meta.json"])
def test_a_damaged_cache_is_ignored_and_rebuilt(folder, damaged):
    first = _prepare(folder)
    (first.folder / damaged).write_bytes(b"not what was written")
    again = open_prepared(folder)
    assert not again.from_cache
    assert_frame_equal(first.assessment.computed, again.assessment.computed)
    assert open_prepared(folder).from_cache


def test_a_cache_copied_from_another_folder_is_not_trusted(folder, tmp_path):
    first = _prepare(folder)
    other = shutil.copytree(DEMO_DIR, tmp_path / "other")
    foreign = open_prepared(other)
    shutil.rmtree(foreign.folder)
    shutil.copytree(first.folder, foreign.folder)  # the key file names the first folder
    assert not open_prepared(other).from_cache


def test_no_cache_reads_the_sources_and_writes_nothing(folder):
    opened = open_prepared(folder, use_cache=False)
    assert not opened.from_cache and opened.folder is None
    assert not cache_root().exists()


def test_check_says_whether_it_used_the_cache(folder, capsys):
    assert main(["check", str(folder)]) == 0
    assert "đã đọc tệp nguồn và lưu bộ nhớ đệm" in capsys.readouterr().out
    assert main(["check", str(folder)]) == 0
    assert "đã dùng bộ nhớ đệm" in capsys.readouterr().out
    assert main(["--lang", "en", "check", str(folder)]) == 0
    assert "used the prepared cache" in capsys.readouterr().out
    assert main(["cache", "clear"]) == 0
    assert "Đã xoá 1" in capsys.readouterr().out
    assert clear_cache() == 0


def test_large_point_layers_are_read_from_the_cache_only_when_used(folder, monkeypatch):
    first = _prepare(folder)
    monkeypatch.setattr(prepared_module, "DEFER_ROWS", 10)  # the demo's 3 260 speed tests count as large
    layers = open_prepared(folder).dataset.layers
    assert list(layers) == list(first.dataset.layers)  # same names, same order
    assert dict.__getitem__(layers, "speed_tests") is None  # not read yet
    assert_geodataframe_equal(layers["speed_tests"], first.dataset.layers["speed_tests"])
    assert dict.__getitem__(layers, "speed_tests") is not None  # read once, then kept


def test_a_deferred_layer_damaged_after_opening_names_the_fix(folder, monkeypatch):
    first = _prepare(folder)
    monkeypatch.setattr(prepared_module, "DEFER_ROWS", 10)
    again = open_prepared(folder)
    path = first.folder / "layer.speed_tests.parquet"
    path.write_bytes(path.read_bytes()[:100] + b"\0" * 1000 + path.read_bytes()[-2000:])
    with pytest.raises(DataError) as caught:
        _ = again.dataset.layers["speed_tests"]
    assert "python -m geo cache clear" in caught.value.text("vi")
