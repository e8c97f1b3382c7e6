"""What the map page shows, as plain frames: units joined to one indicator (or to all targets),
the table of units missing targets, the territory summary, the villages that make a commune miss,
and where to look (bounds → centre and zoom). No Streamlit here: the page module caches these.
"""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.compute.indicators import COVERAGE_INDICATORS
from geo.compute.source_text import village_sources
from geo.model import LEVEL_OF_LAYER, TERRITORY, Dataset
from geo.plans.assessment import Assessment
from geo.plans.targets import Plan
from geo.vocab import Level, Status

__all__ = [
    "ALL_TARGETS",
    "LEVEL_LABEL_KEYS",
    "available_levels",
    "parent_level",
    "default_plan",
    "plan_label",
    "default_year",
    "units_for_map",
    "with_coverage_source",
    "missing_table",
    "territory_summary",
    "missing_villages",
    "unit_at",
    "view_for",
]

#: Indicator choice meaning "every target of the plan for the year" (the map shows how many are missed).
ALL_TARGETS = "__all__"
#: i18n key of each level's label.
LEVEL_LABEL_KEYS = {
    TERRITORY: "level_territory",
    Level.PROVINCE: "level_province",
    Level.DISTRICT: "level_district",
    Level.COMMUNE: "level_commune",
    Level.VILLAGE: "level_village",
}
_MAP_COLUMNS = ["uid", "value", "unit", "target_text", "gap", "status"]


def available_levels(dataset: Dataset) -> list[str]:
    """Return the levels the dataset can be shown at: ``territory`` then its unit layers top down."""
    return [TERRITORY, *(LEVEL_OF_LAYER[layer] for layer in dataset.unit_levels())]


def parent_level(dataset: Dataset, level: str) -> str | None:
    """Return the level above ``level`` among the dataset's unit layers (``None`` at the top)."""
    levels = available_levels(dataset)[1:]
    i = levels.index(level) if level in levels else 0
    return levels[i - 1] if i > 0 else None


def default_plan(plans: dict[str, Plan], province: str | None) -> str:
    """Return the id of the plan the page opens with: the first whose territory lies in ``province``
    (the dataset manifest's), else the first plan."""
    same = [pid for pid, plan in plans.items() if province and plan.territory.province == province]
    return (same or list(plans))[0]


def plan_label(plan: Plan) -> str:
    """Return a short label for a plan: its territory and period, e.g. ``"thị xã Mường Lay (2023–2025)"``."""
    return f"{plan.territory.name} ({plan.period.start}–{plan.period.end})"


def default_year(plan: Plan) -> int:
    """Return the year the page opens a plan at: its period's end when targeted, else its last target year."""
    years = plan.target_years()
    return plan.period.end if plan.period.end in years else years[-1]


def units_for_map(geoms: gpd.GeoDataFrame, evaluation: pd.DataFrame, indicator: str) -> gpd.GeoDataFrame:
    """Return ``geoms`` (uid, name, geometry) joined to ``indicator``'s rows of ``evaluation``.

    With :data:`ALL_TARGETS`, each unit gets ``n_missed`` / ``n_targets`` and a status: "missed" when any
    target is missed, "met" when every judged target is met, else "no data". Units without a row get
    status "no data". ``geoms`` is not changed.
    """
    if indicator == ALL_TARGETS:
        judged = evaluation.assign(
            missed=evaluation["status"].eq(Status.MISSED), met=evaluation["status"].eq(Status.MET)
        ).groupby("uid")
        rows = pd.DataFrame(
            {"n_missed": judged["missed"].sum(), "n_met": judged["met"].sum(), "n_targets": judged.size()}
        ).reset_index()
        rows["status"] = np.where(
            rows["n_missed"] > 0, Status.MISSED, np.where(rows["n_met"] > 0, Status.MET, Status.NO_DATA)
        )
        rows["value"] = rows["n_missed"].astype(float)
        rows = rows.drop(columns="n_met")
    else:
        rows = evaluation.loc[evaluation["indicator"] == indicator, _MAP_COLUMNS]
    out = geoms[["uid", "name", "geometry"]].merge(rows, on="uid", how="left")
    out["status"] = out["status"].fillna(Status.NO_DATA)
    return gpd.GeoDataFrame(out, geometry="geometry", crs=geoms.crs)


def with_coverage_source(
    units: gpd.GeoDataFrame, assessment: Assessment | None, level: str, indicator: str, lang: str
) -> gpd.GeoDataFrame:
    """``units`` with a ``coverage_source`` column (which source decided each unit's coverage, in words:
    :func:`geo.compute.source_text.village_sources`) when ``level`` is the coverage table's level (the
    deepest unit layer) and ``indicator`` is a coverage indicator or :data:`ALL_TARGETS`, else ``units``
    unchanged. ``units`` itself is not changed."""
    base = assessment.hierarchy.base_layer if assessment is not None else None
    shown = indicator == ALL_TARGETS or indicator in COVERAGE_INDICATORS
    if base is None or LEVEL_OF_LAYER.get(base) != level or units.empty or not shown:
        return units
    notes = village_sources(assessment.village_coverage, assessment.dataset, lang=lang)
    return units.assign(coverage_source=units["uid"].map(notes))


def missing_table(evaluation: pd.DataFrame, indicator: str, *, lang: str = "vi") -> pd.DataFrame:
    """Return the units that miss ``indicator`` (or any target with :data:`ALL_TARGETS`), largest gap first.

    Columns: uid, code, name, indicator label (in ``lang``), value, unit, target_text, gap, closing text.
    """
    rows = evaluation[evaluation["status"].eq(Status.MISSED)]
    if indicator != ALL_TARGETS:
        rows = rows[rows["indicator"] == indicator]
    label, closing = ("label_vi", "closing_vi") if lang == "vi" else ("label_en", "closing_en")
    rows = rows.sort_values(["gap", "name"], ascending=[False, True], kind="stable")
    columns = ["uid", "code", "name", label, "value", "unit", "target_text", "gap", closing]
    out = rows[columns].rename(columns={label: "label", closing: "closing"}).reset_index(drop=True)
    out[["value", "gap"]] = out[["value", "gap"]].astype(float).round(2)
    return out


def territory_summary(evaluation: pd.DataFrame) -> dict[str, int]:
    """Return how many of the territory's targets are met, missed, without data, and in total."""
    counts = evaluation["status"].value_counts()
    return {
        Status.MET: int(counts.get(Status.MET, 0)),
        Status.MISSED: int(counts.get(Status.MISSED, 0)),
        Status.NO_DATA: int(counts.get(Status.NO_DATA, 0) + counts.get(Status.INSUFFICIENT, 0)),
        "total": len(evaluation),
    }


def missing_villages(
    village_geoms: gpd.GeoDataFrame, village_eval: pd.DataFrame, commune_eval: pd.DataFrame, indicator: str
) -> gpd.GeoDataFrame:
    """Return the villages that miss ``indicator`` inside communes that miss it too (the villages that make
    their commune miss), with their value, target and gap; empty for :data:`ALL_TARGETS`."""
    if indicator == ALL_TARGETS:
        return village_geoms.iloc[:0].assign(status=pd.Series(dtype=object))
    communes = commune_eval.loc[
        commune_eval["indicator"].eq(indicator) & commune_eval["status"].eq(Status.MISSED), "uid"
    ]
    rows = village_eval[
        village_eval["indicator"].eq(indicator)
        & village_eval["status"].eq(Status.MISSED)
        & village_eval["parent_uid"].isin(communes)
    ]
    return units_for_map(village_geoms[village_geoms["uid"].isin(rows["uid"])], rows, indicator)


def unit_at(geoms: gpd.GeoDataFrame, lon: float, lat: float) -> str | None:
    """Return the uid of the unit of ``geoms`` containing (``lon``, ``lat``); ``None`` outside all units."""
    hit = geoms.sindex.query(shapely.Point(lon, lat), predicate="intersects")
    return str(geoms["uid"].iloc[hit[0]]) if len(hit) else None


def view_for(bounds: tuple[float, float, float, float], *, width_px: int = 800, height_px: int = 600):
    """Return (centre [lat, lon], zoom) showing ``bounds`` (lon_min, lat_min, lon_max, lat_max) in a map of
    ``width_px`` × ``height_px`` pixels (Web Mercator tiles of 256 px; zoom between 5 and 17)."""
    lon_min, lat_min, lon_max, lat_max = bounds
    lon_span = max(lon_max - lon_min, 1e-4)
    lat_span = max(lat_max - lat_min, 1e-4) / math.cos(math.radians((lat_min + lat_max) / 2))
    zoom = math.floor(
        min(math.log2(width_px * 360 / (256 * lon_span)), math.log2(height_px * 360 / (256 * lat_span)))
    )
    return [(lat_min + lat_max) / 2, (lon_min + lon_max) / 2], int(min(max(zoom, 5), 17))
