"""Sign-in for shared offices (streamlit-authenticator), and who is making changes on every page.

Single planner (no ``$COVERAGE_MAP_USERS``): no sign-in; the app listens on 127.0.0.1 only
(``.streamlit/config.toml``) and the planner types their name ("Người thực hiện"): an implicit admin.
If such an app is found listening on another address, it shows no data (:func:`gate`).

Shared office (``$COVERAGE_MAP_USERS`` names the users file, see :mod:`geo.auth.accounts`): every page is
behind :func:`gate`. Passwords are checked by streamlit-authenticator (bcrypt) against the enabled
accounts; it also keeps the signed re-authentication cookie (JWT signed with the installation's secret,
:func:`geo.auth.accounts.cookie_key`), so a reload stays signed in; signing out also records the time
(:class:`geo.auth.lockout.SignOuts`), so a cookie issued before it no longer signs in even when the browser
kept it. Its ``Authenticate.login`` widget
checks the password with no hook before it, so a locked-out user's right password would get through;
the form is therefore drawn here and calls the same controller, behind :class:`geo.auth.lockout.Lockout`.
The user's role is read from the users file on every run, so disabling a user or changing a role takes
effect at their next click.
"""

from __future__ import annotations

import contextlib
import logging
import math
import unicodedata

import streamlit as st

from geo.auth.accounts import Account, cookie_key, login_credentials, read_accounts, users_path
from geo.auth.lockout import Lockout, SignOuts, lockout_path, signouts_path
from geo.auth.roles import ROLE_LABELS, Action, Actor
from geo.errors import GeoError
from geo.i18n import t

__all__ = ["COOKIE_NAME", "COOKIE_DAYS", "LOOPBACK", "shared_mode", "gate", "current_actor", "may"]

log = logging.getLogger(__name__)

#: Name of the sign-in cookie, and how long it keeps a browser signed in (days).
COOKIE_NAME = "coverage_map_signin"
COOKIE_DAYS = 1.0
#: Addresses that only this machine can reach.
LOOPBACK = ("127.0.0.1", "localhost", "::1")
_ACTOR_KEY = "signin_actor"  # set by gate() on every run; never a widget key, so a browser cannot set it
_LOCAL_NAME = "zones_user_name"  # the single planner's typed name (kept by the zones page)


def shared_mode() -> bool:
    """Whether the app runs for a shared office (sign-in required)."""
    return users_path() is not None


def _authenticator(accounts: dict[str, Account]):
    import streamlit_authenticator as stauth

    return stauth.Authenticate(
        login_credentials(accounts),
        cookie_name=COOKIE_NAME,
        cookie_key=cookie_key(users_path()),
        cookie_expiry_days=COOKIE_DAYS,
        auto_hash=False,
    )


def _role(actor: Actor, lang: str) -> str:
    return ROLE_LABELS[actor.role][0 if lang == "vi" else 1]


def _attempt(auth, accounts: dict[str, Account], name: str, password: str, lang: str) -> bool:
    """Check one sign-in, behind the per-user lockout; True when signed in."""
    from streamlit_authenticator.utilities import LoginError

    username = unicodedata.normalize("NFC", name).strip().lower()  # as geo.auth.accounts stores names
    lockout = Lockout(lockout_path(users_path()))
    left = lockout.locked_for(username) if username in accounts else 0.0
    if left > 0:
        st.error(t("signin_locked", lang, seconds=math.ceil(left)))
        return False
    active = username in accounts and not accounts[username].disabled
    try:
        ok = bool(active and password and auth.authentication_controller.login(username, password))
    except LoginError:
        ok = False
    if ok:
        lockout.succeeded(username)
        auth.cookie_controller.set_cookie()
        log.info("sign-in: %s", username)
        return True
    st.session_state["authentication_status"] = None
    locked = lockout.failed(username) if username in accounts else 0.0
    log.warning("sign-in refused for %r", username[:64])
    st.error(t("signin_locked", lang, seconds=math.ceil(locked)) if locked else t("signin_wrong", lang))
    return False


def _form(auth, accounts: dict[str, Account], lang: str) -> bool:
    """The sign-in form; True when this run signed the user in."""
    box = st.empty()
    with box.container():
        st.title(t("app_title", lang))
        st.write(t("signin_intro", lang))
        with st.form("signin", clear_on_submit=True):
            st.subheader(t("signin_title", lang))
            name = st.text_input(t("signin_username", lang), key="signin_name", autocomplete="username")
            password = st.text_input(
                t("signin_password", lang),
                type="password",
                key="signin_password",
                autocomplete="current-password",
            )
            submitted = st.form_submit_button(t("signin_go", lang), type="primary")
    if submitted and _attempt(auth, accounts, name, password, lang):
        box.empty()
        return True
    return False


def _signed_in(auth, accounts: dict[str, Account]) -> Account | None:
    """The enabled account this session is signed in as (from the session or the cookie), or None."""
    from streamlit_authenticator.utilities import LoginError

    if not st.session_state.get("authentication_status"):
        token = auth.cookie_controller.get_cookie()
        issued = float(token.get("exp_date", 0)) - COOKIE_DAYS * 86400 if token else 0.0
        if token and SignOuts(signouts_path(users_path())).valid(str(token.get("username")), issued):
            with contextlib.suppress(LoginError):  # the cookie's user was disabled or removed
                auth.authentication_controller.login(token=token)
    username = st.session_state.get("username") if st.session_state.get("authentication_status") else None
    account = accounts.get(str(username or ""))
    if username and (account is None or account.disabled):
        auth.logout(location="unrendered")
        return None
    return account


def gate(lang: str) -> Actor | None:
    """Run before anything shows data. Single planner: return None (or stop, showing why, when the app
    listens beyond this machine). Shared office: return the signed-in user, with their name, role and a
    sign-out button in the sidebar; signed out, show the sign-in form and stop the run."""
    st.session_state.pop(_ACTOR_KEY, None)
    path = users_path()
    if path is None:
        address = str(st.get_option("server.address") or "")
        if address not in LOOPBACK:
            st.error(t("signin_open_network", lang, address=address or "0.0.0.0"))
            st.stop()
        return None
    try:
        accounts = read_accounts(path)
    except GeoError as exc:
        st.error(t("signin_users_error", lang, message=str(exc) if lang == "vi" else exc.en))
        st.stop()
    auth = _authenticator(accounts)
    account = _signed_in(auth, accounts)
    if account is None and not _form(auth, accounts, lang):
        st.stop()
    account = account or accounts[st.session_state["username"]]
    actor = account.actor
    st.session_state[_ACTOR_KEY] = actor
    slot = st.sidebar.empty()
    with slot.container():
        st.markdown(t("signin_as", lang, name=_escape(actor.label), role=_role(actor, lang)))
        out = st.button(t("signin_out", lang), key="signin_out")
    if out:
        log.info("sign-out: %s", actor.username)
        SignOuts(signouts_path(users_path())).signed_out(actor.username)  # its cookie no longer signs in
        auth.logout(location="unrendered")
        st.session_state.pop(_ACTOR_KEY, None)
        slot.empty()
        _form(auth, accounts, lang)
        st.stop()
    return actor


def _escape(text: str) -> str:
    from views.zones_data import md

    return md(text)


def current_actor() -> Actor:
    """Who makes changes in this run: the signed-in user (shared office), else the single planner under
    the name typed on the zones page (an implicit admin; "" until a name is typed)."""
    actor = st.session_state.get(_ACTOR_KEY)
    if isinstance(actor, Actor):
        return actor
    if shared_mode():  # never reached behind gate(); refuse rather than fall back to an admin
        return Actor("", "viewer")
    return Actor.local(str(st.session_state.get(_LOCAL_NAME, "")))


def may(action: Action) -> bool:
    """Whether the current user may ``action`` (the page hides what they may not do)."""
    return current_actor().may(action)
