"""Suggested sites: known answers on three separated clusters of uncovered villages."""

from __future__ import annotations

import geopandas as gpd

from geo.scenarios.suggest import suggest_sites, suggestion_scenario
from geo.settings import DEFAULT_METRIC_CRS
from tests.builders import PLACES, RADIUS, dataset, points, square, units
from tests.builders import cluster_dataset as _dataset


def _names(answer) -> set[str]:
    return {v for text in answer.sites["villages"] for v in text.split("; ")}


def test_three_clusters_need_exactly_their_three_sites_and_greedy_equals_the_optimum():
    answer = suggest_sites(_dataset(PLACES), kinds=("public_places",), exact=True)
    assert len(answer.sites) == 3
    assert sorted(answer.sites.geometry.x.round(5)) == sorted(
        points([{"xy": xy} for xy in PLACES[:3]]).geometry.x.round(5)
    )
    assert answer.greedy == answer.exact == 3 and answer.gap == 0.0
    assert _names(answer) == {f"Bản {c}{k}" for c in "ABC" for k in (0, 1)}
    assert answer.sites["n_villages"].tolist() == [2, 2, 2]
    assert answer.uncoverable.empty


def test_two_sites_for_households_go_to_the_two_largest_clusters():
    answer = suggest_sites(
        _dataset(PLACES), goal="cover-households", max_sites=2, kinds=("public_places",), exact=True
    )
    assert _names(answer) == {"Bản B0", "Bản B1", "Bản C0", "Bản C1"}
    assert answer.sites["households"].tolist() == [300.0, 200.0]  # largest first
    assert answer.greedy == answer.exact == 500.0


def test_a_tower_to_share_beats_a_new_site_of_equal_coverage():
    tower = points([{"xy": (0, 0), "operators": "Viettel", "technologies": "2G", "site_id": "T-A"}])
    answer = suggest_sites(_dataset(PLACES, tower), kinds=("towers", "public_places"), exact=True)
    first = answer.sites[answer.sites.geometry.x.round(5) == tower.geometry.x.round(5).iat[0]]
    assert first["change"].tolist() == ["share"] and first["site_id"].tolist() == ["T-A"]
    assert first["operators"].tolist() == ["VNPT"]  # the first operator not already on the tower
    assert (
        "dùng chung trạm có sẵn" in first["why"].iat[0] and "share an existing tower" in first["why"].iat[0]
    )
    assert len(answer.sites) == 3


def test_a_village_whose_only_candidate_is_excluded_is_reported_uncoverable():
    zone = gpd.GeoDataFrame(geometry=[square(39_000, -1000, 41_000, 1000)], crs="EPSG:4326")
    answer = suggest_sites(_dataset(PLACES), kinds=("public_places",), exclude=zone, exact=True)
    assert sorted(answer.uncoverable["name"]) == ["Bản C0", "Bản C1"]
    assert len(answer.sites) == 2 and _names(answer) == {"Bản A0", "Bản A1", "Bản B0", "Bản B1"}


def test_the_grid_finds_sites_where_there_is_no_public_place():
    answer = suggest_sites(_dataset([(10_000, 0)]), kinds=("grid",), exact=True)
    assert answer.uncoverable.empty and len(answer.sites) == 3
    assert set(answer.sites["kind"]) == {"grid"} and answer.greedy == answer.exact


def test_the_answer_is_a_scenario_of_new_sites():
    answer = suggest_sites(_dataset(PLACES), kinds=("public_places",))
    scenario = suggestion_scenario(answer, name="de_xuat")
    assert scenario.changes["change"].tolist() == ["new_site"] * 3
    assert scenario.changes["technologies"].tolist() == ["4G"] * 3


def test_the_annex_sheet_lists_each_suggested_site_and_the_uncoverable_villages(tmp_path):
    from datetime import date

    from openpyxl import load_workbook

    from geo.export.annex_sites import write_sites_xlsx
    from geo.export.sites_table import SITES_HEADERS

    zone = gpd.GeoDataFrame(geometry=[square(39_000, -1000, 41_000, 1000)], crs="EPSG:4326")
    answer = suggest_sites(_dataset(PLACES), kinds=("public_places",), exclude=zone)
    out = write_sites_xlsx(
        answer.sites, answer.uncoverable, territory="Xã", out=tmp_path / "pl.xlsx", made_on=date(2026, 12, 1)
    )
    ws = load_workbook(out)["Vị trí trạm BTS đề xuất"]
    assert ws["A1"].value == "DANH MỤC VỊ TRÍ TRẠM BTS ĐỀ XUẤT – XÃ"
    assert [c.value for c in ws[3]] == SITES_HEADERS
    assert [ws.cell(r, 2).value for r in (4, 5)] == ["DX-001", "DX-002"]
    assert [ws.cell(r, 3).value for r in (4, 5)] == ["Đất công", "Đất công"]
    assert ws["A7"].value == "Thôn không vị trí ứng viên nào phủ được (2): Bản C0; Bản C1"


def test_min_spacing_keeps_new_sites_away_from_existing_ones():
    tower = points([{"xy": (20_000, 500), "operators": "Viettel", "technologies": "2G", "site_id": "T-B"}])
    answer = suggest_sites(_dataset(PLACES, tower), kinds=("public_places",), min_spacing_m=1000.0)
    assert sorted(answer.uncoverable["name"]) == ["Bản B0", "Bản B1"]  # its only place is 500 m from T-B
    both = suggest_sites(_dataset(PLACES, tower), kinds=("towers", "public_places"), min_spacing_m=1000.0)
    assert both.uncoverable.empty and "T-B" in both.sites["site_id"].tolist()  # sharing T-B still allowed


def _line_of_villages():
    """Three villages 2.4 km apart on a line; public places at two of them and between each pair."""
    villages = units(
        [
            {"uid": f"X/{k}", "parent_uid": "X", "name": f"Bản {k}", "households": 100,
             "box": (2400 * k - 100, -100, 2400 * k + 100, 100)}
            for k in range(3)
        ]
    )  # fmt: skip
    places = [(1200, 0), (3600, 0), (0, 0), (4800, 0)]  # 1200 and 3600 reach two villages each
    return dataset(
        RADIUS,
        communes=units([{"uid": "X", "name": "Xã", "box": (-5000, -5000, 10_000, 5000)}]),
        villages=villages,
        public_places=points([{"xy": xy, "kind": "ubnd"} for xy in places]),
    )


def _spacings(answer) -> list[float]:
    """Distances (m, the builders' metric CRS) between the suggested sites, pair by pair."""
    xy = list(answer.sites.to_crs(DEFAULT_METRIC_CRS).geometry)
    return [round(a.distance(b)) for k, a in enumerate(xy) for b in xy[k + 1 :]]


def test_min_spacing_keeps_chosen_suggestions_apart_in_greedy_and_exact():
    loose = suggest_sites(_line_of_villages(), kinds=("public_places",))
    assert _spacings(loose) == [2400]  # without a spacing the two best places are 2.4 km apart
    for exact in (False, True):
        answer = suggest_sites(_line_of_villages(), kinds=("public_places",), min_spacing_m=3000, exact=exact)
        assert len(answer.sites) == 2 and _spacings(answer) == [3600]
        assert _names(answer) == {"Bản 0", "Bản 1", "Bản 2"} and answer.left.empty


def test_a_spacing_no_pair_of_places_keeps_leaves_a_reachable_village_listed_not_dropped():
    for exact in (False, True):
        answer = suggest_sites(_line_of_villages(), kinds=("public_places",), min_spacing_m=5000, exact=exact)
        assert len(answer.sites) == 1 and answer.uncoverable.empty
        assert len(answer.left) == 1 and answer.left["name"].iat[0] not in _names(answer)
