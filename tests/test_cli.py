"""The stable command line (README, "Dòng lệnh") that planners and checks script against."""

import json
from pathlib import Path

import pandas as pd
import pytest
from PIL import Image

from geo.cli.main import main
from geo.settings import DEMO_DIR


def test_plans_json_lists_every_plan(capsys: pytest.CaptureFixture[str]):
    assert main(["plans", "--json"]) == 0
    plans = json.loads(capsys.readouterr().out)
    assert {p["id"] for p in plans} == {
        "my-hao-2023",
        "ha-dong-2026",
        "quang-trung-2023",
        "ha-nam-2023",
        "muong-lay-2023",
    }


def test_evaluate_writes_the_status_table(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    out = tmp_path / "danh_gia.csv"
    assert main(["evaluate", "--plan", "quang-trung-2023", "--year", "2025", "--out", str(out)]) == 0
    table = pd.read_csv(out, dtype={"uid": str})
    assert {
        "uid",
        "name",
        "indicator",
        "value",
        "target_text",
        "status",
        "gap",
        "label_vi",
        "label_en",
    } <= set(table)
    assert len(table["uid"].unique()) == 7  # the demo's communes
    assert set(table["status"]) >= {"met", "missed"}


def test_unknown_plan_is_a_clear_error(capsys: pytest.CaptureFixture[str]):
    assert main(["evaluate", "--plan", "khong-co", "--year", "2025"]) == 1
    assert "muong-lay-2023" in capsys.readouterr().err


def test_export_map_png_has_the_requested_size(tmp_path: Path):
    out = tmp_path / "ban_do.png"
    args = ["export-map", "--plan", "muong-lay-2023", "--year", "2025", "--indicator", "bts_site_sharing"]
    assert main([*args, "--dpi", "100", "--paper", "A4", "--orientation", "portrait", "--out", str(out)]) == 0
    with Image.open(out) as image:
        assert image.size == (827, 1169)  # A4 portrait at 100 dpi


def test_export_annex_xlsx(tmp_path: Path):
    out = tmp_path / "phu_luc.xlsx"
    assert main(["export-annex", "--plan", "muong-lay-2023", "--out", str(out)]) == 0
    sheets = pd.read_excel(out, sheet_name=None, header=None)
    assert len(sheets) == 8  # the territory and its seven communes


def test_zones_add_then_list_keeps_the_name_exactly(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    source = tmp_path / "vung.geojson"
    feature = {
        "type": "Feature",
        "properties": {"name": "Bản <b>Háng Pu Xi</b>", "technology": "4G"},
        "geometry": {
            "type": "Polygon",
            "coordinates": [[[103.25, 22.1], [103.26, 22.1], [103.26, 22.11], [103.25, 22.1]]],
        },
    }
    source.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}), encoding="utf-8")
    store = str(tmp_path / "vung_lom_song.gpkg")
    assert main(["zones", "add", "--store", store, str(source)]) == 0
    capsys.readouterr()
    assert main(["zones", "list", "--store", store]) == 0
    assert "Bản <b>Háng Pu Xi</b>" in capsys.readouterr().out


# Misuse of every subcommand: one bilingual line on stderr, exit code 2, never a traceback.
_MISUSES = {
    "plans": (["plans", "--jsn"], ["Lệnh không hợp lệ", "invalid command", "--jsn"]),
    "check": (["check", "data/khong-co"], ["Không tìm thấy thư mục", "not found"]),
    "evaluate-level": (
        ["evaluate", "--plan", "muong-lay-2023", "--year", "2025", "--level", "province"],
        ["không có đơn vị cấp 'province'", "no units at level 'province'", "commune, village"],
    ),
    "evaluate-year": (
        ["evaluate", "--plan", "ha-dong-2026", "--year", "2025"],
        ["chưa có chỉ tiêu nào cho năm 2025", "no target in force in 2025", "target years: 2030"],
    ),
    "evaluate-out": (
        ["evaluate", "--plan", "muong-lay-2023", "--year", "2025", "--out", "a.txt"],
        ["không hợp lệ cho bảng đánh giá", "not valid for the evaluation", ".csv"],
    ),
    "evaluate-args": (["evaluate", "--plan", "muong-lay-2023"], ["Lệnh không hợp lệ", "--year"]),
    "export-map-indicator": (
        ["export-map", "--plan", "muong-lay-2023", "--year", "2025", "--indicator", "khong",
         "--out", "a.png"],
        ["Không có chỉ tiêu 'khong'", "Unknown indicator 'khong'", "bts_site_sharing"],
    ),
    "export-map-unit": (
        ["export-map", "--plan", "muong-lay-2023", "--year", "2025", "--indicator", "bts_site_sharing",
         "--unit", "99999", "--out", "a.png"],
        ["Không có đơn vị mã '99999'", "No unit with code '99999'"],
    ),
    "export-map-out": (
        ["export-map", "--plan", "muong-lay-2023", "--year", "2025", "--indicator", "bts_site_sharing",
         "--out", "a.gif"],
        ["không hợp lệ cho bản đồ", "not valid for the map", ".png"],
    ),
    "export-annex-out": (
        ["export-annex", "--plan", "muong-lay-2023", "--out", "a.pdf"],
        ["không hợp lệ cho phụ lục", "not valid for the annex", ".xlsx"],
    ),
    "export-annex-year": (
        ["export-annex", "--plan", "muong-lay-2023", "--year", "2019", "--out", "a.xlsx"],
        ["năm 2019", "in 2019", "2023, 2024, 2025, 2030"],
    ),
    "demo": (["demo", "--scale", "tinh", "--out", "x"], ["Lệnh không hợp lệ", "invalid choice: 'tinh'"]),
    "zones": (["zones", "list"], ["Lệnh không hợp lệ", "invalid command", "--store"]),
    "bench": (["bench", "--scales", "tinh"], ["Lệnh không hợp lệ", "tinh (choose from village"]),
    "command": (["khong-co"], ["Lệnh không hợp lệ", "invalid choice: 'khong-co'"]),
}  # fmt: skip


@pytest.mark.parametrize("case", list(_MISUSES))
def test_misuse_is_one_bilingual_line_and_exit_2(
    case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    argv, words = _MISUSES[case]
    monkeypatch.chdir(tmp_path)  # no file is written by a refused command
    if argv[0] in ("check", "evaluate", "export-map", "export-annex") and case != "check":
        argv.insert(1, str(DEMO_DIR))
    for lang in ("vi", "en"):
        assert main(["--lang", lang, *argv]) == 2
        captured = capsys.readouterr()
        err = captured.err.strip()
        assert "\n" not in err and "Traceback" not in err, err
        for word in words:
            assert word in err, (word, err)
    assert list(tmp_path.iterdir()) == []


def test_lang_goes_before_zones(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    store = str(tmp_path / "vung.gpkg")
    assert main(["--lang", "en", "zones", "list", "--store", store]) == 0
    assert "No weak-signal zones yet." in capsys.readouterr().out
    assert main(["zones", "list", "--store", store]) == 0
    assert "Chưa có vùng lõm sóng nào." in capsys.readouterr().out


def test_unexpected_error_is_reported_and_logged(monkeypatch: pytest.MonkeyPatch, capsys):
    import geo.plans.targets
    from geo.cli.common import LOG_FILE

    def broken(*args, **kwargs):
        raise RuntimeError("hỏng bất ngờ")

    monkeypatch.setattr(geo.plans.targets, "load_plans", broken)
    assert main(["plans"]) == 1
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "Traceback" not in err
    assert "Lỗi ngoài dự kiến (RuntimeError)" in err and "please report" in err and str(LOG_FILE) in err
    assert "hỏng bất ngờ" in LOG_FILE.read_text(encoding="utf-8")
