"""The scenarios page: suggest sites that close the coverage gap, accept some into a scenario, and see
the plan's targets for the whole territory before and after; download the scenario and the annex sheet.

The work is :func:`geo.scenarios.suggest.suggest_sites` and :func:`geo.scenarios.compare.evaluate_scenario`
on the shared :class:`geo.plans.assessment.Assessment` of the chosen dataset; this page only holds widgets.
"""

from __future__ import annotations

import io
import tempfile
from datetime import date
from pathlib import Path

import pandas as pd
import streamlit as st

from geo.export.annex_sites import write_sites_xlsx
from geo.i18n import t
from geo.palette import status_label
from geo.scenarios.compare import evaluate_scenario
from geo.scenarios.model import write_scenario
from geo.scenarios.suggest import suggest_sites, suggestion_scenario
from views.common import assessment, dataset_stamp, plans
from views.guard import guarded_page
from views.map_data import default_plan, default_year, plan_label

_ACCEPT = "accept"


def _suggest(folder: str, stamp: float, goal: str, max_sites: int | None):
    """The suggestion for the chosen goal, kept per dataset version in the session."""
    key = ("scen_answer", folder, stamp, goal, max_sites)
    if st.session_state.get("scen_key") != key:
        st.session_state["scen_answer"] = suggest_sites(
            assessment(folder, stamp), goal=goal, max_sites=max_sites
        )
        st.session_state["scen_key"] = key
    return st.session_state["scen_answer"]


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
    scenario = suggestion_scenario(type(answer)(**{**answer.__dict__, "sites": accepted}), name="de_xuat")
    result = evaluate_scenario(base, scenario, plan, year, level="territory")
    shown = result[pd.to_numeric(result["value"], errors="coerce").notna()]
    st.subheader(t("scen_before_after", lang, n=len(accepted)))
    st.dataframe(
        pd.DataFrame(
            {
                t("indicator", lang): shown["label_vi" if lang == "vi" else "label_en"].to_numpy(),
                t("scen_before", lang): shown["value_before"].round(1).to_numpy(),
                t("scen_after", lang): shown["value"].round(1).to_numpy(),
                t("scen_target", lang): shown["target_text"].to_numpy(),
                t("scen_status_before", lang): [status_label(s, lang) for s in shown["status_before"]],
                t("scen_status_after", lang): [status_label(s, lang) for s in shown["status"]],
            }
        ),
        hide_index=True,
    )
    with tempfile.TemporaryDirectory() as tmp:
        geojson = write_scenario(scenario, Path(tmp) / "de_xuat.geojson").read_bytes()
        annex = write_sites_xlsx(
            accepted,
            answer.uncoverable,
            territory=base.dataset.name,
            out=Path(tmp) / "a.xlsx",
            made_on=date.today(),
        ).read_bytes()
    left, right = st.columns(2)
    left.download_button(t("scen_download_scenario", lang), io.BytesIO(geojson), "kich_ban_de_xuat.geojson")
    right.download_button(t("scen_download_annex", lang), io.BytesIO(annex), "danh_muc_tram_bts_de_xuat.xlsx")


guarded_page(render, "scenarios")
