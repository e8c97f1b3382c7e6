"""The tables of a dataset changed at a few places, from the tables before the change.

A scenario (:mod:`geo.scenarios`) adds sites, operators and technologies, Wi-Fi points or FTTH flags on
top of a dataset whose units stay the same. Recomputing everything would repeat the work for the
thousands of villages no change reaches; here only what a change can reach is computed again, and the
rest is taken from the previous tables as it is:

- :func:`changed_sites` — the site entries that are new or serve differently;
- :func:`updated_village_coverage` — the coverage rows of the deepest-layer units whose polygons meet
  a changed site's served area (each unit's row depends only on its own samples and settlements and on
  the sites that reach it);
- :func:`updated_indicators` — the rows of the indicators a change can move, recomputed as whole arrays
  (:func:`geo.compute.indicators.compute_indicators` with ``only``), the others kept.

Each answer equals the from-scratch computation (the tests compare them); when the previous table does
not fit (other units, a new operator column, another set of indicators, the terrain model whose path
statistics cover the whole table, an operator's first site) the whole table is computed again.
"""

from __future__ import annotations

from collections.abc import Collection

import numpy as np
import pandas as pd
import shapely

from geo.compute.coverage import BROADBAND, SiteModel, discs
from geo.compute.hierarchy import Hierarchy
from geo.compute.indicators import compute_indicators, village_coverage
from geo.model import Dataset

__all__ = ["changed_sites", "updated_village_coverage", "updated_indicators", "splice"]


def _same(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Element-wise equality where NaN equals NaN."""
    return (a == b) | (pd.isna(a) & pd.isna(b))


def changed_sites(before: SiteModel, after: SiteModel) -> np.ndarray | None:
    """Positions of ``after``'s entries that are new (past ``before``'s) or differ from ``before``'s at the
    same position (place, operators, radius of a technology, azimuth); None when ``after`` has fewer
    entries (not a scenario's additions: compute everything)."""
    n = len(before.x)
    if len(after.x) < n or set(before.radius) != set(after.radius):
        return None
    same = _same(before.x, after.x[:n]) & _same(before.y, after.y[:n]) & (before.bits == after.bits[:n])
    same &= _same(before.azimuth, after.azimuth[:n])
    for tech, radius in before.radius.items():
        same &= _same(radius, after.radius[tech][:n])
    return np.concatenate([np.flatnonzero(~same), np.arange(n, len(after.x))])


def splice(previous: pd.DataFrame, rows: np.ndarray, fresh: pd.DataFrame) -> pd.DataFrame:
    """``previous`` with its rows at positions ``rows`` replaced by ``fresh`` (same columns, one fresh row
    per position, in order); dtypes and attributes kept, index reset."""
    keep = np.ones(len(previous), bool)
    keep[rows] = False
    fresh = fresh[previous.columns].astype(previous.dtypes.to_dict())  # e.g. an all-NaN object column
    both = pd.concat([previous[keep], fresh], ignore_index=True)
    order = np.argsort(np.concatenate([np.flatnonzero(keep), rows]), kind="stable")
    out = both.iloc[order].reset_index(drop=True)
    out.attrs = dict(previous.attrs)
    return out


def _boxes(sites: SiteModel, positions: np.ndarray) -> np.ndarray:
    """Bounding boxes (metric) of the served discs and wedges of the sites at ``positions``."""
    d = discs(sites, BROADBAND)
    mine = np.isin(d.site, positions)
    x, y, r = d.x[mine], d.y[mine], d.r[mine]
    return shapely.box(x - r, y - r, x + r, y + r)


def updated_village_coverage(
    previous: pd.DataFrame, before: SiteModel, dataset: Dataset, hierarchy: Hierarchy, sites: SiteModel
) -> pd.DataFrame:
    """:func:`geo.compute.indicators.village_coverage` of ``dataset`` and its ``sites``, given
    ``previous`` (the table of the same units with the sites ``before``): only the units whose polygon
    meets the served area (bounding box, metric CRS) of a changed site (:func:`changed_sites`), before
    or after the change, are computed again."""
    changed = changed_sites(before, sites)
    base = hierarchy.base_layer
    n = 0 if base is None else len(hierarchy.layer_nodes(base))
    fits = (
        changed is not None
        and base is not None
        and len(previous) == n
        and "node" in previous
        and np.array_equal(previous["node"].to_numpy(), hierarchy.layer_nodes(base))
        and dataset.settings.coverage.model != "terrain"
    )
    if not fits:
        return village_coverage(dataset, hierarchy, sites)
    boxes = np.concatenate([_boxes(sites, changed), _boxes(before, changed[changed < len(before.x)])])
    reached = np.unique(shapely.STRtree(hierarchy.metric[base]).query(boxes)[1])
    if not len(reached):
        return previous
    fresh = village_coverage(dataset, hierarchy, sites, only=reached)
    if list(fresh.columns) != list(previous.columns):  # an operator's first site: a new share column
        return village_coverage(dataset, hierarchy, sites)
    return splice(previous, reached, fresh)


def updated_indicators(
    previous: pd.DataFrame,
    dataset: Dataset,
    hierarchy: Hierarchy,
    sites: SiteModel,
    coverage: pd.DataFrame,
    indicators: Collection[str],
) -> pd.DataFrame:
    """:func:`geo.compute.indicators.compute_indicators` of ``dataset``, given ``previous`` (the same
    table for the same units before a change that can move only ``indicators``): those indicators' rows
    are computed again, the others kept."""
    wanted = set(indicators)
    fresh = compute_indicators(dataset, hierarchy, sites, coverage, only=wanted)
    rows = np.flatnonzero(previous["indicator"].isin(wanted).to_numpy())
    fits = (
        len(fresh) == len(rows)
        and np.array_equal(previous["uid"].to_numpy()[rows], fresh["uid"].to_numpy())
        and np.array_equal(previous["indicator"].to_numpy()[rows], fresh["indicator"].to_numpy())
    )
    if not fits:  # an indicator appears or goes (e.g. the first Wi-Fi point): the whole table
        return compute_indicators(dataset, hierarchy, sites, coverage)
    return splice(previous, rows, fresh)
