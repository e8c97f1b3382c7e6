"""White and grey spots as informational evaluation rows (geo.plans.spots) and in the annex; the
print map, atlas and annex say which source and model decided coverage."""

from __future__ import annotations

import openpyxl
import pytest

from geo.export import export_annex, export_map
from geo.io.dataset import read_dataset
from geo.plans.assessment import Assessment
from geo.plans.spots import INFO_STATUS, SPOT_INDICATORS
from geo.plans.targets import load_plans
from tests.builders import MADE_ON, pdf_text, sites, tiny_dataset, tiny_plan
from tests.test_indicators import two_villages

# Viettel's disc covers Bản X (west) only; nobody covers Bản Y (east)
VIETTEL_WEST = sites({"xy": (1000, 1000), "operators": "Viettel", "radius_m": 1500.0})


def _rows(level: str):
    ds = two_villages({"households": 40}, {"households": 25}, bts_sites=VIETTEL_WEST)
    return Assessment(ds).spot_rows(level).set_index(["name", "indicator"])


def test_a_village_no_operator_covers_is_a_white_spot_one_operator_a_grey_spot():
    villages = _rows("village")
    assert villages.loc[("Bản Y", "white_spots_4g"), "value"] == 1
    assert villages.loc[("Bản X", "white_spots_4g"), "value"] == 0
    assert villages.loc[("Bản X", "grey_spots_4g"), "value"] == 1
    commune = _rows("commune").reset_index(level=0, drop=True)
    white = commune.loc["white_spots_4g"]
    assert (white["value"], white["numerator"], white["denominator"]) == (1, 25, 2)
    assert white["closing_vi"].startswith("Thông tin, không có chỉ tiêu: 1 thôn (25 hộ, ")
    assert white["closing_vi"].endswith("km²): Bản Y.")
    assert "Information, no target: 1 villages (25 households" in white["closing_en"]


def test_spot_rows_are_labelled_as_information_without_a_target_or_status():
    rows = _rows("commune")
    assert set(rows.index.get_level_values("indicator")) == set(SPOT_INDICATORS)
    assert set(rows["status"]) == {INFO_STATUS}
    assert rows["target"].isna().all() and set(rows["target_text"]) == {""}
    assert rows["label_vi"].str.contains("thông tin, không có chỉ tiêu").all()
    assert rows["label_en"].str.contains("information, no target").all()


@pytest.fixture(scope="module")
def demo() -> Assessment:
    return Assessment(read_dataset())


def test_evaluate_adds_spot_rows_only_when_asked(demo):
    plan = load_plans()["muong-lay-2023"]
    judged = demo.evaluate(plan, 2025, level="territory")
    both = demo.evaluate(plan, 2025, level="territory", spots=True)
    assert not judged["indicator"].isin(list(SPOT_INDICATORS)).any()  # the page's table is unchanged
    assert len(both) == len(judged) + 4
    white = both[both["indicator"] == "white_spots_4g"].iloc[0]  # Huổi Mí valley's and Phìn Hồ's far villages
    assert white["value"] == 6 and "Bản Háng Lìa" in white["closing_vi"]


def test_evaluate_command_prints_the_spot_rows(capsys):
    from geo.cli.main import main

    assert main(["evaluate", "--plan", "muong-lay-2023", "--year", "2025", "--level", "territory"]) == 0
    out = capsys.readouterr().out
    assert "Vùng trắng 4G: số thôn không nhà mạng nào phủ sóng (thông tin, không có chỉ tiêu)" in out


def test_annex_xlsx_has_the_spot_block_and_the_coverage_source_line(tmp_path):
    out = tmp_path / "a.xlsx"
    path = export_annex(tiny_dataset(tmp_path), tiny_plan(), out=out, year=2025, made_on=MADE_ON)
    ws = openpyxl.load_workbook(path)["Toàn địa bàn"]
    texts = [str(c) for row in ws.iter_rows(values_only=True) for c in row if c is not None]
    assert "Thông tin thêm, không có chỉ tiêu: vùng trắng, vùng xám (số thôn)" in texts
    assert any(t.startswith("Vùng xám 4G: số thôn chỉ một nhà mạng phủ sóng") for t in texts)
    assert "Nguồn phủ sóng: mô hình bán kính phục vụ." in texts
    summary = next(c for row in ws.iter_rows(values_only=True) for c in row if str(c).startswith("=COUNTA("))
    first_spot = next(r for r in range(1, ws.max_row + 1) if str(ws.cell(r, 2).value).startswith("Thông tin"))
    assert int(summary.split(":")[1].split(")")[0][1:]) < first_spot  # the counts judge only the plan's rows


def test_annex_docx_says_which_source_decided(tmp_path):
    docx = pytest.importorskip("docx")
    out = tmp_path / "a.docx"
    path = export_annex(tiny_dataset(tmp_path), tiny_plan(), out=out, year=2025, made_on=MADE_ON)
    doc = docx.Document(path)
    assert doc.paragraphs[-1].text == "Nguồn phủ sóng: mô hình bán kính phục vụ."
    assert doc.tables[0].rows[-4].cells[1].text.startswith("Vùng trắng 4G")


def test_print_map_says_which_source_and_model_decided(demo, tmp_path):
    plan = load_plans()["muong-lay-2023"]
    for source, words in (
        ("auto", "bản đồ nhà mạng (MobiFone, 4G/5G) ở nơi khác"),
        ("modelled", "Nguồn phủ sóng: mô hình bán kính phục vụ."),
    ):
        mine = demo.with_source(source)
        path = export_map(
            mine, mine.evaluate(plan, 2025, level="commune"), plan=plan, year=2025,
            indicator="village_mobile_bb_coverage", out=tmp_path / f"{source}.pdf", made_on=MADE_ON,
        )  # fmt: skip
        assert words in " ".join(pdf_text(path)).replace("\n", " ")
