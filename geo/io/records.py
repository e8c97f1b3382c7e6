"""Name each row-level problem by the record's own identifier (``site_id``, ``name`` or ``code``).

A planner finds "bts_sites.csv, dòng 3 (BTS-SWAP-9)" faster than "dòng 3": the row number may have
shifted after sorting in Excel, the identifier has not.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace

import pandas as pd

from geo.errors import Problem
from geo.names import fold_word

__all__ = ["ID_FIELDS", "record_ids", "name_records"]

#: Fields that identify a record, in order of preference.
ID_FIELDS = ("site_id", "name", "code")


def _column(frame: pd.DataFrame, name: str) -> str | None:
    if name in frame.columns:
        return name
    key = fold_word(name)
    return next((str(c) for c in frame.columns if fold_word(c) == key), None)


def record_ids(frame: pd.DataFrame, columns: Mapping[str, object] | None = None) -> dict[int, str]:
    """``{source_row: identifier}`` for the rows of ``frame`` that have one; ``columns`` maps model fields to
    the file's column names when ``frame`` still carries the file's names."""
    if "source_row" not in frame.columns or frame.empty:
        return {}
    columns = columns or {}
    found: dict[int, str] = {}
    for field in ID_FIELDS:
        wanted = columns.get(field)
        name = _column(frame, wanted) if isinstance(wanted, str) else None
        name = name or _column(frame, field)
        if name is None:
            continue
        values = frame[name]
        filled = values.notna()
        for row, value in zip(frame.loc[filled, "source_row"], values[filled], strict=True):
            text = str(value).strip()
            if text:
                found.setdefault(int(row), text[:60])
    return found


def name_records(
    problems: Sequence[Problem],
    frame: pd.DataFrame,
    columns: Mapping[str, object] | None = None,
    file: str | None = None,
) -> list[Problem]:
    """``problems`` with ``record`` filled in for those about a row of ``frame`` (and of ``file`` when given).

    Only the rows named by a problem are looked up, so a clean million-row layer costs nothing.
    """
    rows = {id(p): _row_of(p) for p in problems if not p.record and (file is None or p.file == file)}
    wanted = {n for n in rows.values() if n is not None}
    if not wanted or "source_row" not in frame.columns:
        return list(problems)
    ids = record_ids(frame[frame["source_row"].isin(wanted)], columns)
    if not ids:
        return list(problems)
    return [replace(p, record=ids[rows[id(p)]]) if rows.get(id(p)) in ids else p for p in problems]


def _row_of(problem: Problem) -> int | None:
    """The row (tables) or feature number (vector files: ``feature 3``) a problem is about."""
    if problem.row is not None:
        return problem.row
    match = re.fullmatch(r"feature (\d+)", problem.feature)
    return int(match.group(1)) if match else None
