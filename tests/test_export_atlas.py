"""The commune atlas: page order, Vietnamese text per page, indicator tables, weak-signal zones."""

from __future__ import annotations

import geopandas as gpd
import pytest
from shapely.geometry import box

from geo.errors import GeoError
from geo.export.atlas import export_atlas
from tests.builders import MADE_ON, embedded_fonts, pdf_text, tiny_dataset, tiny_evaluation, tiny_plan


def _atlas(tmp_path, **options):
    return export_atlas(
        tiny_dataset(tmp_path), options.pop("evaluations", tiny_evaluation()), plan=tiny_plan(), year=2025,
        out=tmp_path / "tap_ban_do.pdf", made_on=MADE_ON, **options,
    )  # fmt: skip


def test_atlas_pages_cover_overview_communes_and_zones(tmp_path):
    zones = gpd.GeoDataFrame(
        {
            "name": ["Khe Nà Lếch"],
            "technology": ["4G"],
            "status": ["verified"],
            "note": ["Mất sóng buổi tối"],
        },
        geometry=[box(103.005, 22.005, 103.015, 22.015)],
        crs=4326,
    )
    path = _atlas(tmp_path, weak_zones=zones, layers=("bts", "weak_zones"))
    pages = [page.replace("\n", " ") for page in pdf_text(path)]
    assert len(pages) == 5  # cover, overview, 2 communes, zones
    cover, overview, first, second, last = pages
    assert "TẬP BẢN ĐỒ HIỆN TRẠNG HẠ TẦNG SỐ" in cover and "Xã Thử Nghiệm Đông Hà" in cover
    assert "Năm đánh giá: 2025" in cover and "Lập ngày 23/11/2026" in cover
    assert "Trang 3: Xã Thử Một" in cover and "Trang 5: Danh sách vùng lõm sóng" in cover
    assert "Vùng lõm sóng" in overview and "Đạt (1)" in overview and "Chưa đạt (1)" in overview
    assert "Xã Thử Một" in first and "Bản Huổi Lóng" in first
    assert "Tốc độ băng rộng di động" in first and "51,2" in first and "≥ 50" in first
    assert "Xã Thử Hai" in second and "Không đủ mẫu" in second and "Không có dữ liệu (1)" in second
    assert "Khe Nà Lếch" in last and "Xã Thử Một" in last and "Đã xác minh" in last
    assert "Nguồn: Xã Thử Nghiệm Đông Hà; kế hoạch thu-nghiem-2024" in last
    assert all(embedded_fonts(path).values())


def test_atlas_without_zones_says_none_were_recorded_and_maps_communes_without_villages(tmp_path):
    evaluations = {k: v for k, v in tiny_evaluation().items() if k != "village"}
    pages = pdf_text(_atlas(tmp_path, evaluations=evaluations))
    assert "Chưa có vùng lõm sóng nào được ghi nhận." in pages[-1]
    assert "Bản Nà Lếch" not in pages[2]  # without a village evaluation the commune is drawn alone


def test_atlas_needs_the_commune_evaluation(tmp_path):
    with pytest.raises(GeoError, match="cấp xã") as err:
        _atlas(tmp_path, evaluations={"village": tiny_evaluation()["village"]})
    assert "commune-level" in err.value.en


def test_atlas_prints_each_zone_status_as_its_label_not_its_id():
    from geo.export import atlas
    from geo.vocab import ZoneStatus
    from geo.zones.record import STATUS_LABELS

    for status in ZoneStatus:
        assert atlas.zone_status_label(status) == STATUS_LABELS[status][0] != str(status)
    assert atlas.zone_status_label("operator_responded") == "Nhà mạng đã phản hồi"
    assert atlas.zone_status_label("reported") == "Đã báo cáo"
