"""Operators' reported coverage: their polygons per operator and technology, as a coverage source.

An ``operator_coverage`` layer (GeoPackage/Shapefile/KML/KMZ; columns ``operator``, ``technology``,
optional ``signal_dbm``) holds the maps operators hand to provincial departments. A sample point (the
same grid samples and settlement points :func:`geo.compute.indicators.village_coverage` uses, so the
same covered-share rule applies) is covered by an operator's report when it lies in (or on the edge
of) one of that operator's polygons of the technology.

``settings.coverage.source`` decides what the indicator uses (:func:`combine_bits`):

* ``auto`` (default): reported for the operators who gave a map of the technology, modelled for the
  others;
* ``reported``: only the maps (an operator without a map covers nothing);
* ``modelled``: only the model (radius / pathloss / terrain), as without the layer;
* ``measured``: as ``auto`` at every sample point; :mod:`geo.compute.measured` then judges the villages
  with enough speed tests by them.

Bits are uint8 operator masks (bit ``i`` = :data:`geo.settings.OPERATORS` ``[i]``).
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import shapely

from geo.compute.coverage import SiteModel, coverage_areas, has_technology, operator_bits
from geo.model import Dataset
from geo.settings import OPERATORS, STORAGE_CRS, CoverageSettings

__all__ = [
    "REPORTED",
    "MODELLED",
    "ReportedMaps",
    "reported_maps",
    "combine_bits",
    "decided_by",
    "served_areas",
]

#: Values of the ``source`` column of the coverage table.
REPORTED, MODELLED = "reported", "modelled"


@dataclass(frozen=True)
class ReportedMaps:
    """One technology's reported polygons in the metric CRS, with each polygon's operator bit."""

    polygons: np.ndarray
    bits: np.ndarray

    @property
    def given(self) -> int:
        """Mask of the operators who gave at least one polygon."""
        return int(np.bitwise_or.reduce(self.bits, initial=0))

    def bits_at(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Operator mask per metric point ``x``/``y`` (m): the operators whose polygons hold it."""
        out = np.zeros(len(x), dtype=np.uint8)
        if not len(self.polygons) or not len(x):
            return out
        tree = shapely.STRtree(self.polygons)
        point, polygon = tree.query(shapely.points(x, y), predicate="intersects")
        np.bitwise_or.at(out, point, self.bits[polygon])
        return out


def reported_maps(dataset: Dataset, tech: str | tuple[str, ...]) -> ReportedMaps | None:
    """The reported polygons of ``tech`` (one technology or a tuple: any of them), or None without the layer.

    Polygons are reprojected to ``settings.metric_crs``; features naming another technology are left out,
    and so are those whose ``signal_dbm`` is below ``settings.coverage.reported_min_dbm`` of the
    technology (a feature without the figure covers). Grid cells arrive as squares
    (:mod:`geo.io.grid_cells`).
    """
    gdf = dataset.layer("operator_coverage")
    if gdf is None or "operator" not in gdf or "technology" not in gdf:
        return None
    techs = (tech,) if isinstance(tech, str) else tuple(tech)
    signal = gdf["signal_dbm"].to_numpy(float) if "signal_dbm" in gdf else np.full(len(gdf), np.nan)
    floor = {**CoverageSettings().reported_min_dbm, **dataset.settings.coverage.reported_min_dbm}
    mine = np.logical_or.reduce(
        [has_technology(gdf["technology"], t) & ~(signal < floor.get(t, floor["4G"])) for t in techs]
    )
    polygons = gdf.geometry.to_crs(dataset.settings.metric_crs).to_numpy()[mine]
    return ReportedMaps(polygons, operator_bits(gdf["operator"])[mine])


def combine_bits(modelled: np.ndarray, reported: np.ndarray, given: int, source: str) -> np.ndarray:
    """The operator mask the indicator uses per point, for ``settings.coverage.source`` = ``source``."""
    if source == MODELLED:
        return modelled
    if source == REPORTED:
        return reported
    return (modelled & ~np.uint8(given)) | (reported & np.uint8(given))


def decided_by(share_reported: np.ndarray, share_modelled: np.ndarray, source: str) -> np.ndarray:
    """Which source decided each village: under ``auto`` the one whose operators cover the larger share
    (reported on ties, since a map was given); otherwise the chosen source."""
    if source in (MODELLED, REPORTED):
        return np.full(len(share_reported), source, dtype=object)
    return np.where(
        np.nan_to_num(share_reported) >= np.nan_to_num(share_modelled), REPORTED, MODELLED
    ).astype(object)


def served_areas(
    dataset: Dataset, sites: SiteModel, tech: str | tuple[str, ...], *, per_operator: bool, source: str
) -> gpd.GeoDataFrame:
    """The area served with ``tech`` as the coverage source ``source`` counts it, for maps and print maps.

    The model's areas (:func:`geo.compute.coverage.coverage_areas`, same columns, EPSG:4326), except that
    an operator who gave a map of ``tech`` is drawn from its map under ``auto`` and ``measured`` (as
    :func:`combine_bits` counts its points), and under ``reported`` only the operators' maps are drawn.
    ``n_sites`` stays the operator's count of modelled sites; ``area_km2`` is measured in the metric CRS.
    """
    model = coverage_areas(sites, tech, per_operator=per_operator)
    maps = reported_maps(dataset, tech)
    if source == MODELLED or maps is None or not len(maps.polygons):
        return model
    crs = dataset.settings.metric_crs
    shapes = {}
    if source != REPORTED:  # the model's shapes, replaced below for the operators who gave a map
        by_operator = model if per_operator else coverage_areas(sites, tech, per_operator=True)
        shapes = dict(zip(by_operator["operator"], by_operator.to_crs(crs).geometry, strict=True))
    for i, name in enumerate(OPERATORS):
        if maps.given >> i & 1:
            shapes[name] = shapely.union_all(maps.polygons[(maps.bits >> i & 1) == 1])
    if not per_operator:
        shapes = {"any": shapely.union_all(list(shapes.values()))}
    counts = dict(zip(model["operator"], model["n_sites"], strict=True))
    label = tech if isinstance(tech, str) else "+".join(tech)
    rows = [
        {"operator": name, "technology": label, "n_sites": counts.get(name, 0), "geometry": shape}
        for name, shape in shapes.items()
    ]
    areas = gpd.GeoDataFrame(rows, columns=["operator", "technology", "n_sites", "geometry"], crs=crs)
    areas["area_km2"] = areas.geometry.area / 1e6
    return areas.to_crs(STORAGE_CRS)[list(model.columns)]
