"""The GeoPackage zone store: zones in one ``.gpkg`` file that QGIS opens directly.

The GeoPackage mechanics (atomic creation, ``BEGIN IMMEDIATE`` transactions, geometry blobs, locked or
corrupted files raising :class:`geo.errors.ZoneStoreError`) are :class:`geo.store.gpkg.GpkgStore`'s;
this module gives the tables: feature table ``weak_zones`` (EPSG:4326, geometry column ``geom``),
attribute tables ``weak_zone_history`` and ``weak_zone_dismissed``. The public methods are those of
:class:`geo.zones.store.ZoneStore`.
"""

from __future__ import annotations

from geo.store.gpkg import GpkgStore, file_stamp
from geo.zones.store import ZoneStore

__all__ = ["GpkgZoneStore", "file_stamp"]


class GpkgZoneStore(GpkgStore, ZoneStore):
    """Zones in one GeoPackage file (created on first use); a fresh sqlite3 connection per operation."""

    SCHEMA = """
CREATE TABLE IF NOT EXISTS weak_zones (
  fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, geom GEOMETRY NOT NULL, zone_id TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL, technology TEXT, operators TEXT, severity TEXT, households INTEGER, reported_by TEXT,
  note TEXT, status TEXT, village_uid TEXT, commune_uid TEXT, deleted BOOLEAN NOT NULL DEFAULT 0,
  created_at DATETIME, updated_at DATETIME, updated_by TEXT);
CREATE TABLE IF NOT EXISTS weak_zone_history (
  id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, zone_id TEXT NOT NULL, at DATETIME NOT NULL,
  changed_by TEXT, action TEXT NOT NULL, field TEXT NOT NULL, old_value TEXT, new_value TEXT);
CREATE INDEX IF NOT EXISTS weak_zone_history_zone ON weak_zone_history (zone_id);
CREATE TABLE IF NOT EXISTS weak_zone_dismissed (
  id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, suggestion_id TEXT NOT NULL UNIQUE, dismissed_by TEXT,
  at DATETIME NOT NULL, reason TEXT);
"""
    CONTENTS = (
        ("weak_zones", "features", "Vùng lõm sóng / weak-signal zones", 4326),
        ("weak_zone_history", "attributes", "Lịch sử thay đổi vùng lõm sóng / zone history", None),
        ("weak_zone_dismissed", "attributes", "Gợi ý đã bỏ qua / dismissed suggestions", None),
    )
    GEOMETRY_COLUMNS = (("weak_zones", "GEOMETRY"),)
    MARKER_TABLE = "weak_zone_dismissed"
