"""The straightforward geopandas way to compute three indicators: the benchmark's baseline.

Per-village overlay of the union of buffered coverage shapes (exact areas), one ``sjoin``
per layer and level, row-wise ``apply`` and a Python graph walk for merging sites. It
answers the same questions as :func:`geo.compute.indicators.compute_indicators` for
``village_mobile_bb_coverage``, ``bts_site_sharing`` and ``public_free_wifi`` and must agree
with it (within the grid-sampling tolerance for coverage); it is kept only to measure the
speed-up and to cross-check the fast path in tests. Do not use it in the app.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.ops import unary_union

from geo.compute.coverage import BROADBAND, operator_bits, prepare_sites, site_shapes
from geo.compute.hierarchy import build_hierarchy
from geo.model import LEVEL_OF_LAYER, TERRITORY, Dataset

__all__ = ["naive_village_shares", "naive_indicators"]


def naive_village_shares(dataset: Dataset) -> pd.Series:
    """Return, per village ``uid``, the exact share (0–1) of its area inside 4G/5G coverage.

    With settlement points in a village, the share of their households instead (a
    settlement without a figure weighs 1 here). Row-wise overlay: slow on purpose.
    """
    crs = dataset.settings.metric_crs
    villages = dataset.layers["villages"].to_crs(crs)
    shapes = site_shapes(prepare_sites(dataset, build_hierarchy(dataset)), BROADBAND)
    settlements = dataset.layer("settlements")
    if settlements is not None:
        settlements = gpd.sjoin(
            settlements.to_crs(crs), villages[["uid", "geometry"]], predicate="intersects"
        )
        settlements = settlements.drop_duplicates(subset="geometry")

    def share(village: pd.Series) -> float:
        nearby = shapes.iloc[shapes.sindex.query(village.geometry, predicate="intersects")]
        served = unary_union(list(nearby.geometry))
        if settlements is not None and (settlements["uid"] == village["uid"]).any():
            inside = settlements[settlements["uid"] == village["uid"]]
            weight = pd.to_numeric(inside.get("households"), errors="coerce").fillna(1.0)
            return float((weight * inside.geometry.intersects(served)).sum() / weight.sum())
        return village.geometry.intersection(served).area / village.geometry.area

    return pd.Series(villages.apply(share, axis=1).to_numpy(), index=villages["uid"].to_numpy())


def naive_indicators(dataset: Dataset) -> pd.DataFrame:
    """Return ``level``, ``uid``, ``indicator``, ``value`` (%), ``numerator``, ``denominator``.

    Village coverage at village level, summed by ``parent_uid`` to communes and over all to
    the territory; site sharing and free Wi-Fi by one ``sjoin`` per unit layer.
    """
    frames = []
    if dataset.layer("villages") is not None and dataset.layer("bts_sites") is not None:
        frames.append(_naive_village_coverage(dataset))
    if dataset.layer("bts_sites") is not None:
        frames.append(_per_level(dataset, _naive_sites(dataset), "shared", "bts_site_sharing"))
    if dataset.layer("public_places") is not None and dataset.layer("wifi_points") is not None:
        frames.append(_per_level(dataset, _naive_places(dataset), "wifi", "public_free_wifi"))
    out = pd.concat(frames, ignore_index=True)
    out["value"] = np.where(
        out["denominator"] > 0, 100.0 * out["numerator"] / out["denominator"].clip(lower=1), np.nan
    )
    return out


def _naive_village_coverage(dataset: Dataset) -> pd.DataFrame:
    villages = dataset.layers["villages"]
    shares = naive_village_shares(dataset)
    covered = (shares >= dataset.settings.indicators.village_covered_share).astype(float)
    rows = pd.DataFrame(
        {"level": "village", "uid": shares.index, "numerator": covered.to_numpy(), "denominator": 1.0}
    )
    parents = villages.set_index("uid")["parent_uid"]
    communes = rows.assign(uid=rows["uid"].map(parents)).groupby("uid", as_index=False)[
        ["numerator", "denominator"]
    ]
    territory = pd.DataFrame({"level": [TERRITORY], "uid": [TERRITORY], "numerator": [covered.sum()]})
    territory["denominator"] = float(len(covered))
    frames = [rows, communes.sum().assign(level="commune"), territory]
    return pd.concat(frames, ignore_index=True).assign(indicator="village_mobile_bb_coverage")


def _naive_sites(dataset: Dataset) -> gpd.GeoDataFrame:
    """One row per merged site (its first BTS row), with ``shared``."""
    crs = dataset.settings.metric_crs
    sites = dataset.layers["bts_sites"].to_crs(crs).reset_index(drop=True)
    sites["bits"] = operator_bits(sites["operators"])
    distance = dataset.settings.indicators.site_merge_distance_m
    links = gpd.sjoin(sites[["geometry"]], sites[["geometry"]], predicate="dwithin", distance=distance)
    neighbours = links.groupby(level=0)["index_right"].apply(list).to_dict()
    label = [-1] * len(sites)
    for start in range(len(sites)):
        if label[start] >= 0:
            continue
        stack = [start]
        while stack:
            row = stack.pop()
            if label[row] < 0:
                label[row] = start
                stack.extend(n for n in neighbours.get(row, []) if label[n] < 0)
    sites["label"] = label
    merged = sites.groupby("label")["bits"].apply(
        lambda b: bin(int(np.bitwise_or.reduce(b.to_numpy()))).count("1")
    )
    first = sites.loc[sites.index == sites["label"]].copy()
    first["shared"] = first["label"].map(merged) >= 2
    return first.to_crs(dataset.layers["bts_sites"].crs)


def _naive_places(dataset: Dataset) -> gpd.GeoDataFrame:
    crs = dataset.settings.metric_crs
    places = dataset.layers["public_places"].to_crs(crs).reset_index(drop=True)
    wifi = dataset.layers["wifi_points"].to_crs(crs)
    if "free" in wifi:
        wifi = wifi[wifi["free"].apply(lambda v: pd.isna(v) or bool(v))]
    distance = dataset.settings.indicators.wifi_distance_m
    hits = gpd.sjoin(places[["geometry"]], wifi[["geometry"]], predicate="dwithin", distance=distance)
    places["wifi"] = places.index.isin(hits.index)
    return places.to_crs(dataset.layers["public_places"].crs)


def _per_level(dataset: Dataset, points: gpd.GeoDataFrame, column: str, indicator: str) -> pd.DataFrame:
    frames = [
        pd.DataFrame(
            {
                "level": [TERRITORY],
                "uid": [TERRITORY],
                "numerator": [float(points[column].sum())],
                "denominator": [float(len(points))],
            }
        )
    ]
    for layer in dataset.unit_levels():
        units = dataset.layers[layer][["uid", "geometry"]]
        joined = gpd.sjoin(points[[column, "geometry"]], units, predicate="intersects")
        joined = joined[~joined.index.duplicated()]
        sums = joined.groupby("uid")[column].agg(["sum", "count"]).reindex(units["uid"], fill_value=0)
        frames.append(
            pd.DataFrame(
                {
                    "level": LEVEL_OF_LAYER[layer],
                    "uid": sums.index,
                    "numerator": sums["sum"].to_numpy(float),
                    "denominator": sums["count"].to_numpy(float),
                }
            )
        )
    return pd.concat(frames, ignore_index=True).assign(indicator=indicator)
