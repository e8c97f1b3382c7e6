"""The map page's source of coverage: the selector (AppTest) and the village tooltips saying which
source decided (built map HTML)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from geo.io.dataset import read_dataset
from geo.io.upload import HOME_ENV
from geo.plans.assessment import Assessment
from geo.plans.targets import load_plans
from views.map_build import MapRequest, MapSources, build_map

APP = str(Path(__file__).resolve().parents[1] / "app.py")
PLAN = "muong-lay-2023"
VILLAGES = "village_mobile_bb_coverage"


def _html(source: str | None, indicator: str = VILLAGES) -> str:
    dataset, plan = read_dataset(), load_plans()[PLAN]
    assessment = Assessment(dataset).with_source(source)
    sources = MapSources(
        evaluation=lambda level: assessment.evaluate(plan, 2025, level=level),
        geometries=assessment.geometries,
        coverage=lambda tech, per_operator: assessment.coverage(tech, per_operator=per_operator),
        assessment=lambda: assessment,
    )
    request = MapRequest(folder="demo", plan_id=PLAN, year=2025, level="village", indicator=indicator)
    html = build_map(request, dataset=dataset, plan=plan, sources=sources).get_root().render()
    return re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), html)


def test_village_tooltips_say_which_source_decided():
    measured = _html("measured")
    assert "Nguồn phủ sóng" in measured and "đo kiểm: 20/44 phép đo đạt" in measured
    assert "cần 10 để theo đo kiểm" in measured  # villages with few tests say what decided instead
    modelled = _html("modelled")
    assert "mô hình bán kính phục vụ" in modelled and "đo kiểm:" not in modelled
    assert "Nguồn phủ sóng" not in _html("measured", "village_ftth_coverage")  # FTTH owes nothing to it


@pytest.fixture
def page(tmp_path, monkeypatch):
    monkeypatch.setenv(HOME_ENV, str(tmp_path / "home"))
    at = AppTest.from_file(APP, default_timeout=120).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _missing_names(at: AppTest) -> list[str]:
    return list(at.dataframe[-1].value["Đơn vị"])


def test_the_source_selector_changes_the_villages_missing_the_target(page):
    at = page
    selector = at.selectbox(key="coverage_source.vi")
    assert selector.value == "auto" and selector.options == [
        "tự động: bản đồ nhà mạng nơi có, mô hình nơi khác",
        "bản đồ nhà mạng",
        "mô hình",
        "đo kiểm tốc độ",
    ]
    at.selectbox(key="level.vi").set_value("village")
    at.selectbox(key="indicator.vi").set_value(VILLAGES)
    at.run()
    assert "Bản Nà Hừ" not in _missing_names(at)  # MobiFone's map calls it covered
    at.selectbox(key="coverage_source.vi").set_value("measured")
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert "Bản Nà Hừ" in _missing_names(at)  # 24 of its 44 tests failed
