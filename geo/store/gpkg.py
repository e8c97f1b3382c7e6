"""A store in one GeoPackage file that QGIS opens directly: the :class:`geo.store.base.SqlStore` backend.

Written with :mod:`sqlite3` (``BEGIN IMMEDIATE``, rollback journal with ``synchronous=FULL``,
``busy_timeout``) as a plain OGC GeoPackage 1.4 (EPSG:4326, geometry column ``geom``). The file is
created atomically (built beside the target, then hard-linked into place), so a half-created file never
exists; an existing GeoPackage gains the store's tables; a file that is not a sound GeoPackage raises
the store's ``ERROR`` and is never written. A subclass gives ``SCHEMA`` (its tables), ``CONTENTS``
(their gpkg_contents rows), ``GEOMETRY_COLUMNS`` and ``MARKER_TABLE`` (present once installed).
"""

from __future__ import annotations

import logging
import os
import re
import sqlite3
import struct
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import quote

import shapely
from pyproj import CRS

from geo.errors import StoreError
from geo.store.base import BUSY_TIMEOUT_S, SqlStore, now_text

__all__ = ["GpkgStore", "file_stamp", "gpkg_blob", "from_gpkg_blob"]

log = logging.getLogger(__name__)

_GPKG_APPLICATION_ID = 0x47504B47  # "GPKG"
_GPKG_USER_VERSION = 10400  # GeoPackage 1.4
_ENVELOPE_BYTES = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}
_GPKG_CORE = """
CREATE TABLE IF NOT EXISTS gpkg_spatial_ref_sys (
  srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY, organization TEXT NOT NULL,
  organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT);
CREATE TABLE IF NOT EXISTS gpkg_contents (
  table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT UNIQUE,
  description TEXT DEFAULT '', last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE,
  srs_id INTEGER, CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id));
CREATE TABLE IF NOT EXISTS gpkg_geometry_columns (
  table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL,
  srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL,
  CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
  CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
  CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id));
"""


def _srs_rows() -> list[tuple]:
    """The three rows every GeoPackage needs in gpkg_spatial_ref_sys (4326, and undefined -1 / 0)."""
    return [
        (
            "WGS 84 geodetic",
            4326,
            "EPSG",
            4326,
            CRS.from_epsg(4326).to_wkt("WKT1_GDAL"),
            "longitude/latitude",
        ),
        (
            "Undefined cartesian SRS",
            -1,
            "NONE",
            -1,
            "undefined",
            "undefined cartesian coordinate reference system",
        ),
        (
            "Undefined geographic SRS",
            0,
            "NONE",
            0,
            "undefined",
            "undefined geographic coordinate reference system",
        ),
    ]


def gpkg_blob(geom: shapely.Geometry) -> bytes:
    """GeoPackage geometry blob: "GP", version 0, flags (little-endian, xy envelope), srs 4326, ISO WKB."""
    minx, miny, maxx, maxy = shapely.bounds(geom)
    header = b"GP" + bytes([0, 0b0000_0011]) + struct.pack("<i4d", 4326, minx, maxx, miny, maxy)
    return header + shapely.to_wkb(geom, byte_order=1, flavor="iso", output_dimension=2)


def from_gpkg_blob(blob: bytes, *, error: type[StoreError] = StoreError) -> shapely.Geometry:
    """Shapely geometry from a GeoPackage geometry blob (any byte order and envelope); ``error`` when the
    bytes are not one."""
    if blob[:2] != b"GP":
        raise error(
            "Hình học trong tệp không đúng định dạng GeoPackage.",
            "A geometry in the file is not a GeoPackage blob.",
        )
    return shapely.from_wkb(bytes(blob[8 + _ENVELOPE_BYTES[(blob[3] >> 1) & 0b111] :]))


def file_stamp(path: Path) -> tuple[int, int]:
    """Return a file's (modification time in ns, size): it changes with every save."""
    info = Path(path).stat()
    return (info.st_mtime_ns, info.st_size)


class GpkgStore(SqlStore):
    """A store in one GeoPackage file (created on first use); a fresh sqlite3 connection per operation."""

    #: The store's own tables (``CREATE TABLE IF NOT EXISTS ...;`` statements).
    SCHEMA: ClassVar[str] = ""
    #: gpkg_contents rows: (table, "features" | "attributes", description, srs id or None).
    CONTENTS: ClassVar[tuple[tuple[str, str, str, int | None], ...]] = ()
    #: gpkg_geometry_columns rows: (table, geometry type name), column ``geom``, EPSG:4326.
    GEOMETRY_COLUMNS: ClassVar[tuple[tuple[str, str], ...]] = ()
    #: A table created last by :attr:`SCHEMA`: when it is missing, the tables are installed.
    MARKER_TABLE: ClassVar[str] = ""

    def __init__(self, path: str | Path, *, timeout_s: float = BUSY_TIMEOUT_S) -> None:
        self.path = Path(path)
        self.label = self.path.name
        self.timeout_s = timeout_s
        if not self.path.exists():
            self._create()
        elif not self.path.is_file() or self.path.stat().st_size == 0:
            raise self._broken("tệp rỗng hoặc không phải tệp", "the file is empty or not a file")
        with self._connect() as conn:
            check = conn.execute("PRAGMA quick_check").fetchone()[0]
            if check != "ok":
                raise self._broken(check, check)
            if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'gpkg_contents'").fetchone():
                raise self._broken("không phải GeoPackage", "not a GeoPackage")
            if not conn.execute(
                "SELECT 1 FROM sqlite_master WHERE name = ?", (self.MARKER_TABLE,)
            ).fetchone():
                self._install(conn)  # an existing GeoPackage (e.g. another store's) gains these tables

    def stamp(self) -> tuple[int, int]:
        """Return the file's (modification time in ns, size): it changes with every save."""
        return file_stamp(self.path)

    def _broken(self, vi: str, en: str) -> StoreError:
        what_vi, what_en = self.WHAT
        return self.ERROR(
            f"{self.label}: {what_vi} bị hỏng, không đọc được ({vi}). Không ghi gì vào tệp này; "
            "khôi phục tệp từ bản sao lưu.",
            f"{self.label}: the {what_en} is corrupted and cannot be read ({en}). Nothing was written to it; "
            "restore the file from a backup.",
        )

    def _create(self) -> None:
        """Build the empty store beside the target, then hard-link it into place (never half a file)."""
        if not self.path.parent.is_dir():
            raise self.ERROR(
                f"Không có thư mục {self.path.parent} để tạo {self.WHAT[0]}.",
                f"Folder {self.path.parent} does not exist; the {self.WHAT[1]} cannot be created there.",
            )
        scratch = self.path.with_name(f".{self.path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
        try:
            with self._guarded():
                conn = sqlite3.connect(scratch, isolation_level=None)
                try:
                    conn.execute(f"PRAGMA application_id = {_GPKG_APPLICATION_ID}")
                    conn.execute(f"PRAGMA user_version = {_GPKG_USER_VERSION}")
                    self._install(conn)
                finally:
                    conn.close()
            try:
                os.link(scratch, self.path)
            except FileExistsError:
                log.info("%s was created by another process meanwhile", self.label)
        finally:
            scratch.unlink(missing_ok=True)

    def _install(self, conn: sqlite3.Connection) -> None:
        """Create the GeoPackage core tables (if missing) and the store's tables, in one transaction."""
        conn.execute("BEGIN IMMEDIATE")
        for statement in filter(str.strip, (_GPKG_CORE + self.SCHEMA).split(";")):
            conn.execute(statement)
        conn.executemany("INSERT OR IGNORE INTO gpkg_spatial_ref_sys VALUES (?, ?, ?, ?, ?, ?)", _srs_rows())
        conn.executemany(
            "INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier, description, srs_id) "
            "VALUES (?, ?, ?, ?, ?)",
            [(table, kind, table, text, srs) for table, kind, text, srs in self.CONTENTS],
        )
        conn.executemany(
            "INSERT OR IGNORE INTO gpkg_geometry_columns VALUES (?, 'geom', ?, 4326, 0, 0)",
            self.GEOMETRY_COLUMNS,
        )
        conn.execute("COMMIT")

    @contextmanager
    def _guarded(self) -> Iterator[None]:
        """Turn sqlite failures into the store's error with a message a planner can act on."""
        try:
            yield
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise self.ERROR(
                    f"{self.label}: kho đang bị khóa quá {self.timeout_s:g} giây "
                    "(người khác đang lưu, hoặc tệp đang mở sửa trong QGIS). Chưa lưu gì; "
                    "thử lại sau, hoặc đóng chế độ sửa trong QGIS.",
                    f"{self.label}: the store stayed locked for over {self.timeout_s:g} s "
                    "(someone else is saving, or QGIS is editing it). Nothing was saved; "
                    "try again, or stop editing in QGIS.",
                ) from exc
            raise self._broken(str(exc), str(exc)) from exc
        except sqlite3.DatabaseError as exc:
            raise self._broken(str(exc), str(exc)) from exc

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        with self._guarded():
            uri = f"file:{quote(str(self.path.resolve()))}?mode=rw"
            conn = sqlite3.connect(uri, uri=True, timeout=self.timeout_s, isolation_level=None)
            try:
                conn.row_factory = sqlite3.Row
                conn.execute(f"PRAGMA busy_timeout = {int(self.timeout_s * 1000)}")
                conn.execute("PRAGMA synchronous = FULL")
                yield conn
            finally:
                conn.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Cursor]:
        with self._connect() as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn.cursor()
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    @contextmanager
    def _reading(self) -> Iterator[sqlite3.Cursor]:
        with self._connect() as conn:
            yield conn.cursor()

    def _touched(self, cur: Any) -> None:
        cur.executemany(
            "UPDATE gpkg_contents SET last_change = :at WHERE table_name = :table",
            [{"at": now_text(), "table": table} for table, kind, _, _ in self.CONTENTS if kind == "features"],
        )

    def _sql(self, text: str) -> str:
        return re.sub(r"%\((\w+)\)s", r":\1", text)

    def _encode(self, geom: shapely.Geometry) -> bytes:
        return gpkg_blob(geom)

    def _decode(self, value: Any) -> shapely.Geometry:
        return from_gpkg_blob(value, error=self.ERROR)
