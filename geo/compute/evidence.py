"""Measurements as evidence: speed tests checked against each coverage source, disputed villages, white
and grey spots.

A mobile speed test is **served** when its download (Mbit/s) reaches its technology's threshold
(``settings.coverage.served_mbps``: 4G 5, 5G 35, as the FCC's Broadband Data Collection); a failed
test (no download figure) or one below it is **not served**. A test's technology is its
``technology`` column when given (4G/5G), else 4G; its operator its ``operator`` column when given,
else any operator. Only mobile tests (``network``) count.

* :func:`check_sources` — per source (``modelled``, ``reported`` when operators gave maps, and
  ``chosen``, what ``settings.coverage.source`` makes of both) and per commune: tests, agreement,
  false covered (the source says covered, the test says not served), false uncovered. The modelled
  claim at a test point is the disc/sector/path-loss shape of :mod:`geo.compute.coverage` (the terrain
  refinement is not applied at test points). ``reported`` counts only tests of operators who gave a map.
* :func:`disputed_villages` — villages whose coverage (the ``covered`` of the coverage table, from the
  chosen source) is contradicted by at least ``settings.coverage.dispute_min_tests`` tests that also
  outnumber the agreeing ones; the tests' row numbers are attached as evidence.
* :func:`tests_in_units` — the tests located in the units of a coverage table, with per-unit counts
  (shared by :func:`disputed_villages` and :mod:`geo.compute.measured`);
* :func:`white_grey_spots` — per village and technology, how many operators cover it (share ≥
  ``village_covered_share``): 0 is a **white** spot, exactly 1 a **grey** one (BNetzA's terms).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from geo.compute.coverage import (
    BROADBAND,
    SiteModel,
    coverage_bits,
    discs,
    has_technology,
    operator_bits,
    to_metric,
)
from geo.compute.hierarchy import Hierarchy, point_xy
from geo.compute.indicators import NETWORK_WORDS
from geo.compute.reported import MODELLED, REPORTED, reported_maps
from geo.model import Dataset
from geo.settings import OPERATORS

__all__ = [
    "CHOSEN",
    "CHECK_COLUMNS",
    "WHITE",
    "GREY",
    "served_tests",
    "UnitTests",
    "tests_in_units",
    "check_sources",
    "disputed_villages",
    "white_grey_spots",
]

#: The source the indicator uses (``settings.coverage.source`` applied), in :func:`check_sources`.
CHOSEN = "chosen"
#: Columns of :func:`check_sources`.
CHECK_COLUMNS = [
    "source",
    "uid",
    "name",
    "n_tests",
    "agree",
    "false_covered",
    "false_uncovered",
    "agreement_pct",
]
#: Spot kinds of :func:`white_grey_spots`.
WHITE, GREY = "white", "grey"


def served_tests(dataset: Dataset) -> pd.DataFrame:
    """The mobile speed tests as evidence: ``row`` (the file's row number), ``lon``/``lat`` (degrees),
    ``technology`` (4G/5G), ``operator_bits`` (uint8, all bits when unknown), ``download_mbps`` and
    ``served`` (bool). Empty when the dataset has no ``speed_tests`` layer."""
    tests = dataset.layer("speed_tests")
    columns = ["row", "lon", "lat", "technology", "operator_bits", "download_mbps", "served"]
    if tests is None or tests.empty:
        return pd.DataFrame(columns=columns)
    network = tests["network"].astype(object).fillna("").astype(str).str.strip().str.lower()
    tests = tests.loc[network.isin(NETWORK_WORDS["mobile_speed"]).to_numpy()]
    lon, lat = point_xy(tests.geometry)
    tech = np.full(len(tests), "4G", dtype=object)
    if "technology" in tests:
        tech[has_technology(tests["technology"], "5G")] = "5G"
    if "operator" in tests:
        known = (
            tests["operator"].notna().to_numpy() & tests["operator"].astype(str).str.strip().ne("").to_numpy()
        )
        bits = np.where(known, operator_bits(tests["operator"]), 0xFF).astype(np.uint8)
    else:
        bits = np.full(len(tests), 0xFF, dtype=np.uint8)
    download = pd.to_numeric(tests["download_mbps"], errors="coerce").to_numpy(float)
    thresholds = dataset.settings.coverage.served_mbps
    need = np.array([thresholds.get(t, thresholds.get("4G", 5.0)) for t in ("4G", "5G")])[(tech == "5G") * 1]
    mobile = np.flatnonzero(network.isin(NETWORK_WORDS["mobile_speed"]).to_numpy())
    row = tests["source_row"].to_numpy() if "source_row" in tests else mobile + 1
    return pd.DataFrame(
        {
            "row": row,
            "lon": lon,
            "lat": lat,
            "technology": tech,
            "operator_bits": bits,
            "download_mbps": download,
            "served": np.nan_to_num(download, nan=-1.0) >= need,
        }
    )


def _claims(dataset: Dataset, sites: SiteModel, tests: pd.DataFrame) -> dict[str, np.ndarray]:
    """Per source, its claim at each test point: 1 covered, 0 not, -1 none (that operator gave no map)."""
    x, y = to_metric(tests["lon"].to_numpy(float), tests["lat"].to_numpy(float), dataset.settings.metric_crs)
    x, y = np.asarray(x, float), np.asarray(y, float)
    mask = tests["operator_bits"].to_numpy(np.uint8)
    five = tests["technology"].to_numpy() == "5G"
    modelled = np.zeros(len(tests), dtype=np.uint8)
    reported = np.zeros(len(tests), dtype=np.uint8)
    given = np.zeros(len(tests), dtype=np.uint8)
    for tech, mine in ((BROADBAND, ~five), ("5G", five)):
        modelled[mine] = coverage_bits(x[mine], y[mine], discs(sites, tech))
        maps = reported_maps(dataset, tech)
        if maps is not None:
            reported[mine], given[mine] = maps.bits_at(x[mine], y[mine]), maps.given
    source = dataset.settings.coverage.source
    chosen = (
        modelled
        if source == MODELLED
        else reported
        if source == REPORTED
        else (modelled & ~given) | (reported & given)
    )
    out = {MODELLED: ((modelled & mask) != 0).astype(int)}
    if dataset.layer("operator_coverage") is not None:
        out[REPORTED] = np.where((given & mask) != 0, ((reported & mask) != 0).astype(int), -1)
        out[CHOSEN] = ((chosen & mask) != 0).astype(int)
    return out


def check_sources(dataset: Dataset, hierarchy: Hierarchy, sites: SiteModel) -> pd.DataFrame:
    """Agreement of each source with the tests, per commune and for the territory (:data:`CHECK_COLUMNS`).

    ``agree`` counts tests where the source's claim matches served/not served; ``false_covered`` where it
    says covered and the test is not served; ``false_uncovered`` the opposite; ``agreement_pct`` is
    ``100 · agree / n_tests`` (NaN without tests). Communes without tests are left out; the territory row
    (``uid`` "territory") is always there. Without communes, only the territory row.
    """
    tests = served_tests(dataset)
    node = hierarchy.locate(tests["lon"].to_numpy(float), tests["lat"].to_numpy(float))
    nodes = hierarchy.nodes
    commune_depth = nodes.loc[nodes["layer"] == "communes", "depth"]
    commune = (
        hierarchy.ancestors[node, int(commune_depth.iloc[0])]
        if len(commune_depth) and len(node)
        else np.full(len(node), -1)
    )
    served = tests["served"].to_numpy(bool)
    frames = []
    for source, claim in _claims(dataset, sites, tests).items():
        counted = claim >= 0
        where = np.concatenate([np.zeros(counted.sum(), dtype=np.int64), commune[counted]])
        said, truth = np.tile(claim[counted], 2), np.tile(served[counted], 2)
        ok = where >= 0
        frame = pd.DataFrame({"node": where[ok], "said": said[ok] == 1, "served": truth[ok]})
        frame["agree"] = frame["said"] == frame["served"]
        frame["false_covered"] = frame["said"] & ~frame["served"]
        frame["false_uncovered"] = ~frame["said"] & frame["served"]
        table = frame.groupby("node")[["agree", "false_covered", "false_uncovered"]].sum()
        table["n_tests"] = frame.groupby("node").size()
        table = table.reindex(sorted(set(table.index) | {0}), fill_value=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            table["agreement_pct"] = np.where(
                table["n_tests"] > 0, 100.0 * table["agree"] / table["n_tests"], np.nan
            )
        table["uid"] = nodes.loc[table.index, "uid"].to_numpy()
        table["name"] = nodes.loc[table.index, "name"].to_numpy()
        table["source"] = source
        frames.append(table.reset_index(drop=True))
    if not frames:
        return pd.DataFrame(columns=CHECK_COLUMNS)
    return pd.concat(frames, ignore_index=True)[CHECK_COLUMNS]


@dataclass(frozen=True)
class UnitTests:
    """The speed tests inside the units of a coverage table: per test its unit (row position in the
    table), ``served`` and file ``rows``; per unit ``n_tests`` and ``n_served``."""

    unit: np.ndarray
    served: np.ndarray
    rows: np.ndarray
    n_tests: np.ndarray
    n_served: np.ndarray


def tests_in_units(dataset: Dataset, hierarchy: Hierarchy, coverage: pd.DataFrame) -> UnitTests | None:
    """The mobile tests (:func:`served_tests`) located in the units of ``coverage`` (its ``node`` column);
    tests outside them are left out. None when there is no coverage table or no test."""
    tests = served_tests(dataset)
    if coverage.empty or tests.empty:
        return None
    node = hierarchy.locate(tests["lon"].to_numpy(float), tests["lat"].to_numpy(float))
    position = pd.Series(np.arange(len(coverage)), index=coverage["node"].to_numpy())
    at = position.reindex(node).to_numpy()
    inside = np.isfinite(at)
    unit, served = at[inside].astype(np.int64), tests["served"].to_numpy(bool)[inside]
    n = len(coverage)
    return UnitTests(
        unit=unit,
        served=served,
        rows=tests["row"].to_numpy()[inside],
        n_tests=np.bincount(unit, minlength=n),
        n_served=np.bincount(unit, served, minlength=n).astype(int),
    )


def disputed_villages(dataset: Dataset, hierarchy: Hierarchy, coverage: pd.DataFrame) -> pd.DataFrame:
    """Villages (units of the coverage table) whose tests contradict their ``covered`` status.

    Columns: ``uid``, ``name``, ``parent_uid``, ``source`` (which source decided the village), ``covered``,
    ``n_tests``, ``n_served``, ``n_not_served``, ``tests`` (the contradicting tests' file row numbers).
    A village is listed when the contradicting tests (not served under covered; served under uncovered)
    number at least ``settings.coverage.dispute_min_tests`` and more than the agreeing ones.
    """
    columns = [
        "uid",
        "name",
        "parent_uid",
        "source",
        "covered",
        "n_tests",
        "n_served",
        "n_not_served",
        "tests",
    ]
    located = tests_in_units(dataset, hierarchy, coverage)
    if located is None:
        return pd.DataFrame(columns=columns)
    unit, served, n_tests, n_served = located.unit, located.served, located.n_tests, located.n_served
    n_not = n_tests - n_served
    covered = coverage["covered"].to_numpy(bool)
    against, agree = np.where(covered, n_not, n_served), np.where(covered, n_served, n_not)
    disputed = (against >= dataset.settings.coverage.dispute_min_tests) & (against > agree)
    contradicts = served != covered[unit]
    rows = located.rows[contradicts]
    listed = pd.Series(rows).groupby(unit[contradicts]).agg(tuple)
    out = coverage.loc[disputed, ["uid", "name", "parent_uid"]].copy()
    out["source"] = coverage["source"].to_numpy()[disputed] if "source" in coverage else MODELLED
    out["covered"] = covered[disputed]
    out["n_tests"], out["n_served"], out["n_not_served"] = (
        n_tests[disputed],
        n_served[disputed],
        n_not[disputed],
    )
    out["tests"] = [listed.get(k, ()) for k in np.flatnonzero(disputed)]
    return out.reset_index(drop=True)[columns]


def white_grey_spots(dataset: Dataset, coverage: pd.DataFrame) -> pd.DataFrame:
    """White (no operator) and grey (exactly one operator) villages per technology.

    One row per village × technology (``4G`` = 4G or 5G, ``5G``): ``uid``, ``name``, ``parent_uid``,
    ``technology``, ``n_operators`` (operators whose share of the village reaches
    ``village_covered_share``), ``operator`` (the one, for grey spots) and ``spot`` (``white``, ``grey`` or
    empty). Villages without samples are left out.
    """
    threshold = dataset.settings.indicators.village_covered_share
    sampled = (
        coverage["n_samples"].to_numpy() > 0 if "n_samples" in coverage else np.ones(len(coverage), bool)
    )
    frames = []
    for label, tech in (("4g", "4G"), ("5g", "5G")):
        names = [o for o in OPERATORS if f"share_{label}_{o}" in coverage]
        shares = (
            np.column_stack([coverage[f"share_{label}_{o}"].to_numpy(float) for o in names])
            if names
            else np.zeros((len(coverage), 0))
        )
        covers = np.nan_to_num(shares) >= threshold
        count = covers.sum(axis=1)
        one = np.array([*names, ""], dtype=object)[
            np.where(covers.any(axis=1), covers.argmax(axis=1), len(names))
        ]
        frame = coverage.loc[sampled, ["uid", "name", "parent_uid"]].copy()
        frame["technology"] = tech
        frame["n_operators"] = count[sampled]
        frame["operator"] = np.where(count == 1, one, "")[sampled]
        frame["spot"] = np.select([count == 0, count == 1], [WHITE, GREY], "")[sampled]
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)
