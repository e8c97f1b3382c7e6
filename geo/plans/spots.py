"""White and grey spots as informational rows of an evaluation (no target, nothing judged).

For each unit at a level, and per technology (4G = 4G or 5G, and 5G): how many of its villages (units
of the coverage table) no operator covers — **white** spots — and exactly one operator covers —
**grey** spots (BNetzA's terms; :func:`geo.compute.evidence.white_grey_spots` decides which), with
their households and area. The rows have the columns of :data:`geo.plans.evaluate.COLUMNS` so they
can sit under the judged rows of :meth:`geo.plans.assessment.Assessment.evaluate`, but they are
labelled as information: ``status`` is empty (:data:`INFO_STATUS`), there is no target, and the label
and the closing words say "information, no target". Their ids are not in the indicator catalogue (no
plan can target them); :data:`SPOT_INDICATORS` lists them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from geo.compute.evidence import GREY, WHITE, white_grey_spots
from geo.compute.hierarchy import Hierarchy, aggregate_counts, aggregate_items
from geo.compute.indicators import DETAIL_LIMIT
from geo.model import Dataset
from geo.plans.evaluate import COLUMNS

__all__ = ["SPOT_INDICATORS", "INFO_STATUS", "is_spot_row", "spot_rows"]

#: Status of an informational row: none (nothing is judged against a target).
INFO_STATUS = ""
#: Row ids → (spot kind, technology, label vi, label en), in output order.
SPOT_INDICATORS = {
    f"{kind}_spots_{tech.lower()}": (kind, tech, vi.format(tech=tech), en.format(tech=tech))
    for tech in ("4G", "5G")
    for kind, vi, en in (
        (
            WHITE,
            "Vùng trắng {tech}: số thôn không nhà mạng nào phủ sóng (thông tin, không có chỉ tiêu)",
            "{tech} white spots: villages no operator covers (information, no target)",
        ),
        (
            GREY,
            "Vùng xám {tech}: số thôn chỉ một nhà mạng phủ sóng (thông tin, không có chỉ tiêu)",
            "{tech} grey spots: villages only one operator covers (information, no target)",
        ),
    )
}


def is_spot_row(indicator: pd.Series) -> np.ndarray:
    """True where an evaluation row's ``indicator`` is one of :data:`SPOT_INDICATORS`."""
    return indicator.isin(list(SPOT_INDICATORS)).to_numpy()


def _words(count: float, households: float, area: float, names: tuple) -> tuple[str, str]:
    if count == 0:
        return "Thông tin, không có chỉ tiêu: không có thôn nào.", "Information, no target: none."
    more = f" (+{int(count) - len(names)})" if count > len(names) else ""
    listed = ", ".join(map(str, names)) + more
    homes_vi = f"{households:,.0f}".replace(",", ".") + " hộ, " if np.isfinite(households) else ""
    homes_en = f"{households:,.0f} households, " if np.isfinite(households) else ""
    area_vi = f"{area:.1f}".replace(".", ",")
    return (
        f"Thông tin, không có chỉ tiêu: {int(count)} thôn ({homes_vi}{area_vi} km²): {listed}.",
        f"Information, no target: {int(count)} villages ({homes_en}{area:.1f} km²): {listed}.",
    )


def spot_rows(dataset: Dataset, hierarchy: Hierarchy, coverage: pd.DataFrame, level: str) -> pd.DataFrame:
    """Informational rows (:data:`geo.plans.evaluate.COLUMNS`) of white and grey spots for every unit
    at ``level`` (one of the hierarchy's levels), four per unit (:data:`SPOT_INDICATORS`).

    ``coverage`` is the dataset's coverage table (:attr:`Assessment.village_coverage`, for the source
    chosen). ``value`` is the number of spot villages in the unit (unit "thôn"), ``numerator`` their
    households (0 when none is known), ``denominator`` the unit's villages with samples; ``closing_vi``
    / ``closing_en`` give the count, households, area (km²) and the names (largest households first,
    at most :data:`geo.compute.indicators.DETAIL_LIMIT`). ``status`` is :data:`INFO_STATUS`; target
    columns are empty. Empty without a coverage table or units at ``level``.
    """
    nodes = hierarchy.nodes
    units = nodes[nodes["level"] == level]
    if coverage.empty or units.empty or hierarchy.base_layer is None:
        return pd.DataFrame(columns=COLUMNS)
    spots = white_grey_spots(dataset, coverage)
    table = coverage.set_index("uid")
    area_of = pd.Series(nodes["area_km2"].to_numpy(float), index=nodes.index)
    frames = []
    for indicator, (kind, tech, label_vi, label_en) in SPOT_INDICATORS.items():
        mine = spots[spots["technology"].eq(tech)]
        node = table.loc[mine["uid"], "node"].to_numpy(np.int64)
        is_spot = mine["spot"].eq(kind).to_numpy()
        raw = table.loc[mine["uid"], "households"].to_numpy(float)
        households, zero = np.nan_to_num(raw), np.zeros(len(node))
        count, sampled = aggregate_counts(node, is_spot * 1.0, zero + 1.0, hierarchy)
        homes, _ = aggregate_counts(node, households * is_spot, zero, hierarchy)
        known, _ = aggregate_counts(node, np.isfinite(raw) * is_spot, zero, hierarchy)
        area, _ = aggregate_counts(node, area_of.reindex(node).to_numpy() * is_spot, zero, hierarchy)
        label = mine["name"].to_numpy(object)[is_spot]
        at, lists = aggregate_items(node[is_spot], label, households[is_spot], hierarchy, limit=DETAIL_LIMIT)
        names = dict(zip(at, lists, strict=True))
        idx = units.index.to_numpy()
        words = [_words(count[i], homes[i] if known[i] else np.nan, area[i], names.get(i, ())) for i in idx]
        frames.append(
            pd.DataFrame(
                {
                    "uid": units["uid"].to_numpy(object),
                    "name": units["name"].to_numpy(object),
                    "level": level,
                    "parent_uid": units["parent_uid"].to_numpy(object),
                    "indicator": indicator,
                    "label_vi": label_vi,
                    "label_en": label_en,
                    "unit": "thôn",
                    "value": count[idx],
                    "value_source": "computed",
                    "computed": count[idx],
                    "status": INFO_STATUS,
                    "target_text": "",
                    "numerator": homes[idx],
                    "denominator": sampled[idx],
                    "closing_vi": [w[0] for w in words],
                    "closing_en": [w[1] for w in words],
                }
            )
        )
    out = pd.concat(frames, ignore_index=True)
    unit_major = np.arange(len(out)).reshape(len(frames), -1).T.ravel()  # each unit's four rows together
    return out.iloc[unit_major].reset_index(drop=True).reindex(columns=COLUMNS)
