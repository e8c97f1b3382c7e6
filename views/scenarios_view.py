"""The scenarios page: a scenario from suggested sites, a saved one or an uploaded file; its changes as an
editable table; the plan's targets for the whole territory before and after, the villages and households
that gain coverage, the sharing ratio, a map of the changes; save it (a new version in the store) and
download it or the annex sheet.

The work is :func:`geo.scenarios.suggest.suggest_sites`, :func:`geo.scenarios.compare.evaluate_scenario`
and :class:`geo.scenarios.store.ScenarioStore` on the shared :class:`geo.plans.assessment.Assessment`; this
page only holds widgets.
"""

from __future__ import annotations

import copy
import hashlib
import io
import tempfile
from datetime import date
from pathlib import Path

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from geo.errors import DataError, GeoError
from geo.export.annex_sites import write_sites_xlsx
from geo.export.sites_table import KIND_WORDS
from geo.export.text import before_after_lines, value_text
from geo.i18n import t
from geo.io.upload import stage_files
from geo.palette import status_label
from geo.plans.assessment import Assessment
from geo.scenarios.compare import assess_scenario, evaluate_scenario
from geo.scenarios.model import (
    CHANGE_WORDS,
    Scenario,
    read_scenario,
    scenario_from_table,
    scenario_points,
    scenario_table,
    write_scenario,
)
from geo.scenarios.suggest import suggest_sites, suggestion_scenario
from views.common import assessment, dataset_stamp, plans
from views.guard import guarded_page
from views.map_data import default_plan, default_year, plan_label
from views.scenarios_map import clicked_change, scenario_map
from views.scenarios_store import history_panel, save_panel, stored_scenario
from views.zones_data import md

_ACCEPT = "accept"
_SOURCES = ("suggest", "stored", "upload")
_TEXT = ["site_id", "operators", "technologies", "village", "name", "kind", "why"]
_NUMBERS = ["height_m", "azimuth_deg", "lon", "lat"]
_MAP_HEIGHT = 520


def _suggest(folder: str, stamp: float, goal: str, max_sites: int | None):
    """The suggestion for the chosen goal, kept per dataset version in the session."""
    key = ("scen_answer", folder, stamp, goal, max_sites)
    if st.session_state.get("scen_key") != key:
        st.session_state["scen_answer"] = suggest_sites(
            assessment(folder, stamp), goal=goal, max_sites=max_sites
        )
        st.session_state["scen_key"] = key
    return st.session_state["scen_answer"]


def _from_suggestions(lang: str, folder: str, stamp: float):
    """The goal choice and the suggested sites with a tick each; return the accepted ones as a scenario and
    the suggestion (for the annex)."""
    goals = {
        "cover-villages": t("scen_goal_villages", lang),
        "cover-households": t("scen_goal_households", lang),
    }
    goal = st.radio(
        t("scen_goal", lang), list(goals), format_func=goals.get, key="scen_goal", horizontal=True
    )
    max_sites = None
    if goal == "cover-households":
        max_sites = int(st.number_input(t("scen_max_sites", lang), min_value=1, value=3, key="scen_max"))
    answer = _suggest(folder, stamp, goal, max_sites)
    if not len(answer.sites):
        st.info(t("scen_none", lang))
    index = 0 if lang == "vi" else 1
    table = pd.DataFrame(
        {
            _ACCEPT: True,
            t("scen_col_site", lang): answer.sites["site_id"].to_numpy(),
            t("scen_col_why", lang): [w.split(" / ")[index] for w in answer.sites["why"]],
            t("scen_col_villages", lang): answer.sites["villages"].to_numpy(),
        }
    )
    edited = st.data_editor(
        table,
        column_config={_ACCEPT: st.column_config.CheckboxColumn(t("scen_accept", lang))},
        disabled=list(table.columns[1:]),
        hide_index=True,
        key="scen_table",
    )
    if len(answer.uncoverable):
        st.warning(t("scen_uncoverable", lang, names="; ".join(map(str, answer.uncoverable["name"]))))
    accepted = answer.sites[edited[_ACCEPT].to_numpy(bool)] if len(table) else answer.sites
    accepted_answer = type(answer)(**{**answer.__dict__, "sites": accepted})
    return suggestion_scenario(accepted_answer, name="de_xuat"), accepted_answer


def _from_upload(lang: str) -> Scenario | None:
    """A scenario file uploaded on the page, staged with the upload limits (:func:`geo.io.upload.stage_files`)
    and read; None (and the reason, in both languages' fix) when there is none or it cannot be read."""
    uploaded = st.file_uploader(t("scen_upload", lang), type=["geojson", "json", "kml", "xlsx", "csv"])
    if uploaded is None:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        staged, refused = stage_files({uploaded.name: uploaded.getvalue()}, staging=Path(tmp))
        if refused:
            st.error(refused[0].text(lang))
            return None
        try:
            return read_scenario(next(staged.iterdir()), name=Path(uploaded.name).stem)
        except DataError as exc:
            st.error(exc.text(lang))
            return None


def _values(table: pd.DataFrame, column: str, lang: str) -> list[str]:
    """``table[column]`` as the planner reads it ("93,3", "Có"; :func:`geo.export.text.value_text`)."""
    return [value_text(v, i, lang=lang) for v, i in zip(table[column], table["indicator"], strict=True)]


def _word_column(label: str, words: dict[str, str]):
    """A select-box column whose cells hold the keys of ``words`` and show their words to the planner."""
    return st.column_config.SelectboxColumn(label, options=list(words), format_func=words.get)


def _table_key(table: pd.DataFrame) -> str:
    return hashlib.sha1(table.to_json().encode()).hexdigest()[:12]


def _edited(lang: str, scenario: Scenario) -> tuple[Scenario, pd.DataFrame, str]:
    """The scenario's changes in an editable table (one row per change; rows may be added or deleted) —
    the draft with changes added on the map when there is one for this scenario; return the scenario as
    edited (its unusable rows listed under the table), the table as edited and the scenario's key."""
    origin = scenario_table(scenario)
    origin_key = _table_key(origin)
    draft = st.session_state.get("scen_draft")
    table = draft[1] if draft is not None and draft[0] == origin_key else origin
    table = table.reindex(columns=origin.columns)
    table[_TEXT] = table[_TEXT].astype(object).where(table[_TEXT].notna(), None)
    table[_NUMBERS] = table[_NUMBERS].apply(pd.to_numeric, errors="coerce")
    st.markdown(f"**{t('scen_changes', lang)}**")
    edited = st.data_editor(
        table,
        num_rows="dynamic",
        hide_index=True,
        key=f"scen_edit_{_table_key(table)}",
        column_config={
            "change": _word_column(t("scen_col_change", lang), CHANGE_WORDS[lang]),
            "kind": _word_column(t("scen_col_kind", lang), KIND_WORDS[lang]),
            **{c: st.column_config.TextColumn(t(f"scen_col_{c}", lang)) for c in _TEXT if c != "kind"},
            **{
                c: st.column_config.NumberColumn(
                    t(f"scen_col_{c}", lang), format="%.6f" if c in ("lon", "lat") else "%g"
                )
                for c in _NUMBERS
            },
        },
    )
    out = scenario_from_table(edited, name=scenario.name, file=t("scen_table_file", lang))
    if out.problems:
        st.warning(
            t("scen_problems", lang) + "\n\n" + "\n".join(f"- {md(p.text(lang))}" for p in out.problems)
        )
    return out, edited, origin_key


def _after(folder: str, stamp: float, scenario: Scenario) -> Assessment:
    """The assessment with ``scenario`` applied, kept in the session per scenario."""
    key = hashlib.sha1(f"{folder}|{stamp}|{scenario_table(scenario).to_json()}".encode()).hexdigest()
    if st.session_state.get("scen_after_key") != key:
        st.session_state["scen_after"] = assess_scenario(assessment(folder, stamp), scenario)
        st.session_state["scen_after_key"] = key
    return st.session_state["scen_after"]


def _sharing(base: Assessment, after: Assessment) -> tuple[float, float] | None:
    """The territory's BTS sharing ratio (%) before and after, or None without sites."""
    values = []
    for side in (base, after):
        table = side.indicators("territory")
        row = table[table["indicator"] == "bts_site_sharing"]
        if row.empty:
            return None
        values.append(float(row["value"].iloc[0]))
    return values[0], values[1]


def _effect(lang: str, base: Assessment, after: Assessment, result: pd.DataFrame, n_changes: int) -> None:
    """Targets before → after (lines and table), villages and households gaining coverage, sharing ratio."""
    st.subheader(t("scen_before_after", lang, n=n_changes))
    moved = result[(result["change"].fillna(0) != 0) | (result["status"] != result["status_before"])]
    lines = before_after_lines(moved, lang=lang) if len(moved) else ""
    if lines:
        st.markdown("\n".join(f"- {md(line)}" for line in lines.splitlines()))
    shown = result[pd.to_numeric(result["value"], errors="coerce").notna()]
    st.dataframe(
        pd.DataFrame(
            {
                t("indicator", lang): shown["label_vi" if lang == "vi" else "label_en"].to_numpy(),
                t("scen_before", lang): _values(shown, "value_before", lang),
                t("scen_after", lang): _values(shown, "value", lang),
                t("scen_target", lang): shown["target_text"].to_numpy(),
                t("scen_status_before", lang): [status_label(s, lang) for s in shown["status_before"]],
                t("scen_status_after", lang): [status_label(s, lang) for s in shown["status"]],
            }
        ),
        hide_index=True,
    )
    sharing = _sharing(base, after)
    if sharing is not None:
        before, now = (value_text(v, "bts_site_sharing", lang=lang) for v in sharing)
        moved = sharing[1] - sharing[0]
        delta = ("+" if moved >= 0 else "−") + value_text(abs(moved), "bts_site_sharing", lang=lang)
        st.metric(t("scen_sharing", lang), f"{now} %", delta=delta, help=f"{before} % → {now} %")
    old = base.village_coverage.set_index("uid")["covered"].astype(bool)
    new = after.village_coverage.drop_duplicates("uid").set_index("uid")
    gained = new[new["covered"].astype(bool) & ~old.reindex(new.index, fill_value=False)]
    if gained.empty:
        st.caption(t("scen_gain_none", lang))
        return
    households = int(pd.to_numeric(gained["households"], errors="coerce").fillna(0).sum())
    st.markdown(t("scen_gain", lang, n=len(gained), households=households))
    st.dataframe(
        pd.DataFrame(
            {
                t("scen_col_village", lang): gained["name"].to_numpy(),
                t("scen_col_households", lang): pd.to_numeric(
                    gained["households"], errors="coerce"
                ).to_numpy(),
            }
        ),
        hide_index=True,
    )


def _downloads(lang: str, scenario: Scenario, base: Assessment, answer) -> None:
    """The scenario as GeoJSON, KML and XLSX, and (for suggested sites) the annex sheet."""
    files = {}
    with tempfile.TemporaryDirectory() as tmp:
        for suffix in ("geojson", "kml", "xlsx"):
            files[suffix] = write_scenario(scenario, Path(tmp) / f"kich_ban.{suffix}").read_bytes()
        if answer is not None:
            files["annex"] = write_sites_xlsx(
                answer.sites, answer.uncoverable, territory=base.dataset.name, out=Path(tmp) / "a.xlsx",
                made_on=date.today(),
            ).read_bytes()  # fmt: skip
    stem = "kich_ban_de_xuat" if answer is not None else f"kich_ban_{scenario.name}"
    columns = st.columns(4)
    columns[0].download_button(
        t("scen_download_scenario", lang), io.BytesIO(files["geojson"]), f"{stem}.geojson"
    )
    columns[1].download_button(t("scen_download_kml", lang), io.BytesIO(files["kml"]), f"{stem}.kml")
    columns[2].download_button(t("scen_download_xlsx", lang), io.BytesIO(files["xlsx"]), f"{stem}.xlsx")
    if answer is not None:
        columns[3].download_button(
            t("scen_download_annex", lang), io.BytesIO(files["annex"]), "danh_muc_tram_bts_de_xuat.xlsx"
        )


def render() -> None:
    """Draw the scenarios page for the dataset chosen in the sidebar."""
    lang = st.session_state.get("lang", "vi")
    folder = st.session_state["dataset"]
    stamp = dataset_stamp(folder)
    st.title(t("page_scenarios", lang))
    st.markdown(t("scen_intro", lang))
    base = assessment(folder, stamp)
    all_plans = plans()
    if not all_plans:
        st.warning(t("no_plan", lang))
        return
    plan_id = st.session_state.get("plan")
    plan_id = plan_id if plan_id in all_plans else default_plan(all_plans, base.dataset.province)
    plan_id = st.selectbox(
        t("plan", lang), list(all_plans), index=list(all_plans).index(plan_id),
        format_func=lambda p: plan_label(all_plans[p]), key="scen_plan",
    )  # fmt: skip
    plan = all_plans[plan_id]
    years = plan.target_years()
    year = st.selectbox(t("year", lang), years, index=years.index(default_year(plan)), key="scen_year")
    labels = {s: t(f"scen_source_{s}", lang) for s in _SOURCES}
    source = st.radio(
        t("scen_source", lang), _SOURCES, format_func=labels.get, key="scen_source", horizontal=True
    )
    answer = None
    if source == "suggest":
        scenario, answer = _from_suggestions(lang, folder, stamp)
    elif source == "stored":
        scenario = stored_scenario(lang, folder)
    else:
        scenario = _from_upload(lang)
    if scenario is None:
        return
    stored_name = scenario.name if source == "stored" else None
    for problem in scenario.problems:  # rows of the file or store that were left out
        st.warning(md(problem.text(lang)))
    scenario, edited, origin_key = _edited(lang, scenario)
    seen = len(scenario.problems)
    try:
        result = evaluate_scenario(base, scenario, plan, year, level="territory")
        after = _after(folder, stamp, scenario)
    except GeoError as exc:
        st.error(exc.text(lang))
        return
    for text in dict.fromkeys(p.text(lang) for p in scenario.problems[seen:]):  # unknown sites, villages
        st.warning(md(text))
    _effect(lang, base, after, result, len(scenario.changes))
    st.subheader(t("scen_map", lang))
    st.caption(t("scen_click_hint", lang))
    points = scenario_points(base.dataset, scenario)
    fmap = copy.deepcopy(scenario_map(folder, stamp, lang, points.to_json() if len(points) else ""))
    map_column, form_column = st.columns([3, 1])
    with map_column:
        state = st_folium(
            fmap,
            key="scen_map",
            height=_MAP_HEIGHT,
            use_container_width=True,
            returned_objects=["last_clicked"],
        )
    with form_column:
        added = clicked_change(lang, base.dataset.layer("bts_sites"), (state or {}).get("last_clicked"))
    if added is not None:
        st.session_state["scen_draft"] = (
            origin_key,
            pd.concat([edited, pd.DataFrame([added])], ignore_index=True),
        )
        st.rerun()
    default_name = stored_name or (
        f"Đề xuất {date.today():%d-%m-%Y}" if answer is not None else scenario.name
    )
    save_panel(lang, folder, scenario, default_name)
    if stored_name:
        history_panel(lang, folder, stored_name)
    _downloads(lang, scenario, base, answer)


guarded_page(render, "scenarios")
