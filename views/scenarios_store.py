"""The scenarios page's store panels: pick a saved scenario, save the one on the page as a new version,
see a scenario's history and restore an old version. Every write goes through
:class:`geo.scenarios.store.ScenarioStore` (role check, one transaction); a fault is shown, never raised.
"""

from __future__ import annotations

import streamlit as st

from geo.auth.roles import ROLE_LABELS, Action, Actor, Role
from geo.errors import DataError, GeoError
from geo.i18n import t
from geo.scenarios.model import Scenario
from geo.scenarios.store import dataset_scenario_store, open_scenario_store, scenario_store_stamp
from views.signin import current_actor, shared_mode
from views.zones_data import flash, md, show_flash

__all__ = ["stored_scenario", "save_panel", "history_panel"]

_PICK = "scen_pick"


def _store_error(exc: GeoError, lang: str) -> None:
    st.error(exc.text(lang))
    for problem in exc.problems if isinstance(exc, DataError) else []:
        st.caption(md(problem.text(lang)))


@st.cache_data(show_spinner=False, max_entries=32)
def _listing(store: str, stamp: tuple[int, int]):
    """The saved scenarios of ``store`` (latest version each), keyed by the store's stamp."""
    with open_scenario_store(store) as opened:
        return opened.list()


def stored_scenario(lang: str, folder: str) -> Scenario | None:
    """Show the choice of a saved scenario of the dataset ``folder``; return it (latest version), or None
    when there is none or the store cannot be read (said on the page)."""
    store = dataset_scenario_store(folder)
    stamp = scenario_store_stamp(store)
    try:
        listed = _listing(store, stamp) if stamp != (0, 0) else None
    except GeoError as exc:
        _store_error(exc, lang)
        return None
    if listed is None or listed.empty:
        st.info(t("scen_stored_none", lang))
        return None
    rows = {r["scenario"]: r for r in listed.to_dict("records")}
    name = st.selectbox(
        t("scen_stored_pick", lang),
        list(rows),
        format_func=lambda n: t(
            "scen_stored_label", lang, name=n, version=rows[n]["version"],
            at=rows[n]["at"][:16].replace("T", " "), by=rows[n]["saved_by"],
        ),
        key=_PICK,
    )  # fmt: skip
    try:
        with open_scenario_store(store) as opened:
            return opened.get(name)
    except GeoError as exc:
        _store_error(exc, lang)
        return None


def _actor(lang: str) -> Actor:
    """The signed-in user, or the local planner under the name typed here (an implicit admin)."""
    if shared_mode():
        return current_actor()
    typed = st.text_input(t("scen_user", lang), value=current_actor().username, key="scen_user")
    return Actor.local(typed)


def save_panel(lang: str, folder: str, scenario: Scenario, default_name: str) -> None:
    """The "save the scenario" form: a name, who saves (unless signed in) and the button; the result is
    shown on the next run (the new version number, or what stopped the save)."""
    show_flash()
    actor = current_actor() if shared_mode() else None
    if actor is not None and not actor.may(Action.EDIT_SCENARIOS):
        role = ROLE_LABELS[Role(actor.role)][0 if lang == "vi" else 1]
        st.caption(t("scen_view_only", lang, role=role))
        return
    name_column, user_column, button_column = st.columns([3, 2, 2], vertical_alignment="bottom")
    if st.session_state.get("scen_save_default") != default_name:  # another scenario: its own name
        st.session_state["scen_save_default"] = st.session_state["scen_save_name"] = default_name
    with name_column:
        name = st.text_input(t("scen_name", lang), key="scen_save_name")
    with user_column:
        actor = _actor(lang)
    with button_column:
        clicked = st.button(t("scen_save", lang), key="scen_save", type="primary")
    if not clicked:
        return
    if not actor.username:
        st.warning(t("scen_need_user", lang))
        return
    try:
        with open_scenario_store(dataset_scenario_store(folder)) as store:
            version = store.save(scenario, user=actor, name=name)
    except GeoError as exc:
        _store_error(exc, lang)
        return
    flash("success", t("scen_saved", lang, name=" ".join(name.split()), version=version))
    st.rerun()


def history_panel(lang: str, folder: str, name: str) -> None:
    """The saved versions of ``name`` (who, when, how many changes, added / removed) and, for those who may
    save scenarios, the restore of an old version as the newest."""
    try:
        with open_scenario_store(dataset_scenario_store(folder)) as store:
            history = store.history(name)
    except GeoError as exc:
        _store_error(exc, lang)
        return
    with st.expander(t("scen_history", lang, name=name)):
        st.dataframe(history, hide_index=True)
        allowed = current_actor().may(Action.EDIT_SCENARIOS) if shared_mode() else True
        if not allowed or len(history) < 2:
            return
        versions = history["version"].astype(int).tolist()
        old = st.selectbox(t("scen_restore", lang), versions[:-1], key="scen_restore_version")
        if st.button(t("scen_restore_button", lang), key="scen_restore"):
            actor = current_actor() if shared_mode() else Actor.local(st.session_state.get("scen_user") or "")
            if not actor.username:
                st.warning(t("scen_need_user", lang))
                return
            try:
                with open_scenario_store(dataset_scenario_store(folder)) as store:
                    version = store.restore(name, int(old), user=actor)
            except GeoError as exc:
                _store_error(exc, lang)
                return
            flash("success", t("scen_restored", lang, old=old, version=version))
            st.rerun()
