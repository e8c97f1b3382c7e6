"""Every default the tool uses, in one typed, documented place.

Pages, readers and the indicator engine import their constants from here; a
dataset's ``dataset.yaml`` may override the coverage and indicator knobs under a
``settings:`` key (see :func:`merged`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, get_args, get_origin, get_type_hints

import yaml

__all__ = [
    "ROOT",
    "DEMO_DIR",
    "PLANS_DIR",
    "ZONES_FILE_NAME",
    "ZONES_STORE_ENV",
    "SCENARIOS_FILE_NAME",
    "SCENARIOS_STORE_ENV",
    "YAML_LOADER",
    "STORAGE_CRS",
    "DEFAULT_METRIC_CRS",
    "VIETNAM_BOUNDS",
    "UNIT_LEVELS",
    "POINT_LAYERS",
    "REFERENCE_LAYERS",
    "OPERATORS",
    "TECHNOLOGIES",
    "MAX_READ_BYTES",
    "MAX_UPLOAD_BYTES",
    "MAX_UNPACKED_BYTES",
    "MAX_ARCHIVE_MEMBERS",
    "MAX_COMPRESSION_RATIO",
    "CSV_BLOCK_BYTES",
    "CoverageSettings",
    "IndicatorSettings",
    "Settings",
    "SettingsError",
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
#: File name of a dataset's scenario store (a GeoPackage beside its data files, like the zones).
SCENARIOS_FILE_NAME = "kich_ban.gpkg"
#: Environment variable naming a shared scenario store (a ``postgresql://`` URL or a GeoPackage path)
#: that replaces the per-dataset GeoPackage; it may be the same database as the zones' store.
SCENARIOS_STORE_ENV = "COVERAGE_SCENARIOS_STORE"

#: Everything is stored in lon/lat WGS 84.
STORAGE_CRS = "EPSG:4326"
#: Lengths, areas and buffers are computed in VN-2000 / UTM 48N unless the dataset names another.
DEFAULT_METRIC_CRS = "EPSG:3405"
#: Vietnam's extent with a margin for islands (lon_min, lat_min, lon_max, lat_max), degrees.
VIETNAM_BOUNDS = (102.0, 7.5, 117.5, 23.5)

#: Limits on what is read, checked before anything is parsed or unpacked (bytes unless said otherwise).
#: Largest file a reader opens (a national speed-test export is a few hundred MB).
MAX_READ_BYTES = 1024**3
#: Largest single file the upload page accepts.
MAX_UPLOAD_BYTES = 200 * 1024**2
#: Largest total an archive (.zip/.kmz) may expand to, most members it may hold, and the largest
#: compression ratio of the whole archive or one member (text shapefiles compress ~10×; bombs 1000×).
MAX_UNPACKED_BYTES = 1024**3
MAX_ARCHIVE_MEMBERS = 5000
MAX_COMPRESSION_RATIO = 200
#: CSV bytes parsed at a time by the streaming reader (memory stays a few times this, plus the result).
CSV_BLOCK_BYTES = 16 * 1024**2

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
    ``model`` is ``"radius"`` (fixed radii), ``"pathloss"`` (COST-231 Hata for 4G, 3GPP TR 38.901 UMa
    for 5G, with the link budget below) or ``"terrain"`` (the same plus diffraction over a ``dem``).
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
    #: Which source decides a village's coverage when operators gave maps (``operator_coverage``):
    #: ``auto`` (reported for the operators who gave a map of a technology, modelled for the others),
    #: ``reported`` (only the operators' maps), ``modelled`` (only the model above) or ``measured``
    #: (villages with at least ``measured_min_tests`` mobile speed tests judged by their majority,
    #: served or not; the others as under ``auto``; :mod:`geo.compute.measured`).
    source: str = "auto"
    #: A speed test is "served" when its download (Mbit/s) reaches its technology's threshold (FCC BDC).
    served_mbps: dict[str, float] = field(default_factory=lambda: {"4G": 5.0, "5G": 35.0})
    #: A village is "disputed" when at least this many tests contradict its coverage (and outnumber the rest).
    dispute_min_tests: int = 10
    #: Under ``source: measured``, a village is judged by its tests when it has at least this many.
    measured_min_tests: int = 10
    #: Operators' reported coverage: a cell or polygon whose ``signal_dbm`` is below this level (dBm, per
    #: technology; 4G/5G RSRP, as Ofcom's -105 dBm outdoor level) does not cover; without signal_dbm it does.
    reported_min_dbm: dict[str, float] = field(default_factory=lambda: {"4G": -105.0, "5G": -105.0})
    #: Side (m) of a grid-CSV cell of operator coverage when the file has no ``cell_m`` column (BNetzA's
    #: 100 m grid); squares are drawn in ``metric_crs`` around each cell centre.
    reported_cell_m: float = 100.0


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


class SettingsError(ValueError):
    """A ``settings:`` entry of the wrong shape or type; ``path`` is its key path (``("coverage", "model")``),
    ``str()`` the English text and ``vi`` the Vietnamese."""

    def __init__(self, path: tuple[str, ...], vi: str, en: str) -> None:
        super().__init__(en)
        self.path, self.vi, self.en = path, vi, en


#: Allowed values of the text settings that name a choice.
_CHOICES = {
    ("coverage", "model"): ("radius", "pathloss", "terrain"),
    ("coverage", "source"): ("auto", "reported", "modelled", "measured"),
}
#: Settings that are shares (0–1); signal levels (dBm, any sign); every other number must be positive.
_SHARES = {("indicators", "village_covered_share")}
_SIGNED = {("coverage", "reported_min_dbm")}


def _number(value: Any, path: tuple[str, ...], kind: type) -> float | int:
    """``value`` as a float/int when it is a number (or a number written as text), else SettingsError."""
    name = ".".join(path)
    number: float | None = None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip().replace(",", "."))
        except ValueError:
            number = None
    if number is None or not math.isfinite(number):
        raise SettingsError(
            path,
            f"settings.{name} phải là một số, không phải {value!r}.",
            f"settings.{name} must be a number, not {value!r}.",
        )
    low, high = (0.0, 1.0) if path in _SHARES else (0.0, math.inf)
    if path[:2] in _SIGNED:
        low = -math.inf
    if not low <= number <= high or (high == math.inf and low == 0.0 and number <= 0):
        bounds_vi = "từ 0 đến 1" if path in _SHARES else "lớn hơn 0"
        bounds_en = "between 0 and 1" if path in _SHARES else "greater than 0"
        raise SettingsError(
            path,
            f"settings.{name} = {value!r} nằm ngoài khoảng cho phép ({bounds_vi}).",
            f"settings.{name} = {value!r} is out of range (must be {bounds_en}).",
        )
    if kind is int:
        if number != int(number):
            raise SettingsError(
                path, f"settings.{name} phải là số nguyên, không phải {value!r}.",
                f"settings.{name} must be a whole number, not {value!r}.",
            )  # fmt: skip
        return int(number)
    return number


def _typed(value: Any, hint: Any, path: tuple[str, ...]) -> Any:
    """``value`` checked (and numbers converted) against the type ``hint`` of the settings field ``path``."""
    name = ".".join(path)
    if get_origin(hint) is dict:
        _, inner = get_args(hint)
        if not isinstance(value, dict):
            raise SettingsError(
                path,
                f"settings.{name} phải là các cặp khoá: giá trị (vd. 4G: ...), không phải {value!r}.",
                f"settings.{name} must be a mapping of key: value (e.g. 4G: ...), not {value!r}.",
            )
        return {str(k): _typed(v, inner, (*path, str(k))) for k, v in value.items()}
    if hint in (float, int):
        return _number(value, path, hint)
    if hint is str:
        if not isinstance(value, (str, int)) or isinstance(value, bool):
            raise SettingsError(
                path, f"settings.{name} phải là chữ, không phải {value!r}.",
                f"settings.{name} must be text, not {value!r}.",
            )  # fmt: skip
        choices = _CHOICES.get(path)
        if choices and str(value) not in choices:
            raise SettingsError(
                path, f"settings.{name} = {value!r}; chọn một trong: {', '.join(choices)}.",
                f"settings.{name} = {value!r}; choose one of: {', '.join(choices)}.",
            )  # fmt: skip
        return str(value)
    return value


def merged(overrides: dict[str, Any] | None) -> Settings:
    """Return the default :class:`Settings` with a manifest's ``settings:`` mapping applied.

    ``overrides`` looks like ``{"metric_crs": "EPSG:9210", "coverage": {"model": "pathloss"},
    "indicators": {"wifi_distance_m": 80}}``. Every value is checked against its field's type (numbers may
    be written as text, "50" or "0,8"; shares lie in 0–1, other numbers are positive; ``coverage.model`` is
    ``radius``, ``pathloss`` or ``terrain``). Unknown keys raise ``KeyError`` naming the key (a
    :class:`SettingsError`, which is also a ``ValueError``); wrong shapes and values raise
    :class:`SettingsError`.
    """
    base = Settings()
    if not overrides:
        return base
    if not isinstance(overrides, dict):
        raise SettingsError(
            (),
            f"Mục settings phải là các cặp khoá: giá trị (metric_crs, coverage, indicators), không phải "
            f"{overrides!r}.",
            f"settings must be a mapping (metric_crs, coverage, indicators), not {overrides!r}.",
        )
    changes: dict[str, Any] = {}
    for key, value in overrides.items():
        if key == "metric_crs":
            changes[key] = _typed(value, str, (key,))
        elif key in ("coverage", "indicators"):
            section = getattr(base, key)
            hints = get_type_hints(type(section))
            known = {f.name for f in fields(section)}
            if not isinstance(value, dict):
                raise SettingsError(
                    (key,),
                    f"settings.{key} phải là các cặp khoá: giá trị ({', '.join(sorted(known))}).",
                    f"settings.{key} must be a mapping of key: value ({', '.join(sorted(known))}).",
                )
            unknown = set(value) - known
            if unknown:
                raise _UnknownKey(
                    (key, str(sorted(unknown)[0])),
                    f"settings.{key}: khoá không biết {sorted(unknown)}; các khoá có: {sorted(known)}",
                    f"settings.{key}: unknown key(s) {sorted(unknown)}; known: {sorted(known)}",
                )
            typed = {k: _typed(v, hints[k], (key, k)) for k, v in value.items()}
            changes[key] = replace(section, **typed)
        else:
            raise _UnknownKey(
                (str(key),),
                f"settings: khoá không biết {key!r}; các khoá có: metric_crs, coverage, indicators",
                f"settings: unknown key {key!r}; known: metric_crs, coverage, indicators",
            )
    return replace(base, **changes)


class _UnknownKey(SettingsError, KeyError):
    """An unknown ``settings:`` key (a KeyError too, as callers used to catch)."""

    def __str__(self) -> str:
        return self.en
