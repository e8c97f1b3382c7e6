"""The manifest maps a planner's own files and columns; a folder without one is read by default names."""

from pathlib import Path

import pytest

from geo.errors import DataError
from geo.io.manifest import LayerSpec, Manifest, read_manifest, write_manifest


def test_manifest_layers_reader_keys_and_column_mappings(tmp_path: Path):
    (tmp_path / "dataset.yaml").write_text(
        "name: Thị xã Mường Lay\ncrs: EPSG:9205\nprovince: Điện Biên\nlayers:\n"
        "  communes: {path: xa.shp, code: MA_XA, name: TEN_XA}\n"
        "  bts_sites: {path: tram.xlsx, sheet: '2024', x: Kinh_do, y: Vi_do, operators: Nha_mang}\n",
        encoding="utf-8",
    )
    manifest = read_manifest(tmp_path)
    assert manifest.name == "Thị xã Mường Lay" and manifest.crs == "EPSG:9205"
    communes, sites = manifest.layers
    assert communes.columns == {"code": "MA_XA", "name": "TEN_XA"}
    assert (sites.sheet, sites.x, sites.y) == ("2024", "Kinh_do", "Vi_do")
    assert sites.path == tmp_path / "tram.xlsx"


def test_folder_without_manifest_is_read_by_default_file_names(tmp_path: Path):
    for name in ("communes.gpkg", "villages.geojson", "bts_sites.csv", "notes.txt"):
        (tmp_path / name).write_text("", encoding="utf-8")
    manifest = read_manifest(tmp_path)
    assert manifest.inferred
    assert [s.role for s in manifest.layers] == ["communes", "villages", "bts_sites"]


def test_malformed_yaml_names_the_line(tmp_path: Path):
    (tmp_path / "dataset.yaml").write_text("name: x\nlayers:\n  communes: {path: a.shp\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"dataset.yaml, dòng \d"):
        read_manifest(tmp_path)


def test_unknown_layer_role_lists_the_valid_ones(tmp_path: Path):
    (tmp_path / "dataset.yaml").write_text("layers:\n  tram: {path: a.csv}\n", encoding="utf-8")
    with pytest.raises(DataError, match="bts_sites") as info:
        read_manifest(tmp_path)
    assert "tram" in info.value.en


def test_written_manifest_reads_back_identically(tmp_path: Path):
    manifest = Manifest(
        folder=tmp_path,
        name="Xã Hà Đông",
        crs="EPSG:4326",
        layers=(LayerSpec("villages", tmp_path / "thon.kml", layer="Thôn", columns={"name": "Tên"}),),
    )
    write_manifest(manifest)
    again = read_manifest(tmp_path)
    assert again.layers == manifest.layers and again.name == "Xã Hà Đông"
