"""Tests for geo.io.sources (with geo.io.tables and geo.io.kml): every format planners send, read right."""

from __future__ import annotations

import unicodedata
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import openpyxl
import pyogrio
import pytest
import shapely
from pyproj import Geod, Transformer

import geo.io.sources
import geo.io.vector
from geo.errors import DataError
from geo.io.sources import read_layer, read_table

GEOD = Geod(ellps="WGS84")
SHARED = Path(__file__).resolve().parents[2] / "shared"

# WGS 84 → VN-2000 TM-3 105°45′ (Hải Phòng's zone) with the official 7 parameters, built independently.
_TO_TM3_10545 = Transformer.from_pipeline(
    "+proj=pipeline +step +proj=unitconvert +xy_in=deg +xy_out=rad +step +proj=cart +ellps=WGS84 "
    "+step +inv +proj=helmert +x=-191.90441429 +y=-39.30318279 +z=-111.45032835 +rx=0.00928836 "
    "+ry=-0.01975479 +rz=0.00427372 +s=0.252906278 +convention=position_vector "
    "+step +inv +proj=cart +ellps=WGS84 "
    "+step +proj=tmerc +lat_0=0 +lon_0=105.75 +k=0.9999 +x_0=500000 +y_0=0 +ellps=WGS84"
)
# Two places in Hải Phòng (lon, lat, WGS 84).
HP_POINTS = [(106.6881, 20.8449), (106.7230, 20.8610)]


def _metres(lon1, lat1, lon2, lat2) -> np.ndarray:
    return np.asarray(GEOD.inv(lon1, lat1, lon2, lat2)[2])


def _write_dbf_cp1258(folder: Path, names: list[str], *, cpg: str | None, encode) -> Path:
    """Write xa.shp whose .dbf holds Windows-1258 bytes (written 1:1 through Latin-1)."""
    gdf = gpd.GeoDataFrame(
        {"TEN_XA": [encode(n).decode("latin-1") for n in names]},
        geometry=[shapely.Point(103.2 + i / 100, 22.1) for i in range(len(names))],
        crs="EPSG:4326",
    )
    shp = folder / "xa.shp"
    pyogrio.write_dataframe(gdf, shp, encoding="ISO-8859-1")
    (folder / "xa.cpg").unlink(missing_ok=True)
    if cpg is not None:
        (folder / "xa.cpg").write_text(cpg)
    assert (
        b"Ho\xcca" in (folder / "xa.dbf").read_bytes()
    )  # the fixture really is cp1258 with a combining grave
    return shp


def test_csv_with_lat_lon_swapped_is_fixed_with_a_warning(tmp_path):
    path = tmp_path / "wifi.csv"
    path.write_text("ten,lon,lat\nUBND xã,21.0285,105.8542\nChợ,21.0300,105.8500\n", encoding="utf-8")
    read = read_layer(path, layer="wifi_points", columns={"name": "ten"})
    assert read.gdf.geometry.x.round(4).tolist() == [105.8542, 105.85]
    assert read.gdf.geometry.y.round(4).tolist() == [21.0285, 21.03]
    assert read.gdf["name"].tolist() == ["UBND xã", "Chợ"]
    (warning,) = [p for p in read.problems if p.severity == "warning"]
    assert "swapped" in warning.message_en and warning.file == "wifi.csv" and warning.layer == "wifi_points"
    assert read.gdf["source_row"].tolist() == [2, 3]


def test_vn2000_tm3_without_prj_uses_the_provinces_zone(tmp_path):
    e, n = _TO_TM3_10545.transform(*np.array(HP_POINTS).T)
    path = tmp_path / "bts.csv"
    path.write_text(
        "ma_tram;x;y\n"
        + "".join(f"HP{i};{a:.3f};{b:.3f}\n" for i, (a, b) in enumerate(zip(e, n, strict=True)))
    )
    read = read_layer(path, layer="bts_sites", province="Hải Phòng")
    assert read.source.crs == "EPSG:9210" and "105°45′" in read.source.crs_how
    lon, lat = np.array(HP_POINTS).T
    assert (_metres(read.gdf.geometry.x, read.gdf.geometry.y, lon, lat) < 1.0).all()


def test_survey_table_with_x_northing_first_is_swapped_back(tmp_path):
    e, n = _TO_TM3_10545.transform(*np.array(HP_POINTS).T)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Số hiệu", "Tọa độ X", "Tọa độ Y"])
    for i, (a, b) in enumerate(zip(e, n, strict=True)):
        sheet.append([f"M{i}", round(float(b), 3), round(float(a), 3)])  # X = northing, Y = easting
    book.save(tmp_path / "moc.xlsx")
    read = read_layer(tmp_path / "moc.xlsx", layer="settlements", crs="EPSG:9210")
    lon, lat = np.array(HP_POINTS).T
    assert (_metres(read.gdf.geometry.x, read.gdf.geometry.y, lon, lat) < 1.0).all()
    assert any("X holds northings" in p.message_en for p in read.problems)


def test_windows_1258_csv_gives_nfc_names(tmp_path, cp1258):
    path = tmp_path / "thon.csv"
    path.write_bytes(cp1258("Tên thôn,Kinh độ,Vĩ độ\nBản Nậm Cản,103.21,22.13\nThôn Hòa Bình,103.25,22.10\n"))
    read = read_layer(path, layer="villages", columns={"name": "Tên thôn"})
    assert read.gdf["name"].tolist() == ["Bản Nậm Cản", "Thôn Hòa Bình"]
    assert all(unicodedata.is_normalized("NFC", v) for v in read.gdf["name"])
    assert any("Windows-1258" in p.message_en for p in read.problems)


def test_utf8_bom_csv_with_decimal_comma_and_semicolons(tmp_path):
    path = tmp_path / "do_toc_do.csv"
    path.write_bytes("\ufeffMạng;Kinh_do;Vi_do\ndi động;105,7123;21,0345\n".encode())
    read = read_layer(path, layer="speed_tests", columns={"network": "Mạng"})
    assert read.gdf.geometry.x.tolist() == [105.7123] and read.gdf.geometry.y.tolist() == [21.0345]
    assert read.gdf["network"].tolist() == ["di động"]


@pytest.mark.parametrize("cpg", [None, "1258"])
def test_windows_1258_dbf_with_or_without_cpg(tmp_path, cpg, cp1258):
    shp = _write_dbf_cp1258(tmp_path, ["Bản Nậm Cản", "Thôn Hòa Bình"], cpg=cpg, encode=cp1258)
    read = read_layer(shp, layer="villages", columns={"name": "TEN_XA"})
    assert read.gdf["name"].tolist() == ["Bản Nậm Cản", "Thôn Hòa Bình"]
    assert read.gdf["source_row"].tolist() == [1, 2]


def test_xlsx_header_on_row_3_under_a_title(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "2024"
    sheet["A1"] = "DANH SÁCH TRẠM BTS HUYỆN MƯỜNG LAY"
    sheet.append([])
    sheet.append(["STT", "Kinh_do", "Vi_do", "Nha_mang", "Cong_nghe"])
    sheet.append([1, 103.15, 22.05, "Viettel", "4G"])
    sheet.append([2, "103,16", "22,06", "VNPT;MobiFone", "4G;5G"])
    book.save(tmp_path / "tram_bts.xlsx")
    read = read_layer(
        tmp_path / "tram_bts.xlsx",
        layer="bts_sites",
        sheet="2024",
        x="Kinh_do",
        y="Vi_do",
        columns={"operators": "Nha_mang", "technologies": "Cong_nghe"},
    )
    assert read.gdf["source_row"].tolist() == [4, 5]
    assert read.gdf["operators"].tolist() == ["Viettel", "VNPT;MobiFone"]
    assert read.gdf.geometry.x.tolist() == [103.15, 103.16]
    assert "STT" in read.gdf.columns and "Nha_mang" not in read.gdf.columns


def test_read_table_finds_header_by_expected_names_and_keeps_codes_as_text(tmp_path):
    path = tmp_path / "chi_tieu.csv"
    path.write_text("Biểu 01,,\nĐơn vị: %,,\nMa,Don_vi,Nam\n00004,Phường Ba Đình,2024\n", encoding="utf-8")
    df, problems = read_table(path, expect=["Ma", "Nam"])
    assert df.columns.tolist() == ["Ma", "Don_vi", "Nam", "source_row"]
    assert df.iloc[0].tolist() == ["00004", "Phường Ba Đình", "2024", 4]
    assert problems == []


KML = """<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document><name>Thôn bản</name>
<Folder><name>Xã Lay Nưa</name>
  <Placemark><name>Bản Nậm Cản</name><ExtendedData><Data name="So_ho"><value>120</value></Data></ExtendedData>
    <Point><coordinates>103.15,22.05,0</coordinates></Point></Placemark>
  <Folder><name>Khu mới</name>
    <Placemark><name>Bản Hô Nậm</name><ExtendedData><Data name="So_ho"><value>80</value></Data></ExtendedData>
      <Polygon><outerBoundaryIs><LinearRing><coordinates>103.1,22,0 103.2,22,0 103.2,22.1,0 103.1,22,0
      </coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark>
  </Folder>
</Folder></Document></kml>"""


def test_kmz_with_nested_folders_and_extended_data(tmp_path):
    path = tmp_path / "thon.kmz"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("doc.kml", KML)
    read = read_layer(path, layer="villages", columns={"name": "Name", "households": "So_ho"})
    gdf = read.gdf
    assert gdf["name"].tolist() == ["Bản Nậm Cản", "Bản Hô Nậm"]
    assert gdf["folder"].tolist() == ["Xã Lay Nưa", "Khu mới"]
    assert gdf["households"].tolist() == ["120", "80"]
    assert gdf.geom_type.tolist() == ["Point", "Polygon"] and not gdf.has_z.any()
    assert gdf["source_row"].tolist() == [1, 2]


def _two_layer_gpkg(path: Path) -> None:
    xa = gpd.GeoDataFrame(
        {"TEN": ["Xã A"]}, geometry=[shapely.box(105.0, 21.0, 105.1, 21.1)], crs="EPSG:4326"
    )
    thon = gpd.GeoDataFrame(
        {"TEN": ["Thôn 1", "Thôn 2"]},
        geometry=[shapely.Point(105.01, 21.01), shapely.Point(105.02, 21.02)],
        crs=4326,
    )
    pyogrio.write_dataframe(xa, path, layer="xa")
    pyogrio.write_dataframe(thon, path, layer="thon", append=True)


def test_gpkg_with_two_layers_chosen_by_name(tmp_path):
    path = tmp_path / "ban_do.gpkg"
    _two_layer_gpkg(path)
    read = read_layer(path, layer="villages", gpkg_layer="thon", columns={"name": "TEN"})
    assert read.gdf["name"].tolist() == ["Thôn 1", "Thôn 2"]
    with pytest.raises(DataError) as info:
        read_layer(path, layer="villages")
    assert "xa" in info.value.en and "thon" in info.value.en
    assert "layer:" in info.value.problems[0].fix_en


def test_zipped_shapefile_with_vn2000_prj_is_transformed_with_6960(tmp_path):
    e, n = _TO_TM3_10545.transform(*np.array(HP_POINTS).T)
    gdf = gpd.GeoDataFrame({"MA_XA": ["11311", "11312"]}, geometry=gpd.points_from_xy(e, n), crs="EPSG:9210")
    folder = tmp_path / "src"
    folder.mkdir()
    pyogrio.write_dataframe(gdf, folder / "xa.shp")
    path = tmp_path / "xa.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for part in folder.iterdir():
            archive.write(part, f"Hai Phong/{part.name}")
    read = read_layer(path, layer="communes", columns={"code": "MA_XA"})
    assert read.gdf["code"].tolist() == ["11311", "11312"]
    assert read.gdf.crs.to_epsg() == 4326
    lon, lat = np.array(HP_POINTS).T
    assert (_metres(read.gdf.geometry.x, read.gdf.geometry.y, lon, lat) < 0.01).all()
    assert read.source.crs_how.startswith("from file")


def test_zipped_shapefile_without_prj_uses_manifest_crs(tmp_path):
    e, n = _TO_TM3_10545.transform(*np.array(HP_POINTS).T)
    gdf = gpd.GeoDataFrame({"MA_XA": ["11311", "11312"]}, geometry=gpd.points_from_xy(e, n), crs="EPSG:9210")
    pyogrio.write_dataframe(gdf, tmp_path / "xa.shp")  # the .prj is left out of the zip below
    path = tmp_path / "xa.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for suffix in (".shp", ".shx", ".dbf"):
            archive.write(tmp_path / f"xa{suffix}", f"xa{suffix}")
    read = read_layer(path, layer="communes", crs="EPSG:9210")
    assert read.source.crs == "EPSG:9210" and read.source.crs_how == "manifest crs: EPSG:9210"
    lon, lat = np.array(HP_POINTS).T
    assert (_metres(read.gdf.geometry.x, read.gdf.geometry.y, lon, lat) < 0.01).all()


def test_rows_outside_vietnam_and_without_coordinates_are_reported_by_row(tmp_path):
    path = tmp_path / "wifi.csv"
    path.write_text("ten,lon,lat\nA,105.85,21.03\nParis,2.35,48.85\nB,,21.0\nC,abc,21.0\n", encoding="utf-8")
    read = read_layer(path, layer="wifi_points")
    assert read.gdf["ten"].tolist() == ["A"]
    assert read.source.rows_read == 4 and read.source.rows_kept == 1
    errors = {p.row: p for p in read.problems if p.severity == "error"}
    assert sorted(errors) == [3, 4, 5]
    assert "outside Vietnam" in errors[3].message_en and "2.35000" in errors[3].message_en
    assert "48.85000" in errors[3].message_en and errors[3].fix_en
    assert errors[3].where("vi") == "wifi.csv, dòng 3"
    assert "lon=abc" in errors[5].message_en


def test_map_features_outside_vietnam_are_reported_at_their_representative_point(tmp_path):
    l_shape = shapely.Polygon([(2.0, 48.0), (3.0, 48.0), (3.0, 48.2), (2.2, 48.2), (2.2, 49.0), (2.0, 49.0)])
    gdf = gpd.GeoDataFrame(
        {"TEN": ["Thôn A", "Paris", "Sông"]},
        geometry=[shapely.box(105.0, 21.0, 105.1, 21.1), l_shape, shapely.Point(100.0, 0.0)],
        crs="EPSG:4326",
    )
    gdf.to_file(tmp_path / "thon.geojson")
    read = read_layer(tmp_path / "thon.geojson", layer="villages", columns={"name": "TEN"})
    assert read.gdf["name"].tolist() == ["Thôn A"] and read.source.rows_kept == 1
    errors = [p for p in read.problems if p.severity == "error"]
    assert [p.feature for p in errors] == ["feature 2", "feature 3"]
    inside = shapely.point_on_surface(l_shape)  # a point of the L itself, not its bounding box's centre
    assert f"longitude {inside.x:.5f}, latitude {inside.y:.5f}" in errors[0].message_en
    assert "longitude 100.00000, latitude 0.00000" in errors[1].message_en


def test_projected_metres_without_crs_or_province_raise_with_the_fix(tmp_path):
    path = tmp_path / "bts.csv"
    path.write_text("x,y\n596775.86,2307625.55\n", encoding="utf-8")
    with pytest.raises(DataError) as info:
        read_layer(path, layer="bts_sites")
    (problem,) = info.value.problems
    assert problem.severity == "error" and problem.file == "bts.csv" and "`crs:`" in problem.fix_en


def test_geojson_in_metres_without_crs_member_is_read_in_the_provinces_zone(tmp_path):
    e, n = _TO_TM3_10545.transform(*HP_POINTS[0])
    path = tmp_path / "diem.geojson"
    path.write_text(
        '{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"Loai":"chợ"},'
        f'"geometry":{{"type":"Point","coordinates":[{e:.3f},{n:.3f}]}}}}]}}',
        encoding="utf-8",
    )
    read = read_layer(path, layer="public_places", province="TP. Hải Phòng", columns={"kind": "Loai"})
    assert read.source.crs == "EPSG:9210"
    assert _metres(read.gdf.geometry.x[0], read.gdf.geometry.y[0], *HP_POINTS[0]) < 1.0
    assert read.gdf["kind"].tolist() == ["chợ"]


def test_zip_slip_is_refused(tmp_path):
    path = tmp_path / "evil.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("../../evil.shp", b"x")
    with pytest.raises(DataError, match=r"evil\.shp") as info:
        read_layer(path, layer="communes")
    assert "escaping its folder" in info.value.problems[0].message_en
    assert not (tmp_path.parent / "evil.shp").exists()


def test_zip_over_the_size_limit_is_refused(tmp_path, monkeypatch):
    path = tmp_path / "big.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xa.dbf", b"\0" * 10_000)
    monkeypatch.setattr(geo.io.vector, "MAX_ZIP_UNCOMPRESSED_BYTES", 5_000)
    with pytest.raises(DataError) as info:
        read_layer(path, layer="communes")
    assert "limit" in info.value.en


def test_deprecated_epsg_6957_is_refused_with_a_message(tmp_path):
    path = tmp_path / "bts.csv"
    path.write_text("x,y\n596775.86,2307625.55\n", encoding="utf-8")
    with pytest.raises(DataError) as info:
        read_layer(path, layer="bts_sites", crs="EPSG:6957")
    assert "EPSG:5897" in str(info.value) and "deprecated" in info.value.en
    (problem,) = info.value.problems  # listed by `geo check` like any other problem
    assert problem.file == "bts.csv" and problem.severity == "error" and "EPSG:5897" in problem.message_en


def test_missing_mapped_column_is_reported_with_the_columns_found(tmp_path):
    path = tmp_path / "wifi.csv"
    path.write_text("ten,lon,lat\nA,105.85,21.03\n", encoding="utf-8")
    read = read_layer(path, layer="wifi_points", columns={"provider": "Nha_cung_cap"})
    (problem,) = [p for p in read.problems if p.severity == "error"]
    assert "Nha_cung_cap" in problem.message_en and "ten" in problem.message_en
    assert len(read.gdf) == 1


@pytest.mark.realdata
@pytest.mark.skipif(not (SHARED / "realdata").is_dir(), reason="shared/realdata is absent")
def test_real_hai_phong_communes_keep_codes_and_crs():
    read = read_layer(
        SHARED / "realdata" / "hai_phong_communes_2025.geojson", layer="communes", columns={"code": "code"}
    )
    assert len(read.gdf) == 114 and read.problems == []
    ha_dong = read.gdf.loc[read.gdf["name"] == "Hà Đông"]
    assert ha_dong["code"].tolist() == ["10882"]
    assert read.source.crs == "EPSG:4326"


@pytest.mark.parametrize("name", ["xa.geojson", "tram.xlsx"])
def test_broken_file_is_a_data_error_naming_the_file(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(b"this is not a map")
    with pytest.raises(DataError) as info:
        read_layer(path, layer="communes")
    assert info.value.problems[0].file == name and info.value.problems[0].severity == "error"
