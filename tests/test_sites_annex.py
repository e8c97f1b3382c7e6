"""The annex of suggested sites "Danh mục vị trí trạm BTS đề xuất": the same numbered rows in XLSX and
DOCX, Vietnamese by default and English on request, the villages still uncovered noted under the table."""

from __future__ import annotations

from datetime import date

import geopandas as gpd
from docx import Document
from openpyxl import load_workbook

from geo.cli.main import main
from geo.export.annex_sites import write_sites_xlsx
from geo.export.annex_sites_docx import write_sites_docx
from geo.scenarios.suggest import suggest_sites
from tests.builders import PLACES, cluster_dataset, square

MADE_ON = date(2026, 12, 1)


def _answer():
    zone = gpd.GeoDataFrame(geometry=[square(39_000, -1000, 41_000, 1000)], crs="EPSG:4326")
    return suggest_sites(cluster_dataset(PLACES), kinds=("public_places",), exclude=zone)


def _docx_rows(path) -> list[list[str]]:
    table = Document(path).tables[0]
    return [[cell.text for cell in row.cells] for row in table.rows]


def test_the_word_annex_has_the_title_the_headers_and_one_numbered_row_per_site(tmp_path):
    answer = _answer()
    out = write_sites_docx(
        answer.sites, answer.uncoverable, territory="Xã", out=tmp_path / "pl.docx", made_on=MADE_ON
    )
    doc = Document(out)
    paragraphs = [p.text for p in doc.paragraphs if p.text]
    assert paragraphs[:2] == [
        "DANH MỤC VỊ TRÍ TRẠM BTS ĐỀ XUẤT – XÃ",
        "(Đề xuất của công cụ bản đồ phủ sóng; lập ngày 01/12/2026)",
    ]
    assert paragraphs[-1] == "Thôn không vị trí ứng viên nào phủ được (2): Bản C0; Bản C1"
    rows = _docx_rows(out)
    assert rows[0][:4] == ["STT", "Mã trạm", "Loại vị trí", "Nhà mạng"]
    assert [r[:3] for r in rows[1:]] == [["1", "DX-001", "Đất công"], ["2", "DX-002", "Đất công"]]
    assert rows[1][5].startswith("103,") and rows[1][8] == answer.sites["villages"].iat[0]
    assert doc.sections[0].page_width > doc.sections[0].page_height  # A4 landscape


def test_xlsx_and_docx_carry_the_same_rows_and_english_when_asked(tmp_path):
    answer = _answer()
    common = {"territory": "Xã", "made_on": MADE_ON, "lang": "en"}
    xlsx = write_sites_xlsx(answer.sites, answer.uncoverable, out=tmp_path / "pl.xlsx", **common)
    docx = write_sites_docx(answer.sites, answer.uncoverable, out=tmp_path / "pl.docx", **common)
    ws = load_workbook(xlsx)["Suggested BTS sites"]
    sheet = [[c.value for c in row] for row in ws.iter_rows(min_row=3, max_row=3 + len(answer.sites))]
    words = _docx_rows(docx)
    assert sheet[0] == words[0] and sheet[0][:3] == ["No.", "Site id", "Kind of location"]
    for cells, texts in zip(sheet[1:], words[1:], strict=True):  # same cells; Word writes numbers as text
        assert [str(c) for c in cells[:5]] == texts[:5] and cells[8] == texts[8]
        assert f"{cells[5]:.6f}".rstrip("0") == texts[5]
    assert ws["A1"].value == "LIST OF SUGGESTED BTS SITES – Xã"
    assert (
        ws.cell(4 + len(answer.sites) + 1, 1).value == "Villages no candidate can cover (2): Bản C0; Bản C1"
    )


def test_cli_writes_the_annex_as_docx(tmp_path, capsys):
    out = tmp_path / "phu_luc.docx"
    assert main(["suggest-sites", "--out", str(tmp_path / "de_xuat.geojson"), "--annex", str(out)]) == 0
    assert str(out) in capsys.readouterr().out
    rows = _docx_rows(out)
    assert rows[0][0] == "STT" and [r[0] for r in rows[1:]] == [str(k) for k in range(1, len(rows))]
    assert main(["suggest-sites", "--out", "x.geojson", "--annex", str(tmp_path / "a.pdf")]) == 2
