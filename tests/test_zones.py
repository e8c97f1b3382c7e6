"""Zone model and validation: canonical values, repaired shapes, flagged zones, status changes."""

from __future__ import annotations

import geopandas as gpd
import pytest
from shapely.geometry import LineString, Point, Polygon, box

from geo.errors import DataError
from geo.model import Dataset
from geo.zones.record import Zone, check_transition, frame_zones, validate_zones, zones_frame


def _dataset() -> Dataset:
    communes = gpd.GeoDataFrame(
        {"uid": ["01001"], "name": ["Xã Nậm"]}, geometry=[box(103.0, 22.0, 103.1, 22.1)], crs=4326
    )
    villages = gpd.GeoDataFrame(
        {"uid": ["01001/ban a", "01001/ban b"], "parent_uid": ["01001", "01001"], "name": ["Bản A", "Bản B"]},
        geometry=[box(103.0, 22.0, 103.05, 22.1), box(103.05, 22.0, 103.1, 22.1)],
        crs=4326,
    )
    return Dataset(name="Sông Nậm", folder="", layers={"communes": communes, "villages": villages})


def test_planners_words_become_canonical_values():
    gdf = gpd.GeoDataFrame(
        {
            "name": ["<b>Bản Nà</b> & co"],
            "technology": ["4g, cáp quang"],
            "operators": ["Vinaphone + viettel"],
            "severity": ["Nặng"],
            "households": ["35"],
            "status": ["Nhà mạng đã phản hồi"],
        },
        geometry=[box(103.01, 22.01, 103.02, 22.02)],
        crs=4326,
    )
    zones, problems = validate_zones(gdf, file="vung.geojson")
    row = zones.iloc[0]
    assert problems == []
    assert (
        row["name"],
        row["technology"],
        row["operators"],
        row["severity"],
        row["households"],
        row["status"],
    ) == (
        "<b>Bản Nà</b> & co",
        "4G;fixed",
        "Viettel;VNPT",
        "high",
        35,
        "operator_responded",
    )


def test_bad_values_and_shapes_are_errors_naming_the_feature():
    gdf = gpd.GeoDataFrame(
        {
            "name": ["ok", "", "sai", "đường", "UTM", "nơ", "nửa"],
            "households": [None, None, "3,5", None, None, None, None],
            "severity": [None, None, "rất tệ", None, None, None, None],
        },
        geometry=[
            box(103.01, 22.01, 103.02, 22.02),
            box(103.01, 22.03, 103.02, 22.04),
            box(103.01, 22.05, 103.02, 22.06),
            LineString([(103, 22), (103.01, 22.01)]),
            box(500000, 2440000, 501000, 2441000),
            Polygon([(103.03, 22.05), (103.04, 22.06), (103.04, 22.05), (103.03, 22.06)]),
            Polygon([(103.06, 22.05), (103.07, 22.05), (103.08, 22.05)]),
        ],
        crs=4326,
    )
    zones, problems = validate_zones(gdf, file="vung.geojson")
    errors = {p.feature: p.message_en for p in problems if p.severity == "error"}
    assert list(zones["name"]) == ["ok", "nơ"]
    assert errors["feature 2"] == "The zone has no name."
    assert "'households'" in errors["feature 3 'sai'"] or "'severity'" in errors["feature 3 'sai'"]
    assert sum(p.feature == "feature 3 'sai'" for p in problems) == 2
    assert "not a line" in errors["feature 4 'đường'"]
    assert "wrong CRS" in errors["feature 5 'UTM'"]
    assert "no area left" in errors["feature 7 'nửa'"]
    repaired = [p for p in problems if p.feature == "feature 6 'nơ'"]
    assert [p.severity for p in repaired] == ["warning"] and "Đa giác tự cắt" in repaired[0].message_vi
    assert zones.geometry.iloc[1].is_valid and zones.geometry.iloc[1].area == pytest.approx(0.01 * 0.01 / 2)


def test_tiny_outside_and_duplicate_zones_are_flagged_and_units_found():
    existing = zones_frame([Zone(name="cũ", geometry=box(103.01, 22.01, 103.03, 22.03), zone_id="x")])
    gdf = gpd.GeoDataFrame(
        {"name": ["trùng", "nhỏ", "ngoài", "điểm", "điểm lặp"]},
        geometry=[
            box(103.01, 22.01, 103.0301, 22.03),
            box(103.06, 22.06, 103.0601, 22.0601),
            box(104.0, 21.0, 104.01, 21.01),
            Point(103.07, 22.02),
            Point(103.0701, 22.02),
        ],
        crs=4326,
    )
    zones, problems = validate_zones(gdf, file="z.kml", dataset=_dataset(), existing=existing)
    flagged = {(p.feature, p.message_en.split(" (")[0].rstrip(".")) for p in problems}
    assert all(p.severity == "warning" for p in problems)
    assert flagged == {
        ("feature 1 'trùng'", "The zone duplicates an existing zone"),
        ("feature 2 'nhỏ'", "The zone is tiny"),
        ("feature 3 'ngoài'", "The zone lies outside Sông Nậm"),
        ("feature 5 'điểm lặp'", "The zone duplicates an existing zone"),
    }
    assert list(zones["village_uid"]) == ["01001/ban a", "01001/ban b", "", "01001/ban b", "01001/ban b"]
    assert list(zones["commune_uid"]) == ["01001", "01001", "", "01001", "01001"]


@pytest.mark.parametrize(
    ("old", "new", "ok"),
    [
        ("reported", "verified", True),
        ("reported", "resolved", True),
        ("verified", "reported", True),
        ("operator_responded", "reported", False),
        ("resolved", "verified", False),
        ("resolved", "reported", True),
    ],
)
def test_status_transitions(old, new, ok):
    if ok:
        check_transition(old, new)
    else:
        with pytest.raises(DataError) as refused:
            check_transition(old, new, zone="Bản A")
        assert f"from '{old}' to '{new}'" in refused.value.en and "Bản A" in str(refused.value)


def test_frame_and_zones_convert_both_ways():
    zone = Zone(name="A", geometry=box(103, 22, 103.01, 22.01), households=4, zone_id="id-1")
    assert frame_zones(zones_frame([zone])) == [zone]
    assert frame_zones(zones_frame([Zone(name="B", geometry=Point(103, 22))]))[0].households is None
