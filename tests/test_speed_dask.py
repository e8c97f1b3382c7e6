"""Speed tests as a folder of partitions, aggregated on dask, against the in-memory path.

The generated tests (:data:`N_TESTS`, written under ``tmp_path``, never committed) are read
twice: as one CSV file (the in-memory path) and as a folder of Parquet/CSV partitions (the dask
path). Counts, medians and means per network type must be the same at every level. The
1 M-test comparison and the 20 M-test memory figure are in ``bench/bench_dask.py``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import shapely
import yaml

from geo.cli.main import main
from geo.compute.hierarchy import aggregate_counts, aggregate_medians, build_hierarchy
from geo.compute.speed_partitions import (
    SCHEDULER_ENV,
    speed_frame,
    summarise_folder,
    summarise_tests,
    unit_speed_table,
)
from geo.io.dataset import read_dataset
from geo.plans.assessment import Assessment
from geo.settings import DEMO_DIR
from geo.vocab import Status

distributed = pytest.importorskip("distributed")

#: Tests generated for the comparison (the bench compares 1 M; 200 k keeps this file near 30 s).
N_TESTS = 200_000
N_PARTITIONS = 8
_COLUMNS = {"network": "loai_mang", "download_mbps": "tai_xuong_mbps", "upload_mbps": "tai_len_mbps"}
_COLUMNS |= {"latency_ms": "do_tre_ms"}


def _tests(n: int, seed: int = 11) -> pd.DataFrame:
    """Tests near the demo's villages (some outside any village), speeds to 0.01 Mbit/s, latency in ms."""
    rng = np.random.default_rng(seed)
    villages = read_dataset(DEMO_DIR).layers["villages"]
    centre = shapely.get_coordinates(villages.geometry.representative_point())
    at = rng.integers(0, len(centre), n)
    xy = centre[at] + rng.normal(0, 0.006, (n, 2))
    words = np.array(["di động", "cố định", "Mobile", "4G", "vệ tinh"], dtype=object)  # last: no network type
    network = rng.choice(words, n, p=[0.45, 0.35, 0.1, 0.0995, 0.0005])
    download = np.round(rng.gamma(2.0, 25.0, n), 2)
    upload = np.round(download * rng.uniform(0.1, 0.9, n), 2)
    latency = np.round(rng.gamma(3.0, 12.0, n)).astype(float)
    upload[rng.uniform(0, 1, n) < 0.05] = np.nan  # some blanks
    return pd.DataFrame(
        {
            "loai_mang": network,
            "tai_xuong_mbps": download,
            "tai_len_mbps": upload,
            "do_tre_ms": latency,
            "kinh_do": np.round(xy[:, 0], 6),
            "vi_do": np.round(xy[:, 1], 6),
        }
    )


def _dataset(folder: Path, speed_path: str) -> Path:
    """The demo's unit layers (no other point layer) with ``speed_tests: {path: speed_path}``."""
    folder.mkdir(parents=True, exist_ok=True)
    manifest = yaml.safe_load((DEMO_DIR / "dataset.yaml").read_text(encoding="utf-8"))
    layers = {k: v for k, v in manifest["layers"].items() if k in ("districts", "communes", "villages")}
    for entry in layers.values():
        shutil.copy(DEMO_DIR / entry["path"], folder / entry["path"])
    layers["speed_tests"] = {"path": speed_path, **_COLUMNS, "x": "kinh_do", "y": "vi_do"}
    manifest["layers"] = layers
    (folder / "dataset.yaml").write_text(yaml.safe_dump(manifest, allow_unicode=True), encoding="utf-8")
    return folder


def _partitions(tests: pd.DataFrame, folder: Path, n: int) -> None:
    """Write ``tests`` as ``n`` partitions, Parquet and CSV alternately (Parquet with two row groups)."""
    folder.mkdir(parents=True, exist_ok=True)
    for i, part in enumerate(np.array_split(np.arange(len(tests)), n)):
        chunk = tests.iloc[part]
        if i % 2:
            chunk.to_csv(folder / f"part-{i:04d}.csv", index=False)
        else:
            table = pa.Table.from_pandas(chunk, preserve_index=False)
            pq.write_table(table, folder / f"part-{i:04d}.parquet", row_group_size=len(chunk) // 2 + 1)


@pytest.fixture(scope="module")
def cluster():
    """A dask.distributed scheduler with one in-process worker on localhost."""
    with distributed.LocalCluster(
        n_workers=1,
        threads_per_worker=2,
        processes=False,
        protocol="tcp",
        host="127.0.0.1",
        dashboard_address=":0",
    ) as local:
        yield local


@pytest.fixture(scope="module")
def datasets(tmp_path_factory):
    """(one-file dataset, folder-of-partitions dataset) holding the same generated tests."""
    root = tmp_path_factory.mktemp("speed")
    tests = _tests(N_TESTS)
    one = _dataset(root / "one_file", "do_toc_do.csv")
    tests.to_csv(one / "do_toc_do.csv", index=False)
    parts = _dataset(root / "partitions", "do_toc_do/")
    _partitions(tests, parts / "do_toc_do", N_PARTITIONS)
    return one, parts


@pytest.fixture(scope="module")
def read_both(datasets, cluster):
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(SCHEDULER_ENV, cluster.scheduler_address)
        return read_dataset(datasets[0]), read_dataset(datasets[1])


def test_folder_is_not_loaded_and_counted(read_both):
    one, parts = read_both
    assert "speed_tests" in one.layers and "speed_tests" not in parts.layers
    assert not [p for p in parts.problems if p.severity == "error"]
    assert parts.speed_folder.rows == N_TESTS
    assert len(parts.speed_folder.partitions) == N_PARTITIONS + N_PARTITIONS // 2  # 2 row groups per Parquet


def test_dask_path_equals_in_memory_path(read_both, cluster):
    one, parts = read_both
    hierarchy = build_hierarchy(one)
    memory = summarise_tests(speed_frame(one.layers["speed_tests"]), hierarchy)
    dask = summarise_folder(parts.speed_folder, build_hierarchy(parts), address=cluster.scheduler_address)
    pd.testing.assert_frame_equal(dask, memory, check_exact=True)
    levels = set(hierarchy.nodes["level"].to_numpy()[memory["node"]])
    assert levels == {"territory", "district", "commune", "village"}
    assert set(memory["network"]) == {"mobile", "fixed"}
    assert set(memory["metric"]) == {"download_mbps", "upload_mbps", "latency_ms"}
    # the per-unit table: every unit, both networks; the minimum-sample rule as the indicators apply it
    table = unit_speed_table(dask, hierarchy, min_tests=one.settings.indicators.min_speed_tests)
    assert len(table) == 2 * len(hierarchy.nodes)
    assert {Status.NO_DATA, Status.INSUFFICIENT, ""} >= set(table["flag"]) and "" in set(table["flag"])


def test_summary_equals_todays_aggregation(read_both):
    """Medians and counts bit for bit as aggregate_medians; means as sums/counts (float order: 1e-12)."""
    one, _ = read_both
    hierarchy = build_hierarchy(one)
    frame = speed_frame(one.layers["speed_tests"])
    summary = summarise_tests(frame, hierarchy)
    node = hierarchy.locate(frame["lon"].to_numpy(), frame["lat"].to_numpy())
    for network in ("mobile", "fixed"):
        mine = (frame["network"] == network).to_numpy()
        for metric in ("download_mbps", "upload_mbps", "latency_ms"):
            values = frame[metric].to_numpy()[mine]
            median, count = aggregate_medians(node[mine], values, hierarchy)
            ok = np.isfinite(values)
            total, _ = aggregate_counts(node[mine][ok], values[ok], np.ones(ok.sum()), hierarchy)
            rows = summary[(summary["network"] == network) & (summary["metric"] == metric)]
            at = rows["node"].to_numpy()
            assert (np.flatnonzero(count) == at).all()
            np.testing.assert_array_equal(rows["count"].to_numpy(), count[at])
            np.testing.assert_array_equal(rows["median"].to_numpy(), median[at])
            np.testing.assert_allclose(rows["mean"].to_numpy(), total[at] / count[at], rtol=1e-12)


def test_indicators_same_from_folder(read_both, cluster, monkeypatch):
    one, parts = read_both
    monkeypatch.setenv(SCHEDULER_ENV, cluster.scheduler_address)
    speed = ["mobile_speed", "fixed_speed"]
    a = Assessment(one).computed
    b = Assessment(parts).computed
    a, b = (t[t["indicator"].isin(speed)].reset_index(drop=True) for t in (a, b))
    assert len(a) and a["n_samples"].sum() > 0
    pd.testing.assert_frame_equal(a, b, check_exact=True)


class _Seen(distributed.diagnostics.plugin.SchedulerPlugin):
    """Records the clients and task groups a scheduler saw."""

    def __init__(self):
        self.clients, self.tasks = [], 0

    def add_client(self, scheduler, client):
        self.clients.append(client)

    def transition(self, key, start, finish, *args, **kwargs):
        self.tasks += finish == "memory"


def test_scheduler_option_reaches_the_cluster(datasets, cluster, capsys, monkeypatch):
    monkeypatch.delenv(SCHEDULER_ENV, raising=False)
    seen = _Seen()
    cluster.scheduler.add_plugin(seen, name="seen-by-test")
    try:
        args = ["--scheduler", cluster.scheduler_address, "--no-cache"]  # the cluster must do the work
        code = main(["--lang", "en", "check", str(datasets[1]), *args])
    finally:
        cluster.scheduler.remove_plugin(name="seen-by-test")
    out = capsys.readouterr().out
    assert code == 0, out
    assert cluster.scheduler_address in out and f"{N_TESTS}/{N_TESTS}" in out
    assert seen.clients and seen.tasks >= N_PARTITIONS


def test_unreachable_scheduler_is_a_clear_error(datasets, capsys, monkeypatch):
    monkeypatch.delenv(SCHEDULER_ENV, raising=False)
    code = main(["--lang", "en", "check", str(datasets[1]), "--scheduler", "tcp://127.0.0.1:9", "--no-cache"])
    assert code == 1
    assert "Cannot reach the dask scheduler 'tcp://127.0.0.1:9'" in capsys.readouterr().err


def test_bad_partition_named_in_both_languages(tmp_path, cluster, capsys, monkeypatch):
    monkeypatch.setenv(SCHEDULER_ENV, cluster.scheduler_address)
    folder = _dataset(tmp_path / "bad", "do_toc_do/")
    tests = _tests(2_000)
    _partitions(tests, folder / "do_toc_do", 2)
    tests.drop(columns="tai_xuong_mbps").to_csv(folder / "do_toc_do" / "part-0002.csv", index=False)
    dataset = read_dataset(folder)
    errors = [p for p in dataset.problems if p.severity == "error"]
    assert len(errors) == 1
    assert "do_toc_do/part-0002.csv" in errors[0].message_vi and "thiếu cột bắt buộc" in errors[0].message_vi
    assert (
        "do_toc_do/part-0002.csv" in errors[0].message_en
        and "lacks the required column" in errors[0].message_en
    )
    assert "tai_xuong_mbps" in errors[0].message_en
    assert dataset.speed_folder.rows == 2_000  # the good partitions are still read
    for lang, words in (("vi", "thiếu cột bắt buộc"), ("en", "lacks the required column")):
        assert main(["--lang", lang, "check", str(folder)]) == 1
        out = capsys.readouterr().out
        assert "do_toc_do/part-0002.csv" in out and words in out


def test_default_folder_on_the_local_cluster(tmp_path, monkeypatch):
    """No manifest entry: the folder ``speed_tests/`` is used, on the default local cluster."""
    monkeypatch.delenv(SCHEDULER_ENV, raising=False)
    folder = _dataset(tmp_path / "default", "unused")
    manifest = yaml.safe_load((folder / "dataset.yaml").read_text(encoding="utf-8"))
    del manifest["layers"]["speed_tests"]
    (folder / "dataset.yaml").write_text(yaml.safe_dump(manifest, allow_unicode=True), encoding="utf-8")
    tests = _tests(3_000).rename(columns={v: k for k, v in _COLUMNS.items()})
    _partitions(tests, folder / "speed_tests", 3)
    dataset = read_dataset(folder)
    assert dataset.speed_folder is not None and dataset.speed_folder.rows == 3_000
    hierarchy = build_hierarchy(dataset)
    dask = summarise_folder(dataset.speed_folder, hierarchy)
    one = _dataset(tmp_path / "one", "t.csv")
    tests.rename(columns=_COLUMNS).to_csv(one / "t.csv", index=False)
    memory = summarise_tests(speed_frame(read_dataset(one).layers["speed_tests"]), hierarchy)
    pd.testing.assert_frame_equal(dask, memory, check_exact=True)
