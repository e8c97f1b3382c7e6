"""Benchmark-sized demo territories: a province (~100 communes) and the nation (~3,300 communes).

Same schema and manifest as the village demo, generated fast (vectorised numpy/shapely,
one Voronoi tiling for all villages): villages are Voronoi cells of random seeds inside an
outline (a Điện Biên-sized polygon, or a rough outline of Vietnam), communes group the
villages around random commune seeds and are their unions, provinces likewise. Seeds
cluster around a few towns, so points and people are denser there. Coordinates are
EPSG:4326 degrees throughout; names and codes are fictional.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.demo.dem import bulk_dem
from geo.demo.geometry import dissolve_by, nearest_index, sample_in, snap, voronoi_tiles
from geo.demo.stats import speed_measurements, unit_stats
from geo.demo.write import DemoData
from geo.settings import STORAGE_CRS

__all__ = ["BULK_SCALES", "build_bulk"]

_GRID_DEG = 1e-7

# A rough outline of Vietnam (lon, lat), inside geo.settings.VIETNAM_BOUNDS.
_VIETNAM = [
    (102.15, 22.40), (102.50, 22.75), (103.00, 22.60), (103.50, 22.78), (104.00, 22.80), (104.80, 23.20),
    (105.30, 23.35), (105.90, 22.95), (106.70, 22.85), (106.75, 22.35), (107.40, 21.95), (108.00, 21.55),
    (107.00, 20.90), (106.60, 20.30), (106.00, 19.90), (105.75, 19.10), (106.20, 18.30), (106.80, 17.40),
    (107.60, 16.50), (108.25, 16.05), (108.90, 15.10), (109.25, 13.80), (109.35, 13.00), (109.20, 12.20),
    (109.00, 11.60), (108.10, 10.90), (107.10, 10.35), (106.60, 9.70), (105.00, 8.60), (104.80, 10.00),
    (104.45, 10.40), (105.10, 10.95), (106.20, 11.00), (106.40, 11.70), (107.50, 12.30), (107.55, 13.00),
    (107.50, 14.00), (107.60, 14.60), (107.30, 15.50), (107.00, 16.20), (106.50, 16.50), (105.80, 17.50),
    (105.10, 18.20), (104.40, 18.90), (104.00, 19.30), (104.90, 20.25), (104.30, 20.90), (103.20, 20.80),
    (102.85, 21.40), (102.40, 21.80),
]  # fmt: skip
# A Điện Biên-sized province (about 9,500 km²).
_PROVINCE = [
    (102.20, 21.90), (102.60, 22.45), (103.00, 22.50), (103.30, 22.30), (103.55, 21.90), (103.60, 21.50),
    (103.40, 21.10), (103.10, 20.95), (102.80, 21.05), (102.60, 21.30), (102.30, 21.50),
]  # fmt: skip

_SYLLABLES = (
    "An", "Bình", "Hòa", "Phú", "Tân", "Thạnh", "Long", "Phước", "Hưng", "Thịnh", "Đông", "Tây", "Nam",
    "Bắc", "Trung", "Quang", "Minh", "Đức", "Thắng", "Lợi", "Hợp", "Tiến", "Thành", "Xuân", "Hải", "Sơn",
    "Lâm", "Thủy", "Mỹ", "Vĩnh", "Phong", "Lạc", "Khánh", "Định", "Yên", "Kim", "Ngọc", "Cát", "Hà", "Lộc",
    "Thái", "Hồng", "Cẩm", "Đại", "Thượng", "Hạ", "Tam", "Kiến", "Nghĩa", "Thuận", "Nậm", "Pá", "Huổi",
    "Phìn", "Mường", "Na", "Co",
)  # fmt: skip
# Two-digit province codes the statistics office never assigned (the 63 former provinces hold the
# others), so fictional provinces cannot pass for real ones; the province scale takes "99".
_UNUSED_PROVINCE_CODES = (
    "03", "05", "07", "09", "13", "16", "18", "21", "23", "28", "29", "32",
    "39", "41", "43", "47", "50", "53", "55", "57", "59", "61", "63", "65",
    "69", "71", "73", "76", "78", "81", "85", "88", "90", "97", "98", "99",
)  # fmt: skip
_PLACE_KINDS = np.array(["Nhà văn hóa thôn", "Trường học", "Trạm y tế", "UBND xã", "Chợ", "Bến xe"])
_PLACE_WEIGHTS = np.array([0.55, 0.22, 0.08, 0.08, 0.06, 0.01])


@dataclass(frozen=True)
class _Scale:
    name: str
    outline: list[tuple[float, float]]
    provinces: int
    communes: int
    villages: int
    sites: int
    speed_tests: int
    public_places: int
    wifi_points: int
    settlements: int
    province: str | None
    metric_crs: str | None
    spread_deg: float  # spread of seeds around a town


_SCALES = {
    "province": _Scale(
        "Tỉnh Sông Nậm (dữ liệu mô phỏng, quy mô tỉnh)",
        _PROVINCE, 1, 100, 2_000, 3_000, 50_000, 1_700, 1_400, 2_000, "Điện Biên", "EPSG:9205", 0.04,
    ),
    "national": _Scale(
        "Việt Nam (dữ liệu mô phỏng, quy mô quốc gia)",
        _VIETNAM, 34, 3_300, 70_000, 120_000, 1_000_000, 60_000, 50_000, 70_000, None, None, 0.08,
    ),
}  # fmt: skip

#: DEM cell size per scale: 1″ (≈ 30 m, as SRTM/ALOS) for the province, 10″ (≈ 300 m) for the nation.
_DEM_CELL_DEG = {"province": 1 / 3600, "national": 10 / 3600}

#: Scales this module builds.
BULK_SCALES = tuple(_SCALES)


def build_bulk(scale: str, rng: np.random.Generator) -> DemoData:
    """Return the ``scale`` benchmark territory ("province" or "national") drawn with ``rng``.

    Counts match the scale's specification exactly (villages, communes, provinces, site rows,
    speed tests, places, Wi-Fi points, settlements). Villages name their commune by code.
    """
    spec = _SCALES[scale]
    outline = shapely.Polygon(spec.outline)
    seeds = _seeds(spec, outline, rng)
    commune_of = nearest_index(seeds, seeds[: spec.communes])
    province_of = nearest_index(seeds[: spec.communes], seeds[: spec.provinces])
    cells = snap(voronoi_tiles(seeds, outline), _GRID_DEG)

    maturity = rng.beta(2.0, 3.0, spec.communes)
    maturity[: spec.provinces] = np.maximum(maturity[: spec.provinces], 0.85)  # province capitals
    urban = maturity > 0.75
    province_code, communes_code = _codes(spec)
    villages = _villages(rng, cells, commune_of, communes_code, urban, maturity)
    communes = _units(
        villages,
        key="parent",
        codes=communes_code,
        names=np.char.add(np.where(urban, "Phường ", "Xã "), _names(rng, spec.communes)),
        parent=province_code[province_of],
        kind=np.where(urban, "Phường", "Xã"),
    )
    communes["urban"] = urban.astype(np.int64)
    provinces = _units(
        communes,
        key="parent",
        codes=province_code,
        names=np.array([spec.name])
        if spec.provinces == 1
        else np.char.add("Tỉnh mô phỏng số ", province_code),
    )
    village_xy = seeds
    weight = villages["population"].to_numpy(float) * (0.3 + maturity[commune_of])
    layers = {
        "provinces": provinces,
        "communes": communes,
        "villages": villages,
        "bts_sites": _sites(rng, spec, village_xy, weight, urban[commune_of]),
        "public_places": (places := _places(rng, spec, village_xy)),
        "wifi_points": _wifi(rng, spec, places),
        "speed_tests": _tests(rng, spec, village_xy, weight, maturity[commune_of]),
        "settlements": _settlements(rng, spec, village_xy),
    }
    units = pd.DataFrame(
        {
            "code": np.concatenate([province_code, communes_code]),
            "name": np.concatenate([provinces["name"].to_numpy(), communes["name"].to_numpy()]),
            "level": ["Tỉnh"] * spec.provinces + list(communes["kind"]),
            "maturity": np.concatenate([np.full(spec.provinces, 0.5), maturity]),
        }
    )
    stats = unit_stats(units, rng, missing=[(None, "gigabit_fibre_access", 2022)])
    return DemoData(
        name=spec.name,
        province=spec.province,
        metric_crs=spec.metric_crs,
        layers=layers,
        unit_stats=stats,
        village_parent="code",
        bulk=True,
        dem=bulk_dem(tuple(np.round(outline.buffer(0.05).bounds, 2)), _DEM_CELL_DEG[scale]),
    )


def _codes(spec: _Scale) -> tuple[np.ndarray, np.ndarray]:
    """Fictional province codes and 5-digit commune codes ("99001"… below 1,000 communes, else "90001"…)."""
    provinces = np.array(
        _UNUSED_PROVINCE_CODES[-spec.provinces :]
        if spec.provinces == 1
        else _UNUSED_PROVINCE_CODES[: spec.provinces]
    )
    prefix, width = ("99", 3) if spec.communes < 1000 else ("9", 4)
    communes = np.char.add(prefix, np.char.zfill((np.arange(spec.communes) + 1).astype(str), width))
    return provinces, communes


def _seeds(spec: _Scale, outline: shapely.Polygon, rng: np.random.Generator) -> np.ndarray:
    """Village seeds: 60 % uniform in the outline, 40 % clustered around towns (kept inside)."""
    uniform = sample_in(outline, spec.villages, rng)
    n_cluster = int(spec.villages * 0.4)
    towns = uniform[rng.integers(0, spec.villages, max(spec.communes // 10, 1))]
    near = towns[rng.integers(0, len(towns), n_cluster)] + rng.normal(0.0, spec.spread_deg, (n_cluster, 2))
    near = near[shapely.contains_xy(outline, near[:, 0], near[:, 1])]
    seeds = np.concatenate([near, uniform])[: spec.villages]
    return seeds[rng.permutation(len(seeds))]


def _names(rng: np.random.Generator, n: int) -> np.ndarray:
    """``n`` two-syllable Vietnamese place names (repeats possible, as in reality)."""
    words = np.array(_SYLLABLES)
    return np.char.add(np.char.add(rng.choice(words, n), " "), rng.choice(words, n))


def _villages(
    rng: np.random.Generator,
    cells: np.ndarray,
    commune_of: np.ndarray,
    communes_code: np.ndarray,
    urban: np.ndarray,
    maturity: np.ndarray,
) -> gpd.GeoDataFrame:
    """Villages: names unique within their commune, sizes, FTTH flag; ``parent`` is the commune code."""
    n = len(cells)
    town = urban[commune_of]
    rank = pd.Series(commune_of).groupby(commune_of).cumcount().to_numpy() + 1
    # "Thôn X" and "Bản X" are one name once the prefix is dropped: number repeats of the bare name.
    bare = pd.Series(_names(rng, n))
    repeat = bare.groupby([commune_of, bare]).cumcount().to_numpy()
    bare = bare.where(repeat == 0, bare + " " + (repeat + 1).astype(str))
    rural = np.where(rng.uniform(0, 1, n) < 0.6, "Thôn ", "Bản ") + bare
    names = pd.Series(np.where(town, np.char.add("Tổ dân phố ", rank.astype(str)), rural))
    households = rng.integers(40, 260, n)
    ftth = np.where(rng.uniform(0, 1, n) < 0.35 + 0.6 * maturity[commune_of], "Có", "Không")
    return gpd.GeoDataFrame(
        {
            "name": names.to_numpy(),
            "parent": communes_code[commune_of],
            "kind": np.where(town, "Tổ dân phố", names.str.split(" ", n=1).str[0]),
            "households": households,
            "population": np.round(households * np.where(town, 3.6, 4.4)).astype(np.int64),
            "ftth": ftth,
        },
        geometry=cells,
        crs=STORAGE_CRS,
    )


def _units(
    lower: gpd.GeoDataFrame,
    *,
    key: str,
    codes: np.ndarray,
    names: np.ndarray,
    parent: np.ndarray | None = None,
    kind: np.ndarray | None = None,
) -> gpd.GeoDataFrame:
    """Unit polygons as unions of the ``lower`` units sharing ``key`` (a code), with summed sizes."""
    shapes = dissolve_by(lower.geometry.values, lower[key].to_numpy(), crs=STORAGE_CRS).set_index("key")
    totals = lower.groupby(key)[["population", "households"]].sum()
    columns = {"code": codes, "name": names}
    columns |= {"parent": parent} if parent is not None else {}
    columns |= {"kind": kind} if kind is not None else {}
    return gpd.GeoDataFrame(
        {**columns, **{c: totals[c].reindex(codes).to_numpy() for c in ("population", "households")}},
        geometry=shapes.geometry.reindex(codes).values,
        crs=STORAGE_CRS,
    )


def _jitter(rng: np.random.Generator, xy: np.ndarray, sigma_deg: float) -> np.ndarray:
    """Return points normally scattered (standard deviation ``sigma_deg`` degrees) around ``xy``."""
    return xy + rng.normal(0.0, sigma_deg, xy.shape)


def _sites(
    rng: np.random.Generator, spec: _Scale, xy: np.ndarray, weight: np.ndarray, town: np.ndarray
) -> gpd.GeoDataFrame:
    """BTS rows near villages (by weight); about 30 % of sites get a second operator's row 3 m away."""
    n_sites = int(spec.sites / 1.3)
    at = rng.choice(len(xy), n_sites, p=weight / weight.sum())
    site_xy = _jitter(rng, xy[at], 0.005)
    shared = np.sort(rng.choice(n_sites, spec.sites - n_sites, replace=False))
    site = np.concatenate([np.arange(n_sites), shared])
    rows_xy = site_xy[site] + np.where(np.arange(len(site)) >= n_sites, 3e-5, 0.0)[:, None]
    operators = np.array(["Viettel", "VNPT", "MobiFone"])
    first = rng.integers(0, 3, n_sites)
    op = np.concatenate([first, (first[shared] + 1 + rng.integers(0, 2, len(shared))) % 3])
    five_g = town[at][site] & (rng.uniform(0, 1, len(site)) < 0.4)
    tech = np.where(five_g, "2G;3G;4G;5G", np.where(rng.uniform(0, 1, len(site)) < 0.9, "2G;3G;4G", "2G"))
    return gpd.GeoDataFrame(
        {
            "site_id": np.char.add("BTS", np.char.zfill(np.arange(1, len(site) + 1).astype(str), 6)),
            "operators": operators[op],
            "technologies": tech,
            "height_m": rng.choice([30, 36, 42, 45], len(site)),
        },
        geometry=shapely.points(rows_xy),
        crs=STORAGE_CRS,
    )


def _places(rng: np.random.Generator, spec: _Scale, xy: np.ndarray) -> gpd.GeoDataFrame:
    """Public places of the usual kinds near random villages."""
    at = rng.integers(0, len(xy), spec.public_places)
    kind = rng.choice(_PLACE_KINDS, spec.public_places, p=_PLACE_WEIGHTS)
    return gpd.GeoDataFrame(
        {
            "kind": kind,
            "name": np.char.add(np.char.add(kind, " "), (np.arange(spec.public_places) + 1).astype(str)),
        },
        geometry=shapely.points(_jitter(rng, xy[at], 0.002)),
        crs=STORAGE_CRS,
    )


def _wifi(rng: np.random.Generator, spec: _Scale, places: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Wi-Fi points 10–40 m from random public places; 80 % free."""
    at = rng.choice(len(places), spec.wifi_points, replace=False)
    xy = shapely.get_coordinates(places.geometry.values[at])
    return gpd.GeoDataFrame(
        {
            "name": np.char.add("Wi-Fi ", places["name"].to_numpy()[at]),
            "free": np.where(rng.uniform(0, 1, spec.wifi_points) < 0.8, "Có", "Không"),
            "provider": rng.choice(["VNPT", "Viettel", "FPT"], spec.wifi_points),
            "place_kind": places["kind"].to_numpy()[at],
        },
        geometry=shapely.points(_jitter(rng, xy, 0.0002)),
        crs=STORAGE_CRS,
    )


def _tests(
    rng: np.random.Generator, spec: _Scale, xy: np.ndarray, weight: np.ndarray, maturity: np.ndarray
) -> gpd.GeoDataFrame:
    """Speed tests near villages, weighted towards big, well-served ones."""
    at = rng.choice(len(xy), spec.speed_tests, p=weight / weight.sum())
    table = speed_measurements(
        rng,
        maturity[at],
        fixed_share=np.full(len(at), 0.4),
        five_g_share=np.where(maturity[at] > 0.75, 0.1, 0.0),
    )
    return gpd.GeoDataFrame(table, geometry=shapely.points(_jitter(rng, xy[at], 0.004)), crs=STORAGE_CRS)


def _settlements(rng: np.random.Generator, spec: _Scale, xy: np.ndarray) -> gpd.GeoDataFrame:
    """Clusters of houses near random villages, 10–80 households each."""
    at = rng.integers(0, len(xy), spec.settlements)
    households = rng.integers(10, 80, spec.settlements)
    return gpd.GeoDataFrame(
        {
            "name": np.char.add("Cụm dân cư ", (np.arange(spec.settlements) + 1).astype(str)),
            "households": households,
            "population": np.round(households * 4.4).astype(np.int64),
        },
        geometry=shapely.points(_jitter(rng, xy[at], 0.003)),
        crs=STORAGE_CRS,
    )
