"""The unit hierarchy: which unit a point falls in, and how counts and medians add up.

:func:`build_hierarchy` turns a dataset's unit layers into one table of *nodes* (every unit
of every level, plus a root node for the whole territory) with, for each node, its
ancestor at every depth. Indicators then

- place points with :meth:`Hierarchy.locate` (the deepest unit holding each point: one
  bounding-box STRtree query and one vectorised point-in-polygon test per level),
- add numerators and denominators up the ``parent_uid`` links with :func:`aggregate_counts`
  (so a parent's rate is its children's rates weighted by their denominators, plus whatever
  lies in the parent but in none of its children),
- recompute medians from the raw values at every level with :func:`aggregate_medians`,
- collect the names of missing items (uncovered villages, unshared sites ...) with
  :func:`aggregate_items`.

Node 0 is the territory (level and uid :data:`geo.model.TERRITORY`); a unit whose
``parent_uid`` is missing or unknown hangs directly under it, so its values still count
in the territory total.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.model import LEVEL_OF_LAYER, TERRITORY, Dataset
from geo.settings import STORAGE_CRS

__all__ = [
    "Hierarchy",
    "build_hierarchy",
    "point_xy",
    "flag_values",
    "aggregate_counts",
    "aggregate_medians",
    "aggregate_items",
]

log = logging.getLogger(__name__)

#: Unit attributes carried on the nodes (missing columns become NaN).
_NUMERIC = ("population", "households")
_FLAGS = ("urban", "ftth")
_TRUE = {"true", "1", "yes", "có", "co", "x", "t", "y"}
_FALSE = {"false", "0", "no", "không", "khong", "f", "n"}
_SORT_CELL_DEG = 0.01


@dataclass
class Hierarchy:
    """Every unit as a node, top-down, with its ancestors.

    ``nodes`` (index = node number, 0 = territory) has columns ``level`` (singular name),
    ``layer``, ``uid``, ``name``, ``parent_uid``, ``depth`` (0 territory, 1 top unit layer,
    ...), ``parent`` (node number, -1 for the root), ``position`` (row position in its
    layer), ``population``, ``households``, ``urban`` and ``ftth`` (1.0 / 0.0 / NaN) and
    ``area_km2``. ``ancestors[n, d]`` is the node at depth ``d`` above (or equal to) node
    ``n``, -1 when the chain skips that depth. ``geometry`` and ``metric`` hold each layer's
    polygons in EPSG:4326 and in ``metric_crs``, positionally aligned with its nodes.
    """

    nodes: pd.DataFrame
    ancestors: np.ndarray
    levels: tuple[str, ...]
    geometry: dict[str, np.ndarray]
    metric: dict[str, np.ndarray]
    metric_crs: str
    _trees: dict[str, shapely.STRtree] = field(default_factory=dict, repr=False)
    _by_uid: tuple[pd.Index, np.ndarray] | None = field(default=None, repr=False)

    @property
    def base_layer(self) -> str | None:
        """Return the deepest unit layer present (``"villages"`` when there are villages), or None."""
        layers = [layer for layer in self.geometry if len(self.geometry[layer])]
        return layers[-1] if layers else None

    def layer_nodes(self, layer: str) -> np.ndarray:
        """Return the node numbers of ``layer``'s units, in the layer's row order."""
        return self.nodes.index[self.nodes["layer"].to_numpy() == layer].to_numpy()

    def nodes_of(self, uids: pd.Series) -> np.ndarray:
        """Return the node number of each uid (the first node with that uid; -1 when none), looked up
        once per distinct uid through an index built once."""
        if self._by_uid is None:
            first = ~self.nodes["uid"].duplicated()
            self._by_uid = (pd.Index(self.nodes["uid"][first]), self.nodes.index[first].to_numpy())
        index, numbers = self._by_uid
        codes, distinct = pd.factorize(uids)
        found = index.get_indexer(distinct)
        return np.append(np.where(found >= 0, numbers[np.maximum(found, 0)], -1), -1)[codes]

    def locate(self, x: np.ndarray, y: np.ndarray, points: np.ndarray | None = None) -> np.ndarray:
        """Return the node of the deepest unit holding each lon/lat point (EPSG:4326, degrees).

        Boundaries count as inside; where units of one layer overlap, the first in layer
        order wins. Points in no unit (or with NaN coordinates) get node 0, the territory.
        ``points`` are the same positions as shapely Points when the caller holds them
        (:meth:`locate_geometries`): they are then used as they are, not built again.
        """
        node = np.zeros(len(x), dtype=np.int64)
        todo = np.flatnonzero(np.isfinite(x) & np.isfinite(y))
        # visit points cell by cell (~1 km): tree queries and polygon tests then stay cache-warm
        cell = np.floor(y[todo] / _SORT_CELL_DEG) * 1e6 + np.floor(x[todo] / _SORT_CELL_DEG)
        todo = todo[np.argsort(cell, kind="stable")]
        for layer in reversed(list(self.geometry)):
            if not len(todo) or not len(self.geometry[layer]):
                continue
            shapes = shapely.points(x[todo], y[todo]) if points is None else points[todo]
            hit = self._hits(layer, shapes, x[todo], y[todo])
            found = hit >= 0
            node[todo[found]] = self.layer_nodes(layer)[hit[found]]
            todo = todo[~found]
        return node

    def locate_geometries(self, geoms: gpd.GeoSeries) -> np.ndarray:
        """Return the node of the deepest unit holding each feature of a point layer (EPSG:4326), as
        :meth:`locate` of :func:`point_xy` (non-points by a point on their surface)."""
        points = _point_array(geoms)
        return self.locate(shapely.get_x(points), shapely.get_y(points), points=points)

    def _hits(self, layer: str, points: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        geoms = self.geometry[layer]
        if layer not in self._trees:
            shapely.prepare(geoms)
            self._trees[layer] = shapely.STRtree(geoms)
        point_idx, geom_idx = self._trees[layer].query(points)
        inside = shapely.intersects_xy(geoms[geom_idx], x[point_idx], y[point_idx])
        first = np.full(len(x), np.iinfo(np.int64).max)
        np.minimum.at(first, point_idx[inside], geom_idx[inside])
        return np.where(first == np.iinfo(np.int64).max, -1, first)


def _point_array(geoms: gpd.GeoSeries) -> np.ndarray:
    """A point layer's geometries as a shapely array, non-points replaced by a point on their surface."""
    values = np.asarray(geoms.values, dtype=object)
    not_point = shapely.get_type_id(values) > 0
    if not_point.any():
        values = values.copy()
        values[not_point] = shapely.point_on_surface(values[not_point])
    return values


def point_xy(geoms: gpd.GeoSeries) -> tuple[np.ndarray, np.ndarray]:
    """Return lon/lat arrays of a point layer's geometries (EPSG:4326, degrees).

    Non-point geometries are replaced by a point on their surface; missing or empty
    geometries give NaN (such rows are then located in no unit and used in no distance test).
    """
    values = _point_array(geoms)
    return shapely.get_x(values), shapely.get_y(values)


def build_hierarchy(dataset: Dataset) -> Hierarchy:
    """Return the :class:`Hierarchy` of ``dataset``'s unit layers (``uid``/``parent_uid`` links).

    A unit's parent is looked up among the units of the levels above it, nearest level
    first; a missing or unknown ``parent_uid`` attaches the unit to the territory (logged).
    Each layer is projected once to ``dataset.settings.metric_crs`` for areas and sampling.
    """
    metric_crs = dataset.settings.metric_crs
    root = {
        "level": TERRITORY,
        "layer": "",
        "uid": TERRITORY,
        "name": dataset.name or TERRITORY,
        "parent_uid": None,
    }
    root |= {"depth": 0, "position": -1, "area_km2": np.nan} | dict.fromkeys((*_NUMERIC, *_FLAGS), np.nan)
    frames = [pd.DataFrame({key: [value] for key, value in root.items()})]
    geometry: dict[str, np.ndarray] = {}
    metric: dict[str, np.ndarray] = {}
    levels = [TERRITORY]
    for depth, layer in enumerate(dataset.unit_levels(), start=1):
        gdf = dataset.layers[layer]
        levels.append(LEVEL_OF_LAYER[layer])
        geometry[layer] = np.asarray(gdf.to_crs(STORAGE_CRS).geometry.values, dtype=object)
        metric[layer] = np.asarray(gdf.geometry.to_crs(metric_crs).values, dtype=object)
        frame = pd.DataFrame(
            {
                "level": LEVEL_OF_LAYER[layer],
                "layer": layer,
                "uid": _text(gdf, "uid"),
                "name": _text(gdf, "name"),
                "parent_uid": _text(gdf, "parent_uid"),
                "depth": depth,
                "position": np.arange(len(gdf)),
                "area_km2": shapely.area(metric[layer]) / 1e6,
            }
        )
        for column in _NUMERIC:
            frame[column] = (
                pd.to_numeric(gdf[column], errors="coerce").to_numpy(float) if column in gdf else np.nan
            )
        for column in _FLAGS:
            frame[column] = flag_values(gdf[column]) if column in gdf else np.nan
        frames.append(frame)
    nodes = pd.concat(frames, ignore_index=True)
    parent_uid = nodes["parent_uid"].astype(object)
    nodes["parent_uid"] = parent_uid.where(parent_uid.notna(), None)  # None where no parent is named
    nodes["parent"] = _parents(nodes)
    return Hierarchy(nodes, _ancestors(nodes, len(levels)), tuple(levels), geometry, metric, metric_crs)


def _text(gdf: gpd.GeoDataFrame, column: str) -> pd.api.extensions.ExtensionArray:
    """A layer's text column as pandas ``str`` (Arrow, no Python strings made), all missing when absent."""
    if column not in gdf:
        return pd.array(np.full(len(gdf), None, dtype=object), dtype="str")
    return pd.array(gdf[column], dtype="str")


def flag_values(values: pd.Series) -> np.ndarray:
    """Return 1.0 / 0.0 / NaN from booleans or text such as "Có" / "Không" (anything else is NaN)."""
    codes, distinct = pd.factorize(values.astype(object), use_na_sentinel=True)
    text = [str(v).strip().lower() for v in distinct]
    parsed = np.array([1.0 if t in _TRUE else 0.0 if t in _FALSE else np.nan for t in text] + [np.nan])
    return parsed[codes]  # code -1 (missing) picks the trailing NaN


def _parents(nodes: pd.DataFrame) -> np.ndarray:
    parent = np.where(nodes["depth"].to_numpy() > 0, 0, -1)
    depth = nodes["depth"].to_numpy()
    for d in range(2, depth.max() + 1 if len(depth) else 0):
        rows = np.flatnonzero(depth == d)
        wanted = nodes["parent_uid"].iloc[rows]
        found = np.full(len(rows), -1)
        for above in range(d - 1, 0, -1):
            lookup = pd.Series(np.flatnonzero(depth == above), index=nodes["uid"].iloc[depth == above])
            lookup = lookup[~lookup.index.duplicated()]
            hit = wanted.map(lookup).to_numpy(dtype=float)
            take = (found < 0) & np.isfinite(hit)
            found[take] = hit[take].astype(np.int64)
        orphans = found < 0
        if orphans.any():
            log.info(
                "%d units at depth %d have no known parent; counted in the territory only", orphans.sum(), d
            )
        parent[rows] = np.where(orphans, 0, found)
    return parent


def _ancestors(nodes: pd.DataFrame, n_depths: int) -> np.ndarray:
    depth = nodes["depth"].to_numpy()
    parent = nodes["parent"].to_numpy()
    ancestors = np.full((len(nodes), n_depths), -1, dtype=np.int64)
    for d in range(n_depths):
        rows = np.flatnonzero(depth == d)
        if d:
            ancestors[rows] = ancestors[parent[rows]]
        ancestors[rows, d] = rows
    return ancestors


def aggregate_counts(
    node: np.ndarray, numerator: np.ndarray, denominator: np.ndarray, hierarchy: Hierarchy
) -> tuple[np.ndarray, np.ndarray]:
    """Return ``(numerator, denominator)`` sums per hierarchy node for one indicator.

    Item ``i`` lies at ``node[i]`` (a village, or the deepest unit holding a point) and
    counts ``numerator[i]`` out of ``denominator[i]`` (finite numbers: an item of unknown
    status contributes 0 / 0, not NaN). Each item is added to its node and to every
    ancestor; nodes without items get 0 / 0.
    """
    n = len(hierarchy.nodes)
    numerator_sum, denominator_sum = np.zeros(n), np.zeros(n)
    for d in range(hierarchy.ancestors.shape[1]):
        above = hierarchy.ancestors[node, d]
        ok = above >= 0
        numerator_sum += np.bincount(above[ok], np.asarray(numerator, float)[ok], minlength=n)
        denominator_sum += np.bincount(above[ok], np.asarray(denominator, float)[ok], minlength=n)
    return numerator_sum, denominator_sum


def aggregate_medians(
    node: np.ndarray, values: np.ndarray, hierarchy: Hierarchy
) -> tuple[np.ndarray, np.ndarray]:
    """Return ``(median, count)`` per node of raw ``values`` lying at ``node`` and below.

    Medians are recomputed from the raw values at every level (never a median of
    medians); NaN values are ignored. Nodes without values get NaN and 0.
    """
    ok = np.isfinite(values)
    by_value = np.argsort(values[ok], kind="stable")
    node, values = node[ok][by_value], values[ok][by_value]
    n = len(hierarchy.nodes)
    median = np.full(n, np.nan)
    count = np.zeros(n, dtype=np.int64)
    for d in range(hierarchy.ancestors.shape[1]):
        above = hierarchy.ancestors[node, d]
        keep = above >= 0
        order = _grouped(above[keep])  # values stay sorted within each group
        group, sorted_values = above[keep][order], values[keep][order]
        counts = np.bincount(group, minlength=n)
        present = np.flatnonzero(counts)
        start = np.concatenate([[0], np.cumsum(counts)])[present]
        c = counts[present]
        median[present] = (sorted_values[start + (c - 1) // 2] + sorted_values[start + c // 2]) / 2
        count[present] = c
    return median, count


def aggregate_items(
    node: np.ndarray, label: np.ndarray, rank: np.ndarray, hierarchy: Hierarchy, *, limit: int
) -> tuple[np.ndarray, list[tuple]]:
    """Return the nodes listing missing items and, for each, a tuple of at most ``limit`` labels.

    Item ``i`` (a village, place or site a planner should look at, named ``label[i]``)
    lies at ``node[i]``; every ancestor lists it too. Labels are ordered by ``rank``, largest
    first (e.g. uncovered households), ties in input order.
    """
    depths = hierarchy.ancestors.shape[1]
    by_rank = np.argsort(-np.asarray(rank, float), kind="stable")
    above = hierarchy.ancestors[np.asarray(node, np.int64)[by_rank]].T.ravel()  # depth-major
    keep = above >= 0
    labels = np.tile(np.asarray(label, dtype=object)[by_rank], depths)[keep]
    order = _grouped(above[keep])  # rank order survives within each node
    groups, start, count = np.unique(above[keep][order], return_index=True, return_counts=True)
    labels = labels[order]
    stop = start + np.minimum(count, limit)
    return groups, [tuple(labels[a:b]) for a, b in zip(start, stop, strict=True)]


def _grouped(group: np.ndarray) -> np.ndarray:
    """The stable argsort of non-negative integer ``group`` ids (items of one group keep their order),
    by one integer sort of ``group · n + position``: several times faster than a stable argsort."""
    n = len(group)
    return np.sort(np.asarray(group, np.int64) * n + np.arange(n)) % n if n else np.zeros(0, np.int64)
