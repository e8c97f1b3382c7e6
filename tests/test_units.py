"""Unit layers: geometry repair, uids, parents by column or containment, overlap and duplicate checks."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
from shapely import LineString, Point, Polygon, box

from geo.io.units import assign_uids, clean_unit_geometries

X0, Y0, S = 105.5, 21.0, 0.01  # a corner in Hải Phòng's longitude band; S = 0.01° ≈ 1 km


def cell(x0: float, y0: float, x1: float, y1: float) -> Polygon:
    """A rectangle given in steps of S from (X0, Y0)."""
    return box(X0 + x0 * S, Y0 + y0 * S, X0 + x1 * S, Y0 + y1 * S)


def frame(rows: list[dict]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")


@pytest.fixture
def communes() -> gpd.GeoDataFrame:
    return frame(
        [
            {"code": 10882, "name": "Xã Hà Đông", "geometry": cell(0, 0, 10, 10)},
            {"code": "10885", "name": "Xã Hà Tây", "geometry": cell(10, 0, 20, 10)},
        ]
    )


def test_bow_tie_polygon_is_repaired_and_reported() -> None:
    bow_tie = Polygon([(X0, Y0), (X0 + S, Y0 + S), (X0 + S, Y0), (X0, Y0 + S)])
    flat = Polygon([(X0, Y0), (X0 + S, Y0), (X0 + 2 * S, Y0), (X0, Y0)])  # all on one line: no area
    gdf = frame(
        [
            {"name": "Thôn Dẹt", "geometry": flat},
            {"name": "Thôn Nơ", "geometry": bow_tie},
            {"name": "Thôn 2", "geometry": cell(2, 0, 3, 1)},
        ]
    )
    cleaned, problems = clean_unit_geometries(gdf, layer="villages", file="thon.kml")
    assert cleaned["name"].tolist() == ["Thôn Nơ", "Thôn 2"] and cleaned.is_valid.all()
    repaired = cleaned.geometry.iloc[0]
    assert repaired.geom_type == "MultiPolygon" and len(repaired.geoms) == 2
    assert repaired.area == pytest.approx(S * S / 2)  # two triangles of a quarter square each
    assert cleaned.geometry.iloc[1].equals(cell(2, 0, 3, 1))  # a valid polygon is left alone
    warning, error = problems
    assert warning.severity == "warning" and warning.feature == "feature 2 'Thôn Nơ'"
    assert "Self-intersection" in warning.message_en
    assert warning.where("vi") == "thon.kml, feature 2 'Thôn Nơ'"
    assert error.severity == "error" and error.feature == "feature 1 'Thôn Dẹt'"
    assert error.message_en == "Invalid boundary with no area left after repair; skipped"
    assert not gdf.is_valid.iloc[1]  # the caller's frame is untouched


def test_empty_missing_and_non_polygon_features_are_dropped_with_errors() -> None:
    gdf = frame(
        [
            {"name": "Thôn 1", "geometry": cell(0, 0, 1, 1)},
            {"name": "Thôn 2", "geometry": Polygon()},
            {"name": "Thôn 3", "geometry": None},
            {"name": "Thôn 4", "geometry": Point(X0, Y0)},
            {"name": "Thôn 5", "geometry": LineString([(X0, Y0), (X0 + S, Y0)])},
        ]
    )
    cleaned, problems = clean_unit_geometries(gdf, layer="villages", file="thon.shp")
    assert cleaned["name"].tolist() == ["Thôn 1"]
    assert [(p.severity, p.feature) for p in problems] == [
        ("error", "feature 2 'Thôn 2'"),
        ("error", "feature 3 'Thôn 3'"),
        ("error", "feature 4 'Thôn 4'"),
        ("error", "feature 5 'Thôn 5'"),
    ]
    assert "no geometry" in problems[0].message_en and "không có hình" in problems[0].message_vi
    assert "point or a line" in problems[2].message_en


def test_parent_by_containment_and_uids(communes: gpd.GeoDataFrame) -> None:
    villages = frame(
        [
            {"name": "Thôn 1", "geometry": cell(1, 1, 3, 3)},
            {"name": "Thôn 1", "geometry": cell(11, 1, 13, 3)},  # same name in the other commune
            {"name": "Bản Nà Luồng", "geometry": cell(14, 4, 16, 6)},
        ]
    )
    layers, problems = assign_uids({"communes": communes, "villages": villages, "bts_sites": "kept"})
    assert problems == []
    assert layers["communes"]["uid"].tolist() == ["10882", "10885"]  # the integer code became text
    assert layers["communes"]["parent_uid"].isna().all()
    out = layers["villages"]
    assert out["parent_uid"].tolist() == ["10882", "10885", "10885"]
    assert out["uid"].tolist() == ["10882/thôn1", "10885/thôn1", "10885/nàluồng"]
    assert out["name_key"].tolist() == ["thôn1", "thôn1", "nàluồng"]
    assert layers["bts_sites"] == "kept" and "uid" not in villages  # inputs untouched


def test_parent_column_by_name_or_code_wins_over_geometry(communes: gpd.GeoDataFrame) -> None:
    villages = frame(
        [
            # drawn in Hà Đông, but the table says Hà Tây: the planner's column decides
            {"name": "Thôn 1", "parent": "HÀ TÂY", "geometry": cell(1, 1, 3, 3)},
            {"name": "Thôn 2", "parent": 10882, "geometry": cell(11, 1, 13, 3)},
        ]
    )
    layers, problems = assign_uids({"communes": communes, "villages": villages})
    assert layers["villages"]["parent_uid"].tolist() == ["10885", "10882"]
    assert problems == []


def test_unknown_parent_is_reported_with_candidates_and_containment_used(communes: gpd.GeoDataFrame) -> None:
    villages = frame([{"name": "Thôn 1", "parent": "Hà Dông", "geometry": cell(1, 1, 3, 3)}])
    layers, problems = assign_uids(
        {"communes": communes, "villages": villages}, files={"villages": "thon.kml"}
    )
    assert layers["villages"]["parent_uid"].tolist() == ["10882"]
    [problem] = [p for p in problems if p.layer == "villages"]
    assert problem.severity == "warning" and problem.feature == "feature 1 'Thôn 1'"
    assert problem.file == "thon.kml"
    assert problem.message_en == (
        "Parent 'Hà Dông' not found among the commune units (No unit is named 'Hà Dông'); "
        "used the unit containing it (Xã Hà Đông (10882))"
    )
    assert problem.fix_en.startswith("Did you mean: Xã Hà Đông (10882)")


def test_village_outside_every_commune_is_an_error(communes: gpd.GeoDataFrame) -> None:
    villages = frame(
        [
            {"name": "Thôn 1", "geometry": cell(1, 1, 2, 2)},
            {"name": "Bản Xa", "geometry": cell(30, 30, 31, 31)},
        ]
    )
    layers, problems = assign_uids({"communes": communes, "villages": villages})
    assert layers["villages"]["parent_uid"].isna().tolist() == [False, True]
    assert layers["villages"]["uid"].tolist() == ["10882/thôn1", "xa"]
    [problem] = [p for p in problems if p.layer == "villages"]
    assert problem.severity == "error" and problem.feature == "feature 2 'Bản Xa'"
    assert problem.message_en == "The unit lies outside every commune of the dataset"


def test_village_mostly_outside_goes_to_the_largest_overlap_with_a_warning(
    communes: gpd.GeoDataFrame,
) -> None:
    # 2 of its 7 cells lie in Hà Tây (x 18–20), the rest outside: its representative point is outside
    villages = frame([{"name": "Thôn Ven", "geometry": cell(18, 2, 25, 3)}])
    layers, problems = assign_uids({"communes": communes, "villages": villages})
    assert layers["villages"]["parent_uid"].tolist() == ["10885"]
    [problem] = [p for p in problems if p.layer == "villages"]
    assert problem.severity == "warning" and problem.message_en == (
        "Only 29% of the area lies inside commune Xã Hà Tây (10885); assigned to it"
    )


def test_overlapping_villages_are_reported(communes: gpd.GeoDataFrame) -> None:
    villages = frame(
        [
            {"name": "Thôn A", "geometry": cell(0, 0, 4, 4)},
            {"name": "Thôn B", "geometry": cell(3, 0, 5, 2)},  # 1×2 of its 2×2 inside A: 50 %
            {"name": "Thôn C", "geometry": cell(4.99, 2, 8, 4)},  # 0.01×2 with A: 0.17 % of C, below 5 %
            {"name": "Thôn D", "geometry": cell(0, 4, 4, 8)},  # touches A only along a border
        ]
    )
    _, problems = assign_uids({"communes": communes, "villages": villages})
    overlaps = [p for p in problems if p.layer == "villages"]
    assert [p.feature for p in overlaps] == ["feature 1 'Thôn A' × feature 2 'Thôn B'"]
    assert overlaps[0].severity == "warning" and overlaps[0].message_en.startswith(
        "Two villages overlap by 50%"
    )


def test_village_inside_another_and_a_drawn_twice_village_are_reported(communes: gpd.GeoDataFrame) -> None:
    villages = frame(
        [
            {"name": "Thôn A", "geometry": cell(0, 0, 4, 4)},
            {"name": "Thôn B", "geometry": cell(1, 1, 2, 2)},  # wholly inside A: 100 % of B
            {"name": "Thôn C", "geometry": cell(5, 5, 7, 7)},
            {"name": "Thôn D", "geometry": cell(5, 5, 7, 7)},  # C drawn twice
            {"name": "Thôn E", "geometry": cell(4, 0, 6, 2)},  # touches A and C at a border or corner only
        ]
    )
    _, problems = assign_uids({"communes": communes, "villages": villages})
    overlaps = sorted(p.feature for p in problems if p.layer == "villages")
    assert overlaps == [
        "feature 1 'Thôn A' × feature 2 'Thôn B'",
        "feature 3 'Thôn C' × feature 4 'Thôn D'",
    ]
    assert all("overlap by 100%" in p.message_en for p in problems if p.layer == "villages")


def test_duplicate_codes_are_errors_naming_both_units() -> None:
    communes = frame(
        [
            {"code": "10882", "name": "Xã Hà Đông", "geometry": cell(0, 0, 10, 10)},
            {"code": "10882", "name": "Xã Hà Tây", "geometry": cell(10, 0, 20, 10)},
            {"code": "10891", "name": "Xã Hà Nam", "geometry": cell(20, 0, 30, 10)},
        ]
    )
    layers, problems = assign_uids({"communes": communes}, files={"communes": "xa.shp"})
    [problem] = problems
    assert problem.severity == "error" and problem.file == "xa.shp"
    assert problem.feature == "feature 1 'Xã Hà Đông'; feature 2 'Xã Hà Tây'"
    assert problem.message_vi == "Mã 10882 bị trùng ở 2 đơn vị"
    assert layers["communes"]["uid"].tolist() == ["hàđông", "hàtây", "10891"]


def test_same_name_twice_in_one_parent_is_an_error_and_uids_stay_unique(communes: gpd.GeoDataFrame) -> None:
    villages = frame(
        [
            {"name": "Thôn 3", "geometry": cell(1, 1, 2, 2)},
            {"name": "thôn 03", "geometry": cell(3, 3, 4, 4)},
            {"name": "Tổ 3", "geometry": cell(5, 5, 6, 6)},
        ]
    )
    layers, problems = assign_uids({"communes": communes, "villages": villages})
    assert layers["villages"]["uid"].tolist() == ["10882/thôn3", "10882/thôn3~2", "10882/tổ3"]
    [problem] = [p for p in problems if p.layer == "villages"]
    assert problem.severity == "error" and problem.feature == "feature 1 'Thôn 3'; feature 2 'thôn 03'"


def test_town_dataset_with_only_communes_and_villages_by_name() -> None:
    communes = frame([{"name": "Phường Mường Lay", "geometry": cell(0, 0, 10, 10)}])
    villages = frame([{"name": "Tổ dân phố 5", "geometry": cell(1, 1, 2, 2)}])
    layers, problems = assign_uids({"communes": communes, "villages": villages})
    assert problems == []
    assert layers["communes"]["uid"].tolist() == ["mườnglay"]
    assert layers["villages"]["uid"].tolist() == ["mườnglay/tổdânphố5"]
    assert pd.isna(layers["communes"]["parent_uid"].iloc[0])


def test_numeric_codes_get_their_leading_zeros_back() -> None:
    communes = frame([{"code": 3151, "name": "Phường Mường Lay", "geometry": cell(0, 0, 10, 10)}])
    layers, problems = assign_uids({"communes": communes})
    assert layers["communes"]["uid"].tolist() == ["03151"]
    assert layers["communes"]["code"].tolist() == ["03151"]
    [problem] = problems
    assert problem.severity == "warning"
    assert problem.message_en == "1 commune codes had lost their leading zeros; re-padded to 5 digits"
