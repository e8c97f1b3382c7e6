"""Zones in and out of files, and the ``zones`` command line: nothing lost, names kept exactly."""

from __future__ import annotations

import json
import zipfile

import openpyxl
import pytest
import shapely
from shapely.geometry import box

from geo.cli.zones import zones_main
from geo.errors import DataError
from geo.zones import open_store
from geo.zones.files import export_zones, import_zones, read_zones
from geo.zones.record import Zone

HTML_NAME = '<a href="javascript:alert(1)">Bản Nà</a> & "Khe"'
FORMULA_NOTE = '=HYPERLINK("http://x","bấm")'


def _feature(properties: dict, ring: list) -> dict:
    return {
        "type": "Feature",
        "properties": properties,
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }


def _geojson(path, features: list) -> None:
    path.write_text(
        json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False), encoding="utf-8"
    )


SQUARE = [[103.2, 22.05], [103.21, 22.05], [103.21, 22.06], [103.2, 22.06], [103.2, 22.05]]


def test_geojson_with_vietnamese_column_names(tmp_path):
    path = tmp_path / "vung.geojson"
    _geojson(
        path,
        [
            _feature(
                {
                    "Tên": HTML_NAME,
                    "Ghi chú": FORMULA_NOTE,
                    "Nhà mạng": "Mobi",
                    "Số hộ": 40,
                    "Mức độ": "nhẹ",
                    "Công nghệ": "4G/5G",
                },
                SQUARE,
            )
        ],
    )
    zones, problems = read_zones(path)
    row = zones.iloc[0]
    assert problems == []
    assert (
        row["name"],
        row["note"],
        row["operators"],
        row["households"],
        row["severity"],
        row["technology"],
    ) == (
        HTML_NAME,
        FORMULA_NOTE,
        "MobiFone",
        40,
        "low",
        "4G;5G",
    )


def test_kml_and_kmz_placemarks_become_zones(tmp_path):
    kml = (
        '<?xml version="1.0" encoding="UTF-8"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document><Folder>'
        "<name>Lõm sóng</name><Placemark><name>&lt;b&gt;Bản Pá&lt;/b&gt;</name>"
        "<description>Ghi chú</description>"
        "<Polygon><outerBoundaryIs><LinearRing><coordinates>103.2,22.05 103.21,22.05 103.21,22.06 103.2,22.05"
        "</coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark>"
        "<Placemark><name>Điểm</name><Point><coordinates>103.3,22.1</coordinates></Point></Placemark>"
        "</Folder></Document></kml>"
    )
    (tmp_path / "vung.kml").write_text(kml, encoding="utf-8")
    with zipfile.ZipFile(tmp_path / "vung.kmz", "w") as archive:
        archive.writestr("doc.kml", kml)
    for name in ("vung.kml", "vung.kmz"):
        zones, problems = read_zones(tmp_path / name)
        assert problems == []
        assert list(zones["name"]) == ["<b>Bản Pá</b>", "Điểm"]
        assert list(zones["note"]) == ["Ghi chú", ""]
        assert list(zones.geometry.geom_type) == ["Polygon", "Point"]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("hong.geojson", '{"type": "FeatureCollection", "features": [{"type": '),
        ("hong.kml", "<kml><Document><Placemark><name>x</name><Polygon><outerBoundaryIs>"),
    ],
)
def test_broken_files_raise_with_file_and_fix(tmp_path, name, content):
    (tmp_path / name).write_text(content, encoding="utf-8")
    with pytest.raises(DataError) as error:
        read_zones(tmp_path / name)
    assert error.value.problems and error.value.problems[0].file == name
    assert name in error.value.problems[0].text("vi")


def test_metres_without_crs_are_refused_and_read_with_crs(tmp_path):
    path = tmp_path / "utm.geojson"
    ring = [[400000, 2440000], [401000, 2440000], [401000, 2441000], [400000, 2441000], [400000, 2440000]]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [_feature({"name": "UTM"}, ring)]}))
    with pytest.raises(DataError) as error:
        read_zones(path)
    assert any("crs" in p.fix_en for p in error.value.problems)
    zones, _ = read_zones(path, crs="EPSG:3405")
    lon, lat = zones.geometry.iloc[0].centroid.coords[0]
    assert (lon, lat) == pytest.approx((104.0375, 22.0655), abs=1e-4)  # EPSG:3405 (x 400 500, y 2 440 500)


def test_import_is_all_or_nothing_and_skips_zones_already_stored(tmp_path):
    store = open_store(tmp_path / "zones.gpkg")
    good, bad = tmp_path / "good.geojson", tmp_path / "bad.geojson"
    _geojson(good, [_feature({"name": "A"}, SQUARE)])
    _geojson(bad, [_feature({"name": "B", "households": "nhiều"}, SQUARE)])
    ids, problems = import_zones([good, bad], store, user="lan")
    assert ids == [] and len(store.list()) == 0
    assert [p.text("en") for p in problems if p.severity == "error"] == [
        "ERROR [bad.geojson, feature 1 'B'] Field 'households' has a value that cannot be read: 'nhiều'. "
        "→ Fix: Write the households as a whole number, e.g. 35."
    ]
    ids, _ = import_zones([good], store, user="lan")
    export_zones(store.list(), tmp_path / "again.geojson")
    again, problems = import_zones([tmp_path / "again.geojson"], store, user="lan")
    assert len(ids) == 1 and again == [] and any("already in the store" in p.message_en for p in problems)


@pytest.mark.parametrize("suffix", [".geojson", ".kml", ".gpkg"])
def test_export_and_read_back_keeps_every_field(tmp_path, suffix):
    store = open_store(tmp_path / "zones.gpkg")
    store.add(
        Zone(
            name=HTML_NAME,
            note=FORMULA_NOTE,
            geometry=box(103.2, 22.05, 103.21, 22.06),
            households=7,
            operators="Viettel",
            status="verified",
            severity="high",
        ),
        user="lan",
    )
    listed = store.list()
    zones, problems = read_zones(export_zones(listed, tmp_path / f"out{suffix}"))
    columns = ["zone_id", "name", "note", "households", "operators", "status", "severity", "created_at"]
    assert problems == []
    assert zones[columns].to_dict("records") == listed[columns].to_dict("records")
    assert shapely.equals_exact(zones.geometry.iloc[0], listed.geometry.iloc[0], tolerance=0)


def test_xlsx_export_writes_text_not_formulas_and_centroids(tmp_path):
    store = open_store(tmp_path / "zones.gpkg")
    store.add(Zone(name=HTML_NAME, note=FORMULA_NOTE, geometry=box(103.2, 22.05, 103.22, 22.07)), user="lan")
    export_zones(store.list(), tmp_path / "out.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "out.xlsx").active
    header = [c.value for c in sheet[1]]
    row = {h: c for h, c in zip(header, sheet[2], strict=True)}
    # text stays text: a string cell, and a formula-looking note is neutralised with an apostrophe (OWASP)
    assert (row["name"].value, row["note"].value, row["note"].data_type) == (
        HTML_NAME,
        "'" + FORMULA_NOTE,
        "s",
    )
    assert (row["lon"].value, row["lat"].value) == pytest.approx((103.21, 22.06))


def test_cli_add_list_export(tmp_path, capsys):
    store, good, bad = str(tmp_path / "zones.gpkg"), tmp_path / "a.geojson", tmp_path / "b.geojson"
    _geojson(good, [_feature({"Tên": "Bản Nà", "Số hộ": 12}, SQUARE)])
    _geojson(bad, [_feature({"Tên": ""}, SQUARE)])
    assert zones_main(["add", "--store", store, "--user", "lan", str(bad)]) == 1
    assert "b.geojson, feature 1" in capsys.readouterr().err
    assert zones_main(["--lang", "en", "add", "--store", store, "--user", "lan", str(good)]) == 0
    assert "Added 1 zones" in capsys.readouterr().out
    assert zones_main(["list", "--store", store]) == 0
    listing = capsys.readouterr().out
    assert "Bản Nà" in listing and "Đã báo cáo" in listing
    out = tmp_path / "out.geojson"
    assert zones_main(["export", "--store", store, "--out", str(out)]) == 0
    assert [f["properties"]["name"] for f in json.loads(out.read_text())["features"]] == ["Bản Nà"]
    assert zones_main(["export", "--store", store, "--out", str(tmp_path / "out.csv")]) == 1
    assert ".csv" in capsys.readouterr().err
    (tmp_path / "broken.gpkg").write_bytes(b"garbage" * 50)
    assert zones_main(["--lang", "en", "list", "--store", str(tmp_path / "broken.gpkg")]) == 1
    assert "corrupted" in capsys.readouterr().err
