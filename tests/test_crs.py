"""Tests for geo.io.crs: the province zone table, CRS guesses, swapped axes and the pinned 6960 transform."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely
from pyproj import Geod, Transformer

from geo.errors import DataError
from geo.io.crs import (
    PROVINCES_MERGED_2025,
    TM3_EPSG_BY_MERIDIAN,
    TM3_MERIDIAN_BY_PROVINCE,
    check_crs_code,
    decide_crs,
    detect_point_crs,
    is_vn2000,
    tm3_crs_for_province,
    to_wgs84,
)

GEOD = Geod(ellps="WGS84")
# EPSG transformation 6960 written out by hand from the official 7 parameters (position vector form).
HELMERT_6960 = (
    "+step +proj=cart +ellps=WGS84 +step +proj=helmert +x=-191.90441429 +y=-39.30318279 +z=-111.45032835 "
    "+rx=0.00928836 +ry=-0.01975479 +rz=0.00427372 +s=0.252906278 +convention=position_vector "
    "+step +inv +proj=cart +ellps=WGS84"
)


def _tm3_pipeline(meridian: float) -> Transformer:
    """VN-2000 TM-3 (metres) → WGS 84 lon/lat, built independently of geo.io.crs."""
    return Transformer.from_pipeline(
        f"+proj=pipeline +step +inv +proj=tmerc +lat_0=0 +lon_0={meridian} +k=0.9999 +x_0=500000 +y_0=0 "
        f"+ellps=WGS84 {HELMERT_6960} +step +proj=unitconvert +xy_in=rad +xy_out=deg"
    )


def _metres_apart(lon1, lat1, lon2, lat2) -> np.ndarray:
    return np.asarray(GEOD.inv(lon1, lat1, lon2, lat2)[2])


# Hải Phòng (Ngô Quyền), VN-2000 TM-3 105°45′; and a Mekong-delta point (~105.8E 10.0N) in the same zone.
HAI_PHONG_EN = (596775.86, 2307625.55)
MEKONG_EN = (505481.42, 1105744.66)


@pytest.mark.parametrize("easting_northing", [HAI_PHONG_EN, MEKONG_EN])
def test_tm3_to_wgs84_agrees_with_6960_pipeline_within_a_centimetre(easting_northing):
    expected = _tm3_pipeline(105.75).transform(*easting_northing)
    lon, lat = to_wgs84(([easting_northing[0]], [easting_northing[1]]), "EPSG:9210")
    assert _metres_apart(lon[0], lat[0], *expected) < 0.01


def test_pin_matters_in_mekong_delta_where_pyproj_default_picks_5194():
    default = Transformer.from_crs("EPSG:9210", "EPSG:4326", always_xy=True).transform(*MEKONG_EN)
    lon, lat = to_wgs84(([MEKONG_EN[0]], [MEKONG_EN[1]]), "EPSG:9210")
    # 6960 and 5194 differ by about 0.8 m there; in Hải Phòng both routes agree.
    assert 0.5 < _metres_apart(lon[0], lat[0], *default) < 2.0
    hp_default = Transformer.from_crs("EPSG:9210", "EPSG:4326", always_xy=True).transform(*HAI_PHONG_EN)
    hp = to_wgs84(([HAI_PHONG_EN[0]], [HAI_PHONG_EN[1]]), "EPSG:9210")
    assert _metres_apart(hp[0][0], hp[1][0], *hp_default) < 0.01


def test_to_wgs84_geodataframe_keeps_input_and_returns_epsg4326():
    gdf = gpd.GeoDataFrame({"ten": ["UBND"]}, geometry=[shapely.Point(*HAI_PHONG_EN)], crs="EPSG:9210")
    out = to_wgs84(gdf)
    expected = _tm3_pipeline(105.75).transform(*HAI_PHONG_EN)
    assert out.crs.to_epsg() == 4326
    assert _metres_apart(out.geometry.x[0], out.geometry.y[0], *expected) < 0.01
    assert gdf.geometry.x[0] == HAI_PHONG_EN[0]  # input untouched
    assert out["ten"].tolist() == ["UBND"]


def test_to_wgs84_of_lon_lat_data_keeps_every_coordinate_and_drops_z():
    gdf = gpd.GeoDataFrame(
        {"ten": ["A", "B"]},
        geometry=[shapely.Point(105.123456789, 21.5, 300.0), shapely.box(105.1, 21.1, 105.2, 21.2)],
        crs="EPSG:4326",
    )
    out = to_wgs84(gdf)
    assert out.crs.to_epsg() == 4326 and not out.has_z.any()
    assert shapely.get_coordinates(out.geometry[0]).tolist() == [[105.123456789, 21.5]]
    assert out.geometry[1].equals_exact(gdf.geometry[1], tolerance=0)
    assert gdf.has_z[0]  # input untouched


def test_esri_prj_for_vn2000_is_recognised_and_pinned():
    prj = (
        'PROJCS["VN_2000_TM3_105_45",GEOGCS["GCS_VN_2000",DATUM["D_Vietnam_2000",SPHEROID["WGS_1984",'
        '6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],'
        'PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],'
        'PARAMETER["Central_Meridian",105.75],PARAMETER["Scale_Factor",0.9999],PARAMETER["Latitude_Of_Origin",0.0],'
        'UNIT["Meter",1.0]]'
    )
    assert is_vn2000(prj)
    assert not is_vn2000("EPSG:32648")
    lon, lat = to_wgs84(([MEKONG_EN[0]], [MEKONG_EN[1]]), prj)
    assert _metres_apart(lon[0], lat[0], *_tm3_pipeline(105.75).transform(*MEKONG_EN)) < 0.01


@pytest.mark.parametrize(("code", "replacement"), [("EPSG:6957", "EPSG:5897"), ("EPSG:6959", "EPSG:5899")])
def test_deprecated_swapped_codes_are_refused_with_the_code_to_use(code, replacement):
    with pytest.raises(DataError) as info:
        check_crs_code(code)
    assert replacement in str(info.value)
    assert f"use {replacement} instead of {code}" in info.value.en


def test_current_codes_pass_and_garbage_is_refused():
    check_crs_code("EPSG:5897")
    check_crs_code("EPSG:9210")
    with pytest.raises(DataError):
        check_crs_code("EPSG:999999")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Hải Phòng", "EPSG:9210"),
        ("TP. Hải Phòng", "EPSG:9210"),
        ("thanh pho hai phong", "EPSG:9210"),
        ("HẢI PHÒNG", "EPSG:9210"),
        ("Hòa Bình", "EPSG:9211"),
        ("Hoà Bình", "EPSG:9211"),  # old tone-mark placement
        ("Tỉnh Điện Biên", "EPSG:9205"),
        ("TP HCM", "EPSG:9210"),
        ("Thành phố Hồ Chí Minh", "EPSG:9210"),
        ("Huế", "EPSG:9214"),
        ("Đắc Lắc", "EPSG:9218"),
        ("Quảng Ninh", "EPSG:5899"),
        ("Hà Nam", "EPSG:5897"),
        ("Hưng Yên", "EPSG:9209"),
        ("Sơn La", "EPSG:9206"),
        ("Atlantis", None),
    ],
)
def test_tm3_crs_for_province_tolerates_spellings(name, expected):
    assert tm3_crs_for_province(name) == expected


def test_province_tables_are_complete():
    assert len(TM3_MERIDIAN_BY_PROVINCE) == 63
    assert set(TM3_MERIDIAN_BY_PROVINCE.values()) <= set(TM3_EPSG_BY_MERIDIAN)
    members = [p for group in PROVINCES_MERGED_2025.values() for p in group]
    assert len(PROVINCES_MERGED_2025) == 23 and len(members) == len(set(members)) == 52
    assert set(members) <= set(TM3_MERIDIAN_BY_PROVINCE)  # 52 merged + 11 unchanged = 63, 23 + 11 = 34


def test_lon_lat_values_are_guessed_as_wgs84():
    decision = detect_point_crs(np.array([105.85, 106.1]), np.array([21.03, 20.9]), hint=None, province=None)
    assert (decision.crs, decision.swapped, decision.problems) == ("EPSG:4326", False, [])


def test_swapped_lat_lon_is_detected_with_a_warning():
    decision = detect_point_crs(np.array([21.03, 20.9]), np.array([105.85, 106.1]), hint=None, province=None)
    assert decision.crs == "EPSG:4326" and decision.swapped
    assert [p.severity for p in decision.problems] == ["warning"]
    assert "longitude column holds latitudes" in decision.problems[0].message_en


def test_metres_with_province_pick_its_tm3_zone_and_say_so():
    decision = detect_point_crs(
        np.array([447_500.0]), np.array([2_436_000.0]), hint=None, province="Điện Biên"
    )
    assert decision.crs == "EPSG:9205" and not decision.swapped
    assert "103°00′" in decision.how and "Điện Biên" in decision.how
    assert "EPSG:3405" in decision.problems[0].fix_en  # says what to set if the file was UTM


def test_merged_province_warns_about_the_former_provinces_zone():
    decision = detect_point_crs(
        np.array([HAI_PHONG_EN[0]]), np.array([HAI_PHONG_EN[1]]), hint=None, province="Hải Phòng"
    )
    assert decision.crs == "EPSG:9210"
    assert "Hải Dương" in decision.problems[0].message_en and "EPSG:9209" in decision.problems[0].message_en


def test_metres_without_hint_or_province_is_an_error_naming_the_options():
    decision = detect_point_crs(
        np.array([HAI_PHONG_EN[0]]), np.array([HAI_PHONG_EN[1]]), hint=None, province=None
    )
    assert decision.crs is None
    (problem,) = decision.problems
    assert problem.severity == "error"
    assert "`crs:`" in problem.fix_en and "EPSG:9210" in problem.fix_en and "EPSG:3405" in problem.fix_en


def test_survey_x_northing_first_is_swapped_back_under_a_hint():
    decision = detect_point_crs(
        np.array([HAI_PHONG_EN[1], 2_300_000.0]),
        np.array([HAI_PHONG_EN[0], 590_000.0]),
        hint="EPSG:9210",
        province=None,
    )
    assert decision.crs == "EPSG:9210" and decision.swapped
    assert "X holds northings" in decision.problems[0].message_en


def test_geographic_hint_over_metres_falls_back_to_the_province_zone():
    decision = detect_point_crs(
        np.array([HAI_PHONG_EN[0]]), np.array([HAI_PHONG_EN[1]]), hint="EPSG:4326", province="Hải Phòng"
    )
    assert decision.crs == "EPSG:9210"
    assert "does not fit" in decision.problems[0].message_en


def test_deprecated_hint_raises():
    with pytest.raises(DataError, match="EPSG:5897"):
        detect_point_crs(np.array([500_000.0]), np.array([2_300_000.0]), hint="EPSG:6957", province=None)


def test_file_crs_is_respected_unless_values_cannot_fit_it():
    fits = decide_crs(
        np.array([106.68]), np.array([20.86]), file_crs="EPSG:4326", hint="EPSG:9210", province=None
    )
    assert fits.crs == "EPSG:4326" and fits.how.startswith("from file")
    # GeoJSON readers claim EPSG:4326 even for VN-2000 metres written without a crs member.
    metres = decide_crs(
        np.array([HAI_PHONG_EN[0]]),
        np.array([HAI_PHONG_EN[1]]),
        file_crs="EPSG:4326",
        hint=None,
        province="Hải Phòng",
    )
    assert metres.crs == "EPSG:9210"
    assert "values do not fit it" in metres.problems[0].message_en
    assert "the file has no CRS" in metres.problems[1].message_en
