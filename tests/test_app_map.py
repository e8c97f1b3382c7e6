"""The page's map as built for a request (views.map_build / views.map_data) on the demo dataset:
layers present, names escaped end to end, no CDN asset, drill-down detail, zoom and click lookup."""

from __future__ import annotations

import re
from functools import cache

import folium
import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import box

from geo.i18n import t
from geo.io.dataset import read_dataset
from geo.plans.assessment import Assessment
from geo.plans.targets import load_plans
from layers.offline import cdn_urls
from views.map_build import LAYER_KEYS, LAYER_LABELS, MapRequest, MapSources, area_units, build_map
from views.map_data import ALL_TARGETS, missing_villages, unit_at, units_for_map, view_for

XSS = "<img src=x onerror=alert(1)>"
PLAN = "muong-lay-2023"


@cache
def _dataset():
    dataset = read_dataset()
    communes = dataset.layers["communes"].copy()
    communes.loc[communes.index[0], "name"] = XSS
    dataset.layers["communes"] = communes
    return dataset


def _sources(year: int = 2025) -> MapSources:
    dataset, plan = _dataset(), load_plans()[PLAN]
    assessment = Assessment(dataset)
    return MapSources(
        evaluation=lambda level: assessment.evaluate(plan, year, level=level),
        geometries=assessment.geometries,
        coverage=lambda tech, per_operator: assessment.coverage(tech, per_operator=per_operator),
        assessment=lambda: assessment,
    )


def _html(**choices) -> tuple[str, object]:
    request = MapRequest(folder="demo", plan_id=PLAN, year=2025, **choices)
    fmap = build_map(request, dataset=_dataset(), plan=load_plans()[PLAN], sources=_sources())
    html = fmap.get_root().render()
    return re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), html), fmap


def test_all_layers_on_every_name_escaped_and_no_cdn():
    html, fmap = _html(level="commune", indicator="village_ftth_coverage", layers=LAYER_KEYS)
    for name in (
        "Đơn vị hành chính",
        "Vùng phủ 4G",
        "Vùng phủ 5G",
        "Trạm BTS",
        "Điểm Wi-Fi",
        "Địa điểm công cộng",
        "Vùng trắng, vùng xám 4G (thôn)",
        "Thôn bị đo kiểm phản bác",
    ):
        assert name in html
    # the demo's disputed village and its evidence, and a white spot, in the tooltips
    assert "Bản Nà Hừ" in html and "24/44" in html and "Vùng trắng: không nhà mạng nào phủ" in html
    assert "Đo tốc độ (lục giác) (di động)" in html and "Cáp quang FTTH theo thôn" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html and XSS not in html
    assert cdn_urls(fmap) == []
    assert "map-legend" in html


def test_missing_villages_are_those_missing_inside_communes_that_miss():
    sources = _sources()
    villages = missing_villages(
        sources.geometries("village"),
        sources.evaluation("village"),
        sources.evaluation("commune"),
        "village_ftth_coverage",
    )
    communes = sources.evaluation("commune")
    missed = set(
        communes.loc[
            communes["indicator"].eq("village_ftth_coverage") & communes["status"].eq("missed"), "uid"
        ]
    )
    village_rows = sources.evaluation("village").set_index("uid")
    assert len(villages) > 0
    assert set(village_rows.loc[villages["uid"], "parent_uid"]) <= missed
    assert (villages["status"] == "missed").all()
    html, fmap = _html(level="commune", indicator="village_ftth_coverage", layers=("missing_villages",))
    assert "Thôn làm xã chưa đạt" in html
    # The map outlines exactly those villages: one feature each, its tooltip naming it.
    name = t(LAYER_LABELS["missing_villages"], "vi")
    children = fmap._children.values()
    groups = [c for c in children if isinstance(c, folium.FeatureGroup) and c.layer_name == name]
    assert len(groups) == 1
    (layer,) = [c for c in groups[0]._children.values() if isinstance(c, folium.GeoJson)]
    features = layer.data["features"]
    assert len(features) == len(villages)
    tips = " ".join(f["properties"]["tip"] for f in features)
    assert all(village in tips for village in villages["name"])


def test_all_targets_counts_missed_targets_per_unit():
    geoms = gpd.GeoDataFrame(
        {"uid": ["a", "b", "c"], "name": ["A", "B", "C"]}, geometry=[box(0, 0, 1, 1)] * 3
    )
    rows = pd.DataFrame(
        {
            "uid": ["a", "a", "b", "b"],
            "indicator": ["x", "y", "x", "y"],
            "status": ["met", "missed", "met", "met"],
        }
    )
    out = units_for_map(geoms, rows, ALL_TARGETS).set_index("uid")
    assert out.loc["a", ["n_missed", "n_targets", "status"]].tolist() == [1, 2, "missed"]
    assert out.loc["b", "status"] == "met" and out.loc["c", "status"] == "no data"


def test_drill_down_draws_the_chosen_area_in_full_detail():
    villages = _sources().geometries("village")
    commune = villages["parent_uid"].iloc[0]
    detail, context = area_units(villages, commune)
    assert set(detail["parent_uid"]) == {commune}
    assert len(detail) + len(context) == len(villages)
    assert detail.geometry.equals(villages[villages["parent_uid"] == commune].geometry)
    whole, none = area_units(villages, None)
    assert len(whole) == len(villages) and none.empty


def test_view_for_fits_bounds_and_unit_at_finds_the_clicked_unit():
    centre, zoom = view_for((103.0, 22.0, 103.2, 22.1), width_px=800, height_px=600)
    assert centre == pytest.approx([22.05, 103.1]) and zoom == 12
    geoms = gpd.GeoDataFrame({"uid": ["a", "b"]}, geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1)])
    assert unit_at(geoms, 1.5, 0.5) == "b" and unit_at(geoms, 5, 5) is None


def test_too_many_points_in_view_are_left_out_with_a_legend_note(monkeypatch):
    monkeypatch.setattr("views.map_build.MAX_POINT_MARKERS", 10)
    html, _ = _html(level="commune", indicator=ALL_TARGETS, layers=("wifi",))
    assert "Điểm Wi-Fi: quá nhiều đối tượng, hãy chọn khu vực xem chi tiết" in html
    assert "Wi-Fi miễn phí" not in html


def test_map_place_markers_agree_with_the_public_free_wifi_indicator():
    import json

    from geo.vocab import Overlay

    html, _ = _html(level="district", indicator=ALL_TARGETS, layers=(Overlay.PLACES,))
    features = []
    for match in re.finditer(r'"features": (\[.*?\]), "type": "FeatureCollection"', html):
        features += json.loads(match.group(1))
    # public places are drawn with or without free Wi-Fi; the reference layer's named places are not marks
    marks = [f["properties"]["s"] for f in features if f["properties"].get("s") in ("wifi", "no_wifi")]
    table = Assessment(read_dataset()).computed
    wifi = table[(table["indicator"] == "public_free_wifi") & (table["uid"] == "territory")].iloc[0]
    assert len(marks) == wifi["denominator"] and marks.count("wifi") == wifi["numerator"] > 0
