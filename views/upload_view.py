"""The upload page: drop files, see what each holds, match columns, then read, check and save the dataset.

A bad file never stops the page and never replaces data already saved: files are staged in a fresh
folder, read there, and swapped in only when reading finds no error (``geo.io.upload.commit_dataset``).
"""

from __future__ import annotations

import logging

import streamlit as st

from geo.auth.roles import ROLE_LABELS, Action
from geo.errors import GeoError
from geo.i18n import t
from geo.io.manifest import LAYER_ROLES
from geo.io.tables import find_xy_columns
from geo.io.upload import (
    UPLOAD_SUFFIXES,
    FileInfo,
    commit_dataset,
    inspect_file,
    model_fields,
    previous_version,
    restore_previous,
    saved_datasets,
    stage_files,
)
from views.guard import guarded_page
from views.signin import current_actor

log = logging.getLogger(__name__)

_SKIP = ""


def _staged(lang: str, files) -> tuple[object, list[FileInfo], list]:
    """Stage the uploaded files once per distinct upload (kept in session state) and inspect them;
    returns the staging folder, what each file holds, and the files refused (shown each run)."""
    signature = tuple((f.name, f.size) for f in files)
    cached = st.session_state.get("upload_staged")
    if not (cached and cached[0] == signature and cached[1].exists()):
        staging, refused = stage_files({f.name: f.getvalue() for f in files})
        infos = [info for path in sorted(staging.iterdir()) for info in inspect_file(path)]
        cached = (signature, staging, infos, refused)
        st.session_state["upload_staged"] = cached
    for error in cached[3]:
        st.error(error.text(lang))
    return cached[1], cached[2], cached[3]


def _restore_panel(lang: str) -> None:
    """One click brings back the version a saved dataset replaced (the current one becomes the previous)."""
    names = [name for name in saved_datasets() if previous_version(name) is not None]
    if not names:
        return
    with st.expander(t("upload_restore_title", lang)):
        chosen = st.selectbox(t("upload_restore_which", lang), names, key="restore_which")
        if st.button(t("upload_restore_button", lang), key="restore_go"):
            folder = restore_previous(chosen)
            st.session_state["saved_dataset"] = str(folder)
            st.success(t("upload_restored", lang, name=chosen))


def _mapping(lang: str, info: FileInfo, n: int) -> tuple[str, dict[str, str]]:
    """Role and column choices for one file (or GeoPackage layer)."""
    label = f"{info.path.name} [{info.layer}]" if info.layer else info.path.name
    with st.expander(label, expanded=True):
        if info.error_vi:
            st.error(info.error_vi if lang == "vi" else info.error_en)
            return _SKIP, {}
        geometry = info.geometry or t("geometry_none", lang)
        st.caption(t("upload_rows", lang, n=info.n_features, geometry=geometry))
        roles = [_SKIP, *LAYER_ROLES]
        role = st.selectbox(
            t("upload_role", lang),
            roles,
            index=roles.index(info.role or _SKIP),
            format_func=lambda r: t("upload_role_skip", lang) if r == _SKIP else r,
            key=f"role_{n}",
        )
        st.caption(f"{t('upload_columns', lang)}: {', '.join(info.columns)}")
        if role == _SKIP:
            return role, {}
        fields = model_fields(role)
        xy = find_xy_columns(info.columns) if info.path.suffix.lower() in (".csv", ".xlsx") else None
        if info.path.suffix.lower() in (".csv", ".xlsx") and role != "unit_stats":
            fields = ["x", "y", *fields]
        options = [_SKIP, *info.columns]
        defaults = dict(info.suggested) | ({"x": xy[0], "y": xy[1]} if xy else {})
        columns = {}
        st.markdown(f"**{t('upload_map_columns', lang)}**")
        grid = st.columns(3)
        for i, model_field in enumerate(fields):
            default = defaults.get(model_field) or (model_field if model_field in info.columns else _SKIP)
            chosen = grid[i % 3].selectbox(
                model_field,
                options,
                index=options.index(default),
                format_func=lambda c: t("upload_column_none", lang) if c == _SKIP else c,
                key=f"col_{n}_{model_field}",
            )
            if chosen != _SKIP and chosen != model_field:
                columns[model_field] = chosen
        return role, columns


def render() -> None:
    """Draw the upload page."""
    lang = st.session_state.get("lang", "vi")
    st.title(t("page_upload", lang))
    actor = current_actor()
    if not actor.may(Action.UPLOAD_DATASETS):  # not offered in the navigation either
        st.warning(t("role_no_upload", lang, role=ROLE_LABELS[actor.role][0 if lang == "vi" else 1]))
        return
    st.write(t("upload_intro", lang))
    files = st.file_uploader(
        t("upload_files", lang),
        type=[s.lstrip(".") for s in UPLOAD_SUFFIXES],
        accept_multiple_files=True,
        key="uploads",
    )
    _restore_panel(lang)
    if not files:
        return
    staging, infos, refused = _staged(lang, files)
    st.subheader(t("upload_found", lang))
    chosen = {}
    for n, info in enumerate(infos):
        role, columns = _mapping(lang, info, n)
        if role != _SKIP:
            chosen[role] = (info, columns)
    name = st.text_input(t("upload_name", lang), key="upload_name")
    if not st.button(t("upload_check", lang), type="primary", key="upload_go"):
        return
    if not name.strip():
        st.error(t("upload_need_name", lang))
        return
    try:
        dataset, saved = commit_dataset(
            staging, name=name.strip(), layers=chosen, refused=refused, inspected=infos, user=actor
        )
    except GeoError as exc:
        st.error(t("upload_error", lang, message=exc.text(lang)))
        return
    except Exception as exc:  # a reader bug must not take the page down; the data in use stays
        log.exception("reading the uploaded dataset failed")
        st.error(t("upload_error", lang, message=f"{type(exc).__name__}: {exc}"))
        return
    st.subheader(t("upload_problems", lang))
    if dataset.problems:
        st.markdown("\n".join(f"- {p.text(lang)}" for p in dataset.problems))
    else:
        st.info(t("upload_no_problem", lang))
    if saved is None:
        st.error(t("upload_failed", lang))
        return
    st.session_state.pop("upload_staged", None)
    st.session_state["saved_dataset"] = str(saved)
    st.success(t("upload_saved", lang, name=name.strip()))


guarded_page(render, "upload")
