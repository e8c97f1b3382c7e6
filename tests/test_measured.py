"""The "measured" source of coverage (geo.compute.measured), the source choice through the shared
Assessment, and the words saying which source decided (geo.compute.source_text)."""

from __future__ import annotations

import pandas as pd
import pytest

from geo.compute.source_text import sources_footnote, village_sources
from geo.io.dataset import read_dataset
from geo.plans.assessment import Assessment
from geo.plans.targets import load_plans
from tests.builders import points, sites
from tests.test_indicators import two_villages

VIETTEL_WEST = sites({"xy": (1000, 1000), "operators": "Viettel", "radius_m": 1500.0})


def speed_at(xy, downloads) -> pd.DataFrame:
    return points([{"xy": xy, "download_mbps": d, "network": "mobile"} for d in downloads])


def measured(speed, **settings) -> pd.DataFrame:
    coverage = {"source": "measured", **settings}
    ds = two_villages(
        {"households": 40}, bts_sites=VIETTEL_WEST, speed_tests=speed, settings={"coverage": coverage}
    )
    return Assessment(ds).village_coverage.set_index("name")


def test_a_modelled_covered_village_with_mostly_failing_tests_is_uncovered_by_measurement():
    table = measured(speed_at((500, 500), [1.0] * 7 + [20.0] * 5))
    x = table.loc["Bản X"]
    assert (x["covered"], x["source"], x["n_tests"], x["n_served"]) == (False, "measured", 12, 5)
    assert x["households_covered"] == 0.0


def test_served_tests_cover_a_village_the_model_leaves_uncovered():
    table = measured(speed_at((3500, 1000), [20.0] * 10))
    y = table.loc["Bản Y"]
    assert (y["covered"], y["source"]) == (True, "measured")


def test_a_village_with_too_few_tests_keeps_the_default_source():
    table = measured(speed_at((500, 500), [1.0] * 9))
    x = table.loc["Bản X"]
    assert (x["covered"], x["source"], x["n_tests"]) == (True, "modelled", 9)
    fewer = measured(speed_at((500, 500), [1.0] * 9), measured_min_tests=5).loc["Bản X"]
    assert (fewer["covered"], fewer["source"]) == (False, "measured")


def test_a_tie_of_served_and_failing_tests_is_not_covered():
    assert not measured(speed_at((500, 500), [1.0] * 6 + [20.0] * 6)).loc["Bản X", "covered"]


def test_measured_is_a_valid_setting_and_a_wrong_source_is_refused():
    from geo.settings import SettingsError, merged

    assert merged({"coverage": {"source": "measured"}}).coverage.source == "measured"
    with pytest.raises(SettingsError, match="measured"):
        merged({"coverage": {"source": "drive-test"}})


@pytest.fixture(scope="module")
def demo() -> Assessment:
    return Assessment(read_dataset())


def test_each_source_is_one_assessment_sharing_the_hierarchy_and_sites(demo):
    measured = demo.with_source("measured")
    assert demo.with_source("measured") is measured and demo.with_source(None) is demo
    assert demo.with_source(demo.source) is demo
    assert measured.hierarchy is demo.hierarchy and measured.sites is demo.sites
    assert demo.dataset.settings.coverage.source == "auto"  # the dataset's own settings are untouched


def test_the_demo_by_source_nà_hừ_is_covered_on_the_map_uncovered_by_its_tests(demo):
    plan = load_plans()["muong-lay-2023"]
    by_source = {}
    for source in ("auto", "modelled", "reported", "measured"):
        coverage = demo.with_source(source).village_coverage.set_index("name")
        by_source[source] = coverage
    assert by_source["auto"].loc["Bản Nà Hừ", "covered"]
    assert not by_source["measured"].loc["Bản Nà Hừ", "covered"]
    assert by_source["measured"].loc["Bản Nà Hừ", "source"] == "measured"
    assert set(by_source["modelled"]["source"]) == {"modelled"}
    assert set(by_source["reported"]["source"]) == {"reported"}
    rows = demo.with_source("measured").evaluate(plan, 2025, level="village")
    mine = rows[(rows["name"] == "Bản Nà Hừ") & (rows["indicator"] == "village_mobile_bb_coverage")]
    assert mine["value"].tolist() == [0.0]


def test_tooltip_words_say_which_source_decided_in_both_languages(demo):
    measured = demo.with_source("measured")
    coverage = measured.village_coverage
    uid = coverage.loc[coverage["name"].eq("Bản Nà Hừ"), "uid"].iloc[0]
    assert village_sources(coverage, measured.dataset, lang="vi")[uid] == "đo kiểm: 20/44 phép đo đạt"
    assert village_sources(coverage, measured.dataset, lang="en")[uid] == "speed tests: 20/44 served"
    few = coverage.loc[coverage["n_tests"].lt(10), "uid"].iloc[0]
    assert "(chỉ" in village_sources(coverage, measured.dataset)[few]
    modelled = demo.with_source("modelled")
    assert set(village_sources(modelled.village_coverage, modelled.dataset, lang="en")) == {
        "serving-radius model"
    }


def test_footnote_counts_the_villages_each_source_decided(demo):
    auto = demo.with_source("auto")
    n_model = int(auto.village_coverage["source"].eq("modelled").sum())
    assert sources_footnote(auto.village_coverage, auto.dataset, lang="vi") == (
        f"Nguồn phủ sóng: mô hình bán kính phục vụ ở {n_model} thôn, "
        "bản đồ nhà mạng (MobiFone, 4G/5G) ở nơi khác."
    )
    modelled = demo.with_source("modelled")
    assert sources_footnote(modelled.village_coverage, modelled.dataset, lang="en") == (
        "Source of coverage: serving-radius model."
    )
