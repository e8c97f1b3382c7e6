"""The terrain-aware coverage model (``settings: {coverage: {model: terrain}}`` and a ``dem`` layer).

A sample point (grid point or settlement of a village) is served by a site's technology
when the total loss of the path

    total = median + diffraction ≤ budget (``settings.coverage.pathloss_max_db``)

where *median* is the link budget's median path loss — max(free space, COST-231 Hata for
4G / 3GPP TR 38.901 UMa for 5G, as :mod:`geo.compute.pathloss`) with the site's antenna
height (``height_m``, default ``bts_height_m``), the handset at ``mobile_height_m`` (1.5 m)
and the site's band — and *diffraction* is the Bullington loss (ITU-R P.526, see
:mod:`geo.compute.diffraction` for the choice) over the terrain profile between the two
antennas, sampled from the DEM at its own resolution (one sample per DEM cell crossed) with
the earth's curvature for k = 4/3. Sector wedges are those of the disc model. A site with its
own ``radius_m`` keeps its disc: the planner's figure wins over the model.

Since diffraction is never negative, a path can only close when its median loss alone does;
that bounds the distance by the path-loss radius, so pairs are found with the path-loss
discs of :mod:`geo.compute.coverage` and every path whose median loss — hence also its free
space loss — exceeds the budget is pruned before any profile is sampled. Paths are then
evaluated in rounds, nearest-in-loss first per point, and a path is pruned too once every
operator of its site already serves that point (the answer cannot change). Profiles are
padded arrays, sorted by length and cut into chunks of about ``_CHUNK_CELLS`` cells, so
memory stays bounded whatever the number of paths.

Villages where the DEM cannot be used — it has no CRS, does not reach the village, or holds
nodata there — fall back to the model without terrain (the path-loss discs), each with a
message (file, village, fix); the ``model`` column of the coverage table says which model
decided each village. A coverage *source* (reported by operators, measured) can sit beside
this one: :class:`TerrainCoverage` only turns modelled sample bits into terrain-aware ones.

:func:`link_budget` is one site–point path with every figure, for ``python -m geo link``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import shapely

from geo.compute.coverage import BROADBAND, Discs, SiteModel, discs, has_technology, to_metric
from geo.compute.diffraction import bullington
from geo.compute.pathloss import MAX_DISTANCE_M, cost231_hata_db, uma_38901_db
from geo.dem import NO_CRS_FIX, Dem
from geo.errors import GeoError, Problem
from geo.model import Dataset
from geo.settings import CoverageSettings

__all__ = [
    "MODEL_TERRAIN",
    "MODEL_FALLBACK",
    "free_space_db",
    "median_loss_db",
    "SiteLinks",
    "site_links",
    "PathLosses",
    "path_losses",
    "TerrainCoverage",
    "LinkError",
    "link_budget",
    "link_at",
]

log = logging.getLogger(__name__)

#: Values of the coverage table's ``model`` column.
MODEL_TERRAIN, MODEL_FALLBACK = "terrain", "pathloss"
_CHUNK_CELLS = 1_500_000
_POINT_CHUNK = 200_000


def free_space_db(distance_m, band_mhz) -> np.ndarray:
    """Free-space path loss (dB) over ``distance_m`` metres at ``band_mhz`` (ITU-R P.525)."""
    d = np.maximum(np.asarray(distance_m, dtype=float), 1.0)
    return 20.0 * np.log10(d) + 20.0 * np.log10(np.asarray(band_mhz, dtype=float)) - 27.55


def median_loss_db(tech, distance_m, band_mhz, bts_height_m, mobile_height_m, setting) -> np.ndarray:
    """The link budget's median loss: max(free space, COST-231 Hata for 4G / TR 38.901 UMa for 5G)."""
    model = cost231_hata_db if tech == "4G" else uma_38901_db
    d = np.maximum(np.asarray(distance_m, dtype=float), 10.0)
    height = np.asarray(bts_height_m, dtype=float)
    free = free_space_db(np.hypot(d, height - mobile_height_m), band_mhz)
    return np.maximum(free, model(d, band_mhz, height, mobile_height_m, setting))


@dataclass(frozen=True)
class SiteLinks:
    """Per site (row of ``bts_sites``) and technology: band (MHz), antenna height (m), whether the
    site's own ``radius_m`` overrides the model, and the loss budget (dB) per technology."""

    band: dict[str, np.ndarray]
    height: np.ndarray
    override: np.ndarray
    budget: dict[str, float]
    mobile_height_m: float


def _column(gdf, column: str) -> np.ndarray:
    if gdf is None or column not in gdf:
        return np.full(0 if gdf is None else len(gdf), np.nan)
    return pd.to_numeric(gdf[column], errors="coerce").to_numpy(float)


def site_links(dataset: Dataset) -> SiteLinks:
    """The link parameters of every site, read as :func:`geo.compute.coverage.prepare_sites` does."""
    c, defaults = dataset.settings.coverage, CoverageSettings()
    gdf = dataset.layer("bts_sites")
    band, height, radius = _column(gdf, "band_mhz"), _column(gdf, "height_m"), _column(gdf, "radius_m")
    bands = {}
    for tech in BROADBAND:
        own = (band >= 3000) if tech == "5G" else (band < 3000)
        bands[tech] = np.where(own, band, c.band_mhz.get(tech, defaults.band_mhz[tech]))
    return SiteLinks(
        band=bands,
        height=np.where(height > 0, height, c.bts_height_m),
        override=radius > 0,
        budget={t: float(c.pathloss_max_db.get(t, defaults.pathloss_max_db[t])) for t in BROADBAND},
        mobile_height_m=float(c.mobile_height_m),
    )


@dataclass
class PathLosses:
    """Diffraction over each path (NaN where the DEM gives no ground at an end), with line of sight and
    the main obstruction (the principal edge: distance from the site, height above the line between
    the antennas)."""

    diffraction_db: np.ndarray
    line_of_sight: np.ndarray
    obstruction_m: np.ndarray
    obstruction_height_m: np.ndarray
    samples: int = 0


def path_losses(
    dem: Dem,
    site_px: tuple[np.ndarray, np.ndarray],
    point_px: tuple[np.ndarray, np.ndarray],
    length_m: np.ndarray,
    tx_height_m: np.ndarray,
    rx_height_m: float,
    band_mhz: np.ndarray,
) -> PathLosses:
    """Bullington diffraction over the DEM profile of each path (vectorised, chunked).

    ``site_px``/``point_px`` are fractional (column, row) pixel coordinates of the two ends;
    each profile has one sample per DEM cell crossed (the larger of the column and row spans,
    plus one), paths sorted by length and evaluated in chunks of about ``_CHUNK_CELLS`` cells.
    """
    m = len(length_m)
    out = PathLosses(np.full(m, np.nan), np.ones(m, bool), np.full(m, np.nan), np.full(m, np.nan))
    if not m:
        return out
    c0, r0 = site_px
    dc, dr = point_px[0] - c0, point_px[1] - r0
    n = (np.ceil(np.maximum(np.abs(dc), np.abs(dr))) + 1).astype(np.int64)
    n = np.maximum(n, 2)
    order = np.argsort(n, kind="stable")
    start = 0
    while start < m:
        width = int(n[order[min(m - 1, start + max(_CHUNK_CELLS // int(n[order[start]]), 1) - 1)]])
        stop = min(m, start + max(_CHUNK_CELLS // width, 1))
        idx = order[start:stop]
        width = int(n[idx[-1]])
        t = np.arange(width, dtype=np.float32)[None, :] / (n[idx] - 1)[:, None].astype(np.float32)
        beyond = t > 1.0
        t = np.minimum(t, np.float32(1.0))
        ground = dem.lookup(
            c0[idx, None].astype(np.float32) + t * dc[idx, None].astype(np.float32),
            r0[idx, None].astype(np.float32) + t * dr[idx, None].astype(np.float32),
        )
        ground = np.where(beyond, np.nan, ground)
        b = bullington(ground, n[idx], length_m[idx], tx_height_m[idx], rx_height_m, band_mhz[idx])
        out.diffraction_db[idx] = b.loss_db
        out.line_of_sight[idx] = b.line_of_sight
        out.obstruction_m[idx] = b.obstruction_m
        out.obstruction_height_m[idx] = b.obstruction_height_m
        out.samples += int(n[idx].sum())
        start = stop
    return out


def _in_shape(dx: np.ndarray, dy: np.ndarray, d: Discs, k: np.ndarray) -> np.ndarray:
    """True where offsets (dx, dy) from entry ``k``'s site fall inside its disc or wedge."""
    inside = dx * dx + dy * dy <= d.r[k] ** 2
    wedge = np.isfinite(d.e1x[k])
    in_wedge = (d.e2x[k] * dy - d.e2y[k] * dx >= 0) & (dx * d.e1y[k] - dy * d.e1x[k] >= 0)
    return inside & (~wedge | in_wedge)


def _unit_problem(reason: str, file: str, name: str) -> Problem:
    """The message for one village the DEM cannot serve (``reason``: no_dem, no_crs, outside, dem_gap)."""
    tail_vi = f"; thôn '{name}' được tính theo mô hình không địa hình (suy hao đường truyền)."
    tail_en = f"; village '{name}' falls back to the model without terrain (path loss)."
    if reason == "no_dem":
        tail_vi = "; mọi thôn được tính theo mô hình không địa hình (suy hao đường truyền)."
        tail_en = "; every village uses the model without terrain (path loss)."
    text = {
        "no_dem": (
            "Chọn mô hình địa hình (model: terrain) nhưng bộ dữ liệu không có lớp dem",
            "The terrain model (model: terrain) is chosen but the dataset has no dem layer",
            "Thêm 'dem: {path: dem.tif}' vào mục layers của dataset.yaml "
            "(GeoTIFF độ cao, m; ô SRTM/ALOS 30 m).",
            "Add 'dem: {path: dem.tif}' under layers in dataset.yaml "
            "(an elevation GeoTIFF, metres; SRTM/ALOS 30 m).",
        ),
        "no_crs": (
            "Mô hình số độ cao (DEM) không có hệ toạ độ (CRS)",
            "The elevation model (DEM) has no CRS",
            *NO_CRS_FIX,
        ),
        "outside": (
            "Mô hình số độ cao (DEM) không phủ tới thôn",
            "The elevation model (DEM) does not reach the village",
            "Dùng DEM phủ toàn địa bàn (ghép các ô SRTM/ALOS bằng QGIS: Raster › Khác › Ghép).",
            "Use a DEM covering the whole territory "
            "(merge SRTM/ALOS tiles in QGIS: Raster › Miscellaneous › Merge).",
        ),
        "dem_gap": (
            "Mô hình số độ cao (DEM) không có giá trị (nodata) trong thôn",
            "The elevation model (DEM) holds nodata in the village",
            "Lấp chỗ trống của DEM (QGIS: Raster › Phân tích › Lấp nodata) hoặc dùng DEM khác.",
            "Fill the DEM's gaps (QGIS: Raster › Analysis › Fill nodata) or use another DEM.",
        ),
    }[reason]
    return Problem(
        "warning",
        file,
        text[0] + tail_vi,
        text[1] + tail_en,
        fix_vi=text[2],
        fix_en=text[3],
        layer="dem",
        feature="" if reason == "no_dem" else f"'{name}'",
    )


@dataclass
class TerrainStats:
    """How many site–point paths the terrain model considered, pruned and evaluated (for the bench)."""

    paths: int = 0
    pruned_budget: int = 0
    pruned_served: int = 0
    evaluated: int = 0
    without_terrain: int = 0
    profile_samples: int = 0

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


@dataclass
class TerrainCoverage:
    """Terrain-aware operator bits for the sample points of one coverage computation.

    ``x``/``y`` are the samples (metres in ``sites.crs``), ``unit`` their unit (0…``len(names)``−1).
    :meth:`refine` replaces the disc model's bits of samples in villages the DEM serves;
    :attr:`unit_model` says, per unit, which model decided; :attr:`problems` has one message per
    village that fell back (also appended to ``dataset.problems``).
    """

    dataset: Dataset
    sites: SiteModel
    x: np.ndarray
    y: np.ndarray
    unit: np.ndarray
    names: np.ndarray
    problems: list[Problem] = field(default_factory=list)
    stats: TerrainStats = field(default_factory=TerrainStats)

    def __post_init__(self) -> None:
        self.x, self.y = np.asarray(self.x, float), np.asarray(self.y, float)
        self.unit = np.asarray(self.unit, dtype=np.int64)
        n = len(self.names)
        dem: Dem | None = getattr(self.dataset, "dem", None)
        self.dem = dem
        self.links = site_links(self.dataset)
        self._bits: dict[str, np.ndarray] = {}
        reason = np.full(n, "", dtype=object)
        file = dem.file if dem is not None else "dataset.yaml"
        if dem is None:
            reason[:] = "no_dem"
        elif not dem.usable:
            reason[:] = "no_crs"
        else:
            col, row = dem.pixels(self.x, self.y, self.sites.crs)
            inside = (col >= 0) & (col < dem.width) & (row >= 0) & (row < dem.height)
            ground = dem.lookup(col, row)
            outside_unit = np.bincount(self.unit[~inside], minlength=n) > 0
            nodata_unit = np.bincount(self.unit[inside & ~np.isfinite(ground)], minlength=n) > 0
            reason[nodata_unit] = "dem_gap"
            reason[outside_unit] = "outside"
            self.point_px = (col, row)
            self.site_px = dem.pixels(self.sites.x, self.sites.y, self.sites.crs)
            self.site_ground = dem.lookup(*self.site_px)
        self.fallback = reason != ""
        self.unit_model = np.where(self.fallback, MODEL_FALLBACK, MODEL_TERRAIN)
        if dem is None:
            self.problems.append(_unit_problem("no_dem", file, ""))
        else:
            self.problems += [
                _unit_problem(r, file, str(nm)) for r, nm in zip(reason, self.names, strict=True) if r
            ]
            if dem.usable:
                outside_sites = ~np.isfinite(self.site_ground) & np.isfinite(self.sites.x)
                self.problems += [_site_problem(file, self.dataset, i) for i in np.flatnonzero(outside_sites)]
        known = set(self.dataset.problems)
        self.dataset.problems += [p for p in self.problems if p not in known]
        for p in self.problems:
            log.info("%s", p.text("en"))

    def refine(self, tech: str | tuple[str, ...], bits: np.ndarray) -> np.ndarray:
        """Return ``bits`` (the disc model's per sample) with terrain bits for samples in served villages."""
        techs = (tech,) if isinstance(tech, str) else tuple(tech)
        use = ~self.fallback[self.unit]
        if not use.any():
            return bits
        terrain = np.zeros(len(self.x), dtype=np.uint8)
        for t in techs:
            if t not in self._bits:
                self._bits[t] = self._terrain_bits(t, use)
            terrain |= self._bits[t]
        return np.where(use, terrain, bits).astype(np.uint8)

    def _terrain_bits(self, tech: str, use: np.ndarray) -> np.ndarray:
        """Operator bits of ``tech`` per sample from the terrain model (samples outside ``use``: 0)."""
        d = discs(self.sites, tech)
        out = np.zeros(len(self.x), dtype=np.uint8)
        points = np.flatnonzero(use)
        if not len(d.x) or not len(points):
            return out
        self.stats.paths += len(points) * len(d.x)
        tree = shapely.STRtree(shapely.box(d.x - d.r, d.y - d.r, d.x + d.r, d.y + d.r))
        pairs_p, pairs_e = [], []
        for start in range(0, len(points), _POINT_CHUNK):
            chunk = points[start : start + _POINT_CHUNK]
            local, entry = tree.query(shapely.points(self.x[chunk], self.y[chunk]))
            p = chunk[local]
            ok = _in_shape(self.x[p] - d.x[entry], self.y[p] - d.y[entry], d, entry)
            pairs_p.append(p[ok])
            pairs_e.append(entry[ok])
        point, entry = np.concatenate(pairs_p), np.concatenate(pairs_e)
        site = d.site[entry]
        override = self.links.override[site]
        np.bitwise_or.at(out, point[override], d.bits[entry[override]])
        point, entry, site = point[~override], entry[~override], site[~override]
        distance = np.hypot(self.x[point] - d.x[entry], self.y[point] - d.y[entry])
        band, height = self.links.band[tech][site], self.links.height[site]
        mobile = self.links.mobile_height_m
        median = median_loss_db(tech, distance, band, height, mobile, self.sites.setting[site])
        budget = self.links.budget[tech]
        closes = (median <= budget) & (distance <= MAX_DISTANCE_M[tech])
        self.stats.pruned_budget += len(points) * len(d.x) - int(closes.sum()) - int(override.sum())
        order = np.flatnonzero(closes)
        order = order[np.lexsort((median[order], point[order]))]
        point, entry, site = point[order], entry[order], site[order]
        distance, median, band, height = distance[order], median[order], band[order], height[order]
        bits = d.bits[entry]
        remaining = np.ones(len(point), dtype=bool)
        take_per_point = 1
        while True:
            useful = remaining & ((bits & ~out[point]) != 0)
            self.stats.pruned_served += int((remaining & ~useful).sum())
            remaining = useful
            idx = np.flatnonzero(remaining)
            if not len(idx):
                break
            p = point[idx]
            first = np.r_[0, np.flatnonzero(np.diff(p)) + 1]
            rank = np.arange(len(idx)) - np.repeat(first, np.diff(np.r_[first, len(idx)]))
            take = idx[rank < take_per_point]
            losses = path_losses(
                self.dem,
                (self.site_px[0][site[take]], self.site_px[1][site[take]]),
                (self.point_px[0][point[take]], self.point_px[1][point[take]]),
                distance[take],
                height[take],
                mobile,
                band[take],
            )
            diffraction = losses.diffraction_db
            unknown = ~np.isfinite(diffraction)
            self.stats.without_terrain += int(unknown.sum())
            served = median[take] + np.where(unknown, 0.0, diffraction) <= budget
            np.bitwise_or.at(out, point[take[served]], bits[take[served]])
            self.stats.evaluated += len(take)
            self.stats.profile_samples += losses.samples
            remaining[take] = False
            take_per_point *= 2
        return out


def _site_name(dataset: Dataset, i: int) -> str:
    gdf = dataset.layer("bts_sites")
    if gdf is not None and "site_id" in gdf and pd.notna(gdf["site_id"].iloc[i]):
        return str(gdf["site_id"].iloc[i])
    return f"#{i + 1}"


def _site_problem(file: str, dataset: Dataset, i: int) -> Problem:
    name = _site_name(dataset, i)
    return Problem(
        "warning",
        file,
        f"Trạm {name} nằm ngoài mô hình số độ cao (DEM) hoặc ở ô nodata: đường truyền từ trạm này tính "
        "không có nhiễu xạ địa hình.",
        f"Site {name} lies outside the elevation model (DEM) or on a nodata cell: its paths are computed "
        "without terrain diffraction.",
        fix_vi="Dùng DEM phủ cả các trạm gần địa bàn.",
        fix_en="Use a DEM that also covers the sites near the territory.",
        layer="dem",
        feature=name,
    )


class LinkError(GeoError):
    """A ``geo link`` question that cannot be answered (unknown site, point outside the DEM): exit 2."""


def link_budget(
    dataset: Dataset, sites: SiteModel, site_id: str, lon: float, lat: float, *, technology: str = "4G"
) -> dict:
    """Every figure of one site–point path: distance, losses, budget, line of sight, obstruction, covered.

    ``sites`` is the dataset's :class:`SiteModel` (``Assessment(dataset).sites``); ``lon``/``lat``
    are degrees (EPSG:4326).

    Uses the terrain model when the dataset has a usable DEM (whatever ``settings.coverage.model``
    says), else the median loss alone (``model`` = ``pathloss``). Raises :class:`LinkError`
    for an unknown site id, a site without ``technology``, or a point outside the DEM.
    """
    gdf = dataset.layer("bts_sites")
    ids = gdf["site_id"].astype(str).to_numpy() if gdf is not None and "site_id" in gdf else np.array([])
    found = np.flatnonzero(ids == str(site_id))
    if not len(found):
        sample = ", ".join(ids[:5])
        raise LinkError(
            f"Không có trạm mã '{site_id}' trong lớp bts_sites (ví dụ: {sample}).",
            f"No site with id '{site_id}' in bts_sites (e.g. {sample}).",
        )
    i = int(found[0])
    if technology not in BROADBAND or not has_technology(gdf["technologies"].iloc[[i]], technology)[0]:
        raise LinkError(
            f"Trạm {site_id} không phát {technology} (công nghệ: {gdf['technologies'].iloc[i]}).",
            f"Site {site_id} does not serve {technology} (technologies: {gdf['technologies'].iloc[i]}).",
        )
    return link_at(dataset, sites, i, lon, lat, technology=technology)


def link_at(
    dataset: Dataset,
    sites: SiteModel,
    i: int,
    lon: float,
    lat: float,
    *,
    technology: str = "4G",
    links: SiteLinks | None = None,
) -> dict:
    """:func:`link_budget` of the site in row ``i`` of ``bts_sites`` (which must serve ``technology``);
    ``links`` (:func:`site_links`) may be passed when asking for many sites. ``site`` is its
    ``site_id``, or ``#<row>`` without one. Raises :class:`LinkError` for a point outside the DEM."""
    site_id = _site_name(dataset, i)
    links = links or site_links(dataset)
    px, py = (np.asarray(v, float) for v in to_metric(np.array([lon]), np.array([lat]), sites.crs))
    distance = float(np.hypot(px[0] - sites.x[i], py[0] - sites.y[i]))
    band, height, mobile = float(links.band[technology][i]), float(links.height[i]), links.mobile_height_m
    setting = sites.setting[i]
    free = float(free_space_db(np.hypot(distance, height - mobile), band))
    median = float(
        median_loss_db(technology, np.array([distance]), band, height, mobile, np.array([setting]))[0]
    )
    budget = links.budget[technology]
    d = discs(sites, technology)
    entries = np.flatnonzero(d.site == i)
    dx, dy = px[0] - sites.x[i], py[0] - sites.y[i]
    wedge = np.isfinite(d.e1x[entries])
    in_sector = bool(
        (
            ~wedge
            | (
                (d.e2x[entries] * dy - d.e2y[entries] * dx >= 0)
                & (dx * d.e1y[entries] - dy * d.e1x[entries] >= 0)
            )
        ).any()
    )
    dem: Dem | None = getattr(dataset, "dem", None)
    result = {
        "site": str(site_id),
        "technology": technology,
        "to": [float(lon), float(lat)],
        "distance_m": round(distance, 1),
        "band_mhz": band,
        "antenna_height_m": height,
        "setting": str(setting),
        "free_space_db": round(free, 1),
        "median_loss_db": round(median, 1),
        "diffraction_db": None,
        "total_loss_db": round(median, 1),
        "budget_db": budget,
        "margin_db": round(budget - median, 1),
        "line_of_sight": None,
        "obstruction": None,
        "in_sector": in_sector,
        "covered": False,
        "model": MODEL_FALLBACK,
    }
    if dem is not None and dem.usable:
        site_px = dem.pixels(sites.x[[i]], sites.y[[i]], sites.crs)
        point_px = dem.pixels(px, py, sites.crs)
        ends = dem.lookup(*site_px), dem.lookup(*point_px)
        if not np.isfinite(ends[1]).all():
            raise LinkError(
                f"Điểm {lon:.5f}, {lat:.5f} nằm ngoài mô hình số độ cao (DEM) {dem.file} hoặc ở ô nodata.",
                f"Point {lon:.5f}, {lat:.5f} lies outside the elevation model (DEM) {dem.file} or on nodata.",
            )
        if np.isfinite(ends[0]).all():
            losses = path_losses(
                dem, site_px, point_px, np.array([distance]), np.array([height]), mobile, np.array([band])
            )
            diffraction = float(losses.diffraction_db[0])
            total = median + diffraction
            result |= {
                "diffraction_db": round(diffraction, 1),
                "total_loss_db": round(total, 1),
                "margin_db": round(budget - total, 1),
                "line_of_sight": bool(losses.line_of_sight[0]),
                "obstruction": {
                    "distance_m": round(float(losses.obstruction_m[0]), 1),
                    "height_above_line_m": round(float(losses.obstruction_height_m[0]), 1),
                }
                if np.isfinite(losses.obstruction_m[0])
                else None,
                "site_ground_m": round(float(ends[0][0]), 1),
                "point_ground_m": round(float(ends[1][0]), 1),
                "model": MODEL_TERRAIN,
            }
    override = bool(links.override[i])
    if override:
        result["model"] = "radius_m"
        result["covered"] = bool(in_sector and distance <= float(sites.radius[technology][i]))
    else:
        result["covered"] = bool(
            in_sector and distance <= MAX_DISTANCE_M[technology] and result["total_loss_db"] <= budget
        )
    return result
