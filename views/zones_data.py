"""What the weak-signal zones page reads and writes: the store's state, cached maps and evidence, the
drawing taken from the map, and the tables shown to the planner.

The zone store of a dataset is :func:`geo.zones.dataset_store` (its GeoPackage, or a shared store).
Reads are cached by the store's stamp (:func:`views.common.zones_stamp`), so a save shows at once; a
store that cannot be opened gives a :class:`StoreState` with ``error`` set and no zones — the page then
shows the message and offers no save, so an empty layer can never be written over the real one. The
drawing arrives through :func:`take_drawing` (from ``st_folium``) into
``st.session_state[DRAWING_KEY]`` — tests set that key.
"""

from __future__ import annotations

import json
import logging
import re
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import folium
import geopandas as gpd
import pandas as pd
import shapely
import streamlit as st
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from geo.auth.roles import Action, Actor
from geo.errors import DataError, GeoError, ZoneStoreError
from geo.i18n import STRINGS, t
from geo.model import Dataset
from geo.plans.targets import Plan
from geo.zones import dataset_store, open_store
from geo.zones.files import export_zones
from geo.zones.record import SEVERITY_LABELS, STATUS_LABELS, zones_frame
from geo.zones.store import ZoneStore
from geo.zones.suggest import ZoneEvidence, suggest_zones, zone_evidence
from layers.draw import draw_control, draw_locale
from layers.legend import legend
from layers.offline import strip_cdn
from layers.zones import outline_layer, zones_layer, zones_legend
from views import common
from views.zones_context import add_context, add_names, add_suggestions, territory_map

__all__ = [
    "DRAWING_KEY",
    "FLASH_KEY",
    "StoreState",
    "PageContext",
    "store_path",
    "read_store",
    "zones_map",
    "evidence",
    "suggestions",
    "export_bytes",
    "take_drawing",
    "drawn_shape",
    "clear_drawing",
    "write",
    "flash",
    "show_flash",
    "md",
    "unit_names",
    "zone_rows",
    "history_rows",
]

log = logging.getLogger(__name__)

#: Session-state key of the last shape drawn on the map (a GeoJSON Feature dict, EPSG:4326).
DRAWING_KEY = "zone_drawing"
_SEEN_KEY = "zone_drawing_seen"
#: Session-state key of the messages shown after the rerun that follows a write.
FLASH_KEY = "zones_flash"
_BOOKKEEPING = ("created_at", "updated_at", "updated_by")
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$&:])")


@dataclass(frozen=True)
class StoreState:
    """The zone store as the page sees it: every zone (deleted ones too, EPSG:4326), the ids of dismissed or
    accepted suggestions, and ``error`` when the store cannot be opened (then saving is off)."""

    zones: gpd.GeoDataFrame
    dismissed: frozenset[str]
    stamp: tuple[int, int]
    error: GeoError | None = None


@dataclass(frozen=True)
class PageContext:
    """Everything the page's sections share for one run."""

    lang: str
    folder: str
    stamp: float
    dataset: Dataset
    plan_id: str
    plan: Plan
    year: int
    user: Actor
    state: StoreState
    names: dict[str, str]

    @property
    def writable(self) -> bool:
        """Whether saving is allowed: the store opened (or does not exist yet), the user has a name (signed
        in, or typed by the single planner) and a role that may edit zones."""
        return self.state.error is None and bool(self.user.username) and self.may(Action.EDIT_ZONES)

    def may(self, action: Action) -> bool:
        """Whether the user's role allows ``action`` (what it does not allow is not shown)."""
        return self.user.may(action)


def store_path(folder: str) -> str:
    """Return the zone store of the dataset in ``folder`` (its GeoPackage, or the configured shared store)."""
    return dataset_store(folder)


@st.cache_resource(show_spinner=False, max_entries=16)
def _load(path: str, stamp: tuple[int, int]) -> tuple[gpd.GeoDataFrame, frozenset[str]]:
    """Every zone and the dismissed suggestion ids of the store at ``path`` (errors raised, not cached)."""
    with open_store(path) as store:
        return store.list(include_deleted=True), frozenset(store.dismissed()["suggestion_id"])


def read_store(folder: str) -> StoreState:
    """Return the state of the dataset's zone store, read through a cache keyed by the file's stamp.

    A missing store is empty (it is created by the first save); a store that cannot be opened (corrupted,
    locked, not a GeoPackage) gives no zones and ``error`` — never an empty store that could be saved over it.
    """
    path = store_path(folder)
    stamp = common.zones_stamp(folder)
    if stamp == (0, 0):
        return StoreState(zones_frame([]), frozenset(), stamp)
    try:
        zones, dismissed = _load(path, stamp)
    except GeoError as exc:
        log.warning("zone store %s cannot be read: %s", path, exc.en)
        return StoreState(zones_frame([]), frozenset(), stamp, exc)
    return StoreState(zones, dismissed, stamp)


def unit_names(dataset: Dataset) -> dict[str, str]:
    """Return unit uid → name for the dataset's communes and villages (village names win on a clash)."""
    names: dict[str, str] = {}
    for layer in ("communes", "villages"):
        units = dataset.layer(layer)
        if units is not None and "name" in units:
            names |= dict(zip(units["uid"].astype(str), units["name"].astype(str), strict=True))
    return names


@st.cache_resource(show_spinner=False, max_entries=16)
def zones_map(
    folder: str,
    stamp: float,
    zones_stamp: tuple[int, int],
    lang: str,
    selected: str = "",
    plan_id: str = "",
    year: int = 0,
    draw: bool = True,
) -> folium.Map:
    """Return the drawing map: commune and village outlines, 4G coverage per operator, the BTS sites and the
    reference layers (:mod:`views.zones_context`), the zones not deleted coloured by status (the ``selected``
    zone id with a yellow halo), the suggestions of ``plan_id``/``year`` not yet dismissed or accepted as
    clickable shapes, unit and place names, the legend, a layer switcher and (``draw``) the drawing tools,
    with no CDN asset. Shared between sessions: render a deep copy."""
    fmap, bounds = territory_map(common.load_dataset(folder, stamp), lang=lang)
    assessment = common.assessment(folder, stamp)
    entries = add_context(fmap, assessment, bounds=bounds, lang=lang)
    state = read_store(folder)
    zones = state.zones.loc[~state.zones["deleted"]]
    picked = zones.loc[zones["zone_id"] == selected]
    if len(picked):  # a wide yellow halo under the chosen zone's own outline
        outline_layer(picked, name=t("zones_pick", lang), colour="#FFD400", weight=9.0).add_to(fmap)
    if len(zones):
        zones_layer(zones, lang=lang, name=t("layer_zones", lang)).add_to(fmap)
    if plan_id:
        found = suggestions(folder, stamp, plan_id, year)
        entries += add_suggestions(fmap, found.loc[~found["suggestion_id"].isin(state.dismissed)], lang=lang)
    add_names(fmap, assessment, bounds=bounds, lang=lang)
    legend(t("zones_legend", lang), zones_legend(lang=lang) + entries).add_to(fmap)
    folium.LayerControl(collapsed=True).add_to(fmap)
    if draw:
        draw_locale(lang=lang).add_to(fmap)
        draw_control().add_to(fmap)
    return strip_cdn(fmap)


@st.cache_resource(show_spinner=False, max_entries=64)
def evidence(folder: str, stamp: float, wkb: bytes, operators: str, plan_id: str, year: int) -> ZoneEvidence:
    """Return :func:`geo.zones.suggest.zone_evidence` for the shape ``wkb`` (cached per shape and choice)."""
    return zone_evidence(
        shapely.from_wkb(wkb),
        common.assessment(folder, stamp),
        plan=common.plans()[plan_id],
        year=year,
        operators=operators,
    )


@st.cache_resource(show_spinner=False, max_entries=16)
def suggestions(folder: str, stamp: float, plan_id: str, year: int) -> gpd.GeoDataFrame:
    """Return every suggested zone for the dataset, plan and year (the page leaves out dismissed ones)."""
    return suggest_zones(common.assessment(folder, stamp), plan=common.plans()[plan_id], year=year)


@st.cache_data(show_spinner=False, max_entries=32)
def export_bytes(folder: str, zones_stamp: tuple[int, int], suffix: str) -> bytes:
    """Return the bytes of every zone (deleted ones too) written as ``suffix`` (.geojson/.kml/.gpkg/.xlsx)."""
    zones = read_store(folder).zones
    with tempfile.TemporaryDirectory() as scratch:
        return export_zones(zones, Path(scratch) / f"vung_lom_song{suffix}").read_bytes()


def take_drawing(state: dict[str, Any] | None) -> None:
    """Copy the newest shape drawn on the map (``st_folium``'s ``last_active_drawing``) into
    ``st.session_state[DRAWING_KEY]``; a shape already taken is not taken again (st_folium repeats its last
    value on every rerun), and removing every drawing from the map clears it."""
    state = state or {}
    drawing = state.get("last_active_drawing")
    if state.get("all_drawings") == [] and st.session_state.get(_SEEN_KEY):
        clear_drawing()
        return
    if not drawing:
        return
    signature = json.dumps(drawing.get("geometry"), sort_keys=True)
    if signature != st.session_state.get(_SEEN_KEY):
        st.session_state[_SEEN_KEY] = signature
        st.session_state[DRAWING_KEY] = drawing


def drawn_shape() -> BaseGeometry | None:
    """Return the shape in ``st.session_state[DRAWING_KEY]`` (EPSG:4326), or ``None`` when there is none or
    it cannot be read."""
    feature = st.session_state.get(DRAWING_KEY)
    if not feature:
        return None
    try:
        return shape(feature["geometry"])
    except (KeyError, TypeError, ValueError, AttributeError):
        log.warning("unreadable drawing ignored: %.200s", feature)
        return None


def clear_drawing() -> None:
    """Forget the drawn shape (after it was saved, or removed from the map)."""
    st.session_state.pop(DRAWING_KEY, None)


def write(ctx: PageContext, action: Callable[[ZoneStore], Any], message: str | None) -> tuple[bool, Any]:
    """Run ``action`` on the dataset's zone store (opened, created on first use); return (done, result).

    On success ``message`` (if any) is queued for after the rerun; the map page's caches are keyed by the
    store file's stamp, so the zone shows there too. Bad input (:class:`DataError`) or a store fault
    (:class:`ZoneStoreError`: locked, corrupted) shows the reason and returns ``(False, None)``; nothing
    is written then.
    """
    start = time.perf_counter()
    try:
        with open_store(store_path(ctx.folder)) as store:
            result = action(store)
    except (DataError, ZoneStoreError) as exc:
        st.error(t("zones_write_error", ctx.lang, message=exc.text(ctx.lang)))
        for problem in getattr(exc, "problems", [])[1:]:
            st.error(problem.text(ctx.lang))
        return False, None
    log.info("zone store write took %.3f s", time.perf_counter() - start)
    if message:
        flash("success", message)
    return True, result


def flash(kind: str, text: str) -> None:
    """Queue a message (``kind`` = success/info/warning/error) for the next run of the page."""
    st.session_state.setdefault(FLASH_KEY, []).append((kind, text))


def show_flash() -> None:
    """Show and forget the queued messages."""
    for kind, text in st.session_state.pop(FLASH_KEY, []):
        getattr(st, kind)(text)


def md(text: object) -> str:
    """Return ``text`` with every Markdown and HTML special character backslash-escaped, so planner-written
    names and notes show exactly as typed (``<img ...>`` stays text)."""
    return _MD_SPECIAL.sub(r"\\\1", "" if text is None else str(text))


def _label(mapping: dict[str, tuple[str, str]], lang: str) -> Callable[[object], str]:
    index = 0 if lang == "vi" else 1
    return lambda value: mapping.get(str(value), (str(value), str(value)))[index]


def zone_rows(zones: gpd.GeoDataFrame, names: dict[str, str], lang: str) -> pd.DataFrame:
    """Return the zone table as shown: name, status, technology, operators, severity, households, village,
    commune, last update and who made it, deleted flag — labels in ``lang``, unknown units left blank."""
    yes, no = t("yes", lang), t("no", lang)
    columns = {
        "field_name": zones["name"],
        "field_status": zones["status"].map(_label(STATUS_LABELS, lang)),
        "field_technology": zones["technology"].str.replace("fixed", t("tech_fixed", lang)),
        "field_operators": zones["operators"],
        "field_severity": zones["severity"].map(_label(SEVERITY_LABELS, lang)),
        "field_households": zones["households"],
        "field_village": zones["village_uid"].map(names).fillna(""),
        "field_commune": zones["commune_uid"].map(names).fillna(""),
        "field_updated_at": zones["updated_at"].str.replace("T", " ").str[:16],
        "field_updated_by": zones["updated_by"],
        "field_deleted": zones["deleted"].map({True: yes, False: no}),
    }
    return pd.DataFrame({t(key, lang): values.to_numpy() for key, values in columns.items()})


def _field_label(field: str, lang: str) -> str:
    key = "field_" + {"village_uid": "village", "commune_uid": "commune"}.get(field, field)
    return t(key, lang) if key in STRINGS["vi"] else field


def history_rows(history: pd.DataFrame, names: dict[str, str], lang: str) -> pd.DataFrame:
    """Return a zone's history as shown, newest first: when, who, action, field, old and new value.

    A shape is summarised as its number of points, statuses and severities are labelled in ``lang``, unit
    uids become their ``names``; the bookkeeping fields the store sets itself (times, "updated by", and the
    deleted flag of a new zone) are left out.
    """
    bookkeeping = history["field"].isin(_BOOKKEEPING) | history["field"].eq("deleted") & history["action"].eq(
        "add"
    )
    history = history.loc[~bookkeeping]

    def value(field: str, text: object) -> str:
        if text is None:
            return ""
        if field == "geometry":
            return t("history_shape", lang, n=shapely.get_num_coordinates(shapely.from_wkt(str(text))))
        if field in ("village_uid", "commune_uid"):
            return names.get(str(text), str(text))
        if field == "deleted":
            return t("yes" if text == "true" else "no", lang)
        labels = {"status": STATUS_LABELS, "severity": SEVERITY_LABELS}.get(field)
        return _label(labels, lang)(text) if labels else str(text)

    def values(column: str) -> list[str]:
        return [value(f, v) for f, v in zip(history["field"], history[column], strict=True)]

    frame = pd.DataFrame(
        {
            t("col_at", lang): history["at"].str.replace("T", " ").str[:19],
            t("col_by", lang): history["changed_by"],
            t("col_action", lang): history["action"].map(lambda a: t(f"action_{a}", lang)),
            t("col_field", lang): history["field"].map(lambda f: _field_label(f, lang)),
            t("col_old", lang): values("old_value"),
            t("col_new", lang): values("new_value"),
        }
    )
    return frame.iloc[::-1].reset_index(drop=True)
