"""Which sites reach a clicked point (geo.compute.reach), the terrain profile chart of the best one, and
the page's panel showing both (AppTest on the panel function; the map click itself is opaque there)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from geo.compute.reach import links_to_point, terrain_profile
from geo.compute.terrain import link_budget
from geo.export.profile_chart import profile_png
from geo.io.dataset import read_dataset
from geo.io.upload import HOME_ENV
from geo.plans.assessment import Assessment
from geo.settings import DEMO_DIR

# a point of Bản Nà Hừ, behind the spur ridge of the Huổi Mí valley
NA_HU = (103.2249079, 22.0746905)


@pytest.fixture(scope="module")
def demo() -> Assessment:
    return Assessment(read_dataset())


def test_sites_reaching_a_point_carry_the_figures_of_geo_link_best_margin_first(demo):
    links = links_to_point(demo.dataset, demo.sites, *NA_HU)
    assert list(links["margin_db"]) == sorted(links["margin_db"], reverse=True)
    best = links.iloc[0]
    same = link_budget(demo.dataset, demo.sites, best["site"], *NA_HU)
    assert (best["margin_db"], best["total_loss_db"], best["covered"]) == (
        same["margin_db"], same["total_loss_db"], same["covered"]
    )  # fmt: skip
    assert best["site"] == "MBF-DBN-128" and best["model"] == "terrain" and not best["line_of_sight"]
    assert not links["covered"].any()  # the ridge: no site reaches Bản Nà Hừ with the terrain model
    assert "VTL-DBN-129" not in set(links["site"])  # a 2G-only tower serves no 4G


def test_the_profile_shows_the_ridge_as_the_main_obstruction(demo):
    row = int(links_to_point(demo.dataset, demo.sites, *NA_HU).iloc[0]["row"])
    profile = terrain_profile(demo.dataset, demo.sites, row, *NA_HU)
    distance, height = profile.obstruction
    assert height == profile.ground_m.max()  # the ridge top
    k = int(abs(profile.distance_m - distance).argmin())
    assert height > profile.line_m[k] + 200  # far above the line between the antennas
    assert profile_png(profile).startswith(b"\x89PNG")


def test_without_a_dem_there_is_no_profile_but_the_margins_stay(demo):
    from dataclasses import replace

    flat = replace(demo.dataset, dem=None)
    links = links_to_point(flat, demo.sites, *NA_HU)
    assert not links.empty and set(links["model"]) <= {"pathloss", "radius_m"}
    assert terrain_profile(flat, demo.sites, int(links.iloc[0]["row"]), *NA_HU) is None


def _panel(folder: str, lon: float, lat: float, lang: str) -> None:
    from views.common import dataset_stamp
    from views.map_profile import profile_panel

    profile_panel(lang, folder, dataset_stamp(folder), lon, lat)


def _run_panel(folder: str, lang: str = "vi") -> AppTest:
    at = AppTest.from_function(_panel, args=(folder, *NA_HU, lang), default_timeout=120).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_the_panel_lists_the_sites_and_shows_the_chart(tmp_path, monkeypatch):
    monkeypatch.setenv(HOME_ENV, str(tmp_path / "home"))
    at = _run_panel(str(DEMO_DIR))
    table = at.dataframe[0].value
    assert table["Trạm"].iloc[0] == "MBF-DBN-128" and set(table["Có sóng"]) == {"Không"}
    assert len(at.get("image")) == 1
    english = _run_panel(str(DEMO_DIR), "en")
    assert "Margin (dB)" in english.dataframe[0].value.columns


def test_the_panel_without_a_dem_says_why_there_is_no_chart(tmp_path, monkeypatch):
    monkeypatch.setenv(HOME_ENV, str(tmp_path / "home"))
    folder = Path(shutil.copytree(DEMO_DIR, tmp_path / "no_dem"))
    (folder / "dem.tif").unlink()
    manifest = folder / "dataset.yaml"
    text = manifest.read_text(encoding="utf-8")
    manifest.write_text(text.replace("  dem:\n    path: dem.tif\n", ""), encoding="utf-8")
    at = _run_panel(str(folder))
    assert not at.dataframe[0].value.empty
    assert len(at.get("image")) == 0
    assert any("không có lớp dem" in c.value for c in at.caption)
