"""Turn the attribute values of planners' files into the model's canonical values.

Operators' spellings ("Vinaphone", "Mobi", "VNPT-Vinaphone"), technologies ("4g, 5G"),
networks ("cố định", "di động"), yes/no flags ("Có", "x", "1") and numbers written with a
decimal comma ("37,7") are all read; values that cannot be understood are reported by
row, never guessed silently.
"""

from __future__ import annotations

import re

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.errors import Problem
from geo.model import LAYER_FIELDS
from geo.names import fold_word
from geo.settings import OPERATOR_ALIASES, OPERATORS, TECHNOLOGIES

__all__ = [
    "fold_word",
    "parse_numbers",
    "parse_flags",
    "parse_operators",
    "parse_technologies",
    "parse_networks",
    "validate_layer",
]

_TRUE_WORDS = {"co", "x", "1", "yes", "true", "y", "đ", "dat", "1.0"}
_FALSE_WORDS = {"khong", "0", "no", "false", "n", "chua", "0.0"}
_NETWORK_WORDS = {
    "fixed": "fixed",
    "codinh": "fixed",
    "cd": "fixed",
    "ftth": "fixed",
    "wifi": "fixed",
    "mobile": "mobile",
    "didong": "mobile",
    "dd": "mobile",
    "4g": "mobile",
    "5g": "mobile",
    "3g": "mobile",
}
_SEPARATORS = re.compile(r"[,;/+&|]|\s+và\s+|\s+and\s+")


def _bad_rows(
    mask: pd.Series,
    values: pd.Series,
    rows: pd.Series,
    *,
    layer: str,
    file: str,
    field: str,
    vi: str,
    en: str,
    out_of_range: bool = False,
) -> list[Problem]:
    """One error Problem per row where ``mask`` is true, quoting the offending value."""
    what_vi = "nằm ngoài khoảng cho phép" if out_of_range else "không đọc được"
    what_en = "out of range" if out_of_range else "that cannot be read"
    return [
        Problem(
            "error",
            file,
            f"Cột '{field}' có giá trị {what_vi}: {value!r}; giá trị này bị bỏ qua."
            if out_of_range
            else f"Cột '{field}' có giá trị {what_vi}: {value!r}.",
            f"Column '{field}' has a value {what_en}: {value!r}; it was left out."
            if out_of_range
            else f"Column '{field}' has a value {what_en}: {value!r}.",
            fix_vi=vi,
            fix_en=en,
            layer=layer,
            row=int(row),
        )
        for value, row in zip(values[mask], rows[mask], strict=True)
    ]


def _distinct(values: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """Return ``(codes, uniques)``: the distinct texts of a column and each cell's position among them.

    ``codes`` holds -1 for missing cells; ``uniques`` is a ``"string"`` Series. Cells are compared as
    text (``1``, ``1.0`` and ``True`` stay apart), so the parsers below work once per distinct value,
    however long the column.
    """
    if pd.api.types.infer_dtype(values, skipna=True) not in ("string", "empty"):
        values = values.astype("string")
    codes, uniques = pd.factorize(values)
    return codes, pd.Series(uniques, dtype="string")


def _spread(
    per_unique: pd.Series | list,
    codes: np.ndarray,
    missing: object,
    values: pd.Series,
    *,
    dtype: object,
    named: bool = False,
) -> pd.Series:
    """Give each cell of ``values`` the result computed for its distinct text (``missing`` where empty),
    as ``dtype``: the distinct results are converted once, then taken cell by cell."""
    table = pd.Series([*per_unique, missing], dtype=object).astype(dtype).array
    # code -1 (a missing cell) picks the last entry, the appended ``missing``
    return pd.Series(table.take(codes), index=values.index, name=values.name if named else None)


def _number_text(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """The number parser proper, over text cells: ``(floats, bad)`` as :func:`parse_numbers` defines them."""
    clean = text.str.strip().str.replace("%", "", regex=False).str.replace(" ", "")
    both = clean.str.contains(",", regex=False) & clean.str.contains(".", regex=False)
    clean = clean.where(~both, clean.str.replace(".", "", regex=False))
    clean = clean.str.replace(",", ".", regex=False)
    numbers = pd.to_numeric(clean, errors="coerce").astype(float)
    blank = text.isna() | (text.str.strip() == "")
    return numbers, (numbers.isna() & ~blank).fillna(False).astype(bool)


def parse_numbers(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Parse numbers written as planners write them ("37,7", "1.234,5", " 12 ", "80%").

    Returns ``(floats, bad)``: floats with NaN for blanks and unreadable cells, and a boolean
    mask of cells that held text but no number (blanks are not bad: they are missing data).
    Each distinct text is parsed once.
    """
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        return values.astype(float), pd.Series(False, index=values.index)
    codes, uniques = _distinct(values)
    numbers, bad = _number_text(uniques)
    return (
        _spread(numbers, codes, np.nan, values, dtype=float, named=True),
        _spread(bad, codes, False, values, dtype=bool, named=True),
    )


def _folded(values: pd.Series) -> tuple[np.ndarray, list[str]]:
    """``(codes, folded distinct texts)`` of a column; code -1 marks a missing cell."""
    codes, uniques = _distinct(values)
    return codes, [fold_word(text) for text in uniques]


def parse_flags(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Parse yes/no cells (Có/Không, x, 1/0, yes/no, true/false) into a nullable boolean Series.

    Returns ``(flags, bad)``; blanks become ``<NA>`` (unknown), unreadable text is flagged bad.
    """
    if pd.api.types.is_bool_dtype(values):
        return values.astype("boolean"), pd.Series(False, index=values.index)
    codes, folded = _folded(values)
    flags = [True if f in _TRUE_WORDS else False if f in _FALSE_WORDS else pd.NA for f in folded]
    bad = [flag is pd.NA and f != "" for flag, f in zip(flags, folded, strict=True)]
    return (
        _spread(flags, codes, pd.NA, values, dtype="boolean"),
        _spread(bad, codes, False, values, dtype=bool),
    )


def _parse_set(
    values: pd.Series, words: dict[str, str], order: tuple[str, ...]
) -> tuple[pd.Series, pd.Series]:
    """Split cells on separators, map each part through ``words`` and join the canonical set with ';'."""
    rank = {name: i for i, name in enumerate(order)}
    codes, uniques = _distinct(values)
    sets, bad = [], []
    for text in uniques:
        folded = [f for f in map(fold_word, _SEPARATORS.split(text)) if f]
        found = {words[f] for f in folded if f in words}
        sets.append(";".join(sorted(found, key=rank.__getitem__)) if found else pd.NA)
        bad.append(any(f not in words for f in folded))
    return (
        _spread(sets, codes, pd.NA, values, dtype="string"),
        _spread(bad, codes, False, values, dtype=bool),
    )


def parse_operators(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Canonical operator sets ("Viettel;VNPT") from free text; returns ``(operators, bad)``."""
    return _parse_set(values, OPERATOR_ALIASES, OPERATORS)


def parse_technologies(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Canonical technology sets ("2G;4G;5G") from text like "4g, 5G" or "LTE"; returns ``(techs, bad)``."""
    words = {t.lower(): t for t in TECHNOLOGIES} | {"lte": "4G", "nr": "5G", "gsm": "2G", "umts": "3G"}
    return _parse_set(values, words, TECHNOLOGIES)


def parse_networks(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """``"fixed"``/``"mobile"`` from "cố định", "di động", "Fixed", "4G"...; returns ``(networks, bad)``."""
    codes, folded = _folded(values)
    networks = [_NETWORK_WORDS.get(f, pd.NA) for f in folded]
    return (
        _spread(networks, codes, pd.NA, values, dtype="string", named=True),
        _spread([n is pd.NA for n in networks], codes, False, values, dtype=bool, named=True),
    )


_NUMERIC_FIELDS = {
    "population",
    "households",
    "height_m",
    "azimuth_deg",
    "radius_m",
    "band_mhz",
    "download_mbps",
    "upload_mbps",
    "latency_ms",
    "signal_dbm",
    "cell_m",
}
_FLAG_FIELDS = {"urban", "ftth", "free"}
_FIX = {
    "number": ("Ghi một số, ví dụ 37,7 hoặc 120.", "Write a number such as 37.7 or 120."),
    "flag": (
        "Ghi Có hoặc Không (hoặc để trống nếu chưa biết).",
        "Write Yes or No (or leave blank if unknown).",
    ),
    "operators": (
        "Ghi tên nhà mạng: Viettel, VNPT (VinaPhone), MobiFone, Vietnamobile; nhiều nhà mạng cách nhau dấu ;",
        "Name the operators: Viettel, VNPT (VinaPhone), MobiFone, Vietnamobile; separate several with ;",
    ),
    "technologies": (
        "Ghi công nghệ 2G, 3G, 4G, 5G cách nhau dấu ;",
        "Write technologies 2G, 3G, 4G, 5G separated by ;",
    ),
    "network": ("Ghi 'cố định' hoặc 'di động'.", "Write 'fixed' or 'mobile'."),
}
#: Numeric fields with a physical range (inclusive): values outside are reported by row and left missing.
_RANGES = {
    "azimuth_deg": (
        0.0, 360.0,
        "Góc phương vị là số độ từ 0 đến 360 (0 = hướng Bắc, theo chiều kim đồng hồ).",
        "The azimuth is in degrees from 0 to 360 (0 = north, clockwise).",
    ),
    "height_m": (0.0, 500.0, "Độ cao cột là số mét từ 0 đến 500.", "The mast height is in metres, 0 to 500."),
    "radius_m": (
        0.0, 100_000.0, "Bán kính phủ sóng là số mét dương.", "The coverage radius is positive metres.",
    ),
}  # fmt: skip
_PARSERS = {"operators": parse_operators, "technologies": parse_technologies, "network": parse_networks}


def validate_layer(gdf: gpd.GeoDataFrame, *, layer: str, file: str) -> tuple[gpd.GeoDataFrame, list[Problem]]:
    """Check a point or unit layer's canonical columns and convert them to canonical values.

    Takes a GeoDataFrame whose columns already carry model names (and ``source_row``);
    returns a copy with numbers as float, flags as nullable boolean, operators/technologies/
    network canonical, and one Problem per unreadable cell (by row). A missing required
    column is one error naming the column and the manifest key to set. Rows are kept:
    an unreadable optional value becomes missing; an unreadable required value is reported
    as an error so ``geo check`` fails until it is fixed.
    """
    spec = LAYER_FIELDS[layer]
    out = gdf.copy(deep=False)  # columns are replaced, never changed in place (copy-on-write)
    problems: list[Problem] = []
    rows = out["source_row"] if "source_row" in out else pd.Series(np.arange(len(out)) + 1, index=out.index)
    for field in spec["required"]:
        if field not in out.columns:
            problems.append(
                Problem(
                    "error",
                    file,
                    f"Lớp '{layer}' thiếu cột bắt buộc '{field}'. "
                    f"Các cột có: {', '.join(map(str, gdf.columns))}.",
                    f"Layer '{layer}' lacks the required column '{field}'. Columns found: "
                    f"{', '.join(map(str, gdf.columns))}.",
                    fix_vi=f"Trong dataset.yaml, ghi '{field}: <tên cột trong tệp>' cho lớp {layer}.",
                    fix_en=f"In dataset.yaml, set '{field}: <column in the file>' for layer {layer}.",
                    layer=layer,
                )
            )
    for field in [f for f in spec["required"] + spec["optional"] if f in out.columns]:
        if field in _NUMERIC_FIELDS:
            out[field], bad = parse_numbers(out[field])
            kind = "number"
        elif field in _FLAG_FIELDS:
            out[field], bad = parse_flags(out[field])
            kind = "flag"
        elif field in _PARSERS:
            raw = out[field]
            out[field], bad = _PARSERS[field](raw)
            kind = field
            missing = out[field].isna() & ~bad
            if field in spec["required"] and missing.any():
                problems += _bad_rows(
                    missing,
                    raw,
                    rows,
                    layer=layer,
                    file=file,
                    field=field,
                    vi=_FIX[kind][0],
                    en=_FIX[kind][1],
                )
        else:
            continue
        problems += _bad_rows(
            bad, gdf[field], rows, layer=layer, file=file, field=field, vi=_FIX[kind][0], en=_FIX[kind][1]
        )
    if layer == "wifi_points" and "free" not in out.columns:
        out["free"] = pd.array([True] * len(out), dtype="boolean")
    elif layer == "wifi_points":
        out["free"] = out["free"].fillna(True)
    for field, (low, high, vi, en) in _RANGES.items():
        if field not in out.columns:
            continue
        outside = ((out[field] < low) | (out[field] > high)).fillna(False)
        if outside.any():
            problems += _bad_rows(
                outside,
                gdf[field],
                rows,
                layer=layer,
                file=file,
                field=field,
                vi=vi,
                en=en,
                out_of_range=True,
            )
            out.loc[outside, field] = np.nan
    if "download_mbps" in out.columns:
        negative = (out["download_mbps"] < 0).fillna(False)
        problems += _bad_rows(
            negative,
            gdf["download_mbps"],
            rows,
            layer=layer,
            file=file,
            field="download_mbps",
            vi="Tốc độ tải xuống phải là số không âm (Mbit/s).",
            en="Download speed must be a non-negative number (Mbit/s).",
        )
        out.loc[negative, "download_mbps"] = np.nan
    return out, problems
