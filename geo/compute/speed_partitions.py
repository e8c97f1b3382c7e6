"""Speed tests per unit out of core: exact counts, medians and means on a dask cluster.

A folder of partitions (:mod:`geo.io.speed_folder`) is aggregated with dask.dataframe, on a
local cluster by default (:func:`dask_client`: two single-threaded worker processes with a
memory limit each, for a 2-core machine) or on an existing ``dask.distributed`` scheduler
given by ``--scheduler tcp://HOST:PORT`` or the environment variable
:data:`SCHEDULER_ENV`. The cluster's workers must see the partition files at the same path.

How the medians stay exact (not approximate) with bounded memory — *per-unit value
histograms*:

1. each partition is read and its tests located in the deepest unit holding them with the
   hierarchy's own STRtree point-in-polygon test (:meth:`Hierarchy.locate`, the same function
   the in-memory path uses, so boundary and overlap rules are the same), the village polygons
   being sent once to every worker (one ``Delayed`` in the graph);
2. the partition is reduced to a histogram: one row per (network, metric, unit, exact value)
   with its count, for the unit and each of its ancestors (commune, province, territory);
3. the histograms are shuffled on (network, metric, unit) — dask's disk-backed shuffle — so
   that each output partition holds *every* value of the units it owns, merged and sorted;
4. there, per unit, the count is the sum of counts, the median the value at the middle rank(s)
   of the cumulative counts (the mean of the two middle values for an even count, as
   :func:`geo.compute.hierarchy.aggregate_medians`) and the mean the count-weighted sum of
   the values in sorted order.

Why this and not a shuffle of the raw rows grouped by unit: a unit's memory is then the
number of *distinct* values it holds, not its number of tests. The territory (and a large
province) holds every test: tens of millions of raw rows in one group would not fit in one
worker, while speeds measured to 0.01 Mbit/s and latencies in whole milliseconds have at most
a few hundred thousand distinct values. Every figure is exact: a histogram loses nothing.

:func:`summarise_tests` is the same computation on one in-memory table (the path for a single
file), so the two paths give identical numbers; :func:`speed_indicator_values` feeds the
``mobile_speed`` / ``fixed_speed`` indicators; :func:`unit_speed_table` lays the summary out
per unit and network, with the minimum-sample flag.
"""

from __future__ import annotations

import atexit
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from geo.compute.hierarchy import Hierarchy, point_xy
from geo.errors import GeoError
from geo.vocab import Status

if TYPE_CHECKING:
    from distributed import Client

#: The measured values aggregated per unit.
METRICS = ("download_mbps", "upload_mbps", "latency_ms")

__all__ = [
    "METRICS",
    "SCHEDULER_ENV",
    "NETWORKS",
    "SUMMARY_COLUMNS",
    "use_scheduler",
    "scheduler_address",
    "dask_client",
    "locator_of",
    "value_histogram",
    "summarise_histogram",
    "speed_frame",
    "summarise_tests",
    "summarise_folder",
    "folder_summary",
    "speed_indicator_values",
    "unit_speed_table",
]

log = logging.getLogger(__name__)

#: Environment variable naming an existing dask scheduler (``tcp://HOST:PORT``).
SCHEDULER_ENV = "COVERAGE_DASK_SCHEDULER"
#: Network types, in code order (code 0 = mobile, 1 = fixed).
NETWORKS = ("mobile", "fixed")
_INDICATOR = {"mobile": "mobile_speed", "fixed": "fixed_speed"}
#: Columns of the long summary: one row per (network, metric, node) holding at least one value.
SUMMARY_COLUMNS = ["network", "metric", "node", "count", "median", "mean"]
#: The local cluster: worker processes, threads each, memory limit each (sized for a 2-core machine).
LOCAL_WORKERS, LOCAL_THREADS, LOCAL_MEMORY = 2, 1, "2GiB"

_NODE_BITS = 40
_NODE_MASK = (1 << _NODE_BITS) - 1
_HIST_META = pd.DataFrame(
    {"key": pd.Series(dtype=np.int64), "value": pd.Series(dtype=float), "n": pd.Series(dtype=np.int64)}
)
_TESTS_META = pd.DataFrame(
    {"lon": pd.Series(dtype=float), "lat": pd.Series(dtype=float), "network": pd.Series(dtype=object)}
    | {metric: pd.Series(dtype=float) for metric in METRICS}
)
_SUMMARY_META = pd.DataFrame(
    {
        "net": pd.Series(dtype=np.int8),
        "metric": pd.Series(dtype=np.int8),
        "node": pd.Series(dtype=np.int64),
        "count": pd.Series(dtype=np.int64),
        "median": pd.Series(dtype=float),
        "mean": pd.Series(dtype=float),
    }
)
_local: dict[str, Any] = {}


def use_scheduler(address: str | None) -> None:
    """Use the dask scheduler at ``address`` (``tcp://HOST:PORT``) from now on, here and in children."""
    if address:
        os.environ[SCHEDULER_ENV] = address


def scheduler_address() -> str | None:
    """The scheduler given by ``--scheduler`` or :data:`SCHEDULER_ENV`, or None for the local cluster."""
    return os.environ.get(SCHEDULER_ENV) or None


@contextmanager
def dask_client(address: str | None = None) -> Iterator[Client]:
    """A ``distributed.Client`` on ``address``, the configured scheduler, or this process's local cluster.

    The local cluster (:data:`LOCAL_WORKERS` processes × :data:`LOCAL_THREADS` thread, at most
    :data:`LOCAL_MEMORY` each; dask spills to disk above it) is started once per process and
    closed at exit. A scheduler that cannot be reached is a :class:`GeoError` naming it.
    """
    from distributed import Client, LocalCluster

    address = address or scheduler_address()
    if address:
        try:
            client = Client(address, timeout="5s", set_as_default=False)
        except (OSError, TimeoutError) as exc:
            raise GeoError(
                f"Không kết nối được bộ lập lịch dask '{address}' ({exc}).",
                f"Cannot reach the dask scheduler '{address}' ({exc}).",
            ) from exc
        try:
            yield client
        finally:
            client.close()
        return
    if "client" not in _local:
        quiet = logging.getLogger().getEffectiveLevel() > logging.INFO  # dask's own lines only with -v
        if quiet:
            logging.getLogger("distributed").setLevel(logging.WARNING)
        cluster = LocalCluster(
            silence_logs=logging.WARNING if quiet else False,
            n_workers=min(LOCAL_WORKERS, os.cpu_count() or 1),
            threads_per_worker=LOCAL_THREADS,
            memory_limit=LOCAL_MEMORY,
            processes=True,
            dashboard_address=":0",
        )
        _local["cluster"], _local["client"] = cluster, Client(cluster, set_as_default=False)
        atexit.register(_close_local)
    yield _local["client"]


def _close_local() -> None:
    logging.getLogger("distributed").setLevel(logging.CRITICAL)  # at exit, log streams may be closed already
    client, cluster = _local.pop("client", None), _local.pop("cluster", None)
    if client is not None:
        client.close()
    if cluster is not None:
        cluster.close()


def locator_of(hierarchy: Hierarchy) -> Hierarchy:
    """A light copy of ``hierarchy`` for workers: the unit polygons, layers and ancestors only."""
    return Hierarchy(
        nodes=hierarchy.nodes[["layer"]].copy(),
        ancestors=hierarchy.ancestors,
        levels=hierarchy.levels,
        geometry=hierarchy.geometry,
        metric={},
        metric_crs=hierarchy.metric_crs,
    )


def _group_key(net: np.ndarray, metric: int | np.ndarray, node: np.ndarray) -> np.ndarray:
    """One int64 per (network, metric, node): ``(metric · 2 + network) << 40 | node``."""
    return ((np.asarray(metric, np.int64) * 2 + net.astype(np.int64)) << _NODE_BITS) | node.astype(np.int64)


def _runs(key: np.ndarray, value: np.ndarray, n: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sort by (key, value) and merge equal pairs, adding their counts.

    Keys and values are ranked first (``np.unique``), so the pair sort is one int64 sort, much
    faster than a two-key ``lexsort``; counts stay integers.
    """
    if not len(key):
        return key, value, n
    values, value_rank = np.unique(value, return_inverse=True)
    keys, key_rank = np.unique(key, return_inverse=True)
    pair, at = np.unique(key_rank.astype(np.int64) * len(values) + value_rank, return_inverse=True)
    total = np.bincount(at, weights=n, minlength=len(pair)).astype(np.int64)  # exact below 2**53 tests
    return keys[pair // len(values)], values[pair % len(values)], total


def value_histogram(tests: pd.DataFrame, locator: Hierarchy) -> pd.DataFrame:
    """Reduce canonical tests (``lon``, ``lat``, ``network``, :data:`METRICS`) to per-node value counts.

    One row per (group ``key`` — network, metric and node —, exact ``value``) with ``n`` tests,
    for the node holding each test and each of its ancestors up to the territory, sorted by key
    and value. Tests of another network type, and missing values, are left out (per metric).
    """
    net = pd.Categorical(tests["network"], categories=NETWORKS).codes.astype(np.int8)  # -1: other or none
    node = locator.locate(tests["lon"].to_numpy(float), tests["lat"].to_numpy(float))
    keys, values, counts = [], [], []
    for m, metric in enumerate(METRICS):
        value = tests[metric].to_numpy(float)
        ok = (net >= 0) & np.isfinite(value)
        if not ok.any():
            continue
        # rank the values once; a (network, node, value) pair is then one int64: one sort per level set
        distinct, rank = np.unique(value[ok], return_inverse=True)
        width = np.int64(len(distinct))
        pair, n = np.unique((node[ok] * 2 + net[ok]) * width + rank, return_counts=True)
        here, rank = pair // width, pair % width
        base_node, base_net = here // 2, here % 2
        up = [
            (above * 2 + base_net) * width + rank
            for above in (locator.ancestors[base_node, d] for d in range(locator.ancestors.shape[1]))
        ]
        keep = [u >= 0 for u in up]
        pair, at = np.unique(
            np.concatenate([u[k] for u, k in zip(up, keep, strict=True)]), return_inverse=True
        )
        n = np.bincount(at, weights=np.concatenate([n[k] for k in keep]), minlength=len(pair)).astype(
            np.int64
        )
        here = pair // width
        keys.append(_group_key(here % 2, m, here // 2))
        values.append(distinct[pair % width])
        counts.append(n)
    if not keys:
        return _HIST_META.copy()
    return pd.DataFrame(
        {"key": np.concatenate(keys), "value": np.concatenate(values), "n": np.concatenate(counts)}
    )


def summarise_histogram(hist: pd.DataFrame) -> pd.DataFrame:
    """Exact count, median and mean per (network, metric, node) from value counts holding all of each group.

    Rows of one group may come from several partitions (the same value more than once): they
    are merged first. Values are taken in increasing order; the median is the middle value (the
    mean of the two middle ones for an even count).
    """
    if hist.empty:
        return _SUMMARY_META.copy()
    key, value, n = _runs(
        hist["key"].to_numpy(np.int64), hist["value"].to_numpy(float), hist["n"].to_numpy(np.int64)
    )
    new = np.ones(len(key), dtype=bool)
    new[1:] = key[1:] != key[:-1]
    start = np.flatnonzero(new)
    group = np.cumsum(new) - 1
    cum = np.cumsum(n)
    count = np.add.reduceat(n, start)
    before = cum[start] - n[start]  # tests of earlier groups
    lo = np.searchsorted(cum, before + (count - 1) // 2, side="right")
    hi = np.searchsorted(cum, before + count // 2, side="right")
    total = np.bincount(group, weights=value * n)
    kind = key[start] >> _NODE_BITS
    return pd.DataFrame(
        {
            "net": (kind % 2).astype(np.int8),
            "metric": (kind // 2).astype(np.int8),
            "node": key[start] & _NODE_MASK,
            "count": count,
            "median": (value[lo] + value[hi]) / 2,
            "mean": total / count,
        }
    )


def _labelled(summary: pd.DataFrame) -> pd.DataFrame:
    out = summary.sort_values(["net", "metric", "node"], kind="stable").reset_index(drop=True)
    return pd.DataFrame(
        {
            "network": np.asarray(NETWORKS, dtype=object)[out["net"].to_numpy()],
            "metric": np.asarray(METRICS, dtype=object)[out["metric"].to_numpy()],
            "node": out["node"].to_numpy(np.int64),
            "count": out["count"].to_numpy(np.int64),
            "median": out["median"].to_numpy(float),
            "mean": out["mean"].to_numpy(float),
        },
        columns=SUMMARY_COLUMNS,
    )


def speed_frame(layer) -> pd.DataFrame:
    """Canonical tests (``lon``, ``lat``, ``network``, :data:`METRICS`) of a validated speed-test layer."""
    lon, lat = point_xy(layer.geometry)
    network = layer["network"].astype(object)
    out = pd.DataFrame({"lon": lon, "lat": lat, "network": network.where(network.notna(), None).to_numpy()})
    for metric in METRICS:
        out[metric] = (
            pd.to_numeric(layer[metric], errors="coerce").to_numpy(float) if metric in layer else np.nan
        )
    return out


def summarise_tests(tests: pd.DataFrame, hierarchy: Hierarchy) -> pd.DataFrame:
    """The in-memory path: :data:`SUMMARY_COLUMNS` for canonical tests in one table (:func:`speed_frame`)."""
    return _labelled(summarise_histogram(value_histogram(tests, locator_of(hierarchy))))


def summarise_folder(
    folder: Any, hierarchy: Hierarchy, *, address: str | None = None, npartitions: int | None = None
) -> pd.DataFrame:
    """The dask path: :data:`SUMMARY_COLUMNS` for every test of ``folder``'s partitions.

    Runs on :func:`dask_client` (``address``, the configured scheduler, or the local cluster).
    Only the summary (a few rows per unit) comes back to this process. A partition that
    cannot be read raises :class:`GeoError` naming it.
    """
    import dask
    import dask.dataframe as dd

    if not folder.partitions:
        return _labelled(_SUMMARY_META.copy())
    locator = dask.delayed(locator_of(hierarchy), pure=True)
    with dask_client(address) as client:
        tests = dd.from_map(_read_partition, folder.partitions, meta=_TESTS_META, enforce_metadata=False)
        hist = tests.map_partitions(value_histogram, locator, meta=_HIST_META)
        out_parts = npartitions or max(1, min(len(folder.partitions), 64))
        shuffled = hist.shuffle(on="key", npartitions=out_parts)
        summary = shuffled.map_partitions(summarise_histogram, meta=_SUMMARY_META)
        log.info("speed tests: %d partitions on %s", len(folder.partitions), client.scheduler.address)
        result = client.compute(summary, sync=True)
    return _labelled(result)


def _read_partition(part: Any) -> pd.DataFrame:
    """Read one :class:`geo.io.speed_folder.Partition` (run on a dask worker)."""
    return part.read()


def folder_summary(folder: Any, hierarchy: Hierarchy) -> pd.DataFrame:
    """:func:`summarise_folder`, computed once per folder and hierarchy size (kept on the folder)."""
    key = len(hierarchy.nodes)
    if folder.summary is None or folder.summary[0] != key:
        folder.summary = (key, summarise_folder(folder, hierarchy))
    return folder.summary[1]


def speed_indicator_values(summary: pd.DataFrame, hierarchy: Hierarchy) -> dict[str, dict]:
    """``mobile_speed`` / ``fixed_speed`` as :func:`geo.compute.indicators.compute_indicators` uses them.

    Per indicator, ``median`` (NaN where no test) and ``count`` of the download speeds, one
    entry per hierarchy node — what :func:`geo.compute.hierarchy.aggregate_medians` gives.
    """
    n = len(hierarchy.nodes)
    found = {}
    download = summary[summary["metric"] == "download_mbps"]
    for network in NETWORKS:
        rows = download[download["network"] == network]
        median, count = np.full(n, np.nan), np.zeros(n, dtype=np.int64)
        node = rows["node"].to_numpy(np.int64)
        median[node], count[node] = rows["median"].to_numpy(float), rows["count"].to_numpy(np.int64)
        found[_INDICATOR[network]] = {"median": median, "count": count}
    return found


def unit_speed_table(summary: pd.DataFrame, hierarchy: Hierarchy, *, min_tests: int) -> pd.DataFrame:
    """Per unit (every node, territory first) and network: count, median and mean of each metric, and a flag.

    Columns ``level``, ``uid``, ``name``, ``network``, then ``<metric>_count``, ``_median``,
    ``_mean`` for each of :data:`METRICS`, and ``flag``: :attr:`Status.NO_DATA` without a download
    value, ``"insufficient_samples"`` below ``min_tests`` (the indicators' rule), else ``""``.
    """
    nodes = hierarchy.nodes
    n = len(nodes)
    frames = []
    for network in NETWORKS:
        frame = pd.DataFrame(
            {
                "level": nodes["level"].to_numpy(),
                "uid": nodes["uid"].to_numpy(),
                "name": nodes["name"].to_numpy(),
                "network": network,
            }
        )
        for metric in METRICS:
            rows = summary[(summary["network"] == network) & (summary["metric"] == metric)]
            node = rows["node"].to_numpy(np.int64)
            count = np.zeros(n, dtype=np.int64)
            median, mean = np.full(n, np.nan), np.full(n, np.nan)
            count[node], median[node], mean[node] = rows["count"], rows["median"], rows["mean"]
            frame[f"{metric}_count"], frame[f"{metric}_median"], frame[f"{metric}_mean"] = count, median, mean
        tests = frame["download_mbps_count"].to_numpy()
        frame["flag"] = np.where(
            tests == 0, Status.NO_DATA, np.where(tests < min_tests, Status.INSUFFICIENT, "")
        )
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)
