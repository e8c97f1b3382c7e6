"""A store in a PostGIS database, for offices that share one server: the :class:`geo.store.base.SqlStore`
backend over psycopg 3.

The store's tables (``SCHEMA``) are created in the first schema of the connection's ``search_path`` on
first use, under an advisory lock (``SCHEMA_LOCK``) so two first connections do not race; the ``postgis``
extension is created when missing (that needs the right to do so). Every change is one transaction;
read-modify-write takes a row lock (``SELECT ... FOR UPDATE``). Put
``?options=-csearch_path%3Dmyschema,public`` in the URL to keep a store in its own schema.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, ClassVar

import shapely

from geo.store.base import SqlStore

__all__ = ["CONNECT_TIMEOUT_S", "PgStore"]

log = logging.getLogger(__name__)

#: How long opening the store waits for the server (seconds).
CONNECT_TIMEOUT_S = 10


class PgStore(SqlStore):
    """A store in the PostGIS database at ``url`` (``postgresql://user@host:port/db``); one connection.

    Raises the store's ``ERROR`` when psycopg is not installed, the server cannot be reached, or the
    tables cannot be created. Close it (or use it as a context manager) when done.
    """

    #: The store's tables (``CREATE TABLE IF NOT EXISTS ...;`` statements).
    SCHEMA: ClassVar[str] = ""
    #: Key of the advisory lock taken while creating the tables (one per store kind).
    SCHEMA_LOCK: ClassVar[int] = 0
    _GEOM_IN = "ST_GeomFromWKB(%(geometry)s, 4326)"
    _GEOM_OUT = "ST_AsBinary(geom)"
    _LOCK = "FOR UPDATE"

    def __init__(self, url: str, *, connect_timeout_s: int = CONNECT_TIMEOUT_S) -> None:
        self.label = url.rsplit("@", 1)[-1].split("?")[0]  # never show a password in messages
        try:
            import psycopg
            from psycopg.rows import dict_row
        except ImportError as exc:
            raise self.ERROR(
                "Chưa cài thư viện psycopg để dùng kho PostGIS (pip install 'psycopg[binary]').",
                "psycopg is not installed; a PostGIS store needs it (pip install 'psycopg[binary]').",
            ) from exc
        self._errors = psycopg.Error
        with self._guarded():
            self._conn = psycopg.connect(
                url, autocommit=True, row_factory=dict_row, connect_timeout=connect_timeout_s
            )
            with self._conn.transaction(), self._conn.cursor() as cur:
                cur.execute("SELECT pg_advisory_xact_lock(%s)", (self.SCHEMA_LOCK,))
                cur.execute("SELECT 1 FROM pg_extension WHERE extname = 'postgis'")
                if not cur.fetchone():
                    cur.execute("CREATE EXTENSION IF NOT EXISTS postgis")
                for statement in filter(str.strip, self.SCHEMA.split(";")):
                    cur.execute(statement)

    @contextmanager
    def _guarded(self) -> Iterator[None]:
        """Turn psycopg failures into the store's error naming the server, never its password."""
        what_vi, what_en = self.WHAT
        try:
            yield
        except self._errors as exc:
            raise self.ERROR(
                f"{self.label}: không dùng được {what_vi} PostGIS ({type(exc).__name__}: {exc}). "
                "Chưa lưu gì; kiểm tra máy chủ, tên cơ sở dữ liệu và quyền truy cập.",
                f"{self.label}: the PostGIS {what_en} cannot be used ({type(exc).__name__}: {exc}). "
                "Nothing was saved; check the server, the database name and the access rights.",
            ) from exc

    @contextmanager
    def _transaction(self) -> Iterator[Any]:
        with self._guarded(), self._conn.transaction(), self._conn.cursor() as cur:
            yield cur

    def _serialize(self, cur: Any, key: str) -> None:
        cur.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", (self.SCHEMA_LOCK, key))

    def _encode(self, geom: shapely.Geometry) -> bytes:
        return shapely.to_wkb(geom, flavor="iso", output_dimension=2)

    def _decode(self, value: Any) -> shapely.Geometry:
        return shapely.from_wkb(bytes(value))

    def close(self) -> None:
        """Close the connection to the server."""
        self._conn.close()
