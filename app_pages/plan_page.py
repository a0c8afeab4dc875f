"""Plan page: solve (off the UI thread), today vs proposed, tables, checks, or why there is no plan."""

from __future__ import annotations

import streamlit as st

from app_pages import state
from app_pages.i18n import t
from app_pages.relax import Relaxation, more_time, relaxations
from app_pages.widgets import (
    chart_height,
    checks_panel,
    findings_frame,
    kpi_cards,
    load_chart,
    load_frame,
    need_scenario,
    org_chart_dot,
    plain,
    show_problems,
    solver_line,
    table_frame,
    uniform_frame,
)
from restructure.check import check_plan, today_sections
from restructure.domain import Plan, Scenario, Status
from restructure.export.tables import display_tables, for_people, objective_notes, objective_rows
from restructure.scenario import effective_settings


def solve_bar(sc: Scenario) -> None:
    c1, c2 = st.columns([1, 3], vertical_alignment="center")
    with c1:
        if st.button(
            t("solve"), key="solve", type="primary", disabled=state.solving(), icon=":material/play_arrow:"
        ):
            state.start_solve()
            st.rerun()
    caption = "solve_caption_deterministic" if sc.solver.deterministic else "solve_caption"
    c2.caption(t(caption, limit=sc.solver.time_limit_s, name=plain(sc.name)))
    error = st.session_state.get(state.SOLVE_ERROR)
    if error:
        st.error(t("solve_failed", error=plain(error)), icon=":material/error:")


def save_to_store(plan: Plan, sc: Scenario) -> None:
    saved = st.session_state.get(state.SAVED_RUN)
    c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
    label = c1.text_input(t("run_label"), key="run_label", placeholder=t("run_label_placeholder"))
    if saved is not None:
        c2.button(t("saved_as", id=saved), key="save_plan", disabled=True, icon=":material/check:")
        return
    if c2.button(t("save_plan"), key="save_plan", icon=":material/save:"):
        run_id = state.run_store().add_run(
            plan, scenario=sc.name, source=sc.source, settings=effective_settings(sc), label=label.strip()
        )
        st.session_state[state.SAVED_RUN] = run_id
        st.rerun()


def side_by_side(plan: Plan, sc: Scenario, lang: str) -> None:
    dept = sc.department
    deviation = sc.rules.max_load_deviation
    today = today_sections(dept)
    kpi_cards(plan, lang)
    today_frame = load_frame(today, dept, deviation)
    plan_frame = load_frame(plan.sections, dept, deviation)
    x_max = max([1 + deviation, *today_frame["ratio"].tolist(), *plan_frame["ratio"].tolist()]) * 1.08
    # Two rows of two columns, so the load charts line up however tall the org charts are.
    left, right = st.columns(2)
    with left:
        st.subheader(t("today_heading", n=len(today)))
        st.graphviz_chart(org_chart_dot(t("chart_today", name=sc.name), today, dept, deviation))
    with right:
        st.subheader(t("plan_heading", n=len(plan.sections)))
        st.graphviz_chart(org_chart_dot(t("chart_plan", name=sc.name), plan.sections, dept, deviation))
    st.markdown(f"**{t('load_heading')}**")
    rows = max(len(today_frame), len(plan_frame))
    for column, frame in zip(st.columns(2), (today_frame, plan_frame), strict=True):
        with column:
            st.altair_chart(load_chart(frame, deviation, x_max), width="stretch", height=chart_height(rows))
    st.caption(t("load_caption", dev=deviation))
    objective_table(plan, sc, lang)


def objective_table(plan: Plan, sc: Scenario, lang: str) -> None:
    """目标分解: each soft goal's amount and points, adding up to the objective."""
    st.markdown(f"**{t('objective_heading')}**")
    rows = [
        {
            t("objective_goal"): r["label"],
            t("objective_amount"): "–" if r["amount"] is None else f"{r['amount']:g} {r['unit']}",
            t("objective_points"): r["points"],
        }
        for r in objective_rows(plan, lang)
    ]
    rows.append(
        {
            t("objective_goal"): t("objective_total"),
            t("objective_amount"): "",
            t("objective_points"): sum(plan.terms.values()),
        }
    )
    st.dataframe(uniform_frame(rows), hide_index=True, key="objective_table")
    for note in objective_notes(plan, sc, lang):
        st.caption(note)


def no_plan(plan: Plan, sc: Scenario, lang: str) -> None:
    """Why there is no plan, the rules involved, and buttons that relax one of them and solve again."""
    ex = plan.explanation
    note = ex.note_en if lang == "en" else ex.note_zh
    st.error(plain(note) if note else t(f"status_{plan.status.value}"), icon=":material/block:")
    if ex.conflicts:
        st.markdown(f"**{t('conflict_heading')}**")
        st.table(findings_frame(ex.conflicts, lang), hide_index=True)
        st.caption(t("conflict_confirmed") if ex.confirmed else t("conflict_unconfirmed"))
    elif ex.binding:
        st.table(findings_frame(ex.binding, lang), hide_index=True)
    options: list[Relaxation] = relaxations(ex.conflicts, sc, ex.relaxations)
    if plan.status is Status.UNKNOWN:
        longer = more_time(sc)
        if longer is not None:
            options.append(longer)
    if not options:
        return
    st.markdown(f"**{t('relax_heading')}**")
    if any(o.sufficient for o in options):
        st.caption(t("relax_sufficient_note"))
    cols = st.columns(min(3, len(options)))
    for i, option in enumerate(options):
        if cols[i % len(cols)].button(
            option.text(lang),
            key=f"relax_{i}",
            icon=":material/tune:",
            type="primary" if option.sufficient else "secondary",
            help=t("relax_sufficient") if option.sufficient else None,
        ):
            found = state.edit(option.overrides)
            if found:
                show_problems(found, "edit_problems_heading")
            else:
                state.start_solve()
                st.rerun()


def plan_details(plan: Plan, sc: Scenario, lang: str) -> None:
    tables = {k: for_people(v) for k, v in display_tables(plan, sc.department, lang=lang).items()}
    tabs = st.tabs([t("tab_compare"), t("tab_duties"), t("tab_staff"), t("tab_changes"), t("tab_checks")])
    with tabs[0]:
        side_by_side(plan, sc, lang)
    with tabs[1]:
        st.dataframe(table_frame(tables["duties"]), hide_index=True, key="duties_table")
    with tabs[2]:
        st.dataframe(table_frame(tables["staff"]), hide_index=True, key="staff_table")
        st.dataframe(table_frame(tables["sections"]), hide_index=True, key="plan_sections_table")
    with tabs[3]:
        if plan.changes:
            st.dataframe(table_frame(tables["changes"]), hide_index=True, key="changes_table")
        else:
            st.info(t("no_changes"))
    with tabs[4]:
        checks_panel(check_plan(sc, plan), lang)


def render() -> None:
    lang = state.lang()
    st.title(t("page_plan"))
    if not need_scenario():
        return
    sc = state.scenario()
    solve_bar(sc)
    plan, solved_for = state.plan(), state.plan_scenario()
    if plan is None or solved_for is None:
        if not state.solving():
            st.info(t("press_solve"), icon=":material/info:")
        return
    if state.plan_is_stale():
        st.warning(t("plan_stale"), icon=":material/warning:")
    st.caption(f"{t('solve_number', n=state.solve_count())} · {solver_line(plan)}")
    if not plan.has_plan:
        no_plan(plan, solved_for, lang)
        return
    note = plan.explanation.note_en if lang == "en" else plan.explanation.note_zh
    if note:
        st.success(plain(note), icon=":material/task_alt:")
    save_to_store(plan, solved_for)
    plan_details(plan, solved_for, lang)


render()
