"""A scenario's changes on the map: where each is drawn, how it looks unlike the existing sites, and which
existing site a click picks."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
from shapely.geometry import Point

from geo.palette import SCENARIO_STYLES
from geo.scenarios.model import scenario_from_table, scenario_points
from layers.offline import cdn_urls, offline_map
from layers.scenario import scenario_layer, scenario_legend
from tests.builders import dataset
from views.scenarios_map import site_at

SITES = gpd.GeoDataFrame(
    {"site_id": ["S1", "S2"], "operators": ["Viettel", "VNPT"], "technologies": ["4G", "2G"]},
    geometry=[Point(103.10, 22.00), Point(103.20, 22.05)],
    crs="EPSG:4326",
)
CHANGES = pd.DataFrame(
    {
        "change": ["new_site", "share", "upgrade", "ftth", "share"],
        "site_id": ["N1", "S2", "S1", None, "S9"],
        "operators": ["MobiFone", "MobiFone", None, None, "VNPT"],
        "technologies": ["4G", None, "4G", None, None],
        "village": [None, None, None, "Bản A", None],
        "why": ["phủ 2 thôn <b>mới</b> / covers 2 villages", None, None, None, None],
        "lon": [103.15, None, None, None, None],
        "lat": [22.02, None, None, None, None],
    }
)


def _points() -> gpd.GeoDataFrame:
    return scenario_points(dataset(bts_sites=SITES), scenario_from_table(CHANGES, name="x", file="x.xlsx"))


def test_shares_and_upgrades_sit_on_their_site_and_ftth_or_unknown_sites_are_not_drawn():
    points = _points()
    assert points["change"].tolist() == ["new_site", "share", "upgrade"]
    assert [(p.x, p.y) for p in points.geometry] == [(103.15, 22.02), (103.20, 22.05), (103.10, 22.00)]


def test_the_layer_draws_each_kind_in_its_own_colour_with_an_escaped_tooltip():
    fmap = offline_map(bounds=(103.0, 21.9, 103.3, 22.1))
    group = scenario_layer(_points(), lang="vi", name="Thay đổi của kịch bản").add_to(fmap)
    features = next(iter(group._children.values())).data["features"]
    assert [f["properties"]["s"] for f in features] == ["new_site", "share", "upgrade"]
    html = fmap.get_root().render()
    for kind in ("new_site", "share", "upgrade"):
        assert SCENARIO_STYLES[kind]["color"] in html
    first, second = features[0]["properties"]["tip"], features[1]["properties"]["tip"]
    assert first.startswith("<b>N1</b>") and "phủ 2 thôn &lt;b&gt;mới&lt;/b&gt;" in first
    assert "covers" not in first  # the Vietnamese half of the reason only
    assert "Thêm nhà mạng vào trạm có sẵn" in second and "MobiFone" in second
    assert cdn_urls(fmap) == []
    labels = [e.label for e in scenario_legend(lang="en")]
    assert labels == [
        "Planned new site",
        "Operator added to an existing site",
        "Upgrade of an existing site",
        "New free public Wi-Fi point",
    ]


def test_a_click_picks_the_existing_site_within_tens_of_metres_else_none():
    assert site_at(SITES, 103.2015, 22.051) == "S2"  # about 200 m away
    assert site_at(SITES, 103.203, 22.05) is None  # about 330 m
    assert site_at(SITES, 103.15, 22.02) is None
    assert site_at(None, 103.2, 22.05) is None
