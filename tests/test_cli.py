"""The stable command line (DESIGN.md "Public surface") that planners and checks script against."""

import json
from pathlib import Path

import pandas as pd
import pytest
from PIL import Image

from geo.cli.main import main


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
