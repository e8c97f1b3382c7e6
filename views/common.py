"""Shared by both pages: offline assets, language and dataset choice, and the cached loaders.

Loaders are keyed by plain values (folder, a stamp of its manifest, plan id, year, level), never by
a GeoDataFrame; datasets, their assessments (:class:`geo.plans.assessment.Assessment`, which keeps the
evaluations, geometries and coverage areas) and built maps are kept with ``st.cache_resource``
(read-only, not pickled).
"""

from __future__ import annotations

import importlib
import logging
import shutil
from pathlib import Path

import geopandas as gpd
import pandas as pd
import streamlit as st

from geo.cache import Prepared, open_prepared, save_prepared
from geo.errors import GeoError, ZoneStoreError
from geo.i18n import LANGUAGES, t
from geo.io.manifest import MANIFEST_NAME
from geo.io.upload import app_home, saved_datasets
from geo.model import Dataset
from geo.plans.assessment import Assessment
from geo.plans.targets import Plan, load_plans
from geo.settings import DEMO_DIR
from geo.zones import dataset_store, open_store, store_stamp
from layers.offline import STATIC_FILES
from views.map_build import MapRequest, MapSources, build_map

__all__ = [
    "install_static",
    "language",
    "choice_key",
    "dataset_choice",
    "dataset_stamp",
    "prepared",
    "load_dataset",
    "save_pieces",
    "last_dataset",
    "plans",
    "assessment",
    "evaluation",
    "geometries",
    "map_sources",
    "cached_map",
    "zones_stamp",
]

log = logging.getLogger(__name__)


def install_static(root: Path) -> None:
    """Copy Leaflet's files from the installed ``xstatic-leaflet`` package into ``root/static`` (served as
    ``/app/static``) unless an identical-size copy is already there."""
    for (package, source), target in STATIC_FILES.items():
        src = Path(importlib.import_module(package).BASE_DIR) / source
        dst = root / "static" / target
        if not dst.exists() or dst.stat().st_size != src.stat().st_size:
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, dst)


def language() -> str:
    """Show the language switch (Tiếng Việt first) and return ``"vi"`` or ``"en"``."""
    names = {"vi": "Tiếng Việt", "en": "English"}
    return st.sidebar.radio(
        "Ngôn ngữ / Language", LANGUAGES, format_func=names.get, key="lang", horizontal=True
    )


def dataset_stamp(folder: str) -> float:
    """Return a stamp that changes when the dataset is saved again (manifest or folder modification time)."""
    path = Path(folder)
    manifest = path / MANIFEST_NAME
    return (manifest if manifest.exists() else path).stat().st_mtime


def choice_key(name: str, lang: str) -> str:
    """Return the widget key of a choice whose option labels are translated (``"level.vi"``).

    Streamlit identifies a keyed widget by its key alone and keeps showing the chosen option's label in
    the old language, so each language gets its own widget; when the language changes, the choice made
    in the other language's widget is carried over."""
    key = f"{name}.{lang}"
    for other in (f"{name}.{code}" for code in LANGUAGES if code != lang):
        if other in st.session_state:
            st.session_state[key] = st.session_state.pop(other)
    return key


def dataset_choice(lang: str) -> str:
    """Show the dataset select box (the demo, then saved datasets) and return the chosen folder.

    The choice is also kept language-independent in ``st.session_state["dataset"]`` for the pages; a
    dataset just saved on the upload page (``"saved_dataset"``) is chosen at once."""
    options = {str(DEMO_DIR): t("dataset_demo", lang)} | {
        str(p): name for name, p in saved_datasets().items()
    }
    key = choice_key("dataset", lang)
    if "saved_dataset" in st.session_state:
        st.session_state[key] = st.session_state.pop("saved_dataset")
    if st.session_state.get(key) not in options:
        st.session_state[key] = str(DEMO_DIR)
    choice = st.sidebar.selectbox(t("dataset", lang), list(options), format_func=options.get, key=key)
    st.session_state["dataset"] = choice
    _remember(choice)
    return choice


_LAST_DATASET = "last_dataset.txt"


def _remember(folder: str) -> None:
    """Note ``folder`` as the last dataset chosen, for the next warm-up (:mod:`views.warmup`)."""
    path = app_home() / _LAST_DATASET
    try:
        if not path.is_file() or path.read_text(encoding="utf-8") != folder:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(folder, encoding="utf-8")
    except OSError as exc:
        log.info("last dataset not noted: %s", exc)


def last_dataset() -> str | None:
    """The folder chosen last on any page (``None`` when none was, or it is gone)."""
    path = app_home() / _LAST_DATASET
    try:
        folder = path.read_text(encoding="utf-8").strip() if path.is_file() else ""
    except OSError:
        return None
    return folder if folder and Path(folder).is_dir() else None


@st.cache_resource(show_spinner=False, max_entries=4)
def prepared(folder: str, stamp: float) -> Prepared:
    """The dataset in ``folder`` and its assessment, through the prepared cache (:mod:`geo.cache`): read
    once per dataset version (``stamp`` from :func:`dataset_stamp`), from the cache when its files did not
    change, and shared by every session and page."""
    return open_prepared(folder)


def load_dataset(folder: str, stamp: float) -> Dataset:
    """The dataset in ``folder`` (:func:`prepared`)."""
    return prepared(folder, stamp).dataset


def save_pieces(folder: str, stamp: float) -> None:
    """Add the assessment pieces built so far to the prepared cache, so the next server start has them."""
    save_prepared(prepared(folder, stamp))


@st.cache_resource(show_spinner=False)
def plans() -> dict[str, Plan]:
    """Return the plans in ``data/plans`` by id."""
    return load_plans()


def assessment(folder: str, stamp: float) -> Assessment:
    """The dataset's :class:`geo.plans.assessment.Assessment`, one per dataset version (folder and
    :func:`dataset_stamp`), shared by every session and page: hierarchy, indicators, evaluations,
    polygons and coverage are each computed once in it (:func:`prepared`)."""
    return prepared(folder, stamp).assessment


def evaluation(
    folder: str, stamp: float, plan_id: str, year: int, level: str, source: str | None = None
) -> pd.DataFrame:
    """Return the dataset's evaluation for the plan, year and level (:meth:`Assessment.evaluate`) with
    coverage from ``source`` (:meth:`Assessment.with_source`; None = the dataset's setting); the
    pieces it built are added to the prepared cache (once)."""
    table = assessment(folder, stamp).with_source(source).evaluate(plans()[plan_id], year, level=level)
    save_pieces(folder, stamp)
    return table


def geometries(folder: str, stamp: float, level: str) -> gpd.GeoDataFrame:
    """Return the dataset's unit polygons at ``level`` (:meth:`Assessment.geometries`)."""
    return assessment(folder, stamp).geometries(level)


def zones_stamp(folder: str) -> tuple[int, int]:
    """The dataset's zone store's :meth:`ZoneStore.stamp` (:func:`geo.zones.store.store_stamp`): it changes
    with every save, (0, 0) when there is no store, (-1, -1) when a shared one cannot be reached. Caches of
    zones and of maps showing them are keyed by it, so a saved zone shows at once."""
    return store_stamp(dataset_store(folder))


@st.cache_resource(show_spinner=False, max_entries=8)
def _zones(folder: str, zones_at: tuple[int, int]) -> gpd.GeoDataFrame | None:
    if zones_at == (0, 0):
        return None
    try:
        store = open_store(dataset_store(folder))
        try:
            return store.list()
        finally:
            store.close()
    except (ZoneStoreError, GeoError) as exc:
        log.warning("weak-signal zones not shown: %s", exc)
        return None


def map_sources(folder: str, stamp: float, plan_id: str, year: int, source: str | None = None) -> MapSources:
    """Return the cached inputs :func:`views.map_build.build_map` asks for, with coverage from ``source``."""
    return MapSources(
        evaluation=lambda level: evaluation(folder, stamp, plan_id, year, level, source),
        geometries=lambda level: geometries(folder, stamp, level),
        coverage=lambda tech, per_operator: (
            assessment(folder, stamp).with_source(source).coverage(tech, per_operator=per_operator)
        ),
        zones=lambda: _zones(folder, zones_stamp(folder)),
        assessment=lambda: assessment(folder, stamp).with_source(source),
    )


@st.cache_resource(show_spinner=False, max_entries=32)
def cached_map(request: MapRequest, stamp: float, zones_at: tuple[int, int]):
    """Return the folium map for ``request`` (one per dataset, plan, year, level, indicator, layers, ...);
    ``zones_at`` (:func:`zones_stamp`) makes a saved weak-signal zone appear.

    Shared by every session: never render it directly, render a ``copy.deepcopy`` of it."""
    sources = map_sources(request.folder, stamp, request.plan_id, request.year, request.source)
    return build_map(
        request, dataset=load_dataset(request.folder, stamp), plan=plans()[request.plan_id], sources=sources
    )
