"""Tables the tool writes for planners (CSV, XLSX): safe cells and figures rounded as the plans print them.

Two rules every written table follows:

- **No live formulas from data.** A text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a
  carriage return would be run by Excel or LibreOffice as a formula (OWASP "CSV injection"): a unit
  named ``=cmd|' /C calc'!A0`` must stay text. In CSV such a cell gets a leading apostrophe (what a
  spreadsheet shows as plain text); in XLSX every text cell is stored as a string cell, never a
  formula, and gets the same apostrophe so a copy-paste into another sheet stays inert too. Numbers
  stay numbers (a negative gap is a number, not text).
- **Figures at the indicator's precision.** ``value``, ``target``, ``gap``, ``reported``, ``computed``
  and ``difference`` are rounded per row to :attr:`geo.compute.catalogue.Indicator.decimals`
  (``2.4000000000000057`` → ``2.4``).
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from pathlib import Path
from typing import IO

import numpy as np
import openpyxl
import pandas as pd

from geo.compute.catalogue import INDICATORS

__all__ = [
    "FORMULA_STARTS",
    "FIGURE_COLUMNS",
    "safe_text",
    "safe_frame",
    "round_figures",
    "write_csv",
    "write_xlsx",
]

#: First characters that make a spreadsheet read a cell as a formula (OWASP CSV-injection guidance).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

#: Columns of an evaluation table that hold figures in the indicator's own unit.
FIGURE_COLUMNS = ("value", "target", "gap", "reported", "computed", "difference", "value_before", "change")

_DECIMALS = {item.id: item.decimals for item in INDICATORS.values()}


def safe_text(value: object) -> object:
    """Return ``value`` with a leading apostrophe when it is text a spreadsheet would run as a formula.

    Anything that is not a ``str`` (numbers, dates, missing values) is returned unchanged.
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Return a copy of ``frame`` whose text cells are neutralised by :func:`safe_text`.

    Only object/string columns are touched, column by column (vectorised); numeric columns are
    kept as they are, so figures stay numbers in the written file.
    """
    out = frame.copy()
    for column in out.columns:
        series = out[column]
        if not (pd.api.types.is_object_dtype(series) or pd.api.types.is_string_dtype(series)):
            continue
        is_text = series.map(lambda v: isinstance(v, str)).astype(bool)
        text = series.astype(object).where(is_text, "").astype(str)
        risky = is_text & text.str.startswith(FORMULA_STARTS)
        if risky.any():
            out[column] = series.astype(object).where(~risky, "'" + text)
    return out


def round_figures(frame: pd.DataFrame, *, indicator_column: str = "indicator") -> pd.DataFrame:
    """Return a copy of ``frame`` with its figure columns rounded to each row's indicator precision.

    The precision of a row is :attr:`Indicator.decimals` of the id in ``indicator_column``
    (1 decimal where the id is unknown). A frame without that column is returned unchanged.
    """
    if indicator_column not in frame.columns:
        return frame.copy()
    out = frame.copy()
    decimals = out[indicator_column].map(_DECIMALS).fillna(1).astype(int).to_numpy()
    for column in (c for c in FIGURE_COLUMNS if c in out.columns):
        numbers = pd.to_numeric(out[column], errors="coerce")
        if numbers.notna().sum() != out[column].notna().sum():
            continue  # a column that holds text is not a figure column here
        values = numbers.to_numpy(dtype=float, copy=True)
        for places in np.unique(decimals):
            mask = decimals == places
            values[mask] = np.round(values[mask], places)
        out[column] = values
    return out


def write_csv(frame: pd.DataFrame, target: str | Path | IO[bytes] | None = None) -> bytes | None:
    """Write ``frame`` as UTF-8 CSV with BOM (Excel opens the diacritics right), safe and rounded.

    Lines end in CRLF (RFC 4180), so a text cell holding a carriage return is quoted and cannot
    split its row. ``target`` is a path or a binary file object; ``None`` returns the bytes instead.
    """
    text = round_figures(safe_frame(frame)).to_csv(index=False, lineterminator="\r\n")
    data = text.encode("utf-8-sig")
    if target is None:
        return data
    if isinstance(target, str | Path):
        Path(target).write_bytes(data)
    else:
        target.write(data)
    return None


def write_xlsx(
    sheets: Mapping[str, pd.DataFrame], target: str | Path | IO[bytes] | None = None
) -> bytes | None:
    """Write one sheet per ``{title: frame}`` as XLSX: header row, then the rows, safe and rounded.

    Text cells are string cells (never formulas); numbers stay numbers; missing values are empty.
    ``target`` is a path or a binary file object; ``None`` returns the bytes instead.
    """
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, frame in sheets.items():
        sheet = book.create_sheet(title=title[:31])
        table = round_figures(safe_frame(frame)).astype(object)
        table = table.where(table.notna(), None)
        sheet.append([str(c) for c in table.columns])
        for values in table.itertuples(index=False):
            sheet.append([v.item() if isinstance(v, np.generic) else v for v in values])
        for row in sheet.iter_rows(min_row=1):
            for cell in row:
                if isinstance(cell.value, str):
                    cell.data_type = "s"
    if target is None:
        buffer = io.BytesIO()
        book.save(buffer)
        return buffer.getvalue()
    book.save(target)
    return None
