"""The planner's map page: choices in the sidebar, the map with its legend, the clicked unit's indicators,
the territory summary and the table of units missing targets (select a row to zoom to it)."""

from __future__ import annotations

import logging

import pandas as pd
import streamlit as st

from geo.compute.catalogue import INDICATORS
from geo.compute.source_text import SOURCE_CHOICES, source_name
from geo.errors import GeoError, errors_in
from geo.i18n import t
from geo.model import TERRITORY
from geo.palette import status_label
from geo.plans.cells import round_figures, write_csv, write_xlsx
from geo.vocab import Level, Overlay, Status
from views.common import (
    choice_key,
    dataset_stamp,
    evaluation,
    geometries,
    load_dataset,
    plans,
    zones_stamp,
)
from views.guard import guarded_page
from views.map_build import DEFAULT_LAYERS, LAYER_KEYS, LAYER_LABELS, MapRequest
from views.map_cache import show_map
from views.map_data import (
    ALL_TARGETS,
    LEVEL_LABEL_KEYS,
    available_levels,
    default_plan,
    default_year,
    missing_table,
    parent_level,
    plan_label,
    territory_summary,
    unit_at,
    view_for,
)
from views.map_export import export_panel
from views.map_profile import profile_panel

log = logging.getLogger(__name__)


def _choices(lang: str, dataset, folder: str, stamp: float) -> MapRequest | None:
    """Sidebar: plan, year, level, area, indicator, colouring and layers; ``None`` when there is no plan."""
    side = st.sidebar
    all_plans = plans()
    if not all_plans:
        st.warning(t("no_plan", lang))
        return None
    if st.session_state.get("plan") not in all_plans:
        st.session_state["plan"] = default_plan(all_plans, dataset.province)
    plan_id = side.selectbox(
        t("plan", lang), list(all_plans), format_func=lambda p: plan_label(all_plans[p]), key="plan"
    )
    plan = all_plans[plan_id]
    years = plan.target_years()
    if st.session_state.get("year") not in years:
        st.session_state["year"] = default_year(plan)
    year = side.selectbox(t("year", lang), years, key="year")
    levels = available_levels(dataset)
    key = choice_key("level", lang)
    if st.session_state.get(key) not in levels:
        st.session_state[key] = Level.COMMUNE if Level.COMMUNE in levels else levels[-1]
    level = side.selectbox(
        t("level", lang), levels, format_func=lambda v: t(LEVEL_LABEL_KEYS[v], lang), key=key
    )
    area = _area_choice(lang, dataset, folder, stamp, level)
    source = _source_choice(lang, dataset)
    rows = evaluation(folder, stamp, plan_id, year, level, source)
    labels = {ALL_TARGETS: t("all_targets", lang)}
    labels |= {i: INDICATORS[i].label(lang) for i in pd.unique(rows["indicator"])}
    key = choice_key("indicator", lang)
    if st.session_state.get(key) not in labels:
        st.session_state[key] = ALL_TARGETS
    indicator = side.selectbox(t("indicator", lang), list(labels), format_func=labels.get, key=key)
    colour_by = side.radio(
        t("colour_by", lang),
        ("status", "value"),
        format_func=lambda v: t(f"colour_{v}", lang),
        key=choice_key("colour_by", lang),
        horizontal=True,
        disabled=indicator == ALL_TARGETS,
    )
    side.markdown(f"**{t('layers', lang)}**")
    layers = tuple(
        key
        for key in LAYER_KEYS
        if side.checkbox(t(LAYER_LABELS[key], lang), value=key in DEFAULT_LAYERS, key=LAYER_LABELS[key])
    )
    per_operator = side.checkbox(
        t("per_operator", lang),
        key="per_operator",
        disabled=not {Overlay.COVERAGE_4G, Overlay.COVERAGE_5G} & set(layers),
    )
    basemap = side.checkbox(t("basemap", lang), key="basemap")
    return MapRequest(
        folder=folder,
        plan_id=plan_id,
        year=int(year),
        level=level,
        indicator=indicator,
        colour_by=colour_by,
        layers=layers,
        per_operator=per_operator,
        area=area,
        lang=lang,
        basemap=basemap,
        source=source,
    )


def _source_choice(lang: str, dataset) -> str:
    """Source of coverage: automatic, operators' maps (when given), the model, speed tests (when given)."""
    offered = [
        s
        for s in SOURCE_CHOICES
        if (s != "reported" or "operator_coverage" in dataset.layers)
        and (s != "measured" or "speed_tests" in dataset.layers)
    ]
    key = choice_key("coverage_source", lang)
    if st.session_state.get(key) not in offered:
        own = dataset.settings.coverage.source
        st.session_state[key] = own if own in offered else offered[0]
    return st.sidebar.selectbox(
        t("coverage_source", lang),
        offered,
        format_func=lambda s: source_name(s, lang),
        key=key,
        help=t("coverage_source_help", lang, n=dataset.settings.coverage.measured_min_tests),
    )


def _area_choice(lang: str, dataset, folder: str, stamp: float, level: str) -> str | None:
    """Drill-down: the unit one level up whose units are drawn at full detail (``None`` = everything)."""
    parent = parent_level(dataset, level) if level != TERRITORY else None
    if parent is None:
        return None
    units = geometries(folder, stamp, parent).sort_values("name")
    options = ["", *units["uid"].astype(str)]  # "" = everything
    names = dict(zip(units["uid"].astype(str), units["name"], strict=True)) | {"": t("area_all", lang)}
    key = choice_key(f"area_{parent}", lang)  # one choice per parent level: a commune uid means nothing above
    if st.session_state.get(key) not in options:
        st.session_state[key] = ""
    return (
        st.sidebar.selectbox(t("area", lang), options, format_func=lambda u: names.get(u, u), key=key) or None
    )


def _summary(lang: str, folder: str, stamp: float, request: MapRequest) -> None:
    rows = evaluation(folder, stamp, request.plan_id, request.year, TERRITORY, request.source)
    counts = territory_summary(rows)
    st.subheader(t("summary_title", lang))
    st.markdown(f"**{t('summary_met', lang, met=counts['met'], total=counts['total'])}**")
    first, second, third = st.columns(3)
    first.metric(status_label(Status.MET, lang), counts[Status.MET])
    second.metric(status_label(Status.MISSED, lang), counts[Status.MISSED])
    third.metric(status_label(Status.NO_DATA, lang), counts[Status.NO_DATA])


def _table_frame(table: pd.DataFrame, lang: str) -> pd.DataFrame:
    names = {
        "name": t("col_name", lang),
        "code": t("col_code", lang),
        "label": t("col_indicator", lang),
        "value": t("col_value", lang),
        "unit": t("col_unit", lang),
        "target_text": t("col_target", lang),
        "gap": t("col_gap", lang),
        "closing": t("col_closing", lang),
    }
    return table[list(names)].rename(columns=names)


def _missing(lang: str, table: pd.DataFrame) -> None:
    st.subheader(t("missing_title", lang))
    if table.empty:
        st.success(t("missing_none", lang))
        return
    frame = _table_frame(round_figures(table), lang)
    st.caption(t("missing_help", lang))
    st.dataframe(frame, hide_index=True, on_select="rerun", selection_mode="single-row", key="missing")
    left, right = st.columns(2)
    left.download_button(  # files made when clicked, not on every rerun
        t("download_csv", lang),
        lambda: write_csv(frame),
        "don_vi_chua_dat.csv",
        "text/csv",
    )
    right.download_button(
        t("download_xlsx", lang),
        lambda: write_xlsx({"don_vi_chua_dat": frame}),
        "don_vi_chua_dat.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def _unit_panel(lang: str, rows: pd.DataFrame, uid: str | None) -> None:
    st.subheader(t("unit_panel", lang))
    mine = rows[rows["uid"].astype(str) == uid] if uid else rows.iloc[:0]
    if mine.empty:
        st.caption(t("unit_panel_help", lang))
        return
    st.markdown(f"**{mine['name'].iloc[0]}**")
    label = "label_vi" if lang == "vi" else "label_en"
    frame = pd.DataFrame(
        {
            t("col_status", lang): mine["status"].map(lambda s: status_label(s, lang)),
            t("col_value", lang): mine["value"].astype(float).round(2),
            t("col_target", lang): mine["target_text"],
            t("col_indicator", lang): mine[label],
        }
    )
    st.dataframe(frame, hide_index=True)


def _selected_uid(table: pd.DataFrame) -> str | None:
    """The uid of the row selected in the missing-targets table (from the last rerun), if any."""
    selection = st.session_state.get("missing")
    rows = selection.selection.rows if selection else []
    return str(table["uid"].iloc[rows[0]]) if rows and rows[0] < len(table) else None


def render() -> None:
    """Draw the map page for the dataset chosen in the sidebar (``st.session_state["dataset"]``)."""
    lang = st.session_state.get("lang", "vi")
    folder = st.session_state["dataset"]
    stamp = dataset_stamp(folder)
    try:
        dataset = load_dataset(folder, stamp)
    except GeoError as exc:
        st.error(t("error_dataset", lang, message=exc.text(lang)))
        return
    st.title(f"{t('app_title', lang)} — {dataset.name}")
    errors = errors_in(dataset.problems)
    if dataset.problems:
        warnings = len(dataset.problems) - len(errors)
        with st.expander(t("problems_count", lang, errors=len(errors), warnings=warnings)):
            st.markdown("\n".join(f"- {p.text(lang)}" for p in dataset.problems))
    if not dataset.unit_levels():
        st.error(t("no_units", lang))
        return
    try:
        _body(lang, dataset, folder, stamp)
    except Exception as exc:  # a failing computation shows a message, never a traceback, to a planner
        log.exception("map page failed")
        st.error(t("error_dataset", lang, message=f"{type(exc).__name__}: {exc}"))


def _body(lang: str, dataset, folder: str, stamp: float) -> None:
    """Sidebar choices, map, unit panel, summary and the missing-targets table."""
    request = _choices(lang, dataset, folder, stamp)
    if request is None:
        return
    rows = evaluation(folder, stamp, request.plan_id, request.year, request.level, request.source)
    table = missing_table(rows, request.indicator, lang=lang)
    geoms = geometries(folder, stamp, request.level)
    zoom_uid = _selected_uid(table)
    center, zoom = None, None
    if zoom_uid is not None:
        center, zoom = view_for(tuple(geoms[geoms["uid"].astype(str) == zoom_uid].total_bounds))
    map_column, side_column = st.columns([3, 2])
    with map_column:
        # st_folium's rendering is done once per request and shared (views/map_cache.py)
        state = show_map(request, stamp, zones_stamp(folder), center=center, zoom=zoom)
    clicked = (state or {}).get("last_object_clicked")
    uid = unit_at(geoms, clicked["lng"], clicked["lat"]) if clicked else zoom_uid
    with side_column:
        _unit_panel(lang, rows, uid)
        if clicked:
            profile_panel(lang, folder, stamp, clicked["lng"], clicked["lat"])
        _summary(lang, folder, stamp, request)
    _missing(lang, table)
    export_panel(lang, dataset, rows, request, stamp)


guarded_page(render, "map")
