"""Tests for geo.compute.catalogue: ids, labels, directions, groups and wording matching."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest

from geo.compute.catalogue import (
    AGGREGATIONS,
    GROUPS,
    INDICATORS,
    indicator,
    match_indicator,
    normalise_label,
)

SHARED = Path(__file__).resolve().parents[2] / "shared"
INDICATORS_MD = SHARED / "INDICATORS.md"


@pytest.mark.realdata
@pytest.mark.skipif(not INDICATORS_MD.exists(), reason="shared/INDICATORS.md is absent")
def test_catalogue_has_exactly_the_ids_of_indicators_md() -> None:
    text = INDICATORS_MD.read_text(encoding="utf-8")
    section = text.split("## Indicator catalogue")[1].split("## Targets")[0]
    ids = set(re.findall(r"^\| ([a-z0-9_]+) \|", section, flags=re.M)) - {"id"}
    assert ids == set(INDICATORS)


def test_unknown_id_names_the_closest_and_all_known_ids() -> None:
    with pytest.raises(KeyError) as info:
        indicator("smartphone_shares")
    message = info.value.args[0]
    assert "closest: smartphone_share" in message
    assert all(id_ in message for id_ in INDICATORS)


def test_only_2g_users_is_the_one_lower_is_better_indicator() -> None:
    assert [i.id for i in INDICATORS.values() if i.direction == "lower"] == ["only_2g_users"]
    assert all(i.direction == "higher" for i in INDICATORS.values() if i.id != "only_2g_users")


def test_units_kinds_and_booleans() -> None:
    assert indicator("mobile_bb_subs_per_100").unit("en") == "subscriptions per 100 people"
    assert indicator("mobile_speed").unit_vi == "Mbit/s"
    assert indicator("cloud_accounts_per_person").units == ("tài khoản/người", "%")
    assert [i.id for i in INDICATORS.values() if i.is_boolean] == ["ai_blockchain_iot"]
    assert indicator("bts_site_sharing").kind == "spatial"
    assert indicator("village_mobile_bb_coverage").kind == "both"
    assert {i.kind for i in INDICATORS.values()} == {"spatial", "tabular", "both"}


def test_groups_follow_the_muong_lay_annex_and_dict_order_is_annex_order() -> None:
    groups = [i.group for i in INDICATORS.values()]
    assert groups == sorted(groups, key=list(GROUPS).index)  # I..IV, never going back
    assert indicator("cloud_info_systems").group == "II"
    assert indicator("bank_account_15plus").group == "III"
    assert indicator("ai_blockchain_iot").group == "III"
    assert indicator("business_platform_use").group == "IV"
    assert list(INDICATORS)[:2] == ["mobile_bb_subs_per_100", "smartphone_share"]


def test_aggregation_weights() -> None:
    assert all(i.aggregate_by in AGGREGATIONS for i in INDICATORS.values())
    assert indicator("village_ftth_coverage").aggregate_by == "villages"
    assert indicator("household_fibre").aggregate_by == "households"
    assert indicator("pop_5g_coverage").aggregate_by == "population"
    assert indicator("mobile_speed").aggregate_by is None  # medians are recomputed, not averaged


def test_normalise_label_folds_case_tone_placement_and_decomposed_text() -> None:
    assert normalise_label("Hoà Bình") == normalise_label("HÒA  bình") == "hoa binh"
    assert normalise_label("Đường") == "duong"
    decomposed = unicodedata.normalize("NFD", "Tỷ lệ thôn")
    assert normalise_label(decomposed) == "ty le thon"


@pytest.mark.parametrize(
    ("wording", "expected"),
    [
        ("Số thuê bao băng rộng di động/100 dân.", "mobile_bb_subs_per_100"),
        ("Số thuê bao băng rộng cố định/100 dân.", "fixed_bb_subs_per_100"),
        ("Tốc độ băng rộng cố định (tốc độ tải xuống theo i-Speed).", "fixed_speed"),
        ("TỐC ĐỘ BĂNG RỘNG DI ĐỘNG", "mobile_speed"),
        ("Tỷ lệ dùng chung công bề cáp.", "duct_sharing"),  # the annex's typo for "cống bể"
        (
            "Tỷ lệ ngấm hóa hạ tầng mạng cáp ngoại vi trên toàn huyện (tập trung chủ yếu ...).",
            "cable_undergrounding",
        ),
        (
            "Tỷ lệ khu vực công sở, công cộng (Chợ, bến cảng, ...) được phủ sóng wifi internet miễn phí.",
            "public_free_wifi",
        ),
        ("Tỷ lệ hộ gia đình được phủ sóng di động băng rộng", "household_mobile_bb_coverage"),
        ("Tỷ lệ thôn, bản được phủ sóng di động băng rộng.", "village_mobile_bb_coverage"),
        ("Tỷ lệ tờ, bản được phủ băng rộng cố định (cáp quang FTTH)", "village_ftth_coverage"),
        ("Triển khai cung cấp dịch vụ mạng di động 5G khu vực thị xã", "pop_5g_coverage"),
        (
            "Triển khai công nghệ AI, blockchain, IoT hỗ trợ hiệu quả cho chương trình chuyển đổi số",
            "ai_blockchain_iot",
        ),
        ("smartphone_share", "smartphone_share"),
    ],
)
def test_match_indicator_maps_the_plans_wordings(wording: str, expected: str) -> None:
    assert match_indicator(wording).id == expected


def test_match_indicator_refuses_unrelated_wording_and_lists_closest() -> None:
    found = match_indicator("Số cán bộ được tập huấn kỹ năng số")
    assert found.id is None
    assert len(found.closest) == 3
    assert all(id_ in INDICATORS and score < 0.85 for id_, _label, score in found.closest)
