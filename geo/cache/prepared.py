"""The prepared-dataset cache: a dataset folder read, validated, joined and assessed once, re-opened at once.

:func:`open_prepared` reads a dataset folder into an :class:`~geo.plans.assessment.Assessment`. The first
time it writes the validated layers (GeoParquet), the unit statistics and everything ``geo check``
reports under ``$COVERAGE_MAP_HOME/cache`` (default ``~/.coverage-map/cache``); :func:`save_prepared`
adds the expensive pieces of the assessment once they are built (unit hierarchy, village coverage,
every computed indicator). The next :func:`open_prepared` of the same folder loads them instead of
reading the sources.

The cache lives under the app's home, not beside the data, because dataset folders may be read-only
(a shared drive, the bundled demo inside the installed app) and must not collect generated files a
planner could send on or commit by mistake.

The key: the folder's absolute path, each source file's size, modification time and BLAKE2b hash of
its bytes, the manifest's bytes, the dataset's settings and the code (a hash of every ``geo`` source
file plus :data:`CACHE_FORMAT`), so an upgrade never reads a stale format. Any change gives another
key, hence a rebuild. A cache that cannot be read back whole (damaged, cut short, written by another
version, made for another folder) is logged, deleted and rebuilt from the sources: it is never trusted
over them.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import os
import shutil
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, partial
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import shapely

from geo.cache.lazy import LazyLayers, load_layer
from geo.compute.hierarchy import Hierarchy
from geo.errors import Problem
from geo.io.dataset import read_dataset
from geo.io.frames import read_frame, write_frame
from geo.io.manifest import read_manifest
from geo.io.upload import app_home
from geo.model import Dataset, LayerSource
from geo.plans.assessment import PIECES, Assessment
from geo.settings import Settings, merged
from geo.vocab import Level

__all__ = ["CACHE_FORMAT", "Prepared", "cache_root", "open_prepared", "save_prepared", "clear_cache"]

log = logging.getLogger(__name__)

#: Version of the cache's file layout; bump it when the layout changes.
CACHE_FORMAT = 1
_KEY_FILE = "key.json"
_CHUNK = 1 << 22
_SAVING = threading.Lock()  # the page's sessions and its warm-up thread may save at once
#: Point layers read from the cache only when first used (:class:`geo.cache.lazy.LazyLayers`), when
#: they have more than DEFER_ROWS rows.
_DEFERRED = ("speed_tests",)
DEFER_ROWS = 100_000


@dataclass
class Prepared:
    """A dataset's assessment and where it came from: ``from_cache`` is True when the prepared cache was
    used; ``folder`` is the cache folder of this key (``None`` when caching was off); ``saved`` names the
    assessment pieces the cache already holds."""

    assessment: Assessment
    from_cache: bool
    folder: Path | None
    saved: set[str] = field(default_factory=set)

    @property
    def dataset(self) -> Dataset:
        """The dataset read (or loaded)."""
        return self.assessment.dataset


def cache_root() -> Path:
    """The folder holding every prepared dataset: ``<app home>/cache`` (not created here)."""
    return app_home() / "cache"


@cache
def _code_digest() -> str:
    """BLAKE2b of every ``geo`` source file and the cache format: any code change makes new keys."""
    digest = hashlib.blake2b(str(CACHE_FORMAT).encode(), digest_size=16)
    package = Path(__file__).resolve().parents[1]
    for path in sorted(package.rglob("*.py")):
        digest.update(str(path.relative_to(package)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _file_entry(path: Path, folder: Path) -> dict[str, Any]:
    """Size, modification time (ns) and BLAKE2b of one source file (``missing`` when it is not there)."""
    name = str(path.relative_to(folder)) if path.is_relative_to(folder) else str(path)
    if not path.is_file():
        return {"path": name, "missing": True}
    stat = path.stat()
    digest = hashlib.blake2b(digest_size=16)
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return {"path": name, "size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "blake2b": digest.hexdigest()}


def _key(folder: Path) -> dict[str, Any]:
    """The cache key of ``folder``: folder, source files, manifest, settings and code."""
    folder = folder.resolve()
    manifest = read_manifest(folder)
    files = sorted({spec.path for spec in manifest.layers} | {folder / "dataset.yaml"})
    settings = dataclasses.asdict(_settings(manifest.settings))
    return {
        "format": CACHE_FORMAT,
        "code": _code_digest(),
        "folder": str(folder),
        "files": [_file_entry(path, folder) for path in files],
        "settings": json.loads(json.dumps(settings, default=str, sort_keys=True)),
    }


def _key_folder(key: dict[str, Any]) -> Path:
    """``<cache root>/<hash of the dataset folder>/<hash of the key>``."""
    place = hashlib.blake2b(key["folder"].encode(), digest_size=8).hexdigest()
    text = json.dumps(key, sort_keys=True).encode()
    return cache_root() / place / hashlib.blake2b(text, digest_size=12).hexdigest()


def _write_json(path: Path, value: Any) -> None:
    """Write ``value`` as JSON to ``path`` atomically (a temporary file renamed into place)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(value, ensure_ascii=False, default=_plain), encoding="utf-8")
    os.replace(tmp, path)


def _plain(value: Any) -> Any:
    """JSON fallback for numpy scalars."""
    return value.item() if hasattr(value, "item") else str(value)


def _write_dataset(dataset: Dataset, target: Path) -> dict[str, Any]:
    """Write the dataset's layers and unit statistics into ``target``; return what ``meta.json`` holds."""
    frames = {}
    for name, gdf in dataset.layers.items():
        frames[name] = write_frame(gdf, target / f"layer.{name}.parquet")
    return {
        "name": dataset.name,
        "folder": dataset.folder,
        "catalogue": dataset.catalogue,
        "province": dataset.province,
        "sources": [dataclasses.asdict(src) for src in dataset.sources],
        "problems": [dataclasses.asdict(p) for p in dataset.problems],
        "layers": frames,
        "unit_stats": write_frame(dataset.unit_stats, target / "unit_stats.parquet"),
    }


def _settings(overrides: dict[str, Any]) -> Settings:
    """The dataset's settings as :func:`read_dataset` decides them (defaults when invalid)."""
    try:
        return merged(overrides)
    except (KeyError, TypeError):
        return Settings()


def _read_dataset(target: Path, meta: dict[str, Any], folder: Path) -> Dataset:
    """Load the dataset written by :func:`_write_dataset`; raises on any damage."""
    manifest = read_manifest(folder)
    dataset = Dataset(
        name=meta["name"],
        folder=str(manifest.folder),
        catalogue=meta["catalogue"],
        province=meta["province"],
        settings=_settings(manifest.settings),
        sources=[LayerSource(**src) for src in meta["sources"]],
        problems=[Problem(**p) for p in meta["problems"]],
    )
    loaded: dict[str, Any] = {}
    deferred: dict[str, Callable[[], Any]] = {}
    for name, schema in meta["layers"].items():
        path = target / f"layer.{name}.parquet"
        kept = next((s.rows_kept for s in dataset.sources if s.layer == name), None)
        rows = pq.read_metadata(path).num_rows  # the footer: a cut or overwritten file fails here
        if kept is not None and rows != kept:
            raise ValueError(f"layer {name}: {rows} rows, expected {kept}")
        if name in _DEFERRED and rows > DEFER_ROWS:
            deferred[name] = partial(load_layer, path, schema, kept)
        else:
            loaded[name] = load_layer(path, schema, kept)
    dataset.layers = LazyLayers(meta["layers"], loaded, deferred)
    dataset.unit_stats = read_frame(target / "unit_stats.parquet", meta["unit_stats"])
    return dataset


def _geometry_table(arrays: dict[str, np.ndarray]) -> pa.Table:
    """Each layer's shapes as WKB rows tagged with the layer name, in order."""
    layers = [name for name, arr in arrays.items() for _ in range(len(arr))]
    wkb = np.concatenate([shapely.to_wkb(arr) for arr in arrays.values()]) if arrays else np.array([])
    return pa.table({"layer": pa.array(layers, pa.string()), "wkb": pa.array(list(wkb), pa.binary())})


def _geometry_arrays(path: Path, order: list[str]) -> dict[str, np.ndarray]:
    """Read the table :func:`_geometry_table` wrote to ``path`` (layers in ``order``, empty ones included)."""
    table = pq.read_table(path)
    layer = np.asarray(table.column("layer").to_pylist(), dtype=object)
    shapes = shapely.from_wkb(np.asarray(table.column("wkb").to_pylist(), dtype=object))
    return {name: shapes[layer == name] for name in order}


def _write_hierarchy(hierarchy: Hierarchy, target: Path) -> dict[str, Any]:
    """Write the hierarchy's nodes, ancestors and shapes into ``target``; return its schema."""
    np.save(target / "hierarchy.ancestors.npy", hierarchy.ancestors, allow_pickle=False)
    pq.write_table(_geometry_table(hierarchy.geometry), target / "hierarchy.geometry.parquet")
    pq.write_table(_geometry_table(hierarchy.metric), target / "hierarchy.metric.parquet")
    return {
        "nodes": write_frame(hierarchy.nodes, target / "hierarchy.nodes.parquet"),
        "levels": [str(level) for level in hierarchy.levels],
        "layers": {"geometry": list(hierarchy.geometry), "metric": list(hierarchy.metric)},
        "metric_crs": hierarchy.metric_crs,
    }


def _read_hierarchy(target: Path, schema: dict[str, Any]) -> Hierarchy:
    """Load the hierarchy written by :func:`_write_hierarchy`."""
    return Hierarchy(
        nodes=read_frame(target / "hierarchy.nodes.parquet", schema["nodes"]),
        ancestors=np.load(target / "hierarchy.ancestors.npy", allow_pickle=False),
        levels=tuple(Level(level) for level in schema["levels"]),
        geometry=_geometry_arrays(target / "hierarchy.geometry.parquet", schema["layers"]["geometry"]),
        metric=_geometry_arrays(target / "hierarchy.metric.parquet", schema["layers"]["metric"]),
        metric_crs=schema["metric_crs"],
    )


def _load(target: Path, key: dict[str, Any], folder: Path) -> Assessment:
    """Load every piece cached in ``target``; raises when anything is missing, foreign or damaged."""
    stored = json.loads((target / _KEY_FILE).read_text(encoding="utf-8"))
    if stored != key:
        raise ValueError("the cache was made for other files, settings or code")
    meta = json.loads((target / "meta.json").read_text(encoding="utf-8"))
    dataset = _read_dataset(target, meta, folder)
    pieces: dict[str, Any] = {}
    for piece, schema in meta.get("pieces", {}).items():
        if piece == "hierarchy":
            pieces[piece] = _read_hierarchy(target, schema)
        elif piece in PIECES:
            pieces[piece] = read_frame(target / f"{piece}.parquet", schema)
    return Assessment.restored(dataset, **pieces)


def _build(target: Path, key: dict[str, Any], dataset: Dataset) -> bool:
    """Write ``dataset`` as the cache ``target`` (a temporary folder renamed); True when written."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".build-", dir=target.parent))
    try:
        _write_json(tmp / "meta.json", _write_dataset(dataset, tmp))
        _write_json(tmp / _KEY_FILE, key)
        shutil.rmtree(target, ignore_errors=True)
        os.replace(tmp, target)
    except (OSError, pa.ArrowException, TypeError, ValueError) as exc:
        log.warning("prepared cache not written for %s: %s", key["folder"], exc)
        shutil.rmtree(tmp, ignore_errors=True)
        return False
    for other in target.parent.iterdir():
        if other != target and not other.name.startswith(".build-"):
            shutil.rmtree(other, ignore_errors=True)
    return True


def open_prepared(folder: str | Path, *, use_cache: bool = True) -> Prepared:
    """Read the dataset in ``folder`` into an :class:`Assessment`, through the prepared cache.

    When the cache holds this folder with the same files, manifest, settings and code, the dataset and
    every assessment piece saved with it are loaded (``from_cache=True``); otherwise the sources are read
    (:func:`geo.io.dataset.read_dataset`) and the cache rebuilt. ``use_cache=False`` reads the sources and
    neither reads nor writes the cache. Raises what :func:`read_dataset` raises (a missing folder, an
    unreadable manifest).
    """
    folder = Path(folder)  # read as given (the dataset names its folder so), keyed by its absolute path
    if not use_cache:
        return Prepared(Assessment(read_dataset(folder)), False, None)
    key = _key(folder)
    target = _key_folder(key)
    if (target / _KEY_FILE).is_file():
        try:
            assessment = _load(target, key, folder)
            return Prepared(assessment, True, target, set(assessment.built()))
        except Exception as exc:  # any damage means: rebuild from the sources
            log.warning("prepared cache %s ignored and rebuilt: %s: %s", target, type(exc).__name__, exc)
            shutil.rmtree(target, ignore_errors=True)
    dataset = read_dataset(folder)
    written = _build(target, key, dataset)
    return Prepared(Assessment(dataset), False, target if written else None)


def save_prepared(prepared: Prepared) -> list[str]:
    """Add to the cache the assessment pieces built since it was opened (hierarchy, village coverage,
    computed indicators); return the names written. Does nothing when caching is off; a piece that
    cannot be written is logged and skipped."""
    target = prepared.folder
    todo = {k: v for k, v in prepared.assessment.built().items() if k not in prepared.saved}
    if target is None or not todo:
        return []
    with _SAVING:
        return _save(prepared, target, todo)


def _save(prepared: Prepared, target: Path, todo: dict[str, Any]) -> list[str]:
    """Write the pieces ``todo`` into ``target`` and list them in its ``meta.json``."""
    if not (target / "meta.json").is_file():
        return []
    meta = json.loads((target / "meta.json").read_text(encoding="utf-8"))
    written = []
    for piece, value in todo.items():
        if piece in meta.setdefault("pieces", {}):
            prepared.saved.add(piece)
            continue
        try:
            if piece == "hierarchy":
                schema = _write_hierarchy(value, target)
            else:
                schema = write_frame(value, target / f"{piece}.parquet")
        except (OSError, pa.ArrowException, TypeError, ValueError) as exc:
            log.warning("prepared cache: %s not written: %s", piece, exc)
            continue
        meta["pieces"][piece] = schema
        prepared.saved.add(piece)
        written.append(piece)
    if written:
        _write_json(target / "meta.json", meta)
    return written


def clear_cache() -> int:
    """Delete every prepared dataset under :func:`cache_root`; return how many were deleted."""
    root = cache_root()
    if not root.is_dir():
        return 0
    count = sum(1 for place in root.iterdir() if place.is_dir() for _ in place.iterdir())
    shutil.rmtree(root)
    return count
