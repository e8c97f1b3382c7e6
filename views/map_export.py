"""The map page's "Export this map" panel: the current selection as a print-ready PNG, PDF or SVG."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from geo.compute.catalogue import INDICATORS
from geo.errors import GeoError
from geo.i18n import t
from geo.vocab import PRINTED_OVERLAYS, Level
from views.common import assessment, choice_key, map_sources, plans
from views.map_build import MapRequest
from views.map_data import ALL_TARGETS

__all__ = ["PANEL_KEY", "export_panel"]

_MIME = {"png": "image/png", "pdf": "application/pdf", "svg": "image/svg+xml"}


def _make(dataset, rows: pd.DataFrame, request: MapRequest, stamp: float, choice: dict) -> tuple[str, bytes]:
    """Render the sheet into a temporary file and return (file name, bytes)."""
    from geo.export import export_map  # matplotlib: imported on the first export, not on the first map

    sources = map_sources(request.folder, stamp, request.plan_id, request.year, request.source)
    unit = request.area if request.level == Level.VILLAGE else None
    name = f"ban_do_{choice['indicator']}_{request.year}.{choice['format']}"
    with tempfile.TemporaryDirectory() as tmp:
        out = export_map(
            # the page's own (its polygons and coverage are reused), for the source chosen
            assessment(request.folder, stamp).with_source(request.source),
            rows,
            plan=plans()[request.plan_id],
            year=request.year,
            indicator=choice["indicator"],
            out=Path(tmp) / name,
            unit=unit,
            paper=choice["paper"],
            orientation=choice["orientation"],
            dpi=200,
            layers=tuple(k for k in PRINTED_OVERLAYS if k in request.layers),
            weak_zones=sources.zones(),
            lang=request.lang,
        )
        return name, out.read_bytes()


#: Session-state key of the panel's expander: open or closed (the choices are only drawn while it is open).
PANEL_KEY = "export_open"


def export_panel(lang: str, dataset, rows: pd.DataFrame, request: MapRequest, stamp: float) -> None:
    """Paper, orientation, format and indicator choices, a button that makes the sheet, and its download.

    The expander starts closed and its choices are drawn only while it is open (opening it reruns the
    page): a planner who does not export gets no hidden widgets to load or redraw with every map."""
    indicators = list(pd.unique(rows["indicator"]))
    if not indicators:
        return
    panel = st.expander(t("export_title", lang), key=PANEL_KEY, on_change="rerun")
    if not panel.open:
        return
    with panel:
        first, second, third, fourth = st.columns([1, 1, 1, 3])
        paper = first.selectbox(t("export_paper", lang), ("A4", "A3"), key="export_paper")
        orientation = second.selectbox(
            t("export_orientation", lang),
            ("landscape", "portrait"),
            format_func=lambda o: t(f"export_{o}", lang),
            key=choice_key("export_orientation", lang),
        )
        fmt = third.selectbox(t("export_format", lang), ("png", "pdf", "svg"), key="export_format")
        default = request.indicator if request.indicator != ALL_TARGETS else indicators[0]
        indicator = fourth.selectbox(
            t("export_indicator", lang),
            indicators,
            index=indicators.index(default) if default in indicators else 0,
            format_func=lambda i: INDICATORS[i].label(lang),
            key=f"export_indicator_{request.indicator}",  # follows the map's indicator when that changes
        )
        choice = {"paper": paper, "orientation": orientation, "format": fmt, "indicator": indicator}
        if st.button(t("export_make", lang), key="export_make"):
            try:
                st.session_state["export_file"] = _make(dataset, rows, request, stamp, choice)
            except GeoError as exc:
                st.error(t("export_failed", lang, message=exc.text(lang)))
        made = st.session_state.get("export_file")
        if made:
            name, data = made
            st.download_button(
                t("export_download", lang, name=name), data, name, _MIME[name.rsplit(".", 1)[1]]
            )
