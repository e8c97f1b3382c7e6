"""The interface of a transactional store: what its logic calls, what a backend provides.

A store's logic (:class:`geo.zones.store.ZoneStore`, :class:`geo.scenarios.store.ScenarioStore`) writes
SQL with ``%(name)s`` placeholders and calls :meth:`SqlStore._transaction` (all or nothing),
:meth:`SqlStore._reading`, :meth:`SqlStore._encode`/:meth:`SqlStore._decode` (geometry, EPSG:4326) and
:meth:`SqlStore._insert`; the backends (:mod:`geo.store.gpkg`, :mod:`geo.store.pg`) provide them.
"""

from __future__ import annotations

import abc
from datetime import UTC, datetime
from typing import Any

import shapely

from geo.errors import StoreError

__all__ = ["BUSY_TIMEOUT_S", "URL_PREFIXES", "SqlStore", "is_url", "now_text"]

#: How long a save waits for another planner's save to finish before giving up (seconds).
BUSY_TIMEOUT_S = 15.0
#: How a shared (PostGIS) store's name starts.
URL_PREFIXES = ("postgresql://", "postgres://")


def is_url(name: object) -> bool:
    """Whether the store name ``name`` is a shared PostGIS store (a ``postgresql://`` URL)."""
    return str(name).startswith(URL_PREFIXES)


def now_text() -> str:
    """Return the current UTC time as the stores write it: ``"2025-07-01T08:30:00.123Z"``."""
    now = datetime.now(UTC)
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"


class SqlStore(abc.ABC):
    """A store of tables in one database; subclasses name the store and its error, backends the driver.

    ``WHAT`` is how messages call the store (Vietnamese, English), ``ERROR`` the exception a fault
    (locked, corrupted, unreachable) raises.
    """

    label: str
    WHAT: tuple[str, str] = ("kho dữ liệu", "store")
    ERROR: type[StoreError] = StoreError
    #: SQL expression turning the ``geometry`` parameter into the stored geometry.
    _GEOM_IN = "%(geometry)s"
    #: SQL expression reading the stored geometry as something :meth:`_decode` accepts.
    _GEOM_OUT = "geom"
    #: Row lock for read-modify-write inside a transaction.
    _LOCK = ""

    @abc.abstractmethod
    def _transaction(self) -> Any:
        """Context manager yielding a DB-API cursor inside one write transaction (commit on success)."""

    @abc.abstractmethod
    def _encode(self, geom: shapely.Geometry) -> bytes:
        """Geometry → the bytes bound to ``%(geometry)s``."""

    @abc.abstractmethod
    def _decode(self, value: Any) -> shapely.Geometry:
        """Stored geometry (as selected by ``_GEOM_OUT``) → shapely geometry."""

    def _sql(self, text: str) -> str:
        """Adapt the ``%(name)s`` placeholders to the driver (psycopg uses them as they are)."""
        return text

    def _reading(self) -> Any:
        """Context manager yielding a cursor for reads (by default a transaction too)."""
        return self._transaction()

    def _serialize(self, cur: Any, key: str) -> None:  # noqa: B027 - optional hook
        """Inside a write transaction, wait for other writers of ``key`` (a GeoPackage write already
        holds the whole file; PostGIS takes a transaction advisory lock)."""

    def _touched(self, cur: Any) -> None:  # noqa: B027 - optional hook
        """Hook run in every write transaction (the GeoPackage updates gpkg_contents.last_change)."""

    def _insert(self, cur: Any, table: str, rows: list[dict], *, geometry: bool = False) -> None:
        """Insert ``rows`` (dicts with the same keys) into ``table`` and run :meth:`_touched`.

        With ``geometry``, each row's ``"geometry"`` (a shapely geometry or None) is encoded and written
        to the ``geom`` column."""
        if rows:
            columns = [c for c in rows[0] if not (geometry and c == "geometry")]
            names = ", ".join([*columns, *(["geom"] if geometry else [])])
            values = ", ".join([*(f"%({c})s" for c in columns), *([self._GEOM_IN] if geometry else [])])
            if geometry:
                rows = [
                    {**r, "geometry": None if r["geometry"] is None else self._encode(r["geometry"])}
                    for r in rows
                ]
            cur.executemany(self._sql(f"INSERT INTO {table} ({names}) VALUES ({values})"), rows)
        self._touched(cur)

    def close(self) -> None:  # noqa: B027 - optional hook: only backends holding a connection override it
        """Release the connection, if the backend keeps one."""

    def __enter__(self) -> SqlStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
