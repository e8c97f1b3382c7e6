"""The data model every module shares: layer schemas and the :class:`Dataset`.

All geometry is in EPSG:4326 (lon/lat). Column names are the canonical ones below,
whatever the planner's files called them (the manifest maps them). Unit layers carry
``uid`` (unique within the layer: the official code when there is one, otherwise
``<parent uid>/<normalised name>``) and ``parent_uid`` (the unit one level up), which
is what indicators aggregate along.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import pandas as pd

from geo.errors import Problem
from geo.settings import REFERENCE_LAYERS, UNIT_LEVELS, Settings
from geo.vocab import Level

__all__ = [
    "UNIT_FIELDS",
    "LAYER_FIELDS",
    "STATS_FIELDS",
    "LEVEL_OF_LAYER",
    "TERRITORY",
    "LayerSource",
    "Dataset",
]

#: Columns of every unit layer (provinces, districts, communes, villages).
UNIT_FIELDS = {
    "required": ["name"],
    "optional": ["code", "parent", "population", "households", "kind", "urban", "ftth"],
    "derived": ["uid", "parent_uid", "name_key"],
}

#: Canonical columns per point layer: required first, then optional.
LAYER_FIELDS: dict[str, dict[str, list[str]]] = {
    "bts_sites": {
        "required": ["operators", "technologies"],
        "optional": ["site_id", "height_m", "azimuth_deg", "radius_m", "band_mhz"],
    },
    "wifi_points": {"required": [], "optional": ["name", "free", "provider", "place_kind"]},
    "public_places": {"required": ["kind"], "optional": ["name"]},
    "speed_tests": {
        "required": ["download_mbps", "network"],
        "optional": ["upload_mbps", "latency_ms", "operator", "time", "technology"],
    },
    "settlements": {"required": [], "optional": ["name", "households", "population"]},
    #: Operators' reported coverage: polygons per operator and technology (geo.compute.reported).
    "operator_coverage": {"required": ["operator", "technology"], "optional": ["signal_dbm", "cell_m"]},
    **{level: UNIT_FIELDS for level in UNIT_LEVELS},
    **{layer: {"required": [], "optional": ["name", "kind"]} for layer in REFERENCE_LAYERS},
}

#: Long form of unit statistics after reading: one row per unit, year and indicator.
STATS_FIELDS = ["uid", "level", "code", "name", "year", "indicator", "value", "source_row"]

#: Singular level names used in outputs and the CLI's ``--level``.
LEVEL_OF_LAYER = {
    "provinces": Level.PROVINCE,
    "districts": Level.DISTRICT,
    "communes": Level.COMMUNE,
    "villages": Level.VILLAGE,
}

#: Level and uid of the whole territory a dataset covers (the plan's own scope), above its top unit layer.
TERRITORY = Level.TERRITORY


@dataclass(frozen=True)
class LayerSource:
    """Where a layer came from and how it was read, for ``geo check`` and the page.

    ``crs_how`` says how the CRS was decided, e.g. "from .prj", "manifest crs:",
    "guessed from value ranges: lon/lat", "VN-2000 TM-3 105°45′ from province Hải Phòng".
    """

    layer: str
    path: str
    rows_read: int
    rows_kept: int
    crs: str
    crs_how: str


@dataclass
class Dataset:
    """One territory's inputs, read and validated.

    ``layers`` maps a layer name (``communes``, ``villages``, ``bts_sites``, ...) to a
    GeoDataFrame in EPSG:4326 with canonical columns; absent layers are simply missing.
    ``unit_stats`` is long form (:data:`STATS_FIELDS`). ``problems`` lists everything
    found while reading, joining and checking, errors included. ``dem`` is the elevation
    raster (:class:`geo.dem.Dem`) when the manifest names one, else ``None``.
    """

    name: str
    folder: str
    settings: Settings = field(default_factory=Settings)
    layers: dict[str, gpd.GeoDataFrame] = field(default_factory=dict)
    unit_stats: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=STATS_FIELDS))
    sources: list[LayerSource] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    catalogue: str = ""
    #: The province the manifest names (``province:``), if any.
    province: str | None = None
    dem: Any = None
    #: ``speed_tests`` given as a folder of partitions (:class:`geo.io.speed_folder.SpeedFolder`), not loaded.
    speed_folder: Any = None

    def unit_levels(self) -> list[str]:
        """Return the unit layers present, from the top level down (e.g. ``["communes", "villages"]``)."""
        return [level for level in UNIT_LEVELS if level in self.layers]

    def layer(self, name: str) -> gpd.GeoDataFrame | None:
        """Return layer ``name`` or ``None`` when the dataset has none."""
        return self.layers.get(name)
