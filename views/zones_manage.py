"""The zones table of the weak-signal zones page and the chosen zone's panel: details, edit, replace the
shape with a new drawing, change status, delete (soft) or restore, and its history."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from geo.auth.roles import APPROVAL_STATUSES, Action, zone_change_actions
from geo.i18n import t
from geo.settings import OPERATORS
from geo.zones import open_store
from geo.zones.record import (
    SEVERITIES,
    SEVERITY_LABELS,
    STATUS_LABELS,
    TRANSITIONS,
    ZONE_STATUSES,
    ZONE_TECHNOLOGIES,
)
from views.common import choice_key
from views.zones_data import (
    PageContext,
    clear_drawing,
    drawn_shape,
    history_rows,
    md,
    store_path,
    write,
    zone_rows,
)

__all__ = ["PICK_KEY", "render_zones"]

#: Session-state key of the zone shown in the panel (its zone_id; "" = none).
PICK_KEY = "zones_pick"
_TABLE_KEY = "zones_table"
_TABLE_PICK = "zones_table_pick"  # the table row picked last, so a new pick in the select box wins
_EDIT_FIELDS = ("name", "technology", "operators", "severity", "households", "reported_by", "note")


def _pick(ctx: PageContext, shown: pd.DataFrame) -> str:
    """The table (one selectable row) and the select box; return the chosen zone id or ""."""
    lang = ctx.lang
    ids = shown["zone_id"].tolist()
    st.dataframe(
        zone_rows(shown, ctx.names, lang),
        hide_index=True,
        on_select="rerun",
        selection_mode="single-row",
        key=_TABLE_KEY,
    )
    selection = st.session_state.get(_TABLE_KEY)
    rows = selection.selection.rows if selection else []
    from_table = ids[rows[0]] if rows and rows[0] < len(ids) else ""
    if from_table and from_table != st.session_state.get(_TABLE_PICK):
        st.session_state[PICK_KEY] = from_table
        st.session_state[_TABLE_PICK] = from_table
        st.rerun()  # the map above highlights the chosen zone
    st.session_state[_TABLE_PICK] = from_table
    names = dict(zip(ctx.state.zones["zone_id"], ctx.state.zones["name"], strict=True))
    options = ["", *ids]
    if st.session_state.get(PICK_KEY) not in options:
        st.session_state[PICK_KEY] = ""
    return st.selectbox(
        t("zones_pick", lang),
        options,
        key=PICK_KEY,
        format_func=lambda z: names.get(z, "") if z else t("zones_pick_none", lang),
        help=t("zones_pick_help", lang),
    )


def _details(ctx: PageContext, zone: pd.Series) -> None:
    """Every attribute of the zone as a two-column table (values shown as plain text, never as HTML)."""
    lang = ctx.lang
    table = zone_rows(zone.to_frame().T, ctx.names, lang).iloc[0]
    extra = {
        t("field_reported_by", lang): zone["reported_by"],
        t("field_note", lang): zone["note"],
        t("field_created_at", lang): str(zone["created_at"]).replace("T", " ")[:16],
        t("field_zone_id", lang): zone["zone_id"],
    }
    values = pd.concat([table, pd.Series(extra)]).astype(object)
    text = values.where(values.notna(), "").astype(str).to_numpy()
    frame = pd.DataFrame({t("col_field", lang): values.index, t("col_value", lang): text})
    st.dataframe(frame, hide_index=True, height=35 * (len(frame) + 1) + 3)


def _load_form(zone: pd.Series, lang: str) -> None:
    """Put the zone's values into the edit form when another zone (or a newer version) is shown."""
    version = (zone["zone_id"], zone["updated_at"])
    if st.session_state.get("edit_for") == version:
        return
    st.session_state["edit_for"] = version
    state = st.session_state
    state["edit_name"], state["edit_reported_by"], state["edit_note"] = (
        zone["name"],
        zone["reported_by"],
        zone["note"],
    )
    state["edit_technology"] = [v for v in str(zone["technology"]).split(";") if v in ZONE_TECHNOLOGIES]
    state["edit_operators"] = [v for v in str(zone["operators"]).split(";") if v in OPERATORS]
    # choice_key drops the other language's widget value first, so the loaded value wins
    state[choice_key("edit_severity", lang)] = (
        zone["severity"] if zone["severity"] in SEVERITIES else "medium"
    )
    state["edit_households"] = None if pd.isna(zone["households"]) else int(zone["households"])


def _edit(ctx: PageContext, zone: pd.Series) -> None:
    """The edit form; saving writes only the fields that changed (each one logged in the history)."""
    lang, index = ctx.lang, 0 if ctx.lang == "vi" else 1
    if not ctx.may(Action.EDIT_ZONES):
        return
    _load_form(zone, lang)
    with st.form("zones_edit"):
        st.markdown(f"**{t('zones_edit', lang)}**")
        st.text_input(t("field_name", lang), key="edit_name")
        st.multiselect(t("field_technology", lang), ZONE_TECHNOLOGIES, key="edit_technology")
        st.multiselect(t("field_operators", lang), OPERATORS, key="edit_operators")
        st.selectbox(
            t("field_severity", lang),
            SEVERITIES,
            key=choice_key("edit_severity", lang),
            format_func=lambda v: SEVERITY_LABELS[v][index],
        )
        st.number_input(t("field_households", lang), min_value=0, step=1, key="edit_households")
        st.text_input(t("field_reported_by", lang), key="edit_reported_by")
        st.text_area(t("field_note", lang), key="edit_note")
        submitted = st.form_submit_button(t("zones_update", lang), disabled=not ctx.writable)
    if not submitted:
        return
    state = st.session_state
    households = state["edit_households"]
    changes = {
        "name": state["edit_name"],
        "technology": ";".join(state["edit_technology"]) or "4G",
        "operators": ";".join(state["edit_operators"]),
        "severity": state[choice_key("edit_severity", lang)],
        "households": None if households is None else int(households),
        "reported_by": state["edit_reported_by"],
        "note": state["edit_note"],
    }
    current = {f: zone[f] for f in _EDIT_FIELDS}
    current["households"] = None if pd.isna(current["households"]) else int(current["households"])
    if changes == current:
        st.info(t("zones_unchanged", lang))
        return
    message = t("zones_updated", lang, name=changes["name"])
    if write(ctx, lambda store: store.update(zone["zone_id"], changes, user=ctx.user), message)[0]:
        st.rerun()


def _actions(ctx: PageContext, zone: pd.Series, has_drawing: bool) -> None:
    """Replace the shape, change status, delete or restore: only what the user's role may do is offered."""
    lang, index = ctx.lang, 0 if ctx.lang == "vi" else 1
    zone_id, name = zone["zone_id"], zone["name"]
    message = t("zones_updated", lang, name=name)
    if zone["deleted"]:
        st.warning(t("zones_deleted_note", lang))
    if not ctx.may(Action.EDIT_ZONES):
        return
    removable = ctx.may(Action.APPROVE_ZONES) or zone["status"] not in APPROVAL_STATUSES
    if zone["deleted"]:
        if not removable:
            st.caption(t("role_no_approve", lang))
            return
        restore = st.button(t("zones_restore", lang), key="zone_restore", disabled=not ctx.writable)
        if restore and write(ctx, lambda store: store.restore(zone_id, user=ctx.user), message)[0]:
            st.rerun()
        return
    if st.button(
        t("zones_replace_geometry", lang),
        key="zone_replace",
        disabled=not (ctx.writable and has_drawing),
        help=t("zones_replace_help", lang),
    ):
        geom = drawn_shape()
        if (
            geom is not None
            and write(ctx, lambda store: store.update(zone_id, {"geometry": geom}, user=ctx.user), message)[0]
        ):
            clear_drawing()
            st.rerun()
    allowed = [
        s for s in TRANSITIONS[zone["status"]] if all(map(ctx.may, zone_change_actions(zone["status"], s)))
    ]
    if allowed:
        left, right = st.columns([3, 2])
        target = left.selectbox(
            t("zones_status_to", lang),
            allowed,
            key=choice_key("zone_status_to", lang),
            format_func=lambda v: STATUS_LABELS[v][index],
        )
        right.write("")
        change = right.button(t("zones_status_go", lang), key="zone_status_go", disabled=not ctx.writable)
        if change and write(ctx, lambda store: store.set_status(zone_id, target, user=ctx.user), message)[0]:
            st.rerun()
    if not ctx.may(Action.APPROVE_ZONES):
        st.caption(t("role_no_approve", lang))
    if not removable:
        return
    delete = st.button(t("zones_delete", lang), key="zone_delete", disabled=not ctx.writable)
    if delete and write(ctx, lambda store: store.delete(zone_id, user=ctx.user), message)[0]:
        st.rerun()


def _history(ctx: PageContext, zone_id: str) -> None:
    st.markdown(f"**{t('zones_history', ctx.lang)}**")
    with open_store(store_path(ctx.folder)) as store:
        history = store.history(zone_id)
    st.dataframe(history_rows(history, ctx.names, ctx.lang), hide_index=True, key="zones_history")


def render_zones(ctx: PageContext, *, has_drawing: bool) -> None:
    """The zones tab: status filter, "include deleted", the table, and the chosen zone's panel.

    ``has_drawing`` enables "replace the shape" (a new shape is waiting on the map).
    """
    lang, zones = ctx.lang, ctx.state.zones
    if zones.empty:
        st.info(t("zones_none", lang))
        return
    index = 0 if lang == "vi" else 1
    left, right = st.columns([3, 1])
    statuses = left.multiselect(
        t("zones_filter_status", lang),
        ZONE_STATUSES,
        default=list(ZONE_STATUSES),
        key=choice_key("zones_filter", lang),
        format_func=lambda v: STATUS_LABELS[v][index],
    )
    deleted = right.checkbox(t("zones_include_deleted", lang), key="zones_deleted")
    shown = zones.loc[zones["status"].isin(statuses) & (deleted | ~zones["deleted"])]
    zone_id = _pick(ctx, shown)
    if not zone_id:
        return
    zone = zones.loc[zones["zone_id"] == zone_id].iloc[0]
    st.subheader(t("zones_details", lang))
    st.markdown(f"**{md(zone['name'])}**")
    details, edit = st.columns(2)
    with details:
        _details(ctx, zone)
        _actions(ctx, zone, has_drawing)
    with edit:
        if not zone["deleted"]:
            _edit(ctx, zone)
    _history(ctx, zone_id)
