"""The unit hierarchy: locating points, adding counts up, medians from raw values, missing-item lists."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geo.compute.hierarchy import (
    aggregate_counts,
    aggregate_items,
    aggregate_medians,
    build_hierarchy,
    point_xy,
)
from geo.plans.assessment import Assessment
from tests.builders import dataset, points, units

COMMUNES = [
    {"uid": "C1", "name": "Xã Một", "box": (0, 0, 4000, 2000)},
    {"uid": "C2", "name": "Xã Hai", "box": (4000, 0, 8000, 2000)},
]
VILLAGES = [
    {"uid": "C1/a", "parent_uid": "C1", "name": "Thôn A", "box": (0, 0, 2000, 2000)},
    {"uid": "C1/b", "parent_uid": "C1", "name": "Thôn B", "box": (2000, 0, 3000, 2000)},
    {"uid": "C2/c", "parent_uid": "C2", "name": "Thôn C", "box": (4000, 0, 8000, 2000)},
    {"uid": "X/d", "parent_uid": "nowhere", "name": "Thôn D", "box": (9000, 0, 10000, 2000)},
]


def hierarchy():
    return build_hierarchy(dataset(communes=units(COMMUNES), villages=units(VILLAGES)))


def node_of(h, uid: str) -> int:
    return int(h.nodes.index[h.nodes["uid"] == uid][0])


def test_points_go_to_the_deepest_unit_holding_them():
    h = hierarchy()
    lon, lat = point_xy(
        points([{"xy": xy} for xy in [(500, 500), (3500, 500), (9500, 500), (20000, 500)]]).geometry
    )
    located = h.nodes.loc[h.locate(lon, lat), "uid"].tolist()
    # (3500, 500) lies in Xã Một but in none of its villages; (20000, 500) lies nowhere
    assert located == ["C1/a", "C1", "X/d", "territory"]


def test_counts_add_up_parent_links_and_orphans_reach_only_the_territory():
    h = hierarchy()
    node = np.array([node_of(h, u) for u in ["C1/a", "C1/b", "C1", "C2/c", "X/d"]])
    numerator, denominator = aggregate_counts(node, np.array([1, 0, 1, 1, 1.0]), np.ones(5), h)
    total = dict(zip(h.nodes["uid"], zip(numerator, denominator, strict=True), strict=True))
    assert total["C1"] == (2.0, 3.0)  # two villages plus one item in the commune outside them
    assert total["C2"] == (1.0, 1.0)
    assert total["X/d"] == (1.0, 1.0)
    assert total["territory"] == (4.0, 5.0)
    assert h.nodes.loc[h.nodes["parent"][node_of(h, "X/d")], "uid"] == "territory"


def test_medians_are_recomputed_from_raw_values_at_every_level():
    h = hierarchy()
    node = np.array([node_of(h, u) for u in ["C1/a"] * 3 + ["C1/b"] * 2 + ["C2/c"]])
    median, count = aggregate_medians(node, np.array([10, 20, 30, 40, 50, np.nan]), h)
    by_uid = pd.DataFrame({"median": median, "count": count}, index=h.nodes["uid"])
    assert by_uid.loc["C1/a"].tolist() == [20, 3]
    assert by_uid.loc["C1/b"].tolist() == [45, 2]
    assert by_uid.loc["C1"].tolist() == [30, 5]  # the median of medians would be 32.5
    assert np.isnan(by_uid.loc["C2", "median"]) and by_uid.loc["C2", "count"] == 0


def test_missing_items_are_listed_largest_first_and_capped():
    h = hierarchy()
    node = np.array([node_of(h, u) for u in ["C1/a", "C1/b", "C1/b", "C2/c"]])
    at, lists = aggregate_items(
        node, np.array(["Thôn A", "Thôn B1", "Thôn B2", "Thôn C"]), np.array([5, 50, 20, 1]), h, limit=2
    )
    detail = dict(zip(h.nodes["uid"].to_numpy()[at], lists, strict=True))
    assert detail["C1"] == ("Thôn B1", "Thôn B2")
    assert detail["C1/a"] == ("Thôn A",)
    assert detail["territory"] == ("Thôn B1", "Thôn B2")
    assert "X/d" not in detail


_WIDTH, _HEIGHT = 4000, 3000
_coordinate = st.tuples(st.integers(-300, _WIDTH + 300), st.integers(-300, _HEIGHT + 300)).map(
    lambda xy: (xy[0] + 0.37, xy[1] + 0.37)  # never on a village edge (edges are whole metres)
)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    x_cuts=st.lists(st.integers(200, _WIDTH - 200), min_size=1, max_size=3, unique=True),
    y_cuts=st.lists(st.integers(200, _HEIGHT - 200), max_size=2, unique=True),
    site_xy=st.lists(_coordinate, min_size=1, max_size=12),
    operators=st.lists(
        st.sampled_from(["Viettel", "VNPT", "MobiFone", "Viettel;VNPT"]), min_size=12, max_size=12
    ),
    place_xy=st.lists(_coordinate, min_size=1, max_size=8),
    wifi_xy=st.lists(_coordinate, max_size=8),
    test_xy=st.lists(_coordinate, min_size=1, max_size=15),
)
def test_villages_add_up_to_the_commune_computed_directly(
    x_cuts, y_cuts, site_xy, operators, place_xy, wifi_xy, test_xy
):
    xs, ys = [0, *sorted(x_cuts), _WIDTH], [0, *sorted(y_cuts), _HEIGHT]
    villages = [
        {
            "uid": f"C/{i}{j}",
            "parent_uid": "C",
            "name": f"Thôn {i}{j}",
            "box": (xs[i], ys[j], xs[i + 1], ys[j + 1]),
        }
        for i in range(len(xs) - 1)
        for j in range(len(ys) - 1)
    ]
    # sites in pairs 10 m apart so that merging and sharing happen
    bts = points(
        [
            {"xy": xy, "operators": op, "technologies": "4G"}
            for xy, op in zip(site_xy, operators, strict=False)
        ]
        + [{"xy": (x + 10, y), "operators": "VNPT", "technologies": "2G"} for x, y in site_xy[::2]]
    )
    layers = {
        "bts_sites": bts,
        "public_places": points([{"xy": xy, "kind": "chợ"} for xy in place_xy]),
        "wifi_points": points(
            [{"xy": xy} for xy in wifi_xy] + [{"xy": (x + 30, y)} for x, y in place_xy[::3]]
        ),
        "speed_tests": points(
            [
                {"xy": xy, "download_mbps": float(k % 7 * 10 + k), "network": "mobile"}
                for k, xy in enumerate(test_xy)
            ]
        ),
    }
    commune = units([{"uid": "C", "name": "Xã", "box": (0, 0, _WIDTH, _HEIGHT)}])
    tiled = Assessment(dataset(communes=commune, villages=units(villages), **layers)).computed
    direct = Assessment(dataset(communes=commune, **layers)).computed
    columns = ["uid", "indicator", "value", "numerator", "denominator", "n_samples"]
    for uid in ("C", "territory"):
        for indicator in ("bts_site_sharing", "public_free_wifi", "mobile_speed"):
            a = tiled[(tiled["uid"] == uid) & (tiled["indicator"] == indicator)][columns]
            b = direct[(direct["uid"] == uid) & (direct["indicator"] == indicator)][columns]
            pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True))
