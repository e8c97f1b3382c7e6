"""Weak-signal zones: records, stores, files, suggestions, checks.

:func:`open_store` opens a zone store by its raw name (the rule for what a name means is
:mod:`geo.store.naming`'s: a ``postgresql://`` URL: :mod:`geo.zones.pg`; a ``.gpkg`` path:
:mod:`geo.zones.gpkg`). The backends are imported inside the functions, so importing this package
stays light and the store base (:mod:`geo.zones.store`) does not import its subclasses.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from geo.settings import ZONES_FILE_NAME, ZONES_STORE_ENV
from geo.store.naming import dataset_store_name, named_stamp, open_named

if TYPE_CHECKING:
    from geo.zones.store import ZoneStore

__all__ = ["dataset_store", "open_store", "store_stamp"]


def dataset_store(folder: str | Path) -> str:
    """Return where a dataset's weak-signal zones are kept: the shared store named by the environment
    variable ``COVERAGE_ZONES_STORE`` (a ``postgresql://`` URL or a GeoPackage path) when it is set,
    else the GeoPackage :data:`geo.settings.ZONES_FILE_NAME` in the dataset's folder."""
    return dataset_store_name(folder, env=ZONES_STORE_ENV, file_name=ZONES_FILE_NAME)


def _postgis(url: str) -> ZoneStore:
    from geo.zones.pg import PgZoneStore

    return PgZoneStore(url)


def _geopackage(path: str) -> ZoneStore:
    from geo.zones.gpkg import GpkgZoneStore

    return GpkgZoneStore(path)


def open_store(store: str | Path, *, create: bool = True) -> ZoneStore | None:
    """Open the zone store ``store``: a ``.gpkg`` path or a ``postgresql://`` URL.

    A missing GeoPackage is created, or with ``create=False`` not opened (``None`` is returned).
    Raises :class:`ZoneStoreError` when it cannot be opened safely (corrupted, locked, unreachable) and
    :class:`DataError` for a name that is neither.
    """
    what = ("kho vùng lõm sóng", "a zone store")
    return open_named(store, create=create, postgis=_postgis, geopackage=_geopackage, what=what)


def store_stamp(store: str | Path) -> tuple[int, int]:
    """A stamp of the zone store ``store`` that changes with every save, read without creating the store
    (:func:`geo.store.naming.named_stamp`: a GeoPackage's (mtime ns, size), (0, 0) when missing; a
    shared store's :meth:`ZoneStore.stamp`, (-1, -1) when it cannot be reached)."""
    return named_stamp(store, open_store)
