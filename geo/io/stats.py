"""Unit statistics (operators' and statistics offices' reports) as one long table joined to units.

Planners' tables are wide (one column per indicator, ids or the plans' Vietnamese wording)
or long (indicator, value). Each row names its unit by code or name and, optionally, its
level ("Xã", "Phường", "Thôn", "Thị xã" ...). Rows are matched to the dataset's units with
the shared code/name join; a row for the whole territory (level above the top unit layer,
or the dataset's own name) gets the uid :data:`geo.model.TERRITORY`.
"""

from __future__ import annotations

import pandas as pd

from geo.compute.catalogue import INDICATORS, match_indicator
from geo.errors import Problem
from geo.io.distinct import map_distinct
from geo.io.join import join_units
from geo.io.manifest import LayerSpec
from geo.io.records import name_records
from geo.io.sources import read_table
from geo.io.validate import fold_word, parse_flags, parse_numbers
from geo.model import LEVEL_OF_LAYER, STATS_FIELDS, TERRITORY, Dataset
from geo.names import name_key, name_keys
from geo.settings import UNIT_LEVELS

__all__ = ["read_unit_stats", "level_of"]

_LEVEL_WORDS = {
    "provinces": ("tinh", "thanhphotructhuoctrunguong", "province"),
    "districts": ("huyen", "quan", "thixa", "thanhphothuoctinh", "district", "town"),
    "communes": ("xa", "phuong", "thitran", "dackhu", "commune", "ward"),
    "villages": ("thon", "ban", "todanpho", "tdp", "khupho", "ap", "to", "xom", "village"),
}


def level_of(value: object) -> str | None:
    """Map a level cell ("Xã", "phường", "Thôn", "commune", "Thị xã") to a unit layer name, or None."""
    if value is None or pd.isna(value):
        return None
    folded = fold_word(value)
    for layer, words in _LEVEL_WORDS.items():
        if folded in words or folded == LEVEL_OF_LAYER[layer]:
            return layer
    return None


def _indicator_columns(table: pd.DataFrame, spec: LayerSpec) -> dict[str, str]:
    """Map file columns to indicator ids: the ``indicators:`` mapping, else ids or the plans' wording."""
    explicit = spec.columns.get("indicators") or {}
    keys = {"code", "name", "level", "year", "source_row"}
    found = {}
    for column in table.columns:
        if column in explicit:
            found[column] = explicit[column]
        elif column not in keys:
            match = match_indicator(str(column))
            if match.id is not None:
                found[column] = match.id
    return found


def _to_long(table: pd.DataFrame, spec: LayerSpec, file: str) -> tuple[pd.DataFrame, list[Problem]]:
    """Reshape a wide or long statistics table to rows of (unit keys, year, indicator, raw value)."""
    keys = [c for c in ("code", "name", "level", "year", "source_row") if c in table.columns]
    if "indicator" in table.columns and "value" in table.columns:
        return table[[*keys, "indicator", "value"]].copy(), []
    columns = _indicator_columns(table, spec)
    if not columns:
        return pd.DataFrame(columns=[*keys, "indicator", "value"]), [
            Problem(
                "error",
                file,
                "Bảng số liệu không có cột chỉ tiêu nào nhận ra được.",
                "The statistics table has no recognisable indicator column.",
                fix_vi="Đặt tên cột theo mã chỉ tiêu (vd. household_fibre) "
                "hoặc khai báo 'indicators:' trong dataset.yaml.",
                fix_en="Name columns by indicator id (e.g. household_fibre) "
                "or map them under 'indicators:' in dataset.yaml.",
                layer="unit_stats",
            )
        ]
    long = table[keys + list(columns)].melt(id_vars=keys, var_name="indicator", value_name="value")
    long["indicator"] = map_distinct(long["indicator"], columns)
    return long, []


def _values(long: pd.DataFrame, file: str) -> tuple[pd.Series, list[Problem]]:
    """Numeric values; yes/no indicators (e.g. ai_blockchain_iot "Có") become 1/0."""
    numbers, bad = parse_numbers(long["value"])
    flags, bad_flags = parse_flags(long["value"])
    is_flag = bad & ~bad_flags
    numbers[is_flag] = flags[is_flag].astype(float)
    still_bad = bad & bad_flags
    problems = [
        Problem(
            "error",
            file,
            f"Chỉ tiêu {ind}: giá trị {val!r} không phải là số.",
            f"Indicator {ind}: value {val!r} is not a number.",
            fix_vi="Ghi số (dấu thập phân là dấu phẩy hoặc chấm), Có/Không, hoặc để trống.",
            fix_en="Write a number (decimal comma or point), Yes/No, or leave it blank.",
            layer="unit_stats",
            row=int(row),
        )
        for ind, val, row in zip(
            long.loc[still_bad, "indicator"],
            long.loc[still_bad, "value"],
            long.loc[still_bad, "source_row"],
            strict=True,
        )
    ]
    return numbers, problems


#: Years a statistics row may be about.
_YEARS = (1990, 2100)


def _years(long: pd.DataFrame, file: str) -> tuple[pd.Series, list[Problem]]:
    """The year of each row as an integer; a year written as text or out of range is one error per row
    and its value becomes missing (``NaN``), so the row is left out."""
    if "year" not in long.columns:
        return pd.Series(pd.NA, index=long.index, dtype="Int64"), []
    numbers, bad = parse_numbers(long["year"])
    wrong = bad | ((numbers < _YEARS[0]) | (numbers > _YEARS[1]) | (numbers % 1 != 0)).fillna(False)
    rows = long.loc[wrong].drop_duplicates("source_row")
    problems = [
        Problem(
            "error",
            file,
            f"Năm {value!r} không phải một năm (số có bốn chữ số, {_YEARS[0]}–{_YEARS[1]}); "
            "dòng này bị bỏ qua.",
            f"Year {value!r} is not a year (four digits, {_YEARS[0]}–{_YEARS[1]}); the row was left out.",
            fix_vi="Ghi năm bằng số, ví dụ 2025.",
            fix_en="Write the year as a number, e.g. 2025.",
            layer="unit_stats",
            row=int(row),
        )
        for value, row in zip(rows["year"], rows["source_row"], strict=True)
    ]
    long.loc[wrong, "value"] = float("nan")
    return numbers.where(~wrong).round().astype("Int64"), problems


def _shares_in_range(long: pd.DataFrame, file: str) -> tuple[pd.DataFrame, list[Problem]]:
    """Values of percentage indicators outside 0–100, reported one error per row and left out."""
    shares = [i for i, indicator in INDICATORS.items() if indicator.unit_vi == "%"]
    outside = long["indicator"].isin(shares) & ((long["value"] < 0) | (long["value"] > 100)).fillna(False)
    problems = [
        Problem(
            "error",
            file,
            f"Chỉ tiêu {ind}: tỷ lệ {val:g}% nằm ngoài khoảng 0–100%; giá trị bị bỏ qua.",
            f"Indicator {ind}: share {val:g}% is outside 0–100%; the value was left out.",
            fix_vi="Ghi tỷ lệ phần trăm từ 0 đến 100 (vd. 85 hoặc 85%).",
            fix_en="Write the share as a percentage from 0 to 100 (e.g. 85 or 85%).",
            layer="unit_stats",
            row=int(row),
        )
        for ind, val, row in zip(
            long.loc[outside, "indicator"],
            long.loc[outside, "value"],
            long.loc[outside, "source_row"],
            strict=True,
        )
    ]
    return long.assign(value=long["value"].where(~outside)), problems


def read_unit_stats(spec: LayerSpec, dataset: Dataset) -> tuple[pd.DataFrame, list[Problem]]:
    """Read the statistics file of ``spec`` and join its rows to ``dataset``'s units.

    Returns the long table (:data:`geo.model.STATS_FIELDS`: uid, level, code, name, year,
    indicator, value, source_row) and problems: unreadable values and unmatched units by
    row, with candidates. Unmatched rows are reported and left out of the table.
    """
    file = spec.path.name
    table, problems = read_table(
        spec.path, sheet=spec.sheet, expect=[str(v) for v in spec.columns.values() if isinstance(v, str)]
    )
    table = table.rename(columns={v: k for k, v in spec.columns.items() if isinstance(v, str)})
    if "code" not in table.columns and "name" not in table.columns:
        seen = ", ".join(str(c) for c in table.columns if c != "source_row")
        problems.append(
            Problem(
                "error",
                file,
                f"Bảng số liệu không có cột đơn vị (mã hoặc tên đơn vị); các cột thấy được: {seen}.",
                f"The statistics table has no unit column (unit code or name); columns seen: {seen}.",
                fix_vi="Thêm cột mã hoặc tên đơn vị, hoặc khai báo 'code:'/'name:' cho unit_stats trong "
                "dataset.yaml.",
                fix_en="Add a unit code or name column, or map 'code:'/'name:' for unit_stats in "
                "dataset.yaml.",
                layer="unit_stats",
            )
        )
        return pd.DataFrame(columns=STATS_FIELDS), problems
    long, more = _to_long(table, spec, file)
    problems += more
    long["value"], more = _values(long, file)
    problems += more
    long["year"], more = _years(long, file)
    problems += more
    long, more = _shares_in_range(long, file)
    problems += more
    problems = name_records(problems, table, file=file)
    long = long[long["value"].notna()]
    units = table.drop_duplicates(subset=[c for c in ("code", "name", "level") if c in table.columns])
    matched = _match_units(units, dataset, file, problems)
    merge_keys = [c for c in ("code", "name", "level") if c in units.columns]
    long = long.merge(matched[[*merge_keys, "uid", "layer"]], on=merge_keys, how="inner")
    long["level"] = map_distinct(long["layer"], lambda layer: LEVEL_OF_LAYER.get(layer, TERRITORY))
    for column in STATS_FIELDS:
        if column not in long.columns:
            long[column] = pd.NA
    return long[STATS_FIELDS].reset_index(drop=True), problems


def _is_territory(rows: pd.DataFrame, dataset: Dataset) -> pd.Series:
    """Rows about the whole territory: a level above the top unit layer, or the territory's name, no level."""
    levels = dataset.unit_levels()
    top = UNIT_LEVELS.index(levels[0]) if levels else len(UNIT_LEVELS)
    above = rows["layer"].map(lambda layer: isinstance(layer, str) and UNIT_LEVELS.index(layer) < top)
    same_name = name_keys(rows["name"]) == name_key(dataset.name) if "name" in rows else False
    return (above | (same_name & rows["layer"].isna())).astype(bool)


def _units_with_parent_names(dataset: Dataset, layer: str) -> pd.DataFrame:
    """The units of ``layer`` with ``parent_name`` (their parent's name), for joins within a parent."""
    units = pd.DataFrame(dataset.layers[layer].drop(columns="geometry"))
    names = pd.concat([pd.DataFrame(dataset.layers[lvl])[["uid", "name"]] for lvl in dataset.unit_levels()])
    units["parent_name"] = map_distinct(
        units["parent_uid"], names.drop_duplicates("uid").set_index("uid")["name"]
    )
    return units.reset_index(drop=True)


def _match_units(rows: pd.DataFrame, dataset: Dataset, file: str, problems: list[Problem]) -> pd.DataFrame:
    """Give each distinct unit row of the statistics table its ``uid`` and ``layer``.

    Rows whose level names a layer are matched in that layer; rows with no level are tried
    layer by layer from the communes down and then up. Unmatched rows are reported (with
    candidates) and left out.
    """
    rows = rows.copy()
    rows["layer"] = map_distinct(rows["level"], level_of) if "level" in rows else None
    territory = _is_territory(rows, dataset)
    found = [rows[territory].assign(uid=TERRITORY, layer=TERRITORY)]
    pending = rows[~territory]
    order = sorted(dataset.unit_levels(), key=lambda lvl: (lvl != "communes", lvl != "villages"))
    for index, layer in enumerate(order):
        mine = pending[(pending["layer"] == layer) | pending["layer"].isna()]
        if mine.empty:
            continue
        last = index == len(order) - 1
        units = _units_with_parent_names(dataset, layer)
        result = join_units(
            units,
            mine.drop(columns="layer"),
            parent="parent" if "parent" in mine else None,
            units_parent=["parent_uid", "parent_name"],
            level=layer,
            file=file,
            layer="unit_stats",
        )
        hits = mine.loc[result.matched.index].assign(uid=result.matched["uid"].to_numpy(), layer=layer)
        found.append(hits)
        explicit = result.unmatched.index.intersection(mine.index[mine["layer"] == layer])
        problems += [
            p
            for p in result.problems
            if p.severity != "error" or p.row in set(mine.loc[explicit, "source_row"])
        ]
        pending = pending.drop(index=hits.index)
        if last:
            problems += [
                p
                for p in result.problems
                if p.severity == "error" and p.row not in set(mine.loc[explicit, "source_row"])
            ]
    if not dataset.unit_levels() and len(pending):
        problems.append(
            Problem(
                "error",
                file,
                "Không có lớp ranh giới đơn vị hành chính để ghép số liệu.",
                "There is no unit boundary layer to join the statistics to.",
                fix_vi="Thêm lớp communes hoặc villages vào dataset.yaml.",
                fix_en="Add a communes or villages layer to dataset.yaml.",
                layer="unit_stats",
            )
        )
    return pd.concat(found)
