"""Where weak-signal zones are kept: the store interface (GeoPackage: geo.zones.gpkg; PostGIS: geo.zones.pg).

Zones are the most valuable data this tool keeps, so every change is one database transaction
(all of it or nothing), every change is written to a history table (who, when, which field, old
and new value), deletions are soft (``deleted`` flag, :meth:`ZoneStore.restore` undoes them) and a
store that cannot be read or written safely raises :class:`geo.errors.ZoneStoreError` — never an
empty layer that could later overwrite the real one.

The backends subclass :class:`ZoneStore`: GeoPackage in :mod:`geo.zones.gpkg`, PostGIS in
:mod:`geo.zones.pg`; :func:`geo.zones.open_store` chooses one.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.auth.roles import Action, Actor, require, zone_change_actions
from geo.errors import DataError, ZoneStoreError, errors_in
from geo.store.base import BUSY_TIMEOUT_S, SqlStore, now_text
from geo.zones.record import EDITABLE_FIELDS, ZONE_FIELDS, Zone, check_transition, validate_zones, zones_frame

__all__ = [
    "BUSY_TIMEOUT_S",
    "HISTORY_COLUMNS",
    "ZoneStore",
    "now_text",
]

log = logging.getLogger(__name__)

#: Columns of :meth:`ZoneStore.history`.
HISTORY_COLUMNS = ["zone_id", "at", "changed_by", "action", "field", "old_value", "new_value"]
_DISMISSED_COLUMNS = ["suggestion_id", "dismissed_by", "at", "reason"]
_ATTRIBUTES = [f for f in ZONE_FIELDS if f != "zone_id"]


def _history_text(field: str, value: Any) -> str | None:
    """A value as the history table keeps it: geometry as full-precision WKT, flags as true/false."""
    if value is None or (field == "households" and pd.isna(value)):
        return None
    if field == "geometry":
        return shapely.to_wkt(value, rounding_precision=-1)
    if isinstance(value, bool | np.bool_):
        return "true" if value else "false"
    return str(value)


def _plain(record: dict) -> dict:
    """Python values for a validated zone row (Int64 NA → None, numpy bool → bool)."""
    out = dict(record)
    out["households"] = None if pd.isna(out["households"]) else int(out["households"])
    out["deleted"] = bool(out["deleted"])
    return out


class ZoneStore(SqlStore):
    """A place that keeps zones: the public methods; backends provide the transaction and geometry encoding.

    Every method taking ``user`` (an :class:`geo.auth.Actor`, or a bare name for the local single planner, an
    implicit admin) first checks that the user's role may make the change (:data:`geo.auth.PERMISSIONS`;
    :class:`geo.auth.AccessDenied` otherwise, nothing written), then records the user's label in
    ``updated_by`` and in the history. Bad input
    (unknown zone, unreadable value, forbidden status change) raises :class:`DataError` and writes
    nothing; a store fault (locked, corrupted, unreachable) raises :class:`ZoneStoreError`.
    """

    WHAT = ("kho vùng lõm sóng", "zone store")
    ERROR = ZoneStoreError

    # -- reading -----------------------------------------------------------------------------------
    def _select(
        self, cur: Any, where: str = "", params: dict | None = None, *, lock: bool = False
    ) -> list[Zone]:
        columns = ", ".join(ZONE_FIELDS)
        order = "" if lock else " ORDER BY fid"
        cur.execute(
            self._sql(
                f"SELECT {self._GEOM_OUT} AS geom, {columns} FROM weak_zones {where}{order} "
                f"{self._LOCK if lock else ''}"
            ),
            params or {},
        )
        rows = [dict(row) for row in cur.fetchall()]
        return [
            Zone.from_record({**row, "deleted": bool(row["deleted"]), "geometry": self._decode(row["geom"])})
            for row in rows
        ]

    def _current(self, cur: Any, zone_id: str, *, lock: bool = False) -> Zone:
        found = self._select(cur, "WHERE zone_id = %(zone_id)s", {"zone_id": zone_id}, lock=lock)
        if not found:
            raise DataError(
                f"{self.label}: không có vùng lõm sóng mã {zone_id}.",
                f"{self.label}: no weak-signal zone {zone_id}.",
            )
        return found[0]

    def get(self, zone_id: str) -> Zone:
        """Return the zone ``zone_id`` (deleted ones too); :class:`DataError` when there is none."""
        with self._reading() as cur:
            return self._current(cur, zone_id)

    def list(self, include_deleted: bool = False) -> gpd.GeoDataFrame:
        """Return the zones (EPSG:4326, :data:`ZONE_FIELDS` + geometry), oldest first.

        Soft-deleted zones are left out unless ``include_deleted``.
        """
        with self._reading() as cur:
            zones = self._select(cur, "" if include_deleted else "WHERE deleted = %(no)s", {"no": False})
        return zones_frame(zones)

    def history(self, zone_id: str | None = None) -> pd.DataFrame:
        """Return every recorded change (of one zone, or of all), oldest first: :data:`HISTORY_COLUMNS`.

        One row per changed field; ``action`` is add / update / status / delete / restore; values are
        text (geometry as WKT, households as digits, flags true/false; None when empty).
        """
        where = "WHERE zone_id = %(zone_id)s " if zone_id else ""
        with self._reading() as cur:
            cur.execute(
                self._sql(f"SELECT {', '.join(HISTORY_COLUMNS)} FROM weak_zone_history {where}ORDER BY id"),
                {"zone_id": zone_id},
            )
            rows = [dict(row) for row in cur.fetchall()]
        df = pd.DataFrame(rows, columns=HISTORY_COLUMNS).astype(object)
        return df.where(df.notna(), None)

    def stamp(self) -> tuple[int, int]:
        """Return a stamp that changes with every save, to key caches by: :meth:`version` here, a
        GeoPackage's (modification time in ns, size) (:meth:`geo.zones.gpkg.GpkgZoneStore.stamp`)."""
        return self.version()

    def version(self) -> tuple[int, int]:
        """Return a stamp that changes with every write: (history rows, dismissed suggestions).

        Cheap (two counts), so a page can key its caches by it for a shared PostGIS store too."""
        with self._reading() as cur:
            cur.execute(self._sql("SELECT count(*) AS n FROM weak_zone_history"), {})
            changes = dict(cur.fetchone())["n"]
            cur.execute(self._sql("SELECT count(*) AS n FROM weak_zone_dismissed"), {})
            return int(changes), int(dict(cur.fetchone())["n"])

    def dismissed(self) -> pd.DataFrame:
        """Return the suggestions a planner dismissed or accepted: suggestion_id, dismissed_by, at, reason."""
        with self._reading() as cur:
            cur.execute(
                self._sql(f"SELECT {', '.join(_DISMISSED_COLUMNS)} FROM weak_zone_dismissed ORDER BY at"), {}
            )
            rows = [dict(row) for row in cur.fetchall()]
        return pd.DataFrame(rows, columns=_DISMISSED_COLUMNS)

    # -- writing -----------------------------------------------------------------------------------
    def _validated(self, zones: list[Zone]) -> list[dict]:
        valid, problems = validate_zones(zones_frame(zones), file=self.label)
        if errors_in(problems):
            raise DataError(problems[0].message_vi, problems[0].message_en, problems=problems)
        for problem in problems:
            log.warning("%s", problem.text("en"))
        return [_plain(row) for row in valid.drop(columns="source_row").to_dict("records")]

    def _log(self, cur: Any, rows: list[dict]) -> None:
        self._insert(cur, "weak_zone_history", rows)

    def add_many(self, zones: Iterable[Zone], *, user: Actor | str) -> list[str]:
        """Add zones in one transaction (all or none) and return their ids.

        Values are validated and made canonical (:func:`geo.zones.record.validate_zones`, without dataset
        checks); an empty ``zone_id`` gets a new UUID, an empty ``created_at`` the current time;
        ``updated_at``/``updated_by`` are set. A zone id already in the store raises :class:`DataError`.
        """
        records = self._validated(list(zones))
        for record in records:
            require(user, *zone_change_actions(None, record["status"]))
        user = require(user, Action.EDIT_ZONES).label
        now = now_text()
        for record in records:
            record.update(zone_id=record["zone_id"] or str(uuid.uuid4()), updated_at=now, updated_by=user)
            record["created_at"] = record["created_at"] or now
        columns = ", ".join(ZONE_FIELDS)
        values = ", ".join(f"%({f})s" for f in ZONE_FIELDS)
        with self._transaction() as cur:
            for record in records:
                cur.execute(self._sql("SELECT 1 FROM weak_zones WHERE zone_id = %(zone_id)s"), record)
                if cur.fetchone():
                    raise DataError(
                        f"{self.label}: đã có vùng mã {record['zone_id']} ('{record['name']}'); "
                        "dùng lệnh sửa thay vì thêm.",
                        f"{self.label}: zone {record['zone_id']} ('{record['name']}') already exists; "
                        "edit it instead.",
                    )
                cur.execute(
                    self._sql(f"INSERT INTO weak_zones (geom, {columns}) VALUES ({self._GEOM_IN}, {values})"),
                    {**record, "geometry": self._encode(record["geometry"])},
                )
            self._log(
                cur,
                [
                    {
                        "zone_id": r["zone_id"],
                        "at": now,
                        "changed_by": user,
                        "action": "add",
                        "field": field,
                        "old_value": None,
                        "new_value": _history_text(field, r[field]),
                    }
                    for r in records
                    for field in (*_ATTRIBUTES, "geometry")
                    if _history_text(field, r[field]) not in (None, "")
                ],
            )
        log.info("%s: %d zones added by %s", self.label, len(records), user)
        return [r["zone_id"] for r in records]

    def add(self, zone: Zone, *, user: Actor | str) -> str:
        """Add one zone (see :meth:`add_many`) and return its id."""
        return self.add_many([zone], user=user)[0]

    def _change(self, zone_id: str, changes: dict[str, Any], *, user: Actor | str, action: str) -> Zone:
        """Apply ``changes`` to one zone in one transaction, logging each field that really changed."""
        with self._transaction() as cur:
            current = self._current(cur, zone_id, lock=True)
            if current.deleted and action not in ("restore", "delete"):
                raise DataError(
                    f"{self.label}: vùng '{current.name}' đã bị xóa; khôi phục trước khi sửa.",
                    f"{self.label}: zone '{current.name}' is deleted; restore it before editing.",
                )
            old = current.record()
            new = self._validated([Zone.from_record({**old, **changes})])[0]
            removing = action in ("restore", "delete")
            user = require(user, *zone_change_actions(old["status"], new["status"], removing=removing)).label
            if new["status"] != old["status"]:
                check_transition(old["status"], new["status"], zone=current.name)
            changed = [
                f
                for f in (*EDITABLE_FIELDS, "deleted")
                if (shapely.to_wkb(old[f]) != shapely.to_wkb(new[f]) if f == "geometry" else old[f] != new[f])
            ]
            if not changed:
                return current
            now = now_text()
            sets = ", ".join(
                [f"geom = {self._GEOM_IN}" if f == "geometry" else f"{f} = %({f})s" for f in changed]
                + ["updated_at = %(updated_at)s", "updated_by = %(updated_by)s"]
            )
            params = {**new, "geometry": self._encode(new["geometry"]), "updated_at": now, "updated_by": user}
            cur.execute(self._sql(f"UPDATE weak_zones SET {sets} WHERE zone_id = %(zone_id)s"), params)
            self._log(
                cur,
                [
                    {
                        "zone_id": zone_id,
                        "at": now,
                        "changed_by": user,
                        "action": action,
                        "field": f,
                        "old_value": _history_text(f, old[f]),
                        "new_value": _history_text(f, new[f]),
                    }
                    for f in changed
                ],
            )
        log.info("%s: zone %s %s by %s (%s)", self.label, zone_id, action, user, ", ".join(changed))
        return Zone.from_record({**new, "updated_at": now, "updated_by": user})

    def update(self, zone_id: str, changes: dict[str, Any], *, user: Actor | str) -> Zone:
        """Change attributes and/or the geometry (keys of :data:`EDITABLE_FIELDS`); return the zone as saved.

        Values are validated like new zones; a status change must be allowed by
        :data:`geo.zones.record.TRANSITIONS`; a deleted zone must be restored first. Fields whose value does
        not change are not written or logged.
        """
        unknown = sorted(set(changes) - set(EDITABLE_FIELDS))
        if unknown:
            raise DataError(
                f"Không sửa được trường {', '.join(unknown)}; sửa được: {', '.join(EDITABLE_FIELDS)}.",
                f"Field(s) {', '.join(unknown)} cannot be edited; editable: {', '.join(EDITABLE_FIELDS)}.",
            )
        action = "status" if set(changes) == {"status"} else "update"
        return self._change(zone_id, dict(changes), user=user, action=action)

    def set_status(self, zone_id: str, status: str, *, user: Actor | str) -> Zone:
        """Move a zone to ``status`` (allowed by :data:`geo.zones.record.TRANSITIONS`); return the zone."""
        return self.update(zone_id, {"status": status}, user=user)

    def delete(self, zone_id: str, *, user: Actor | str) -> Zone:
        """Soft-delete a zone: it leaves :meth:`list` but stays in the store and its history."""
        return self._change(zone_id, {"deleted": True}, user=user, action="delete")

    def restore(self, zone_id: str, *, user: Actor | str) -> Zone:
        """Undo :meth:`delete`."""
        return self._change(zone_id, {"deleted": False}, user=user, action="restore")

    def dismiss(self, suggestion_id: str, *, user: Actor | str, reason: str = "dismissed") -> None:
        """Remember a dismissed (or ``reason="accepted"``) suggestion; repeating it changes nothing."""
        user = require(user, Action.DECIDE_SUGGESTIONS).label
        with self._transaction() as cur:
            cur.execute(
                self._sql(
                    "INSERT INTO weak_zone_dismissed (suggestion_id, dismissed_by, at, reason) "
                    "VALUES (%(id)s, %(user)s, %(at)s, %(reason)s) ON CONFLICT (suggestion_id) DO NOTHING"
                ),
                {"id": suggestion_id, "user": user, "at": now_text(), "reason": reason},
            )
