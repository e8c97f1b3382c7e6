"""Tests for geo.plans.annex_targets: cell parsing and reading an annex-like XLSX (Mường Lay layout)."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from openpyxl.styles import Font

from geo.errors import PlanError
from geo.plans.annex_targets import parse_target_text, read_annex_targets
from geo.plans.targets import load_plans


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Trên 80%", (">", (80.0,))),
        (">60", (">", (60.0,))),
        ("> 65 %", (">", (65.0,))),
        ("37,7", (">=", (37.7,))),
        ("6.5", (">=", (6.5,))),
        ("Có", ("==", (True,))),
        ("không", ("==", (False,))),
        (True, ("==", (True,))),
        ("100", (">=", (100.0,))),
        (42, (">=", (42.0,))),
        ("25-30%", ("between", (25.0, 30.0))),
        ("25 – 30 %", ("between", (25.0, 30.0))),
        ("Tối thiểu 100", (">=", (100.0,))),
        ("Tối thiểu 50Mbps", (">=", (50.0,))),
        ("≥ 50 Mbps", (">=", (50.0,))),
        ("Dưới 5%", ("<", (5.0,))),
        ("Tối đa 5%", ("<=", (5.0,))),
        ("Duy trì 100%", (">=", (100.0,))),
        ("Trên 100 thuê bao/100 dân", (">", (100.0,))),
        ("20% trở lên", (">=", (20.0,))),
        ("1.000 Mbps", (">=", (1000.0,))),
    ],
)
def test_parse_target_text_forms(text, expected) -> None:
    assert parse_target_text(text) == expected


def test_parse_target_text_bare_number_takes_the_callers_comparator() -> None:
    assert parse_target_text("65", bare="==") == ("==", (65.0,))
    assert parse_target_text("5%", bare="<=") == ("<=", (5.0,))
    assert parse_target_text(">50", bare="==") == (">", (50.0,))  # an actual "above 50" stays ">"


@pytest.mark.parametrize("text", ["", "khoảng 80", "30-25", "Trên 25-30", "80 (dự kiến)", "Đạt"])
def test_parse_target_text_rejects_what_it_cannot_read(text: str) -> None:
    with pytest.raises(ValueError, match="cannot read"):
        parse_target_text(text)


YEARS = ["Năm 2023", "Năm 2024", "Năm 2025", "Định hướng đến năm 2030"]
HEADER = ["TT", "Các chỉ tiêu", "Đơn vị tính", "Thực hiện năm 2022", "Mục tiêu cụ thể", None, None, None]
ROWS = [  # laid out like the Mường Lay annex, starting on Excel row 5
    ["I", "Mạng viễn thông băng rộng", None, None, None, None, None, None],
    [2, "Tỷ lệ thuê bao sử dụng điện thoại thông minh/tổng thuê bao điện thoại di động.", "%", 65, 75, 80,
     ">80", 100],
    [4, "Tốc độ băng rộng di động (tốc độ tải xuống theo i-Speed).", "Mbps", "37,7", 42, 46, 50, 100],
    [7, "Tỷ lệ dùng chung vị trí trạm BTS.", "%", 40, 50, 50, 60, ">65"],
    [11, "Số thuê bao băng rộng cố định/100 dân.", "Thuê bao/100", 6, 6.5, 7, 12, 20],
    [None, None, "dân", None, None, None, None, None],  # the wrapped unit cell of the seed
    HEADER,  # the header repeated after a page break
    [None, None, None, None, *YEARS],
    [16, "Tỷ lệ khu vực công sở, công cộng (Chợ, bến cảng, ...) được phủ sóng wifi internet miễn phí.", "%",
     "20%", ">20%", ">30%", 1.0, 100],
    [12, "Số cán bộ được tập huấn kỹ năng số", "người", 10, 20, 30, 40, 50],
    ["III", "Hạ tầng công nghệ số", None, None, None, None, None, None],
    [17, "Tỷ lệ dân số từ 15 tuổi trở lên có tài khoản giao dịch thanh toán tại ngân hàng.", "%",
     ">50", ">50", ">60", "khoảng 60", ">95"],
    [18, "Triển khai công nghệ AI, blockchain, IoT hỗ trợ hiệu quả cho chương trình chuyển đổi số",
     "Có/Không", "Có", "Có", "Có", "Có", "Có"],
]  # fmt: skip
UNMAPPED_ROW = 14  # "Số cán bộ ...": 4 title/header rows, then index 9 of ROWS
BAD_CELL_ROW = 16


def _annex(path: Path) -> Path:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "Phụ lục"
    ws.append(["CÁC CHỈ TIÊU PHÁT TRIỂN Hạ tầng số thị xã Mường Lay"])
    ws.append(["(Kèm theo Kế hoạch số: 2855/KH-UBND ngày 20 tháng 11 năm 2023)"])
    ws.append(HEADER)
    ws.append([None, None, None, None, *YEARS])
    for merged in ("A1:H1", "A2:H2", "A3:A4", "B3:B4", "C3:C4", "D3:D4", "E3:H3"):
        ws.merge_cells(merged)
    for row in ROWS:
        ws.append(row)
    ws.cell(row=5, column=1).font = Font(bold=True)
    ws.cell(row=13, column=7).number_format = "0%"  # 1.0 shown as 100% in Excel
    book.create_sheet("Ghi chú").append(["không phải phụ lục"])
    book.save(path)
    return path


@pytest.fixture
def annex(tmp_path: Path):
    return read_annex_targets(_annex(tmp_path / "phu_luc.xlsx"), plan_id="muong-lay-2023")


def _key(target) -> tuple:
    return (target.indicator, target.year, target.kind, target.comparator, target.values, target.unit)


def test_annex_targets_equal_the_muong_lay_plan_file(annex) -> None:
    targets, _problems = annex
    plan = load_plans()["muong-lay-2023"]
    wanted = {"smartphone_share", "mobile_speed", "bts_site_sharing", "ai_blockchain_iot"}
    from_yaml = {_key(t) for t in plan.targets if t.indicator in wanted}
    from_xlsx = {_key(t) for t in targets if t.indicator in wanted}
    assert len(from_xlsx) == 20
    assert from_xlsx == from_yaml
    assert all(t.plan == "muong-lay-2023" for t in targets)


def test_annex_reads_baselines_percent_cells_units_and_years(annex) -> None:
    targets, _problems = annex
    found = {(t.indicator, t.year, t.kind): t for t in targets}
    assert found[("mobile_speed", 2022, "baseline")].values == (37.7,)
    assert found[("mobile_speed", 2022, "baseline")].comparator == "=="
    assert found[("public_free_wifi", 2022, "baseline")].comparator == "=="
    assert found[("public_free_wifi", 2023, "target")].comparator == ">"
    assert found[("public_free_wifi", 2025, "target")].values == (100.0,)  # the 0% formatted 1.0
    assert found[("fixed_bb_subs_per_100", 2023, "target")].values == (6.5,)
    assert found[("fixed_bb_subs_per_100", 2023, "target")].unit == "thuê bao/100 dân"
    assert found[("bank_account_15plus", 2022, "baseline")].comparator == ">"
    assert ("bank_account_15plus", 2025, "target") not in found  # its cell is unreadable
    assert (
        found[("bts_site_sharing", 2030, "target")].ref
        == "phu_luc.xlsx, dòng 8, cột Mục tiêu cụ thể Định hướng đến năm 2030"
    )
    assert {t.year for t in targets} == {2022, 2023, 2024, 2025, 2030}


def test_annex_reports_unmappable_rows_and_unreadable_cells(annex) -> None:
    _targets, problems = annex
    assert [(p.severity, p.row) for p in problems] == [("error", UNMAPPED_ROW), ("error", BAD_CELL_ROW)]
    unmapped, bad_cell = problems
    assert "Số cán bộ được tập huấn" in unmapped.message_vi
    assert "Closest:" in unmapped.message_en and "«" in unmapped.message_en
    assert unmapped.where() == f"phu_luc.xlsx, dòng {UNMAPPED_ROW}"
    assert "khoảng 60" in bad_cell.message_vi and "Năm 2025" in bad_cell.message_vi
    assert "Trên 80%" in bad_cell.fix_vi


def test_annex_aliases_map_a_local_wording(tmp_path: Path) -> None:
    path = _annex(tmp_path / "phu_luc.xlsx")
    targets, problems = read_annex_targets(
        path, plan_id="x", sheet="Phụ lục", aliases={"số cán bộ được tập huấn kỹ năng số": "internet_users"}
    )
    assert [(p.severity, p.row) for p in problems] == [("warning", UNMAPPED_ROW), ("error", BAD_CELL_ROW)]
    assert "người" in problems[0].message_vi  # the unit does not fit internet_users (%)
    internet = [t.values[0] for t in targets if t.indicator == "internet_users"]
    assert internet == [10.0, 20.0, 30.0, 40.0, 50.0]


def test_annex_lower_is_better_bare_number_is_an_upper_bound(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    book.active.append(["STT", "Chỉ tiêu", "Đơn vị", "2025"])
    book.active.append([1, "Số người chỉ sử dụng điện thoại 2G", "%", "5"])
    book.save(tmp_path / "a.xlsx")
    targets, problems = read_annex_targets(tmp_path / "a.xlsx", plan_id="x")
    assert problems == []
    assert [(t.indicator, t.year, t.comparator, t.values) for t in targets] == [
        ("only_2g_users", 2025, "<=", (5.0,))
    ]


def test_annex_missing_sheet_or_header_raises(tmp_path: Path) -> None:
    path = _annex(tmp_path / "phu_luc.xlsx")
    with pytest.raises(PlanError, match="Ghi chú"):
        read_annex_targets(path, plan_id="x", sheet="Sheet9")
    with pytest.raises(PlanError, match="TT"):
        read_annex_targets(path, plan_id="x", sheet="Ghi chú")
    (tmp_path / "bad.xlsx").write_text("not excel", encoding="utf-8")
    with pytest.raises(PlanError, match=r"\.xlsx"):
        read_annex_targets(tmp_path / "bad.xlsx", plan_id="x")
