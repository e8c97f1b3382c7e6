"""Builders shared by several test modules (they import them from here, never from each other).

- ``at``, ``square``, ``points``, ``units``, ``dataset``, ``sites``: features at known metric offsets from
  103.2°E 22.0°N (converted through the dataset's metric CRS), for the coverage, indicator and
  aggregation tests;
- ``two_villages``, ``reported``: commune C1 tiled by Bản X (west) and Bản Y (east); an operator_coverage
  layer of boxes, for the indicator, reported-coverage and evidence tests;
- ``cluster_dataset``, ``PLACES``, ``RADIUS``: three separated clusters of uncovered villages with one public
  place each (and a decoy), for the suggested-sites tests;
- ``tiny_dataset``, ``tiny_plan``, ``tiny_evaluation``, ``pdf_text``, ``embedded_fonts``: two communes of
  two villages each near 103°E 22°N, two BTS sites (one shared), and an evaluation written by hand
  following geo.plans.evaluate's columns, for the print-map, atlas and annex tests.
"""

from __future__ import annotations

import unicodedata
from datetime import date
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from pyproj import Transformer
from shapely.geometry import Point, box

from geo.compute.catalogue import INDICATORS
from geo.model import Dataset
from geo.plans.evaluate import COLUMNS
from geo.plans.targets import Period, Plan, Target, Territory
from geo.settings import DEFAULT_METRIC_CRS, merged

_TO_METRIC = Transformer.from_crs("EPSG:4326", DEFAULT_METRIC_CRS, always_xy=True)
_TO_LONLAT = Transformer.from_crs(DEFAULT_METRIC_CRS, "EPSG:4326", always_xy=True)
ORIGIN = _TO_METRIC.transform(103.2, 22.0)


def at(dx: float, dy: float) -> shapely.Point:
    """A lon/lat point ``dx`` m east and ``dy`` m north of the origin."""
    return shapely.Point(*_TO_LONLAT.transform(ORIGIN[0] + dx, ORIGIN[1] + dy))


def square(x1: float, y1: float, x2: float, y2: float) -> shapely.Polygon:
    """A lon/lat polygon of the metric box (x1, y1)–(x2, y2), offsets in metres, edges densified."""
    box = shapely.segmentize(shapely.box(ORIGIN[0] + x1, ORIGIN[1] + y1, ORIGIN[0] + x2, ORIGIN[1] + y2), 50)
    return shapely.transform(box, lambda xy: np.column_stack(_TO_LONLAT.transform(xy[:, 0], xy[:, 1])))


def points(rows: list[dict], **columns) -> gpd.GeoDataFrame:
    """A point layer from rows holding ``xy`` (metric offsets) and attributes."""
    frame = pd.DataFrame(rows) if rows else pd.DataFrame({"xy": []})
    geometry = [at(*xy) for xy in frame.pop("xy")]
    return gpd.GeoDataFrame(frame.assign(**columns), geometry=geometry, crs="EPSG:4326")


def units(rows: list[dict]) -> gpd.GeoDataFrame:
    """A unit layer from rows holding ``box`` (metric offsets), ``uid``, ``name`` and attributes."""
    frame = pd.DataFrame(rows)
    geometry = [square(*b) for b in frame.pop("box")]
    if "parent_uid" not in frame:
        frame["parent_uid"] = None
    return gpd.GeoDataFrame(frame, geometry=geometry, crs="EPSG:4326")


def dataset(settings: dict | None = None, **layers) -> Dataset:
    """A Dataset named "Thử nghiệm" with the given layers and ``settings`` overrides."""
    return Dataset("Thử nghiệm", "", settings=merged(settings), layers=layers)


def sites(*rows: dict) -> gpd.GeoDataFrame:
    """BTS sites: each row has ``xy``, ``operators`` and ``technologies`` (default "4G")."""
    return points([{"technologies": "4G", **row} for row in rows])


COMMUNE = {"uid": "C1", "name": "Xã Nà Tấu", "box": (0, 0, 4000, 2000)}
V1 = {"uid": "C1/x", "parent_uid": "C1", "name": "Bản X", "box": (0, 0, 2000, 2000)}
V2 = {"uid": "C1/y", "parent_uid": "C1", "name": "Bản Y", "box": (2000, 0, 4000, 2000)}


def two_villages(v1: dict | None = None, v2: dict | None = None, **layers) -> Dataset:
    """Commune C1 (4 × 2 km) tiled by Bản X (west) and Bản Y (east), plus ``layers``."""
    settings = layers.pop("settings", None)
    villages = units([{**V1, **(v1 or {})}, {**V2, **(v2 or {})}])
    return dataset(settings, communes=units([COMMUNE]), villages=villages, **layers)


def reported(*rows: tuple[str, str, tuple[float, float, float, float]]) -> gpd.GeoDataFrame:
    """An operator_coverage layer: (operator, technology, metric box) per polygon."""
    return gpd.GeoDataFrame(
        {"operator": [r[0] for r in rows], "technology": [r[1] for r in rows]},
        geometry=[square(*r[2]) for r in rows],
        crs="EPSG:4326",
    )


MADE_ON = date(2026, 11, 23)
NAME = "Xã Thử Nghiệm Đông Hà"
VILLAGE_COVERAGE = "village_mobile_bb_coverage"


def tiny_dataset(folder: Path) -> Dataset:
    """Two communes (90001 west, 90002 east), each split into two villages, two BTS sites, one Wi-Fi."""
    communes = gpd.GeoDataFrame(
        {"uid": ["90001", "90002"], "code": ["90001", "90002"], "name": ["Xã Thử Một", "Xã Thử Hai"],
         "parent_uid": [None, None]},
        geometry=[box(103.00, 22.00, 103.05, 22.05), box(103.05, 22.00, 103.10, 22.05)], crs=4326,
    )  # fmt: skip
    villages = gpd.GeoDataFrame(
        {"uid": ["90001/nalech", "90001/huoilong", "90002/tdp1", "90002/tdp2"],
         "name": ["Bản Nà Lếch", "Bản Huổi Lóng", "Tổ dân phố 1", "Tổ dân phố 2"],
         "parent_uid": ["90001", "90001", "90002", "90002"], "ftth": [True, False, True, None]},
        geometry=[box(103.00, 22.00, 103.025, 22.05), box(103.025, 22.00, 103.05, 22.05),
                  box(103.05, 22.00, 103.10, 22.025), box(103.05, 22.025, 103.10, 22.05)], crs=4326,
    )  # fmt: skip
    sites = gpd.GeoDataFrame(
        {"operators": ["Viettel;VNPT", "MobiFone"], "technologies": ["4G", "4G"]},
        geometry=[Point(103.02, 22.02), Point(103.07, 22.03)],
        crs=4326,
    )
    wifi = gpd.GeoDataFrame({"name": ["UBND xã"], "free": [True]}, geometry=[Point(103.06, 22.01)], crs=4326)
    layers = {"communes": communes, "villages": villages, "bts_sites": sites, "wifi_points": wifi}
    return Dataset(name=NAME, folder=str(folder), layers=layers)


def tiny_plan() -> Plan:
    """A plan with a 2023 baseline, targets for 2024 and 2025, in annex groups I and III."""
    targets = (
        Target(VILLAGE_COVERAGE, 2023, "==", (50.0,), "%", kind="baseline"),
        Target(VILLAGE_COVERAGE, 2024, ">=", (80.0,), "%"),
        Target(VILLAGE_COVERAGE, 2025, ">=", (100.0,), "%"),
        Target("bts_site_sharing", 2025, "between", (25.0, 30.0), "%"),
        Target("mobile_speed", 2025, ">=", (50.0,), "Mbit/s"),
        Target("bank_account_15plus", 2025, ">", (60.0,), "%"),
        Target("ai_blockchain_iot", 2025, "==", (True,), "có/không"),
    )
    return Plan(
        id="thu-nghiem-2024",
        title="Kế hoạch phát triển hạ tầng số xã Thử Nghiệm đến năm 2025",
        territory=Territory("xã Thử Nghiệm", "commune", "Điện Biên"),
        period=Period(2024, 2025),
        targets=targets,
    )


def _frame(
    level: str, rows: list[tuple[str, str, str | None, str, float, str, str]], year: int
) -> pd.DataFrame:
    """Evaluation rows (uid, name, parent_uid, indicator, value, target_text, status) with every column."""
    df = pd.DataFrame(
        rows, columns=["uid", "name", "parent_uid", "indicator", "value", "target_text", "status"]
    )
    df["level"], df["target_year"], df["code"] = level, year, df["uid"]
    df["label_vi"] = df["indicator"].map(lambda i: INDICATORS[i].label_vi)
    df["label_en"] = df["indicator"].map(lambda i: INDICATORS[i].label_en)
    df["unit"] = df["indicator"].map(lambda i: INDICATORS[i].unit_vi)
    df["closing_vi"] = np.where(df["status"] == "missed", "Còn thiếu 1.5 % so với mục tiêu.", "")
    for column in COLUMNS:
        if column not in df:
            df[column] = np.nan
    return df[COLUMNS]


def tiny_evaluation(year: int = 2025) -> dict[str, pd.DataFrame]:
    """Hand-written evaluation by level for ``year`` (2024: only village coverage, target ≥ 80)."""
    nan = float("nan")
    if year == 2024:
        territory = [("territory", NAME, None, VILLAGE_COVERAGE, 75.0, "≥ 80", "missed")]
        communes = [
            ("90001", "Xã Thử Một", None, VILLAGE_COVERAGE, 100.0, "≥ 80", "met"),
            ("90002", "Xã Thử Hai", None, VILLAGE_COVERAGE, 50.0, "≥ 80", "missed"),
        ]
        return {
            "territory": _frame("territory", territory, 2024),
            "commune": _frame("commune", communes, 2024),
        }
    territory = [
        ("territory", NAME, None, "mobile_speed", 43.6, "≥ 50", "missed"),
        ("territory", NAME, None, VILLAGE_COVERAGE, 75.0, "≥ 100", "missed"),
        ("territory", NAME, None, "bts_site_sharing", 50.0, "25–30", "missed"),
        ("territory", NAME, None, "bank_account_15plus", 74.6, "> 60", "met"),
        ("territory", NAME, None, "ai_blockchain_iot", nan, "Có", "no data"),
    ]
    communes = [
        ("90001", "Xã Thử Một", None, VILLAGE_COVERAGE, 100.0, "≥ 100", "met"),
        ("90001", "Xã Thử Một", None, "mobile_speed", 51.2, "≥ 50", "met"),
        ("90002", "Xã Thử Hai", None, VILLAGE_COVERAGE, 50.0, "≥ 100", "missed"),
        ("90002", "Xã Thử Hai", None, "mobile_speed", 12.0, "≥ 50", "insufficient samples"),
    ]
    villages = [  # Tổ dân phố 2 has no row: it must show as "no data"
        ("90001/nalech", "Bản Nà Lếch", "90001", VILLAGE_COVERAGE, 100.0, "≥ 100", "met"),
        ("90001/huoilong", "Bản Huổi Lóng", "90001", VILLAGE_COVERAGE, 0.0, "≥ 100", "missed"),
        ("90002/tdp1", "Tổ dân phố 1", "90002", VILLAGE_COVERAGE, 100.0, "≥ 100", "met"),
    ]
    return {
        "territory": _frame("territory", territory, 2025),
        "commune": _frame("commune", communes, 2025),
        "village": _frame("village", villages, 2025),
    }


def pdf_text(path: Path) -> list[str]:
    """The text of each page of a PDF (NFC), or skip when pypdf is not installed."""
    pypdf = pytest.importorskip("pypdf")
    return [unicodedata.normalize("NFC", page.extract_text()) for page in pypdf.PdfReader(path).pages]


def embedded_fonts(path: Path) -> dict[str, bool]:
    """Base font name → whether its file is embedded, over every page of a PDF."""
    pypdf = pytest.importorskip("pypdf")
    fonts: dict[str, bool] = {}
    for page in pypdf.PdfReader(path).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            target = descendants[0].get_object() if descendants else font
            descriptor = target.get("/FontDescriptor")
            embedded = descriptor is not None and any(
                key in descriptor.get_object() for key in ("/FontFile", "/FontFile2", "/FontFile3")
            )
            fonts[str(font["/BaseFont"])] = embedded
    return fonts


# Suggested sites: villages in three separated clusters, each reachable from one public place only.
RADIUS = {"coverage": {"radius_m": {"4G": {"rural": 2000.0, "urban": 2000.0, "mountainous": 2000.0}}}}
#: Cluster centres (m east of the origin) and households per village (two villages per cluster).
CLUSTERS = {"A": (0, 50), "B": (20_000, 150), "C": (40_000, 100)}


def _cluster_villages():
    rows = []
    for name, (x, households) in CLUSTERS.items():
        for k, dx in enumerate((-300, 100)):
            rows.append(
                {
                    "uid": f"X/{name}{k}",
                    "parent_uid": "X",
                    "name": f"Bản {name}{k}",
                    "households": households,
                    "box": (x + dx, -100, x + dx + 200, 100),
                }
            )
    return units(rows)


def cluster_dataset(places, bts=None):
    """Three clusters of two uncovered villages (:data:`CLUSTERS`), public places at ``places`` (metric
    offsets), optional BTS sites ``bts``; every 4G radius 2 km (:data:`RADIUS`)."""
    layers = {
        "communes": units([{"uid": "X", "name": "Xã", "box": (-5000, -5000, 45_000, 5000)}]),
        "villages": _cluster_villages(),
        "public_places": points([{"xy": xy, "kind": "ubnd"} for xy in places]),
    }
    if bts is not None:
        layers["bts_sites"] = bts
    return dataset(RADIUS, **layers)


#: One public place per cluster (at its centre) and a decoy that reaches nothing.
PLACES = [(0, 0), (20_000, 0), (40_000, 0), (10_000, 0)]
