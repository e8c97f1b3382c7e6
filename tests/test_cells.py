"""Written tables never carry live formulas from data, and print figures at the indicator's precision."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd
import pytest

from geo.plans.cells import round_figures, safe_frame, write_csv, write_xlsx

HOSTILE = ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1:A2)", "\tTab", "\rCR"]


def _table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "name": [*HOSTILE, "Bản Huổi Mí"],
            "indicator": ["business_platform_use"] * 7,
            "value": [97.6] * 7,
            "gap": [2.4000000000000057, -1.25, 0.0, 1.0, 2.0, 3.0, 4.0],
        }
    )


@pytest.mark.parametrize("text", HOSTILE)
def test_text_that_a_spreadsheet_would_run_gets_an_apostrophe(text):
    out = safe_frame(pd.DataFrame({"name": [text]}))
    assert out.loc[0, "name"] == "'" + text


def test_plain_names_and_numbers_are_left_as_they_are():
    out = safe_frame(pd.DataFrame({"name": ["Bản Huổi Mí", None], "gap": [-2.5, 1.0]}))
    assert out.loc[0, "name"] == "Bản Huổi Mí"
    assert pd.isna(out.loc[1, "name"])
    assert out["gap"].tolist() == [-2.5, 1.0]


def test_the_csv_holds_no_cell_that_starts_a_formula_and_gaps_are_rounded():
    text = write_csv(_table()).decode("utf-8-sig")
    rows = pd.read_csv(io.StringIO(text), keep_default_na=False)
    assert not rows["name"].str.startswith(("=", "+", "-", "@", "\t", "\r")).any()
    assert rows.loc[0, "name"] == "'=cmd|' /C calc'!A0"
    assert "2.4000000000000057" not in text
    assert rows.loc[0, "gap"] == 2.4
    assert rows.loc[1, "gap"] == -1.2  # numbers stay numbers, negative ones too (rounded half to even)


def test_the_xlsx_has_string_cells_only_for_text_and_numbers_for_figures():
    book = openpyxl.load_workbook(io.BytesIO(write_xlsx({"Đánh giá": _table()})))
    sheet = book["Đánh giá"]
    names = [sheet.cell(row=r, column=1) for r in range(2, 9)]
    assert all(cell.data_type == "s" for cell in names)
    assert names[0].value == "'=cmd|' /C calc'!A0"
    gaps = [sheet.cell(row=r, column=4).value for r in range(2, 9)]
    assert gaps[0] == 2.4 and isinstance(gaps[0], float)


def test_each_indicator_rounds_at_its_own_precision():
    frame = pd.DataFrame(
        {
            "indicator": ["village_mobile_bb_coverage", "cloud_accounts_per_person"],
            "value": [71.9298245614035, 0.456789],
        }
    )
    assert round_figures(frame)["value"].tolist() == [71.9, 0.46]


def test_the_cli_evaluation_workbook_keeps_a_hostile_unit_name_as_text(tmp_path):
    import shutil

    import geopandas as gpd

    from geo.cli.main import main
    from geo.settings import DEMO_DIR

    folder = tmp_path / "demo"
    shutil.copytree(DEMO_DIR, folder)
    villages = gpd.read_file(folder / "thon_ban.geojson")
    name_column = "Tên thôn"  # the demo manifest maps it to the village name
    villages.loc[0, name_column] = HOSTILE[0]
    villages.to_file(folder / "thon_ban.geojson", driver="GeoJSON")
    out = tmp_path / "danh_gia.xlsx"
    args = [
        str(folder),
        "--plan",
        "muong-lay-2023",
        "--year",
        "2025",
        "--level",
        "village",
        "--out",
        str(out),
    ]
    assert main(["evaluate", *args]) == 0
    sheet = openpyxl.load_workbook(out).active
    header = [c.value for c in sheet[1]]
    names = [row[header.index("name")] for row in sheet.iter_rows(min_row=2)]
    hostile = [cell for cell in names if HOSTILE[0] in str(cell.value)]
    assert hostile and all(c.data_type == "s" and c.value == "'" + HOSTILE[0] for c in hostile)
    gaps = [row[header.index("gap")].value for row in sheet.iter_rows(min_row=2)]
    assert all(g is None or round(g, 1) == g for g in gaps)  # figures at the indicator's precision
