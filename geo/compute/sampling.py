"""Sample points on a regular metric grid inside units, and which operators cover them.

A unit's share of area inside coverage is estimated on a grid of points spaced
``settings.coverage.grid_cell_m`` apart, coarser in large units so that no unit gets more
than about ``max_points`` samples (the cost stays bounded; the precision this trades is
measured in the tests and the benchmark notes). A unit too small or thin to hold a grid
point is sampled at one point on its surface.

Coverage of grid samples is computed row by row rather than point by point: for each
(unit, served shape) pair found by one STRtree query, each grid row crossing the shape
gets the interval of columns it covers (a disc, or a disc cut by the two half-planes of a
wedge), marked with a difference array and a cumulative sum per operator. Pairs whose
shape holds the unit's whole bounding box only set a per-unit flag. Work is therefore
proportional to pairs × rows, not pairs × points.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely

from geo.compute.coverage import Discs, coverage_bits

__all__ = ["MAX_SAMPLES", "SampleGrid", "sample_grid", "grid_coverage_bits"]

#: Default upper bound on grid samples per unit.
MAX_SAMPLES = 64
#: Pairs × rows handled at once by :func:`_mark_rows` (and bounding-box cells by :func:`sample_grid`):
#: its dozen per-item arrays then stay near 100 MB, whatever the size of the dataset.
_TRIPLE_CHUNK = 1_000_000
_CELL_CHUNK = _TRIPLE_CHUNK
_EPS = 1e-12


@dataclass(frozen=True)
class SampleGrid:
    """Grid samples of a set of polygons (metres in a metric CRS).

    Per unit: ``x0``/``y0`` (first grid point), ``step`` (m), ``ncol``/``nrow`` and
    ``base`` (offset of its first cell in the flat cell numbering). ``cell`` lists the flat
    numbers of cells inside their unit and ``cell_unit`` the unit of each. Units holding no
    grid point are sampled at ``extra_x``/``extra_y`` (unit ``extra_unit``). Samples are
    numbered grid cells first, then extra points (see :meth:`sample_unit`).
    """

    x0: np.ndarray
    y0: np.ndarray
    step: np.ndarray
    ncol: np.ndarray
    nrow: np.ndarray
    base: np.ndarray
    bounds: np.ndarray
    cell: np.ndarray
    cell_unit: np.ndarray
    extra_x: np.ndarray
    extra_y: np.ndarray
    extra_unit: np.ndarray

    @property
    def n_cells(self) -> int:
        """Number of grid cells of all units' bounding boxes (inside or not)."""
        return int(self.base[-1] + self.ncol[-1] * self.nrow[-1]) if len(self.ncol) else 0

    def sample_unit(self) -> np.ndarray:
        """Return the unit of every sample (grid cells first, then extra points)."""
        return np.concatenate([self.cell_unit, self.extra_unit])

    def sample_xy(self) -> tuple[np.ndarray, np.ndarray]:
        """Return metric x/y of every sample, in sample order."""
        unit = self.cell_unit
        k = self.cell - self.base[unit]
        x = self.x0[unit] + (k % self.ncol[unit]) * self.step[unit]
        y = self.y0[unit] + (k // self.ncol[unit]) * self.step[unit]
        return np.concatenate([x, self.extra_x]), np.concatenate([y, self.extra_y])


def sample_grid(polygons: np.ndarray, *, cell_m: float, max_points: int = MAX_SAMPLES) -> SampleGrid:
    """Return grid samples inside each polygon (metric CRS, metres).

    The spacing of a unit is the largest of ``cell_m``, √(area / ``max_points``) and
    √(bounding-box area / (4 · ``max_points``)); points sit at the centres of the cells of a
    grid laid over the bounding box (so never on its edges).
    Points on a boundary count as inside. Empty or missing polygons get no sample.
    """
    polygons = np.asarray(polygons, dtype=object)
    bounds = shapely.bounds(polygons)
    valid = np.isfinite(bounds).all(axis=1) & ~shapely.is_empty(polygons)
    bounds = np.where(valid[:, None], bounds, 0.0)
    width, height = bounds[:, 2] - bounds[:, 0], bounds[:, 3] - bounds[:, 1]
    area = np.where(valid, shapely.area(polygons), 0.0)
    step = np.maximum.reduce(
        [
            np.full(len(polygons), float(cell_m)),
            np.sqrt(area / max_points),
            np.sqrt(width * height / (4 * max_points)),
        ]
    )
    ncol = np.where(valid, np.maximum(np.ceil(width / step - 1e-6), 1), 0).astype(np.int64)
    nrow = np.where(valid, np.maximum(np.ceil(height / step - 1e-6), 1), 0).astype(np.int64)
    x0 = bounds[:, 0] + (width - (ncol - 1) * step) / 2
    y0 = bounds[:, 1] + (height - (nrow - 1) * step) / 2
    counts = ncol * nrow
    base = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
    shapely.prepare(polygons)
    cells, cell_units = [], []
    # units in blocks of about _CELL_CHUNK bounding-box cells: the per-cell arrays stay that small
    block_of = np.cumsum(counts) // _CELL_CHUNK
    for block in np.unique(block_of):
        units = np.flatnonzero(block_of == block)
        owner, k = _expand(counts[units])
        unit = units[owner]
        x = x0[unit] + (k % ncol[unit]) * step[unit]
        y = y0[unit] + (k // ncol[unit]) * step[unit]
        inside = shapely.intersects_xy(polygons[unit], x, y)
        cells.append(base[unit[inside]] + k[inside])
        cell_units.append(unit[inside])
    cell = np.concatenate(cells) if cells else np.zeros(0, dtype=np.int64)
    cell_unit = np.concatenate(cell_units) if cell_units else np.zeros(0, dtype=np.int64)
    lonely = np.flatnonzero(valid & (np.bincount(cell_unit, minlength=len(polygons)) == 0))
    surface = shapely.point_on_surface(polygons[lonely])
    return SampleGrid(
        x0,
        y0,
        step,
        ncol,
        nrow,
        base,
        bounds,
        cell,
        cell_unit,
        shapely.get_x(surface),
        shapely.get_y(surface),
        lonely,
    )


def _expand(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return (owner, rank) for ``counts[i]`` consecutive items owned by each ``i``."""
    owner = np.repeat(np.arange(len(counts)), counts)
    starts = np.cumsum(counts) - counts
    return owner, np.arange(len(owner)) - starts[owner]


def grid_coverage_bits(grid: SampleGrid, d: Discs) -> np.ndarray:
    """Return a uint8 operator bit mask per sample of ``grid`` (see :class:`SampleGrid`).

    ``d`` holds the served discs and wedges (same metric CRS as the grid). Extra points are
    tested with :func:`geo.compute.coverage.coverage_bits`.
    """
    n_units = len(grid.base)
    full = np.zeros(n_units, dtype=np.uint8)
    cell_bits = np.zeros(len(grid.cell), dtype=np.uint8)
    if len(d.x) and n_units:
        unit, k = _pairs(grid, d)
        whole = ~d.sector[k] & _holds_box(grid.bounds[unit], d, k)
        np.bitwise_or.at(full, unit[whole], d.bits[k[whole]])
        partial = ~whole & ((d.bits[k] & ~full[unit]) != 0)
        cell_bits = _mark_rows(grid, d, unit[partial], k[partial])
    cell_bits |= full[grid.cell_unit]
    return np.concatenate([cell_bits, coverage_bits(grid.extra_x, grid.extra_y, d)])


def _pairs(grid: SampleGrid, d: Discs) -> tuple[np.ndarray, np.ndarray]:
    """(unit, entry) pairs whose bounding boxes meet: one STRtree query."""
    tree = shapely.STRtree(shapely.box(d.x - d.r, d.y - d.r, d.x + d.r, d.y + d.r))
    has_cells = grid.ncol * grid.nrow > 0
    units = np.flatnonzero(has_cells)
    b = grid.bounds[units]
    local, k = tree.query(shapely.box(b[:, 0], b[:, 1], b[:, 2], b[:, 3]))
    return units[local], k


def _holds_box(bounds: np.ndarray, d: Discs, k: np.ndarray) -> np.ndarray:
    """True where entry ``k``'s disc holds the whole box (its farthest corner is within the radius)."""
    far_x = np.maximum(np.abs(d.x[k] - bounds[:, 0]), np.abs(d.x[k] - bounds[:, 2]))
    far_y = np.maximum(np.abs(d.y[k] - bounds[:, 1]), np.abs(d.y[k] - bounds[:, 3]))
    return far_x**2 + far_y**2 <= d.r[k] ** 2


def _mark_rows(grid: SampleGrid, d: Discs, unit: np.ndarray, k: np.ndarray) -> np.ndarray:
    """Operator bits per inside cell from (unit, entry) pairs, marking covered column intervals per row."""
    step = grid.step[unit]
    row_lo = np.maximum(np.ceil((d.y[k] - d.r[k] - grid.y0[unit]) / step), 0)
    row_hi = np.minimum(np.floor((d.y[k] + d.r[k] - grid.y0[unit]) / step), grid.nrow[unit] - 1)
    rows = np.maximum(row_hi - row_lo + 1, 0).astype(np.int64)
    # per pair, once: offsets of the first row from the site, site x from the grid origin, first cell
    pair = {
        "step": step,
        "ncol": grid.ncol[unit],
        "dy0": grid.y0[unit] + row_lo * step - d.y[k],
        "sx": d.x[k] - grid.x0[unit],
        "r2": d.r[k] ** 2,
        "cell0": grid.base[unit] + row_lo.astype(np.int64) * grid.ncol[unit],
        "bits": d.bits[k],
        "entry": k,
    }
    operators = [o for o in range(8) if np.bitwise_or.reduce(d.bits, initial=0) >> o & 1]
    diff = {o: np.zeros(grid.n_cells + 1, dtype=np.int32) for o in operators}
    chunk_of = np.cumsum(rows) // _TRIPLE_CHUNK
    for chunk in np.unique(chunk_of):
        sel = np.flatnonzero(chunk_of == chunk)
        owner, offset = _expand(rows[sel])
        p = sel[owner]
        step_p = pair["step"][p]
        dy = pair["dy0"][p] + offset * step_p
        lo, hi = _row_interval(dy, pair["r2"][p], d, pair["entry"][p])
        sx, ncol = pair["sx"][p], pair["ncol"][p]
        col_lo = np.maximum(np.ceil((sx + lo) / step_p), 0).astype(np.int64)
        col_hi = np.minimum(np.floor((sx + hi) / step_p), ncol - 1).astype(np.int64)
        ok = col_lo <= col_hi
        first = (pair["cell0"][p] + offset * ncol)[ok]
        start, stop, bits = first + col_lo[ok], first + col_hi[ok] + 1, pair["bits"][p][ok]
        for o in operators:
            has = (bits >> o & 1).astype(bool)
            diff[o] += np.bincount(start[has], minlength=grid.n_cells + 1).astype(np.int32)
            diff[o] -= np.bincount(stop[has], minlength=grid.n_cells + 1).astype(np.int32)
    out = np.zeros(len(grid.cell), dtype=np.uint8)
    for o in operators:
        out |= (np.cumsum(diff[o], dtype=np.int32)[grid.cell] > 0).astype(np.uint8) << o
    return out


def _row_interval(dy: np.ndarray, r2: np.ndarray, d: Discs, e: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The x-offset interval [lo, hi] of entry ``e``'s shape (squared radius ``r2``) on a row ``dy``
    above its site; lo > hi when the row misses it."""
    reach = r2 - dy * dy
    half = np.where(reach >= 0, np.sqrt(np.abs(reach)), -np.inf)
    lo, hi = -half, half
    wedge = np.flatnonzero(np.isfinite(d.e1x[e]))
    if not len(wedge):
        return lo, hi
    w, dyw = e[wedge], dy[wedge]
    lo_w, hi_w = lo[wedge], hi[wedge]
    # a wedge is cross(e2, p) >= 0 and cross(p, e1) >= 0: on the row, each is a half-line a·dx <= c
    for a, c in ((d.e2y[w], d.e2x[w] * dyw), (-d.e1y[w], -d.e1x[w] * dyw)):
        safe = np.where(np.abs(a) > _EPS, a, 1.0)
        hi_w = np.where(a > _EPS, np.minimum(hi_w, c / safe), hi_w)
        lo_w = np.where(a < -_EPS, np.maximum(lo_w, c / safe), lo_w)
        hi_w = np.where((np.abs(a) <= _EPS) & (c < -_EPS), -np.inf, hi_w)
    lo[wedge], hi[wedge] = lo_w, hi_w
    return lo, hi
