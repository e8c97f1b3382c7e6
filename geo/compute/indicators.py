"""Spatial indicators per unit, from villages up to the whole territory.

:func:`village_coverage` gives, per unit of the deepest layer (villages when there are),
the share of its area — or of its settlement points, weighted by households — inside
4G/5G coverage, overall and per operator, with the households and population covered.
:func:`compute_indicators` turns that and the point layers into one long table: every
unit of every level, plus the territory, × every indicator the data allows:

==============================  ==========================================  ====================
indicator                       numerator / denominator                     counted at
==============================  ==========================================  ====================
village_mobile_bb_coverage      villages covered / villages                 village
household_mobile_bb_coverage    households covered / households             deepest unit
pop_5g_coverage                 people inside 5G / population               deepest unit
bts_site_sharing                shared merged sites / merged sites          unit holding the site
village_ftth_coverage           villages with FTTH / villages known         village
public_free_wifi                places with free Wi-Fi near / places        unit holding the place
mobile_speed, fixed_speed       median download (Mbit/s) of the tests       unit holding the test
==============================  ==========================================  ====================

Rates are ``100 · numerator / denominator`` (%), added up the hierarchy by
:func:`geo.compute.hierarchy.aggregate_counts`; speeds are medians of the raw tests at each level.
A unit without data has value NaN and denominator 0. ``flag`` is ``"no data"`` then, and
``"insufficient samples"`` for a speed from fewer than ``min_speed_tests`` tests.
"""

from __future__ import annotations

import logging
from collections.abc import Collection

import numpy as np
import pandas as pd

from geo.compute.columns import repeated_text, text_column
from geo.compute.coverage import BROADBAND, SiteModel, coverage_bits, discs, to_metric
from geo.compute.hierarchy import (
    Hierarchy,
    aggregate_counts,
    aggregate_items,
    aggregate_medians,
    point_xy,
)
from geo.compute.proximity import places_with_free_wifi, shared_sites, site_clusters
from geo.compute.reported import MODELLED, combine_bits, decided_by, reported_maps
from geo.compute.sampling import MAX_SAMPLES, grid_coverage_bits, sample_grid
from geo.model import Dataset
from geo.settings import OPERATORS
from geo.vocab import Status

__all__ = [
    "SPATIAL_INDICATORS",
    "COVERAGE_INDICATORS",
    "COLUMNS",
    "DETAIL_LIMIT",
    "NETWORK_WORDS",
    "village_coverage",
    "compute_indicators",
    "indicator_rows",
]

log = logging.getLogger(__name__)

#: Indicators computed here, in output order.
SPATIAL_INDICATORS = (
    "village_mobile_bb_coverage",
    "household_mobile_bb_coverage",
    "pop_5g_coverage",
    "bts_site_sharing",
    "village_ftth_coverage",
    "public_free_wifi",
    "mobile_speed",
    "fixed_speed",
)
#: Indicators the village coverage table decides (so the source of coverage changes them).
COVERAGE_INDICATORS = ("village_mobile_bb_coverage", "household_mobile_bb_coverage", "pop_5g_coverage")
#: Columns of :func:`compute_indicators`.
COLUMNS = [
    "level",
    "uid",
    "name",
    "parent_uid",
    "indicator",
    "value",
    "numerator",
    "denominator",
    "n_samples",
    "detail",
    "flag",
    "source",
]
#: At most this many names of missing items (villages, places, sites) per unit and indicator.
DETAIL_LIMIT = 20
#: Words of the speed tests' ``network`` column per speed indicator (lower case).
NETWORK_WORDS = _NETWORKS = {
    "mobile_speed": ("mobile", "di động", "di dong"),
    "fixed_speed": ("fixed", "cố định", "co dinh"),
}


def village_coverage(
    dataset: Dataset,
    hierarchy: Hierarchy,
    sites: SiteModel,
    *,
    max_samples: int = MAX_SAMPLES,
    only: np.ndarray | None = None,
) -> pd.DataFrame:
    """Return mobile coverage per unit of the deepest unit layer (villages when present).

    ``hierarchy`` and ``sites`` are ``dataset``'s (:func:`geo.compute.hierarchy.build_hierarchy`,
    :func:`geo.compute.coverage.prepare_sites`; :class:`geo.plans.assessment.Assessment` holds both).

    Columns: ``uid``, ``name``, ``parent_uid``, ``node`` (hierarchy node), ``basis``
    (``"settlements"`` when the unit holds settlement points, else ``"area"``),
    ``n_samples``, ``share_4g`` (share, 0–1, inside 4G or 5G coverage of any operator),
    ``share_5g``, ``share_4g_<operator>`` and ``share_5g_<operator>`` for each operator with
    sites, ``covered`` (``share_4g`` ≥ ``village_covered_share``), ``households``,
    ``households_covered``, ``population`` and ``population_5g``, and ``source`` (which source decided
    the village: ``"modelled"``, or ``"reported"`` when operators' maps did, see :mod:`geo.compute.reported`).

    Area shares come from grid samples (:mod:`geo.compute.sampling`, at most about
    ``max_samples`` per unit). With settlement points, shares are weighted by their
    households (population for ``population_5g``); a settlement without the figure weighs
    the mean of its unit's known ones, or 1 when none is known. ``households`` is the
    unit's own figure, else the sum of its settlements'; covered counts are that figure ×
    the share. Units without samples have NaN shares; unknown figures stay NaN.

    ``only`` (positions among the deepest layer's units) limits the work and the rows to those units:
    each unit's row is the one of the full table, since its samples and settlements are its own
    (:mod:`geo.compute.incremental` recomputes the units a scenario's sites reach this way).
    """
    base = hierarchy.base_layer
    if base is None:
        return pd.DataFrame(columns=["uid", "name", "parent_uid", "node", "share_4g", "share_5g", "covered"])
    nodes = hierarchy.layer_nodes(base)
    units = hierarchy.nodes.loc[nodes]
    n = len(nodes)
    settled = _settlements(dataset, hierarchy, nodes)
    wanted = np.ones(n, bool)
    if only is not None:
        wanted[:] = False
        wanted[only] = True
        settled = {k: v[wanted[settled["unit"]]] for k, v in settled.items()}
    has_settlements = np.bincount(settled["unit"], minlength=n) > 0
    area_units = np.flatnonzero(~has_settlements & wanted)
    grid = sample_grid(
        hierarchy.metric[base][area_units],
        cell_m=dataset.settings.coverage.grid_cell_m,
        max_points=max_samples,
    )
    sample_unit = area_units[grid.sample_unit()]
    shares: dict[str, np.ndarray] = {}
    n_samples = np.bincount(sample_unit, minlength=n) + np.bincount(settled["unit"], minlength=n)
    source = dataset.settings.coverage.source
    maps = {tech: reported_maps(dataset, tech) for tech in (BROADBAND, "5G")}
    present = np.bitwise_or.reduce(sites.bits, initial=0) | (maps[BROADBAND].given if maps[BROADBAND] else 0)
    decided = np.full(n, MODELLED, dtype=object)
    masks = [("", 0xFF)] + [(f"_{name}", 1 << i) for i, name in enumerate(OPERATORS) if present >> i & 1]
    terrain = _terrain(dataset, sites, grid, sample_unit, settled, units)

    def unit_share(area_hit: np.ndarray, settled_hit: np.ndarray, weight: np.ndarray) -> np.ndarray:
        """Share per unit: its grid samples, or its settlements (weighted) when it has any."""
        share = _share(sample_unit, area_hit, n)
        share[has_settlements] = _share(settled["unit"], settled_hit, n, weight)[has_settlements]
        return share

    for label, tech in (("4g", BROADBAND), ("5g", "5G")):
        d = discs(sites, tech)
        area_bits = grid_coverage_bits(grid, d)
        settled_bits = coverage_bits(settled["x"], settled["y"], d)
        if terrain is not None:  # settings.coverage.model == "terrain": profiles over the DEM
            both = terrain.refine(tech, np.concatenate([area_bits, settled_bits]))
            area_bits, settled_bits = both[: len(area_bits)], both[len(area_bits) :]
        if maps[tech] is not None:  # operators' reported coverage (geo.compute.reported)
            given = maps[tech].given
            area_bits = combine_bits(area_bits, maps[tech].bits_at(*grid.sample_xy()), given, source)
            settled_bits = combine_bits(
                settled_bits, maps[tech].bits_at(settled["x"], settled["y"]), given, source
            )
            if label == "4g":
                by_map, by_model = (
                    unit_share(area_bits & m != 0, settled_bits & m != 0, settled["households"])
                    for m in (given, 0xFF & ~given)
                )
                decided = decided_by(by_map, by_model, source)
        for suffix, mask in masks:
            shares[f"share_{label}{suffix}"] = unit_share(
                area_bits & mask != 0, settled_bits & mask != 0, settled["households"]
            )
        if label == "5g":
            population_5g_share = unit_share(area_bits != 0, settled_bits != 0, settled["population"])
    households = _figure(units["households"].to_numpy(float), settled["households_known"], settled["unit"], n)
    population = _figure(units["population"].to_numpy(float), settled["population_known"], settled["unit"], n)
    out = pd.DataFrame(
        {
            "uid": units["uid"].to_numpy(),
            "name": units["name"].to_numpy(),
            "parent_uid": units["parent_uid"].to_numpy(),
            "node": nodes,
            "basis": np.where(has_settlements, "settlements", "area"),
            "n_samples": n_samples,
            **shares,
        }
    )
    out["covered"] = out["share_4g"].to_numpy() >= dataset.settings.indicators.village_covered_share
    out["source"] = decided
    out["households"] = households
    out["households_covered"] = households * out["share_4g"].to_numpy()
    out["population"] = population
    out["population_5g"] = population * population_5g_share
    if terrain is not None:
        out["model"] = terrain.unit_model
        out.attrs["terrain_paths"] = terrain.stats.as_dict()
    return out if only is None else out[wanted].reset_index(drop=True)


def _terrain(dataset: Dataset, sites: SiteModel, grid, sample_unit, settled, units):
    """The terrain model of :mod:`geo.compute.terrain` for these samples, or None when not chosen."""
    if dataset.settings.coverage.model != "terrain":
        return None
    from geo.compute.terrain import TerrainCoverage

    x, y = grid.sample_xy()
    return TerrainCoverage(
        dataset,
        sites,
        np.concatenate([x, settled["x"]]),
        np.concatenate([y, settled["y"]]),
        np.concatenate([sample_unit, settled["unit"]]),
        units["name"].to_numpy(),
    )


def _share(unit: np.ndarray, hit: np.ndarray, n: int, weight: np.ndarray | None = None) -> np.ndarray:
    weight = np.ones(len(unit)) if weight is None else weight
    total = np.bincount(unit, weight, minlength=n)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, np.bincount(unit, weight * hit, minlength=n) / total, np.nan)


def _figure(own: np.ndarray, settled: np.ndarray, unit: np.ndarray, n: int) -> np.ndarray:
    """A unit's own households/population, else the sum of its settlements' known figures."""
    known = np.isfinite(settled)
    total = np.bincount(unit[known], settled[known], minlength=n)
    return np.where(np.isfinite(own), own, np.where(np.bincount(unit[known], minlength=n) > 0, total, np.nan))


def _settlements(dataset: Dataset, hierarchy: Hierarchy, nodes: np.ndarray) -> dict[str, np.ndarray]:
    """Settlement points inside deepest-layer units: unit position, metric x/y and weights."""
    gdf = dataset.layer("settlements")
    empty = np.zeros(0)
    if gdf is None or gdf.empty:
        return {
            k: empty for k in ("x", "y", "households", "population", "households_known", "population_known")
        } | {"unit": np.zeros(0, dtype=np.int64)}
    lon, lat = point_xy(gdf.geometry)
    position = hierarchy.locate_geometries(gdf.geometry) - nodes[0]
    inside = (position >= 0) & (position < len(nodes))
    if (~inside).any():
        log.info("%d settlement points lie in no %s; not used", (~inside).sum(), hierarchy.base_layer)
    x, y = to_metric(lon[inside], lat[inside], dataset.settings.metric_crs)
    unit = position[inside]
    raw = {
        column: pd.to_numeric(gdf[column], errors="coerce").to_numpy(float)[inside]
        if column in gdf
        else np.full(inside.sum(), np.nan)
        for column in ("households", "population")
    }
    households = _weights(raw["households"], unit, len(nodes))
    population = (
        _weights(raw["population"], unit, len(nodes)) if np.isfinite(raw["population"]).any() else households
    )
    return {
        "unit": unit,
        "x": np.asarray(x, float),
        "y": np.asarray(y, float),
        "households": households,
        "population": population,
        "households_known": raw["households"],
        "population_known": raw["population"],
    }


def _weights(values: np.ndarray, unit: np.ndarray, n: int) -> np.ndarray:
    """Settlement weights: the figure; unknown → mean of the unit's known ones; none known (or all 0) → 1."""
    known = np.isfinite(values)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.bincount(unit[known], values[known], minlength=n) / np.bincount(unit[known], minlength=n)
    weight = np.where(known, values, mean[unit])
    total = np.bincount(unit, np.nan_to_num(weight), minlength=n)
    return np.where(np.isfinite(weight) & (total[unit] > 0), weight, 1.0)


def compute_indicators(
    dataset: Dataset,
    hierarchy: Hierarchy,
    sites: SiteModel,
    coverage: pd.DataFrame,
    *,
    only: Collection[str] | None = None,
) -> pd.DataFrame:
    """Return every spatial indicator for every unit of every level and for the territory.

    ``hierarchy``, ``sites`` and ``coverage`` are ``dataset``'s:
    :func:`geo.compute.hierarchy.build_hierarchy`, :func:`geo.compute.coverage.prepare_sites` and
    :func:`village_coverage` (each built once by :class:`geo.plans.assessment.Assessment`, which is how
    callers get this table).

    One row per unit × indicator (:data:`COLUMNS`), units top-down (territory first),
    indicators in :data:`SPATIAL_INDICATORS` order: ``level`` (territory, province, district,
    commune, village), ``uid``, ``name``, ``parent_uid`` (the unit above; ``territory`` for
    the top layer and for units whose parent is unknown), ``indicator``, ``value`` (% for
    rates, Mbit/s for speeds), ``numerator``, ``denominator`` (speeds: NaN and the number of
    tests), ``n_samples`` (speeds only), ``detail`` (tuple of the names of missing items —
    uncovered villages, places without Wi-Fi, unshared site ids — largest first, at most
    :data:`DETAIL_LIMIT`; the full count is ``denominator - numerator``), ``flag`` and
    ``source="computed"``. An indicator appears only when its layers exist: coverage and
    sharing need ``bts_sites``; village indicators need ``villages``; FTTH an ``ftth``
    column; Wi-Fi both ``public_places`` and ``wifi_points``; speeds ``speed_tests``.
    ``only`` (indicator ids) computes just those (the others are left out of the table).
    """
    wanted = set(SPATIAL_INDICATORS if only is None else only)
    found: dict[str, dict] = {}
    site_layer = dataset.layer("bts_sites")
    if site_layer is not None:
        if hierarchy.base_layer is not None and wanted & set(COVERAGE_INDICATORS):
            found |= _coverage_counts(coverage, villages=hierarchy.base_layer == "villages")
        if "bts_site_sharing" in wanted:
            found |= _sharing_counts(site_layer, sites, dataset.settings.indicators.site_merge_distance_m)
    villages = dataset.layer("villages")
    if villages is not None and "ftth" in villages and "village_ftth_coverage" in wanted:
        found |= _ftth_counts(hierarchy)
    if "public_free_wifi" in wanted and dataset.layer("public_places") is not None:
        if dataset.layer("wifi_points") is not None:
            found |= _wifi_counts(dataset, hierarchy)
        else:
            log.info("public places given without wifi_points: public_free_wifi not computed")
    if wanted & set(NETWORK_WORDS) and dataset.layer("speed_tests") is not None:
        found |= _speed_values(dataset, hierarchy)
    elif wanted & set(NETWORK_WORDS) and getattr(dataset, "speed_folder", None) is not None:
        from geo.compute.speed_partitions import (  # partitions on dask: geo/compute/speed_partitions.py
            folder_summary,
            speed_indicator_values,
        )

        found |= speed_indicator_values(folder_summary(dataset.speed_folder, hierarchy), hierarchy)
    found = {k: v for k, v in found.items() if k in wanted}
    return _assemble(hierarchy, found, min_tests=dataset.settings.indicators.min_speed_tests)


def _counted(node, numerator, denominator, missing=None, label=None, rank=None) -> dict:
    """One rate indicator's items: where each lies, what it counts, which are missing (and their names)."""
    out = {"node": np.asarray(node, np.int64), "numerator": numerator, "denominator": denominator}
    if missing is not None:
        missing = np.asarray(missing, dtype=bool)
        out["missing"] = (
            out["node"][missing],
            np.asarray(label, dtype=object)[missing],
            np.asarray(rank)[missing],
        )
    return out


def _coverage_counts(coverage: pd.DataFrame, *, villages: bool) -> dict[str, dict]:
    node, name = coverage["node"].to_numpy(), coverage["name"].to_numpy(dtype=object)
    found = {}
    if villages:
        sampled = coverage["n_samples"].to_numpy() > 0
        covered = coverage["covered"].to_numpy() & sampled
        rank = np.nan_to_num(coverage["households"].to_numpy(float))
        found["village_mobile_bb_coverage"] = _counted(
            node, covered.astype(float), sampled.astype(float), sampled & ~covered, name, rank
        )
    for indicator, total, inside in (
        ("household_mobile_bb_coverage", "households", "households_covered"),
        ("pop_5g_coverage", "population", "population_5g"),
    ):
        whole, part = coverage[total].to_numpy(float), coverage[inside].to_numpy(float)
        known = np.isfinite(whole) & np.isfinite(part)
        outside = np.where(known, whole - part, 0.0)
        found[indicator] = _counted(
            node, np.where(known, part, 0.0), np.where(known, whole, 0.0), outside >= 0.5, name, outside
        )
    return found


def _sharing_counts(layer, sites: SiteModel, merge_distance_m: float) -> dict[str, dict]:
    merged = shared_sites(site_clusters(sites.x, sites.y, merge_distance_m=merge_distance_m), sites.bits)
    first = merged["label"].to_numpy()
    shared = merged["shared"].to_numpy()
    ids = pd.Series([f"BTS #{i + 1}" for i in first], dtype=object)
    if "site_id" in layer:
        given = _column_text(layer, "site_id").iloc[first].reset_index(drop=True)
        ids = given.fillna(ids).astype(str)
    ones = np.ones(len(first))
    return {"bts_site_sharing": _counted(sites.node[first], shared * ones, ones, ~shared, ids, 0 * ones)}


def _ftth_counts(hierarchy: Hierarchy) -> dict[str, dict]:
    villages = hierarchy.nodes.loc[hierarchy.layer_nodes("villages")]
    flag = villages["ftth"].to_numpy(float)
    missing = flag == 0.0
    return {
        "village_ftth_coverage": _counted(
            villages.index, (flag == 1.0) * 1.0, np.isfinite(flag) * 1.0, missing, villages["name"], 0 * flag
        )
    }


def _wifi_counts(dataset: Dataset, hierarchy: Hierarchy) -> dict[str, dict]:
    places, wifi = dataset.layers["public_places"], dataset.layers["wifi_points"]
    crs = dataset.settings.metric_crs
    near = places_with_free_wifi(
        places, wifi, distance_m=dataset.settings.indicators.wifi_distance_m, crs=crs
    )
    label = _column_text(places, "name").fillna(_column_text(places, "kind")).fillna("?")
    ones = np.ones(len(near))
    node = hierarchy.locate_geometries(places.geometry)
    return {"public_free_wifi": _counted(node, near * ones, ones, ~near, label, 0 * ones)}


def _column_text(gdf, column: str) -> pd.Series:
    """A text column, positionally indexed, with blanks as missing (all missing when absent)."""
    if column not in gdf:
        return pd.Series(None, index=range(len(gdf)), dtype=object)
    text = gdf[column].astype(object).reset_index(drop=True)
    return text.where(text.notna() & text.astype(str).str.strip().ne(""), None)


def _speed_values(dataset: Dataset, hierarchy: Hierarchy) -> dict[str, dict]:
    tests = dataset.layers["speed_tests"]
    node = hierarchy.locate_geometries(tests.geometry)
    download = pd.to_numeric(tests["download_mbps"], errors="coerce").to_numpy(float)
    codes, distinct = pd.factorize(tests["network"])  # each distinct network word cleaned once
    network = np.append(pd.Series(distinct, dtype=object).astype(str).str.strip().str.lower().to_numpy(), "")
    found = {}
    for indicator, words in _NETWORKS.items():
        mine = np.isin(network, words)[codes]
        median, count = aggregate_medians(node[mine], download[mine], hierarchy)
        found[indicator] = {"median": median, "count": count}
    return found


def _assemble(hierarchy: Hierarchy, found: dict[str, dict], *, min_tests: int) -> pd.DataFrame:
    """Lay the indicators out as rows node-major, indicator-minor (row = node · k + indicator)."""
    present = [indicator for indicator in SPATIAL_INDICATORS if indicator in found]
    nodes = hierarchy.nodes
    n, k = len(nodes), len(present)
    value, numerator, denominator = np.full((3, n, k), np.nan)
    n_samples = np.full((n, k), -1, dtype=np.int64)
    detail = np.empty((n, k), dtype=object)
    detail.fill(())
    for j, indicator in enumerate(present):
        entry = found[indicator]
        if "median" in entry:
            value[:, j], denominator[:, j], n_samples[:, j] = entry["median"], entry["count"], entry["count"]
            continue
        num, den = aggregate_counts(entry["node"], entry["numerator"], entry["denominator"], hierarchy)
        numerator[:, j], denominator[:, j] = num, den
        with np.errstate(invalid="ignore", divide="ignore"):
            value[:, j] = np.where(den > 0, 100.0 * num / den, np.nan)
        if "missing" in entry:
            at, lists = aggregate_items(*entry["missing"], hierarchy, limit=DETAIL_LIMIT)
            detail[at, j] = lists
    flag = np.where(denominator > 0, 0, 1)
    flag[(n_samples > 0) & (n_samples < min_tests)] = 2
    samples = pd.array(n_samples.ravel(), dtype="Int64")
    samples[n_samples.ravel() < 0] = pd.NA  # rates have no test count
    parent = nodes["parent"].to_numpy()
    parent_uid = pd.array(nodes["uid"], dtype="str").take(parent, allow_fill=True)  # -1: no parent
    node = np.repeat(np.arange(n), k)
    return pd.DataFrame(
        {
            "level": repeated_text(nodes["level"], node),
            "uid": repeated_text(nodes["uid"], node),
            "name": repeated_text(nodes["name"], node),
            "parent_uid": parent_uid.take(node),
            "indicator": text_column(present, np.tile(np.arange(k), n)),
            "value": value.ravel(),
            "numerator": numerator.ravel(),
            "denominator": denominator.ravel(),
            "n_samples": samples,
            "detail": detail.ravel(),
            "flag": text_column(("", Status.NO_DATA, Status.INSUFFICIENT), flag.ravel()),
            "source": text_column(["computed"], np.zeros(n * k, np.int64)),
        },
        columns=COLUMNS,
    )


def indicator_rows(
    computed: pd.DataFrame, hierarchy: Hierarchy, nodes: np.ndarray, indicators: list[str]
) -> np.ndarray:
    """Row positions in ``computed`` (:func:`compute_indicators`'s table of ``hierarchy``) of every node of
    ``nodes`` × every indicator of ``indicators``, node-major: entry ``i · len(indicators) + j`` is the row
    of ``nodes[i]`` and ``indicators[j]``, -1 where the table has none.

    The table's own layout (row = node · k + indicator, which :func:`_assemble` writes and splicing
    keeps) is used when the table still has it — checked on the uid and level of every node's first and
    last row and on the indicators there —, else rows are looked up by (level, uid, indicator).
    """
    layout = _layout(computed, hierarchy)
    if layout is None:
        return _looked_up(computed, hierarchy, nodes, indicators)
    column = {indicator: j for j, indicator in enumerate(layout)}
    j = np.array([column.get(indicator, -1) for indicator in indicators], dtype=np.int64)
    rows = np.asarray(nodes, np.int64)[:, None] * len(layout) + j[None, :]
    return np.where(j[None, :] >= 0, rows, -1).ravel()


def _layout(computed: pd.DataFrame, hierarchy: Hierarchy) -> list[str] | None:
    """The indicators of each node's block of rows when ``computed`` is laid out node-major (None if not)."""
    n = len(hierarchy.nodes)
    if not n or not len(computed) or len(computed) % n:
        return None
    k = len(computed) // n
    present = computed["indicator"].iloc[:k].tolist()
    if len(set(present)) != k:
        return None
    firsts, lasts = np.arange(0, len(computed), k), np.arange(k - 1, len(computed), k)
    for column in ("uid", "level"):
        values, wanted = computed[column].array, pd.array(hierarchy.nodes[column], dtype="str")
        if not all(np.asarray(values[rows] == wanted, bool).all() for rows in (firsts, lasts)):
            return None
    indicator = computed["indicator"].array
    if not ((indicator[firsts] == present[0]).all() and (indicator[lasts] == present[-1]).all()):
        return None
    return present


def _looked_up(
    computed: pd.DataFrame, hierarchy: Hierarchy, nodes: np.ndarray, indicators: list[str]
) -> np.ndarray:
    """:func:`indicator_rows` by (level, uid, indicator) for a table in any row order."""
    table = pd.MultiIndex.from_arrays([computed[c].astype(object) for c in ("level", "uid", "indicator")])
    units = hierarchy.nodes.loc[np.asarray(nodes, np.int64)]
    wanted = pd.MultiIndex.from_arrays(
        [
            np.repeat(units["level"].to_numpy(object), len(indicators)),
            np.repeat(units["uid"].to_numpy(object), len(indicators)),
            np.tile(np.asarray(indicators, dtype=object), len(units)),
        ]
    )
    first = np.flatnonzero(~table.duplicated())  # the first row of each key
    found = table[first].get_indexer(wanted)
    return np.append(first, -1)[np.where(found >= 0, found, len(first))]
