"""Pieces several pages draw: problem tables, org charts, load charts, KPI cards, checks, progress."""

from __future__ import annotations

import numbers
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from app_pages import state
from app_pages.i18n import t
from app_pages.state import lang
from restructure.check import CheckReport
from restructure.domain import Department, Plan, PlanSection, SectionKind, Status
from restructure.errors import Problem
from restructure.export.tables import Table, instance_label, value_label
from restructure.i18n import gap_text, problem_text
from restructure.terms import KPIS, RATIO_KPIS, RULES, SHARE_KPIS, head_titles

# KPI cards: key and how a change reads ("inverse": lower is better, "normal": higher is better,
# "off": neither, e.g. how many sections there are).
KPI_CARDS: tuple[tuple[str, str], ...] = (
    ("sections_basic", "off"),
    ("sections_dynamic", "off"),
    ("max_load_ratio", "inverse"),
    ("min_load_ratio", "normal"),
    ("stage_conflicts", "inverse"),
    ("groups_split", "inverse"),
    ("duties_moved", "off"),
    ("staff_moved", "off"),
    ("business_staff_share", "normal"),
    ("post_changes", "off"),
    ("vacant_chief_posts", "inverse"),
    ("vacant_deputy_posts", "inverse"),
    ("skill_gaps", "inverse"),
)

IN_BAND_COLOR = "#4c78a8"
OUT_OF_BAND_COLOR = "#e45756"
BAND_COLOR = "#54a24b"


# Characters Markdown (and Streamlit's :emoji: and $math$) would read as markup.
MARKDOWN_SPECIALS = frozenset("\\`*_{}[]()#+-.!|<>~$:")


def plain(text: object) -> str:
    """Text from the data or the planner, escaped so Markdown shows it exactly as written."""
    return "".join("\\" + ch if ch in MARKDOWN_SPECIALS else ch for ch in str(text))


# ---------------------------------------------------------------------------------------
# Tables
# ---------------------------------------------------------------------------------------


def uniform_frame(rows: Sequence[Mapping[str, Any]], columns: Sequence[str] | None = None) -> pd.DataFrame:
    """A DataFrame whose columns are all numbers or all text (mixed columns become text), so the
    browser shows every cell as written and Arrow never has to guess."""
    cols = list(columns) if columns is not None else (list(rows[0]) if rows else [])
    data: dict[str, list[Any]] = {}
    for c in cols:
        values = [r.get(c) for r in rows]
        numeric = all(isinstance(v, numbers.Real) and not isinstance(v, bool) for v in values)
        data[c] = values if numeric and values else ["" if v is None else str(v) for v in values]
    return pd.DataFrame(data, columns=cols)


def table_frame(table: Table) -> pd.DataFrame:
    """A display table (``restructure.export.tables``) with its headers in the chosen language."""
    rows = [dict(zip(table.headers, r, strict=True)) for r in table.rows]
    return uniform_frame(rows, table.headers)


def problems_frame(problems: Iterable[Problem], lang: str) -> pd.DataFrame:
    """file, row, column, value and message, the way a planner finds the cell in Excel."""
    rows = [
        {
            t("col_file"): _short_file(p.file),
            t("col_row"): "" if p.row is None else str(p.row),
            t("col_column"): p.column or "",
            t("col_value"): p.value or "",
            t("col_message"): problem_text(p, lang),
        }
        for p in problems
    ]
    return uniform_frame(
        rows, [t("col_file"), t("col_row"), t("col_column"), t("col_value"), t("col_message")]
    )


def _short_file(file: str) -> str:
    # Uploads sit in a temporary folder the planner never saw: show the file's own name.
    return file.rsplit("/", 1)[-1] if file.startswith("/") else file


def show_problems(problems: Sequence[Problem], heading_key: str = "problems_heading") -> None:
    st.error(t(heading_key, n=len(problems)))
    st.dataframe(
        problems_frame(problems, state.lang()),
        hide_index=True,
        key="problems_table",
        height=table_height(len(problems)),
    )


# ---------------------------------------------------------------------------------------
# Org chart (Graphviz DOT text, drawn by the browser)
# ---------------------------------------------------------------------------------------


def dot_string(text: str) -> str:
    """A DOT double-quoted string. Backslashes and quotes are escaped, so no text from the data can end
    the string or start a DOT escape; line breaks become DOT's centred line break."""
    lines = str(text).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    escaped = [line.replace("\\", "\\\\").replace('"', '\\"') for line in lines]
    return '"' + "\\n".join(escaped) + '"'


def section_label_lines(section: PlanSection, dept: Department) -> list[str]:
    chief = t("vacant")
    if section.chief is not None:
        person = next((p for p in dept.staff if p.id == section.chief), None)
        chief = (person.name or person.id) if person is not None else section.chief
    # a 大队's head is its 大队长, a 中心's or 室's its 主任 (the 三定 titles); "Chief" in English
    head_title = head_titles(section.name)[0] if state.lang() != "en" else "Chief"
    return [
        section.name,
        t("chart_chief", name=chief, title=head_title),
        t("chart_posts", chief=section.chief_posts, deputy=section.deputy_posts),
        t("chart_staff", n=len(section.staff), fte=section.capacity_fte),
    ]


def load_ratio(section: PlanSection, dept: Department) -> float | None:
    """Workload per FTE of a section relative to the department's (1 = the department average)."""
    if section.capacity_fte <= 0 or dept.total_capacity <= 0 or dept.total_workload <= 0:
        return None
    return (section.workload_fte / section.capacity_fte) / (dept.total_workload / dept.total_capacity)


def box_width_in(lines: Sequence[str], fontsize: float) -> float:
    """A box wide enough for ``lines`` at ``fontsize`` points, in inches. Why: the browser's
    Graphviz sizes boxes with Latin font metrics, and a long Chinese name (经济犯罪侦查、禁毒和食药环侦大队)
    ran over both edges of its box; a Chinese character is a full em, other characters about half."""
    ems = max(
        (sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.55 for ch in line) for line in lines),
        default=0.0,
    )
    return ems * fontsize / 72 + 0.3


def org_chart_dot(title: str, sections: Sequence[PlanSection], dept: Department, deviation: float) -> str:
    """Department -> sections, each box with name, chief, posts and headcount; out-of-band load in red."""
    lines = [
        "digraph structure {",
        "  rankdir=LR;",
        '  graph [bgcolor="transparent", nodesep=0.15, ranksep=0.4];',
        '  node [shape=box, style="rounded,filled", fontsize=11, fontname="Noto Sans CJK SC", '
        'color="#8c8c8c", fillcolor="#eef3fb"];',
        '  edge [color="#9e9e9e", arrowhead=none];',
        f'  root [label={dot_string(title)}, fillcolor="#dfe7f5", fontsize=13, penwidth=1.5];',
    ]
    for i, s in enumerate(sections):
        fill = "#fff4e0" if s.kind is SectionKind.DYNAMIC else "#eef3fb"
        ratio = load_ratio(s, dept)
        out = ratio is not None and abs(ratio - 1) > deviation + 1e-9
        border = f', color="{OUT_OF_BAND_COLOR}", penwidth=2' if out else ""
        text = section_label_lines(s, dept)
        label = dot_string("\n".join(text))
        lines.append(
            f'  n{i} [label={label}, fillcolor="{fill}", width={box_width_in(text, 11):.2f}{border}];'
        )
        lines.append(f"  root -> n{i};")
    lines.append("}")
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------
# Workload per FTE with the tolerance band
# ---------------------------------------------------------------------------------------


def load_frame(sections: Sequence[PlanSection], dept: Department, deviation: float) -> pd.DataFrame:
    rows = []
    for s in sections:
        ratio = load_ratio(s, dept)
        if ratio is None:
            continue
        rows.append(
            {
                "section": f"{s.id} {s.name}",
                "ratio": round(ratio, 4),
                "workload": round(s.workload_fte, 2),
                "capacity": round(s.capacity_fte, 2),
                "band": t("in_band") if abs(ratio - 1) <= deviation + 1e-9 else t("out_of_band"),
            }
        )
    return pd.DataFrame(rows, columns=["section", "ratio", "workload", "capacity", "band"])


def load_chart(frame: pd.DataFrame, deviation: float, x_max: float) -> alt.LayerChart:
    """Horizontal bars of load ratio per section; shaded band and dashed lines at 1 ± deviation."""
    low, high = max(0.0, 1 - deviation), 1 + deviation
    scale = alt.Scale(domain=[0, x_max])
    band = (
        alt.Chart(pd.DataFrame({"low": [low], "high": [high]}))
        .mark_rect(color=BAND_COLOR, opacity=0.12)
        .encode(x=alt.X("low:Q", scale=scale), x2="high:Q")
    )
    bars = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            y=alt.Y("section:N", sort=None, title=None, axis=alt.Axis(labelLimit=240)),
            x=alt.X("ratio:Q", scale=scale, title=t("load_axis")),
            color=alt.Color(
                "band:N",
                scale=alt.Scale(
                    domain=[t("in_band"), t("out_of_band")], range=[IN_BAND_COLOR, OUT_OF_BAND_COLOR]
                ),
                legend=alt.Legend(title=None, orient="bottom"),
            ),
            tooltip=[
                alt.Tooltip("section:N", title=t("col_section")),
                alt.Tooltip("ratio:Q", title=t("load_axis"), format=".2f"),
                alt.Tooltip("workload:Q", title=t("workload_fte")),
                alt.Tooltip("capacity:Q", title=t("capacity_fte")),
            ],
        )
    )
    limits = (
        alt.Chart(pd.DataFrame({"x": [low, high]}))
        .mark_rule(color=BAND_COLOR, strokeDash=[5, 4], strokeWidth=1.5)
        .encode(x=alt.X("x:Q", scale=scale))
    )
    average = (
        alt.Chart(pd.DataFrame({"x": [1.0]})).mark_rule(color="#555555").encode(x=alt.X("x:Q", scale=scale))
    )
    return alt.layer(band, bars, limits, average)


def chart_height(rows: int, per_row: int = 30, extra: int = 90) -> int:
    """Pixels for a chart with ``rows`` bars (Streamlit sizes the element, not the Vega spec)."""
    return max(150, per_row * rows + extra)


def table_height(rows: int, cap: int = 640) -> int:
    """Pixels that show every row of a dataframe up to ``cap`` (then it scrolls)."""
    return min(cap, 35 * (rows + 1) + 3)


# ---------------------------------------------------------------------------------------
# KPI cards and checks
# ---------------------------------------------------------------------------------------


def capitalized(label: str, lang: str) -> str:
    """An English label starts with a capital, as on the KPI cards; Chinese is left as it is."""
    return label[:1].upper() + label[1:] if lang == "en" else label


def kpi_label(key: str, lang: str) -> str:
    zh, en = KPIS.get(key, (key, key))
    return capitalized(en if lang == "en" else zh, lang)


def format_kpi(key: str, value: float | None) -> str:
    if value is None:
        return "—"
    if key in SHARE_KPIS:
        return f"{value:.0%}"
    if key in RATIO_KPIS:
        return f"{value:.2f}"
    return f"{value:g}" if isinstance(value, float) and not value.is_integer() else f"{int(value)}"


def format_delta(key: str, delta: float) -> str:
    if key in SHARE_KPIS:
        return f"{delta:+.0%}"
    if key in RATIO_KPIS:
        return f"{delta:+.2f}"
    return f"{delta:+g}"


def kpi_cards(plan: Plan, lang: str, per_row: int = 4) -> None:
    """Plan KPIs as metrics with the change against today's structure."""
    cards = [(k, c) for k, c in KPI_CARDS if k in plan.kpis]
    for start in range(0, len(cards), per_row):
        cols = st.columns(per_row)
        for col, (key, direction) in zip(cols, cards[start : start + per_row], strict=False):
            value = plan.kpis.get(key)
            base = plan.baseline_kpis.get(key)
            help_text = t("kpi_today", value=format_kpi(key, base))
            if value is None or base is None:
                col.metric(kpi_label(key, lang), format_kpi(key, value), help=help_text, border=True)
                continue
            delta = round(value - base, 6)
            if abs(delta) < 1e-9:
                col.metric(
                    kpi_label(key, lang),
                    format_kpi(key, value),
                    delta=t("unchanged"),
                    delta_color="off",
                    delta_arrow="off",
                    help=help_text,
                    border=True,
                )
            else:
                col.metric(
                    kpi_label(key, lang),
                    format_kpi(key, value),
                    delta=format_delta(key, delta),
                    delta_color=direction,
                    help=help_text,
                    border=True,
                )


# Checks the validator reports beyond the scenario's rules (restructure.terms.RULES names those).
EXTRA_RULES: dict[str, tuple[str, str]] = {
    "successors": ("科室承继关系", "section succession"),
    "posts_need_people": ("副职有人可任", "deputy posts have people"),
    "posts_filled_by_leaders": ("职务由现任领导担任", "posts filled by today's leaders"),
    "robust_load": ("工作量上浮时仍均衡", "balance with workloads toward high"),
    "kpi_recheck": ("指标复核", "KPI re-check"),
}


def rule_label(key: str, lang: str) -> str:
    # A check added later without a label still reads as words, not as an identifier.
    zh, en = RULES.get(key) or EXTRA_RULES.get(key) or (key.replace("_", " "),) * 2
    return en if lang == "en" else zh


def findings_frame(findings: Iterable[Any], lang: str) -> pd.DataFrame:
    rows = [
        {
            t("col_rule"): rule_label(f.rule, lang),
            t("col_instance"): instance_label(f.rule, f.instance, lang),
            t("col_result"): value_label(f.status, lang),
            t("col_message"): f.en if lang == "en" else f.zh,
        }
        for f in findings
    ]
    return uniform_frame(rows, [t("col_rule"), t("col_instance"), t("col_result"), t("col_message")])


def checks_panel(report: CheckReport, lang: str) -> None:
    """Every rule instance: met, at its limit (binding) or violated, with a summary line on top."""
    met = sum(f.status == "met" for f in report.findings)
    binding = len(report.binding)
    violated = len(report.violations)
    c1, c2, c3 = st.columns(3)
    c1.metric(t("checks_met"), met, border=True)
    c2.metric(t("checks_binding"), binding, border=True)
    c3.metric(t("checks_violated"), violated, border=True)
    if report.ok:
        st.success(t("checks_ok"), icon=":material/check_circle:")
    else:
        st.error(t("checks_failed"), icon=":material/error:")
        for m in report.kpi_mismatches:
            st.markdown(plain(m))
    order = {"violated": 0, "binding": 1, "met": 2}
    findings = sorted(report.findings, key=lambda f: order.get(f.status, 3))
    st.dataframe(
        findings_frame(findings, lang),
        hide_index=True,
        key="checks_table",
        height=table_height(len(findings)),
    )


# ---------------------------------------------------------------------------------------
# Status and progress
# ---------------------------------------------------------------------------------------


def status_text(status: Status) -> str:
    return t(f"status_{status.value}")


def solver_line(plan: Plan) -> str:
    info = plan.solver
    parts = [t("status_label", status=status_text(plan.status)), t("seconds", s=info.seconds)]
    if info.objective is not None:
        parts.append(t("objective_value", v=info.objective))
    if info.bound is not None:
        parts.append(t("bound_value", v=info.bound))
    gap = gap_text(info, lang())
    if gap:
        parts.append(gap)
    return " · ".join(parts)


@st.fragment(run_every=0.5)
def solve_progress() -> None:
    """Live progress of the session's solve: time used, best objective and bound, a stop button.

    Reruns itself every half second while the solve runs, then reruns the whole page once so it
    shows the plan.
    """
    running = state.job()
    if running is None:
        return
    if running.done:
        st.rerun()
        return
    points = running.progress()
    elapsed = running.elapsed()
    # Reproducible mode stops on deterministic time, which runs 1-3 times wall time: the bar can
    # only estimate there, and the text says so rather than "10 s of 5 s".
    deterministic = running.scenario.solver.deterministic
    expected = running.time_limit_s * (2 if deterministic else 1)
    with st.container(border=True):
        st.progress(
            min(1.0, elapsed / max(expected, 1e-9)),
            text=t(
                "solving_deterministic" if deterministic else "solving", s=elapsed, limit=running.time_limit_s
            ),
        )
        best = points[-1] if points else None
        c1, c2, c3, c4 = st.columns([1, 1, 1, 1])
        c1.metric(t("best_objective"), "—" if best is None else f"{best.objective:.1f}")
        c2.metric(t("best_bound"), "—" if best is None else f"{best.bound:.1f}")
        # not len(points): a point may only raise the bound
        c3.metric(t("solutions_found"), 0 if best is None else best.solutions)
        with c4:
            stopped = running.stop_requested
            if st.button(
                t("stopping") if stopped else t("stop"),
                key="stop_solve",
                disabled=stopped,
                icon=":material/stop_circle:",
                help=t("stop_help"),
            ):
                running.stop()
        if len(points) >= 2:
            trace = pd.DataFrame(
                {
                    "s": [p.seconds for p in points] * 2,
                    "value": [p.objective for p in points] + [p.bound for p in points],
                    "series": [t("best_objective")] * len(points) + [t("best_bound")] * len(points),
                }
            )
            chart = (
                alt.Chart(trace)
                .mark_line(point=True, interpolate="step-after")
                .encode(
                    x=alt.X("s:Q", title=t("seconds_axis")),
                    y=alt.Y("value:Q", title=t("objective_axis")),
                    color=alt.Color("series:N", legend=alt.Legend(title=None, orient="top")),
                )
            )
            st.altair_chart(chart, width="stretch", height=240)


def need_scenario() -> bool:
    """True when a scenario is loaded; otherwise says where to load one."""
    if state.scenario() is not None:
        return True
    st.info(t("no_scenario"), icon=":material/info:")
    st.page_link("app_pages/scenario_page.py", label=t("go_scenario"), icon=":material/folder_open:")
    return False


def need_plan() -> bool:
    if not need_scenario():
        return False
    if state.plan() is not None:
        return True
    st.info(t("no_plan"), icon=":material/info:")
    st.page_link("app_pages/plan_page.py", label=t("go_plan"), icon=":material/account_tree:")
    return False


def probability_digits(*probabilities: float) -> int:
    """Decimals for probabilities shown side by side: whole percent, unless rounding would show
    a chance that is not certain as 100% or one that is not nil as 0% (99.6% and 0.4% read
    100% and 0% with a change of -99%, which does not add up)."""
    for digits in (0, 1, 2):
        scale = 10**digits * 100
        if all(p in (0.0, 1.0) or 0 < round(p * scale) < scale for p in probabilities):
            return digits
    return 2
