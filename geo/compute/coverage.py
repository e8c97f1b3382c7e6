"""The coverage model: where each operator's 4G and 5G service reaches, from BTS sites.

A site serves a disc around it (or, when ``azimuth_deg`` is given, a wedge of
``sector_beamwidth_deg`` centred on that bearing, clockwise from grid north of the metric
CRS). The radius is, in order of precedence: the site's own ``radius_m``; otherwise the
radius for its technology and setting from ``settings.coverage.radius_m`` (``model:
radius``) or from the link budget (``model: pathloss``, see :mod:`geo.compute.pathloss`). A site's
*setting* is that of the deepest unit it stands in: ``urban`` when the unit's ``urban``
flag is true, otherwise from its population density (≥ ``urban_density_per_km2`` urban
when the flag is unknown, < ``mountainous_density_per_km2`` mountainous, else rural);
``rural`` when nothing is known.

:func:`prepare_sites` projects the sites once; :func:`covered_by` tests points against them
(STRtree bounding-box pairs, then exact numpy distance/bearing checks); :func:`site_shapes`
and :func:`coverage_areas` give the served areas as polygons for maps and exports;
:func:`geo.compute.model_text.describe_model` says all this to a planner in Vietnamese and English.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer

from geo.compute.hierarchy import Hierarchy, point_xy
from geo.compute.pathloss import pathloss_radius_m
from geo.model import Dataset
from geo.names import fold_word
from geo.settings import OPERATOR_ALIASES, OPERATORS, STORAGE_CRS, CoverageSettings, Settings

__all__ = [
    "BROADBAND",
    "SETTINGS_KINDS",
    "SiteModel",
    "Discs",
    "to_metric",
    "operator_bits",
    "has_technology",
    "unit_settings",
    "prepare_sites",
    "discs",
    "coverage_bits",
    "covered_by",
    "site_shapes",
    "coverage_areas",
]

log = logging.getLogger(__name__)

#: Technologies that count as mobile broadband.
BROADBAND = ("4G", "5G")
#: Settings a site can stand in, as keys of ``CoverageSettings.radius_m[tech]``.
SETTINGS_KINDS = ("urban", "rural", "mountainous")
_ARC_SEGMENTS = 16
_OPERATOR_INDEX = {name: i for i, name in enumerate(OPERATORS)}
_POINT_CHUNK = 400_000


@dataclass(frozen=True)
class SiteModel:
    """BTS sites ready for coverage tests, one entry per row of ``bts_sites``.

    ``x``/``y`` are metres in ``crs``; ``bits`` has bit ``i`` set when operator
    ``OPERATORS[i]`` uses the site; ``radius[tech]`` is the served radius (m), NaN where the
    site lacks ``tech``; ``azimuth`` is the sector bearing (degrees, NaN for omni sites);
    ``setting`` is urban / rural / mountainous; ``node`` the hierarchy node it stands in.
    """

    x: np.ndarray
    y: np.ndarray
    bits: np.ndarray
    radius: dict[str, np.ndarray]
    azimuth: np.ndarray
    setting: np.ndarray
    node: np.ndarray
    beamwidth_deg: float
    crs: str


class Discs(NamedTuple):
    """Served shapes of one or more technologies: one entry per site × technology × wedge.

    A wedge is bounded by two edge unit vectors (``e1`` counter-clockwise, ``e2``
    clockwise); omni discs have NaN edges. ``site`` is the site's row position.
    """

    x: np.ndarray
    y: np.ndarray
    r: np.ndarray
    bits: np.ndarray
    e1x: np.ndarray
    e1y: np.ndarray
    e2x: np.ndarray
    e2y: np.ndarray
    site: np.ndarray

    @property
    def sector(self) -> np.ndarray:
        """True where the entry is a wedge rather than a full disc."""
        return np.isfinite(self.e1x)


def to_metric(x: np.ndarray, y: np.ndarray, crs: str) -> tuple[np.ndarray, np.ndarray]:
    """Project lon/lat arrays (EPSG:4326, degrees) to ``crs`` (metres); NaN stays NaN."""
    return _transformer(crs).transform(x, y)


@lru_cache(maxsize=8)
def _transformer(crs: str) -> Transformer:
    """Building a transformer costs tens of milliseconds (PROJ database look-ups): build each once."""
    return Transformer.from_crs(STORAGE_CRS, crs, always_xy=True)


def operator_bits(values: pd.Series) -> np.ndarray:
    """Return a uint8 bit mask per row of operator lists such as ``"Viettel;VNPT"``.

    Bit ``i`` stands for ``OPERATORS[i]``; separators ``; , / + |`` are accepted, names are
    matched case-insensitively (VinaPhone counts as VNPT); any other or empty name is "other".
    """
    return _per_distinct(values, _parse_operators).astype(np.uint8)


def has_technology(values: pd.Series, tech: str) -> np.ndarray:
    """Return True where a technology list such as ``"2G;4G;5G"`` names ``tech`` (case-insensitive)."""
    return _per_distinct(values, lambda text: tech.lower() in re.split(r"[^0-9a-z]+", text.lower())).astype(
        bool
    )


def _per_distinct(values: pd.Series, parse) -> np.ndarray:
    """Apply ``parse`` to each distinct text of ``values`` once (files repeat a handful of texts)."""
    codes, distinct = pd.factorize(values.astype(object).where(values.notna(), ""))
    return np.array([parse(str(text)) for text in distinct], dtype=object)[codes]


def _parse_operators(text: str) -> int:
    other = OPERATORS.index("other")
    bits = 0
    for token in re.split(r"[;,/+|]", text):
        if token := fold_word(token):
            bits |= 1 << _OPERATOR_INDEX.get(OPERATOR_ALIASES.get(token, ""), other)
    return bits or 1 << OPERATORS.index("other")


def unit_settings(nodes: pd.DataFrame, coverage: CoverageSettings) -> np.ndarray:
    """Return urban / rural / mountainous per hierarchy node (see the module docstring).

    ``nodes`` needs ``urban`` (1.0 / 0.0 / NaN), ``population`` and ``area_km2``; the
    territory node and units with nothing known are rural.
    """
    density = nodes["population"].to_numpy(float) / nodes["area_km2"].to_numpy(float)
    urban_flag = nodes["urban"].to_numpy(float)
    setting = np.full(len(nodes), "rural", dtype=object)
    setting[density < coverage.mountainous_density_per_km2] = "mountainous"
    setting[np.isnan(urban_flag) & (density >= coverage.urban_density_per_km2)] = "urban"
    setting[urban_flag == 1.0] = "urban"
    return setting


def prepare_sites(dataset: Dataset, hierarchy: Hierarchy) -> SiteModel:
    """Return the :class:`SiteModel` of ``dataset``'s ``bts_sites`` (empty when there are none).

    ``hierarchy`` (:func:`geo.compute.hierarchy.build_hierarchy` of ``dataset``) places each site in
    its unit, which decides its setting. Sites without a location keep NaN coordinates and serve nothing.
    ``radius_m`` > 0 overrides every technology of its row; ``band_mhz`` below 3000 MHz
    applies to 4G, from 3000 MHz to 5G (path-loss model only); ``height_m`` is the antenna
    height for the path-loss model.
    """
    settings = dataset.settings
    gdf = dataset.layer("bts_sites")
    if gdf is None:
        gdf = gpd.GeoDataFrame({"operators": [], "technologies": []}, geometry=[], crs=STORAGE_CRS)
    lon, lat = point_xy(gdf.geometry)
    x, y = to_metric(lon, lat, settings.metric_crs)
    site_nodes = hierarchy.locate_geometries(gdf.geometry)
    setting = unit_settings(hierarchy.nodes, settings.coverage)[site_nodes]
    override = _column(gdf, "radius_m")
    band = _column(gdf, "band_mhz")
    height = _column(gdf, "height_m")
    radius = {}
    for tech in BROADBAND:
        serves = has_technology(gdf["technologies"], tech) & np.isfinite(x)
        radius[tech] = np.where(
            serves,
            np.where(
                override > 0, override, _default_radius(tech, setting, settings, band=band, height=height)
            ),
            np.nan,
        )
    return SiteModel(
        x=np.asarray(x, float),
        y=np.asarray(y, float),
        bits=operator_bits(gdf["operators"]) if len(gdf) else np.zeros(0, np.uint8),
        radius=radius,
        azimuth=_column(gdf, "azimuth_deg") % 360.0,
        setting=setting,
        node=np.asarray(site_nodes, dtype=np.int64),
        beamwidth_deg=float(settings.coverage.sector_beamwidth_deg),
        crs=settings.metric_crs,
    )


def _column(gdf: gpd.GeoDataFrame, column: str) -> np.ndarray:
    if column not in gdf:
        return np.full(len(gdf), np.nan)
    return pd.to_numeric(gdf[column], errors="coerce").to_numpy(float)


def _default_radius(
    tech: str, setting: np.ndarray, settings: Settings, *, band: np.ndarray, height: np.ndarray
) -> np.ndarray:
    coverage, defaults = settings.coverage, CoverageSettings()
    if coverage.model in ("pathloss", "terrain"):  # terrain: path-loss discs bound its paths
        own_band = (band >= 3000) if tech == "5G" else (band < 3000)
        return pathloss_radius_m(
            tech,
            setting,
            max_loss_db=coverage.pathloss_max_db.get(tech, defaults.pathloss_max_db[tech]),
            band_mhz=np.where(own_band, band, coverage.band_mhz.get(tech, defaults.band_mhz[tech])),
            bts_height_m=np.where(height > 0, height, coverage.bts_height_m),
            mobile_height_m=coverage.mobile_height_m,
        )
    table = {**defaults.radius_m.get(tech, {}), **coverage.radius_m.get(tech, {})}
    return pd.Series(setting, dtype=object).map(table).to_numpy(float)


def discs(sites: SiteModel, tech: str | tuple[str, ...]) -> Discs:
    """Return the served shapes of ``tech`` (one technology or several, unioned).

    A sector wider than 180° becomes two wedges of half its width each, so that every wedge
    is convex (the intersection of a disc and two half-planes); 360° or more is a full disc.
    """
    techs = (tech,) if isinstance(tech, str) else tuple(tech)
    radius = np.concatenate([sites.radius[t] for t in techs]) if techs else np.zeros(0)
    site = np.tile(np.arange(len(sites.x)), len(techs))
    keep = np.isfinite(radius) & (radius > 0)
    site, radius = site[keep], radius[keep]
    azimuth = sites.azimuth[site]
    width = sites.beamwidth_deg
    omni = ~np.isfinite(azimuth) | (width >= 360.0)
    parts = 2 if width > 180.0 else 1
    half = width / (2 * parts)
    centres = [azimuth + (k - (parts - 1) / 2) * 2 * half for k in range(parts)]
    sector = ~omni
    site = np.concatenate([site[omni], *[site[sector]] * parts])
    radius = np.concatenate([radius[omni], *[radius[sector]] * parts])
    centre = np.concatenate([np.full(omni.sum(), np.nan), *[c[sector] for c in centres]])
    e1, e2 = np.radians(centre - half), np.radians(centre + half)
    return Discs(
        sites.x[site],
        sites.y[site],
        radius,
        sites.bits[site],
        np.sin(e1),
        np.cos(e1),
        np.sin(e2),
        np.cos(e2),
        site,
    )


def _in_shape(dx: np.ndarray, dy: np.ndarray, d: Discs, k: np.ndarray) -> np.ndarray:
    """True where offsets (dx, dy) from entry ``k``'s site fall inside its disc or wedge."""
    inside = dx * dx + dy * dy <= d.r[k] ** 2
    wedge = np.isfinite(d.e1x[k])
    in_wedge = (d.e2x[k] * dy - d.e2y[k] * dx >= 0) & (dx * d.e1y[k] - dy * d.e1x[k] >= 0)
    return inside & (~wedge | in_wedge)


def coverage_bits(x: np.ndarray, y: np.ndarray, d: Discs) -> np.ndarray:
    """Return a uint8 operator bit mask per point (metric x/y) of the entries ``d`` covering it.

    Candidate pairs come from one STRtree query of the points against the entries'
    bounding boxes (in chunks of points, to bound memory); each pair is then checked exactly.
    """
    out = np.zeros(len(x), dtype=np.uint8)
    if not len(x) or not len(d.x):
        return out
    tree = shapely.STRtree(shapely.box(d.x - d.r, d.y - d.r, d.x + d.r, d.y + d.r))
    for start in range(0, len(x), _POINT_CHUNK):
        px, py = x[start : start + _POINT_CHUNK], y[start : start + _POINT_CHUNK]
        point, entry = tree.query(shapely.points(px, py))
        ok = _in_shape(px[point] - d.x[entry], py[point] - d.y[entry], d, entry)
        np.bitwise_or.at(out[start : start + _POINT_CHUNK], point[ok], d.bits[entry[ok]])
    return out


def covered_by(points_xy: np.ndarray, sites: SiteModel, tech: str | tuple[str, ...]) -> pd.DataFrame:
    """Return which operators cover each point, and whether any does.

    ``points_xy`` is an ``(n, 2)`` array of metres in ``sites.crs``; ``tech`` one technology
    (``"4G"``, ``"5G"``) or several (``BROADBAND`` = 4G or 5G). The result has one boolean
    column per operator of :data:`geo.settings.OPERATORS` plus ``any``, in point order;
    points with NaN coordinates are covered by nothing.
    """
    xy = np.asarray(points_xy, dtype=float).reshape(-1, 2)
    bits = coverage_bits(xy[:, 0], xy[:, 1], discs(sites, tech))
    frame = pd.DataFrame({name: (bits >> i) & 1 == 1 for i, name in enumerate(OPERATORS)})
    frame["any"] = bits != 0
    return frame


def site_shapes(sites: SiteModel, tech: str | tuple[str, ...]) -> gpd.GeoDataFrame:
    """Return one polygon per served disc or wedge of ``tech``, in ``sites.crs`` (metres).

    Columns: ``site`` (row position in ``bts_sites``), ``bits`` (operator mask), geometry.
    Discs are 64-gons; wedges follow their arc with 16 segments each.
    """
    d = discs(sites, tech)
    geometry = np.asarray(
        shapely.buffer(shapely.points(d.x, d.y), d.r, quad_segs=_ARC_SEGMENTS), dtype=object
    )
    sector = np.flatnonzero(d.sector)
    if len(sector):
        start = np.arctan2(d.e1x[sector], d.e1y[sector])
        end = np.arctan2(d.e2x[sector], d.e2y[sector])
        end = np.where(end < start, end + 2 * np.pi, end)
        t = start[:, None] + (end - start)[:, None] * np.linspace(0.0, 1.0, _ARC_SEGMENTS + 1)
        rim = np.stack(
            [
                d.x[sector, None] + d.r[sector, None] * np.sin(t),
                d.y[sector, None] + d.r[sector, None] * np.cos(t),
            ],
            -1,
        )
        apex = np.stack([d.x[sector], d.y[sector]], -1)[:, None, :]
        geometry[sector] = shapely.polygons(np.concatenate([apex, rim, apex], axis=1))
    return gpd.GeoDataFrame({"site": d.site, "bits": d.bits}, geometry=geometry, crs=sites.crs)


def coverage_areas(
    sites: SiteModel, tech: str | tuple[str, ...], *, per_operator: bool = True
) -> gpd.GeoDataFrame:
    """Return the area ``sites`` (:func:`prepare_sites`) serve with ``tech``, unioned, in EPSG:4326, for maps
    and exports.

    One row per operator with at least one site (``per_operator=True``), else one row
    ``operator="any"``. Columns: ``operator``, ``technology`` (e.g. ``"4G"`` or ``"4G+5G"``),
    ``n_sites``, ``area_km2`` (measured in the metric CRS) and geometry.
    """
    shapes = site_shapes(sites, tech)
    label = tech if isinstance(tech, str) else "+".join(tech)
    groups = [(name, (shapes["bits"].to_numpy() >> i) & 1 == 1) for i, name in enumerate(OPERATORS)]
    if not per_operator:
        groups = [("any", np.ones(len(shapes), dtype=bool))]
    rows = [
        {
            "operator": name,
            "technology": label,
            "n_sites": shapes["site"][mask].nunique(),
            "geometry": shapely.union_all(shapes.geometry.values[mask]),
        }
        for name, mask in groups
        if mask.any()
    ]
    areas = gpd.GeoDataFrame(rows, columns=["operator", "technology", "n_sites", "geometry"], crs=shapes.crs)
    areas["area_km2"] = areas.geometry.area / 1e6
    return areas.to_crs(STORAGE_CRS)[["operator", "technology", "n_sites", "area_km2", "geometry"]]
