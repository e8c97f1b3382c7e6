"""Weak-signal zones: records, stores, files, suggestions, checks.

:func:`open_store` is the one place that decides what a store name means (a ``postgresql://`` URL:
:mod:`geo.zones.pg`; a ``.gpkg`` path: :mod:`geo.zones.gpkg`); callers pass the raw name. The
backends are imported inside the functions, so importing this package stays light and the store
base (:mod:`geo.zones.store`) does not import its subclasses.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING

from geo.errors import DataError, GeoError
from geo.settings import ZONES_FILE_NAME, ZONES_STORE_ENV
from geo.store.base import is_url

if TYPE_CHECKING:
    from geo.zones.store import ZoneStore

__all__ = ["dataset_store", "open_store", "store_stamp"]

log = logging.getLogger(__name__)


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
    if is_url(text):
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
    """A stamp of the zone store ``store`` that changes with every save, read without creating the store.

    A GeoPackage's (modification time in ns, size), read from the file without opening it, (0, 0)
    when it does not exist; a shared store's :meth:`ZoneStore.stamp`, (-1, -1) when it cannot be
    reached (logged; the page then shows the store as unavailable instead of failing)."""
    text = str(store)
    if is_url(text):
        try:
            with open_store(text) as opened:
                return opened.stamp()
        except GeoError as exc:
            log.warning("weak-signal zone store unreachable: %s", exc.en)
            return (-1, -1)
    from geo.store.gpkg import file_stamp

    return file_stamp(Path(text)) if Path(text).exists() else (0, 0)
