"""One guard around every page: an unexpected exception becomes a bilingual message, never a traceback.

``app.py`` runs its set-up and navigation inside :func:`guarded_page`, and each page (``views/*_view.py``)
runs its ``render`` inside it too, so a bug in one page leaves the sidebar, the other pages and the
data in use as they were. Streamlit's own control flow (``st.stop``, ``st.rerun``, ``st.switch_page``)
raises ``BaseException`` subclasses and passes through untouched.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from geo.errors import ERROR_LOG, GeoError, log_unexpected

__all__ = ["guarded_page", "unexpected_text"]


def unexpected_text(exc: BaseException, where: str, lang: str = "vi") -> str:
    """The message shown for an unexpected exception on ``where`` (a page), both languages, ``lang`` first."""
    detail = f"{type(exc).__name__}: {exc}".splitlines()[0][:300]
    vi = (
        f"Lỗi ngoài dự kiến ở {where} ({detail}). Dữ liệu đã lưu không bị thay đổi; vui lòng báo lại kèm "
        f"tệp {ERROR_LOG}."
    )
    en = (
        f"Unexpected problem on {where} ({detail}). Saved data was not changed; please report it with the "
        f"file {ERROR_LOG}."
    )
    return f"{vi}\n\n{en}" if lang == "vi" else f"{en}\n\n{vi}"


def guarded_page(render: Callable[[], None], where: str) -> None:
    """Run ``render``; a :class:`GeoError` is shown as its message, anything else unexpected is logged
    (with its traceback, to :data:`geo.errors.ERROR_LOG`) and shown with ``st.error`` in both languages."""
    lang = st.session_state.get("lang", "vi")
    try:
        render()
    except GeoError as exc:
        st.error(exc.text(lang))
    except Exception as exc:  # the page boundary: never a traceback, never a blank page
        log_unexpected(exc, f"page {where}")
        st.error(unexpected_text(exc, where, lang))
