"""Which sites reach a point, with how much margin, and the terrain profile of one path.

:func:`links_to_point` runs :func:`geo.compute.terrain.link_at` (the figures of ``geo link``) for every
site serving the technology within its longest path (:data:`geo.compute.pathloss.MAX_DISTANCE_M`)
whose free-space loss alone can still close the budget, best margin first. :func:`terrain_profile`
samples the DEM along one path the way the terrain model does (one sample per DEM cell crossed, the
earth's bulge for k = 4/3 added) and gives the line between the antennas, the first Fresnel zone
around it and the main obstruction, for a chart.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from geo.compute.coverage import SiteModel, has_technology, operator_bits, to_metric
from geo.compute.diffraction import EARTH_RADIUS_M, K_FACTOR
from geo.compute.pathloss import MAX_DISTANCE_M
from geo.compute.terrain import LinkError, free_space_db, link_at, site_links
from geo.model import Dataset
from geo.settings import OPERATORS

__all__ = ["LINK_COLUMNS", "links_to_point", "TerrainProfile", "terrain_profile"]

#: Columns of :func:`links_to_point`.
LINK_COLUMNS = [
    "site",
    "row",
    "operators",
    "distance_m",
    "total_loss_db",
    "budget_db",
    "margin_db",
    "diffraction_db",
    "line_of_sight",
    "covered",
    "model",
]
_SPEED_OF_LIGHT = 299_792_458.0


def links_to_point(
    dataset: Dataset, sites: SiteModel, lon: float, lat: float, *, technology: str = "4G", limit: int = 10
) -> pd.DataFrame:
    """The sites that may reach (``lon``, ``lat``) (degrees, EPSG:4326) with ``technology``, best first.

    One row per site (:data:`LINK_COLUMNS`): ``site`` (its ``site_id`` or ``#row``), ``row`` (position in
    ``bts_sites``), ``operators`` (canonical names), the figures of :func:`geo.compute.terrain.link_at`
    (``margin_db`` = budget − total loss, dB; positive closes the budget) and ``covered``. Sites out of
    range or whose free-space loss already exceeds the budget are not asked; at most ``limit`` rows, by
    margin. A point outside the DEM raises :class:`geo.compute.terrain.LinkError`.
    """
    gdf = dataset.layer("bts_sites")
    if gdf is None or gdf.empty:
        return pd.DataFrame(columns=LINK_COLUMNS)
    links = site_links(dataset)
    px, py = (np.asarray(v, float)[0] for v in to_metric(np.array([lon]), np.array([lat]), sites.crs))
    distance = np.hypot(sites.x - px, sites.y - py)
    serves = has_technology(gdf["technologies"], technology)
    free = free_space_db(np.hypot(distance, links.height - links.mobile_height_m), links.band[technology])
    asked = np.flatnonzero(
        serves & (distance <= MAX_DISTANCE_M[technology]) & (free <= links.budget[technology])
    )
    asked = asked[np.argsort(distance[asked], kind="stable")][: max(limit * 3, limit)]
    bits = operator_bits(gdf["operators"]) if "operators" in gdf else np.zeros(len(gdf), np.uint8)
    rows = []
    for i in asked:
        result = link_at(dataset, sites, int(i), lon, lat, technology=technology, links=links)
        names = ", ".join(name for k, name in enumerate(OPERATORS) if int(bits[i]) >> k & 1)
        rows.append({"row": int(i), "operators": names, **result})
    if not rows:
        return pd.DataFrame(columns=LINK_COLUMNS)
    table = pd.DataFrame(rows).sort_values(
        ["margin_db", "distance_m"], ascending=[False, True], kind="stable"
    )
    return table[LINK_COLUMNS].head(limit).reset_index(drop=True)


@dataclass(frozen=True)
class TerrainProfile:
    """One site–point path over the DEM, for a chart (metres).

    ``distance_m`` from the site; ``ground_m`` the terrain height plus the earth's bulge (k = 4/3) as
    the diffraction model sees it; ``line_m`` the straight line from the site's antenna to the
    handset; ``fresnel_m`` the first Fresnel zone's radius around it; ``obstruction`` the main
    obstruction as (distance from the site, ground height there) or None; ``site``/``technology``
    name the path."""

    site: str
    technology: str
    distance_m: np.ndarray
    ground_m: np.ndarray
    line_m: np.ndarray
    fresnel_m: np.ndarray
    obstruction: tuple[float, float] | None


def terrain_profile(
    dataset: Dataset, sites: SiteModel, row: int, lon: float, lat: float, *, technology: str = "4G"
) -> TerrainProfile | None:
    """The terrain profile from the site in row ``row`` of ``bts_sites`` to (``lon``, ``lat``), or None
    when the dataset has no usable DEM or the DEM has no height at either end."""
    dem = getattr(dataset, "dem", None)
    if dem is None or not dem.usable:
        return None
    links = site_links(dataset)
    px, py = (np.asarray(v, float) for v in to_metric(np.array([lon]), np.array([lat]), sites.crs))
    c0, r0 = dem.pixels(sites.x[[row]], sites.y[[row]], sites.crs)
    c1, r1 = dem.pixels(px, py, sites.crs)
    n = int(max(np.ceil(max(abs(c1[0] - c0[0]), abs(r1[0] - r0[0]))) + 1, 2))
    t = np.arange(n) / (n - 1)
    ground = dem.lookup(c0[0] + t * (c1[0] - c0[0]), r0[0] + t * (r1[0] - r0[0])).astype(float)
    if not (np.isfinite(ground[0]) and np.isfinite(ground[-1])):
        return None
    total = float(np.hypot(px[0] - sites.x[row], py[0] - sites.y[row]))
    d = t * total
    bulge = d * (total - d) / (2.0 * K_FACTOR * EARTH_RADIUS_M)
    top, end = ground[0] + float(links.height[row]), ground[-1] + links.mobile_height_m
    line = top + (end - top) * t
    wavelength = _SPEED_OF_LIGHT / (float(links.band[technology][row]) * 1e6)
    fresnel = np.sqrt(wavelength * d * (total - d) / max(total, 1.0))
    try:
        result = link_at(dataset, sites, row, lon, lat, technology=technology, links=links)
    except LinkError:
        return None
    obstruction = result.get("obstruction")
    at = None
    if obstruction:
        k = int(np.argmin(np.abs(d - obstruction["distance_m"])))
        at = (float(d[k]), float(ground[k] + bulge[k]))
    return TerrainProfile(str(result["site"]), technology, d, ground + bulge, line, fresnel, at)
