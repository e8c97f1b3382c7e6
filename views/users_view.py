"""The users page of a shared office (admins only): every account with its role and status, and disabling
or enabling one. Adding users and passwords stay on the command line (``python -m geo users``), so no
password is ever typed into a shared page."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from geo.auth.accounts import read_accounts, set_disabled, users_path
from geo.auth.roles import ROLE_LABELS, Action
from geo.errors import GeoError
from geo.i18n import t
from views.guard import guarded_page
from views.signin import current_actor


def render() -> None:
    """Draw the users page."""
    lang = st.session_state.get("lang", "vi")
    index = 0 if lang == "vi" else 1
    st.title(t("page_users", lang))
    actor, path = current_actor(), users_path()
    if path is None or not actor.may(Action.MANAGE_USERS):  # not offered in the navigation either
        return
    st.markdown(t("users_intro", lang))
    accounts = read_accounts(path)
    st.dataframe(
        pd.DataFrame(
            {
                t("col_username", lang): [a.username for a in accounts.values()],
                t("col_full_name", lang): [a.full_name for a in accounts.values()],
                t("col_role", lang): [ROLE_LABELS[a.role][index] for a in accounts.values()],
                t("col_status", lang): [
                    t("users_status_disabled" if a.disabled else "users_status_active", lang)
                    for a in accounts.values()
                ],
            }
        ),
        hide_index=True,
    )
    others = [name for name in accounts if name != actor.username]  # an admin cannot lock themselves out
    if not others:
        return
    name = st.selectbox(t("users_pick", lang), others, key="users_pick")
    disabled = accounts[name].disabled
    if st.button(t("users_enable" if disabled else "users_disable", lang), key="users_toggle"):
        try:
            set_disabled(path, name, not disabled, by=actor)
        except GeoError as exc:
            st.error(str(exc) if lang == "vi" else exc.en)
            return
        st.success(t("users_done", lang, name=name))
        st.rerun()


guarded_page(render, "users")
