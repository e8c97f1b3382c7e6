"""Every default the tool uses, in one typed, documented place.

Pages, readers and the indicator engine import their constants from here; a
dataset's ``dataset.yaml`` may override the coverage and indicator knobs under a
``settings:`` key (see :func:`merged`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import yaml

__all__ = [
    "ROOT",
    "DEMO_DIR",
    "PLANS_DIR",
    "ZONES_FILE_NAME",
    "ZONES_STORE_ENV",
    "YAML_LOADER",
    "STORAGE_CRS",
    "DEFAULT_METRIC_CRS",
    "VIETNAM_BOUNDS",
    "UNIT_LEVELS",
    "POINT_LAYERS",
    "REFERENCE_LAYERS",
    "OPERATORS",
    "TECHNOLOGIES",
    "CoverageSettings",
    "IndicatorSettings",
    "Settings",
    "merged",
]

ROOT = Path(__file__).resolve().parent.parent
DEMO_DIR = ROOT / "data" / "demo"
PLANS_DIR = ROOT / "data" / "plans"

#: The fastest safe YAML loader available (libyaml's C loader when PyYAML was built with it).
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

#: File name of a dataset's weak-signal zone store (a GeoPackage beside its data files).
ZONES_FILE_NAME = "vung_lom_song.gpkg"
#: Environment variable naming a shared zone store (a ``postgresql://`` URL or a GeoPackage path) that
#: replaces the per-dataset GeoPackage, for offices where several planners work on one territory.
ZONES_STORE_ENV = "COVERAGE_ZONES_STORE"

#: Everything is stored in lon/lat WGS 84.
STORAGE_CRS = "EPSG:4326"
#: Lengths, areas and buffers are computed in VN-2000 / UTM 48N unless the dataset names another.
DEFAULT_METRIC_CRS = "EPSG:3405"
#: Vietnam's extent with a margin for islands (lon_min, lat_min, lon_max, lat_max), degrees.
VIETNAM_BOUNDS = (102.0, 7.5, 117.5, 23.5)

#: Administrative levels from the top down.
UNIT_LEVELS = ("provinces", "districts", "communes", "villages")
#: Point layers of the data model, in reading order.
POINT_LAYERS = ("bts_sites", "wifi_points", "public_places", "speed_tests", "settlements")
#: Optional reference layers from the planner's own files (roads and rivers: lines; places: named
#: points such as towns, markets, landmarks), drawn faintly under the data; nothing is computed on them.
REFERENCE_LAYERS = ("roads", "rivers", "places")

#: Canonical operator names (what ``bts_sites.operators`` holds, ``;``-separated).
OPERATORS = ("Viettel", "VNPT", "MobiFone", "Vietnamobile", "other")
#: Operator spellings planners write (keyed by :func:`geo.names.fold_word`) → their name in :data:`OPERATORS`.
OPERATOR_ALIASES = {
    "viettel": "Viettel",
    "vtl": "Viettel",
    "vnpt": "VNPT",
    "vinaphone": "VNPT",
    "vina": "VNPT",
    "vnptvinaphone": "VNPT",
    "mobifone": "MobiFone",
    "mobiphone": "MobiFone",
    "mobi": "MobiFone",
    "mbf": "MobiFone",
    "vietnamobile": "Vietnamobile",
    "vnmobile": "Vietnamobile",
    "gtel": "other",
    "gmobile": "other",
    "khac": "other",
    "other": "other",
}
#: Mobile technologies, oldest first.
TECHNOLOGIES = ("2G", "3G", "4G", "5G")


@dataclass(frozen=True)
class CoverageSettings:
    """How far a BTS site serves, before any per-site ``radius_m`` override.

    Radii are in metres, by technology and by setting (urban / rural / mountainous).
    ``model`` is ``"radius"`` (fixed radii) or ``"pathloss"`` (COST-231 Hata for 4G,
    3GPP TR 38.901 UMa for 5G, with the link budget below).
    """

    radius_m: dict[str, dict[str, float]] = field(
        default_factory=lambda: {
            "4G": {"urban": 1500.0, "rural": 3500.0, "mountainous": 2500.0},
            "5G": {"urban": 400.0, "rural": 800.0, "mountainous": 600.0},
        }
    )
    model: str = "radius"
    sector_beamwidth_deg: float = 120.0
    grid_cell_m: float = 100.0
    mountainous_density_per_km2: float = 150.0
    urban_density_per_km2: float = 1500.0
    pathloss_max_db: dict[str, float] = field(default_factory=lambda: {"4G": 140.0, "5G": 125.0})
    band_mhz: dict[str, float] = field(default_factory=lambda: {"4G": 1800.0, "5G": 3500.0})
    bts_height_m: float = 30.0
    mobile_height_m: float = 1.5


@dataclass(frozen=True)
class IndicatorSettings:
    """Thresholds that turn geometry into indicator values.

    ``village_covered_share``: share (0–1) of a village's area or settlement points inside
    4G coverage for the village to count as covered. Distances are in metres.
    """

    village_covered_share: float = 0.8
    site_merge_distance_m: float = 30.0
    wifi_distance_m: float = 50.0
    min_speed_tests: int = 300


@dataclass(frozen=True)
class Settings:
    """All tunable knobs of one dataset: metric CRS, coverage model, indicator thresholds."""

    metric_crs: str = DEFAULT_METRIC_CRS
    coverage: CoverageSettings = field(default_factory=CoverageSettings)
    indicators: IndicatorSettings = field(default_factory=IndicatorSettings)


def merged(overrides: dict[str, Any] | None) -> Settings:
    """Return the default :class:`Settings` with a manifest's ``settings:`` mapping applied.

    ``overrides`` looks like ``{"metric_crs": "EPSG:9210", "coverage": {"model": "pathloss"},
    "indicators": {"wifi_distance_m": 80}}``. Unknown keys raise ``KeyError`` naming the key.
    """
    base = Settings()
    if not overrides:
        return base
    changes: dict[str, Any] = {}
    for key, value in overrides.items():
        if key == "metric_crs":
            changes[key] = str(value)
        elif key in ("coverage", "indicators"):
            section = getattr(base, key)
            known = {f.name for f in fields(section)}
            unknown = set(value) - known
            if unknown:
                raise KeyError(f"settings.{key}: unknown key(s) {sorted(unknown)}; known: {sorted(known)}")
            changes[key] = replace(section, **value)
        else:
            raise KeyError(f"settings: unknown key {key!r}; known: metric_crs, coverage, indicators")
    return replace(base, **changes)
