"""The bundled national reference: 34 provinces, name lookup, the "units lie in the named province" check."""

import shutil
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
import pytest
import shapely

from geo.cli.main import main
from geo.io.dataset import read_dataset
from geo.io.reference import check_province, find_province, province_key, read_provinces
from geo.settings import DEMO_DIR


def test_provinces_are_the_34_of_2025_with_the_archipelagos() -> None:
    provinces = read_provinces()
    assert len(provinces) == 34 and provinces["code"].is_unique
    assert read_provinces() is provinces  # cached
    # Hoàng Sa (Đà Nẵng, ~112°E 16.5°N) and Trường Sa (Khánh Hoà, ~114°E 10°N) are in the outlines.
    for name, (lon, lat) in {"Đà Nẵng": (111.6, 16.5), "Khánh Hoà": (114.3, 10.4)}.items():
        geom = find_province(name).geometry.iloc[0]
        assert geom.distance(shapely.Point(lon, lat)) < 1.0, name


def test_province_names_match_across_spellings_and_former_provinces() -> None:
    assert province_key("Tỉnh Thanh Hóa") == province_key("Thanh Hoá")
    assert find_province("TP. Hải Phòng")["code"].tolist() == ["31"]
    assert find_province("Hà Giang")["name"].tolist() == ["Tuyên Quang"]  # merged in 2025
    assert find_province("Atlantis").empty


@pytest.fixture(scope="module")
def shifted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo copy with boundaries moved 2° east (TM-3 103° read as 105°): they land in Tuyên Quang."""
    folder = tmp_path_factory.mktemp("shifted")
    for path in DEMO_DIR.iterdir():
        if path.is_file() and path.name != "vung_lom_song.gpkg":
            shutil.copy(path, folder / path.name)
    gpkg = folder / "ranh_gioi.gpkg"
    for layer in ("ranh_gioi_thi_xa", "ranh_gioi_xa"):
        gdf = gpd.read_file(DEMO_DIR / "ranh_gioi.gpkg", layer=layer)
        gdf["geometry"] = shapely.transform(gdf.geometry.to_numpy(), lambda xy: np.add(xy, [2.0, 0.0]))
        pyogrio.write_dataframe(gdf, gpkg, layer=layer)
    return folder


def test_the_demo_lies_in_dien_bien() -> None:
    dataset = read_dataset(DEMO_DIR)
    assert check_province(dataset, "Điện Biên", files={}) == []


def test_units_in_the_wrong_province_are_reported_by_geo_check(shifted: Path, capsys) -> None:
    assert main(["check", str(shifted)]) == 1
    out = capsys.readouterr().out
    assert "ranh_gioi.gpkg" in out and "Điện Biên" in out and "Tuyên Quang" in out
    assert "múi chiếu" in out and "crs:" in out
    problems = check_province(read_dataset(shifted), "Điện Biên", files={"communes": "ranh_gioi.gpkg"})
    assert [p.severity for p in problems] == ["error"] and "wrong zone" in problems[0].message_en


def test_an_unknown_province_is_a_warning() -> None:
    problems = check_province(read_dataset(DEMO_DIR), "Atlantis", files={})
    assert [p.severity for p in problems] == ["warning"] and "Atlantis" in problems[0].message_vi
