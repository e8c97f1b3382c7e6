"""Weak-signal zones in PostGIS: the :class:`geo.zones.store.ZoneStore` interface over psycopg 3.

For offices that share one database server. The tables (``weak_zones`` with a GiST-indexed
``geometry(Geometry, 4326)`` column, ``weak_zone_history``, ``weak_zone_dismissed``) are created in
the first schema of the connection's ``search_path`` on first use, under an advisory lock so two
first connections do not race; the ``postgis`` extension is created when missing (that needs the
right to do so). Every change is one transaction; read-modify-write takes a row lock
(``SELECT ... FOR UPDATE``). Put ``?options=-csearch_path%3Dmyschema,public`` in the URL to keep
zones in their own schema.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import shapely

from geo.errors import ZoneStoreError
from geo.zones.store import ZoneStore

__all__ = ["CONNECT_TIMEOUT_S", "PgZoneStore"]

log = logging.getLogger(__name__)

#: How long opening the store waits for the server (seconds).
CONNECT_TIMEOUT_S = 10
#: Key of the advisory lock taken while creating the tables.
_SCHEMA_LOCK = 74_201_959
_SCHEMA = """
CREATE TABLE IF NOT EXISTS weak_zones (
  fid bigserial PRIMARY KEY, geom geometry(Geometry, 4326) NOT NULL, zone_id text NOT NULL UNIQUE,
  name text NOT NULL, technology text, operators text, severity text, households integer, reported_by text,
  note text, status text, village_uid text, commune_uid text, deleted boolean NOT NULL DEFAULT false,
  created_at text, updated_at text, updated_by text);
CREATE INDEX IF NOT EXISTS weak_zones_geom_idx ON weak_zones USING gist (geom);
CREATE TABLE IF NOT EXISTS weak_zone_history (
  id bigserial PRIMARY KEY, zone_id text NOT NULL, at text NOT NULL, changed_by text, action text NOT NULL,
  field text NOT NULL, old_value text, new_value text);
CREATE INDEX IF NOT EXISTS weak_zone_history_zone_idx ON weak_zone_history (zone_id);
CREATE TABLE IF NOT EXISTS weak_zone_dismissed (
  id bigserial PRIMARY KEY, suggestion_id text NOT NULL UNIQUE, dismissed_by text, at text NOT NULL,
  reason text);
"""


class PgZoneStore(ZoneStore):
    """Zones in a PostGIS database at ``url`` (``postgresql://user@host:port/db``); one connection per store.

    Raises :class:`ZoneStoreError` when psycopg is not installed, the server cannot be reached, or the
    tables cannot be created. Close it (or use it as a context manager) when done.
    """

    _GEOM_IN = "ST_GeomFromWKB(%(geometry)s, 4326)"
    _GEOM_OUT = "ST_AsBinary(geom)"
    _LOCK = "FOR UPDATE"

    def __init__(self, url: str, *, connect_timeout_s: int = CONNECT_TIMEOUT_S) -> None:
        self.label = url.rsplit("@", 1)[-1].split("?")[0]  # never show a password in messages
        try:
            import psycopg
            from psycopg.rows import dict_row
        except ImportError as exc:
            raise ZoneStoreError(
                "Chưa cài thư viện psycopg để dùng kho PostGIS (pip install 'psycopg[binary]').",
                "psycopg is not installed; a PostGIS store needs it (pip install 'psycopg[binary]').",
            ) from exc
        self._errors = psycopg.Error
        with self._guarded():
            self._conn = psycopg.connect(
                url, autocommit=True, row_factory=dict_row, connect_timeout=connect_timeout_s
            )
            with self._conn.transaction(), self._conn.cursor() as cur:
                cur.execute("SELECT pg_advisory_xact_lock(%s)", (_SCHEMA_LOCK,))
                cur.execute("SELECT 1 FROM pg_extension WHERE extname = 'postgis'")
                if not cur.fetchone():
                    cur.execute("CREATE EXTENSION IF NOT EXISTS postgis")
                for statement in filter(str.strip, _SCHEMA.split(";")):
                    cur.execute(statement)

    @contextmanager
    def _guarded(self) -> Iterator[None]:
        """Turn psycopg failures into ZoneStoreError naming the server, never its password."""
        try:
            yield
        except self._errors as exc:
            raise ZoneStoreError(
                f"{self.label}: không dùng được kho vùng lõm sóng PostGIS ({type(exc).__name__}: {exc}). "
                "Chưa lưu gì; "
                "kiểm tra máy chủ, tên cơ sở dữ liệu và quyền truy cập.",
                f"{self.label}: the PostGIS zone store cannot be used ({type(exc).__name__}: {exc}). "
                "Nothing was "
                "saved; check the server, the database name and the access rights.",
            ) from exc

    @contextmanager
    def _transaction(self) -> Iterator[Any]:
        with self._guarded(), self._conn.transaction(), self._conn.cursor() as cur:
            yield cur

    def _encode(self, geom: shapely.Geometry) -> bytes:
        return shapely.to_wkb(geom, flavor="iso", output_dimension=2)

    def _decode(self, value: Any) -> shapely.Geometry:
        return shapely.from_wkb(bytes(value))

    def close(self) -> None:
        """Close the connection to the server."""
        self._conn.close()
