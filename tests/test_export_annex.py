"""The annex tables: XLSX in the plans' layout (rows, values, statuses, formulas, print setup) and DOCX."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from openpyxl import load_workbook

from geo.errors import GeoError
from geo.export import export_annex
from geo.export.annex import annex_years
from geo.settings import DEMO_DIR
from tests.builders import MADE_ON, tiny_dataset, tiny_evaluation, tiny_plan

HEADER = ["TT", "Các chỉ tiêu", "Đơn vị tính", "Thực hiện năm 2023", "Năm 2024", "Năm 2025",
          "Hiện trạng 2025", "Đánh giá", "Ghi chú"]  # fmt: skip


def _evaluations() -> dict[int, pd.DataFrame]:
    """Year → territory and commune rows together, as export_annex expects."""
    return {
        year: pd.concat([ev["territory"], ev["commune"]])
        for year in (2024, 2025)
        if (ev := tiny_evaluation(year))
    }


@pytest.fixture
def workbook(tmp_path):
    path = export_annex(tiny_dataset(tmp_path), tiny_plan(), out=tmp_path / "phu_luc.xlsx",
                        evaluations=_evaluations(), year=2025, made_on=MADE_ON)  # fmt: skip
    return load_workbook(path)


def _rows(ws, first: int = 7, last: int = 13) -> list[tuple]:
    return [row[:8] for row in ws.iter_rows(min_row=first, max_row=last, values_only=True)]


def test_years_of_the_plan():
    assert annex_years(tiny_plan()) == (2023, (2024, 2025))


def test_territory_sheet_has_the_plans_rows_in_annex_order(workbook):
    assert workbook.sheetnames == ["Toàn địa bàn", "Xã Thử Một", "Xã Thử Hai"]
    ws = workbook["Toàn địa bàn"]
    assert ws["A1"].value == "PHỤ LỤC"
    assert "XÃ THỬ NGHIỆM ĐÔNG HÀ" in ws["A2"].value and "HIỆN TRẠNG NĂM 2025" in ws["A2"].value
    assert ws["E5"].value == "Mục tiêu cụ thể"
    assert [ws.cell(6 if 5 <= c <= 6 else 5, c).value for c in range(1, 10)] == HEADER
    speed = "Tốc độ băng rộng di động (tốc độ tải xuống theo i-Speed)"
    coverage = "Tỷ lệ thôn (bản, tổ dân phố) được phủ sóng di động băng rộng"
    bank = (
        "Tỷ lệ dân số từ 15 tuổi trở lên có tài khoản giao dịch thanh toán tại ngân hàng hoặc tổ chức "
        "được phép khác"
    )
    assert _rows(ws) == [
        ("I", "Mạng viễn thông băng rộng", None, None, None, None, None, None),
        (1, speed, "Mbit/s", None, None, "≥ 50", 43.6, "Chưa đạt"),
        (2, coverage, "%", 50, "≥ 80", "≥ 100", 75, "Chưa đạt"),
        (3, "Tỷ lệ dùng chung vị trí trạm BTS", "%", None, None, "25–30", 50, "Chưa đạt"),
        ("III", "Hạ tầng công nghệ số", None, None, None, None, None, None),
        (4, bank, "%", None, None, "> 60", 74.6, "Đạt"),
        (
            5,
            "Triển khai công nghệ AI, blockchain, IoT",
            "có/không",
            None,
            None,
            "Có",
            None,
            "Không có dữ liệu",
        ),
    ]
    assert ws["I9"].value == "Còn thiếu 1,5 % so với mục tiêu."  # the evaluation's words, decimal comma


def test_statuses_are_coloured_and_each_years_target_tinted(workbook):
    ws = workbook["Toàn địa bàn"]
    assert ws["H9"].fill.start_color.rgb.endswith("D55E00")  # missed
    assert ws["H11"].fill.start_color.rgb.endswith("F2F2F2")  # group row III
    assert ws["H12"].fill.start_color.rgb.endswith("009E73")  # met
    assert ws["H13"].fill.start_color.rgb.endswith("BBBBBB")  # no data
    assert ws["E9"].fill.start_color.rgb.endswith("F7DCCB")  # 2024: 75 % against ≥ 80 → missed, tinted
    assert ws["E8"].fill.fill_type is None  # no 2024 target for the speed: untinted


def test_summary_counts_statuses_with_formulas(workbook):
    ws = workbook["Toàn địa bàn"]
    labels = {ws.cell(r, 2).value: ws.cell(r, 8).value for r in range(14, 22)}
    assert labels["Số chỉ tiêu được đánh giá năm 2025"] == "=COUNTA(H7:H13)"
    assert labels["Số chỉ tiêu đạt"] == '=COUNTIF(H7:H13,"Đạt")'
    assert labels["Số chỉ tiêu chưa đạt"] == '=COUNTIF(H7:H13,"Chưa đạt")'
    assert labels["Số chỉ tiêu không có dữ liệu"] == '=COUNTIF(H7:H13,"Không có dữ liệu")'
    assert labels["Tỷ lệ chỉ tiêu đạt (trên số chỉ tiêu có dữ liệu)"] == '=IFERROR(H16/(H16+H17),"")'


def test_print_setup_is_a4_landscape_fit_to_width_with_repeated_headers(workbook):
    for ws in workbook.worksheets:
        assert ws.page_setup.orientation == "landscape"
        assert int(ws.page_setup.paperSize) == 9  # A4
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0)
        assert ws.print_title_rows == "$5:$6"
        assert ws.column_dimensions["B"].width == 52
        assert ws["B8"].alignment.wrap_text


def test_commune_sheets_have_their_own_values_and_no_territory_baseline(workbook):
    ws = workbook["Xã Thử Hai"]
    assert "XÃ THỬ HAI" in ws["A2"].value
    assert "toàn địa bàn" in ws["A4"].value  # says why the baseline column is empty
    rows = {row[1]: row for row in _rows(ws)}
    coverage = rows["Tỷ lệ thôn (bản, tổ dân phố) được phủ sóng di động băng rộng"]
    assert coverage[3:] == (None, "≥ 80", "≥ 100", 50, "Chưa đạt")
    speed = rows["Tốc độ băng rộng di động (tốc độ tải xuống theo i-Speed)"]
    assert speed[6:] == (12, "Không đủ mẫu")
    sharing = rows["Tỷ lệ dùng chung vị trí trạm BTS"]
    assert sharing[6:] == (None, None)  # not evaluated for the commune: no status invented


def test_docx_has_the_territory_table(tmp_path):
    docx = pytest.importorskip("docx")
    path = export_annex(tiny_dataset(tmp_path), tiny_plan(), out=tmp_path / "phu_luc.docx",
                        evaluations=_evaluations(), year=2025, made_on=MADE_ON)  # fmt: skip
    doc = docx.Document(path)
    assert doc.sections[0].page_width > doc.sections[0].page_height  # landscape
    assert doc.paragraphs[0].text == "PHỤ LỤC"
    table = doc.tables[0]
    assert [c.text for c in table.rows[0].cells] == HEADER
    assert len(table.rows) == 1 + 7 + 5  # header, the plan's rows, then the white/grey-spot block
    assert [c.text for c in table.rows[3].cells][:8] == [
        "2", "Tỷ lệ thôn (bản, tổ dân phố) được phủ sóng di động băng rộng", "%", "50", "≥ 80", "≥ 100", "75",
        "Chưa đạt",
    ]  # fmt: skip
    assert table.rows[5].cells[1].text == "Hạ tầng công nghệ số"


def test_default_year_is_the_latest_target_year_so_far(tmp_path):
    path = export_annex(tiny_dataset(tmp_path), tiny_plan(), out=tmp_path / "a.xlsx",
                        evaluations=_evaluations(), made_on=date(2024, 12, 31))  # fmt: skip
    ws = load_workbook(path)["Toàn địa bàn"]
    assert ws["G5"].value == "Hiện trạng 2024"
    assert ws["G9"].value == 75 and ws["H9"].value == "Chưa đạt"


def test_other_formats_are_refused(tmp_path):
    with pytest.raises(GeoError, match=r"dùng \.xlsx hoặc \.docx"):
        export_annex(tiny_dataset(tmp_path), tiny_plan(), out=tmp_path / "a.csv", evaluations=_evaluations())


@pytest.mark.skipif(not (DEMO_DIR / "dataset.yaml").exists(), reason="data/demo not generated")
def test_demo_annex_evaluates_the_plan_itself(tmp_path):
    from geo.io.dataset import read_dataset
    from geo.plans.targets import load_plans

    dataset = read_dataset(DEMO_DIR)
    path = export_annex(dataset, load_plans()["quang-trung-2023"], out=tmp_path / "qt.xlsx", made_on=MADE_ON)
    wb = load_workbook(path)
    assert wb.sheetnames[0] == "Toàn địa bàn" and len(wb.sheetnames) == 1 + len(dataset.layers["communes"])
    ws = wb["Toàn địa bàn"]
    assert [ws.cell(5, c).value for c in (1, 2, 3, 4, 5, 6, 7)] == [
        "TT", "Các chỉ tiêu", "Đơn vị tính", "Mục tiêu cụ thể", "Hiện trạng 2025", "Đánh giá", "Ghi chú"
    ]  # fmt: skip
    assert ws["D6"].value == "Năm 2025"  # no baseline column: this plan states none
    assert (ws["A8"].value, ws["B8"].value) == (1, "Số thuê bao băng rộng di động/100 dân")
    statuses = {ws.cell(r, 6).value for r in range(8, 18)} - {None}  # body rows (7 is group I)
    assert statuses and statuses <= {"Đạt", "Chưa đạt", "Không có dữ liệu", "Không đủ mẫu"}
