"""The weak-signal zones page ("Vùng lõm sóng"): draw a zone on the map, see where it lies and what the data
says about it, fill in its details and save it; below, the zones table (details, edits, status, delete and
restore, history), the suggestions from the data, and import/export.

Who saves goes into the history of every change: the signed-in user in a shared office (the page offers
only what their role may do), else the single planner's name typed in the sidebar, required before saving.
"""

from __future__ import annotations

import copy
import logging

import geopandas as gpd
import numpy as np
import shapely
import streamlit as st
from streamlit_folium import st_folium

from geo.auth.roles import APPROVAL_STATUSES, ROLE_LABELS, Action, Actor
from geo.errors import GeoError, errors_in
from geo.i18n import t
from geo.settings import OPERATORS
from geo.zones.record import (
    SEVERITIES,
    SEVERITY_LABELS,
    STATUS_LABELS,
    ZONE_STATUSES,
    ZONE_TECHNOLOGIES,
    Zone,
    validate_zones,
)
from views.common import choice_key, dataset_stamp, load_dataset, plans
from views.guard import guarded_page
from views.map_data import default_plan, default_year, plan_label
from views.signin import current_actor, shared_mode
from views.zones_data import (
    DRAWING_KEY,
    PageContext,
    clear_drawing,
    drawn_shape,
    evidence,
    md,
    read_store,
    show_flash,
    take_drawing,
    unit_names,
    write,
    zones_map,
)
from views.zones_extra import render_clicked_suggestion, render_suggestions, render_transfer
from views.zones_manage import PICK_KEY, render_zones

log = logging.getLogger(__name__)

_MAP_HEIGHT = 600
_USER_KEY = "zones_user"
_USER_KEEP = "zones_user_name"  # survives visits to other pages (widget keys are dropped there)
_NEW_FIELDS = ("name", "technology", "operators", "severity", "households", "reported_by", "note", "status")
#: Fields of the new-zone form whose option labels are translated: one widget per language
#: (:func:`views.common.choice_key`), so a language switch relabels them.
_TRANSLATED = ("technology", "operators", "severity", "status")


def _new_key(field: str, lang: str) -> str:
    """Session-state key of the new-zone form's ``field`` (per language for translated choices)."""
    return choice_key(f"new_{field}", lang) if field in _TRANSLATED else f"new_{field}"


def technology_label(value: str, lang: str) -> str:
    """Return how a technology is offered in the forms ("fixed" in words)."""
    return t("tech_fixed", lang) if value == "fixed" else value


def operator_label(value: str, lang: str) -> str:
    """Return how an operator is offered in the forms ("other" in words)."""
    return t("operator_other", lang) if value == "other" else value


def _user(lang: str) -> Actor:
    """Who saves: the signed-in user (shared office), else the single planner's name typed in the sidebar
    ("Người thực hiện", kept for the whole session)."""
    if shared_mode():
        return current_actor()
    if _USER_KEY not in st.session_state:
        st.session_state[_USER_KEY] = st.session_state.get(_USER_KEEP, "")
    name = st.sidebar.text_input(t("zones_user", lang), key=_USER_KEY, help=t("zones_user_help", lang))
    st.session_state[_USER_KEEP] = name
    return Actor.local(name)


def _role_label(ctx: PageContext) -> str:
    return ROLE_LABELS[ctx.user.role][0 if ctx.lang == "vi" else 1]


def _plan_choice(lang: str, province: str | None) -> tuple[str, int]:
    """Sidebar: the plan and year whose speed targets the evidence and suggestions use (the first plan of
    the dataset's ``province`` by default)."""
    all_plans = plans()
    if st.session_state.get("zones_plan") not in all_plans:
        st.session_state["zones_plan"] = default_plan(all_plans, province)
    plan_id = st.sidebar.selectbox(
        t("plan", lang), list(all_plans), format_func=lambda p: plan_label(all_plans[p]), key="zones_plan"
    )
    years = all_plans[plan_id].target_years()
    if st.session_state.get("zones_year") not in years:
        st.session_state["zones_year"] = default_year(all_plans[plan_id])
    return plan_id, int(st.sidebar.selectbox(t("year", lang), years, key="zones_year"))


def _evidence_panel(ctx: PageContext, geom, operators: list[str]):
    """Place, evidence and proposed status of the drawn shape; returns the evidence."""
    found = evidence(ctx.folder, ctx.stamp, shapely.to_wkb(geom), ";".join(operators), ctx.plan_id, ctx.year)
    lang = ctx.lang
    st.markdown(f"**{t('zones_evidence', lang)}**")
    first, second, third = st.columns(3)
    first.metric(t("zones_ev_tests", lang), found.n_tests)
    median = "–" if np.isnan(found.median_mbps) else f"{found.median_mbps:.1f}"
    second.metric(t("zones_ev_median", lang), median)
    below = "–" if np.isnan(found.share_below_target) else f"{found.share_below_target:.0%}"
    target = "–" if np.isnan(found.target_mbps) else f"{found.target_mbps:g}"
    third.metric(t("zones_ev_below", lang, target=target), below)
    households = "–" if np.isnan(found.households) else f"{found.households:.0f}"
    st.metric(t("zones_ev_households", lang), households)
    if found.coverage:
        shares = {
            (t("zones_any_operator", lang) if op == "any" else operator_label(op, lang)): f"{share:.0%}"
            for op, share in found.coverage.items()
        }
        st.caption(t("zones_ev_coverage", lang))
        st.dataframe([shares], hide_index=True)
    else:
        st.caption(t("zones_ev_no_sites", lang))
    status = STATUS_LABELS[found.proposed_status][0 if lang == "vi" else 1]
    reasons = found.reasons_vi if lang == "vi" else found.reasons_en
    st.info(
        t("zones_ev_proposed", lang, status=status)
        + "\n\n"
        + ("\n\n".join(reasons) if reasons else t("zones_ev_reason_none", lang))
    )
    return found


def _checked(ctx: PageContext, geom) -> gpd.GeoDataFrame | None:
    """Run the zone checks on the drawn shape; show every finding in plain words; return the usable zone row
    (repaired shape, village and commune found by containment) or ``None`` when it cannot be saved."""
    lang = ctx.lang
    frame = gpd.GeoDataFrame({"name": ["-"]}, geometry=[geom], crs="EPSG:4326")
    existing = ctx.state.zones
    valid, problems = validate_zones(frame, file=t("zones_new", lang), dataset=ctx.dataset, existing=existing)
    st.markdown(f"**{t('zones_checks', lang)}**")
    for problem in problems:
        message = problem.message_vi if lang == "vi" else problem.message_en
        fix = problem.fix_vi if lang == "vi" else problem.fix_en
        (st.error if problem.severity == "error" else st.warning)(f"{message} {fix}".strip())
    if errors_in(problems) or valid.empty:
        st.error(t("zones_refused", lang))
        return None
    if not problems:
        st.success(t("zones_checks_ok", lang))
    return valid


def _prefill(signature: str, found, operators_key: str, lang: str) -> None:
    """When a new shape arrives, or the proposal changes, put the evidence's numbers into the form."""
    if st.session_state.get("new_for") != signature:
        st.session_state["new_for"] = signature
        if not np.isnan(found.households):
            st.session_state["new_households"] = round(found.households)
    if st.session_state.get("new_proposed") != (signature, found.proposed_status, operators_key):
        st.session_state["new_proposed"] = (signature, found.proposed_status, operators_key)
        st.session_state[_new_key("status", lang)] = found.proposed_status


def _new_zone(ctx: PageContext) -> None:
    """The right-hand panel: what to do, or the drawn zone's checks, evidence and form."""
    lang = ctx.lang
    if not ctx.may(Action.EDIT_ZONES):
        st.info(t("role_view_only", lang, role=_role_label(ctx)))
        return
    geom = drawn_shape()
    if geom is None:
        st.info(t("zones_draw_help", lang))
        return
    st.subheader(t("zones_new", lang))
    valid = _checked(ctx, geom)
    if valid is None:
        return
    row = valid.iloc[0]
    geom = row.geometry
    village = ctx.names.get(row["village_uid"], "")
    commune = ctx.names.get(row["commune_uid"], "")
    place = " — ".join(p for p in (village, commune) if p) or t("zones_place_none", lang)
    st.markdown(md(t("zones_place", lang, place=place)))
    keys = {field: _new_key(field, lang) for field in _TRANSLATED}
    operators = list(st.session_state.get(keys["operators"], []))
    found = _evidence_panel(ctx, geom, operators)
    _prefill(shapely.to_wkb(geom, hex=True)[-32:], found, ";".join(operators), lang)
    st.text_input(t("field_name", lang), key="new_name")
    if keys["technology"] not in st.session_state:
        st.session_state[keys["technology"]] = ["4G"]
    st.multiselect(
        t("field_technology", lang),
        ZONE_TECHNOLOGIES,
        key=keys["technology"],
        format_func=lambda v: technology_label(v, lang),
    )
    st.multiselect(
        t("field_operators", lang),
        OPERATORS,
        key=keys["operators"],
        format_func=lambda v: operator_label(v, lang),
    )
    index = 0 if lang == "vi" else 1
    if keys["severity"] not in st.session_state:
        st.session_state[keys["severity"]] = "medium"
    st.selectbox(
        t("field_severity", lang),
        SEVERITIES,
        key=keys["severity"],
        format_func=lambda v: SEVERITY_LABELS[v][index],
    )
    st.number_input(t("field_households", lang), min_value=0, step=1, key="new_households")
    if not st.session_state.get("new_reported_by"):
        st.session_state["new_reported_by"] = ctx.user.label
    st.text_input(t("field_reported_by", lang), key="new_reported_by")
    st.text_area(t("field_note", lang), key="new_note")
    statuses = [s for s in ZONE_STATUSES if ctx.may(Action.APPROVE_ZONES) or s not in APPROVAL_STATUSES]
    if st.session_state.get(keys["status"]) not in statuses:
        st.session_state[keys["status"]] = statuses[0]
    st.selectbox(
        t("field_status", lang),
        statuses,
        key=keys["status"],
        format_func=lambda v: STATUS_LABELS[v][index],
        help=None if ctx.may(Action.APPROVE_ZONES) else t("role_no_approve", lang),
    )
    name = st.session_state.get("new_name", "").strip()
    if not ctx.user.username:
        st.warning(t("zones_need_user", lang))
    if st.button(t("zones_save", lang), key="new_save", type="primary", disabled=not (ctx.writable and name)):
        _save_new(ctx, row, name)


def _save_new(ctx: PageContext, row, name: str) -> None:
    """Save the drawn zone with the form's values; on success clear the drawing and the form."""
    state, lang = st.session_state, ctx.lang
    households = state.get("new_households")
    zone = Zone(
        name=state["new_name"],
        geometry=row.geometry,
        technology=";".join(state.get(_new_key("technology", lang)) or ["4G"]),
        operators=";".join(state.get(_new_key("operators", lang)) or []),
        severity=state[_new_key("severity", lang)],
        households=None if households is None else int(households),
        reported_by=state.get("new_reported_by", ""),
        note=state.get("new_note", ""),
        status=state[_new_key("status", lang)],
        village_uid=row["village_uid"],
        commune_uid=row["commune_uid"],
    )
    done, zone_id = write(
        ctx, lambda store: store.add(zone, user=ctx.user), t("zones_saved", ctx.lang, name=name)
    )
    if not done:
        return
    clear_drawing()
    for field in _NEW_FIELDS:
        state.pop(_new_key(field, lang), None)
    state[PICK_KEY] = zone_id
    st.rerun()


def render() -> None:
    """Draw the zones page for the dataset chosen in the sidebar (``st.session_state["dataset"]``)."""
    lang = st.session_state.get("lang", "vi")
    folder = st.session_state["dataset"]
    user = _user(lang)
    stamp = dataset_stamp(folder)
    try:
        dataset = load_dataset(folder, stamp)
    except GeoError as exc:
        st.error(t("error_dataset", lang, message=exc.text(lang)))
        return
    plan_id, year = _plan_choice(lang, dataset.province)
    st.title(f"{t('zones_title', lang)} — {dataset.name}")
    state = read_store(folder)
    if state.error is not None:
        st.error(t("zones_store_error", lang, message=state.error.text(lang)))
    show_flash()
    ctx = PageContext(
        lang, folder, stamp, dataset, plan_id, plans()[plan_id], year, user, state, unit_names(dataset)
    )
    map_column, form_column = st.columns([3, 2])
    with map_column:
        picked = st.session_state.get(PICK_KEY) or ""
        fmap = copy.deepcopy(
            zones_map(folder, stamp, state.stamp, lang, picked, plan_id, year, ctx.may(Action.EDIT_ZONES))
        )
        drawn = st_folium(
            fmap,
            key="zones_map",
            height=_MAP_HEIGHT,
            use_container_width=True,
            returned_objects=["last_active_drawing", "all_drawings", "last_object_clicked"],
        )
        take_drawing(drawn)
    with form_column:
        if state.error is None:
            render_clicked_suggestion(ctx, (drawn or {}).get("last_object_clicked"))
        _new_zone(ctx)
    if state.error is not None:
        return
    listing, suggested, transfer = st.tabs(
        [t("zones_list", lang), t("zones_suggestions", lang), t("zones_transfer", lang)]
    )
    with listing:
        render_zones(ctx, has_drawing=DRAWING_KEY in st.session_state)
    with suggested:
        render_suggestions(ctx)
    with transfer:
        render_transfer(ctx)


guarded_page(render, "zones")
