"""Compare page: saved plans of one department side by side, KPI deltas, and who sits differently."""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from app_pages import state
from app_pages.i18n import t
from app_pages.widgets import (
    capitalized,
    format_delta,
    format_kpi,
    kpi_label,
    plain,
    table_height,
    uniform_frame,
)
from restructure.compare import LabeledPlan, comparison_columns, duty_diff, kpi_comparison
from restructure.domain import Department, Plan
from restructure.errors import InputError
from restructure.scenario import load_scenario
from restructure.store import RunRecord
from restructure.terms import KPIS

CHART_KPIS = (
    "max_load_ratio",
    "min_load_ratio",
    "stage_conflicts",
    "groups_split",
    "duties_moved",
    "staff_moved",
    "post_changes",
    "skill_gaps",
)


def run_label(rec: RunRecord) -> str:
    return f"#{rec.id} {rec.label or rec.scenario}"


def run_option(rec: RunRecord) -> str:
    return f"{run_label(rec)} · {t(f'status_{rec.status}')} · {rec.created_at[:16].replace('T', ' ')}"


def _cell(value: Any, kpi: str, delta: bool) -> str:
    """A KPI as the Plan page shows it: shares in percent, ratios to two decimals."""
    if value is None:
        return ""
    if kpi == "status":
        return t(f"status_{value}")
    if kpi in KPIS and isinstance(value, int | float):
        return format_delta(kpi, float(value)) if delta else format_kpi(kpi, float(value))
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def kpi_table(labeled: list[LabeledPlan], reference: int, lang: str) -> pd.DataFrame:
    rows = kpi_comparison(labeled, reference, lang=lang)
    columns = [c for c in comparison_columns(labeled, reference) if c != "kpi"]
    deltas = {f"Δ {lp.label}" for i, lp in enumerate(labeled) if i != reference}
    shown = [
        {
            c: _cell(r.get(c), r["kpi"], c in deltas) if c != "label" else capitalized(r["label"], lang)
            for c in columns
        }
        for r in rows
    ]
    frame = uniform_frame(shown, columns)
    return frame.rename(columns={"label": t("col_kpi")})


def kpi_chart(labeled: list[tuple[str, Plan]], key: str, lang: str) -> alt.LayerChart:
    """One KPI across the plans: a bar per plan (x labels are run ids), the value written on top."""
    rows = [{"plan": short, "value": float(plan.kpis[key])} for short, plan in labeled if key in plan.kpis]
    frame = pd.DataFrame(rows, columns=["plan", "value"])
    top = float(frame["value"].max()) if len(frame) else 0.0
    # All-zero KPIs still get a readable axis (Vega would draw an empty, degenerate one).
    scale = alt.Scale(domain=[0, top * 1.2 if top > 0 else 1])
    base = alt.Chart(frame).encode(
        x=alt.X("plan:N", title=None, sort=None, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("value:Q", title=None, scale=scale),
    )
    bars = base.mark_bar(color="#4c78a8").encode(tooltip=["plan:N", alt.Tooltip("value:Q", format=".3g")])
    text = base.mark_text(dy=-7, fontSize=11).encode(text=alt.Text("value:Q", format=".3~g"))
    return alt.layer(bars, text).properties(title=kpi_label(key, lang))


def kpi_charts(labeled: list[LabeledPlan], ids: list[int], lang: str) -> None:
    short = [(f"#{i}", lp.plan) for i, lp in zip(ids, labeled, strict=True)]
    per_row = 4
    for start in range(0, len(CHART_KPIS), per_row):
        cols = st.columns(per_row)
        for col, key in zip(cols, CHART_KPIS[start : start + per_row], strict=False):
            with col:
                st.altair_chart(kpi_chart(short, key, lang), width="stretch", height=190)


def department_of(plan: Plan, rec: RunRecord) -> Department | None:
    """The department data for names in the duty diff: the loaded scenario's, or the run's source file."""
    current = state.scenario()
    if current is not None and current.department.name == plan.department:
        return current.department
    try:
        return load_scenario(rec.source).department if rec.source else None
    except (InputError, OSError):
        return None


def placements_frame(items, name_a: str, name_b: str) -> pd.DataFrame:
    rows = [
        {
            t("col_code"): p.id,
            t("col_name"): p.name,
            name_a: f"{p.section_a or ''} {p.section_a_name}".strip() or t("not_placed"),
            name_b: f"{p.section_b or ''} {p.section_b_name}".strip() or t("not_placed"),
        }
        for p in items
    ]
    return uniform_frame(rows, [t("col_code"), t("col_name"), name_a, name_b])


def sections_frame(items, name_a: str, name_b: str) -> pd.DataFrame:
    rows = [
        {
            name_a: f"{c.section_a or ''} {c.section_a_name}".strip() or t("not_placed"),
            name_b: f"{c.section_b or ''} {c.section_b_name}".strip() or t("not_placed"),
        }
        for c in items
    ]
    return uniform_frame(rows, [name_a, name_b])


def posts_frame(items, name_a: str, name_b: str) -> pd.DataFrame:
    """One row per plan and section: its posts and who holds them, the two plans one under the other."""
    sep = "、" if state.lang() == "zh" else ", "
    rows = [
        {
            t("col_section"): f"{sec} {sec_name}",
            t("col_plan"): plan,
            t("col_posts"): f"{chiefs}/{deputies}",
            t("col_chief"): chief or t("vacant"),
            t("col_deputies"): sep.join(deps),
        }
        for p in items
        for plan, sec, sec_name, chiefs, deputies, chief, deps in (
            (
                name_a,
                p.section_a,
                p.section_a_name,
                p.chief_posts_a,
                p.deputy_posts_a,
                p.chief_a,
                p.deputies_a,
            ),
            (
                name_b,
                p.section_b,
                p.section_b_name,
                p.chief_posts_b,
                p.deputy_posts_b,
                p.chief_b,
                p.deputies_b,
            ),
        )
    ]
    cols = [t("col_section"), t("col_plan"), t("col_posts"), t("col_chief"), t("col_deputies")]
    return uniform_frame(rows, cols)


def diff_panel(
    labeled: dict[int, LabeledPlan], records: dict[int, RunRecord], ref: int, chosen: list[int]
) -> None:
    st.subheader(t("diff_heading"))
    others = [i for i in chosen if i != ref]
    other = st.selectbox(
        t("diff_with"), others, format_func=lambda i: run_option(records[i]), key="diff_other"
    )
    a, b = labeled[ref], labeled[other]
    dept = department_of(a.plan, records[ref])
    if dept is None:
        st.info(t("diff_no_data"))
        return
    if not (a.plan.has_plan and b.plan.has_plan):
        st.info(t("diff_no_plan"))
        return
    diff = duty_diff(a.plan, b.plan, dept)
    if diff.same:
        st.success(t("diff_same"), icon=":material/check_circle:")
        return
    st.caption(
        t(
            "diff_caption",
            a=plain(a.label),
            b=plain(b.label),
            duties=len(diff.duties),
            staff=len(diff.staff),
            sections=len(diff.sections),
            posts=len(diff.posts),
        )
    )
    left, right = st.columns(2)
    with left:
        st.markdown(f"**{t('diff_duties', n=len(diff.duties))}**")
        duties = placements_frame(diff.duties, a.label, b.label)
        st.dataframe(duties, hide_index=True, key="diff_duties", height=table_height(len(duties)))
    with right:
        st.markdown(f"**{t('diff_staff', n=len(diff.staff))}**")
        staff = placements_frame(diff.staff, a.label, b.label)
        st.dataframe(staff, hide_index=True, key="diff_staff", height=table_height(len(staff)))
    if diff.sections:
        st.markdown(f"**{t('diff_sections', n=len(diff.sections))}**")
        sections = sections_frame(diff.sections, a.label, b.label)
        st.dataframe(sections, hide_index=True, key="diff_sections", height=table_height(len(sections)))
    if diff.posts:
        st.markdown(f"**{t('diff_posts', n=len(diff.posts))}**")
        posts = posts_frame(diff.posts, a.label, b.label)
        st.dataframe(posts, hide_index=True, key="diff_posts", height=table_height(len(posts)))


def render() -> None:
    lang = state.lang()
    st.title(t("page_compare"))
    records = {rec.id: rec for rec in state.run_store().list_runs()}
    if not records:
        st.info(t("no_runs"), icon=":material/info:")
        return
    plans = {i: rec.plan() for i, rec in records.items()}
    departments = sorted({p.department for p in plans.values()})
    current = state.scenario()
    default = (
        departments.index(current.department.name)
        if current and current.department.name in departments
        else 0
    )
    department = st.selectbox(t("department"), departments, index=default, key="compare_department")
    ids = [i for i in records if plans[i].department == department]
    chosen = st.multiselect(
        t("runs_label"),
        ids,
        default=ids[-4:],
        format_func=lambda i: run_option(records[i]),
        key="compare_runs",
        placeholder=t("choose"),
    )
    if len(chosen) < 2:
        st.info(t("pick_two"), icon=":material/info:")
        return
    ref = st.selectbox(
        t("reference"), chosen, format_func=lambda i: run_option(records[i]), key="compare_ref"
    )
    labeled = {i: LabeledPlan(run_label(records[i]), plans[i]) for i in chosen}
    ordered = [labeled[i] for i in chosen]
    st.subheader(t("kpi_heading"))
    table = kpi_table(ordered, chosen.index(ref), lang)
    st.dataframe(table, hide_index=True, key="compare_kpis", height=table_height(len(table)))
    kpi_charts(ordered, chosen, lang)
    diff_panel(labeled, records, ref, chosen)


render()
