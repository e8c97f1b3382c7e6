"""Shared BTS sites and free Wi-Fi at public places: the two point-to-point indicators.

- :func:`site_clusters` merges BTS rows standing within ``site_merge_distance_m`` of each
  other (chains included: A–B and B–C within the distance make one site A–B–C) into one
  physical site; :func:`shared_sites` says which merged sites serve two or more distinct
  operators (bts_site_sharing = shared sites / all sites).
- :func:`near_free_wifi` says which public places have a free Wi-Fi point within
  ``wifi_distance_m`` (public_free_wifi = places with Wi-Fi / all places).

Coordinates are metres in the dataset's metric CRS; points with NaN coordinates are never
near anything and stay sites of their own.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely

from geo.compute.coverage import to_metric
from geo.compute.hierarchy import flag_values, point_xy

__all__ = ["site_clusters", "shared_sites", "near_free_wifi", "places_with_free_wifi"]


def site_clusters(x: np.ndarray, y: np.ndarray, *, merge_distance_m: float) -> np.ndarray:
    """Return, per BTS row, the label of its merged site: the smallest row position in it.

    Rows within ``merge_distance_m`` (m) of each other are linked; merged sites are the
    connected components (found with one STRtree ``dwithin`` query and label propagation
    with pointer jumping, all vectorised).
    """
    labels = np.arange(len(x))
    located = np.flatnonzero(np.isfinite(x) & np.isfinite(y))
    if len(located) < 2:
        return labels
    points = shapely.points(x[located], y[located])
    i, j = shapely.STRtree(points).query(points, predicate="dwithin", distance=merge_distance_m)
    i, j = located[i], located[j]
    while True:
        lowered = labels.copy()
        np.minimum.at(lowered, i, labels[j])
        lowered = lowered[lowered]
        if np.array_equal(lowered, labels):
            return labels
        labels = lowered


def shared_sites(labels: np.ndarray, bits: np.ndarray) -> pd.DataFrame:
    """Return one row per merged site: ``label``, ``rows`` (BTS rows merged), ``bits`` and ``shared``.

    ``bits`` is the operator bit mask per BTS row (see :func:`geo.compute.coverage.operator_bits`);
    a merged site is shared when the union of its rows' masks names two or more operators.
    """
    merged = np.zeros(len(labels), dtype=np.uint8)
    np.bitwise_or.at(merged, labels, bits)
    rows = np.bincount(labels, minlength=len(labels))
    label = np.flatnonzero(rows)
    return pd.DataFrame(
        {
            "label": label,
            "rows": rows[label],
            "bits": merged[label],
            "shared": np.bitwise_count(merged[label]) >= 2,
        }
    )


def near_free_wifi(
    place_x: np.ndarray, place_y: np.ndarray, wifi_x: np.ndarray, wifi_y: np.ndarray, *, distance_m: float
) -> np.ndarray:
    """Return True per public place with a Wi-Fi point within ``distance_m`` (m), boundary included.

    Pass only the free Wi-Fi points (``free`` true or unknown).
    """
    found = np.zeros(len(place_x), dtype=bool)
    wifi_ok = np.isfinite(wifi_x) & np.isfinite(wifi_y)
    place_ok = np.flatnonzero(np.isfinite(place_x) & np.isfinite(place_y))
    if not wifi_ok.any() or not len(place_ok):
        return found
    tree = shapely.STRtree(shapely.points(wifi_x[wifi_ok], wifi_y[wifi_ok]))
    place, _ = tree.query(
        shapely.points(place_x[place_ok], place_y[place_ok]), predicate="dwithin", distance=distance_m
    )
    found[place_ok[place]] = True
    return found


def places_with_free_wifi(places, wifi, *, distance_m: float, crs: str) -> np.ndarray:
    """Return True per public place (rows of ``places``, EPSG:4326) with a free Wi-Fi point of ``wifi``
    within ``distance_m`` metres, measured in ``crs``.

    The one rule behind the ``public_free_wifi`` indicator and the map's place markers: Wi-Fi points
    with ``free`` false are ignored (missing or unknown ``free`` counts as free); no Wi-Fi layer
    means no place has Wi-Fi near.
    """
    if wifi is None or not len(wifi) or not len(places):
        return np.zeros(len(places), dtype=bool)
    free = flag_values(wifi["free"]) != 0.0 if "free" in wifi else np.ones(len(wifi), dtype=bool)
    wifi_x, wifi_y = to_metric(*point_xy(wifi.geometry[free]), crs)
    return near_free_wifi(*to_metric(*point_xy(places.geometry), crs), wifi_x, wifi_y, distance_m=distance_m)
