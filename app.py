"""Streamlit entry: the planners' coverage map (Vietnamese by default, English switch), the weak-signal zones
page and the upload page.

Run with ``streamlit run app.py``. Streamlit then imports this file once, at server start, as the
``st.App`` :data:`app` (its lifespan, :func:`views.warmup.server_lifespan`, prepares the opening map
before the first planner arrives), and runs it as the page script for every session. At start-up
Leaflet's files are copied from the installed
``xstatic-leaflet`` package, and Leaflet.draw's from ``django-leaflet``, into ``./static`` (served under
``/app/static``), so the maps need no Internet; the language switch and the dataset choice are shared by
all views. In a shared office (``$COVERAGE_MAP_USERS``) every page is behind sign-in (views/signin.py) and
the pages a role may not use are not offered.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from geo.auth.roles import Action
from geo.i18n import t
from views.common import dataset_choice, install_static, language
from views.guard import guarded_page
from views.signin import gate
from views.warmup import server_lifespan, start_warmup
from views.zones_assets import install_draw_static

ROOT = Path(__file__).resolve().parent
#: The tool's icon (browser tab, favicon): a mast with its signal, drawn for this project (assets/icon.svg).
ICON = ROOT / "assets" / "icon.png"


def main() -> None:
    """Set up the page, the shared sidebar and the navigation, then run the chosen page."""
    lang = st.session_state.get("lang", "vi")
    st.set_page_config(page_title=t("app_title", lang), page_icon=str(ICON), layout="wide")
    start_warmup()  # once per server: the demo and the last-used dataset prepared in the background
    install_static(ROOT)
    install_draw_static(ROOT)
    lang = language()
    actor = gate(lang)  # shared office: signed out, nothing below runs (no dataset list, no map)
    dataset_choice(lang)
    pages = [
        st.Page("views/map_view.py", title=t("page_map", lang), url_path="map", default=True),
        st.Page("views/zones_view.py", title=t("page_zones", lang), url_path="zones"),
        st.Page("views/scenarios_view.py", title=t("page_scenarios", lang), url_path="scenarios"),
    ]
    if actor is None or actor.may(Action.UPLOAD_DATASETS):
        pages.append(st.Page("views/upload_view.py", title=t("page_upload", lang), url_path="upload"))
    if actor is not None and actor.may(Action.MANAGE_USERS):
        pages.append(st.Page("views/users_view.py", title=t("page_users", lang), url_path="users"))
    st.navigation(pages).run()


if __name__ != "__main__":  # `streamlit run app.py` imports it once, at server start: the ASGI app, warmed
    app = st.App(__file__, lifespan=server_lifespan)
else:  # a session runs this file as Streamlit's page script
    guarded_page(main, "app")
