"""Two tabs of the weak-signal zones page: the zones the data suggests (accept or dismiss each), and
importing zones from a file / exporting every zone."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from geo.auth.roles import Action
from geo.errors import errors_in
from geo.i18n import t
from geo.zones.files import import_zones
from geo.zones.suggest import accept
from layers.suggestions import suggestion_at
from views.zones_data import PageContext, export_bytes, flash, md, suggestions, write

__all__ = ["MAX_SUGGESTIONS", "EXPORTS", "render_suggestions", "render_clicked_suggestion", "render_transfer"]

#: Most suggestions listed at once (those affecting most households first).
MAX_SUGGESTIONS = 15
#: Export formats offered: (label, suffix, MIME type).
EXPORTS = (
    ("GeoJSON", ".geojson", "application/geo+json"),
    ("KML", ".kml", "application/vnd.google-earth.kml+xml"),
    ("GeoPackage", ".gpkg", "application/geopackage+sqlite3"),
    ("Excel", ".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
)
_IMPORT_TYPES = ["geojson", "json", "kml", "kmz", "gpkg"]


def render_suggestions(ctx: PageContext) -> None:
    """List the suggestions not yet dismissed or accepted, most households first, each with Accept/Dismiss."""
    lang = ctx.lang
    st.caption(t("zones_suggest_help", lang))
    found = suggestions(ctx.folder, ctx.stamp, ctx.plan_id, ctx.year)
    fresh = found.loc[~found["suggestion_id"].isin(ctx.state.dismissed)]
    if fresh.empty:
        st.info(t("zones_suggest_none", lang))
        return
    fresh = fresh.sort_values(["households", "n_tests"], ascending=False, na_position="last")
    if len(fresh) > MAX_SUGGESTIONS:
        st.caption(t("zones_suggest_more", lang, shown=MAX_SUGGESTIONS, total=len(fresh)))
    for _, row in fresh.head(MAX_SUGGESTIONS).iterrows():
        _suggestion(ctx, row)


def render_clicked_suggestion(ctx: PageContext, clicked: dict | None) -> None:
    """When the planner clicked a suggested zone on the map (``st_folium``'s ``last_object_clicked``:
    ``{"lat", "lng"}``), show it with the same Accept/Dismiss buttons as the suggestions tab."""
    if not clicked or clicked.get("lat") is None:
        return
    found = suggestions(ctx.folder, ctx.stamp, ctx.plan_id, ctx.year)
    fresh = found.loc[~found["suggestion_id"].isin(ctx.state.dismissed)]
    sid = suggestion_at(fresh, float(clicked["lng"]), float(clicked["lat"]))
    if sid is None:
        return
    st.markdown(f"**{t('zones_suggest_picked', ctx.lang)}**")
    _suggestion(ctx, fresh.loc[fresh["suggestion_id"] == sid].iloc[0], prefix="map_", stacked=True)


def _suggestion(ctx: PageContext, row: pd.Series, *, prefix: str = "", stacked: bool = False) -> None:
    """One suggestion with Accept/Dismiss (widget keys start with ``prefix``); ``stacked`` puts the buttons
    under the text (the narrow column beside the map)."""
    lang, sid = ctx.lang, row["suggestion_id"]
    with st.container(border=True):
        if stacked:
            text = st.container()
            accept_column, dismiss_column = st.columns([3, 2])
        else:
            text, accept_column, dismiss_column = st.columns([4, 2, 1])
        reason = row["reason_vi"] if lang == "vi" else row["reason_en"]
        text.markdown(f"**{md(row['name'])}**  \n{md(reason)}")
        if not ctx.may(Action.DECIDE_SUGGESTIONS):  # an approver's decision
            return
        if accept_column.button(
            t("zones_accept", lang), key=f"{prefix}accept_{sid}", disabled=not ctx.writable
        ):
            message = t("zones_accepted", lang, name=row["name"])
            if write(ctx, lambda store: accept(row.to_dict(), store, user=ctx.user), message)[0]:
                st.rerun()
        if dismiss_column.button(
            t("zones_dismiss", lang), key=f"{prefix}dismiss_{sid}", disabled=not ctx.writable
        ):
            message = t("zones_dismissed", lang)
            if write(ctx, lambda store: store.dismiss(sid, user=ctx.user), message)[0]:
                st.rerun()


def render_transfer(ctx: PageContext) -> None:
    """Import zones from a GeoJSON/KML/KMZ/GPKG file (all of the file or nothing), and download every zone."""
    lang = ctx.lang
    if ctx.may(Action.EDIT_ZONES):
        st.markdown(f"**{t('zones_import', lang)}**")
        upload = st.file_uploader(t("zones_import_files", lang), type=_IMPORT_TYPES, key="zones_import_file")
        if st.button(
            t("zones_import_go", lang), key="zones_import_go", disabled=not (ctx.writable and upload)
        ):
            _import(ctx, upload.name, upload.getvalue())
    st.markdown(f"**{t('zones_export', lang)}**")
    zones = ctx.state.zones
    if zones.empty:
        st.caption(t("zones_none", lang))
        return
    for column, (label, suffix, mime) in zip(st.columns(len(EXPORTS)), EXPORTS, strict=True):
        column.download_button(
            t("zones_download", lang, format=label),
            export_bytes(ctx.folder, ctx.state.stamp, suffix),
            f"vung_lom_song{suffix}",
            mime,
            key=f"zones_export{suffix}",
        )


def _import(ctx: PageContext, name: str, data: bytes) -> None:
    """Write the upload to a scratch folder under its own name and import it; show every problem."""
    lang = ctx.lang
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / Path(name).name
        path.write_bytes(data)
        done, result = write(
            ctx, lambda store: import_zones([path], store, user=ctx.user, dataset=ctx.dataset), None
        )
    if not done:
        return
    ids, problems = result
    for problem in problems:
        flash("error" if problem.severity == "error" else "warning", md(problem.text(lang)))
    if errors_in(problems) or not ids:
        flash("error", t("zones_import_failed", lang))
    else:
        flash("success", t("zones_imported", lang, n=len(ids)))
    st.rerun()
