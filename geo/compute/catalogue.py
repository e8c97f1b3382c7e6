"""The indicator catalogue: every indicator id of INDICATORS.md as data.

Each :class:`Indicator` carries its Vietnamese wording (as the plans write it, plus the other
wordings the five seed plans use, for matching annex rows), English label, unit, where its
value comes from (``kind``), which way is better, its annex group and how it aggregates up
the unit hierarchy. :data:`INDICATORS` keeps the order of the Mường Lay annex (group I to IV,
then the annex row order), so an annex can be written by iterating it.

Annex groups follow the Mường Lay annex (seed 004): indicators it does not list are placed
where the plans' text puts them (only_2g_users, household_smart_device,
household_mobile_bb_coverage, internet_users, gigabit_fibre_access and ipv6_agencies under
I "Mạng viễn thông băng rộng"; cloud_accounts_per_person under II).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from geo.names import fold_text

__all__ = [
    "GROUPS",
    "AGGREGATIONS",
    "Indicator",
    "INDICATORS",
    "IndicatorMatch",
    "indicator",
    "match_indicator",
    "normalise_label",
]

#: Annex groups: roman numeral → (Vietnamese wording of the Mường Lay annex, English).
GROUPS: dict[str, tuple[str, str]] = {
    "I": ("Mạng viễn thông băng rộng", "Broadband telecom networks"),
    "II": ("Hạ tầng trung tâm dữ liệu và điện toán đám mây", "Data centre and cloud infrastructure"),
    "III": ("Hạ tầng công nghệ số", "Digital technology infrastructure"),
    "IV": ("Nền tảng số có tính chất hạ tầng", "Infrastructure digital platforms"),
}

#: How a child unit's values combine into its parent's: a weighted mean whose weight is the
#: children's number of villages, households, population, or the indicator's own denominator
#: (BTS sites, agencies, subscriptions, public places: only when reported with the value).
#: ``None``: not aggregated (speeds are medians of the tests inside each unit, recomputed at
#: every level; yes/no answers are stated per territory).
AGGREGATIONS = ("villages", "households", "population", "denominator", None)

_PCT = ("%", "%")
_PER_100 = ("thuê bao/100 dân", "subscriptions per 100 people")
_MBITS = ("Mbit/s", "Mbit/s")
_ACCOUNTS = ("tài khoản/người", "accounts per person")
_YES_NO = ("có/không", "yes/no")


@dataclass(frozen=True)
class Indicator:
    """One indicator of the catalogue.

    ``unit_vi``/``unit_en`` is the unit values and gaps are expressed in; ``alt_units`` lists
    other units a plan may state a target in (cloud_accounts_per_person: "%" of people).
    ``direction`` is ``"higher"`` (higher is better) or ``"lower"``. ``aggregate_by`` is one
    of :data:`AGGREGATIONS`. ``aliases_vi`` are further wordings found in the plans.
    """

    id: str
    label_vi: str
    label_en: str
    unit_vi: str
    unit_en: str
    kind: str
    group: str
    aggregate_by: str | None
    direction: str = "higher"
    aliases_vi: tuple[str, ...] = ()
    alt_units: tuple[str, ...] = ()

    @property
    def is_boolean(self) -> bool:
        """True when the indicator is a yes/no answer (targets are ``== true``)."""
        return self.unit_en == _YES_NO[1]

    @property
    def decimals(self) -> int:
        """Decimal places its values, targets and gaps are printed with in written tables.

        Yes/no answers 0; accounts per person 2; percentages, speeds (Mbit/s) and
        subscriptions per 100 people 1 — as the plans' annexes print them.
        """
        if self.is_boolean:
            return 0
        return 2 if self.unit_en == _ACCOUNTS[1] else 1

    @property
    def units(self) -> tuple[str, ...]:
        """Return every unit a target of this indicator may be stated in, the main one first."""
        return (self.unit_vi, *self.alt_units)

    def label(self, lang: str = "vi") -> str:
        """Return the label in ``lang`` (``"vi"`` or ``"en"``)."""
        return self.label_vi if lang == "vi" else self.label_en

    def unit(self, lang: str = "vi") -> str:
        """Return the unit in ``lang`` (``"vi"`` or ``"en"``)."""
        return self.unit_vi if lang == "vi" else self.unit_en


def _ind(
    id_: str,
    label_vi: str,
    label_en: str,
    unit: tuple[str, str],
    kind: str,
    group: str,
    aggregate_by: str | None,
    *aliases: str,
    direction: str = "higher",
    alt_units: tuple[str, ...] = (),
) -> Indicator:
    return Indicator(
        id_, label_vi, label_en, unit[0], unit[1], kind, group, aggregate_by, direction, aliases, alt_units
    )


_CATALOGUE = (
    # I. Mạng viễn thông băng rộng
    _ind(
        "mobile_bb_subs_per_100",
        "Số thuê bao băng rộng di động/100 dân",
        "Mobile broadband subscriptions per 100 people",
        _PER_100, "tabular", "I", "population",
    ),
    _ind(
        "smartphone_share",
        "Tỷ lệ thuê bao sử dụng điện thoại thông minh/tổng thuê bao điện thoại di động",
        "Smartphone subscriptions as a share of all mobile subscriptions",
        _PCT, "tabular", "I", "denominator",
    ),
    _ind(
        "adult_smartphone",
        "Tỷ lệ dân số trưởng thành có điện thoại thông minh",
        "Adults with a smartphone",
        _PCT, "tabular", "I", "population",
        "Mỗi người dân trưởng thành có 01 smartphone",
    ),
    _ind(
        "household_smart_device",
        "Hộ gia đình có ít nhất 1 điện thoại hoặc thiết bị thông minh",
        "Households with at least one smartphone or smart device",
        _PCT, "tabular", "I", "households",
        "Tỷ lệ hộ gia đình có ít nhất 1 điện thoại hoặc thiết bị thông minh",
    ),
    _ind(
        "only_2g_users",
        "Số người chỉ sử dụng điện thoại 2G",
        "People who only use a 2G phone",
        _PCT, "tabular", "I", "population",
        "Giảm số lượng người chỉ sử dụng (ID) điện thoại 2G",
        "Tỷ lệ người chỉ sử dụng điện thoại 2G",
        direction="lower",
    ),
    _ind(
        "mobile_speed",
        "Tốc độ băng rộng di động (tốc độ tải xuống theo i-Speed)",
        "Mobile broadband download speed (i-Speed)",
        _MBITS, "both", "I", None,
        "Tốc độ mạng băng rộng di động",
    ),
    _ind(
        "village_mobile_bb_coverage",
        "Tỷ lệ thôn (bản, tổ dân phố) được phủ sóng di động băng rộng",
        "Villages covered by mobile broadband",
        _PCT, "both", "I", "villages",
        "Tỷ lệ thôn được phủ sóng di động băng rộng",
        "Tỷ lệ thôn, bản được phủ sóng di động băng rộng",
        "Tỷ lệ thôn, tổ dân phố được phủ sóng băng rộng di động",
    ),
    _ind(
        "household_mobile_bb_coverage",
        "Tỷ lệ hộ gia đình được phủ sóng di động băng rộng",
        "Households covered by mobile broadband",
        _PCT, "both", "I", "households",
    ),
    _ind(
        "pop_5g_coverage",
        "Mạng băng rộng di động 5G phủ sóng dân số",
        "Population covered by 5G",
        _PCT, "both", "I", "population",
        "Triển khai cung cấp dịch vụ mạng di động 5G khu vực thị xã",
        "Phổ cập dịch vụ mạng di động 5G khu vực đô thị trên địa bàn thị xã",
        "Tỷ lệ dân số được phủ sóng 5G",
    ),
    _ind(
        "bts_site_sharing",
        "Tỷ lệ dùng chung vị trí trạm BTS",
        "BTS sites shared by two or more operators",
        _PCT, "spatial", "I", "denominator",
        "Tỷ lệ dùng chung vị trí BTS",
        "Tỷ lệ dùng chung vị trí trạm thu, phát sóng thông tin di động (trạm BTS)",
    ),
    _ind(
        "pole_sharing", "Tỷ lệ dùng chung cột treo cáp", "Shared cable poles",
        _PCT, "tabular", "I", "denominator",
    ),
    _ind(
        "duct_sharing", "Tỷ lệ dùng chung cống bể cáp", "Shared cable ducts",
        _PCT, "tabular", "I", "denominator",
    ),
    _ind(
        "state_network_connected",
        "Tỷ lệ cơ quan Đảng, Nhà nước kết nối vào Mạng truyền số liệu chuyên dùng",
        "Party and State agencies connected to the dedicated data network",
        _PCT, "tabular", "I", "denominator",
        "Tỷ lệ cơ quan Đảng, Nhà nước từ cấp tỉnh tới cấp xã kết nối vào Mạng truyền số liệu chuyên dùng"
        " của các cơ quan Đảng, Nhà nước",
    ),
    _ind(
        "fixed_bb_subs_per_100",
        "Số thuê bao băng rộng cố định/100 dân",
        "Fixed broadband subscriptions per 100 people",
        _PER_100, "tabular", "I", "population",
    ),
    _ind(
        "household_fibre",
        "Tỷ lệ hộ gia đình có truy nhập Internet băng rộng cáp quang",
        "Households with fibre broadband Internet access",
        _PCT, "tabular", "I", "households",
        "Tỷ lệ hộ gia đình có truy nhập Internet băng rộng và cáp quang",
        "Tỷ lệ hộ gia đình có truy nhập Internet băng rộng cố định",
    ),
    _ind(
        "fixed_speed",
        "Tốc độ băng rộng cố định (tốc độ tải xuống theo i-Speed)",
        "Fixed broadband download speed (i-Speed)",
        _MBITS, "both", "I", None,
        "Tốc độ mạng băng rộng cố định",
    ),
    _ind(
        "village_ftth_coverage",
        "Tỷ lệ thôn được phủ băng rộng cố định (cáp quang FTTH)",
        "Villages with fixed broadband (FTTH fibre)",
        _PCT, "both", "I", "villages",
        "Tỷ lệ thôn, bản được phủ băng rộng cố định (cáp quang FTTH)",
        "Tỷ lệ thôn, tổ dân phố được phủ mạng băng rộng cố định (cáp quang FTTH)",
    ),
    _ind(
        "gigabit_fibre_access",
        "Người sử dụng có khả năng truy nhập cáp quang 1 Gbps",
        "Users able to get 1 Gbit/s fibre access",
        _PCT, "tabular", "I", "population",
        "Người sử dụng có khả năng truy nhập cáp quang với tốc độ 1Gbps trở lên",
    ),
    _ind(
        "cable_undergrounding",
        "Tỷ lệ ngầm hóa hạ tầng mạng cáp ngoại vi",
        "Outside-plant cable network placed underground",
        _PCT, "tabular", "I", "denominator",
    ),
    _ind(
        "public_free_wifi",
        "Tỷ lệ khu vực công sở, công cộng được phủ sóng wifi miễn phí",
        "Public offices and public places with free Wi-Fi",
        _PCT, "spatial", "I", "denominator",
        "Tỷ lệ khu vực công sở, công cộng được phủ sóng wifi internet miễn phí",
        "Tỷ lệ Nhà Văn hóa thôn, trung tâm của xã có Wifi kết nối Internet tốc độ cao phục vụ miễn phí",
    ),
    _ind(
        "internet_users", "Tỷ lệ người sử dụng Internet", "Internet users",
        _PCT, "tabular", "I", "population",
    ),
    _ind(
        "ipv6_agencies",
        "Tỷ lệ cơ quan, đơn vị sử dụng IPv6",
        "Agencies and units using IPv6",
        _PCT, "tabular", "I", "denominator",
        "Các cơ quan, đơn vị thuộc xã sử dụng IPv6",
    ),
    # II. Hạ tầng trung tâm dữ liệu và điện toán đám mây
    _ind(
        "cloud_info_systems",
        "Tỷ lệ hệ thống thông tin dùng chung có sử dụng dịch vụ điện toán đám mây",
        "Shared information systems using cloud services",
        _PCT, "tabular", "II", "denominator",
        "Tỷ lệ hệ thống thông tin dùng chung cấp tỉnh có sử dụng dịch vụ điện toán đám mây",
        "Tỷ lệ hệ thống thông tin dùng chung của thị xã có sử dụng dịch vụ điện toán đám mây",
    ),
    _ind(
        "cloud_accounts_per_person",
        "Mỗi người dân có tài khoản sử dụng dịch vụ điện toán đám mây",
        "Cloud service accounts per person",
        _ACCOUNTS, "tabular", "II", "population",
        "Trung bình mỗi người dân có 01 tài khoản sử dụng dịch vụ điện toán đám mây",
        "Tỷ lệ người dân có tài khoản sử dụng dịch vụ điện toán đám mây",
        alt_units=("%",),
    ),
    # III. Hạ tầng công nghệ số
    _ind(
        "bank_account_15plus",
        "Tỷ lệ dân số từ 15 tuổi trở lên có tài khoản giao dịch thanh toán tại ngân hàng"
        " hoặc tổ chức được phép khác",
        "People aged 15 and over with a payment account",
        _PCT, "tabular", "III", "population",
    ),
    _ind(
        "ai_blockchain_iot",
        "Triển khai công nghệ AI, blockchain, IoT",
        "AI, blockchain and IoT deployed",
        _YES_NO, "tabular", "III", None,
    ),
    # IV. Nền tảng số có tính chất hạ tầng
    _ind(
        "gov_platform_use",
        "Tỷ lệ cơ quan, tổ chức Nhà nước sử dụng nền tảng số có tính chất hạ tầng",
        "State agencies using infrastructure digital platforms",
        _PCT, "tabular", "IV", "denominator",
        "Tỷ lệ cơ quan, tổ chức nhà nước sử dụng nền tảng số",
    ),
    _ind(
        "business_platform_use",
        "Tỷ lệ doanh nghiệp sử dụng nền tảng số có tính chất hạ tầng",
        "Businesses using infrastructure digital platforms",
        _PCT, "tabular", "IV", "denominator",
        "Tỷ lệ doanh nghiệp sử dụng nền tảng số",
    ),
)  # fmt: skip

#: The catalogue by id, in annex order (group I to IV).
INDICATORS: dict[str, Indicator] = {ind.id: ind for ind in _CATALOGUE}


def indicator(id_: str) -> Indicator:
    """Return the catalogue entry for ``id_``; raise ``KeyError`` naming the known ids (and the closest)."""
    try:
        return INDICATORS[id_]
    except KeyError:
        close = difflib.get_close_matches(str(id_), INDICATORS, n=3)
        hint = f" (closest: {', '.join(close)})" if close else ""
        raise KeyError(f"unknown indicator id {id_!r}{hint}; known ids: {', '.join(INDICATORS)}") from None


def normalise_label(text: str) -> str:
    """Return ``text`` folded for matching: lower case, no diacritics (đ → d), words of letters/digits only.

    Folding diacritics also makes old/new tone-mark placement ("hoà"/"hòa") and decomposed
    (Windows-1258) text compare equal.
    """
    bare = fold_text(str(text).lower())
    return " ".join("".join(ch if ch.isalnum() else " " for ch in bare).split())


@dataclass(frozen=True)
class IndicatorMatch:
    """Result of :func:`match_indicator`: the id (or ``None``) and the closest labels with scores (0–1)."""

    id: str | None
    score: float
    closest: tuple[tuple[str, str, float], ...]


def _score(text: str, candidate: str) -> float:
    if text == candidate:
        return 1.0
    # the text adds words to a label ("... trên toàn huyện"), or stops short of a label's last words
    if (len(candidate) >= 15 and candidate in text) or (
        len(text) >= max(15, len(candidate) / 2) and text in candidate
    ):
        return 0.9 + 0.09 * min(len(text), len(candidate)) / max(len(text), len(candidate))
    return difflib.SequenceMatcher(None, text, candidate).ratio()


_PARENS = re.compile(r"\([^)]*\)")


def _keys(text: str) -> set[str]:
    """Return the folded text with and without its parenthesised notes."""
    return {normalise_label(text), normalise_label(_PARENS.sub(" ", text))} - {""}


_KEYS = tuple(
    (ind.id, label, _keys(label)) for ind in _CATALOGUE for label in (ind.label_vi, *ind.aliases_vi)
)


def match_indicator(text: str, *, min_score: float = 0.85, margin: float = 0.03) -> IndicatorMatch:
    """Map a row's wording (Vietnamese, any diacritics or case; or an indicator id) to an indicator id.

    Text and labels are compared after :func:`normalise_label`, with and without their notes in
    parentheses. A label scores 1 when equal, 0.9–0.99 when the text contains it (adds words
    such as "trên toàn huyện") or is a part of it at least half as long (stops short of its last
    words), otherwise difflib's ratio.
    The best indicator is accepted when it scores at least ``min_score`` and beats the next
    indicator by ``margin``; otherwise ``id`` is ``None``. ``closest`` lists the three best
    indicators (id, label, score) either way, for the planner's error message.
    """
    raw = str(text).strip()
    if raw in INDICATORS:
        return IndicatorMatch(raw, 1.0, ((raw, INDICATORS[raw].label_vi, 1.0),))
    keys = _keys(raw)
    best: dict[str, tuple[float, str]] = {}
    for id_, label, candidates in _KEYS:
        score = max((_score(key, cand) for key in keys for cand in candidates), default=0.0)
        if score > best.get(id_, (-1.0, ""))[0]:
            best[id_] = (score, label)
    ranked = sorted(best.items(), key=lambda item: -item[1][0])
    closest = tuple((id_, label, round(score, 3)) for id_, (score, label) in ranked[:3])
    top_score = ranked[0][1][0]
    runner_up = ranked[1][1][0]
    accepted = top_score >= min_score and (top_score == 1.0 or top_score - runner_up >= margin)
    return IndicatorMatch(ranked[0][0] if accepted else None, top_score, closest)
