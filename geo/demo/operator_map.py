"""The demo's coverage evidence: one operator's reported map (a KMZ) and speed tests that dispute a village.

MobiFone hands the province its coverage map as Google Earth polygons (``vung_phu_mobifone.kmz``): per
technology, the union of discs of the rural radius of :class:`geo.settings.CoverageSettings` around its
sites (4G 3.5 km, 5G 800 m; every MobiFone site of the demo lies in a rural commune, so the map draws
what the disc model computes, polygonised). The map — like the disc model — says Bản Nà Hừ is covered,
but Nà Hừ lies behind the spur ridge of :mod:`geo.demo.dem`, and :data:`DISPUTED_TESTS` failing
MobiFone 4G tests taken there (downloads below 5 Mbit/s) dispute it (``python -m geo evidence``).
No random draws: the other layers stay as they were.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.settings import STORAGE_CRS, CoverageSettings

__all__ = [
    "REPORTING_OPERATOR",
    "DISPUTED_VILLAGE",
    "DISPUTED_TESTS",
    "operator_map",
    "disputing_tests",
    "write_kmz",
]

#: The operator whose map the demo has, the village its tests dispute and how many tests do.
REPORTING_OPERATOR = "MobiFone"
DISPUTED_VILLAGE = "Bản Nà Hừ"
DISPUTED_TESTS = 24
_ZIP_DATE = (2025, 1, 1, 0, 0, 0)


def operator_map(sites: gpd.GeoDataFrame, *, metric_crs: str) -> gpd.GeoDataFrame:
    """MobiFone's reported polygons (EPSG:4326): one (multi)polygon per technology, columns ``operator``,
    ``technology``."""
    radius = CoverageSettings().radius_m
    metric = sites.to_crs(metric_crs)
    mine = metric["operators"].astype(str).str.contains(REPORTING_OPERATOR, case=False).to_numpy()
    rows = []
    for tech in ("4G", "5G"):
        has = mine & metric["technologies"].astype(str).str.contains(tech, case=False).to_numpy()
        if has.any():
            discs = shapely.buffer(metric.geometry.to_numpy()[has], radius[tech]["rural"], quad_segs=32)
            rows.append((tech, shapely.union_all(discs)))
    gdf = gpd.GeoDataFrame(
        {"operator": REPORTING_OPERATOR, "technology": [t for t, _ in rows]},
        geometry=[g for _, g in rows],
        crs=metric_crs,
    )
    out = gdf.to_crs(STORAGE_CRS)
    return out.set_geometry(shapely.set_precision(out.geometry.to_numpy(), 1e-7))


def disputing_tests(villages: gpd.GeoDataFrame, columns: pd.Index, *, metric_crs: str) -> gpd.GeoDataFrame:
    """:data:`DISPUTED_TESTS` failing MobiFone 4G tests (0.6–3.9 Mbit/s) on a 40 m ring inside
    :data:`DISPUTED_VILLAGE`, in October 2025 (after every generated test), with ``columns``."""
    village = villages.loc[villages["name"] == DISPUTED_VILLAGE].to_crs(metric_crs).geometry.iloc[0]
    centre = shapely.point_on_surface(village)
    angle = np.arange(DISPUTED_TESTS) * 2 * np.pi / DISPUTED_TESTS
    ring = shapely.points(centre.x + 40 * np.cos(angle), centre.y + 40 * np.sin(angle))
    ring = np.where(shapely.contains(village, ring), ring, centre)
    download = np.round(0.6 + 3.3 * np.arange(DISPUTED_TESTS) / (DISPUTED_TESTS - 1), 2)
    table = pd.DataFrame(
        {
            "time": np.datetime64("2025-10-01T08:00:00", "s")
            + np.arange(DISPUTED_TESTS) * np.timedelta64(3, "h"),
            "network": "di động",
            "operator": REPORTING_OPERATOR,
            "download_mbps": download,
            "upload_mbps": np.round(download * 0.25, 2),
            "latency_ms": np.int64(95),
        }
    )
    gdf = gpd.GeoDataFrame(table, geometry=ring, crs=metric_crs).to_crs(STORAGE_CRS)
    return gdf[[c for c in columns if c in gdf.columns]]


def write_kmz(gdf: gpd.GeoDataFrame, path: Path, columns: dict[str, str]) -> Path:
    """Write ``gdf`` (EPSG:4326 polygons) as a KMZ as Google Earth saves one: a ``<Folder>`` of placemarks
    whose ``<ExtendedData>`` holds ``columns`` (field → name in the file); ``doc.kml`` is zipped with a
    pinned date, so regenerating is byte-stable."""
    placemarks = []
    for _, feature in gdf.iterrows():  # a handful of polygons, one per technology
        data = "".join(
            f'<Data name="{escape(name)}"><value>{escape(str(feature[field]))}</value></Data>'
            for field, name in columns.items()
        )
        title = escape(" ".join(str(feature[field]) for field in columns))
        placemarks.append(
            f"<Placemark><name>{title}</name><ExtendedData>{data}</ExtendedData>"
            f"{_kml_geometry(feature.geometry)}</Placemark>"
        )
    kml = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<kml xmlns="http://www.opengis.net/kml/2.2"><Document>'
        f"<name>{escape(path.stem)}</name><Folder><name>vung_phu</name>{''.join(placemarks)}</Folder>"
        "</Document></kml>\n"
    )
    path.unlink(missing_ok=True)
    with zipfile.ZipFile(path, "w") as kmz:
        info = zipfile.ZipInfo("doc.kml", date_time=_ZIP_DATE)
        kmz.writestr(info, kml.encode("utf-8"), zipfile.ZIP_DEFLATED)
    return path


def _ring(coords: np.ndarray) -> str:
    text = " ".join(f"{x:.7f},{y:.7f}" for x, y in coords[:, :2])
    return f"<LinearRing><coordinates>{text}</coordinates></LinearRing>"


def _kml_geometry(geometry: shapely.Geometry) -> str:
    """A (multi)polygon as KML ``<Polygon>`` / ``<MultiGeometry>``, lon,lat with 7 decimals."""
    polygons = list(geometry.geoms) if geometry.geom_type == "MultiPolygon" else [geometry]
    parts = [
        f"<Polygon><outerBoundaryIs>{_ring(np.asarray(p.exterior.coords))}</outerBoundaryIs>"
        + "".join(f"<innerBoundaryIs>{_ring(np.asarray(r.coords))}</innerBoundaryIs>" for r in p.interiors)
        + "</Polygon>"
        for p in polygons
    ]
    return parts[0] if len(parts) == 1 else f"<MultiGeometry>{''.join(parts)}</MultiGeometry>"
