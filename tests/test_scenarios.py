"""Scenarios: reading a planner's file, applying it to a copy, and the plan's targets before / after."""

from __future__ import annotations

import pandas as pd

from geo.cli.main import main
from geo.export.sites_table import KIND_WORDS
from geo.plans.assessment import Assessment
from geo.scenarios import apply_scenario, read_scenario
from geo.scenarios.model import CHANGE_WORDS, CHANGES
from geo.scenarios.suggest import CANDIDATE_KINDS
from tests.builders import dataset, points, units

SITES = [
    {"xy": (0, 0), "operators": "Viettel", "site_id": "S1"},
    {"xy": (5, 0), "operators": "VNPT", "site_id": "S1b"},  # merged with S1: a shared site
    {"xy": (3000, 0), "operators": "Viettel", "site_id": "S2", "technologies": "2G;3G"},
    {"xy": (6000, 0), "operators": "MobiFone", "site_id": "S3"},
]


def _dataset():
    return dataset(
        communes=units([{"uid": "X", "name": "Xã", "box": (-1000, -1000, 7000, 1000)}]),
        villages=units(
            [
                {
                    "uid": "X/a",
                    "parent_uid": "X",
                    "name": "Bản A",
                    "box": (-1000, -1000, 3000, 1000),
                    "ftth": 0,
                },
                {
                    "uid": "X/b",
                    "parent_uid": "X",
                    "name": "Bản B",
                    "box": (3000, -1000, 7000, 1000),
                    "ftth": 0,
                },
            ]
        ),
        bts_sites=points([{"technologies": "4G", **row} for row in SITES]),
    )


def _xlsx(tmp_path, rows) -> str:
    path = tmp_path / "kich_ban.xlsx"
    pd.DataFrame(rows).to_excel(path, index=False)
    return str(path)


def _sharing(assessment: Assessment) -> tuple[float, float]:
    c = assessment.computed
    row = c[(c["uid"] == "territory") & (c["indicator"] == "bts_site_sharing")].iloc[0]
    return float(row["numerator"]), float(row["denominator"])


def test_adding_an_operator_to_a_single_operator_site_shares_exactly_one_more_site(tmp_path):
    before = _dataset()
    scenario = read_scenario(
        _xlsx(tmp_path, [{"change": "dùng chung", "site_id": "S3", "operators": "Viettel"}])
    )
    after = apply_scenario(before, scenario)
    assert _sharing(Assessment(before)) == (1.0, 3.0)
    assert _sharing(Assessment(after)) == (2.0, 3.0)
    assert len(before.layers["bts_sites"]) == 4 and len(after.layers["bts_sites"]) == 5  # original untouched


def test_upgrades_new_sites_wifi_and_ftth_change_only_the_copy(tmp_path):
    before = _dataset()
    rows = [
        {"change": "nâng cấp", "site_id": "S2", "technologies": "4G"},
        {"change": "new_site", "operators": "VNPT", "technologies": "4G;5G", "lon": 103.25, "lat": 22.0},
        {"change": "wifi", "name": "Nhà văn hoá", "lon": 103.2, "lat": 22.0},
        {"change": "cáp quang", "village": "Bản B"},
    ]
    after = apply_scenario(before, read_scenario(_xlsx(tmp_path, rows)))
    sites = after.layers["bts_sites"].set_index("site_id")
    assert sites.loc["S2", "technologies"] == "2G;3G;4G"
    assert before.layers["bts_sites"].set_index("site_id").loc["S2", "technologies"] == "2G;3G"
    assert sites.loc["KB-3", "operators"] == "VNPT"  # named after its row in the file
    assert after.layers["wifi_points"]["free"].tolist() == [True]
    assert after.layers["villages"]["ftth"].tolist() == [0, True]
    assert before.layers["villages"]["ftth"].tolist() == [0, 0]


def test_unusable_rows_are_reported_in_both_languages_with_file_and_row(tmp_path):
    rows = [
        {"change": "xây mới", "operators": "VNPT"},
        {"change": "new_site", "operators": "VNPT"},
        {"change": "share", "site_id": "KHÔNG-CÓ", "operators": "VNPT"},
    ]
    scenario = read_scenario(_xlsx(tmp_path, rows))
    vi = [p.text("vi") for p in scenario.problems]
    assert vi == [
        "LỖI [kich_ban.xlsx, dòng 2] thay đổi 'xây mới' không rõ → Cách sửa: ghi new_site, upgrade, share, "
        "wifi hoặc ftth ở cột change",
        "LỖI [kich_ban.xlsx, dòng 3] trạm/điểm mới không có toạ độ → Cách sửa: điền lon/lat (WGS84) "
        "hoặc vẽ điểm",
    ]
    apply_scenario(_dataset(), scenario)
    assert scenario.problems[-1].text("en") == (
        "ERROR [kich_ban.xlsx, row 4] no site 'KHÔNG-CÓ' in the dataset → Fix: check the id or name"
    )


def test_demo_suggested_sites_bring_village_coverage_to_the_muong_lay_target(tmp_path, capsys):
    out = tmp_path / "de_xuat.geojson"
    assert main(["suggest-sites", "--exact", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "Tối ưu: 3 trạm; chênh lệch: 0,0 %" in printed
    argv = ["evaluate", "--plan", "muong-lay-2023", "--year", "2025", "--level", "territory"]
    assert main([*argv, "--scenario", str(out)]) == 0
    lines = capsys.readouterr().out.splitlines()
    village = [
        line for line in lines if "Tỷ lệ thôn (bản, tổ dân phố) được phủ sóng di động băng rộng" in line
    ]
    assert village == [
        "Thị xã Sông Nậm (dữ liệu mô phỏng) — Tỷ lệ thôn (bản, tổ dân phố) được phủ sóng di động băng rộng: "
        "90 % → 100 % — đạt (trước: chưa đạt)"
    ]
    table = tmp_path / "truoc_sau.csv"
    assert main([*argv, "--scenario", str(out), "--out", str(table)]) == 0
    frame = pd.read_csv(table)
    row = frame[frame["indicator"] == "village_mobile_bb_coverage"].iloc[0]
    assert (row["value_before"], row["status_before"], row["value"], row["change"]) == (
        90.0,
        "missed",
        100.0,
        10.0,
    )


def test_the_after_side_reuses_speeds_and_hierarchy_yet_equals_a_full_evaluation():
    from geo.io.dataset import read_dataset
    from geo.plans.targets import load_plans
    from geo.scenarios.compare import assess_scenario
    from geo.settings import DEMO_DIR

    demo, plan = read_dataset(DEMO_DIR), load_plans()["muong-lay-2023"]
    scenario = read_scenario_rows(
        [{"change": "share", "site_id": "MBF-DBN-103", "operators": "Viettel"}], name="kb"
    )
    keys = ["uid", "indicator"]
    full = Assessment(apply_scenario(demo, scenario)).evaluate(plan, 2025, level="commune")
    lean = assess_scenario(Assessment(demo), scenario).evaluate(plan, 2025, level="commune")
    pd.testing.assert_frame_equal(
        full.sort_values(keys).reset_index(drop=True), lean.sort_values(keys).reset_index(drop=True)
    )


def read_scenario_rows(rows, *, name):
    """A scenario from rows, through the same checks as a file."""
    import geopandas as gpd

    from geo.scenarios.model import _checked

    return _checked(
        gpd.GeoDataFrame(pd.DataFrame(rows), geometry=[None] * len(rows), crs=4326), "kb.xlsx", name, 2
    )


def test_cli_usage_errors_are_one_bilingual_line_with_exit_2(capsys):
    assert main(["evaluate", "--plan", "muong-lay-2023", "--year", "2025", "--scenario", "khong_co"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("Không có kịch bản 'khong_co'") and " / No scenario 'khong_co'" in err
    assert main(["suggest-sites", "--goal", "cover-households", "--out", "x.geojson"]) == 2
    assert "cover-households needs --max-sites N" in capsys.readouterr().err


def test_suggestions_saved_as_xlsx_read_back_as_the_same_scenario(tmp_path):
    from geo.io.dataset import read_dataset
    from geo.scenarios import write_scenario
    from geo.scenarios.suggest import suggest_sites, suggestion_scenario
    from geo.settings import DEMO_DIR

    scenario = suggestion_scenario(suggest_sites(read_dataset(DEMO_DIR)), name="de_xuat")
    back = read_scenario(write_scenario(scenario, tmp_path / "de_xuat.xlsx"))
    assert back.problems == []
    cols = ["change", "site_id", "operators", "technologies"]
    pd.testing.assert_frame_equal(
        pd.DataFrame(back.changes[cols]).astype(str), pd.DataFrame(scenario.changes[cols]).astype(str)
    )
    assert back.changes.geometry.geom_equals_exact(scenario.changes.geometry, 1e-9).all()


def test_the_page_has_words_for_every_change_and_candidate_kind_in_both_languages():
    # the scenarios page shows "Thêm nhà mạng dùng chung", never the file's "share"
    for lang in ("vi", "en"):
        assert set(CHANGE_WORDS[lang]) == set(CHANGES.values())
        assert set(KIND_WORDS[lang]) == set(CANDIDATE_KINDS)
    assert CHANGE_WORDS["vi"]["share"] == "Thêm nhà mạng dùng chung"
