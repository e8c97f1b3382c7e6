"""Names and reference layers on the page map (layers.labels, layers.reference, views.map_names):
label points inside their units, zoom thresholds that never let two labels overlap, escaped names,
faint non-interactive reference layers, all on the builders' HTML."""

from __future__ import annotations

import json
import re
from functools import cache

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry import Polygon, box

from geo.compute.labelpoints import label_points
from geo.io.dataset import read_dataset
from geo.plans.assessment import Assessment
from geo.plans.targets import load_plans
from layers.labels import MAX_ZOOM, LabelGroup, _mercator, _text_box, label_zooms, labels_layer, placed_zooms
from layers.offline import cdn_urls
from layers.reference import provinces_layer, reference_layer
from views.map_build import LAYER_KEYS, MapRequest, MapSources, build_map

PLAN = "muong-lay-2023"
TRICKY = "Bản <b>Nà & Lốc</b>"


def test_label_point_of_a_crescent_is_inside_it_unlike_its_centroid() -> None:
    crescent = box(0, 0, 3000, 3000).difference(box(300, 300, 3000, 2700))  # a C, metres
    gdf = gpd.GeoDataFrame({"name": ["C"]}, geometry=[crescent], crs="EPSG:3405")
    assert not crescent.contains(crescent.centroid)
    points = label_points(gdf, metric_crs="EPSG:3405")
    back = points.to_crs("EPSG:3405").geometry.iloc[0]
    assert crescent.contains(back)
    assert 300 <= points["diameter_m"].iloc[0] < 420  # the bars are 300 m wide; a corner is roomier


def _labels(names, lons, lats, diameters) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"name": names, "diameter_m": diameters}, geometry=gpd.points_from_xy(lons, lats), crs="EPSG:4326"
    )


def test_a_wider_unit_shows_its_name_sooner() -> None:
    labels = _labels(["Xã A", "Xã A", "Điểm"], [103.0, 103.1, 103.2], [22.0, 22.0, 22.0], [4000, 500, 0])
    zooms = label_zooms(labels, kind="upper")
    assert zooms[0] < zooms[1] < zooms[2] == MAX_ZOOM


def _boxes_overlap(rows: list[list], zoom: int) -> list[tuple[str, str]]:
    """Pairs of labels visible at ``zoom`` whose estimated pixel boxes overlap."""
    shown = [r for r in rows if r[4] <= zoom and (r[5] is None or zoom < r[5])]
    if not shown:
        return []
    x, y = _mercator(np.array([r[1] for r in shown]), np.array([r[0] for r in shown]))
    w, h = _text_box(np.array([r[2] for r in shown], dtype=object), np.array([r[3] for r in shown]))
    x, y = x * 2.0**zoom, y * 2.0**zoom
    bad = []
    for i in range(len(shown)):
        for j in range(i):
            if abs(x[i] - x[j]) < (w[i] + w[j]) / 2 and abs(y[i] - y[j]) < (h[i] + h[j]) / 2:
                bad.append((shown[i][2], shown[j][2]))
    return bad


def test_labels_never_overlap_at_any_zoom() -> None:
    rng = np.random.default_rng(7)
    lon, lat = 103.2 + rng.uniform(0, 0.05, 120), 22.0 + rng.uniform(0, 0.05, 120)
    rows = [[float(lat[i]), float(lon[i]), f"Bản số {i}", "lower", 0, None] for i in range(len(lon))]
    rows[0][3], rows[1][5] = "area", 14  # one always shown, one hiding from zoom 14
    placed = placed_zooms(rows)
    assert placed[0][4] == 0 and len(placed) == len(rows)  # the most important label shows at every zoom
    for zoom in range(MAX_ZOOM + 1):
        assert _boxes_overlap(placed, zoom) == [], zoom
    assert min(r[4] for r in placed[2:]) < MAX_ZOOM  # not all pushed to the last zoom


@cache
def _dataset():
    dataset = read_dataset()
    villages = dataset.layers["villages"].copy()
    villages.loc[villages.index[0], "name"] = TRICKY
    dataset.layers["villages"] = villages
    return dataset


def _map_html(**choices) -> tuple[str, object]:
    dataset, plan = _dataset(), load_plans()[PLAN]
    assessment = Assessment(dataset)
    sources = MapSources(
        evaluation=cache(lambda level: assessment.evaluate(plan, 2025, level=level)),
        geometries=assessment.geometries,
        coverage=lambda tech, per_operator: assessment.coverage(tech, per_operator=per_operator),
    )
    request = MapRequest(folder="demo", plan_id=PLAN, year=2025, **choices)
    fmap = build_map(request, dataset=dataset, plan=plan, sources=sources)
    return fmap.get_root().render(), fmap


def _label_rows(html: str) -> list[list]:
    match = re.search(r"return new Labels\(\);\s*\}\)\((\[\[.*?\]\]), ", html)
    assert match, "no label layer in the map"
    return json.loads(match.group(1))


def test_page_map_has_every_commune_village_and_place_name_escaped() -> None:
    html, fmap = _map_html(level="commune", indicator="village_ftth_coverage", layers=LAYER_KEYS)
    rows = _label_rows(html)
    names = {r[2] for r in rows}
    dataset = _dataset()
    assert set(dataset.layer("communes")["name"]) <= names
    assert "Chợ phiên Nậm Cản" in names
    assert "Bản &lt;b&gt;Nà &amp; Lốc&lt;/b&gt;" in names and TRICKY not in html
    assert "<b>Nà" not in html
    kinds = {r[2]: r[3] for r in rows}
    assert kinds["Xã Huổi Mí"] == "upper" and kinds["Chợ phiên Nậm Cản"] == "places"
    communes = [r for r in rows if r[3] == "upper"]
    villages = [r for r in rows if r[3] == "lower"]
    assert max(r[4] for r in communes) < np.median([r[4] for r in villages])  # communes first
    assert all(r[5] is not None for r in communes)  # ... and they give way to the villages
    for zoom in range(MAX_ZOOM + 1):
        assert _boxes_overlap(rows, zoom) == [], zoom
    for name in ("Tên đơn vị, địa danh", "Đường giao thông", "Sông, suối", "Địa danh", "Ranh giới tỉnh"):
        assert name in html
    assert cdn_urls(fmap) == []


def test_the_area_of_interest_is_labelled_at_every_zoom() -> None:
    communes = _dataset().layer("communes")
    huoi_mi = communes.loc[communes["name"] == "Xã Huổi Mí", "uid"].iloc[0]
    html, _ = _map_html(level="village", indicator="village_ftth_coverage", area=str(huoi_mi))
    rows = _label_rows(html)
    assert [rows[0][2], rows[0][3], rows[0][4]] == ["Xã Huổi Mí", "area", 0]


def test_reference_layers_are_faint_and_let_clicks_through() -> None:
    roads = gpd.GeoDataFrame(
        {"name": ["QL 12"], "kind": ["quốc lộ"]},
        geometry=[shapely.LineString([(103, 22), (103.1, 22.1)])],
        crs="EPSG:4326",
    )
    html = folium_html(reference_layer(roads, kind="roads", name="Đường"))
    assert '"interactive": false' in html and "#8C6D46" in html
    province = gpd.GeoDataFrame(geometry=[Polygon([(103, 22), (104, 22), (104, 23)])], crs="EPSG:4326")
    html = folium_html(provinces_layer(province, name="Tỉnh", max_zoom=11))
    assert "getZoom() >= maxZoom ? 0" in html and "11," in html


def folium_html(layer) -> str:
    import folium

    fmap = folium.Map(tiles=None)
    layer.add_to(fmap)
    return fmap.get_root().render()


def test_labels_layer_keeps_group_order_and_drops_empty_names() -> None:
    a = _labels(["Xã A", ""], [103.0, 103.01], [22.0, 22.0], [3000, 3000])
    layer = labels_layer([LabelGroup(a, "area"), LabelGroup(None, "lower")], name="Tên")
    assert [r[2] for r in layer.rows] == ["Xã A"]
