"""What a store's name means, for every store (weak-signal zones, scenarios): one rule.

A store is named by a ``postgresql://`` URL (shared, PostGIS) or a ``.gpkg`` path (GeoPackage); a dataset's
store is the shared one named by an environment variable when it is set, else a GeoPackage in the
dataset's folder. :func:`geo.zones.open_store` and :func:`geo.scenarios.store.open_scenario_store` pass
their backends in.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from geo.errors import DataError, GeoError
from geo.store.base import is_url
from geo.store.gpkg import file_stamp

__all__ = ["dataset_store_name", "open_named", "named_stamp"]

log = logging.getLogger(__name__)

Store = TypeVar("Store")


def dataset_store_name(folder: str | Path, *, env: str, file_name: str) -> str:
    """Return the store of the dataset in ``folder``: the value of the environment variable ``env`` (a
    ``postgresql://`` URL or a GeoPackage path) when it is set, else ``folder/file_name``."""
    shared = os.environ.get(env, "").strip()
    return shared or str(Path(folder) / file_name)


def open_named(
    store: str | Path,
    *,
    create: bool,
    postgis: Callable[[str], Store],
    geopackage: Callable[[str], Store],
    what: tuple[str, str],
) -> Store | None:
    """Open the store named ``store`` with ``postgis`` (a ``postgresql://`` URL) or ``geopackage`` (a
    ``.gpkg`` path; a missing file is created, or with ``create=False`` not opened: ``None``).
    ``what`` names the store in Vietnamese and English for the :class:`DataError` raised for a name
    that is neither."""
    text = str(store)
    if is_url(text):
        return postgis(text)
    if Path(text).suffix.lower() != ".gpkg":
        raise DataError(
            f"{text}: {what[0]} phải là tệp .gpkg hoặc địa chỉ postgresql://.",
            f"{text}: {what[1]} is a .gpkg file or a postgresql:// URL.",
        )
    if not create and not Path(text).exists():
        return None
    return geopackage(text)


def named_stamp(store: str | Path, opener: Callable[[str], object]) -> tuple[int, int]:
    """A stamp of the store ``store`` that changes with every save, read without creating it: a
    GeoPackage's (modification time in ns, size) from the file without opening it, (0, 0) when it does
    not exist; a shared store's ``stamp()`` through ``opener`` (a context manager), (-1, -1) when it
    cannot be reached (logged: a page then shows the store as unavailable instead of failing)."""
    text = str(store)
    if is_url(text):
        try:
            with opener(text) as opened:
                return opened.stamp()
        except GeoError as exc:
            log.warning("store %s unreachable: %s", text, exc.en)
            return (-1, -1)
    return file_stamp(Path(text)) if Path(text).exists() else (0, 0)
