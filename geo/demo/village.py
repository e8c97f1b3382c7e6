"""The bundled demo: thị xã Sông Nậm, a fictional mountain-valley town in Điện Biên.

About 140 km² around 103.2°E, 22.05°N: two wards (phường) in the valley centre, five
communes (xã) along the river and in the mountains, 60 villages. The story a planner
recognises (see :data:`STORY`): the centre meets most targets; four bản up the Huổi Mí
side valley have no 4G (the nearest 4G site is more than 4 km away, only a 2G site
serves them) and no fibre; Xã Lả Ngù's cultural houses have no free Wi-Fi; a few
statistics are missing. Positions are hand-placed (:mod:`geo.demo.layout`); sizes, speeds
and statistics are drawn from the caller's random generator.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer

from geo.demo.dem import village_dem
from geo.demo.geometry import dissolve_by, scatter_near, snap, voronoi_tiles
from geo.demo.layout import CENTRE_LONLAT, COMMUNES, METRIC_CRS, OUTLINE_KM, SITES, TOWN
from geo.demo.operator_map import disputing_tests, operator_map
from geo.demo.reference import reference_layers
from geo.demo.stats import speed_measurements, unit_stats
from geo.demo.write import DemoData
from geo.settings import STORAGE_CRS

__all__ = ["STORY", "Story", "build_village"]

_GRID_DEG = 1e-7  # coordinates snapped to ~1 cm so shared edges stay identical in every file


@dataclass(frozen=True)
class Story:
    """What the demo shows, for tests and the README.

    ``remote_villages`` (all in ``remote_commune``) lie more than ``remote_min_km`` from every
    4G/5G site; ``no_free_wifi_commune``'s cultural houses have no free Wi-Fi within 50 m.
    """

    town: str
    remote_commune: str
    remote_villages: tuple[str, ...]
    remote_min_km: float
    no_free_wifi_commune: str
    five_g_communes: tuple[str, ...]


STORY = Story(
    town=TOWN[1],
    remote_commune="Xã Huổi Mí",
    remote_villages=tuple(v[0] for c in COMMUNES for v in c.villages if "R" in v[3]),
    remote_min_km=4.0,
    no_free_wifi_commune="Xã Lả Ngù",
    five_g_communes=("Phường Sông Nậm", "Phường Na Phát"),
)


def build_village(rng: np.random.Generator) -> DemoData:
    """Return the Sông Nậm demo town (EPSG:4326 layers, wide statistics) drawn with ``rng``."""
    origin = np.array(Transformer.from_crs(STORAGE_CRS, METRIC_CRS, always_xy=True).transform(*CENTRE_LONLAT))
    villages = _villages(rng, origin)
    communes = _communes(villages)
    town = gpd.GeoDataFrame(
        {
            "code": [TOWN[0]],
            "name": [TOWN[1]],
            "population": [communes["population"].sum()],
            "households": [communes["households"].sum()],
        },
        geometry=[shapely.coverage_union_all(communes.geometry.values)],
        crs=STORAGE_CRS,
    )
    sites = _sites(rng, origin)
    places = _public_places(villages)
    layers = {
        "districts": town,
        "communes": communes,
        "villages": villages.drop(
            columns=["x", "y", "remote", "culture", "maturity", "tests", "commune_code"]
        ),
        "bts_sites": sites,
        "public_places": gpd.GeoDataFrame(
            places[["kind", "name"]], geometry=_to_lonlat(places.geometry.values), crs=STORAGE_CRS
        ),
        "wifi_points": _wifi_points(rng, places),
        "speed_tests": _speed_tests(rng, villages),
        "settlements": _settlements(rng, villages),
    }
    # coverage evidence (geo/demo/operator_map.py, no random draws): MobiFone's map, tests disputing Nà Hừ
    layers["operator_coverage"] = operator_map(sites, metric_crs=METRIC_CRS)
    speed = layers["speed_tests"]
    layers["speed_tests"] = pd.concat(
        [speed, disputing_tests(layers["villages"], speed.columns, metric_crs=METRIC_CRS)], ignore_index=True
    )
    for name, gdf in reference_layers(origin, metric_crs=METRIC_CRS).items():  # no random draws
        layers[name] = gdf.set_geometry(snap(gdf.geometry.to_numpy(), _GRID_DEG))
    return DemoData(
        name=TOWN[1],
        province="Điện Biên",
        metric_crs=METRIC_CRS,
        layers=layers,
        unit_stats=_stats(rng, communes),
        title="DANH SÁCH TRẠM BTS TRÊN ĐỊA BÀN THỊ XÃ SÔNG NẬM (DỮ LIỆU MÔ PHỎNG)",
        dem=village_dem(origin, METRIC_CRS),
    )


def _to_lonlat(geoms: np.ndarray) -> np.ndarray:
    """Project EPSG:9205 geometries to EPSG:4326, snapped to the ~1 cm grid."""
    lonlat = gpd.GeoSeries(geoms, crs=METRIC_CRS).to_crs(STORAGE_CRS).values
    return snap(lonlat, _GRID_DEG)


def _villages(rng: np.random.Generator, origin: np.ndarray) -> gpd.GeoDataFrame:
    """Village polygons (Voronoi cells of the hand-placed seeds) with sizes, fibre and flags."""
    rows = [(c, *v) for c in COMMUNES for v in c.villages]
    xy = origin + np.array([(x, y) for _, _, x, y, _ in rows]) * 1000.0
    outline = shapely.Polygon(origin + np.array(OUTLINE_KM) * 1000.0)
    flags = [f for *_, f in rows]
    low, high = np.array([c.households for c, *_ in rows]).T
    households = rng.integers(low, high + 1)
    urban = np.array([c.urban for c, *_ in rows])
    persons = households * np.where(urban, 3.6, 4.6) * rng.uniform(0.95, 1.05, len(rows))
    names = [n for _, n, *_ in rows]
    return gpd.GeoDataFrame(
        {
            "name": names,
            "parent": [c.name for c, *_ in rows],
            "commune_code": [c.code for c, *_ in rows],
            "kind": [n.rsplit(" ", 1)[0] if n.startswith("Tổ") else n.split(" ", 1)[0] for n in names],
            "households": households,
            "population": np.round(persons).astype(np.int64),
            "ftth": pd.Series(
                ["Có" if "F" in f else "Không" if "K" in f else None for f in flags], dtype="str"
            ),
            "remote": ["R" in f for f in flags],
            "culture": ["N" in f for f in flags],
            "maturity": [c.maturity for c, *_ in rows],
            "tests": [c.speed_tests for c, *_ in rows],
            "x": xy[:, 0],
            "y": xy[:, 1],
        },
        geometry=_to_lonlat(voronoi_tiles(xy, outline)),
        crs=STORAGE_CRS,
    )


def _communes(villages: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Communes as unions of their villages, with totals, kind and urban flag."""
    shapes = dissolve_by(villages.geometry.values, villages["commune_code"].to_numpy(), crs=STORAGE_CRS)
    totals = villages.groupby("commune_code")[["population", "households"]].sum()
    spec = pd.DataFrame([(c.code, c.name, c.urban) for c in COMMUNES], columns=["code", "name", "urban"])
    spec = spec.set_index("code").join(totals)
    return gpd.GeoDataFrame(
        {
            "code": spec.index,
            "name": spec["name"].to_numpy(),
            "parent": TOWN[0],
            "kind": np.where(spec["urban"], "Phường", "Xã"),
            "urban": spec["urban"].astype(np.int64).to_numpy(),
            "population": spec["population"].to_numpy(),
            "households": spec["households"].to_numpy(),
        },
        geometry=shapes.set_index("key").geometry.reindex(spec.index).values,
        crs=STORAGE_CRS,
    )


def _sites(rng: np.random.Generator, origin: np.ndarray) -> gpd.GeoDataFrame:
    """BTS rows as an operator's list: one row per operator entry, co-located rows a few metres apart."""
    rows = [(i, x, y, ops, tech, dx) for i, (x, y, entries) in enumerate(SITES) for ops, tech, dx in entries]
    site, x, y, ops, tech, dx = (np.array(col, dtype=object) for col in zip(*rows, strict=True))
    xy = origin + np.column_stack([x.astype(float), y.astype(float)]) * 1000.0
    xy[:, 0] += dx.astype(float)
    prefix = {"Viettel": "VTL", "VNPT": "VNP", "Vinaphone": "VNP", "MobiFone": "MBF", "Mobifone": "MBF"}
    first = [prefix[o.replace(",", " ").replace("-", " ").split()[0]] for o in ops]
    site = site.astype(np.int64)
    height = rng.choice([30, 36, 42, 45], size=len(SITES))[site]
    return gpd.GeoDataFrame(
        {
            "STT": np.arange(1, len(rows) + 1),
            "Tên trạm": [f"Trạm {s + 1:02d} - Sông Nậm" for s in site],
            "site_id": [f"{p}-DBN-{k + 101}" for k, p in enumerate(first)],
            "operators": ops.astype(str),
            "technologies": tech.astype(str),
            "height_m": height,
        },
        geometry=_to_lonlat(shapely.points(xy)),
        crs=STORAGE_CRS,
    )


def _public_places(villages: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Public places: per commune UBND, health station, schools; markets, a bus station, cultural houses."""
    first = villages.groupby("parent", sort=False).head(1)
    second = villages.groupby("parent", sort=False).nth(2)
    ward = first["kind"].eq("Tổ dân phố").to_numpy()
    culture = villages[villages["culture"]]
    culture_kind = np.where(
        culture["kind"].eq("Tổ dân phố"),
        "Nhà văn hóa tổ dân phố",
        "Nhà văn hóa " + culture["kind"].str.lower(),
    )
    markets = first[ward | first["parent"].eq("Xã Nậm Cản").to_numpy()]
    station = first[first["parent"].eq("Phường Na Phát")]
    parts = [
        (first, np.where(ward, "UBND phường", "UBND xã"), "UBND " + first["parent"], (90, 60)),
        (first, "Trạm y tế", "Trạm y tế " + first["parent"], (-110, 70)),
        (first, "Trường học", "Trường Tiểu học " + first["parent"].str.split(" ", n=1).str[1], (60, -120)),
        (
            second,
            "Trường học",
            "Trường Mầm non " + second["name"].str.replace("Tổ dân phố", "TDP"),
            (-70, -90),
        ),
        (markets, "Chợ", "Chợ " + markets["parent"].str.split(" ", n=1).str[1], (-40, -150)),
        (station, "Bến xe", "Bến xe khách " + station["parent"].str.split(" ", n=1).str[1], (160, -40)),
        (culture, culture_kind, "Nhà văn hóa " + culture["name"], (30, 40)),
    ]
    frames = []
    for at, kind, name, (dx, dy) in parts:
        xy = np.column_stack([at["x"] + dx, at["y"] + dy])
        frames.append(pd.DataFrame({"kind": kind, "name": name.to_numpy(), "x": xy[:, 0], "y": xy[:, 1]}))
    table = pd.concat(frames, ignore_index=True)
    table["commune"] = np.concatenate([np.asarray(at["parent"]) for at, *_ in parts])
    return gpd.GeoDataFrame(table, geometry=shapely.points(table[["x", "y"]].to_numpy()), crs=METRIC_CRS)


def _wifi_points(rng: np.random.Generator, places: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Wi-Fi points: free ones beside most public places (none at Lả Ngù's cultural houses), paid cafés."""
    culture = places["kind"].str.startswith("Nhà văn hóa")
    ward = places["commune"].str.startswith("Phường")
    la_ngu = places["commune"].eq(STORY.no_free_wifi_commune)
    remote_culture = places["name"].str.removeprefix("Nhà văn hóa ").isin(STORY.remote_villages)
    # Wards: every place. Elsewhere: offices, markets and health stations; every second school; three in
    # four cultural houses, except Lả Ngù's and the remote bản's.
    row = np.arange(len(places))
    served = ward | ~culture | (culture & ~la_ngu & ~remote_culture & (row % 4 != 3))
    served &= ~(places["kind"].eq("Trường học") & ~ward & (row % 2 == 0))
    free = places[served]
    angle = rng.uniform(0, 2 * np.pi, len(free))
    dist = rng.uniform(8, 35, len(free))
    free_xy = free[["x", "y"]].to_numpy() + np.column_stack([np.cos(angle), np.sin(angle)]) * dist[:, None]
    la_ngu_culture = places[la_ngu & culture].head(2)[["x", "y"]].to_numpy()
    cafes = places[ward & places["kind"].isin(["Chợ", "Bến xe", "UBND phường"])][["x", "y"]].to_numpy()
    table = pd.concat(
        [
            pd.DataFrame(
                {
                    "name": "Wi-Fi miễn phí - " + free["name"],
                    "free": "Có",
                    "provider": rng.choice(["VNPT", "Viettel"], len(free)),
                    "place_kind": free["kind"].to_numpy(),
                    "x": free_xy[:, 0],
                    "y": free_xy[:, 1],
                }
            ),
            pd.DataFrame(
                {
                    "name": ["Wi-Fi cửa hàng tạp hóa (thu phí)", "Wi-Fi homestay Lả Ngù"],
                    "free": ["Không", "Có"],
                    "provider": ["Viettel", "VNPT"],
                    "place_kind": ["Cửa hàng", "Homestay"],
                    "x": la_ngu_culture[:, 0] + [20.0, 90.0],
                    "y": la_ngu_culture[:, 1],
                }
            ),
            pd.DataFrame(
                {
                    "name": [f"Wi-Fi quán cà phê {i + 1}" for i in range(len(cafes))],
                    "free": "Không",
                    "provider": "FPT",
                    "place_kind": "Quán cà phê",
                    "x": cafes[:, 0] - 60.0,
                    "y": cafes[:, 1] + 45.0,
                }
            ),
        ],
        ignore_index=True,
    )
    geometry = _to_lonlat(shapely.points(table[["x", "y"]].to_numpy()))
    return gpd.GeoDataFrame(table.drop(columns=["x", "y"]), geometry=geometry, crs=STORAGE_CRS)


def _speed_tests(rng: np.random.Generator, villages: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """i-Speed-like measurements: per commune count, by village household share, none in remote villages."""
    weight = villages["households"].where(~villages["remote"], 0).astype(float)
    share = weight / weight.groupby(villages["parent"]).transform("sum")
    counts = np.round(share * villages["tests"]).astype(np.int64).to_numpy()
    idx = np.repeat(np.arange(len(villages)), counts)
    v = villages.iloc[idx]
    maturity = v["maturity"].to_numpy()
    table = speed_measurements(
        rng,
        maturity,
        fixed_share=np.where(v["ftth"].eq("Có"), 0.4, 0.0),
        five_g_share=np.where(maturity >= 0.9, 0.12, 0.0),
    )
    polys = villages.to_crs(METRIC_CRS).geometry.values[idx]
    xy = scatter_near(v[["x", "y"]].to_numpy(), 700.0, rng, within=polys)
    order = np.argsort(table["time"].to_numpy(), kind="stable")
    geometry = _to_lonlat(shapely.points(xy))[order]
    return gpd.GeoDataFrame(table.iloc[order].reset_index(drop=True), geometry=geometry, crs=STORAGE_CRS)


def _settlements(rng: np.random.Generator, villages: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Clusters of houses (2–4 per bản/thôn of the rural communes) sharing the village's households."""
    rural = villages[~villages["kind"].eq("Tổ dân phố")]
    clusters = rng.integers(2, 5, len(rural))
    idx = np.repeat(np.arange(len(rural)), clusters)
    v = rural.iloc[idx]
    weight = rng.uniform(0.5, 1.5, len(idx))
    share = weight / pd.Series(weight).groupby(idx).transform("sum").to_numpy()
    households = np.maximum(np.round(share * v["households"].to_numpy()), 1).astype(np.int64)
    rank = pd.Series(idx).groupby(idx).cumcount().to_numpy() + 1
    polys = rural.to_crs(METRIC_CRS).geometry.values[idx]
    xy = scatter_near(v[["x", "y"]].to_numpy(), 450.0, rng, within=polys)
    return gpd.GeoDataFrame(
        {
            "name": [f"Cụm dân cư {k} - {name}" for k, name in zip(rank, v["name"], strict=True)],
            "households": households,
            "population": np.round(households * 4.6).astype(np.int64),
        },
        geometry=_to_lonlat(shapely.points(xy)),
        crs=STORAGE_CRS,
    )


def _stats(rng: np.random.Generator, communes: gpd.GeoDataFrame) -> pd.DataFrame:
    """Unit statistics 2022–2025 of the town and its communes, with reported values and gaps."""
    maturity = pd.Series({c.code: c.maturity for c in COMMUNES})
    town_maturity = float(np.average(maturity[communes["code"]], weights=communes["population"]))
    units = pd.DataFrame(
        {
            "code": [TOWN[0], *communes["code"]],
            "name": [TOWN[1], *communes["name"]],
            "level": ["Thị xã", *communes["kind"]],
            "maturity": [town_maturity, *maturity[communes["code"]]],
        }
    )
    # The operators' report of village coverage: right for Huổi Mí (5 of 9 bản), too kind for Phìn Hồ.
    claimed = {"99001": 100.0, "99002": 100.0, "99003": 100.0, "99004": 100.0, "99005": 55.6}
    claimed |= {"99006": 100.0, "99007": 100.0}
    operator_report = {(code, year): value for code, value in claimed.items() for year in (2024, 2025)}
    return unit_stats(
        units,
        rng,
        missing=[
            (None, "gigabit_fibre_access", 2022),
            (None, "gigabit_fibre_access", 2023),
            (TOWN[0], "household_smart_device", 2025),
            ("99005", "household_smart_device", None),
            ("99007", "household_smart_device", None),
            (TOWN[0], "bank_account_15plus", 2024),
            ("99006", "ipv6_agencies", None),
            ("99007", "ipv6_agencies", None),
            ("99005", "cloud_accounts_per_person", 2025),
        ],
        reported={"village_mobile_bb_coverage": operator_report},
    )
