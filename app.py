"""Streamlit entry: the planners' coverage map (Vietnamese by default, English switch), the weak-signal zones
page and the upload page.

Run with ``streamlit run app.py``. At start-up Leaflet's files are copied from the installed
``xstatic-leaflet`` package, and Leaflet.draw's from ``django-leaflet``, into ``./static`` (served under
``/app/static``), so the maps need no Internet; the language switch and the dataset choice are shared by
all views.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from geo.i18n import t
from views.common import dataset_choice, install_static, language
from views.warmup import start_warmup
from views.zones_assets import install_draw_static

ROOT = Path(__file__).resolve().parent


def main() -> None:
    """Set up the page, the shared sidebar and the navigation, then run the chosen page."""
    st.set_page_config(page_title="Bản đồ phủ sóng hạ tầng số", layout="wide")
    start_warmup()  # once per server: the demo and the last-used dataset prepared in the background
    install_static(ROOT)
    install_draw_static(ROOT)
    lang = language()
    dataset_choice(lang)
    pages = [
        st.Page("views/map_view.py", title=t("page_map", lang), url_path="map", default=True),
        st.Page("views/zones_view.py", title=t("page_zones", lang), url_path="zones"),
        st.Page("views/upload_view.py", title=t("page_upload", lang), url_path="upload"),
    ]
    st.navigation(pages).run()


main()
