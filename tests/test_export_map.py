"""Print-ready maps: paper size and dpi, Vietnamese text and embedded fonts, statuses, labels.

The builders (``tiny_dataset``, ``tiny_plan``, ``tiny_evaluation``) are in :mod:`tests.builders`.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
from matplotlib.figure import Figure
from PIL import Image
from shapely.geometry import box

from geo.errors import GeoError
from geo.export import draw
from geo.export.draw import add_scale_bar, place_labels, status_units
from geo.export.map import export_map
from geo.plans.assessment import Assessment
from geo.settings import DEMO_DIR
from tests.builders import (
    MADE_ON,
    VILLAGE_COVERAGE,
    embedded_fonts,
    pdf_text,
    tiny_dataset,
    tiny_evaluation,
    tiny_plan,
)


def image_info(path: Path) -> tuple[tuple[int, int], tuple[float, float], int]:
    """Size in pixels, dpi and number of distinct colours (on a 64 × 64 thumbnail) of a PNG."""
    with Image.open(path) as image:
        colours = len(image.convert("RGB").resize((64, 64)).getcolors(4096) or ())
        return image.size, image.info["dpi"], colours


def _export(tmp_path: Path, name: str, **options) -> Path:
    evaluation = tiny_evaluation()
    options.setdefault("indicator", VILLAGE_COVERAGE)
    return export_map(
        tiny_dataset(tmp_path), options.pop("evaluation", evaluation["village"]), plan=tiny_plan(), year=2025,
        out=tmp_path / name, made_on=MADE_ON, **options,
    )  # fmt: skip


def test_png_has_the_paper_size_in_pixels_and_the_dpi(tmp_path):
    size, dpi, colours = image_info(_export(tmp_path, "a4.png", dpi=100))
    assert size == (1169, 827)  # 297 × 210 mm at 100 dpi, rounded
    assert dpi == pytest.approx((100, 100), abs=0.01)
    assert colours > 5
    size, dpi, _ = image_info(_export(tmp_path, "a3.png", paper="A3", orientation="portrait", dpi=50))
    assert size == (585, 827)  # 297 × 420 mm at 50 dpi
    assert dpi == pytest.approx((50, 50), abs=0.05)  # PNG stores whole pixels per metre


def test_png_pixels_are_rounded_not_truncated(tmp_path):
    # 297 mm at 150 dpi is 1753.9 px: a planner's A4 at 150 dpi is 1754 × 1240 (at 300 dpi, 3508 × 2480)
    assert image_info(_export(tmp_path, "a4_150.png", dpi=150))[0] == (1754, 1240)


def test_pdf_has_vietnamese_title_legend_and_source_with_embedded_font_and_is_reproducible(tmp_path):
    path = _export(tmp_path, "map.pdf", layers=("bts", "wifi", "ftth"))
    assert _export(tmp_path, "again.pdf", layers=("bts", "wifi", "ftth")).read_bytes() == path.read_bytes()
    text = pdf_text(path)[0]
    assert "Tỷ lệ thôn (bản, tổ dân phố) được phủ sóng di động băng rộng" in text.replace("\n", " ")
    for label in (
        "Đạt (2)",
        "Chưa đạt (1)",
        "Không có dữ liệu (1)",
        "Trạm BTS dùng chung",
        "Điểm Wi-Fi miễn phí",
    ):
        assert label in text
    assert "Nguồn: Xã Thử Nghiệm Đông Hà; kế hoạch thu-nghiem-2024" in text
    assert "Lập ngày 23/11/2026" in text
    assert "Bản Huổi Lóng" in text  # village labels, with tone marks
    fonts = embedded_fonts(path)
    assert fonts and all(fonts.values())
    assert any("DejaVuSans" in name for name in fonts)


def test_svg_draws_text_as_paths_and_carries_the_date(tmp_path):
    svg = _export(tmp_path, "map.svg", orientation="portrait").read_text(encoding="utf-8")
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    assert "<text" not in svg  # glyphs are paths: diacritics look the same without the font
    assert "2026-11-23" in svg


def test_unit_map_shows_the_communes_villages_and_no_data_for_missing_rows(tmp_path):
    units = status_units(
        tiny_dataset(tmp_path), tiny_evaluation()["village"], indicator=VILLAGE_COVERAGE, unit="90002"
    )
    assert dict(zip(units["name"], units["status"], strict=True)) == {
        "Tổ dân phố 1": "met",
        "Tổ dân phố 2": "no data",
    }
    path = _export(tmp_path, "unit.pdf", unit="90002", orientation="portrait")
    text = pdf_text(path)[0]
    assert "Xã Thử Hai, Xã Thử Nghiệm Đông Hà" in text.replace("\n", " ")
    assert "Vị trí trong địa bàn" in text
    assert "Bản Nà Lếch" not in text  # villages of the other commune are not drawn


def test_commune_level_map_draws_every_commune(tmp_path):
    units = status_units(tiny_dataset(tmp_path), tiny_evaluation()["commune"], indicator="mobile_speed")
    assert dict(zip(units["uid"], units["status"], strict=True)) == {
        "90001": "met",
        "90002": "insufficient samples",
    }


def test_unknown_indicator_unit_layer_or_format_is_refused_in_both_languages(tmp_path):
    with pytest.raises(GeoError, match="không có chỉ tiêu 'fixed_speed'") as err:
        _export(tmp_path, "x.png", indicator="fixed_speed")
    assert "village_mobile_bb_coverage" in err.value.en
    with pytest.raises(GeoError, match="Không có đơn vị mã '99999'"):
        _export(tmp_path, "x.png", unit="99999")
    with pytest.raises(GeoError, match="Lớp bản đồ không có: roads"):
        _export(tmp_path, "x.png", layers=("roads",))
    with pytest.raises(GeoError, match=r"dùng \.png, \.pdf hoặc \.svg"):
        _export(tmp_path, "x.jpg")


def test_labels_that_would_collide_are_dropped():
    fig = Figure(figsize=(4, 4))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set(xlim=(0, 1000), ylim=(0, 1000), aspect="equal")
    near = gpd.GeoDataFrame(
        {"name": ["Bản Phiêng Luông", "Bản Phiêng Lơi", "Bản Xa", "Bản Nhỏ Quá Không Vừa Nhãn"]},
        geometry=[
            box(300, 400, 600, 600),
            box(320, 380, 620, 580),
            box(0, 0, 300, 200),
            box(800, 800, 810, 810),
        ],
    )
    n = place_labels(ax, near, fontsize=8)
    placed = [t for t in ax.texts if not t.get_path_effects()]  # not the halos
    names = [t.get_text() for t in placed]
    assert n == len(placed) and "Bản Xa" in names and "Bản Phiêng Luông" in names  # the roomier unit first
    assert "Bản Nhỏ Quá Không Vừa Nhãn" not in names  # far wider than its 10 m unit
    renderer = fig.canvas.get_renderer() if hasattr(fig.canvas, "get_renderer") else None
    boxes = [t.get_window_extent(renderer) for t in placed]
    assert not any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[:i])  # moved, never overprinted


def test_scale_bar_is_a_round_fifth_of_the_map_width():
    ax = Figure().add_axes((0, 0, 1, 1))
    ax.set(xlim=(0, 12_000), ylim=(0, 8_000))
    assert add_scale_bar(ax) == 2000.0
    ax.set(xlim=(0, 3_000))
    assert add_scale_bar(ax) == 500.0


@pytest.mark.skipif(not (DEMO_DIR / "dataset.yaml").exists(), reason="data/demo not generated")
def test_demo_map_with_every_overlay(tmp_path):
    from geo.io.dataset import read_dataset
    from geo.plans.targets import load_plans

    dataset = read_dataset(DEMO_DIR)
    plan = load_plans()["muong-lay-2023"]
    evaluation = Assessment(dataset).evaluate(plan, 2025, level="village")
    path = export_map(
        dataset, evaluation, plan=plan, year=2025, indicator=VILLAGE_COVERAGE, out=tmp_path / "demo.png",
        layers=("bts", "wifi", "ftth", "coverage_4g"), made_on=MADE_ON, dpi=100,
    )  # fmt: skip
    size, _, colours = image_info(path)
    assert size == (1169, 827)
    assert colours > 10  # a real map, not a blank page
    # Each status the villages have is painted in its palette colour, roughly in proportion to how
    # many villages have it, and named in the legend.
    mine = evaluation[evaluation["indicator"] == VILLAGE_COVERAGE]
    counts = mine["status"].value_counts()
    assert {"met", "missed"} <= set(counts.index)
    with Image.open(path) as image:
        pixels = np.asarray(image.convert("RGB")).reshape(-1, 3)
    painted = {}
    for status in counts.index:
        rgb = np.array([int(draw.STATUS_COLOURS[status][k : k + 2], 16) for k in (1, 3, 5)])
        painted[status] = int((np.abs(pixels.astype(int) - rgb).max(axis=1) <= 8).sum())
        assert painted[status] > 200, (status, painted)
    if counts["met"] > 3 * counts["missed"]:
        assert painted["met"] > painted["missed"]
    pdf = export_map(
        dataset, evaluation, plan=plan, year=2025, indicator=VILLAGE_COVERAGE, out=tmp_path / "demo.pdf",
        layers=("bts", "wifi", "ftth", "coverage_4g"), made_on=MADE_ON,
    )  # fmt: skip
    text = " ".join(pdf_text(pdf))
    for status in counts.index:
        assert draw.status_label(status) in text, status


def test_print_labels_of_a_crowded_map_never_overlap_and_keep_clear_of_the_furniture():
    from geo.export.draw import add_north_arrow
    from geo.export.labels import LABEL_GID, LabelSpec, place_map_labels

    fig = Figure(figsize=(4, 3), dpi=150)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set(xlim=(0, 4000), ylim=(0, 3000), aspect="equal")
    cells = [box(x, y, x + 400, y + 300) for x in range(0, 4000, 400) for y in range(0, 3000, 300)]
    units = gpd.GeoDataFrame({"name": [f"Bản Phiêng {i}" for i in range(len(cells))]}, geometry=cells)
    places = gpd.GeoDataFrame(
        {"name": ["Chợ phiên", "Cầu <b>&", "Đèo"]},
        geometry=gpd.points_from_xy([1000, 1010, 3900], [1500, 1510, 2900]),
    )
    add_scale_bar(ax)
    add_north_arrow(ax)
    boxes = place_map_labels(
        ax, [LabelSpec(units, fontsize=7), LabelSpec(places, fontsize=6, points=True)], crs=""
    )
    texts = [t for t in ax.texts if t.get_gid() == LABEL_GID and not t.get_path_effects()]
    assert 0 < len(boxes) == len(texts) < len(units) + len(places)  # crowded: some are left out
    drawn = [t.get_window_extent(fig.canvas.get_renderer()) for t in texts]
    assert not any(a.overlaps(b) for i, a in enumerate(drawn) for b in drawn[:i])
    furniture = [a.get_window_extent(fig.canvas.get_renderer()) for a in ax.artists]
    furniture += [p.get_window_extent() for p in ax.patches if p.get_gid() == "map-furniture"]
    assert not any(a.overlaps(f) for a in drawn for f in furniture)
    assert "Cầu <b>&" in [t.get_text() for t in texts] or "Chợ phiên" in [t.get_text() for t in texts]


def test_territory_map_has_the_national_inset_and_the_reference_layers():
    from geo.export.map import map_figure
    from geo.io.dataset import read_dataset
    from geo.plans.assessment import Assessment
    from geo.plans.targets import load_plans

    dataset = read_dataset(DEMO_DIR)
    plan = load_plans()["muong-lay-2023"]
    evaluation = Assessment(dataset).evaluate(plan, 2025, level="commune")
    fig = map_figure(dataset, evaluation, plan=plan, year=2025, indicator=VILLAGE_COVERAGE, made_on=MADE_ON)
    inset = next(ax for ax in fig.axes if ax.get_title().startswith("Vị trí trong cả nước"))
    assert "Tỉnh Điện Biên" in inset.get_title()
    assert {"QĐ. Hoàng Sa", "QĐ. Trường Sa"} <= {t.get_text() for t in inset.texts}
    assert inset.get_xlim()[1] > 117 and inset.get_ylim()[0] < 8.6  # the archipelagos are in the frame
    texts = {t.get_text() for ax in fig.axes for t in ax.texts}
    assert "Xã Huổi Mí" in texts and "Chợ phiên Nậm Cản" in texts  # unit and place names
    legend = {t.get_text() for ax in fig.axes if ax.get_legend() for t in ax.get_legend().get_texts()}
    assert {"Sông, suối", "Đường giao thông", "Địa danh"} <= legend
