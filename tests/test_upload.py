"""Uploaded files: staged safely (bare names, size, archive limits), described (role, columns), and saved
as a dataset folder only when it reads without errors — never replacing saved data otherwise."""

from __future__ import annotations

import io
import zipfile

import geopandas as gpd
import pytest
import yaml
from shapely.geometry import box

from geo.errors import DataError
from geo.io.archives import check_archive
from geo.io.upload import (
    HOME_ENV,
    FileInfo,
    commit_dataset,
    dataset_slug,
    datasets_dir,
    guess_role,
    inspect_file,
    saved_datasets,
    stage_files,
    suggest_columns,
)


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch):
    monkeypatch.setenv(HOME_ENV, str(tmp_path / "home"))
    return tmp_path / "home"


def _communes_geojson() -> bytes:
    gdf = gpd.GeoDataFrame(
        {"Tên xã": ["Xã Nà Hỳ", "Xã Chà Cang"], "Mã xã": ["99101", "99102"]},
        geometry=[box(103.10, 22.00, 103.15, 22.05), box(103.15, 22.00, 103.20, 22.05)],
        crs="EPSG:4326",
    )
    return gdf.to_json().encode()


SITES_CSV = (
    "Mã trạm,Nhà mạng,Công nghệ,Kinh độ,Vĩ độ\n"
    "A1,Viettel;VNPT,4G,103.12,22.02\n"
    "A2,MobiFone,4G;5G,103.17,22.03\n"
)


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def test_datasets_live_under_the_env_folder(home):
    assert datasets_dir() == home / "datasets" and datasets_dir().is_dir()


def test_stage_keeps_bare_names_and_refuses_unknown_types_and_big_files(tmp_path):
    staging, refused = stage_files(
        {"../../evil/xa.geojson": b"{}", "run.exe": b"MZ", "big.csv": b"x" * 50},
        staging=tmp_path / "stage",
        max_bytes=20,
    )
    assert sorted(p.name for p in staging.iterdir()) == ["xa.geojson"]
    assert not (tmp_path / "evil").exists()
    messages = [e.en for e in refused]
    assert "run.exe: file type not accepted (.exe)" in messages[0]
    assert "big.csv: file of 0 MB, over the 0 MB limit" in messages[1]
    assert "quá giới hạn" in str(refused[1])


def test_zip_slip_is_refused_and_not_kept(tmp_path):
    staging, refused = stage_files({"xa.zip": _zip({"../../outside.shp": b"x"})}, staging=tmp_path / "s")
    assert list(staging.iterdir()) == []
    assert "escaping its folder ('../../outside.shp')" in refused[0].en


def test_archive_expanding_beyond_the_limit_is_refused(tmp_path):
    path = tmp_path / "big.zip"
    path.write_bytes(_zip({"a.csv": b"0" * 5000}))
    with pytest.raises(DataError, match="tệp nén giải ra 0 MB, 1 tệp — quá giới hạn 0 MB"):
        check_archive(path, max_bytes=1000)
    check_archive(path, max_bytes=10_000)


def test_broken_zip_says_so(tmp_path):
    _, refused = stage_files({"xa.zip": b"not a zip"}, staging=tmp_path / "s")
    assert "broken archive" in refused[0].en


@pytest.mark.parametrize(
    ("name", "geometry", "role"),
    [
        ("tram_bts_2024.xlsx", "Point", "bts_sites"),
        ("Thôn bản.kml", "Polygon", "villages"),
        ("ranh_gioi_xa.shp.zip", "Polygon", "communes"),
        ("do_toc_do.csv", "Point", "speed_tests"),
        ("diem_wifi.csv", "Point", "wifi_points"),
        ("chi_tieu_2025.xlsx", "", "unit_stats"),
        ("ranh_gioi_thi_xa", "Polygon", "districts"),
        ("bando.geojson", "Polygon", None),
    ],
)
def test_guess_role_from_name_and_geometry(name, geometry, role):
    assert guess_role(name, geometry) == role


def test_suggest_columns_matches_vietnamese_names():
    columns = ("Mã trạm", "Nhà mạng", "Công nghệ", "Kinh độ", "Vĩ độ")
    assert suggest_columns("bts_sites", columns) == {
        "operators": "Nhà mạng",
        "technologies": "Công nghệ",
        "site_id": "Mã trạm",
    }
    assert suggest_columns("communes", ("TEN_XA", "MA_XA", "DAN_SO")) == {
        "name": "TEN_XA",
        "code": "MA_XA",
        "population": "DAN_SO",
    }


def test_inspect_reports_geometry_count_columns_and_unreadable_files(tmp_path):
    staging, _ = stage_files(
        {"xa.geojson": _communes_geojson(), "tram_bts.csv": SITES_CSV.encode(), "hong.geojson": b"{broken"},
        staging=tmp_path / "s",
    )
    communes, *_ = inspect_file(staging / "xa.geojson")
    assert (communes.role, communes.geometry, communes.n_features) == ("communes", "Polygon", 2)
    assert communes.suggested == {"name": "Tên xã", "code": "Mã xã"}
    sites, *_ = inspect_file(staging / "tram_bts.csv")
    assert (sites.role, sites.geometry, sites.n_features) == ("bts_sites", "Point", 2)
    broken, *_ = inspect_file(staging / "hong.geojson")
    assert broken.role is None and "hong.geojson: cannot be opened" in broken.error_en


def _good_staging(tmp_path):
    staging, _ = stage_files(
        {"xa.geojson": _communes_geojson(), "tram_bts.csv": SITES_CSV.encode()}, staging=tmp_path / "stage"
    )
    communes, *_ = inspect_file(staging / "xa.geojson")
    sites, *_ = inspect_file(staging / "tram_bts.csv")
    layers = {
        "communes": (communes, communes.suggested),
        "bts_sites": (sites, sites.suggested | {"x": "Kinh độ", "y": "Vĩ độ"}),
    }
    return staging, layers


def test_commit_saves_folder_and_manifest_for_one_click_reopening(tmp_path):
    staging, layers = _good_staging(tmp_path)
    dataset, saved = commit_dataset(staging, name="Huyện Mường Tè", layers=layers)
    assert saved == datasets_dir() / "Huyện-Mường-Tè"
    assert not staging.exists()
    manifest = yaml.safe_load((saved / "dataset.yaml").read_text(encoding="utf-8"))
    assert manifest["name"] == "Huyện Mường Tè"
    assert manifest["layers"]["communes"] == {"path": "xa.geojson", "name": "Tên xã", "code": "Mã xã"}
    assert manifest["layers"]["bts_sites"]["x"] == "Kinh độ"
    assert len(dataset.layers["communes"]) == 2 and len(dataset.layers["bts_sites"]) == 2
    assert saved_datasets() == {"Huyện-Mường-Tè": saved}


def test_a_broken_upload_never_replaces_the_saved_dataset(tmp_path):
    staging, layers = _good_staging(tmp_path)
    _, saved = commit_dataset(staging, name="Mường Tè", layers=layers)
    before = (saved / "xa.geojson").read_bytes()
    bad_staging, _ = stage_files({"xa.geojson": b'{"type": "FeatureCollection"'}, staging=tmp_path / "bad")
    info = FileInfo(bad_staging / "xa.geojson", None)
    dataset, again = commit_dataset(bad_staging, name="Mường Tè", layers={"communes": (info, {})})
    assert again is None
    assert any(p.severity == "error" and p.file == "xa.geojson" for p in dataset.problems)
    assert (saved / "xa.geojson").read_bytes() == before


def test_dataset_slug_refuses_names_without_letters():
    assert dataset_slug("Xã Nà Hỳ / 2025") == "Xã-Nà-Hỳ-2025"
    with pytest.raises(DataError, match="không dùng được làm tên thư mục"):
        dataset_slug("../..")
