"""What the dataset says about weak-signal zones: evidence for one zone, and zones the tool suggests.

:func:`zone_evidence` gathers, for a zone a planner drew, the speed tests inside it, the households it
affects and the modelled 4G/5G coverage per operator (:mod:`geo.compute.coverage`), and proposes "verified"
when they agree that service is missing. :func:`suggest_zones` finds populated places outside modelled
mobile broadband (settlement points, or the village area where a village has none) and squares of
speed tests far below the plan's target; each suggestion has a stable id (a hash of its geometry) so
a dismissed one stays dismissed (:meth:`geo.zones.store.ZoneStore.dismiss`), and :func:`accept` turns
one into a zone with status "reported".
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.auth.roles import Action, Actor, as_actor, require
from geo.compute.coverage import BROADBAND, covered_by, site_shapes, to_metric
from geo.compute.sampling import sample_grid
from geo.model import Dataset
from geo.plans.assessment import Assessment
from geo.plans.targets import Plan, target_for
from geo.settings import STORAGE_CRS
from geo.zones.record import Zone, locate_units
from geo.zones.store import ZoneStore

__all__ = [
    "EVIDENCE_MIN_TESTS",
    "NO_COVERAGE_SHARE",
    "POINT_ZONE_RADIUS_M",
    "SETTLEMENT_BUFFER_M",
    "SPEED_CELL_M",
    "MIN_CELL_TESTS",
    "FAR_BELOW_SHARE",
    "SUGGESTION_COLUMNS",
    "ZoneEvidence",
    "zone_evidence",
    "suggestion_id",
    "suggest_zones",
    "accept",
]

log = logging.getLogger(__name__)

#: Speed tests needed inside a zone before their median can verify it.
EVIDENCE_MIN_TESTS = 5
#: An operator whose modelled broadband covers less than this share of a zone "has no 4G" there.
NO_COVERAGE_SHARE = 0.2
#: Point zones are judged over a disc of this radius (metres).
POINT_ZONE_RADIUS_M = 300.0
#: Uncovered settlement points closer than twice this (metres) merge into one suggested area.
SETTLEMENT_BUFFER_M = 250.0
#: Side of the squares speed tests are grouped in (metres), and tests needed per square.
SPEED_CELL_M = 500.0
MIN_CELL_TESTS = 3
#: A square is suggested when its median download is below this share of the plan's target.
FAR_BELOW_SHARE = 0.5
#: Grid points sampled per zone at most for the coverage share.
_MAX_SAMPLES = 2000
SUGGESTION_COLUMNS = [
    "suggestion_id",
    "kind",
    "name",
    "households",
    "n_tests",
    "median_mbps",
    "village_uid",
    "commune_uid",
    "reason_vi",
    "reason_en",
    "geometry",
]


@dataclass
class ZoneEvidence:
    """What the data says about one zone. ``coverage`` maps operator → share (0–1) of the zone inside its
    modelled 4G/5G (empty when the dataset has no BTS sites); speeds in Mbit/s, NaN without tests/target."""

    n_tests: int
    median_mbps: float
    target_mbps: float
    share_below_target: float
    households: float
    coverage: dict[str, float]
    proposed_status: str
    reasons_vi: list[str] = field(default_factory=list)
    reasons_en: list[str] = field(default_factory=list)


def _metric_area(geom: shapely.Geometry, crs: str) -> shapely.Geometry:
    """The zone in metres; a point zone becomes a disc of :data:`POINT_ZONE_RADIUS_M`."""
    metric = gpd.GeoSeries([geom], crs=STORAGE_CRS).to_crs(crs).iloc[0]
    return metric.buffer(POINT_ZONE_RADIUS_M) if metric.geom_type == "Point" else metric


def _layer_xy(gdf: gpd.GeoDataFrame, crs: str) -> np.ndarray:
    points = shapely.point_on_surface(np.asarray(gdf.geometry.array, dtype=object))
    x, y = to_metric(shapely.get_x(points), shapely.get_y(points), crs)
    return np.column_stack([x, y])


def _samples(area: shapely.Geometry, cell_m: float) -> np.ndarray:
    """Grid points (metres) of ``area`` by the one sampler (:func:`geo.compute.sampling.sample_grid`: at most
    about :data:`_MAX_SAMPLES`, boundary points inside; its inner point when no grid point falls inside)."""
    x, y = sample_grid(np.array([area], dtype=object), cell_m=cell_m, max_points=_MAX_SAMPLES).sample_xy()
    return np.column_stack([x, y])


def _households(area: shapely.Geometry, dataset: Dataset, crs: str) -> float:
    """Households of the settlement points inside (missing counts 0) when there are any, else the villages'
    households × the share of their area inside."""
    settlements = dataset.layer("settlements")
    if settlements is not None and "households" in settlements.columns and len(settlements):
        xy = _layer_xy(settlements, crs)
        inside = shapely.contains_xy(area, xy[:, 0], xy[:, 1])
        if inside.any():
            return float(
                pd.to_numeric(settlements["households"], errors="coerce").fillna(0).to_numpy()[inside].sum()
            )
    villages = dataset.layer("villages")
    if villages is None or "households" not in villages.columns or not len(villages):
        return float("nan")
    metric = np.asarray(villages.to_crs(crs).geometry.array, dtype=object)
    share = shapely.area(shapely.intersection(metric, area)) / shapely.area(metric)
    return float(np.nansum(pd.to_numeric(villages["households"], errors="coerce").to_numpy(float) * share))


def _target(plan: Plan | None, year: int | None, indicator: str) -> float:
    if plan is None:
        return float("nan")
    target = target_for(plan, indicator, year if year is not None else plan.period.end)
    return float(target.value) if target is not None else float("nan")


def zone_evidence(
    zone_geom: shapely.Geometry,
    dataset: Dataset | Assessment,
    *,
    plan: Plan | None = None,
    year: int | None = None,
    operators: str = "",
    network: str = "mobile",
) -> ZoneEvidence:
    """Return the evidence for one zone (EPSG:4326 polygon or point) from ``dataset``.

    Speed tests of ``network`` ("mobile" or "fixed") inside the zone: count, median download and the
    share below the plan's ``mobile_speed`` (or ``fixed_speed``) target in force in ``year`` (default:
    the plan's end year). Households: settlement points inside, or when there are none each village's
    households × the share of its area inside. Coverage: per operator, the share of grid points over the
    zone inside its modelled 4G/5G. ``proposed_status`` is "verified" when every operator named in
    ``operators`` (any operator when none is named) covers less than :data:`NO_COVERAGE_SHARE` of the zone,
    or when at least :data:`EVIDENCE_MIN_TESTS` tests have a median below the target; otherwise "reported".
    ``dataset`` may be the dataset's :class:`~geo.plans.assessment.Assessment` (its sites are then reused).
    """
    assessment = Assessment.of(dataset)
    dataset = assessment.dataset
    crs = dataset.settings.metric_crs
    area = _metric_area(zone_geom, crs)
    target = _target(plan, year, "fixed_speed" if network == "fixed" else "mobile_speed")
    speeds = np.zeros(0)
    tests = dataset.layer("speed_tests")
    if tests is not None and len(tests):
        xy = _layer_xy(tests, crs)
        mine = (
            shapely.contains_xy(area, xy[:, 0], xy[:, 1])
            & (tests["network"].astype(str) == network).to_numpy()
        )
        speeds = pd.to_numeric(tests["download_mbps"], errors="coerce").to_numpy(float)[mine]
        speeds = speeds[np.isfinite(speeds)]
    median = float(np.median(speeds)) if len(speeds) else float("nan")
    below = float(np.mean(speeds < target)) if len(speeds) and np.isfinite(target) else float("nan")
    coverage: dict[str, float] = {}
    sites = dataset.layer("bts_sites")
    if sites is not None and len(sites):
        covered = covered_by(
            _samples(area, dataset.settings.coverage.grid_cell_m), assessment.sites, BROADBAND
        )
        coverage = {str(c): float(covered[c].mean()) for c in covered.columns}
    named = [o for o in operators.split(";") if o] or ["any"]
    vi, en = [], []
    if coverage and all(coverage.get(o, 0.0) < NO_COVERAGE_SHARE for o in named):
        vi.append(
            f"Mô hình phủ sóng: {', '.join(named)} phủ 4G/5G dưới {NO_COVERAGE_SHARE:.0%} diện tích vùng."
        )
        en.append(
            f"Coverage model: {', '.join(named)} cover less than {NO_COVERAGE_SHARE:.0%} of the zone "
            "with 4G/5G."
        )
    if len(speeds) >= EVIDENCE_MIN_TESTS and median < target:
        vi.append(f"{len(speeds)} lần đo, trung vị {median:.1f} Mbit/s, dưới chỉ tiêu {target:g} Mbit/s.")
        en.append(f"{len(speeds)} tests, median {median:.1f} Mbit/s, below the {target:g} Mbit/s target.")
    return ZoneEvidence(
        n_tests=len(speeds),
        median_mbps=median,
        target_mbps=target,
        share_below_target=below,
        households=_households(area, dataset, crs),
        coverage=coverage,
        proposed_status="verified" if vi else "reported",
        reasons_vi=vi,
        reasons_en=en,
    )


def suggestion_id(geoms: Any) -> np.ndarray:
    """Stable ids (16 hex digits) of EPSG:4326 geometries: hash of their normalised WKB at 1e-7° precision."""
    wkb = shapely.to_wkb(shapely.normalize(shapely.set_precision(np.asarray(geoms, dtype=object), 1e-7)))
    return np.array([hashlib.sha1(w).hexdigest()[:16] for w in wkb], dtype=object)


def _settlement_parts(dataset: Dataset, sites: Any, crs: str) -> gpd.GeoDataFrame:
    """Uncovered settlement points merged into areas (metric CRS) with their households."""
    settlements = dataset.layer("settlements")
    if settlements is None or not len(settlements):
        return gpd.GeoDataFrame({"households": []}, geometry=[], crs=crs)
    xy = _layer_xy(settlements, crs)
    out = ~covered_by(xy, sites, BROADBAND)["any"].to_numpy()
    points = shapely.points(xy[out])
    parts = shapely.get_parts(shapely.union_all(shapely.buffer(points, SETTLEMENT_BUFFER_M)))
    point, part = shapely.STRtree(parts).query(points, predicate="intersects")
    weight = pd.to_numeric(
        settlements.get("households", pd.Series(np.nan, index=settlements.index)), errors="coerce"
    )
    households = np.bincount(part, weights=weight.fillna(0).to_numpy(float)[out][point], minlength=len(parts))
    return gpd.GeoDataFrame({"households": households}, geometry=parts, crs=crs)


def _village_parts(dataset: Dataset, sites: Any, crs: str) -> gpd.GeoDataFrame:
    """Uncovered remainder of each village without settlement points, when above the covered-share limit."""
    villages = dataset.layer("villages")
    if villages is None or not len(villages):
        return gpd.GeoDataFrame({"households": []}, geometry=[], crs=crs)
    metric = np.asarray(villages.to_crs(crs).geometry.array, dtype=object)
    settlements = dataset.layer("settlements")
    empty = np.ones(len(villages), dtype=bool)
    if settlements is not None and len(settlements):
        xy = _layer_xy(settlements, crs)
        empty[shapely.STRtree(metric).query(shapely.points(xy), predicate="within")[1]] = False
    covered = shapely.union_all(np.asarray(site_shapes(sites, BROADBAND).geometry.array, dtype=object))
    remainder = shapely.difference(metric, covered)
    share = shapely.area(remainder) / shapely.area(metric)
    keep = empty & (share > 1 - dataset.settings.indicators.village_covered_share)
    households = pd.to_numeric(
        villages.get("households", pd.Series(np.nan, index=villages.index)), errors="coerce"
    )
    return gpd.GeoDataFrame(
        {"households": (households.to_numpy(float) * share)[keep]}, geometry=remainder[keep], crs=crs
    )


def _speed_cells(dataset: Dataset, target: float, crs: str) -> gpd.GeoDataFrame:
    """Squares of :data:`SPEED_CELL_M` with ≥ :data:`MIN_CELL_TESTS` mobile tests, median far below target."""
    tests = dataset.layer("speed_tests")
    if tests is None or not len(tests) or not np.isfinite(target):
        return gpd.GeoDataFrame({"n_tests": [], "median_mbps": []}, geometry=[], crs=crs)
    xy = _layer_xy(tests, crs)
    df = pd.DataFrame(
        {
            "ix": np.floor(xy[:, 0] / SPEED_CELL_M),
            "iy": np.floor(xy[:, 1] / SPEED_CELL_M),
            "mbps": pd.to_numeric(tests["download_mbps"], errors="coerce").to_numpy(float),
        }
    )[(tests["network"].astype(str) == "mobile").to_numpy()].dropna()
    cells = df.groupby(["ix", "iy"])["mbps"].agg(n_tests="size", median_mbps="median").reset_index()
    cells = cells[(cells["n_tests"] >= MIN_CELL_TESTS) & (cells["median_mbps"] < FAR_BELOW_SHARE * target)]
    x0, y0 = cells["ix"].to_numpy() * SPEED_CELL_M, cells["iy"].to_numpy() * SPEED_CELL_M
    squares = shapely.box(x0, y0, x0 + SPEED_CELL_M, y0 + SPEED_CELL_M)
    return gpd.GeoDataFrame(
        cells[["n_tests", "median_mbps"]].reset_index(drop=True), geometry=squares, crs=crs
    )


def suggest_zones(
    dataset: Dataset | Assessment,
    *,
    plan: Plan | None = None,
    year: int | None = None,
    exclude: Iterable[str] = (),
) -> gpd.GeoDataFrame:
    """Return suggested zones (EPSG:4326, :data:`SUGGESTION_COLUMNS`), leaving out ids in ``exclude``.

    ``kind`` "settlements": settlement points outside every operator's modelled 4G/5G, buffered by
    :data:`SETTLEMENT_BUFFER_M` and merged (households = their sum); "village_area": the uncovered part of a
    village without settlement points, when more than 1 − ``village_covered_share`` of it is uncovered
    (households = village households × uncovered share); "speed_tests": squares of mobile tests whose median
    is below :data:`FAR_BELOW_SHARE` × the plan's ``mobile_speed`` target (only with a plan). Coverage
    suggestions need BTS sites (without any, none is made: everything would look uncovered). ``dataset``
    may be the dataset's :class:`~geo.plans.assessment.Assessment` (its sites are then reused).
    """
    assessment = Assessment.of(dataset)
    dataset = assessment.dataset
    crs = dataset.settings.metric_crs
    frames = []
    sites_layer = dataset.layer("bts_sites")
    if sites_layer is not None and len(sites_layer):
        sites = assessment.sites
        frames += [
            _settlement_parts(dataset, sites, crs).assign(kind="settlements"),
            _village_parts(dataset, sites, crs).assign(kind="village_area"),
        ]
    else:
        log.info("no BTS sites: no coverage-based suggestions")
    target = _target(plan, year, "mobile_speed")
    frames.append(_speed_cells(dataset, target, crs).assign(kind="speed_tests"))
    gdf = pd.concat([f for f in frames if len(f)] or [frames[-1]], ignore_index=True)
    gdf = gpd.GeoDataFrame(gdf, geometry="geometry", crs=crs).to_crs(STORAGE_CRS)
    geoms = np.asarray(gdf.geometry.array, dtype=object)
    gdf["suggestion_id"] = suggestion_id(geoms)
    gdf["village_uid"], gdf["commune_uid"] = locate_units(geoms, dataset) if len(gdf) else ([], [])
    for column in ("households", "n_tests", "median_mbps"):
        gdf[column] = gdf[column].astype(float) if column in gdf.columns else np.nan
    names = (
        dict(zip(*(dataset.layer("villages")[c].astype(str) for c in ("uid", "name")), strict=True))
        if dataset.layer("villages") is not None
        else {}
    )
    place = gdf["village_uid"].map(names).fillna(gdf["commune_uid"])
    gdf["name"] = np.where(gdf["kind"] == "speed_tests", "Tốc độ thấp – " + place, "Chưa có 4G – " + place)
    gdf["reason_vi"] = np.where(
        gdf["kind"] == "speed_tests",
        "Trung vị "
        + gdf["median_mbps"].round(1).astype(str)
        + f" Mbit/s, dưới {FAR_BELOW_SHARE:.0%} chỉ tiêu {target:g} Mbit/s",
        "Ngoài vùng phủ 4G/5G mô hình; khoảng "
        + gdf["households"].round().astype("Int64").astype(str)
        + " hộ",
    )
    gdf["reason_en"] = np.where(
        gdf["kind"] == "speed_tests",
        "Median "
        + gdf["median_mbps"].round(1).astype(str)
        + f" Mbit/s, below {FAR_BELOW_SHARE:.0%} of the {target:g} Mbit/s target",
        "Outside modelled 4G/5G coverage; about "
        + gdf["households"].round().astype("Int64").astype(str)
        + " households",
    )
    gdf = gdf.loc[~gdf["suggestion_id"].isin(set(exclude))].drop_duplicates("suggestion_id")
    return gdf[SUGGESTION_COLUMNS].reset_index(drop=True)


def accept(suggestion: Mapping[str, Any], store: ZoneStore, *, user: Actor | str) -> str:
    """Turn one suggestion (a row of :func:`suggest_zones`) into a zone with status "reported"; return its id.

    The suggestion is then remembered as accepted (it leaves later suggestion lists given
    ``exclude=store.dismissed()["suggestion_id"]``).
    """
    require(user, Action.EDIT_ZONES, Action.DECIDE_SUGGESTIONS)  # before the zone is added
    households = suggestion.get("households")
    zone = Zone(
        name=str(suggestion["name"]),
        geometry=suggestion["geometry"],
        households=None if households is None or pd.isna(households) else round(float(households)),
        note=str(suggestion["reason_vi"]),
        reported_by=as_actor(user).label,
        village_uid=str(suggestion.get("village_uid") or ""),
        commune_uid=str(suggestion.get("commune_uid") or ""),
    )
    zone_id = store.add(zone, user=user)
    store.dismiss(str(suggestion["suggestion_id"]), user=user, reason="accepted")
    return zone_id
