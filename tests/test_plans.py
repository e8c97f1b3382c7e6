"""Tests for geo.plans.targets: the five plan files, validation, target_for, judge and the plans report."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pandas as pd
import pytest

from geo.errors import PlanError
from geo.plans.targets import (
    STATUS_LABELS,
    Target,
    baseline_for,
    judge,
    judge_many,
    load_plan,
    load_plans,
    plans_report,
    target_for,
)

INDICATORS_MD = Path(__file__).resolve().parents[2] / "shared" / "INDICATORS.md"
PLAN_IDS = {"my-hao-2023", "ha-dong-2026", "quang-trung-2023", "ha-nam-2023", "muong-lay-2023"}

#: Where the plan files knowingly differ from INDICATORS.md (data/plans/README.md explains each).
DEVIATIONS = {
    # the text says "Trên 20 thuê bao/100 dân" for 2030, the annex a bare 20: the text wins (as for row 1)
    ("muong-lay-2023", "fixed_bb_subs_per_100", 2030, "target"): (">", (20.0,)),
    # the text's "Trung bình mỗi người dân có 01 tài khoản" for 2030, not listed in INDICATORS.md
    ("muong-lay-2023", "cloud_accounts_per_person", 2030, "target"): (">=", (1.0,)),
}


@pytest.fixture(scope="module")
def plans():
    return load_plans()


def _cell(text: str, *, baseline: bool) -> tuple[str, tuple]:
    """Read one INDICATORS.md target cell the way the page's conventions say."""
    text = text.strip()
    if text == "yes":
        return "==", (True,)
    numbers = tuple(float(n.replace(",", ".")) for n in re.findall(r"\d+(?:[.,]\d+)?", text))
    if "–" in text.split("(")[0]:
        return "between", numbers[:2]
    if text.startswith(">") or "above" in text:
        return ">", numbers[:1]
    if text.startswith("below"):
        return "<", numbers[:1]
    return ("==" if baseline else ">="), numbers[:1]


def _expected_from_indicators_md(plans) -> dict[tuple, tuple]:
    text = INDICATORS_MD.read_text(encoding="utf-8")
    by_seed = {plan.seed[:3]: plan.id for plan in plans.values()}
    expected: dict[tuple, tuple] = {}
    for section in re.split(r"^### ", text, flags=re.M)[1:]:
        plan_id = by_seed[section[:3]]
        year = re.search(r"targets for (\d{4})", section.splitlines()[0])
        for line in section.splitlines():
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if year and len(cells) == 2 and re.fullmatch(r"[a-z0-9_]+", cells[0]) and cells[0] != "indicator":
                expected[(plan_id, cells[0], int(year[1]), "target")] = _cell(cells[1], baseline=False)
            elif len(cells) == 7 and re.fullmatch(r"\d+b?", cells[0]):
                ind = cells[1].split()[0]
                for y, cell in zip((2022, 2023, 2024, 2025, 2030), cells[2:], strict=True):
                    kind = "baseline" if y == 2022 else "target"
                    expected[(plan_id, ind, y, kind)] = _cell(cell, baseline=kind == "baseline")
        names = {"cloud_accounts": "cloud_accounts_per_person", "5G in urban areas": "pop_5g_coverage"}
        for y, items in re.findall(r"for (\d{4}): ([^;]+?)(?:;|\.\n)", section):
            for name, value in re.findall(r"([A-Za-z0-9_ ]+?) (\d+) %", items):
                key = (plan_id, names.get(name.strip(), name.strip()), int(y), "target")
                assert expected.get(key, (">=", (float(value),))) == (">=", (float(value),)), key
                expected[key] = (">=", (float(value),))
    return expected


@pytest.mark.realdata
@pytest.mark.skipif(not INDICATORS_MD.exists(), reason="shared/INDICATORS.md is absent")
def test_plan_files_encode_exactly_the_targets_of_indicators_md(plans) -> None:
    expected = _expected_from_indicators_md(plans) | DEVIATIONS
    actual = {
        (plan.id, t.indicator, t.year, t.kind): (t.comparator, t.values)
        for plan in plans.values()
        for t in plan.targets
    }
    # 000–003 lists, 004's 21 annex rows × 5 columns, its 4 text additions of which 5G 2030 merges into
    # annex row 6, and the one documented extra target
    assert len(expected) == 14 + 5 + 9 + 13 + 21 * 5 + 3 + 1
    assert actual == expected


def test_the_five_seed_plans_load_with_their_territories(plans) -> None:
    assert set(plans) == PLAN_IDS
    muong_lay = plans["muong-lay-2023"]
    assert muong_lay.territory.successor_code == "03151"
    assert (muong_lay.period.start, muong_lay.period.end, muong_lay.period.last) == (2023, 2025, 2030)
    assert muong_lay.source["number"] == "2855/KH-UBND"
    assert plans["ha-dong-2026"].territory.code == "10882"
    assert plans["ha-nam-2023"].territory.level == "province"
    assert all(t.plan == plan.id for plan in plans.values() for t in plan.targets)


def test_cloud_accounts_keep_each_plans_unit(plans) -> None:
    assert target_for(plans["my-hao-2023"], "cloud_accounts_per_person", 2025).unit == "tài khoản/người"
    assert target_for(plans["muong-lay-2023"], "cloud_accounts_per_person", 2025).unit == "%"


def test_target_for_uses_latest_stated_year_and_never_a_baseline(plans) -> None:
    muong_lay = plans["muong-lay-2023"]
    in_2026 = target_for(muong_lay, "smartphone_share", 2026)
    assert (in_2026.year, in_2026.comparator, in_2026.values) == (2025, ">", (80.0,))
    assert target_for(muong_lay, "smartphone_share", 2024).values == (80.0,)
    assert target_for(muong_lay, "smartphone_share", 2022) is None  # 2022 is the actual column
    assert baseline_for(muong_lay, "smartphone_share").values == (65.0,)
    assert target_for(plans["my-hao-2023"], "mobile_speed", 2024) is None  # before the first target year
    assert target_for(plans["my-hao-2023"], "mobile_speed", 2027).year == 2025
    assert target_for(muong_lay, "internet_users", 2025) is None  # not in this plan
    with pytest.raises(KeyError, match="known ids"):
        target_for(muong_lay, "smartphone", 2025)


def _t(comparator: str, *values, indicator: str = "smartphone_share") -> Target:
    return Target(indicator, 2025, comparator, tuple(values), "%")


@pytest.mark.parametrize(
    ("target", "value", "status", "gap"),
    [
        (_t(">=", 36.0), 30.5, "missed", 5.5),
        (_t(">=", 36.0), 36.0, "met", 0.0),
        (_t(">=", 100.0), 100.0 - 1e-12, "met", 0.0),  # rounding of a computed share
        (_t(">", 80.0), 80.0, "missed", 0.0),  # needs more than 80
        (_t(">", 80.0), 80.5, "met", 0.0),
        (_t(">", 80.0), 70.0, "missed", 10.0),
        (_t("<", 5.0, indicator="only_2g_users"), 4.9, "met", 0.0),
        (_t("<", 5.0, indicator="only_2g_users"), 5.0, "missed", 0.0),
        (_t("<", 5.0, indicator="only_2g_users"), 7.5, "missed", 2.5),
        (_t("<=", 5.0, indicator="only_2g_users"), 5.0, "met", 0.0),
        (_t("between", 25.0, 30.0), 20.0, "missed", 5.0),
        (_t("between", 25.0, 30.0), 25.0, "met", 0.0),
        (_t("between", 25.0, 30.0), 30.0, "met", 0.0),
        (_t("between", 25.0, 30.0), 33.0, "met", 0.0),  # sharing beyond the range is better, not a miss
        (_t("between", 2.0, 3.0, indicator="only_2g_users"), 3.5, "missed", 0.5),
        (_t("==", True, indicator="ai_blockchain_iot"), True, "met", 0.0),
        (_t("==", True, indicator="ai_blockchain_iot"), False, "missed", 1.0),
        (_t("==", True, indicator="ai_blockchain_iot"), 1, "met", 0.0),
    ],
)
def test_judge_status_and_gap(target: Target, value, status: str, gap: float) -> None:
    result = judge(value, target)
    assert result.status == status
    assert result.gap == pytest.approx(gap)


@pytest.mark.parametrize("value", [None, float("nan"), "n/a"])
def test_judge_without_a_value_is_no_data(value) -> None:
    result = judge(value, _t(">=", 50.0))
    assert result.status == "no data"
    assert math.isnan(result.gap)
    assert result.label() == "Không có dữ liệu"


def test_judge_many_keeps_the_index_and_refuses_baselines() -> None:
    values = pd.Series([62.0, None, 58.5, 60.0], index=["Na Lay", "Sông Đà", "Lay Nưa", "Lé"])
    out = judge_many(values, _t(">", 60.0))
    assert list(out.index) == list(values.index)
    assert list(out["status"]) == ["met", "no data", "missed", "missed"]
    assert out["gap"].tolist()[2:] == [1.5, 0.0]
    assert out.loc["Na Lay", "gap"] == 0.0
    baseline = Target("smartphone_share", 2022, "==", (65.0,), "%", kind="baseline")
    with pytest.raises(ValueError, match="baseline"):
        judge_many(values, baseline)


def test_status_labels() -> None:
    assert STATUS_LABELS["vi"] == {
        "met": "Đạt",
        "missed": "Chưa đạt",
        "no data": "Không có dữ liệu",
        "insufficient samples": "Không đủ mẫu",
    }


def test_target_text_reads_like_the_plan(plans) -> None:
    hanam = target_for(plans["ha-nam-2023"], "bts_site_sharing", 2025)
    assert hanam.text() == "25–30%"
    assert target_for(plans["muong-lay-2023"], "mobile_speed", 2023).text("en") == "at least 42 Mbit/s"
    assert baseline_for(plans["muong-lay-2023"], "mobile_speed").text() == "37,7 Mbit/s"
    assert target_for(plans["my-hao-2023"], "only_2g_users", 2025).text() == "dưới 5%"


HEAD = """id: test-plan
title: Kế hoạch thử
territory: {name: xã Thử, level: commune, province: Điện Biên}
period: {start: 2023, end: 2025}
targets:
"""


def _write(tmp_path: Path, targets: str, name: str = "test-plan.yaml") -> Path:
    path = tmp_path / name
    path.write_text(HEAD + targets, encoding="utf-8")
    return path


def test_load_plan_reads_a_valid_file(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "  - {indicator: bts_site_sharing, year: 2025, comparator: between, values: [25, 30], unit: '%'}\n"
        "  - {indicator: ai_blockchain_iot, year: 2024, comparator: '==', value: true}\n"
        "  - {indicator: smartphone_share, year: 2022, comparator: '==', value: 65, kind: baseline}\n",
    )
    plan = load_plan(path)
    assert [(t.indicator, t.values, t.unit, t.kind) for t in plan.targets] == [
        ("bts_site_sharing", (25.0, 30.0), "%", "target"),
        ("ai_blockchain_iot", (True,), "có/không", "target"),
        ("smartphone_share", (65.0,), "%", "baseline"),
    ]


@pytest.mark.parametrize(
    ("target", "message"),
    [
        (
            "{indicator: smartphone_shar, year: 2025, comparator: '>=', value: 80}",
            "closest: smartphone_share",
        ),
        ("{indicator: smartphone_share, year: 2025, comparator: '=>', value: 80}", "bad comparator '=>'"),
        ("{indicator: bts_site_sharing, year: 2025, comparator: between, value: 25}", "needs 2 value(s)"),
        ("{indicator: bts_site_sharing, year: 2025, comparator: between, values: [30, 25]}", "reversed"),
        (
            "{indicator: smartphone_share, year: 2031, comparator: '>=', value: 80}",
            "outside the plan's period",
        ),
        (
            "{indicator: smartphone_share, year: 2022, comparator: '>=', value: 80}",
            "outside the plan's period",
        ),
        ("{indicator: smartphone_share, year: 2025, comparator: '==', value: true}", "wrong type"),
        ("{indicator: ai_blockchain_iot, year: 2025, comparator: '>=', value: 1}", "wrong type"),
        (
            "{indicator: mobile_speed, year: 2025, comparator: '>=', value: 50, unit: '%'}",
            "unit '%' does not fit",
        ),
        ("{indicator: mobile_speed, year: 2025, comparator: '>=', valeu: 50}", "unknown key(s) ['valeu']"),
    ],
)
def test_load_plan_names_file_and_target_of_each_error(tmp_path: Path, target: str, message: str) -> None:
    path = _write(
        tmp_path, "  - {indicator: internet_users, year: 2025, comparator: '>=', value: 90}\n  - " + target
    )
    with pytest.raises(PlanError) as info:
        load_plan(path)
    assert str(path) in info.value.en and "target #2" in info.value.en
    assert message in info.value.en
    assert "mục tiêu thứ 2" in str(info.value)


def test_load_plan_rejects_duplicates(tmp_path: Path) -> None:
    line = "  - {indicator: internet_users, year: 2025, comparator: '>=', value: 90}\n"
    with pytest.raises(PlanError, match="mục tiêu thứ 2"):
        load_plan(_write(tmp_path, line * 2))


def test_load_plans_rejects_shared_ids_and_empty_folders(tmp_path: Path) -> None:
    with pytest.raises(PlanError, match="Không tìm thấy"):
        load_plans(tmp_path)
    line = "  - {indicator: internet_users, year: 2025, comparator: '>=', value: 90}\n"
    _write(tmp_path, line, "a.yaml")
    _write(tmp_path, line, "b.yaml")
    with pytest.raises(PlanError, match="test-plan"):
        load_plans(tmp_path)


def test_plans_report_text_names_every_plan(plans) -> None:
    text = plans_report(plans, as_json=False)
    assert all(plan_id in text for plan_id in PLAN_IDS)
    assert re.search(r"^  ha-nam-2023 +bts_site_sharing +2025 +between +25–30 +% +target +Tỷ lệ", text, re.M)
    assert "88 targets, 21 baselines" in text  # Mường Lay: 21 rows × 4 years + 4 from the text; 2022 column


def test_plans_report_json_lists_every_target(plans) -> None:
    data = json.loads(plans_report(plans, as_json=True))
    assert {p["id"] for p in data} == PLAN_IDS
    for entry in data:
        plan = plans[entry["id"]]
        assert [(t["indicator"], t["year"], t["kind"]) for t in entry["targets"]] == [
            (t.indicator, t.year, t.kind) for t in plan.targets
        ]
    hanam = next(p for p in data if p["id"] == "ha-nam-2023")
    bts = next(t for t in hanam["targets"] if t["indicator"] == "bts_site_sharing")
    assert (bts["comparator"], bts["values"]) == ("between", [25, 30])
