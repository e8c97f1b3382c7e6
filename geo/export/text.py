"""Texts shared by every export: numbers with a decimal comma, dates, titles, the source line and a
scenario's before / after lines.

Planners read "37,7" and "23/11/2026"; English output keeps "37.7" and ISO dates. These helpers
are the one place where exported numbers and provenance lines are worded, so the map, the
atlas and the annex say the same thing.
"""

from __future__ import annotations

import math
import re
from datetime import date

import numpy as np
import pandas as pd

from geo.compute.catalogue import INDICATORS
from geo.palette import status_label
from geo.plans.targets import Plan

__all__ = [
    "TOOL_NAME",
    "number_text",
    "value_text",
    "localise",
    "date_text",
    "source_line",
    "before_after_lines",
]

#: How exported files name the tool in their source line.
TOOL_NAME = "vn-coverage-map"

_DECIMAL_POINT = re.compile(r"(?<=\d)\.(?=\d)")


def localise(text: str, lang: str = "vi") -> str:
    """Return ``text`` with decimal points between digits turned into commas for ``lang == "vi"``.

    Used on target texts such as ``"≥ 6.5"`` (→ ``"≥ 6,5"``); other text is left alone.
    """
    return _DECIMAL_POINT.sub(",", text) if lang == "vi" else text


def number_text(value: float | None, *, lang: str = "vi", decimals: int = 1) -> str:
    """Return ``value`` rounded to ``decimals`` places without trailing zeros: ``37,7``, ``100``.

    ``None``/NaN gives ``"–"`` (no data).
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    text = f"{float(value):.{decimals}f}".rstrip("0").rstrip(".") if decimals else f"{float(value):.0f}"
    return localise(text if text not in ("-0", "") else "0", lang)


def value_text(value: float | None, indicator: str, *, lang: str = "vi") -> str:
    """Return an indicator's value as a table cell: ``"Có"``/``"Không"`` for yes/no indicators (1/0),
    otherwise :func:`number_text` (the unit is printed in its own column)."""
    ind = INDICATORS.get(indicator)
    if ind is not None and ind.is_boolean and value is not None and not math.isnan(float(value)):
        yes, no = ("Có", "Không") if lang == "vi" else ("Yes", "No")
        return yes if float(value) >= 0.5 else no
    return number_text(value, lang=lang)


def date_text(day: date, lang: str = "vi") -> str:
    """Return ``day`` as ``"23/11/2026"`` (vi) or ``"2026-11-23"`` (en)."""
    return day.strftime("%d/%m/%Y") if lang == "vi" else day.isoformat()


def source_line(dataset_name: str, plan: Plan, made_on: date, *, lang: str = "vi") -> str:
    """Return the provenance line printed under every map and table.

    ``"Nguồn: <dataset>; kế hoạch <plan id>; tính toán bởi vn-coverage-map. Lập ngày 23/11/2026"``.
    """
    if lang == "vi":
        return (
            f"Nguồn: {dataset_name}; kế hoạch {plan.id}; tính toán bởi {TOOL_NAME}. "
            f"Lập ngày {date_text(made_on, lang)}"
        )
    return (
        f"Source: {dataset_name}; plan {plan.id}; computed by {TOOL_NAME}. Made on {date_text(made_on, lang)}"
    )


def before_after_lines(table: pd.DataFrame, *, lang: str = "vi") -> str:
    """One line per unit and target with a value: ``"Mường Lay — Tỷ lệ thôn có 4G: 93,3 % → 100 % — đạt"``."""
    known = pd.to_numeric(table["value"], errors="coerce").notna()
    known |= pd.to_numeric(table["value_before"], errors="coerce").notna()
    table = table[known.to_numpy()]
    label = table["label_vi" if lang == "vi" else "label_en"].astype(str)
    unit = table["unit"].fillna("").astype(str).str.strip()
    suffix = np.where(unit == "%", " %", np.where(unit != "", " " + unit, ""))
    before = [
        value_text(v, i, lang=lang) for v, i in zip(table["value_before"], table["indicator"], strict=True)
    ]
    after = [value_text(v, i, lang=lang) for v, i in zip(table["value"], table["indicator"], strict=True)]
    status = [status_label(s, lang).lower() for s in table["status"]]
    was = [status_label(s, lang).lower() for s in table["status_before"].fillna("")]
    lines = [
        f"{n} — {lab}: {b}{s} → {a}{s} — {st}"
        + (f" ({'trước' if lang == 'vi' else 'before'}: {w})" if w != st else "")
        for n, lab, b, a, s, st, w in zip(
            table["name"], label, before, after, suffix, status, was, strict=True
        )
    ]
    return "\n".join(lines)
