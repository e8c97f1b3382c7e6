"""The print map of suggested sites: numbered stars matching the annex rows, the villages each
suggestion newly covers, those still uncovered, Vietnamese text (English on request), PNG and PDF."""

from __future__ import annotations

from datetime import date

import geopandas as gpd
import numpy as np
from PIL import Image

from geo.cli.main import main
from geo.export.sites_map import SUGGESTED_STYLE, VILLAGE_STATES, sites_map_figure, village_states
from geo.export.sites_table import sites_table
from geo.plans.assessment import Assessment
from geo.scenarios.suggest import suggest_sites
from tests.builders import PLACES, cluster_dataset, embedded_fonts, pdf_text, square

MADE_ON = date(2026, 12, 1)


def _case():
    zone = gpd.GeoDataFrame(geometry=[square(39_000, -1000, 41_000, 1000)], crs="EPSG:4326")
    assessment = Assessment(cluster_dataset(PLACES))
    return assessment, suggest_sites(assessment, kinds=("public_places",), exclude=zone)


def test_villages_are_newly_covered_by_a_suggestion_or_still_uncovered():
    assessment, answer = _case()
    states = village_states(assessment, answer.sites).set_index("name")["state"]
    assert states.to_dict() == {
        "Bản A0": "new", "Bản A1": "new", "Bản B0": "new", "Bản B1": "new",
        "Bản C0": "uncovered", "Bản C1": "uncovered",
    }  # fmt: skip


def test_each_star_carries_its_annex_row_number_at_its_site():
    assessment, answer = _case()
    fig = sites_map_figure(assessment, answer.sites, made_on=MADE_ON)
    ax = fig.axes[0]
    numbers = [(t.get_text(), t.xy) for t in ax.texts if t.get_color() == SUGGESTED_STYLE["color"]]
    rows = sites_table(answer.sites, answer.uncoverable, territory="Xã", made_on=MADE_ON).rows
    assert [n for n, _ in numbers] == [str(k) for k in rows["n"]]
    metric = answer.sites.to_crs(assessment.settings.metric_crs).geometry
    assert np.allclose([xy for _, xy in numbers], np.column_stack([metric.x, metric.y]))
    words = [t.get_text() for t in fig.texts]
    assert words[0] == "Vị trí trạm BTS đề xuất – Thử nghiệm"
    assert words[1] == "2 trạm đề xuất phủ sóng thêm 4 thôn, 400 hộ; còn 2 thôn chưa được phủ"
    legend = [t.get_text() for t in fig.axes[1].get_legend().get_texts()]
    assert (
        f"{VILLAGE_STATES['uncovered'][1]} (2)" in legend
        and "Trạm BTS đề xuất (số = STT trong danh mục)" in legend
    )


def test_cli_map_as_pdf_has_the_vietnamese_text_with_embedded_fonts_and_png_is_a4_at_300_dpi(tmp_path):
    pdf, png = tmp_path / "ban_do.pdf", tmp_path / "ban_do.png"
    for out in (pdf, png):
        assert main(["suggest-sites", "--out", str(tmp_path / "de_xuat.geojson"), "--map", str(out)]) == 0
    text = pdf_text(pdf)[0]
    assert (
        "Vị trí trạm BTS đề xuất – Thị xã Sông Nậm" in text
        and "Thôn được phủ sóng thêm nhờ trạm đề xuất" in text
    )
    assert all(embedded_fonts(pdf).values())
    with Image.open(png) as image:
        assert image.size == (3508, 2480)
    assert main(["suggest-sites", "--out", "x.geojson", "--map", str(tmp_path / "a.jpg")]) == 2


def test_english_map_words():
    assessment, answer = _case()
    fig = sites_map_figure(assessment, answer.sites, lang="en", made_on=MADE_ON)
    assert fig.texts[0].get_text() == "Suggested BTS sites – Thử nghiệm"
    assert fig.texts[-1].get_text() == "Source: Thử nghiệm; suggested by vn-coverage-map. Made on 2026-12-01"
