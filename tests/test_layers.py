"""The map layer builders, checked on the HTML they render: names, colours per status, escaped text,
no CDN asset; and the numbers behind them (value classes, hexagon cells, Wi-Fi distance, simplification)."""

from __future__ import annotations

import json
import re

import folium
import folium.plugins
import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import LineString, Point, Polygon, box

from geo.compute.proximity import places_with_free_wifi
from geo.palette import COVERAGE_5G, LAYER_STYLES, NO_DATA_DASH, STATUS_COLOURS
from layers.coverage import coverage_layer
from layers.hexagons import hex_cells, speed_cells, speed_layer
from layers.legend import legend, swatch
from layers.offline import STATIC_PREFIX, cdn_urls, offline_map, strip_cdn
from layers.points import places_layer, sites_layer, wifi_layer
from layers.simplify import simplify_units
from layers.units import ftth_layer, missing_villages_layer, units_layer, units_legend, value_bins, value_keys
from layers.zones import zones_layer

XSS = "<img src=x onerror=alert(1)>"
CRS = "EPSG:4326"
METRIC = "EPSG:3405"


def _units(statuses: list[str], names: list[str] | None = None) -> gpd.GeoDataFrame:
    n = len(statuses)
    return gpd.GeoDataFrame(
        {
            "uid": [f"9900{i}" for i in range(n)],
            "name": names or [f"Xã {i}" for i in range(n)],
            "value": [80.0 + i for i in range(n)],
            "unit": "%",
            "target_text": "≥ 100",
            "gap": [20.0 - i for i in range(n)],
            "status": statuses,
        },
        geometry=[box(103.0 + 0.01 * i, 22.0, 103.01 + 0.01 * i, 22.01) for i in range(n)],
        crs=CRS,
    )


def _html(*groups) -> str:
    """The rendered page with JavaScript ``\\uXXXX`` escapes decoded (what the browser ends up with)."""
    fmap = offline_map(bounds=(103.0, 22.0, 103.1, 22.1))
    for group in groups:
        group.add_to(fmap)
    folium.LayerControl().add_to(fmap)
    return re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), fmap.get_root().render())


def _properties(html: str) -> list[dict]:
    """Every feature's properties in the page (GeoJSON as folium embeds it)."""
    features = []
    for match in re.finditer(r'"features": (\[.*?\]), "type": "FeatureCollection"', html):
        features += json.loads(match.group(1))
    return [f["properties"] for f in features]


def test_units_layer_fills_each_status_with_its_colour_and_dashes_no_data():
    html = _html(units_layer(_units(["met", "missed", "no data"]), name="Đơn vị hành chính"))
    assert "Đơn vị hành chính" in html
    for status in ("met", "missed", "no data"):
        assert STATUS_COLOURS[status] in html
    assert f'"dashArray": "{NO_DATA_DASH}"' in html
    props = _properties(html)
    assert [p["s"] for p in props[:3]] == ["met", "missed", "no data"]


def test_units_tooltip_shows_value_target_gap_and_escapes_the_name():
    html = _html(units_layer(_units(["missed"], names=[XSS]), name="Xã"))
    tip = _properties(html)[0]["tip"]
    assert tip.startswith("<b>&lt;img src=x onerror=alert(1)&gt;</b>")
    assert "Giá trị: 80 %" in tip and "Chỉ tiêu: ≥ 100 %" in tip and "Còn thiếu: 20 %" in tip
    assert XSS not in html


def test_units_tooltip_in_english():
    tip = _properties(_html(units_layer(_units(["met"]), name="Units", lang="en")))[0]["tip"]
    assert "Value: 80 %" in tip and "Status: Met" in tip


def test_value_classes_split_at_quantiles():
    values = pd.Series([0.0, 25.0, 50.0, 75.0, 100.0, np.nan])
    edges = value_bins(values)
    np.testing.assert_allclose(edges, [0, 20, 40, 60, 80, 100])
    assert list(value_keys(values, edges)) == ["v0", "v1", "v2", "v3", "v4", "no data"]


def test_value_colouring_and_legend():
    gdf = _units(["met", "missed"]).assign(value=[10.0, 90.0])
    html = _html(units_layer(gdf, name="Xã", colour_by="value"))
    assert [p["s"] for p in _properties(html)] == ["v0", "v4"]
    labels = [e.label for e in units_legend(gdf, colour_by="value")]
    assert labels[0] == "10 – 26" and labels[-1] == "Không có dữ liệu"


def test_status_legend_lists_present_statuses_and_always_no_data():
    labels = [e.label for e in units_legend(_units(["met", "met"]), lang="en")]
    assert labels == ["Met", "No data"]


def test_no_data_units_are_hatched():
    html = _html(units_layer(_units(["no data", "met"]), name="Xã"))
    assert '"interactive": false' in html and "LineString" in html


def test_missing_villages_are_outlined_without_fill():
    html = _html(
        missing_villages_layer(_units(["missed"], names=["Bản Nà Luồng"]), name="Thôn làm xã chưa đạt")
    )
    assert "Thôn làm xã chưa đạt" in html and '"fill": false' in html and "Bản Nà Luồng" in html


def test_ftth_layer_yes_no_unknown():
    villages = _units(["met"] * 3).assign(ftth=pd.array([True, False, pd.NA], dtype="boolean"))
    props = _properties(_html(ftth_layer(villages, name="FTTH")))
    assert [p["s"] for p in props] == ["yes", "no", "unknown"]
    assert "FTTH: Có" in props[0]["tip"] and "FTTH: Không rõ" in props[2]["tip"]


def _sites() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "site_id": ["ST-1", XSS, None],
            "operators": ["Viettel;VNPT", "MobiFone", "Viettel"],
            "technologies": ["4G;5G", "2G;4G", "4G"],
        },
        geometry=[Point(103.01, 22.01), Point(103.02, 22.02), Point(103.03, 22.03)],
        crs=CRS,
    )


def test_sites_styled_by_sharing_and_5g_as_canvas_circles():
    html = _html(sites_layer(_sites(), name="Trạm BTS"))
    props = _properties(html)
    assert [p["s"] for p in props] == ["shared-5g", "single", "single"]
    assert "L.CircleMarker(latlng" in html and "awesome" not in html.lower()
    assert COVERAGE_5G["color"] in html
    assert props[0]["tip"].startswith("<b>ST-1</b>") and "Viettel, VNPT" in props[0]["tip"]
    assert props[1]["tip"].startswith("<b>&lt;img")
    assert props[2]["tip"].startswith("<b>Trạm BTS</b>")


def test_many_sites_are_grouped_per_cell():
    sites = _sites()
    props = _properties(_html(sites_layer(sites, name="BTS", max_markers=2, metric_crs=METRIC)))
    counts = sorted(int(re.search(r"Số trạm: (\d+)", p["tip"]).group(1)) for p in props)
    assert sum(counts) == 3 and len(props) < 3 + 1


def test_hex_cells_group_near_points_and_separate_far_ones():
    q, r = hex_cells(np.array([0.0, 10.0, 2000.0]), np.array([0.0, 10.0, 0.0]), 500.0)
    assert (q[0], r[0]) == (q[1], r[1])
    assert (q[0], r[0]) != (q[2], r[2])


def _tests(n: int, lon: float, speed: float) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"download_mbps": [speed] * n, "network": "mobile"}, geometry=[Point(lon, 22.0)] * n, crs=CRS
    )


def test_speed_cells_judged_against_the_target():
    tests = pd.concat([_tests(12, 103.0, 60.0), _tests(3, 103.1, 80.0), _tests(10, 103.2, 20.0)])
    cells = speed_cells(gpd.GeoDataFrame(tests, crs=CRS), target_mbps=50.0, metric_crs=METRIC)
    by_n = dict(zip(cells["n"], cells["status"], strict=True))
    assert by_n == {12: "met", 3: "insufficient samples", 10: "missed"}
    html = _html(speed_layer(cells, name="Đo tốc độ"))
    assert "Trung vị tải xuống: 60 Mbit/s" in html


def test_places_with_free_wifi_within_distance():
    wifi = gpd.GeoDataFrame(
        {"free": [True, False]}, geometry=[Point(103.0, 22.0), Point(103.01, 22.0)], crs=CRS
    )
    metres = 1 / 103_300  # ≈ degrees of longitude per metre at 22°N
    places = gpd.GeoDataFrame(
        {"kind": ["UBND", "chợ", "trường học"], "name": ["UBND xã", XSS, "Trường"]},
        geometry=[Point(103.0 + 30 * metres, 22.0), Point(103.0 + 100 * metres, 22.0), Point(103.01, 22.0)],
        crs=CRS,
    )
    near = places_with_free_wifi(places, wifi, distance_m=50, crs=METRIC)
    assert list(near) == [True, False, False]
    props = _properties(_html(places_layer(places, near, name="Địa điểm")))
    assert [p["s"] for p in props] == ["wifi", "no_wifi", "no_wifi"]
    assert props[1]["tip"].startswith("<b>&lt;img")


def test_wifi_layer_free_and_paid():
    wifi = gpd.GeoDataFrame(
        {"name": ["A", "B"], "free": [True, False]}, geometry=[Point(103, 22), Point(103.1, 22)], crs=CRS
    )
    html = _html(wifi_layer(wifi, name="Điểm Wi-Fi"))
    assert [p["s"] for p in _properties(html)] == ["free", "paid"] and LAYER_STYLES["wifi"]["color"] in html


def test_coverage_layer_lets_clicks_through_and_colours_operators():
    areas = gpd.GeoDataFrame(
        {"operator": ["Viettel", "VNPT"], "technology": "4G"},
        geometry=[Point(103, 22).buffer(0.01), Point(103.02, 22).buffer(0.01)],
        crs=CRS,
    )
    html = _html(coverage_layer(areas, tech="4G", name="Vùng phủ 4G"))
    assert '"interactive": false' in html and "Vùng phủ 4G" in html
    assert [p["s"] for p in _properties(html)] == ["Viettel", "VNPT"]


def test_zones_layer_escapes_names():
    zones = gpd.GeoDataFrame(
        {"name": [XSS], "technology": ["4G"], "status": ["reported"]},
        geometry=[box(103, 22, 103.01, 22.01)],
        crs=CRS,
    )
    props = _properties(_html(zones_layer(zones, name="Vùng lõm sóng")))
    assert props[0]["tip"].startswith("<b>&lt;img") and props[0]["s"] == "reported"


def test_legend_escapes_labels_and_draws_no_data_hatched():
    fmap = offline_map(bounds=(103.0, 22.0, 103.1, 22.1))
    legend("Chú giải", [swatch("hatched", "#BBBBBB", XSS)]).add_to(fmap)
    html = re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), fmap.get_root().render())
    assert "repeating-linear-gradient" in html and "&lt;img" in html and "map-legend" in html


def test_builders_reach_no_cdn_and_leaflet_comes_from_the_app():
    html = _html(
        units_layer(_units(["met", "no data"]), name="Xã"),
        sites_layer(_sites(), name="BTS"),
    )
    assert not re.findall(r"""(?:src|href)=["'](?:https?:)?//""", html)
    assert f"{STATIC_PREFIX}/leaflet/leaflet.js" in html and f"{STATIC_PREFIX}/leaflet/leaflet.css" in html


def test_strip_cdn_removes_plugin_assets():
    fmap = offline_map(bounds=(103.0, 22.0, 103.1, 22.1))
    folium.plugins.Fullscreen().add_to(fmap)
    assert cdn_urls(fmap)
    assert cdn_urls(strip_cdn(fmap)) == []


def test_simplified_units_still_share_their_border():
    wiggle = [(103.05, 22.0 + 0.001 * i) for i in range(101)]
    wiggle = [(x + (0.0002 if i % 2 else 0.0), y) for i, (x, y) in enumerate(wiggle)]
    left = Polygon([(103.0, 22.0), *wiggle, (103.0, 22.1)])
    right = Polygon([(103.1, 22.0), *wiggle, (103.1, 22.1)])
    units = gpd.GeoDataFrame({"uid": ["a", "b"]}, geometry=[left, right], crs=CRS)
    simple = simplify_units(units, tolerance_m=100)
    a, b = simple.geometry
    assert len(a.exterior.coords) < len(left.exterior.coords)
    assert a.intersection(b).area == pytest.approx(0.0, abs=1e-12)
    assert isinstance(a.intersection(b), LineString) or a.intersection(b).length > 0.09
    assert a.union(b).area == pytest.approx(left.union(right).area, rel=1e-3)
    assert units.geometry.iloc[0].equals(left)


def test_hatching_touching_boxes_gives_lines_only():
    html = _html(units_layer(_units(["no data", "no data"]), name="Xã"))
    assert "GeometryCollection" not in html and "MultiLineString" in html
