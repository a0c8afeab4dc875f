"""Simulation page: uncertain workloads, overload risk and process lead times, today vs the plan."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from app_pages import state
from app_pages.i18n import t
from app_pages.widgets import (
    BAND_COLOR,
    chart_height,
    need_plan,
    plain,
    probability_digits,
    show_problems,
    uniform_frame,
)
from restructure.errors import InputError
from restructure.simulate import simulate
from restructure.simulate.report import SimulationReport, label


def structure_name(key: str) -> str:
    return label(key, state.lang())


def risk_frame(report: SimulationReport) -> pd.DataFrame:
    rows = []
    for structure in (report.today, report.plan):
        if structure is None:
            continue
        for s in structure.sections:
            if not s.staffed:
                continue
            rows.append(
                {
                    "structure": structure_name(structure.label),
                    "section": f"{s.section_id} {s.name}",
                    "p5": s.p5,
                    "p25": s.p25,
                    "p50": s.p50,
                    "p75": s.p75,
                    "p95": s.p95,
                    "p_over": s.p_over,
                    "p_under": s.p_under,
                }
            )
    return pd.DataFrame(
        rows, columns=["structure", "section", "p5", "p25", "p50", "p75", "p95", "p_over", "p_under"]
    )


def distribution_chart(frame: pd.DataFrame, tolerance: float, x_max: float) -> alt.LayerChart:
    """Per section: P5–P95 line, P25–P75 box and the median; dashed lines at the tolerance band."""
    low, high = max(0.0, 1 - tolerance), 1 + tolerance
    scale = alt.Scale(domain=[0, x_max])
    y = alt.Y("section:N", sort=None, title=None, axis=alt.Axis(labelLimit=240))
    base = alt.Chart(frame)
    whisker = base.mark_rule(color="#4c78a8").encode(
        x=alt.X("p5:Q", title=t("load_axis"), scale=scale), x2="p95:Q", y=y
    )
    box = base.mark_bar(size=12, color="#9ecae9").encode(
        x=alt.X("p25:Q", scale=scale),
        x2="p75:Q",
        y=y,
        tooltip=[
            "section:N",
            alt.Tooltip("p5:Q", format=".2f"),
            alt.Tooltip("p50:Q", format=".2f"),
            alt.Tooltip("p95:Q", format=".2f"),
        ],
    )
    median = base.mark_tick(color="#1f3b73", thickness=2, size=14).encode(x=alt.X("p50:Q", scale=scale), y=y)
    limits = (
        alt.Chart(pd.DataFrame({"x": [low, high]}))
        .mark_rule(color=BAND_COLOR, strokeDash=[5, 4])
        .encode(x=alt.X("x:Q", scale=scale))
    )
    return alt.layer(limits, whisker, box, median)


def overload_chart(frame: pd.DataFrame) -> alt.Chart:
    return (
        alt.Chart(frame)
        .mark_bar(color="#e45756")
        .encode(
            y=alt.Y("section:N", sort=None, title=None, axis=alt.Axis(labelLimit=240)),
            x=alt.X(
                "p_over:Q", title=t("p_over_axis"), axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])
            ),
            tooltip=["section:N", alt.Tooltip("p_over:Q", format=".1%")],
        )
    )


def structure_charts(report: SimulationReport) -> None:
    """Today and the plan side by side, on the same axis, so a section's risk reads across."""
    frame = risk_frame(report)
    x_max = max(1 + report.today.tolerance, float(frame["p95"].max()) if len(frame) else 1.0) * 1.08
    parts = [(structure_name(w.label), w) for w in (report.today, report.plan) if w is not None]
    st.subheader(t("distribution_heading"))
    for col, (name, _) in zip(st.columns(len(parts)), parts, strict=True):
        rows = frame[frame["structure"] == name]
        with col:
            st.markdown(f"**{name}**")
            st.altair_chart(
                distribution_chart(rows, report.today.tolerance, x_max),
                width="stretch",
                height=chart_height(len(rows), per_row=26, extra=70),
            )
    st.caption(t("distribution_caption", dev=report.today.tolerance))
    st.subheader(t("overload_heading"))
    for col, (name, _) in zip(st.columns(len(parts)), parts, strict=True):
        rows = frame[frame["structure"] == name]
        with col:
            st.markdown(f"**{name}**")
            st.altair_chart(
                overload_chart(rows), width="stretch", height=chart_height(len(rows), per_row=26, extra=70)
            )


def process_chart(report: SimulationReport) -> alt.Chart | None:
    rows = []
    parts = (
        ("processing_days", "days_processing"),
        ("handoff_days", "days_handoff"),
        ("queue_days", "days_queue"),
    )
    for c in report.processes:
        for flow in (c.before, c.after):
            if flow is None:
                continue
            for attr, key in parts:
                rows.append(
                    {
                        "row": f"{c.name} · {structure_name(flow.structure)}",
                        "process": c.name,
                        "structure": structure_name(flow.structure),
                        "part": t(key),
                        "days": float(getattr(flow, attr)),
                    }
                )
    if not rows:
        return None
    return (
        alt.Chart(pd.DataFrame(rows))
        .mark_bar()
        .encode(
            y=alt.Y("row:N", title=None, sort=None, axis=alt.Axis(labelLimit=320)),
            x=alt.X("sum(days):Q", title=t("days_axis")),
            color=alt.Color("part:N", legend=alt.Legend(title=None, orient="bottom")),
            tooltip=["process:N", "structure:N", "part:N", alt.Tooltip("days:Q", format=".1f")],
        )
    )


def render() -> None:
    lang = state.lang()
    st.title(t("page_simulation"))
    st.caption(t("simulation_help"))
    if not need_plan():
        return
    plan, sc = state.plan(), state.plan_scenario()
    if not plan.has_plan:
        st.info(t("simulation_no_plan"), icon=":material/info:")
        return
    with st.form("simulation_form"):
        c1, c2 = st.columns(2)
        draws = c1.number_input(
            t("draws"), min_value=500, max_value=100_000, value=10_000, step=500, key="sim_draws"
        )
        seed = c2.number_input(t("seed"), min_value=0, max_value=2**31 - 1, value=0, step=1, key="sim_seed")
        run = st.form_submit_button(t("run_simulation"), type="primary", icon=":material/casino:")
    if run:
        try:
            st.session_state[state.SIM_REPORT] = simulate(sc, plan, draws=int(draws), seed=int(seed))
        except InputError as e:
            show_problems(e.problems, "edit_problems_heading")
            return
    report: SimulationReport | None = st.session_state.get(state.SIM_REPORT)
    if report is None:
        return
    c = st.columns(3)
    today = report.today.p_any_over
    digits = probability_digits(today, *([report.plan.p_any_over] if report.plan is not None else []))
    c[0].metric(t("p_any_over_today"), f"{today:.{digits}%}", border=True)
    if report.plan is not None:
        c[1].metric(
            t("p_any_over_plan"),
            f"{report.plan.p_any_over:.{digits}%}",
            delta=f"{report.plan.p_any_over - today:+.{digits}%}",
            delta_color="inverse",
            border=True,
        )
    c[2].metric(t("draws"), f"{report.draws:,}", border=True)
    structure_charts(report)
    chart = process_chart(report)
    if chart is not None:
        st.subheader(t("process_heading"))
        st.altair_chart(chart, width="stretch", height=chart_height(2 * len(report.processes), extra=110))
        for note in report.overload_notes(lang):
            st.caption(plain(note))
    tables = report.tables(lang)
    with st.expander(t("simulation_tables")):
        for key, table in tables.items():
            st.markdown(f"**{label(key, lang)}**")
            rows = table.to_dict("records")
            st.dataframe(uniform_frame(rows, list(table.columns)), hide_index=True, key=f"sim_{key}")


render()
