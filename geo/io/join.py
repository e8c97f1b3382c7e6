"""Join a table (statistics, a parent column, ...) to administrative units, reporting every row
that did not match.

Rows match on the official code when both sides carry codes (codes are text; numbers that
lost their leading zeros in Excel are re-padded to the units' width, with a warning), on
:func:`geo.names.name_key` otherwise, and on name within the parent unit where a name repeats.
A row never disappears: it is either in :attr:`JoinResult.matched` or in
:attr:`JoinResult.unmatched` with a reason in Vietnamese and English and up to three close
candidates (rapidfuzz ratio on :func:`geo.names.fold_key`).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from geo.errors import DataError, Problem
from geo.names import display_name, fold_keys, name_keys

__all__ = ["JoinResult", "join_units", "code_text", "MAX_CANDIDATES", "CANDIDATE_MIN_SCORE"]

log = logging.getLogger(__name__)

#: How many close units an unmatched row suggests.
MAX_CANDIDATES = 3
#: Lowest rapidfuzz ratio (0–100, on diacritic-free keys) for a unit to be suggested.
CANDIDATE_MIN_SCORE = 50
#: Distinct unmatched names scored against all units per rapidfuzz call (memory ≈ _CHUNK × units bytes).
_CHUNK = 1000

_REASONS = {
    "no_such_code": ("Không có đơn vị nào mang mã {code}", "No unit has code {code}"),
    "ambiguous_code": ("Mã {code} trùng ở {n} đơn vị", "Code {code} is used by {n} units"),
    "no_such_name": ("Không có đơn vị nào tên “{name}”", "No unit is named '{name}'"),
    "ambiguous": (
        "Có {n} đơn vị cùng tên “{name}”, cần ghi đơn vị cấp trên",
        "{n} units are named '{name}': give the parent unit",
    ),
    "not_in_parent": (
        "Không có đơn vị “{name}” thuộc “{parent}”",
        "No unit named '{name}' lies within '{parent}'",
    ),
    "no_key": ("Dòng không có mã và tên đơn vị", "The row has neither a unit code nor a unit name"),
}


@dataclass
class JoinResult:
    """What :func:`join_units` found.

    ``matched``: the table rows that matched, with ``source_row``, ``unit_index`` (the unit's
    index label), ``uid`` (when the units have one) and ``match`` ("code", "name" or
    "name+parent"). ``unmatched``: every other row, with ``source_row``, ``reason``
    (no_such_code, ambiguous_code, no_such_name, ambiguous, not_in_parent, no_key),
    ``reason_vi``, ``reason_en`` and ``candidates`` ("; "-separated unit labels, maybe empty).
    ``problems``: one error per unmatched row, warnings for re-padded codes and codes whose
    name disagrees.
    """

    matched: pd.DataFrame
    unmatched: pd.DataFrame
    problems: list[Problem] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        """True when every table row matched a unit."""
        return self.unmatched.empty


def code_text(values: pd.Series) -> pd.Series:
    """Return codes as stripped text: 3151 and 3151.0 → "3151", blanks → missing (same index)."""
    text = values.astype("string").str.strip()
    text = text.str.replace(r"^(\d+)\.0*$", r"\1", regex=True)
    return text.mask(text == "")


def _pad(codes: pd.Series, unit_codes: pd.Series) -> tuple[pd.Series, int, int]:
    """Re-pad all-digit ``codes`` shorter than the units' usual width; return (codes, width, n padded)."""
    digits = unit_codes.dropna()
    digits = digits[digits.str.fullmatch(r"\d+")]
    if digits.empty:
        return codes, 0, 0
    width = int(digits.str.len().mode().iloc[0])
    short = codes.notna() & codes.str.fullmatch(r"\d+").fillna(False) & (codes.str.len() < width)
    return codes.mask(short, codes.str.zfill(width)), width, int(short.sum())


def _lookup(rows: pd.DataFrame, units: pd.DataFrame, on: list[str]) -> pd.DataFrame:
    """For each row: ``n``, the number of distinct units sharing its ``on`` values, and ``pos``, the first."""
    per_key = units.groupby(on)["_pos"].agg(n="nunique", pos="min")
    found = rows[on].join(per_key, on=on)
    return found[["n", "pos"]].fillna({"n": 0, "pos": -1}).astype(int)


def _parent_columns(units_parent: str | Sequence[str] | None) -> list[str]:
    if units_parent is None:
        return []
    return [units_parent] if isinstance(units_parent, str) else list(units_parent)


def _unit_labels(units: pd.DataFrame, name: str, code: str | None, parents: list[str]) -> pd.Series:
    """Labels a planner recognises: "Hà Đông (10882)" or "Thôn 1 (Hà Đông)"."""
    label = units[name].map(display_name) if name in units else pd.Series("", index=units.index)
    extra = code_text(units[code]) if code and code in units else pd.Series(pd.NA, index=units.index)
    for column in parents:
        extra = extra.fillna(units[column].map(display_name).replace("", pd.NA))
    return (label + (" (" + extra + ")").fillna("")).str.strip()


def _closest(queries: pd.Series, choices: list[str], labels: np.ndarray) -> pd.Series:
    """Up to MAX_CANDIDATES unit labels closest to each query ("; "-joined), best first.

    Each distinct query is scored once against every choice with rapidfuzz's ``cdist``
    (all cores), in chunks so memory stays at about ``_CHUNK × len(choices)`` bytes.
    """
    unique = pd.unique(queries[queries.fillna("") != ""])
    found: dict[str, str] = {}
    limit = min(MAX_CANDIDATES, len(choices))
    for start in range(0, len(unique) if limit else 0, _CHUNK):
        chunk = list(unique[start : start + _CHUNK])
        scores = process.cdist(chunk, choices, scorer=fuzz.ratio, dtype=np.uint8, workers=-1)
        top = np.argpartition(scores, scores.shape[1] - limit, axis=1)[:, -limit:]
        for query, positions, row in zip(chunk, top, scores, strict=True):
            ranked = sorted(positions, key=lambda position, row=row: (-int(row[position]), position))
            found[query] = "; ".join(labels[p] for p in ranked if row[p] >= CANDIDATE_MIN_SCORE)
    return queries.map(found)


def join_units(
    units: pd.DataFrame,
    table: pd.DataFrame,
    *,
    code: str | None = "code",
    name: str = "name",
    parent: str | None = None,
    units_parent: str | Sequence[str] | None = None,
    level: str | None = None,
    file: str = "",
    layer: str = "",
) -> JoinResult:
    """Match each row of ``table`` to one unit of ``units`` (a GeoDataFrame or DataFrame).

    ``code``/``name`` name the columns, the same on both sides (``code=None`` or a missing
    column: names only). ``parent`` is the table's column naming each row's parent unit (code
    or name) and ``units_parent`` the units' column(s) it is compared with (one name or
    several, e.g. ``["parent_uid", "parent_name"]``); they resolve names that repeat. ``level``
    (e.g. ``"communes"``) picks the unit-type prefixes removed from names (see
    :func:`geo.names.split_prefix`). ``file``/``layer`` go into the problems.

    Row numbers are ``table["source_row"]`` when present, else position + 2 (Excel rows with
    one header line). A code that is not found falls back to the name (with a warning when
    the name matches). The table's ``code`` column comes back as padded text. Raises
    :class:`~geo.errors.DataError` when neither side can be keyed.
    """
    if not units.index.is_unique:
        raise ValueError("join_units: the units' index must be unique")
    use_code = bool(code) and code in table and code in units
    if not use_code and (name not in table or name not in units):
        raise DataError(
            f"{file or 'Bảng'}: không có cột mã ({code}) hay cột tên ({name}) để ghép với đơn vị hành chính",
            f"{file or 'Table'}: no code column ({code}) or name column ({name}) to join to the units",
        )
    parents = _parent_columns(units_parent) if parent and parent in table else []
    table = table.copy()
    rows = pd.DataFrame(index=table.index)
    rows["source_row"] = table["source_row"].to_numpy() if "source_row" in table else range(2, len(table) + 2)
    rows["key"] = name_keys(table[name], level=level) if name in table else ""
    unit_side = pd.DataFrame({"_pos": range(len(units))}, index=units.index)
    unit_side["key"] = name_keys(units[name], level=level) if name in units else ""
    problems: list[Problem] = []

    rows["code"] = pd.Series(pd.NA, index=table.index, dtype="string")
    if use_code:
        unit_side["code"] = code_text(units[code])
        rows["code"], width, n_padded = _pad(code_text(table[code]), unit_side["code"])
        table[code] = rows["code"]
        if n_padded:
            problems.append(_padding_problem(n_padded, width, file, layer))

    how = pd.Series(pd.NA, index=table.index, dtype="string")
    reason = pd.Series(pd.NA, index=table.index, dtype="string")
    count = pd.Series(0, index=table.index)
    pos = pd.Series(-1, index=table.index)

    has_code = rows["code"].notna()
    if has_code.any():
        found = _lookup(rows[has_code], unit_side, ["code"])
        pos[found.index] = found["pos"]
        count[found.index] = found["n"]
        how[found.index[found["n"] == 1]] = "code"
        reason[found.index[found["n"] > 1]] = "ambiguous_code"
        reason[found.index[found["n"] == 0]] = "no_such_code"
        problems += _name_disagreements(
            rows, unit_side, table, how.eq("code").fillna(False), pos, name, file, layer
        )

    by_name = (reason.isna() | reason.eq("no_such_code")).fillna(False) & how.isna() & (rows["key"] != "")
    if by_name.any():
        found = _lookup(rows[by_name], unit_side, ["key"])
        pos[found.index] = found["pos"]
        count[found.index] = found["n"]
        how[found.index[found["n"] == 1]] = "name"
        reason[found.index[found["n"] == 1]] = pd.NA
        reason[found.index[(found["n"] == 0) & ~has_code[found.index]]] = "no_such_name"
        reason[found.index[found["n"] > 1]] = "ambiguous"
        problems += _code_fallbacks(rows, table, has_code & how.eq("name").fillna(False), name, file, layer)

    with_parent = reason.eq("ambiguous").fillna(False) & bool(parents)
    if with_parent.any():
        rows["pkey"] = name_keys(table[parent])
        long = pd.concat(
            [unit_side[["key", "_pos"]].assign(pkey=name_keys(units[column])) for column in parents]
        )
        subset = rows[with_parent & (rows["pkey"] != "")]
        found = _lookup(subset, long, ["key", "pkey"])
        pos[found.index] = found["pos"]
        how[found.index[found["n"] == 1]] = "name+parent"
        reason[found.index[found["n"] == 1]] = pd.NA
        reason[found.index[found["n"] == 0]] = "not_in_parent"
        count[found.index[found["n"] > 1]] = found["n"][found["n"] > 1]

    reason[how.isna() & reason.isna()] = "no_key"
    hit = how.notna()
    hit_pos = pos[hit].to_numpy()
    matched = table[hit].assign(
        source_row=rows.loc[hit, "source_row"].to_numpy(),
        unit_index=units.index[hit_pos],
        match=how[hit].to_numpy(),
    )
    if "uid" in units:
        matched["uid"] = units["uid"].to_numpy()[hit_pos]
    columns = _Columns(code=code, name=name, parent=parent, parents=parents)
    unmatched = _unmatched(table, rows, units, unit_side, reason=reason, count=count, columns=columns)
    problems += _unmatched_problems(unmatched, file, layer)
    log.info("join %s: %d matched, %d unmatched", file or "table", len(matched), len(unmatched))
    return JoinResult(matched=matched, unmatched=unmatched, problems=problems)


@dataclass(frozen=True)
class _Columns:
    """The columns a join keys on: ``code``/``name`` on both sides, the table's ``parent`` and the units'
    ``parents`` it is compared with."""

    code: str | None
    name: str
    parent: str | None
    parents: list[str]


def _unmatched(
    table: pd.DataFrame,
    rows: pd.DataFrame,
    units: pd.DataFrame,
    unit_side: pd.DataFrame,
    *,
    reason: pd.Series,
    count: pd.Series,
    columns: _Columns,
) -> pd.DataFrame:
    """The unmatched rows with reasons (vi, en) and candidate units.

    ``rows`` holds each table row's source row, name key and code; ``unit_side`` each unit's position,
    key and code; ``reason`` the reason id of each unmatched row (NA when matched) and ``count`` how
    many units it matched.
    """
    code, name, parent, parents = columns.code, columns.name, columns.parent, columns.parents
    bad = reason.notna()
    out = table[bad].assign(source_row=rows.loc[bad, "source_row"].to_numpy(), reason=reason[bad].to_numpy())
    some = bool(bad.any())  # labels and fuzzy candidates are only needed for unmatched rows
    labels = _unit_labels(units, name, code, parents).to_numpy() if some else np.array([], dtype=object)
    keys = rows.loc[bad, "key"]
    same_name = unit_side[unit_side["key"].isin(keys)].groupby("key")["_pos"]
    same_name = same_name.agg(lambda pos: "; ".join(labels[pos.to_numpy()[:MAX_CANDIDATES]]))
    candidates = (
        keys.map(same_name).astype("string").where(out["reason"].isin(["ambiguous", "not_in_parent"]))
    )
    if name in table and name in units:
        choices = fold_keys(units[name]).tolist() if some else []
        candidates = candidates.fillna(_closest(fold_keys(table.loc[bad, name]), choices, labels))
    if "code" in unit_side:
        choices = unit_side["code"].fillna("").tolist() if some else []
        candidates = candidates.fillna(_closest(rows.loc[bad, "code"], choices, labels))
    blank = pd.Series("", index=out.index)
    values = zip(
        out["reason"],
        rows.loc[bad, "code"].fillna(""),
        table.loc[bad, name].map(display_name) if name in table else blank,
        table.loc[bad, parent].map(display_name) if parent and parent in table else blank,
        count[bad],
        strict=True,
    )
    texts = [
        [text.format(code=code_, name=name_, parent=parent_, n=n) for text in _REASONS[row_reason]]
        for row_reason, code_, name_, parent_, n in values
    ]
    texts_vi, texts_en = [vi for vi, _ in texts], [en for _, en in texts]
    return out.assign(reason_vi=texts_vi, reason_en=texts_en, candidates=candidates.fillna("").astype(str))


def _padding_problem(n_padded: int, width: int, file: str, layer: str) -> Problem:
    return Problem(
        "warning",
        file,
        f"{n_padded} mã đơn vị bị mất số 0 ở đầu (thường do Excel lưu mã dạng số); "
        f"đã thêm lại cho đủ {width} chữ số",
        f"{n_padded} unit codes had lost their leading zeros (Excel stored them as numbers); "
        f"re-padded to {width} digits",
        fix_vi="Định dạng cột mã là Văn bản (Text) trong Excel",
        fix_en="Format the code column as Text in Excel",
        layer=layer,
    )


def _name_disagreements(rows, unit_side, table, by_code, pos, name, file, layer) -> list[Problem]:
    """Warnings for rows whose code matched a unit whose name key differs from the row's name."""
    if not (by_code.any() and name in table):
        return []
    unit_keys = unit_side["key"].to_numpy()[pos[by_code].to_numpy()]
    differ = rows.loc[by_code, "key"].ne("") & (rows.loc[by_code, "key"].to_numpy() != unit_keys)
    return [
        Problem(
            "warning",
            file,
            f"Mã {rows.at[i, 'code']} là của đơn vị khác tên với “{display_name(table.at[i, name])}”; "
            "đã ghép theo mã",
            f"Code {rows.at[i, 'code']} belongs to a unit not named '{display_name(table.at[i, name])}'; "
            "joined by code",
            fix_vi="Kiểm tra lại mã hoặc tên ở dòng này",
            fix_en="Check the code or the name on this row",
            layer=layer,
            row=int(rows.at[i, "source_row"]),
        )
        for i in differ.index[differ]
    ]


def _code_fallbacks(rows, table, fallback, name, file, layer) -> list[Problem]:
    """Warnings for rows whose code was unknown but whose name matched."""
    return [
        Problem(
            "warning",
            file,
            f"Không có mã {rows.at[i, 'code']}; đã ghép theo tên “{display_name(table.at[i, name])}”",
            f"No unit has code {rows.at[i, 'code']}; joined by the name '{display_name(table.at[i, name])}'",
            fix_vi="Sửa mã theo danh mục đơn vị hành chính đang dùng",
            fix_en="Correct the code to the administrative catalogue in use",
            layer=layer,
            row=int(rows.at[i, "source_row"]),
        )
        for i in fallback.index[fallback]
    ]


def _unmatched_problems(unmatched: pd.DataFrame, file: str, layer: str) -> list[Problem]:
    problems = []
    for row in unmatched[["source_row", "reason", "reason_vi", "reason_en", "candidates"]].itertuples(
        index=False
    ):
        if not row.candidates:
            hint_vi, hint_en = "Sửa mã hoặc tên cho khớp lớp ranh giới", "Correct the code or the name"
        elif row.reason in ("ambiguous", "not_in_parent"):
            hint_vi = f"Ghi rõ đơn vị cấp trên; các đơn vị cùng tên: {row.candidates}"
            hint_en = f"Give the parent unit; units with this name: {row.candidates}"
        else:
            hint_vi, hint_en = f"Có phải: {row.candidates}?", f"Did you mean: {row.candidates}?"
        problems.append(
            Problem(
                "error",
                file,
                f"{row.reason_vi}; dòng này không được ghép",
                f"{row.reason_en}; the row was not joined",
                fix_vi=hint_vi,
                fix_en=hint_en,
                layer=layer,
                row=int(row.source_row),
            )
        )
    return problems
