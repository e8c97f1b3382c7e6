"""Layers of a prepared dataset read from the cache only when first used (:mod:`geo.cache.prepared`)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa

from geo.errors import DataError
from geo.io.frames import read_frame

__all__ = ["LazyLayers", "load_layer"]


def load_layer(path: Path, schema: dict[str, Any], kept: int | None) -> Any:
    """Read one cached layer, checking its row count; a failure names the cache and how to clear it."""
    try:
        gdf = read_frame(path, schema)
        if kept is not None and len(gdf) != kept:
            raise ValueError(f"{len(gdf)} rows, expected {kept}")
    except (OSError, pa.ArrowException, ValueError, KeyError) as exc:
        raise DataError(
            f"Bộ nhớ đệm hỏng ({path}): {exc}. Chạy 'python -m geo cache clear' rồi mở lại bộ dữ liệu.",
            f"The prepared cache is damaged ({path}): {exc}. Run 'python -m geo cache clear' and reopen.",
        ) from exc
    return gdf


class LazyLayers(dict):
    """A dataset's layers where some (the large point layers) are read from the cache on first use: an
    assessment loaded with its indicators does not need a million speed tests until the speed layer is
    drawn. Keys, order and values are those of the layers read from the sources."""

    def __init__(self, order: dict[str, Any], loaded: dict[str, Any], deferred: dict[str, Callable]) -> None:
        super().__init__((name, loaded.get(name)) for name in order)
        self._deferred = deferred
        self._lock = threading.Lock()

    def __getitem__(self, name: str) -> Any:
        value = super().__getitem__(name)
        if value is None and name in self._deferred:
            with self._lock:
                if name in self._deferred:
                    super().__setitem__(name, self._deferred.pop(name)())
            value = super().__getitem__(name)
        return value

    def get(self, name: str, default: Any = None) -> Any:
        """Layer ``name`` (loaded when deferred), ``default`` when the dataset has none."""
        return self[name] if name in self else default  # noqa: SIM401 - self.get would recurse

    def values(self):
        """Every layer, loading the deferred ones."""
        return [self[name] for name in self]

    def items(self):
        """(name, layer) pairs, loading the deferred ones."""
        return [(name, self[name]) for name in self]
