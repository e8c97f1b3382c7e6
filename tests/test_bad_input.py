"""Bad, broken and hostile input, as the planner meets it: never a traceback, nothing lost, and a message
that says what is wrong (file, row or feature, the record's own identifier, and the fix).

Each test builds the bad file itself; none expects a traceback. Grouped as issue 10 groups them:
no traceback (1), nothing lost (2), say what is wrong (3).
"""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path

import geopandas as gpd
import openpyxl
import pytest
from shapely.geometry import Polygon, box

from geo.cli.main import main
from geo.errors import ERROR_LOG, DataError
from geo.io.archives import check_archive
from geo.io.dataset import read_dataset
from geo.io.manifest import read_manifest
from geo.io.upload import (
    HOME_ENV,
    PREVIOUS_DIR,
    commit_dataset,
    datasets_dir,
    inspect_file,
    previous_version,
    restore_previous,
    stage_files,
)
from geo.settings import merged

SQUARE = [[103.0, 21.0], [103.1, 21.0], [103.1, 21.1], [103.0, 21.1], [103.0, 21.0]]


def _communes(**props) -> str:
    feature = {
        "type": "Feature",
        "properties": {"name": "Xã Nà Hỳ", "code": "01001", **props},
        "geometry": {"type": "Polygon", "coordinates": [SQUARE]},
    }
    return json.dumps({"type": "FeatureCollection", "features": [feature]})


def _folder(tmp_path: Path, files: dict[str, str | bytes], name: str = "data") -> Path:
    folder = tmp_path / name
    folder.mkdir()
    for file, content in files.items():
        (folder / file).write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return folder


def _check(folder: Path, capsys, *args: str) -> tuple[int, str]:
    code = main(["check", str(folder), *args])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out + err


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch):
    monkeypatch.setenv(HOME_ENV, str(tmp_path / "home"))
    return tmp_path / "home"


# --- 1. No traceback, ever ------------------------------------------------------------------------------


def test_a_polygon_with_nan_coordinates_is_named_and_left_out(tmp_path, capsys):
    text = _communes().replace("21.1]", "NaN]", 1)
    folder = _folder(tmp_path, {"communes.geojson": text})
    code, out = _check(folder, capsys)
    assert code == 1
    assert "communes.geojson, feature 1 (Xã Nà Hỳ)" in out and "NaN" in out


def test_a_csv_that_is_binary_garbage_says_it_is_not_a_text_table(tmp_path, capsys):
    folder = _folder(tmp_path, {"communes.geojson": _communes(), "bts_sites.csv": os.urandom(4000) + b"\x00"})
    code, out = _check(folder, capsys)
    assert code == 1 and "bts_sites.csv" in out and "nhị phân" in out


def test_an_xlsx_that_is_really_a_csv_says_so(tmp_path, capsys):
    csv = "site_id,lon,lat,operators,technologies\nA,103.05,21.05,Viettel,4G\n"
    folder = _folder(tmp_path, {"communes.geojson": _communes(), "bts_sites.xlsx": csv})
    code, out = _check(folder, capsys)
    assert code == 1 and "không phải sổ tính Excel" in out and ".csv" in out


@pytest.mark.parametrize(
    ("manifest", "line", "words"),
    [
        ("name: x\nlayers:\n  - communes.geojson\n", 2, "danh sách"),
        ("just a string\n", 1, "khoá: giá trị"),
        ("- a\n- b\n", 1, "danh sách"),
        ("name: x\nlayers:\n  communes:\n    path: [a, b]\n", 3, "path"),
        ("name: x\nlayers:\n  communes: communes.geojson\n  towers: t.csv\n", 4, "towers"),
    ],
)
def test_a_manifest_of_the_wrong_shape_names_its_line(tmp_path, capsys, manifest, line, words):
    folder = _folder(tmp_path, {"communes.geojson": _communes(), "dataset.yaml": manifest})
    with pytest.raises(DataError) as caught:
        read_manifest(folder)
    assert f"dataset.yaml, dòng {line}" in str(caught.value) and words in str(caught.value)
    code, out = _check(folder, capsys)
    assert code == 1 and f"dòng {line}" in out


@pytest.mark.parametrize(
    ("settings", "line", "words"),
    [
        ("  indicators:\n    wifi_distance_m: năm mươi\n", 6, "năm mươi"),
        ("  coverage:\n    radius_m:\n      4G:\n        urban: xa\n", 8, "radius_m.4G.urban"),
        ("  coverage: [1, 2]\n", 5, "coverage"),
        ("  indicators:\n    village_covered_share: 80\n", 6, "0 đến 1"),
        ("  coverage:\n    model: magic\n", 6, "pathloss"),
    ],
)
def test_a_settings_value_of_the_wrong_type_fails_check_naming_the_line(
    tmp_path, capsys, settings, line, words
):
    manifest = "name: x\nlayers:\n  communes: communes.geojson\nsettings:\n" + settings
    folder = _folder(tmp_path, {"communes.geojson": _communes(), "dataset.yaml": manifest})
    code, out = _check(folder, capsys)
    assert code == 1 and f"dòng {line}" in out and words in out
    assert main(["evaluate", str(folder)]) in (1, 2)  # refused with a message, never a crash
    assert "Traceback" not in "".join(capsys.readouterr())


def test_settings_numbers_written_as_text_are_read():
    assert merged({"indicators": {"wifi_distance_m": "80"}}).indicators.wifi_distance_m == 80.0
    assert merged({"indicators": {"village_covered_share": "0,9"}}).indicators.village_covered_share == 0.9


def test_a_statistics_table_without_a_unit_column_says_which_columns_it_saw(tmp_path, capsys):
    stats = "year,household_fibre\n2024,50\n"
    folder = _folder(tmp_path, {"communes.geojson": _communes(), "unit_stats.csv": stats})
    code, out = _check(folder, capsys)
    assert code == 1 and "không có cột đơn vị" in out and "year, household_fibre" in out


def test_an_unexpected_reader_failure_is_a_please_report_problem_and_a_log_entry(
    tmp_path, monkeypatch, capsys
):
    import geo.io.dataset as dataset_module

    def broken(*args, **kwargs):
        raise RuntimeError("lỗi lập trình giả")

    monkeypatch.setattr(dataset_module, "validate_layer", broken)
    folder = _folder(tmp_path, {"communes.geojson": _communes()})
    dataset = read_dataset(folder)
    [problem] = [p for p in dataset.problems if p.severity == "error"]
    assert problem.file == "communes.geojson"
    assert "Unexpected problem reading communes.geojson" in problem.message_en
    assert "please report" in problem.message_en and "vui lòng báo lại" in problem.message_vi
    assert "lỗi lập trình giả" in ERROR_LOG.read_text(encoding="utf-8")
    code, out = _check(folder, capsys)
    assert code == 1 and "Lỗi ngoài dự kiến khi đọc tệp communes.geojson" in out


def test_an_uploaded_file_with_a_very_long_vietnamese_name_is_kept_under_a_shorter_name(tmp_path):
    long_name = "Danh sách trạm thu phát sóng di động của xã Mường Tùng huyện Mường Chà " * 4 + ".csv"
    staging, refused = stage_files({long_name: b"a,b\n1,2\n"}, staging=tmp_path / "stage")
    assert refused == []
    [written] = list(staging.iterdir())
    assert written.suffix == ".csv" and len(written.name.encode()) <= 200
    assert written.name.startswith("Danh sách trạm")


def test_the_upload_of_a_nan_polygon_is_not_saved_and_does_not_raise(tmp_path):
    staging, _ = stage_files(
        {"xa.geojson": _communes().replace("21.1]", "NaN]", 1).encode()}, staging=tmp_path / "s"
    )
    [info] = inspect_file(staging / "xa.geojson")
    dataset, saved = commit_dataset(staging, name="Xã NaN", layers={"communes": (info, {})})
    assert saved is None and any("NaN" in p.message_vi for p in dataset.problems)


def test_every_page_shows_an_unexpected_error_in_both_languages_never_a_traceback():
    from streamlit.testing.v1 import AppTest

    def page():
        import streamlit as st

        from views.guard import guarded_page

        def render():
            st.title("Bản đồ")
            raise ValueError("hỏng bất ngờ")

        guarded_page(render, "map")

    at = AppTest.from_function(page).run()
    assert not at.exception
    [error] = at.error
    assert "Lỗi ngoài dự kiến" in error.value and "Unexpected problem" in error.value
    assert "hỏng bất ngờ" in error.value and "please report" in error.value
    assert at.title[0].value == "Bản đồ"  # what was drawn before the failure stays: never a blank page


def test_every_page_file_runs_its_render_inside_the_guard():
    root = Path(__file__).resolve().parent.parent
    for page in [root / "app.py", *sorted((root / "views").glob("*_view.py"))]:
        text = page.read_text(encoding="utf-8")
        assert "guarded_page(" in text.splitlines()[-1], page.name


# --- 2. Nothing lost, ever -------------------------------------------------------------------------------


def _staged_set(tmp_path: Path, name: str, files: dict[str, bytes]):
    staging, refused = stage_files(files, staging=tmp_path / name)
    infos = [info for path in sorted(staging.iterdir()) for info in inspect_file(path)]
    return staging, refused, infos


def _communes_bytes() -> bytes:
    gdf = gpd.GeoDataFrame(
        {"name": ["Xã A", "Xã B"]},
        geometry=[box(103.1, 22, 103.15, 22.05), box(103.15, 22, 103.2, 22.05)],
        crs="EPSG:4326",
    )
    return gdf.to_json().encode()


SITES = b"site_id,operators,technologies,lon,lat\nS1,Viettel,4G,103.12,22.02\n"


def test_a_reupload_with_one_unreadable_file_is_not_saved_and_the_saved_dataset_keeps_its_layers(tmp_path):
    staging, refused, infos = _staged_set(
        tmp_path, "one", {"xa.geojson": _communes_bytes(), "tram.csv": SITES}
    )
    by_name = {i.path.name: i for i in infos}
    layers = {"communes": (by_name["xa.geojson"], {}), "bts_sites": (by_name["tram.csv"], {})}
    _, saved = commit_dataset(staging, name="Mường Lay", layers=layers, refused=refused, inspected=infos)
    assert saved is not None
    # again: the boundary file truncated (unreadable), the sites good; the page skips the broken file
    staging, refused, infos = _staged_set(
        tmp_path, "two", {"xa.geojson": _communes_bytes()[:40], "tram.csv": SITES}
    )
    good = {i.path.name: i for i in infos}["tram.csv"]
    dataset, again = commit_dataset(
        staging, name="Mường Lay", layers={"bts_sites": (good, {})}, refused=refused, inspected=infos
    )
    assert again is None
    assert any(p.file == "xa.geojson" and p.severity == "error" for p in dataset.problems)
    assert set(read_dataset(saved).layers) == {"communes", "bts_sites"}
    # without the page's inspection the staged files are inspected again: same refusal
    dataset, again = commit_dataset(staging, name="Mường Lay", layers={"bts_sites": (good, {})})
    assert again is None


def test_a_replaced_dataset_is_kept_as_previous_and_one_call_restores_it(tmp_path):
    staging, _, infos = _staged_set(tmp_path, "v1", {"xa.geojson": _communes_bytes()})
    layers = {"communes": (infos[0], {})}
    _, saved = commit_dataset(staging, name="Mường Lay", layers=layers, inspected=infos)
    staging, _, infos = _staged_set(tmp_path, "v2", {"xa.geojson": _communes_bytes(), "tram.csv": SITES})
    by_name = {i.path.name: i for i in infos}
    layers = {"communes": (by_name["xa.geojson"], {}), "bts_sites": (by_name["tram.csv"], {})}
    _, again = commit_dataset(staging, name="Mường Lay", layers=layers, inspected=infos)
    assert again == saved and "bts_sites" in read_dataset(saved).layers
    previous = previous_version("Mường Lay")
    assert previous == datasets_dir() / PREVIOUS_DIR / saved.name
    assert set(read_dataset(previous).layers) == {"communes"}
    restore_previous("Mường Lay")
    assert set(read_dataset(saved).layers) == {"communes"}
    assert "bts_sites" in read_dataset(previous_version("Mường Lay")).layers  # the restore can be undone
    assert list(datasets_dir().glob(".staging-*")) == [] and list(datasets_dir().glob(".restore-*")) == []


def test_two_names_for_one_folder_never_overwrite_each_other(tmp_path):
    staging, _, infos = _staged_set(tmp_path, "a", {"xa.geojson": _communes_bytes()})
    _, saved = commit_dataset(staging, name="Mường Lay/2024", layers={"communes": (infos[0], {})})
    before = (saved / "dataset.yaml").read_text(encoding="utf-8")
    staging, _, infos = _staged_set(tmp_path, "b", {"xa.geojson": _communes_bytes()})
    with pytest.raises(DataError) as caught:
        commit_dataset(staging, name="Mường Lay-2024", layers={"communes": (infos[0], {})})
    assert "Mường Lay/2024" in str(caught.value) and "không ghi đè" in str(caught.value)
    assert (saved / "dataset.yaml").read_text(encoding="utf-8") == before


# --- 3. Say what is wrong -------------------------------------------------------------------------------


def _shapefile(folder: Path, *, prj: str | None = None, without: str | None = None) -> None:
    gdf = gpd.GeoDataFrame({"name": ["Xã A"], "code": ["01001"]}, geometry=[Polygon(SQUARE)], crs="EPSG:4326")
    gdf.to_file(folder / "communes.shp")
    if prj is not None:
        (folder / "communes.prj").write_text(prj)
    if without:
        (folder / f"communes{without}").unlink()


def test_a_prj_full_of_garbage_is_said_unreadable_then_the_guess(tmp_path, capsys):
    folder = tmp_path / "shp"
    folder.mkdir()
    _shapefile(folder, prj="rác rác !!! không phải WKT")
    code, out = _check(folder, capsys)
    assert code == 0 and "communes.prj" in out and "không đọc được" in out and "guessed" in out


def test_a_zipped_shapefile_missing_its_dbf_says_the_dbf_is_missing(tmp_path, capsys):
    source = tmp_path / "src"
    source.mkdir()
    _shapefile(source, without=".dbf")
    folder = tmp_path / "zip"
    folder.mkdir()
    with zipfile.ZipFile(folder / "communes.zip", "w") as archive:
        for path in source.iterdir():
            archive.write(path, path.name)
    code, out = _check(folder, capsys)
    assert code == 1 and "communes.dbf" in out and "thiếu" in out
    assert "thiếu cột" not in out


def test_polygons_given_as_the_bts_layer_say_the_geometry_is_wrong(tmp_path, capsys):
    sites = _communes().replace('"name": "Xã Nà Hỳ"', '"operators": "Viettel", "technologies": "4G"')
    folder = _folder(tmp_path, {"communes.geojson": _communes(), "bts_sites.geojson": sites})
    code, out = _check(folder, capsys)
    assert code == 1 and "bts_sites cần hình học dạng điểm" in out and "Polygon" in out


def test_points_given_as_communes_say_the_geometry_is_wrong(tmp_path, capsys):
    points = json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": "Xã A"},
         "geometry": {"type": "Point", "coordinates": [103.0, 21.0]}}
    ]})  # fmt: skip
    folder = _folder(tmp_path, {"communes.geojson": points})
    code, out = _check(folder, capsys)
    assert code == 1 and "phải là vùng (polygon)" in out and "Xã A" in out


def test_a_statistics_year_written_as_text_and_shares_out_of_range_are_named_by_row(tmp_path, capsys):
    stats = "code,year,household_fibre,only_2g_users\n01001,hai nghìn,50,3\n01001,2024,150,-5\n"
    folder = _folder(tmp_path, {"communes.geojson": _communes(), "unit_stats.csv": stats})
    code, out = _check(folder, capsys)
    assert code == 1
    assert "unit_stats.csv, dòng 2 (01001)" in out and "'hai nghìn'" in out
    assert "dòng 3 (01001)" in out and "150%" in out and "-5%" in out and "0–100%" in out


def test_azimuths_outside_0_to_360_are_named_by_row_and_site(tmp_path, capsys):
    sites = (
        "site_id,lon,lat,operators,technologies,azimuth_deg\n"
        "BTS-400,103.05,21.05,Viettel,4G,400\n"
        "BTS-NEG,103.06,21.05,Viettel,4G,-10\n"
        "BTS-OK,103.07,21.05,Viettel,4G,120\n"
    )
    folder = _folder(tmp_path, {"communes.geojson": _communes(), "bts_sites.csv": sites})
    code, out = _check(folder, capsys)
    assert code == 1
    assert "bts_sites.csv, dòng 2 (BTS-400)" in out and "bts_sites.csv, dòng 3 (BTS-NEG)" in out
    assert "BTS-OK" not in out and "0 đến 360" in out


@pytest.mark.parametrize("path", ["../outside/communes.geojson", "/etc/hostname", "sub/../../x.geojson"])
def test_manifest_paths_leaving_the_dataset_folder_are_refused(tmp_path, capsys, path):
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "communes.geojson").write_text(_communes())
    manifest = f"name: x\nlayers:\n  communes: {path}\n"
    folder = _folder(tmp_path, {"dataset.yaml": manifest})
    code, out = _check(folder, capsys)
    assert code == 1 and "ra ngoài thư mục bộ dữ liệu" in out and "dòng 3" in out


def test_a_two_row_merged_excel_header_names_the_header_row_and_the_columns_seen(tmp_path, capsys):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Mã trạm", "Vị trí", None, "Nhà mạng", "Công nghệ"])
    sheet.append([None, "Kinh độ", "Vĩ độ", None, None])
    sheet.merge_cells("B1:C1")
    sheet.append(["A", 103.05, 21.05, "Viettel", "4G"])
    folder = _folder(tmp_path, {"communes.geojson": _communes()})
    workbook.save(folder / "bts_sites.xlsx")
    code, out = _check(folder, capsys)
    assert code == 1 and "dòng tiêu đề dùng: dòng 1" in out and "Mã trạm, Vị trí" in out


def test_one_row_with_swapped_coordinates_says_they_look_swapped(tmp_path, capsys):
    sites = (
        "site_id,lon,lat,operators,technologies\n"
        "A,103.05,21.05,Viettel,4G\n"
        "BTS-SWAP-9,21.06,103.06,Viettel,4G\n"
        "C,103.07,21.05,Viettel,4G\n"
    )
    folder = _folder(tmp_path, {"communes.geojson": _communes(), "bts_sites.csv": sites})
    code, out = _check(folder, capsys)
    assert code == 1
    assert "bts_sites.csv, dòng 3 (BTS-SWAP-9)" in out
    assert "kinh độ/vĩ độ có vẻ bị đảo (103.06000, 21.06000 nằm trong việt nam" in out.lower()


def test_row_messages_name_the_record_by_site_id_name_or_code(tmp_path, capsys):
    places = "name,kind,lon,lat\nUBND xã Nà Hỳ,,103.05,\nTrường Tiểu học,school,103.06,21.05\n"
    folder = _folder(tmp_path, {"communes.geojson": _communes(), "public_places.csv": places})
    code, out = _check(folder, capsys)
    assert code == 1 and "public_places.csv, dòng 2 (UBND xã Nà Hỳ)" in out


def _bomb(path: Path, size: int) -> None:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("communes.geojson", b" " * size)


def test_a_zip_bomb_is_refused_by_its_compression_ratio_before_unpacking(tmp_path, capsys):
    folder = tmp_path / "bomb"
    folder.mkdir()
    _bomb(folder / "communes.zip", 50 * 1024**2)
    with pytest.raises(DataError, match="zip bomb"):
        check_archive(folder / "communes.zip")
    code, out = _check(folder, capsys)
    assert code == 1 and "zip bomb" in out
    staging, refused = stage_files({"x.zip": (folder / "communes.zip").read_bytes()}, staging=tmp_path / "s")
    assert refused and not (staging / "x.zip").exists()


def test_a_file_over_the_reading_limit_is_refused_before_it_is_parsed(tmp_path, capsys, monkeypatch):
    import geo.io.tables as tables

    monkeypatch.setattr(tables, "MAX_READ_BYTES", 100)
    monkeypatch.setattr(tables.check_size, "__defaults__", (100,))
    parsed = []
    monkeypatch.setattr(tables, "_read_grid", lambda *a, **k: parsed.append(a))
    sites = "site_id,lon,lat,operators,technologies\n" + "A,103.05,21.05,Viettel,4G\n" * 10
    folder = _folder(tmp_path, {"communes.geojson": _communes(), "bts_sites.csv": sites})
    code, out = _check(folder, capsys)
    assert code == 1 and "quá giới hạn đọc" in out and parsed == []


def test_the_upload_counts_rows_before_parsing_an_oversized_table(tmp_path, monkeypatch):
    import geo.io.upload as upload

    monkeypatch.setattr(upload, "MAX_FEATURES", 10)
    monkeypatch.setattr(upload, "read_table", lambda *a, **k: pytest.fail("parsed before refusing"))
    staging, _ = stage_files({"tram.csv": SITES * 100}, staging=tmp_path / "s")
    [info] = inspect_file(staging / "tram.csv")
    assert info.error_en and "over the 10 limit" in info.error_en


def test_the_english_report_names_records_too(tmp_path, capsys):
    sites = (
        "site_id,lon,lat,operators,technologies\n"
        "BTS-SWAP-9,21.06,103.06,Viettel,4G\n"
        "B,103.07,21.05,Viettel,4G\n"
    )
    folder = _folder(tmp_path, {"communes.geojson": _communes(), "bts_sites.csv": sites})
    code = main(["--lang", "en", "check", str(folder)])
    out = capsys.readouterr().out
    assert code == 1 and "bts_sites.csv, row 2 (BTS-SWAP-9)" in out and "look swapped" in out


# --- the upload page, as the planner uses it ------------------------------------------------------------


def _page_run(at=None):
    from streamlit.testing.v1 import AppTest

    root = Path(__file__).resolve().parent.parent
    at = (at or AppTest.from_file(str(root / "app.py"), default_timeout=120)).run()
    assert not at.exception
    return at


def _upload(at, files: dict[str, bytes], name: str):
    for file, content in files.items():
        at.file_uploader(key="uploads").upload(file, content)
    _page_run(at)
    at.text_input(key="upload_name").input(name)
    at.button(key="upload_go").click()
    return _page_run(at)


def test_the_upload_page_refuses_a_set_with_an_unreadable_file_and_restores_the_previous_version(home):
    at = _page_run()
    at.switch_page("views/upload_view.py")
    at = _upload(_page_run(at), {"ranh_gioi_xa.geojson": _communes_bytes()}, "Mường Lay")
    assert at.success and at.success[0].value.startswith("Đã lưu bộ dữ liệu 'Mường Lay'")
    saved = home / "datasets" / "Mường-Lay"
    first = (saved / "dataset.yaml").read_text(encoding="utf-8")
    # the same name again, the boundary file truncated: refused, the saved dataset keeps its communes
    at = _page_run()
    at.switch_page("views/upload_view.py")
    at = _upload(
        _page_run(at), {"ranh_gioi_xa.geojson": _communes_bytes()[:50], "tram_bts.csv": SITES}, "Mường Lay"
    )
    assert not at.success and (saved / "dataset.yaml").read_text(encoding="utf-8") == first
    # a good second version replaces it; the restore button brings the first back
    at = _page_run()
    at.switch_page("views/upload_view.py")
    files = {"ranh_gioi_xa.geojson": _communes_bytes(), "tram_bts.csv": SITES}
    at = _upload(_page_run(at), files, "Mường Lay")
    assert at.success and "bts_sites" in read_dataset(saved).layers
    at = _page_run()
    at.switch_page("views/upload_view.py")
    at = _page_run(at)
    at.selectbox(key="restore_which").set_value("Mường-Lay")
    at.button(key="restore_go").click()
    at = _page_run(at)
    assert at.success[-1].value.startswith("Đã khôi phục phiên bản trước của 'Mường-Lay'")
    assert (saved / "dataset.yaml").read_text(encoding="utf-8") == first
