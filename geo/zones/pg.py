"""Weak-signal zones in PostGIS, for offices that share one database server.

The connection, schema creation and transactions are :class:`geo.store.pg.PgStore`'s; this module gives
the tables (``weak_zones`` with a GiST-indexed ``geometry(Geometry, 4326)`` column, ``weak_zone_history``,
``weak_zone_dismissed``). The public methods are those of :class:`geo.zones.store.ZoneStore`.
"""

from __future__ import annotations

from geo.store.pg import CONNECT_TIMEOUT_S, PgStore
from geo.zones.store import ZoneStore

__all__ = ["CONNECT_TIMEOUT_S", "PgZoneStore"]


class PgZoneStore(PgStore, ZoneStore):
    """Zones in a PostGIS database at ``url`` (``postgresql://user@host:port/db``); one connection per store.

    Raises :class:`geo.errors.ZoneStoreError` when psycopg is not installed, the server cannot be reached,
    or the tables cannot be created. Close it (or use it as a context manager) when done.
    """

    SCHEMA_LOCK = 74_201_959
    SCHEMA = """
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
