"""Judge every unit against a plan's targets for one year: the status table planners read.

For a plan, a year and a level, every unit at that level × every indicator the plan targets
that year gets: the value (reported when the statistics give one, else computed from the
geometry; both kept, with their difference), the target, the status (met / missed / no data /
insufficient samples), the gap in the indicator's unit, and what closing it means in plain
words. A territory-wide target applies to each sub-unit as its local target. Reported values
are those of the latest statistics year up to the chosen year; reported values of lower
levels are aggregated up where the indicator allows it (weighted by households, population
or villages), never otherwise.
"""

from __future__ import annotations

from collections.abc import Collection

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.compute.catalogue import INDICATORS
from geo.compute.columns import text_column
from geo.compute.hierarchy import Hierarchy
from geo.compute.incremental import splice
from geo.compute.indicators import indicator_rows
from geo.model import LEVEL_OF_LAYER, TERRITORY, Dataset
from geo.plans.targets import JUDGED, Plan, Target, judge_codes, target_for
from geo.vocab import Level, Status

__all__ = ["LEVELS", "COLUMNS", "evaluate", "reevaluate", "unit_geometries", "target_text"]

#: Levels a plan can be evaluated at, top down.
LEVELS = (TERRITORY, Level.PROVINCE, Level.DISTRICT, Level.COMMUNE, Level.VILLAGE)
#: Columns of :func:`evaluate`. ``target`` is the stated figure (the lower bound of a range, 1 for "Có");
#: ``target_text`` the target as planners write it ("≥ 100", "> 80", "25–30").
COLUMNS = [
    "uid", "code", "name", "level", "parent_uid",
    "indicator", "label_vi", "label_en", "unit",
    "value", "value_source", "reported", "computed", "difference", "value_year",
    "target", "target_text", "comparator", "target_year",
    "status", "gap", "n_samples", "numerator", "denominator", "closing_vi", "closing_en",
]  # fmt: skip
_SYMBOLS = {">=": "≥", ">": ">", "<=": "≤", "<": "<", "==": "="}
_COUNTED = {
    "village_mobile_bb_coverage": ("thôn chưa được phủ sóng 4G", "villages without 4G coverage"),
    "village_ftth_coverage": ("thôn chưa có cáp quang FTTH", "villages without FTTH"),
    "public_free_wifi": ("điểm công cộng chưa có Wi-Fi miễn phí", "public places without free Wi-Fi"),
    "bts_site_sharing": ("vị trí trạm dùng chung", "shared sites"),
    "household_mobile_bb_coverage": ("hộ được phủ sóng", "households covered"),
    "pop_5g_coverage": ("người được phủ sóng 5G", "people covered by 5G"),
}


def target_text(target: Target) -> str:
    """Return a target as planners write it: ``"≥ 100"``, ``"> 80"``, ``"25–30"``, ``"Có"``."""
    if target.comparator == "between":
        return "–".join(f"{float(v):g}" for v in target.values)
    value = target.values[0]
    if isinstance(value, bool):
        return "Có" if value else "Không"
    return f"{_SYMBOLS[target.comparator]} {float(value):g}"


def _unit_rows(hierarchy: Hierarchy, level: str) -> pd.DataFrame:
    """The units at ``level`` (node number, uid, name, parent_uid) from the hierarchy."""
    nodes = hierarchy.nodes
    mine = nodes[nodes["level"] == level]
    if mine.empty:
        known = sorted(set(nodes["level"]))
        raise ValueError(f"level {level!r} is not in this dataset; levels present: {known}")
    return pd.DataFrame(
        {"node": mine.index, "uid": mine["uid"], "name": mine["name"], "parent_uid": mine["parent_uid"]}
    ).reset_index(drop=True)


def _weights(hierarchy: Hierarchy, by: str | None) -> np.ndarray:
    """Per node weight for aggregating reported rates: households, population or villages below it."""
    nodes = hierarchy.nodes
    if by not in ("households", "population", "villages"):
        return np.full(len(nodes), np.nan)
    base = hierarchy.base_layer
    leaf = nodes.index[nodes["layer"] == base].to_numpy()
    own = np.ones(len(leaf)) if by == "villages" else nodes[by].to_numpy(float)[leaf]
    total = np.zeros(len(nodes))
    for depth in range(hierarchy.ancestors.shape[1]):
        up = hierarchy.ancestors[leaf, depth]
        ok = (up >= 0) & np.isfinite(own)
        np.add.at(total, up[ok], own[ok])
    given = nodes[by].to_numpy(float) if by != "villages" else np.full(len(nodes), np.nan)
    return np.where(np.isfinite(given) & (given > 0), given, total)


def _reported(
    dataset: Dataset, hierarchy: Hierarchy, units: pd.DataFrame, year: int, indicators: list[str]
) -> tuple[np.ndarray, np.ndarray]:
    """Reported values of ``units`` × ``indicators`` (node-major, the rows :func:`evaluate` lays out):
    the latest year ≤ ``year``, taken at the units' level, or aggregated from the level below where the
    indicator allows it (weighted, :func:`_weights`). Returns ``(value, value_year)``, float arrays with
    NaN where none. Whole-array work: one stable sort of the statistics by (unit, indicator, year)."""
    k = len(indicators)
    value, value_year = np.full((2, len(units) * k), np.nan)
    nodes, stats = hierarchy.nodes, dataset.unit_stats
    depth = int(nodes.loc[units["node"].iloc[0], "depth"])
    node = hierarchy.nodes_of(stats["uid"])
    column = pd.Index(indicators).get_indexer(stats["indicator"].astype(object))
    years = pd.to_numeric(stats["year"]).to_numpy(float, na_value=np.nan)
    depths = nodes["depth"].to_numpy()[np.maximum(node, 0)]
    with np.errstate(invalid="ignore"):
        keep = (node >= 0) & (column >= 0) & (years <= year) & ((depths == depth) | (depths == depth + 1))
    if not keep.any():
        return value, value_year
    node, column, years = node[keep], column[keep], years[keep]
    given = stats["value"].to_numpy(float, na_value=np.nan)[keep]
    key = node * k + column
    order = np.lexsort((years, key))  # stable: the file's order among equal years
    key, node, column, years, given = key[order], node[order], column[order], years[order], given[order]
    last = np.flatnonzero(np.append(key[1:] != key[:-1], True))  # the latest year of each unit × indicator
    latest = {
        "node": node[last],
        "column": column[last],
        "year": years[last],
        "value": np.full(len(last), np.nan),
    }
    known = np.flatnonzero(np.isfinite(given))  # the latest year that gives a value (as groupby's last)
    if len(known):
        group = np.searchsorted(key[last], key[known])
        final = np.append(group[1:] != group[:-1], True)
        latest["value"][group[final]] = given[known[final]]
    unit_of = np.full(len(nodes), -1, dtype=np.int64)
    unit_of[units["node"].to_numpy()] = np.arange(len(units))
    here = unit_of[latest["node"]] >= 0
    at = unit_of[latest["node"][here]] * k + latest["column"][here]
    value[at], value_year[at] = latest["value"][here], latest["year"][here]
    below = np.flatnonzero(depths[keep][order][last] == depth + 1)
    up = hierarchy.ancestors[latest["node"][below], depth]
    up = np.where(up >= 0, unit_of[np.maximum(up, 0)], -1)  # the unit at this level above each part
    spot = np.where(up >= 0, up * k + latest["column"][below], -1)
    free = spot >= 0
    free[free] = np.isnan(value_year[spot[free]])  # a unit's own figure wins over its parts
    below, spot = below[free], spot[free]
    by = np.array([INDICATORS[ind].aggregate_by for ind in indicators], dtype=object)[latest["column"][below]]
    weight = np.full(len(below), np.nan)
    for name in set(by):
        mine = by == name
        weight[mine] = _weights(hierarchy, name)[latest["node"][below][mine]]
    ok = np.isfinite(weight)
    spot, weight, parts = spot[ok], weight[ok], below[ok]
    total = np.bincount(spot, weight, minlength=len(value))
    weighted = np.bincount(spot, weight * np.nan_to_num(latest["value"][parts]), minlength=len(value))
    newest = np.full(len(value), -np.inf)
    np.maximum.at(newest, spot, np.nan_to_num(latest["year"][parts], nan=-np.inf))
    summed = np.flatnonzero(total > 0)
    value[summed] = weighted[summed] / total[summed]
    value_year[summed] = np.where(np.isfinite(newest[summed]), newest[summed], np.nan)
    return value, value_year


_LISTED = ("village_mobile_bb_coverage", "village_ftth_coverage", "public_free_wifi")
#: Words of the ``status`` column by code: :data:`geo.plans.targets.JUDGED`, then "insufficient samples".
_STATUS_WORDS = (*JUDGED, Status.INSUFFICIENT)
_NO_DATA, _MET, _MISSED, _FEW = range(4)
#: Words of the ``value_source`` column by code.
_SOURCE_WORDS = ("", "reported", "computed")
_NO_VALUE, _REPORTED, _COMPUTED = range(3)


def _closing(rows: dict[str, np.ndarray], target: Target, min_tests: int) -> tuple[np.ndarray, np.ndarray]:
    """Plain words for what closing each missed row's gap means: Vietnamese and English arrays.

    ``rows`` holds the rows' ``status`` and ``source`` codes, ``numerator``, ``denominator``,
    ``n_samples``, ``detail`` and ``gap``. Missed villages and places are named (first ten, then "và N
    nơi khác"); shares of households, people and shared sites become how many more are needed; other
    indicators give the gap in their unit. Whole-array work: the words of "insufficient" rows and of
    counts are made once per distinct number, the gaps are formatted by one ``numpy.strings`` call; only
    rows that name places (their own list of names) are worded one by one.
    """
    numerator, denominator = rows["numerator"], rows["denominator"]
    vi = np.empty(len(numerator), dtype=object)
    en = np.empty(len(numerator), dtype=object)
    few = rows["status"] == _FEW
    with np.errstate(invalid="ignore"):
        counted = ~few & (rows["source"] == _COMPUTED) & (denominator > 0) & (target.indicator in _COUNTED)
    if few.any():
        n = rows["n_samples"][few]
        distinct, back = np.unique(np.where(np.isnan(n), 0, n).astype(np.int64), return_inverse=True)
        pairs = [_insufficient_words(int(k), min_tests) for k in distinct]
        vi[few] = np.array([p[0] for p in pairs], dtype=object)[back]
        en[few] = np.array([p[1] for p in pairs], dtype=object)[back]
    if counted.any() and target.indicator in _LISTED:
        details = rows["detail"][counted]
        vi[counted], en[counted] = _listed_words(target, denominator[counted] - numerator[counted], details)
    elif counted.any():
        vi[counted], en[counted] = _count_words(target, numerator[counted], denominator[counted])
    plain = ~few & ~counted
    if plain.any():
        vi[plain], en[plain] = _gap_words(target, rows["gap"][plain])
    return vi, en


def _insufficient_words(n: int, min_tests: int) -> tuple[str, str]:
    """Closing words of a unit with only ``n`` speed tests."""
    return (
        f"Chỉ có {n} phép đo tốc độ, cần ít nhất {min_tests} để đánh giá.",
        f"Only {n} speed tests; at least {min_tests} are needed to judge.",
    )


def _listed_words(target: Target, missing: np.ndarray, details: np.ndarray) -> tuple[list, list]:
    """ "N thôn chưa …: A, B, … và M nơi khác." for rows that name the missing villages or places: the
    first ten names of each row's ``details``, the count of the rest."""
    words_vi, words_en = _COUNTED[target.indicator]
    count = [round(float(m)) for m in missing]
    names = [", ".join(str(name) for name in (d or ())[:10]) for d in details]
    vi = [
        f"{c} {words_vi}: {n} và {c - 10} nơi khác." if c > 10 else f"{c} {words_vi}: {n}."
        for c, n in zip(count, names, strict=True)
    ]
    en = [
        f"{c} {words_en}: {n} and {c - 10} more." if c > 10 else f"{c} {words_en}: {n}."
        for c, n in zip(count, names, strict=True)
    ]
    return vi, en


def _count_words(target: Target, numerator: np.ndarray, denominator: np.ndarray) -> tuple[list, list]:
    """ "Cần thêm N …" for counted shares: how many more households, people or sites meet the target
    (at least one; one more when the target is strict and the need is a whole number)."""
    need = float(target.values[0]) * denominator / 100.0 - numerator
    strict = (target.comparator == ">") & (need == np.floor(need))
    count = np.maximum(1, np.ceil(need - 1e-9) + strict).astype(np.int64)
    distinct, back = np.unique(count, return_inverse=True)
    words_vi, words_en = _COUNTED[target.indicator]
    vi = np.array([f"Cần thêm {int(c):,} {words_vi}.".replace(",", ".") for c in distinct], dtype=object)
    en = np.array([f"{int(c):,} more {words_en} needed." for c in distinct], dtype=object)
    return list(vi[back]), list(en[back])


def _gap_words(target: Target, gap: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """ "Còn thiếu / Cần giảm <gap> <unit>" for every other missed row (gap with one decimal)."""
    ind = INDICATORS[target.indicator]
    figure = np.strings.mod("%.1f", gap)
    comma = np.strings.replace(figure, ".", ",")
    if target.comparator in ("<", "<="):
        vi = np.strings.add(np.strings.add("Cần giảm ", comma), f" {ind.unit_vi}.")
        en = np.strings.add(np.strings.add("Needs to fall by ", figure), f" {ind.unit_en}.")
    else:
        vi = np.strings.add(np.strings.add("Còn thiếu ", comma), f" {ind.unit_vi} so với mục tiêu.")
        en = np.strings.add(figure, f" {ind.unit_en} short of the target.")
    return vi.astype(object), en.astype(object)


def _no_data_words(target: Target) -> tuple[str, str]:
    """Closing words of every "no data" row of ``target``'s indicator (they do not depend on the unit)."""
    ind = INDICATORS[target.indicator]
    if target.unit != ind.unit_vi:
        return (
            f"Mục tiêu tính theo '{target.unit}', số liệu theo '{ind.unit_vi}': không so sánh được.",
            f"The target is in '{target.unit}' but the data in '{ind.unit_en}': not comparable.",
        )
    return "Chưa có số liệu cho chỉ tiêu này.", "No data for this indicator."


def evaluate(
    dataset: Dataset,
    plan: Plan,
    year: int,
    *,
    level: str = Level.COMMUNE,
    computed: pd.DataFrame,
    hierarchy: Hierarchy,
) -> pd.DataFrame:
    """Return the status table (:data:`COLUMNS`) of ``plan``'s targets for ``year`` at ``level``.

    ``level`` is one of :data:`LEVELS` ("territory" = the whole dataset). ``computed``
    (:func:`geo.compute.indicators.compute_indicators`) and ``hierarchy`` are ``dataset``'s; callers
    get them, and this table, from :meth:`geo.plans.assessment.Assessment.evaluate`. At village level,
    indicators only reported in tables (tabular)
    appear only when some village has a reported value. Years between stated targets use the
    latest stated target before them; baselines are never targets; indicators with no target
    that year are left out. Units missing data get status "no data", and so do targets stated
    in another unit than the data (Mường Lay's cloud accounts as "% of people" against
    accounts per person); computed speeds from fewer than the minimum number of tests get
    "insufficient samples" (unless a reported value exists).
    Rows are units by uid, then the plan's indicators in catalogue order.
    Raises ``ValueError`` naming the levels present when ``level`` is not in the dataset.
    """
    units = _unit_rows(hierarchy, level)
    targets = _targets(dataset, plan, year, level, None)
    if not targets:
        return pd.DataFrame(columns=COLUMNS)
    units = units.iloc[np.argsort(units["uid"].to_numpy(object), kind="stable")].reset_index(drop=True)
    units["code"] = units["uid"].map(_codes(dataset)).to_numpy(object)
    texts = ["uid", "code", "name", "parent_uid"]
    units[texts] = units[texts].astype("str")
    k = len(targets)
    unit = np.repeat(np.arange(len(units)), k)
    keys = units[texts].take(unit).reset_index(drop=True)
    reported, value_year = _reported(dataset, hierarchy, units, year, list(targets))
    rows = indicator_rows(computed, hierarchy, units["node"].to_numpy(), list(targets))
    which = np.tile(np.arange(k), len(units))
    return _judged(keys, which, reported, value_year, rows, dataset, targets, level=level, computed=computed)


def _targets(
    dataset: Dataset, plan: Plan, year: int, level: str, indicators: Collection[str] | None
) -> dict[str, Target]:
    """The target of each indicator ``plan`` sets for ``year`` (among ``indicators``), in catalogue order;
    at village level, tabular indicators only when some village has a reported value."""
    targets = {ind: target_for(plan, ind, year) for ind in dict.fromkeys(t.indicator for t in plan.targets)}
    targets = {i: t for i, t in targets.items() if t is not None and (indicators is None or i in indicators)}
    if level == Level.VILLAGE:
        reported_here = set(dataset.unit_stats.loc[dataset.unit_stats["level"] == level, "indicator"])
        targets = {i: t for i, t in targets.items() if INDICATORS[i].kind != "tabular" or i in reported_here}
    return {i: targets[i] for i in INDICATORS if i in targets}  # catalogue (annex) order


def _judged(
    keys: pd.DataFrame,
    which: np.ndarray,
    reported: np.ndarray,
    value_year: np.ndarray,
    rows: np.ndarray,
    dataset: Dataset,
    targets: dict[str, Target],
    *,
    level: str,
    computed: pd.DataFrame,
) -> pd.DataFrame:
    """The status table (:data:`COLUMNS`) of the rows ``keys`` (uid, code, name, parent_uid per row), each
    judged against ``targets``' entry number ``which``, with its ``reported`` value and ``value_year``
    (NaN where none) and its computed values at row ``rows`` of ``computed`` (-1 where none)."""

    def taken(column: str) -> pd.api.extensions.ExtensionArray:
        return computed[column].array.take(rows, allow_fill=True)  # row -1: missing, as a left join

    values = {name: np.asarray(taken(name), float) for name in ("value", "numerator", "denominator")}
    counts = taken("n_samples")
    values["n_samples"] = counts.to_numpy(float, na_value=np.nan)
    few = np.asarray(taken("flag") == Status.INSUFFICIENT, bool)
    min_tests = dataset.settings.indicators.min_speed_tests
    judged = _judge(which, reported, values, np.asarray(taken("detail"), object), few, targets, min_tests)
    ind = INDICATORS
    chosen = list(targets.values())

    table = {
        **{column: pd.array(keys[column], dtype="str") for column in ("uid", "code", "name")},
        "level": text_column([level], np.zeros(len(rows), np.int64)),
        "parent_uid": pd.array(keys["parent_uid"], dtype="str"),
        "indicator": text_column(list(targets), which),
        "label_vi": text_column([ind[i].label_vi for i in targets], which),
        "label_en": text_column([ind[i].label_en for i in targets], which),
        "unit": text_column([ind[i].unit_vi for i in targets], which),
        "value": judged["value"],
        "value_source": text_column(_SOURCE_WORDS, judged["source"]),
        "reported": reported,
        "computed": values["value"],
        "difference": reported - values["value"],
        "value_year": pd.array(value_year, dtype="Int64"),
        "target": np.array([float(t.values[0]) for t in chosen])[which],
        "target_text": text_column([target_text(t) for t in chosen], which),
        "comparator": text_column([t.comparator for t in chosen], which),
        "target_year": np.array([t.year for t in chosen], dtype=np.int64)[which],
        "status": text_column(_STATUS_WORDS, judged["status"]),
        "gap": judged["gap"],
        "n_samples": pd.array(counts, dtype="Int64"),
        "numerator": values["numerator"],
        "denominator": values["denominator"],
        "closing_vi": text_column(*judged["closing_vi"]),
        "closing_en": text_column(*judged["closing_en"]),
    }
    return pd.DataFrame(table, columns=COLUMNS)


def reevaluate(
    previous: pd.DataFrame,
    dataset: Dataset,
    plan: Plan,
    year: int,
    *,
    level: str,
    computed: pd.DataFrame,
    hierarchy: Hierarchy,
    indicators: Collection[str],
) -> pd.DataFrame:
    """The table :func:`evaluate` gives, from ``previous``: its table for the same plan, year and level on
    a dataset with the same units and statistics, which differs from ``dataset`` only in what moves
    ``indicators`` (a scenario's sites, Wi-Fi points, FTTH flags). Those indicators' rows are judged again
    from ``computed`` (their reported values are ``previous``'s); the others are kept as they are."""
    targets = _targets(dataset, plan, year, level, set(indicators))
    rows = np.flatnonzero(previous["indicator"].isin(list(targets)).to_numpy())
    if not len(rows):
        return previous
    again = previous.iloc[rows].reset_index(drop=True)
    units = _unit_rows(hierarchy, level)
    unit = pd.Index(units["uid"].astype(object)).get_indexer(again["uid"].astype(object))
    which = pd.Index(list(targets)).get_indexer(again["indicator"].astype(object))
    table = indicator_rows(computed, hierarchy, units["node"].to_numpy(), list(targets))
    found = np.where(unit >= 0, table[np.maximum(unit, 0) * len(targets) + which], -1)
    fresh = _judged(
        again[["uid", "code", "name", "parent_uid"]],
        which,
        again["reported"].to_numpy(float, na_value=np.nan),
        pd.to_numeric(again["value_year"]).to_numpy(float, na_value=np.nan),
        found,
        dataset,
        targets,
        level=level,
        computed=computed,
    )
    return splice(previous, rows, fresh)


def _judge(
    which: np.ndarray,
    reported: np.ndarray,
    computed: dict[str, np.ndarray],
    detail: np.ndarray,
    few: np.ndarray,
    targets: dict[str, Target],
    min_tests: int,
) -> dict:
    """Judge every row against its target (``targets``' entry number ``which``): value (reported when
    given, else ``computed["value"]``), source, status and gap codes, and the closing words.

    Judging runs on whole columns: the rows of each target are found once (one stable sort of
    ``which``), each target judges its rows as one array; only the rows that are not met get closing
    words. ``few`` marks computed speeds from too few tests ("insufficient samples"). The closing words
    are returned as (distinct words, code per row) for :func:`geo.compute.columns.text_column`.
    """
    has_reported = ~np.isnan(reported)
    value = np.where(has_reported, reported, computed["value"])
    source = np.where(has_reported, _REPORTED, np.where(np.isnan(computed["value"]), _NO_VALUE, _COMPUTED))
    order = np.argsort(which, kind="stable")
    bounds = np.searchsorted(which[order], np.arange(len(targets) + 1))
    rows_of = {ind: order[bounds[j] : bounds[j + 1]] for j, ind in enumerate(targets)}
    status = np.full(len(which), _NO_DATA, dtype=np.int8)
    gap = np.full(len(which), np.nan)
    for ind, target in targets.items():
        rows = rows_of[ind]
        if target.unit != INDICATORS[ind].unit_vi:  # e.g. "% of people" against accounts per person
            value[rows], source[rows] = np.nan, _NO_VALUE
        status[rows], gap[rows] = judge_codes(value[rows], target)
    few = (source == _COMPUTED) & few
    status[few], gap[few] = _FEW, np.nan
    texts: dict[str, list[str]] = {"vi": [""], "en": [""]}
    codes = {lang: np.zeros(len(which), np.int64) for lang in texts}
    columns = {
        "status": status, "source": source, "gap": gap, "detail": detail,
        **{name: computed[name] for name in ("numerator", "denominator", "n_samples")},
    }  # fmt: skip
    for ind, target in targets.items():
        rows = rows_of[ind]
        mine = status[rows]
        words = dict(zip(("vi", "en"), _no_data_words(target), strict=True))
        for lang in texts:
            codes[lang][rows[mine == _NO_DATA]] = len(texts[lang])
            texts[lang].append(words[lang])
        todo = rows[(mine == _MISSED) | (mine == _FEW)]
        if len(todo):
            said = _closing({name: column[todo] for name, column in columns.items()}, target, min_tests)
            for lang, words in zip(("vi", "en"), said, strict=True):
                codes[lang][todo] = len(texts[lang]) + np.arange(len(todo))
                texts[lang].extend(words)
    return {
        "value": value, "source": source, "status": status, "gap": gap,
        "closing_vi": (texts["vi"], codes["vi"]), "closing_en": (texts["en"], codes["en"]),
    }  # fmt: skip


def _codes(dataset: Dataset) -> dict[str, str]:
    """Official code by uid, for every unit layer that has codes."""
    codes: dict[str, str] = {}
    for layer in dataset.unit_levels():
        gdf = dataset.layers[layer]
        if "code" in gdf:
            codes |= dict(zip(gdf["uid"], gdf["code"], strict=True))
    return codes


def unit_geometries(dataset: Dataset, level: str) -> gpd.GeoDataFrame:
    """Return the units at ``level`` as [uid, name, code, parent_uid, geometry] in EPSG:4326.

    ``"territory"`` gives one row: the outline of the top unit layer, dissolved.
    """
    if level == TERRITORY:
        top = dataset.layers[dataset.unit_levels()[0]]
        outline = top.geometry.union_all() if len(top) else None
        return gpd.GeoDataFrame(
            {"uid": [TERRITORY], "name": [dataset.name], "code": [None], "parent_uid": [None]},
            geometry=[outline],
            crs=top.crs,
        )
    layer = {v: k for k, v in LEVEL_OF_LAYER.items()}[level]
    gdf = dataset.layers[layer]
    cols = [c for c in ("uid", "name", "code", "parent_uid") if c in gdf]
    out = gdf[[*cols, "geometry"]].copy()
    if "code" not in out:
        out["code"] = None
    return out
