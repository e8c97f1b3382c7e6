"""Numbers of the demo: unit statistics per indicator and year, and speed-test measurements.

A unit's *maturity* (0 = remote mountain commune, 1 = town centre) places each indicator
between a low and a high 2022 value; a yearly trend and a little noise follow. The column
labels are the plans' Vietnamese wording, mapped back to indicator ids by the manifest's
``indicators:`` key (:data:`INDICATOR_LABELS`). Speed tests (:func:`speed_measurements`)
follow the same maturity: faster fixed and mobile broadband in the centre.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["TABULAR_INDICATORS", "INDICATOR_LABELS", "YEARS", "unit_stats", "labelled", "speed_measurements"]

#: Years the demo reports (2022 is the plans' baseline year).
YEARS = (2022, 2023, 2024, 2025)

# id: (Vietnamese column label, value at maturity 0, value at maturity 1, change per year, decimals)
_SPEC: dict[str, tuple[str, float, float, float, int]] = {
    "pole_sharing": ("Tỷ lệ dùng chung cột treo cáp (%)", 4, 18, 3, 1),
    "duct_sharing": ("Tỷ lệ dùng chung cống bể cáp (%)", 0, 14, 1.5, 1),
    "cable_undergrounding": ("Tỷ lệ ngầm hóa hạ tầng mạng cáp ngoại vi (%)", 0, 22, 4, 1),
    "household_fibre": ("Tỷ lệ hộ gia đình có truy nhập Internet băng rộng cáp quang (%)", 18, 82, 4, 1),
    "fixed_bb_subs_per_100": ("Số thuê bao băng rộng cố định/100 dân", 2, 15, 1.3, 1),
    "mobile_bb_subs_per_100": ("Số thuê bao băng rộng di động/100 dân", 55, 118, 4.5, 1),
    "smartphone_share": ("Tỷ lệ thuê bao sử dụng điện thoại thông minh (%)", 48, 80, 4, 1),
    "adult_smartphone": ("Tỷ lệ dân số trưởng thành có điện thoại thông minh (%)", 38, 68, 5, 1),
    "household_smart_device": (
        "Tỷ lệ hộ gia đình có ít nhất 1 điện thoại hoặc thiết bị thông minh (%)",
        60,
        93,
        3,
        1,
    ),
    "only_2g_users": ("Tỷ lệ người chỉ sử dụng điện thoại 2G (%)", 24, 3, -2.5, 1),
    "internet_users": ("Tỷ lệ người sử dụng Internet (%)", 42, 88, 4, 1),
    "gigabit_fibre_access": ("Tỷ lệ người sử dụng có khả năng truy nhập cáp quang 1 Gbps (%)", 0, 55, 9, 1),
    "state_network_connected": (
        "Tỷ lệ cơ quan Đảng, Nhà nước kết nối Mạng truyền số liệu chuyên dùng (%)",
        80,
        100,
        6,
        0,
    ),
    "cloud_info_systems": (
        "Tỷ lệ hệ thống thông tin dùng chung sử dụng điện toán đám mây (%)",
        60,
        100,
        10,
        0,
    ),
    "cloud_accounts_per_person": ("Số tài khoản điện toán đám mây/người dân", 0.05, 0.55, 0.08, 2),
    "bank_account_15plus": ("Tỷ lệ dân số từ 15 tuổi có tài khoản thanh toán (%)", 35, 78, 5, 1),
    "ipv6_agencies": ("Tỷ lệ cơ quan, đơn vị sử dụng IPv6 (%)", 10, 70, 9, 1),
    "gov_platform_use": (
        "Tỷ lệ cơ quan nhà nước sử dụng nền tảng số có tính chất hạ tầng (%)",
        70,
        100,
        8,
        0,
    ),
    "business_platform_use": (
        "Tỷ lệ doanh nghiệp sử dụng nền tảng số có tính chất hạ tầng (%)",
        20,
        78,
        8,
        1,
    ),
}
_YES_NO = ("ai_blockchain_iot", "Triển khai công nghệ AI, blockchain, IoT (Có/Không)")

#: Every tabular indicator id of INDICATORS.md, in the catalogue's order.
TABULAR_INDICATORS = (*_SPEC, _YES_NO[0])

#: Column label → indicator id for every column the demo's unit statistics may carry,
#: including reported values of "both" indicators.
INDICATOR_LABELS: dict[str, str] = {
    **{spec[0]: ind for ind, spec in _SPEC.items()},
    _YES_NO[1]: _YES_NO[0],
    "Tỷ lệ thôn, bản, tổ dân phố được phủ sóng di động băng rộng (%) - doanh nghiệp báo cáo": (
        "village_mobile_bb_coverage"
    ),
}
_LABEL_OF = {ind: label for label, ind in INDICATOR_LABELS.items()}
# Operators in speed tests: fixed-line ISPs draw from the first three, mobile ones from 0, 3 and 4.
_SPEED_OPERATORS = ["Viettel", "VNPT", "FPT", "Vinaphone", "Mobifone"]


def unit_stats(
    units: pd.DataFrame,
    rng: np.random.Generator,
    *,
    missing: list[tuple[str | None, str, int | None]] = (),
    reported: dict[str, dict[tuple[str, int], float]] | None = None,
) -> pd.DataFrame:
    """Return the wide unit statistics table: one row per unit and year in :data:`YEARS`.

    ``units`` has columns ``code``, ``name``, ``level`` (as written in the file: "Xã",
    "Phường", "Thị xã", "Tỉnh") and ``maturity`` (0–1). Columns of the result: ``code``,
    ``name``, ``level``, ``year``, then one column per indicator id (percentages in %,
    ``cloud_accounts_per_person`` in accounts per person, ``ai_blockchain_iot`` "Có"/"Không").
    ``missing`` lists ``(code or None for every unit, indicator id, year or None for every
    year)`` cells left empty; ``reported`` adds sparse columns of "both" indicators
    ``{indicator: {(code, year): value}}``.
    """
    years = np.array(YEARS)
    n_units, n_years = len(units), len(years)
    maturity = np.repeat(units["maturity"].to_numpy(float), n_years)
    step = np.tile(years - YEARS[0], n_units)
    table = pd.DataFrame(
        {
            "code": np.repeat(units["code"].to_numpy(), n_years),
            "name": np.repeat(units["name"].to_numpy(), n_years),
            "level": np.repeat(units["level"].to_numpy(), n_years),
            "year": np.tile(years, n_units),
        }
    )
    low, high, trend, decimals = (np.array([s[i] for s in _SPEC.values()]) for i in range(1, 5))
    noise = rng.normal(0.0, 0.04, size=(n_units, len(_SPEC))).repeat(n_years, axis=0)
    values = low + (high - low) * np.clip(maturity[:, None] + noise, 0, 1) + trend * step[:, None]
    is_share = np.array([label.endswith("(%)") for label, *_ in _SPEC.values()])
    values = np.where(is_share, np.clip(values, 0.5, 100.0), np.maximum(values, 0.0))
    for j, ind in enumerate(_SPEC):
        table[ind] = np.round(values[:, j], int(decimals[j]))
    table[_YES_NO[0]] = np.where(maturity + 0.12 * step >= 0.6, "Có", "Không")
    for ind, cells in (reported or {}).items():
        keys = pd.MultiIndex.from_frame(table[["code", "year"]])
        table[ind] = pd.Series(cells, dtype=float).reindex(keys).to_numpy()
    for code, ind, year in missing:
        rows = (table["code"] == code if code else True) & (table["year"] == year if year else True)
        table.loc[rows, ind] = None
    return table


def labelled(table: pd.DataFrame) -> pd.DataFrame:
    """Return ``table`` with indicator-id columns renamed to their Vietnamese labels."""
    return table.rename(columns=_LABEL_OF)


def speed_measurements(
    rng: np.random.Generator, maturity: np.ndarray, *, fixed_share: np.ndarray, five_g_share: np.ndarray
) -> pd.DataFrame:
    """Return one i-Speed-like measurement per entry of ``maturity`` (0–1, where it was taken).

    ``fixed_share`` / ``five_g_share`` (per entry, 0–1) are the chances that the test is a fixed
    one / a mobile one on 5G. Columns: ``time`` (datetime64 to the second, 2024-01 to 2025-09;
    CSV shows "YYYY-MM-DD HH:MM:SS"), ``network`` ("cố định"/"di động") and ``operator`` as
    categoricals, ``download_mbps``, ``upload_mbps`` (Mbit/s) and ``latency_ms``; rows are in
    the order of ``maturity``.
    """
    n = len(maturity)
    fixed = rng.uniform(0, 1, n) < fixed_share
    five_g = ~fixed & (rng.uniform(0, 1, n) < five_g_share)
    median = np.where(fixed, 70 + 50 * maturity, np.where(five_g, 260.0, 14 + 38 * maturity))
    download = median * rng.lognormal(0.0, 0.35, n)
    upload = download * np.where(fixed, rng.uniform(0.6, 1.0, n), rng.uniform(0.15, 0.4, n))
    latency = np.where(fixed, rng.uniform(5, 22, n), rng.uniform(22, 75, n) * (1.6 - maturity))
    seconds = rng.integers(0, 21 * 30 * 86400, n)
    fixed_operator = rng.choice(3, n, p=[0.5, 0.4, 0.1])
    mobile_operator = np.array([0, 3, 4])[rng.choice(3, n, p=[0.55, 0.25, 0.2])]
    return pd.DataFrame(
        {
            "time": np.datetime64("2024-01-01T00:00:00", "s") + seconds.astype("timedelta64[s]"),
            "network": pd.Categorical.from_codes(fixed.astype(np.int8), ["di động", "cố định"]),
            "operator": pd.Categorical.from_codes(
                np.where(fixed, fixed_operator, mobile_operator), _SPEED_OPERATORS
            ),
            "download_mbps": np.round(download, 2),
            "upload_mbps": np.round(upload, 2),
            "latency_ms": np.round(latency).astype(np.int64),
        }
    )
