"""Generated elevation models (``dem.tif``) for the demo scales, consistent with the story.

- **village** (bundled, EPSG:9205 metres, 30 m cells, int16, deflate): the main river valley
  runs north-west to south-east through the two wards at about 280 m, its sides climb to
  about 1,000 m; the Huổi Mí side valley climbs north-east from its mouth by the Viettel /
  MobiFone site at the valley mouth; a spur ridge (:data:`RIDGE_KM`) comes down from the
  valley's north-west wall to the stream between Bản Huổi Mí and Bản Nà Hừ, so that with the
  terrain model Bản Nà Hừ — inside the disc model's 4G coverage — lies behind it (and so does
  Bản Co Pục further up), while Bản Huổi Mí in front of it
  stays covered.
- **province** (EPSG:4326, 1″ ≈ 30 m cells like SRTM/ALOS tiles) and **national** (10″ ≈ 300 m,
  to stay within memory): rolling mountains 200–1,800 m from a sum of separable waves.

Heights come from fixed formulas and their own fixed-seed generator, so adding the DEM
changes no other file of the demo. Every file is written by :func:`write_dem`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

__all__ = ["RIDGE_KM", "DemGrid", "village_dem", "bulk_dem", "write_dem"]

#: The spur ridge into the Huổi Mí valley: (x, y) km from the town centre of its two ends, crest
#: height above the valley floor (m) and half-width (km).
RIDGE_KM = ((1.47, 3.13), (2.85, 1.61), 330.0, 0.22)
_MOUTH_KM, _HEAD_KM = (1.2, 0.8), (8.0, 6.6)
_CELL_M = 30.0


class DemGrid(tuple):
    """(heights int16 rows × columns, affine transform (a, b, c, d, e, f), CRS text)."""

    __slots__ = ()

    def __new__(cls, heights: np.ndarray, transform: tuple[float, ...], crs: str):
        return super().__new__(cls, (heights, transform, crs))


def _segment(x: np.ndarray, y: np.ndarray, a, b) -> tuple[np.ndarray, np.ndarray]:
    """(t along a→b, clipped to 0…1; distance to the segment) for points (x, y)."""
    ax, ay = a
    bx, by = b
    vx, vy = bx - ax, by - ay
    t = np.clip(((x - ax) * vx + (y - ay) * vy) / (vx * vx + vy * vy), 0.0, 1.0)
    return t, np.hypot(x - (ax + t * vx), y - (ay + t * vy))


def village_heights(x_km: np.ndarray, y_km: np.ndarray) -> np.ndarray:
    """Ground height (m) at km offsets from the Sông Nậm town centre (see the module docstring)."""
    across = np.abs(x_km + y_km) / np.sqrt(2.0)  # distance from the main river (NW–SE through the centre)
    along = (y_km - x_km) / np.sqrt(2.0)  # upstream is north-west
    main = 280.0 + 4.0 * along + 60.0 * across**1.6  # a U-shaped valley: its sides see each other
    t, off = _segment(x_km, y_km, _MOUTH_KM, _HEAD_KM)
    side = 300.0 + 520.0 * t + 90.0 * off**1.6
    ground = np.minimum(main, np.where(off < 3.0, side, main))
    a, b, crest, half = RIDGE_KM
    _, to_ridge = _segment(x_km, y_km, a, b)
    ground = ground + crest * np.exp(-((to_ridge / half) ** 2)) * (off < 2.2)
    ripple = 5.0 * np.sin(x_km * 2.1) * np.cos(y_km * 1.7) + 3.0 * np.sin(y_km * 3.3 + 1.0)
    return ground + ripple


def village_dem(origin_m: np.ndarray, crs: str, *, extent_km=(-8.5, -8.0, 10.0, 9.0)) -> DemGrid:
    """The bundled demo's DEM: 30 m cells over ``extent_km`` (x0, y0, x1, y1) around ``origin_m``."""
    x0, y0, x1, y1 = extent_km
    cols, rows = round((x1 - x0) * 1000 / _CELL_M), round((y1 - y0) * 1000 / _CELL_M)
    xs = x0 + (np.arange(cols) + 0.5) * _CELL_M / 1000
    ys = y1 - (np.arange(rows) + 0.5) * _CELL_M / 1000
    heights = village_heights(xs[None, :], ys[:, None])
    left, top = origin_m[0] + x0 * 1000, origin_m[1] + y1 * 1000
    return DemGrid(np.round(heights).astype(np.int16), (_CELL_M, 0.0, left, 0.0, -_CELL_M, top), crs)


def bulk_dem(bounds: tuple[float, float, float, float], cell_deg: float) -> DemGrid:
    """Mountains over lon/lat ``bounds`` with ``cell_deg`` cells (EPSG:4326), from fixed waves."""
    rng = np.random.default_rng(526)
    lon0, lat0, lon1, lat1 = bounds
    cols, rows = int(np.ceil((lon1 - lon0) / cell_deg)), int(np.ceil((lat1 - lat0) / cell_deg))
    lon = lon0 + (np.arange(cols) + 0.5) * cell_deg
    lat = lat1 - (np.arange(rows) + 0.5) * cell_deg
    waves_y, waves_x = [], []
    for wavelength_km, amplitude in ((60, 380), (25, 260), (11, 170), (5, 90), (2.2, 35)):
        for _ in range(2):
            kx = 2 * np.pi * 111.0 / (wavelength_km * rng.uniform(0.7, 1.3))
            ky = 2 * np.pi * 111.0 / (wavelength_km * rng.uniform(0.7, 1.3))
            waves_x.append(np.cos(kx * lon + rng.uniform(0, 2 * np.pi)))
            waves_y.append(amplitude / 2 * np.cos(ky * lat + rng.uniform(0, 2 * np.pi)))
    # the sum of separable waves is one matrix product: (rows × waves) @ (waves × columns)
    heights = np.asarray(waves_y, np.float32).T @ np.asarray(waves_x, np.float32)
    np.clip(heights, 150.0 - 700.0, 2_800.0 - 700.0, out=heights)
    heights += np.float32(700.0)
    return DemGrid(heights.astype(np.int16), (cell_deg, 0.0, lon0, 0.0, -cell_deg, lat1), "EPSG:4326")


def write_dem(path: Path, grid: DemGrid, *, level: int = 9) -> Path:
    """Write ``grid`` as a tiled int16 GeoTIFF (deflate ``level``, horizontal predictor), no nodata."""
    import rasterio
    from affine import Affine

    heights, transform, crs = grid
    profile = {
        "driver": "GTiff",
        "width": heights.shape[1],
        "height": heights.shape[0],
        "count": 1,
        "dtype": "int16",
        "crs": crs,
        "transform": Affine(*transform),
        "compress": "deflate",
        "predictor": 2,
        "zlevel": level,
        "tiled": True,
        "blockxsize": 256,
        "blockysize": 256,
        "num_threads": "all_cpus",
    }
    path.unlink(missing_ok=True)
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(heights, 1)
    return path
