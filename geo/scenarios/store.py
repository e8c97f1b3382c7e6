"""Where scenarios are kept: every save a version (who, when, what), each version's changes, restorable.

Like the weak-signal zones (:mod:`geo.zones`), a dataset's scenarios live in a GeoPackage beside its
data (:data:`geo.settings.SCENARIOS_FILE_NAME`, QGIS opens it) or, when offices share them, in PostGIS
(the URL in :data:`geo.settings.SCENARIOS_STORE_ENV`); the mechanics are :mod:`geo.store`'s. Two tables:
``scenario_versions`` (one row per save: scenario, version, at, saved_by, action, note, changes) and
``scenario_changes`` (the change rows of every version, point geometry in EPSG:4326 or none). Nothing is
ever overwritten: a save adds version n+1, :meth:`ScenarioStore.restore` saves an old version again as a
new one. A save is one transaction; a store that cannot be used raises :class:`geo.errors.ScenarioStoreError`.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pandas as pd
import shapely

from geo.auth.roles import Action, Actor, require
from geo.errors import DataError, ScenarioStoreError, errors_in
from geo.scenarios.model import COLUMNS, Scenario, scenario_from_table, scenario_table
from geo.settings import SCENARIOS_FILE_NAME, SCENARIOS_STORE_ENV
from geo.store.base import SqlStore, now_text
from geo.store.gpkg import GpkgStore
from geo.store.naming import dataset_store_name, named_stamp, open_named
from geo.store.pg import PgStore

__all__ = [
    "HISTORY_COLUMNS",
    "LIST_COLUMNS",
    "ScenarioStore",
    "dataset_scenario_store",
    "open_scenario_store",
    "scenario_store_stamp",
]

log = logging.getLogger(__name__)

#: Columns of :meth:`ScenarioStore.list`.
LIST_COLUMNS = ["scenario", "version", "at", "saved_by", "changes"]
#: Columns of :meth:`ScenarioStore.history` (``added``/``removed``: change rows against the version before).
HISTORY_COLUMNS = ["version", "at", "saved_by", "action", "note", "changes", "added", "removed"]
_VERSION_COLUMNS = ["scenario", "version", "at", "saved_by", "action", "note", "changes"]
_NUMBERS = ("height_m", "azimuth_deg")
_MAX_NAME = 100


def _value(column: str, value: Any) -> Any:
    """A change-row value as stored: numbers as float, text stripped, empty as None."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if column in _NUMBERS:
        return float(value)
    text = str(value).strip()
    return text or None


class ScenarioStore(SqlStore):
    """A place that keeps scenarios: save, read, list, history and restore; backends give the database.

    Saving and restoring need :data:`geo.auth.Action.EDIT_SCENARIOS` (``user`` an :class:`geo.auth.Actor`, or
    a bare name for the local single planner); the user's label is written in the version. A scenario with
    errors, or a bad name, raises :class:`DataError` and writes nothing.
    """

    WHAT = ("kho kịch bản", "scenario store")
    ERROR = ScenarioStoreError

    # -- reading -----------------------------------------------------------------------------------
    def _versions(self, cur: Any, name: str | None = None) -> pd.DataFrame:
        where = "WHERE scenario = %(name)s " if name is not None else ""
        cur.execute(
            self._sql(
                f"SELECT {', '.join(_VERSION_COLUMNS)} FROM scenario_versions {where}"
                "ORDER BY scenario, version"
            ),
            {"name": name},
        )
        return pd.DataFrame([dict(r) for r in cur.fetchall()], columns=_VERSION_COLUMNS)

    def _changes(self, cur: Any, name: str, version: int) -> pd.DataFrame:
        cur.execute(
            self._sql(
                f"SELECT {self._GEOM_OUT} AS geom, {', '.join(COLUMNS)} FROM scenario_changes "
                "WHERE scenario = %(name)s AND version = %(version)s ORDER BY seq"
            ),
            {"name": name, "version": version},
        )
        rows = [dict(r) for r in cur.fetchall()]
        df = pd.DataFrame(rows, columns=["geom", *COLUMNS])
        geoms = [None if g is None else self._decode(g) for g in df.pop("geom")]
        df["lon"], df["lat"] = shapely.get_x(geoms), shapely.get_y(geoms)
        return df

    def _unknown(self, name: str, known: pd.DataFrame) -> DataError:
        names = ", ".join(dict.fromkeys(known["scenario"])) or "—"
        return DataError(
            f"{self.label}: không có kịch bản '{name}'; có: {names}.",
            f"{self.label}: no scenario '{name}'; known: {names}.",
        )

    def list(self) -> pd.DataFrame:
        """Return the scenarios, one row each with its latest version: :data:`LIST_COLUMNS`, by name."""
        with self._reading() as cur:
            versions = self._versions(cur)
        latest = versions.drop_duplicates("scenario", keep="last")
        return latest[LIST_COLUMNS].reset_index(drop=True)

    def get(self, name: str, version: int | None = None) -> Scenario:
        """Return the scenario ``name`` as saved in ``version`` (default: the latest).

        Its ``source`` names the store, the scenario and the version (``"kich_ban.gpkg: Huổi Mí v2"``), so
        problems found applying it say where to fix them. :class:`DataError` for an unknown name or version.
        """
        with self._reading() as cur:
            versions = self._versions(cur, name)
            if versions.empty:
                raise self._unknown(name, self._versions(cur))
            version = int(versions["version"].iloc[-1]) if version is None else int(version)
            if version not in set(versions["version"].astype(int)):
                raise DataError(
                    f"{self.label}: kịch bản '{name}' không có phiên bản {version} "
                    f"(có 1–{int(versions['version'].max())}).",
                    f"{self.label}: scenario '{name}' has no version {version} "
                    f"(it has 1–{int(versions['version'].max())}).",
                )
            table = self._changes(cur, name, version)
        return scenario_from_table(table, name=name, file=f"{self.label}: {name} v{version}")

    def history(self, name: str) -> pd.DataFrame:
        """Return every saved version of ``name``, oldest first: :data:`HISTORY_COLUMNS`.

        ``added``/``removed`` count the change rows that are new in / gone from each version compared with
        the one before (the first version adds all its rows). :class:`DataError` for an unknown name.
        """
        with self._reading() as cur:
            versions = self._versions(cur, name)
            if versions.empty:
                raise self._unknown(name, self._versions(cur))
            tables = [self._changes(cur, name, int(v)) for v in versions["version"]]
        before: set = set()
        added, removed = [], []
        for table in tables:
            rows = set(table.astype(str).itertuples(index=False, name=None))
            added.append(len(rows - before))
            removed.append(len(before - rows))
            before = rows
        out = versions.assign(added=added, removed=removed)[HISTORY_COLUMNS]
        return out.astype({"version": int, "changes": int}).reset_index(drop=True)

    def stamp(self) -> tuple[int, int]:
        """Return a stamp that changes with every save: (versions saved, change rows kept)."""
        with self._reading() as cur:
            cur.execute(self._sql("SELECT count(*) AS n FROM scenario_versions"), {})
            versions = int(dict(cur.fetchone())["n"])
            cur.execute(self._sql("SELECT count(*) AS n FROM scenario_changes"), {})
            return versions, int(dict(cur.fetchone())["n"])

    # -- writing -----------------------------------------------------------------------------------
    def _checked_name(self, name: str) -> str:
        text = " ".join(str(name or "").split())
        if not text or len(text) > _MAX_NAME:
            raise DataError(
                f"Tên kịch bản phải có từ 1 đến {_MAX_NAME} ký tự (đang là '{text[:40]}').",
                f"A scenario name has 1 to {_MAX_NAME} characters (got '{text[:40]}').",
            )
        return text

    def save(
        self,
        scenario: Scenario,
        *,
        user: Actor | str,
        name: str | None = None,
        note: str = "",
        action: str = "save",
    ) -> int:
        """Save ``scenario`` (under ``name``, default its own) as a new version; return the version number.

        A scenario whose ``problems`` hold errors is refused (:class:`DataError` listing them), so a file read
        with unusable rows is never saved half; ``action`` is what the history shows (save, import, restore).
        """
        actor = require(user, Action.EDIT_SCENARIOS)
        name = self._checked_name(name or scenario.name)
        bad = errors_in(scenario.problems)
        if bad:
            raise DataError(
                f"Chưa lưu kịch bản '{name}': {len(bad)} dòng có lỗi; sửa rồi lưu lại.",
                f"Scenario '{name}' was not saved: {len(bad)} row(s) have errors; fix them and save again.",
                problems=bad,
            )
        table = scenario_table(scenario)
        rows = [
            {
                "scenario": name,
                "seq": seq,
                **{c: _value(c, row[c]) for c in COLUMNS},
                "geometry": None if pd.isna(row["lon"]) else shapely.Point(row["lon"], row["lat"]),
            }
            for seq, row in enumerate(table.to_dict("records"), start=1)
        ]
        with self._transaction() as cur:
            self._serialize(cur, name)
            cur.execute(
                self._sql("SELECT max(version) AS v FROM scenario_versions WHERE scenario = %(name)s"),
                {"name": name},
            )
            version = int(dict(cur.fetchone())["v"] or 0) + 1
            entry = {
                "scenario": name,
                "version": version,
                "at": now_text(),
                "saved_by": actor.label,
                "action": action,
                "note": note.strip() or None,
                "changes": len(rows),
            }
            self._insert(cur, "scenario_versions", [entry])
            self._insert(cur, "scenario_changes", [{**r, "version": version} for r in rows], geometry=True)
        log.info(
            "%s: scenario %s v%d saved by %s (%d changes)", self.label, name, version, actor.label, len(rows)
        )
        return version

    def restore(self, name: str, version: int, *, user: Actor | str) -> int:
        """Save version ``version`` of ``name`` again as its newest version; return the new version number."""
        old = self.get(name, version)
        return self.save(old, user=user, name=name, note=f"v{int(version)}", action="restore")


class GpkgScenarioStore(GpkgStore, ScenarioStore):
    """Scenarios in one GeoPackage file (created on first use)."""

    SCHEMA = """
CREATE TABLE IF NOT EXISTS scenario_changes (
  fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, geom POINT, scenario TEXT NOT NULL,
  version INTEGER NOT NULL, seq INTEGER NOT NULL, change TEXT NOT NULL, site_id TEXT, operators TEXT,
  technologies TEXT, height_m REAL, azimuth_deg REAL, village TEXT, name TEXT, kind TEXT, why TEXT);
CREATE INDEX IF NOT EXISTS scenario_changes_version ON scenario_changes (scenario, version);
CREATE TABLE IF NOT EXISTS scenario_versions (
  id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, scenario TEXT NOT NULL, version INTEGER NOT NULL,
  at DATETIME NOT NULL, saved_by TEXT, action TEXT NOT NULL, note TEXT, changes INTEGER NOT NULL,
  UNIQUE (scenario, version));
"""
    CONTENTS = (
        ("scenario_changes", "features", "Thay đổi của kịch bản / scenario changes", 4326),
        ("scenario_versions", "attributes", "Các lần lưu kịch bản / scenario versions", None),
    )
    GEOMETRY_COLUMNS = (("scenario_changes", "POINT"),)
    MARKER_TABLE = "scenario_versions"


class PgScenarioStore(PgStore, ScenarioStore):
    """Scenarios in a PostGIS database at ``url``; close it (or use it as a context manager) when done."""

    SCHEMA_LOCK = 74_201_960
    SCHEMA = """
CREATE TABLE IF NOT EXISTS scenario_changes (
  fid bigserial PRIMARY KEY, geom geometry(Point, 4326), scenario text NOT NULL, version integer NOT NULL,
  seq integer NOT NULL, change text NOT NULL, site_id text, operators text, technologies text,
  height_m double precision, azimuth_deg double precision, village text, name text, kind text, why text);
CREATE INDEX IF NOT EXISTS scenario_changes_version_idx ON scenario_changes (scenario, version);
CREATE TABLE IF NOT EXISTS scenario_versions (
  id bigserial PRIMARY KEY, scenario text NOT NULL, version integer NOT NULL, at text NOT NULL, saved_by text,
  action text NOT NULL, note text, changes integer NOT NULL, UNIQUE (scenario, version));
"""


def dataset_scenario_store(folder: str | Path) -> str:
    """Return where a dataset's scenarios are kept: the shared store named by ``COVERAGE_SCENARIOS_STORE``
    (a ``postgresql://`` URL or a GeoPackage path) when it is set, else :data:`SCENARIOS_FILE_NAME` in the
    dataset's folder."""
    return dataset_store_name(folder, env=SCENARIOS_STORE_ENV, file_name=SCENARIOS_FILE_NAME)


def open_scenario_store(store: str | Path, *, create: bool = True) -> ScenarioStore | None:
    """Open the scenario store ``store`` (a ``.gpkg`` path or a ``postgresql://`` URL).

    A missing GeoPackage is created, or with ``create=False`` not opened (``None``). Raises
    :class:`ScenarioStoreError` when it cannot be opened safely and :class:`DataError` for a name that is
    neither.
    """
    what = ("kho kịch bản", "a scenario store")
    return open_named(store, create=create, postgis=PgScenarioStore, geopackage=GpkgScenarioStore, what=what)


def scenario_store_stamp(store: str | Path) -> tuple[int, int]:
    """A stamp of ``store`` that changes with every save, read without creating it
    (:func:`geo.store.naming.named_stamp`: a GeoPackage's (mtime ns, size), (0, 0) when missing; a shared
    store's :meth:`ScenarioStore.stamp`, (-1, -1) when it cannot be reached)."""
    return named_stamp(store, open_scenario_store)
