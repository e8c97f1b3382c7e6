"""Weak-signal zones: records, stores, files, suggestions, checks.

:func:`open_store` is the one place that decides what a store name means (a ``postgresql://`` URL:
:mod:`geo.zones.pg`; a ``.gpkg`` path: :mod:`geo.zones.gpkg`); callers pass the raw name. The
backends are imported inside the functions, so importing this package stays light and the store
base (:mod:`geo.zones.store`) does not import its subclasses.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from geo.errors import DataError
from geo.settings import ZONES_FILE_NAME, ZONES_STORE_ENV

if TYPE_CHECKING:
    from geo.zones.store import ZoneStore

__all__ = ["dataset_store", "open_store", "store_stamp"]

_URL_PREFIXES = ("postgresql://", "postgres://")


def dataset_store(folder: str | Path) -> str:
    """Return where a dataset's weak-signal zones are kept: the shared store named by the environment
    variable ``COVERAGE_ZONES_STORE`` (a ``postgresql://`` URL or a GeoPackage path) when it is set,
    else the GeoPackage :data:`geo.settings.ZONES_FILE_NAME` in the dataset's folder."""
    shared = os.environ.get(ZONES_STORE_ENV, "").strip()
    return shared or str(Path(folder) / ZONES_FILE_NAME)


def open_store(store: str | Path, *, create: bool = True) -> ZoneStore | None:
    """Open the zone store ``store``: a ``.gpkg`` path or a ``postgresql://`` URL.

    A missing GeoPackage is created, or with ``create=False`` not opened (``None`` is returned).
    Raises :class:`ZoneStoreError` when it cannot be opened safely (corrupted, locked, unreachable) and
    :class:`DataError` for a name that is neither.
    """
    text = str(store)
    if text.startswith(_URL_PREFIXES):
        from geo.zones.pg import PgZoneStore

        return PgZoneStore(text)
    if Path(text).suffix.lower() != ".gpkg":
        raise DataError(
            f"{text}: kho vùng lõm sóng phải là tệp .gpkg hoặc địa chỉ postgresql://.",
            f"{text}: a zone store is a .gpkg file or a postgresql:// URL.",
        )
    if not create and not Path(text).exists():
        return None
    from geo.zones.gpkg import GpkgZoneStore

    return GpkgZoneStore(text)


def store_stamp(store: str | Path) -> tuple[int, int]:
    """A stamp of the zone store ``store`` that changes with every save; (0, 0) when there is none.

    A GeoPackage's (modification time in ns, size), read without opening it; a PostGIS store's
    :meth:`ZoneStore.version` (which may raise :class:`ZoneStoreError` when it cannot be reached)."""
    text = str(store)
    if text.startswith(_URL_PREFIXES):
        with open_store(text) as opened:
            return opened.version()
    path = Path(text)
    if not path.exists():
        return (0, 0)
    info = path.stat()
    return (info.st_mtime_ns, info.st_size)
