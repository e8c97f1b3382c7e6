"""Suggested sites: the fewest sites that cover every uncovered village (location set covering), or the
N sites covering the most uncovered households (maximal covering), chosen among candidates.

Candidates, in the order a planner prefers: ``towers`` (an existing site without ``technology``, to
which an operator is added: far cheaper than a new site, and it raises the sharing indicator),
``public_places`` (public land) and ``grid`` (points every half a mountainous radius over the uncovered
villages). Each candidate's served radius comes from the coverage model itself
(:func:`geo.compute.coverage.prepare_sites` on the candidates as sites), so a suggestion is judged by the
same rule as the existing sites. A candidate *reaches* a village when the distance (m, metric CRS) from
the candidate to the village's point on surface is at most the radius less half the village's
equivalent-circle radius (an approximation of "≥ ``village_covered_share`` of the village inside";
the evaluation of the saved scenario is the judge).

The coverage matrix (villages × candidates) is sparse (:mod:`scipy.sparse`) and holds only candidates
that reach an uncovered village. :func:`suggest_sites` answers with a greedy pass; with ``exact=True``
it also solves the integer program with :func:`scipy.optimize.milp` (HiGHS) and reports the greedy
answer's gap. Costs: a tower 1, public land 1 + ε, a grid point 1 + 2ε (ε = 10⁻³): fewest sites
first, towers on ties. Villages no candidate reaches are listed in ``uncoverable``, never dropped.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

from geo.compute.coverage import operator_bits, prepare_sites, to_metric
from geo.compute.hierarchy import point_xy
from geo.compute.proximity import site_clusters
from geo.compute.sampling import sample_grid
from geo.plans.assessment import Assessment
from geo.scenarios.model import COLUMNS, Scenario
from geo.settings import OPERATORS, STORAGE_CRS

__all__ = [
    "GOALS",
    "CANDIDATE_KINDS",
    "Suggestion",
    "candidate_sites",
    "suggest_sites",
    "suggestion_scenario",
]

GOALS = ("cover-villages", "cover-households")
#: At most this many demand points inside one weak-signal zone that must be covered.
ZONE_POINTS = 25
CANDIDATE_KINDS = ("towers", "public_places", "grid")
_EPSILON = 1e-3
_COST = {"towers": 1.0, "public_places": 1.0 + _EPSILON, "grid": 1.0 + 2 * _EPSILON}
_KIND_WORDS = {
    "towers": ("dùng chung trạm có sẵn", "share an existing tower"),
    "public_places": ("đất công", "public land"),
    "grid": ("điểm lưới", "grid point"),
}


@dataclass
class Suggestion:
    """The answer of :func:`suggest_sites`.

    ``sites``: one row per suggested site (EPSG:4326 points): ``change`` (``share`` or ``new_site``),
    ``kind``, ``site_id``, ``operators``, ``technologies``, ``radius_m``, ``villages`` (names newly
    covered), ``village_uids`` (their uids, ';'-joined), ``n_villages``, ``households``, ``why``
    (Vietnamese / English). ``uncoverable``: uid, name and households of villages no candidate reaches.
    ``greedy`` / ``exact``: objective values (sites for cover-villages, households for
    cover-households); ``gap`` = relative gap of greedy to exact.
    ``left``: villages a candidate reaches that the answer leaves uncovered (the ``max_sites`` bound, or
    the ``min_spacing_m`` between suggestions). Both list verified weak-signal zones too (``kind``
    "zone"; a zone part of which is not covered), ``sites["zones"]`` names those a site covers.
    """

    goal: str
    sites: gpd.GeoDataFrame
    uncoverable: pd.DataFrame
    greedy: float
    exact: float | None = None
    gap: float | None = None
    n_candidates: int = 0
    left: pd.DataFrame | None = None
    seconds_greedy: float = 0.0
    seconds_exact: float | None = None


def _demand(assessment: Assessment, zones: gpd.GeoDataFrame | None = None) -> pd.DataFrame:
    """Uncovered villages, then the grid points of the ``zones`` that must be covered (:func:`_zone_points`):
    uid, name, households, metric x/y, reach slack (m), ``zone`` (the zone's id, "" for a village)."""
    coverage = assessment.village_coverage
    base = assessment.hierarchy.base_layer
    units = assessment.dataset.layers[base]
    geo = units.set_index("uid").geometry.reindex(coverage["uid"]).to_numpy()
    keep = ~coverage["covered"].to_numpy(bool) & ~shapely.is_missing(geo)
    rows = coverage[keep]
    crs = assessment.settings.metric_crs
    metric = gpd.GeoSeries(geo[keep], crs=STORAGE_CRS).to_crs(crs)
    point = shapely.point_on_surface(metric.to_numpy())
    villages = pd.DataFrame(
        {
            "uid": rows["uid"].to_numpy(),
            "name": rows["name"].to_numpy(),
            "households": pd.to_numeric(rows.get("households"), errors="coerce").to_numpy(float),
            "x": shapely.get_x(point),
            "y": shapely.get_y(point),
            "slack": 0.5 * np.sqrt(metric.area.to_numpy() / np.pi),
            "zone": "",
        }
    )
    if zones is None or not len(zones):
        return villages
    return pd.concat([villages, _zone_points(zones, assessment)], ignore_index=True)


def _zone_points(zones: gpd.GeoDataFrame, assessment: Assessment) -> pd.DataFrame:
    """Points every grid cell (:mod:`geo.compute.sampling`, at most :data:`ZONE_POINTS` per zone) inside
    each zone, the point itself for a point zone, as demand rows: the zone's name, its households shared
    out among its points, no slack."""
    crs = assessment.settings.metric_crs
    metric = zones.to_crs(crs).geometry.to_numpy()
    grid = sample_grid(metric, cell_m=assessment.settings.coverage.grid_cell_m, max_points=ZONE_POINTS)
    x, y = grid.sample_xy()
    zone = grid.sample_unit()
    ids = zones["zone_id"].astype(str).to_numpy() if "zone_id" in zones else np.arange(len(zones)).astype(str)
    names = zones["name"].astype(str).to_numpy() if "name" in zones else ids
    households = np.full(len(zones), np.nan)
    if "households" in zones:
        households = pd.to_numeric(zones["households"], errors="coerce").to_numpy(float)
    per_point = households[zone] / np.bincount(zone, minlength=len(zones))[zone]
    return pd.DataFrame(
        {
            "uid": [f"{ids[z]}#{k}" for k, z in enumerate(zone)],
            "name": names[zone],
            "households": per_point,
            "x": x,
            "y": y,
            "slack": 0.0,
            "zone": ids[zone],
        }
    )


def candidate_sites(
    assessment: Assessment,
    demand: pd.DataFrame,
    *,
    technology: str = "4G",
    kinds: tuple[str, ...] = CANDIDATE_KINDS,
    operator: str | None = None,
    min_spacing_m: float = 0.0,
    exclude: gpd.GeoDataFrame | None = None,
) -> gpd.GeoDataFrame:
    """Candidate sites (EPSG:4326 points): ``kind``, ``site_id`` (towers), ``operators`` (the operator to
    add or to build), ``technologies``, ``height_m``, ``cost``. New-site candidates closer than
    ``min_spacing_m`` (m) to an existing site, and any candidate inside ``exclude`` polygons, are left out.
    """
    dataset, crs = assessment.dataset, assessment.settings.metric_crs
    sites = dataset.layer("bts_sites")
    builder = operator or _busiest_operator(sites)
    parts = []
    if "towers" in kinds and sites is not None and len(sites):
        x, y = assessment.sites.x, assessment.sites.y
        labels = site_clusters(x, y, merge_distance_m=assessment.settings.indicators.site_merge_distance_m)
        bits = np.zeros(len(labels), np.uint8)
        np.bitwise_or.at(bits, labels, assessment.sites.bits)
        has_tech = np.zeros(len(labels), bool)
        np.logical_or.at(has_tech, labels, np.isfinite(assessment.sites.radius[technology]))
        first = np.flatnonzero((labels == np.arange(len(labels))) & np.isfinite(x) & ~has_tech)
        added = [_missing_operator(b, operator) for b in bits[first]]
        parts.append(
            gpd.GeoDataFrame(
                {
                    "kind": "towers",
                    "site_id": sites["site_id"].astype("string").to_numpy()[first]
                    if "site_id" in sites
                    else "",
                    "operators": added,
                    "height_m": pd.to_numeric(sites.get("height_m"), errors="coerce").to_numpy(float)[first]
                    if "height_m" in sites
                    else np.nan,
                },
                geometry=sites.geometry.to_numpy()[first],
                crs=STORAGE_CRS,
            )
        )
    new = []
    places = dataset.layer("public_places")
    if "public_places" in kinds and places is not None and len(places):
        new.append(
            gpd.GeoDataFrame(geometry=places.geometry.to_numpy(), crs=STORAGE_CRS).assign(
                kind="public_places"
            )
        )
    if "grid" in kinds and len(demand):
        new.append(_grid(demand, assessment, technology))
    if new:
        fresh = gpd.GeoDataFrame(pd.concat(new, ignore_index=True), crs=STORAGE_CRS)
        fresh["operators"], fresh["site_id"], fresh["height_m"] = builder, "", np.nan
        if min_spacing_m > 0 and sites is not None and len(sites):
            fx, fy = to_metric(*point_xy(fresh.geometry), crs)
            near = shapely.STRtree(shapely.points(assessment.sites.x, assessment.sites.y)).query(
                shapely.points(fx, fy), predicate="dwithin", distance=min_spacing_m
            )[0]
            fresh = fresh.drop(index=fresh.index[np.unique(near)])
        parts.append(fresh)
    if not parts:
        return gpd.GeoDataFrame({"kind": [], "operators": [], "site_id": []}, geometry=[], crs=STORAGE_CRS)
    out = gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), crs=STORAGE_CRS)
    out = out[~(out.geometry.isna() | out.geometry.is_empty).to_numpy()]
    if exclude is not None and len(exclude):
        inside = shapely.STRtree(exclude.to_crs(STORAGE_CRS).geometry.to_numpy()).query(
            out.geometry.to_numpy(), predicate="intersects"
        )[0]
        out = out.drop(index=out.index[np.unique(inside)])
    out["technologies"] = technology
    out["cost"] = out["kind"].map(_COST).to_numpy(float)
    return out.reset_index(drop=True)


def _busiest_operator(sites: gpd.GeoDataFrame | None) -> str:
    if sites is None or not len(sites):
        return OPERATORS[0]
    bits = operator_bits(sites["operators"])
    counts = [int(((bits >> i) & 1).sum()) for i in range(len(OPERATORS) - 1)]
    return OPERATORS[int(np.argmax(counts))]


def _missing_operator(bits: int, wanted: str | None) -> str:
    if wanted is not None:
        return wanted
    free = [name for i, name in enumerate(OPERATORS[:-1]) if not (int(bits) >> i) & 1]
    return free[0] if free else OPERATORS[0]


def _grid(demand: pd.DataFrame, assessment: Assessment, technology: str) -> gpd.GeoDataFrame:
    """Grid points every half a mountainous radius over the uncovered villages, kept within reach of one."""
    radius = assessment.settings.coverage.radius_m.get(technology, {}).get("mountainous", 3000.0)
    step = max(radius / 2.0, 100.0)
    xs = np.arange(demand["x"].min() - radius, demand["x"].max() + radius + step, step)
    ys = np.arange(demand["y"].min() - radius, demand["y"].max() + radius + step, step)
    gx, gy = (a.ravel() for a in np.meshgrid(xs, ys))
    near = shapely.STRtree(shapely.points(demand["x"], demand["y"])).query(
        shapely.points(gx, gy), predicate="dwithin", distance=radius
    )[0]
    keep = np.unique(near)
    points = gpd.GeoSeries(shapely.points(gx[keep], gy[keep]), crs=assessment.settings.metric_crs)
    return gpd.GeoDataFrame(geometry=points.to_crs(STORAGE_CRS).to_numpy(), crs=STORAGE_CRS).assign(
        kind="grid"
    )


def _matrix(assessment: Assessment, demand: pd.DataFrame, candidates: gpd.GeoDataFrame, technology: str):
    """Sparse reach matrix (villages × candidates, CSC) and each candidate's radius (m)."""
    as_sites = dataclasses.replace(
        assessment.dataset, layers={**assessment.dataset.layers, "bts_sites": candidates}
    )
    model = prepare_sites(as_sites, assessment.hierarchy)
    radius = model.radius[technology]
    ok = np.isfinite(radius) & (radius > 0)
    cx, cy, r = model.x[ok], model.y[ok], radius[ok]
    column = np.flatnonzero(ok)
    if not len(cx) or not len(demand):
        return sparse.csc_matrix((len(demand), len(candidates)), dtype=np.int8), radius
    tree = shapely.STRtree(shapely.box(cx - r, cy - r, cx + r, cy + r))
    village, cand = tree.query(shapely.points(demand["x"], demand["y"]))
    dx, dy = demand["x"].to_numpy()[village] - cx[cand], demand["y"].to_numpy()[village] - cy[cand]
    reach = np.hypot(dx, dy) <= r[cand] - demand["slack"].to_numpy()[village]
    data = np.ones(int(reach.sum()), np.int8)
    shape = (len(demand), len(candidates))
    return sparse.csc_matrix((data, (village[reach], column[cand[reach]])), shape=shape), radius


def _conflicts(candidates: gpd.GeoDataFrame, a: sparse.csc_matrix, crs: str, min_spacing_m: float):
    """Pairs of new-site candidates (in reach of some village) closer than ``min_spacing_m`` (m), as a
    sparse matrix with one row per pair and a 1 in each of its two columns (an STRtree ``dwithin``
    query, not a pairwise loop); None without a spacing. Towers are existing sites: the spacing of new
    sites from them is :func:`candidate_sites`' rule."""
    m = a.shape[1]
    if min_spacing_m <= 0 or not m:
        return None
    useful = np.flatnonzero((np.diff(a.indptr) > 0) & (candidates["kind"] != "towers").to_numpy())
    x, y = to_metric(*point_xy(candidates.geometry.iloc[useful]), crs)
    pts = shapely.points(x, y)
    i, j = shapely.STRtree(pts).query(pts, predicate="dwithin", distance=min_spacing_m)
    pair = (i < j) & (np.hypot(x[i] - x[j], y[i] - y[j]) < min_spacing_m)  # exactly M apart is allowed
    i, j = useful[i[pair]], useful[j[pair]]
    rows = np.repeat(np.arange(len(i)), 2)
    return sparse.csr_matrix(
        (np.ones(2 * len(i)), (rows, np.column_stack([i, j]).ravel())), shape=(len(i), m)
    )


def _greedy(
    a: sparse.csc_matrix, weight: np.ndarray, cost: np.ndarray, limit: int, conflicts=None
) -> list[int]:
    """Greedy covering: repeatedly the candidate with the most uncovered weight per cost, among those
    not in ``conflicts`` (:func:`_conflicts`) with one already chosen."""
    open_ = weight.astype(float).copy()
    at = a.T.tocsr().astype(float)
    near = None if conflicts is None else (conflicts.T @ conflicts).tocsr()  # candidate × candidate
    allowed = np.ones(a.shape[1], bool)
    chosen: list[int] = []
    while len(chosen) < limit:
        gain = np.where(allowed, at @ open_, 0.0)
        best = int(np.argmax(gain / cost))
        if gain[best] <= 0:
            break
        chosen.append(best)
        open_[a[:, best].indices] = 0.0
        if near is not None:
            allowed[near[best].indices] = False
    return chosen


def _exact(
    a: sparse.csc_matrix, weight: np.ndarray, cost: np.ndarray, goal: str, limit: int, conflicts=None
) -> list[int]:
    """The integer program (HiGHS via :func:`scipy.optimize.milp`): set covering or maximal covering,
    with ``x_i + x_j ≤ 1`` for each pair of ``conflicts`` (:func:`_conflicts`). With conflicts, set
    covering may not reach every village: a village left costs more than all sites together (slack)."""
    n, m = a.shape
    pairs = [] if conflicts is None or not conflicts.shape[0] else [conflicts]
    if goal == "cover-villages":
        rows = np.flatnonzero(np.asarray(a.sum(axis=1)).ravel() > 0)
        slack = len(rows) if pairs else 0
        cover = sparse.hstack([a[rows], sparse.identity(len(rows))]).tocsr() if slack else a[rows]
        constraints = [LinearConstraint(cover, lb=1, ub=np.inf)]
        extra = sparse.csr_matrix((1, slack))
        if limit < m:
            constraints.append(LinearConstraint(sparse.hstack([np.ones((1, m)), extra]), lb=0, ub=limit))
        constraints += [
            LinearConstraint(sparse.hstack([p, sparse.csr_matrix((p.shape[0], slack))]), lb=0, ub=1)
            for p in pairs
        ]
        c = np.concatenate([cost, np.full(slack, cost.sum() + 1.0)])
        integrality = np.concatenate([np.ones(m), np.zeros(slack)])
        result = milp(c, constraints=constraints, integrality=integrality, bounds=Bounds(0, 1))
        x = result.x[:m] if result.x is not None else np.zeros(m)
    else:
        c = np.concatenate([_EPSILON * cost, -weight])
        link = sparse.hstack([-a, sparse.identity(n)]).tocsr()
        budget = sparse.hstack([sparse.csr_matrix(np.ones((1, m))), sparse.csr_matrix((1, n))])
        constraints = [LinearConstraint(link, lb=-np.inf, ub=0), LinearConstraint(budget, lb=0, ub=limit)]
        constraints += [
            LinearConstraint(sparse.hstack([p, sparse.csr_matrix((p.shape[0], n))]), lb=0, ub=1)
            for p in pairs
        ]
        integrality = np.concatenate([np.ones(m), np.zeros(n)])
        result = milp(c, constraints=constraints, integrality=integrality, bounds=Bounds(0, 1))
        x = result.x[:m] if result.x is not None else np.zeros(m)
    return [int(j) for j in np.flatnonzero(x > 0.5)]


def _objective(a: sparse.csc_matrix, weight: np.ndarray, chosen: list[int], goal: str) -> float:
    if goal == "cover-villages":
        return float(len(chosen))
    hit = np.asarray(a[:, chosen].sum(axis=1)).ravel() > 0 if chosen else np.zeros(a.shape[0], bool)
    return float(weight[hit].sum())


def suggest_sites(
    source,
    *,
    goal: str = "cover-villages",
    technology: str = "4G",
    max_sites: int | None = None,
    kinds: tuple[str, ...] = CANDIDATE_KINDS,
    operator: str | None = None,
    min_spacing_m: float = 0.0,
    exclude: gpd.GeoDataFrame | None = None,
    zones: gpd.GeoDataFrame | None = None,
    exact: bool = False,
) -> Suggestion:
    """Suggest sites for ``goal`` (:data:`GOALS`) among ``kinds`` of candidates (see the module docstring).

    ``source`` is a :class:`geo.model.Dataset` or an :class:`Assessment` of one. ``max_sites`` bounds
    the number of sites (required for ``cover-households``). ``min_spacing_m`` (m) keeps new sites that
    far from existing sites and from each other (in the greedy pass and in the integer program).
    ``zones`` (EPSG:4326 polygons or points, ``zone_id``, ``name``, optional ``households``): verified
    weak-signal zones, demand that must be covered like an uncovered village (their grid points). With
    ``exact`` the answer is the integer program's, and ``greedy``/``exact``/``gap`` say how far the
    greedy pass was.
    """
    if goal not in GOALS:
        raise ValueError(f"goal must be one of {GOALS}")
    assessment = Assessment.of(source)
    demand = _demand(assessment, zones)
    candidates = candidate_sites(
        assessment,
        demand,
        technology=technology,
        kinds=kinds,
        operator=operator,
        min_spacing_m=min_spacing_m,
        exclude=exclude,
    )
    started = time.perf_counter()
    a, radius = _matrix(assessment, demand, candidates, technology)
    households = np.nan_to_num(demand["households"].to_numpy(float))
    weight = np.ones(len(demand)) if goal == "cover-villages" else households
    limit = max_sites if max_sites is not None else a.shape[1]
    cost = candidates["cost"].to_numpy(float) if len(candidates) else np.zeros(0)
    conflicts = _conflicts(candidates, a, assessment.settings.metric_crs, min_spacing_m)
    chosen = _greedy(a, weight, cost, limit, conflicts)
    answer = Suggestion(goal, None, None, _objective(a, weight, chosen, goal), n_candidates=a.shape[1])
    answer.seconds_greedy = time.perf_counter() - started
    if exact and a.nnz:
        started = time.perf_counter()
        best = _exact(a, weight, cost, goal, limit, conflicts)
        answer.seconds_exact = time.perf_counter() - started
        answer.exact = _objective(a, weight, best, goal)
        worse = answer.greedy - answer.exact if goal == "cover-villages" else answer.exact - answer.greedy
        answer.gap = worse / answer.exact if answer.exact else 0.0
        # order the exact picks as greedy would (largest gain first), for the "newly covered" lists
        chosen = [best[k] for k in _greedy(a[:, best], weight, cost[best], len(best))]
    answer.sites = _describe(a, demand, candidates, radius, chosen)
    reached = np.asarray(a.sum(axis=1)).ravel() > 0
    answer.uncoverable = _by_place(demand, ~reached)
    hit = np.asarray(a[:, chosen].sum(axis=1)).ravel() > 0 if chosen else np.zeros(len(demand), bool)
    answer.left = _by_place(demand, reached & ~hit)
    return answer


def _by_place(demand: pd.DataFrame, mask: np.ndarray) -> pd.DataFrame:
    """The villages and the zones (once each, with their whole households) among the demand rows ``mask``:
    uid, name, households, ``kind`` ("village" or "zone")."""
    rows = demand[mask]
    village = rows[rows["zone"] == ""].assign(kind="village")
    zoned = rows.loc[rows["zone"] != "", "zone"].unique()
    if not len(zoned):
        return village[["uid", "name", "households", "kind"]].reset_index(drop=True)
    whole = demand[demand["zone"].isin(zoned)].groupby("zone", sort=False)
    places = pd.DataFrame(
        {
            "uid": list(whole.groups),
            "name": whole["name"].first().to_numpy(),
            "households": whole["households"].sum(min_count=1).to_numpy(float),
            "kind": "zone",
        }
    )
    return pd.concat([village[["uid", "name", "households", "kind"]], places], ignore_index=True)


def _describe(
    a, demand: pd.DataFrame, candidates: gpd.GeoDataFrame, radius, chosen: list[int]
) -> gpd.GeoDataFrame:
    """One row per chosen candidate: what it newly covers (in pick order) and why."""
    taken = np.zeros(a.shape[0], bool)
    zone_of = demand["zone"].to_numpy(object)
    names_of, hh_of = demand["name"].to_numpy(), np.nan_to_num(demand["households"].to_numpy(float))
    villages, uids, zones, counts, households, why = [], [], [], [], [], []
    for j in chosen:  # one step per suggested site (tens), not per village
        rows = a[:, j].indices
        new = rows[~taken[rows]]
        taken[new] = True
        village = new[zone_of[new] == ""]
        zoned = list(dict.fromkeys(names_of[new[zone_of[new] != ""]]))
        hh = float(hh_of[new].sum())
        kind = candidates["kind"].iat[j]
        vi, en = _KIND_WORDS[kind]
        op = candidates["operators"].iat[j]
        villages.append("; ".join(map(str, names_of[village])))
        uids.append(";".join(map(str, demand["uid"].to_numpy()[village])))
        zones.append("; ".join(map(str, zoned)))
        counts.append(len(village))
        households.append(hh)
        text_vi = f"{vi} ({op}): phủ thêm {len(village)} thôn, {hh:.0f} hộ"
        text_en = f"{en} ({op}): newly covers {len(village)} villages, {hh:.0f} households"
        if zoned:
            text_vi += f"; vùng lõm sóng đã xác minh: {zones[-1]}"
            text_en += f"; verified weak-signal zones: {zones[-1]}"
        why.append(f"{text_vi} / {text_en}")
    picked = candidates.iloc[chosen]
    share = (picked["kind"] == "towers").to_numpy()
    numbered = [f"DX-{k:03d}" for k in np.cumsum(~share)]  # new sites numbered on their own
    return gpd.GeoDataFrame(
        {
            "change": np.where(share, "share", "new_site"),
            "kind": picked["kind"].to_numpy(),
            "site_id": np.where(share, picked["site_id"].astype("string").fillna("").to_numpy(), numbered),
            "operators": picked["operators"].to_numpy(),
            "technologies": picked["technologies"].to_numpy(),
            "height_m": picked["height_m"].to_numpy(float),
            "radius_m": np.asarray(radius)[chosen] if len(chosen) else np.zeros(0),
            "villages": villages,
            "village_uids": uids,
            "zones": zones,
            "n_villages": counts,
            "households": households,
            "why": why,
        },
        geometry=picked.geometry.to_numpy(),
        crs=STORAGE_CRS,
    )


def suggestion_scenario(suggestion: Suggestion, *, name: str = "de_xuat") -> Scenario:
    """The suggested sites as a :class:`Scenario` (``share`` rows for towers, ``new_site`` otherwise)."""
    sites = suggestion.sites.copy()
    for column in COLUMNS:
        if column not in sites:
            sites[column] = None
    sites["source_row"] = np.arange(len(sites)) + 2
    changes = gpd.GeoDataFrame(sites[[*COLUMNS, "source_row", "geometry"]], crs=STORAGE_CRS)
    return Scenario(name=name, changes=changes, source=f"{name}.geojson")
