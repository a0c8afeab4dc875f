"""Scenario page: pick a bundled scenario or upload a department, see it, edit the rules, save TOML."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pandas as pd
import streamlit as st

from app_pages import state
from app_pages.bundled import bundled_scenarios
from app_pages.i18n import t
from app_pages.uploads import Upload, save_uploads
from app_pages.widgets import plain, rule_label, show_problems, uniform_frame
from restructure.domain import Function, Scenario
from restructure.export.tables import value_label
from restructure.i18n import function_name
from restructure.scenario import scenario_to_toml
from restructure.validate import summarize_department

# (rule, min, max) of the integer inputs; bounds keep a planner inside sensible values.
INT_RULES: tuple[tuple[str, int, int], ...] = (
    ("max_basic_sections", 1, 30),
    ("max_dynamic_sections", 0, 10),
    ("max_deputies_per_section", 0, 10),
    ("people_per_deputy_post", 1, 10),
    ("min_section_staff", 1, 100),
)
SHARE_RULES: tuple[str, ...] = (
    "max_nonbusiness_section_share",
    "min_business_staff_share",
    "max_load_deviation",
    "max_staff_moves",
    "robust_margin",
)
BOOL_RULES: tuple[str, ...] = (
    "keep_section_count",
    "keep_leadership_posts",
    "separate_stages",
    "dynamic_for_key_tasks_only",
)
WEIGHTS: tuple[str, ...] = (
    "balance",
    "cohesion",
    "disruption",
    "skills",
    "posts",
    "structure",
    "span",
    "key_tasks",
)


def pick_source() -> None:
    bundled_tab, upload_tab = st.tabs([t("tab_bundled"), t("tab_upload")])
    with bundled_tab:
        choices = bundled_scenarios()
        names = [b.name for b in choices]
        current = state.source()
        index = next((i for i, b in enumerate(choices) if current and str(b.path) == current.path), 0)
        picked = st.selectbox(t("bundled_label"), names, index=index, key="bundled_pick")
        if st.button(t("load"), key="load_bundled", type="primary", icon=":material/folder_open:"):
            chosen = choices[names.index(picked)]
            src = state.Source(str(chosen.path), state.SCENARIO_KIND, chosen.name, "")
            if not state.switch_source(src):
                st.rerun()
    with upload_tab:
        st.caption(t("upload_help"))
        files = st.file_uploader(
            t("upload_label"), type=["xlsx", "csv", "zip"], accept_multiple_files=True, key="upload_files"
        )
        name = st.text_input(t("upload_name"), key="upload_name", help=t("upload_name_help"))
        if st.button(t("load_upload"), key="load_upload", icon=":material/upload:", disabled=not files):
            saved = save_uploads(
                [Upload(f.name, f.getvalue()) for f in files or []], state.upload_root(), name
            )
            if saved.problems:
                st.session_state[state.PROBLEMS] = list(saved.problems)
            else:
                src = state.Source(str(saved.path), state.DEPARTMENT_KIND, saved.label, saved.path.name)
                if not state.switch_source(src):
                    st.rerun()


def department_summary(sc: Scenario, lang: str) -> None:
    summary = summarize_department(sc.department)
    st.subheader(t("summary_heading", name=plain(sc.name)))
    if sc.description:
        st.caption(plain(sc.description))
    c = st.columns(6)
    c[0].metric(t("sum_sections"), summary["sections"], help=t("sum_sections_help", **summary), border=True)
    c[1].metric(t("sum_duties"), summary["duties"], border=True)
    c[2].metric(t("sum_staff"), summary["staff"], help=t("sum_staff_help", **summary), border=True)
    c[3].metric(t("sum_workload"), f"{summary['workload_fte']:g}", help=t("sum_workload_help"), border=True)
    c[4].metric(t("sum_capacity"), f"{summary['capacity_fte']:g}", help=t("sum_capacity_help"), border=True)
    c[5].metric(
        t("sum_posts"),
        t("posts_value", chief=summary["chief_posts"], deputy=summary["deputy_posts"]),
        border=True,
    )
    rows = [
        {
            t("col_function"): function_name(f, lang),
            t("col_duties"): summary["duties_by_function"][f.value],
            t("col_workload"): summary["workload_by_function"][f.value],
        }
        for f in Function
        if summary["duties_by_function"][f.value]
    ]
    left, right = st.columns(2)
    with left:
        st.dataframe(uniform_frame(rows), hide_index=True, key="function_table")
    with right:
        sections = [
            {
                t("col_code"): s.id,
                t("col_section"): s.name,
                t("col_kind"): value_label(s.kind.value, lang),
                t("col_people"): sum(p.current_section == s.id for p in sc.department.staff),
            }
            for s in sc.department.sections
        ]
        st.dataframe(uniform_frame(sections), hide_index=True, key="sections_table")


def _share_input(col, label: str, current: float, key: str, help_text: str) -> float:
    """A share between 0 and 1 (a value already above 1 stays as it is until the planner edits it)."""
    return col.number_input(
        label,
        min_value=0.0,
        max_value=max(1.0, current),
        value=current,
        step=0.05,
        format="%.2f",
        key=key,
        help=help_text,
    )


_NAME_SEPARATORS = re.compile(r"[、,，;；+＋]")


def parse_related_groups(text: str) -> list[list[str]]:
    """One set of related business lines per line, names separated by 、 , ; or +. A line with
    a single name is kept, so that the loader says what is wrong with it."""
    out = []
    for line in text.splitlines():
        names = [n.strip() for n in _NAME_SEPARATORS.split(line) if n.strip()]
        if names:
            out.append(names)
    return out


def rules_form(sc: Scenario, lang: str) -> None:
    """Rules, soft-goal weights and solver time; only what differs from the loaded values becomes an edit."""
    gen = state.generation()
    r, w, s = sc.rules, sc.objective, sc.solver
    with st.form(f"rules_form_{gen}"):
        st.markdown(f"**{t('rules_heading')}**")
        cols = st.columns(len(INT_RULES) + 1)
        values: dict[str, object] = {}
        # What each input showed when drawn: only what the planner changed becomes an edit (a value
        # clamped into an input's bounds is not a change the planner made).
        shown: dict[str, object] = {}
        for i, (key, low, high) in enumerate(INT_RULES):
            current = shown[f"rules.{key}"] = int(getattr(r, key))
            values[f"rules.{key}"] = cols[i].number_input(
                rule_label(key, lang),
                min_value=low,
                max_value=max(high, current),
                value=current,
                step=1,
                key=f"rule_{key}_{gen}",
                help=f"`{key}`",
            )
        shown["rules.max_section_staff"] = r.max_section_staff
        values["rules.max_section_staff"] = cols[-1].number_input(
            rule_label("max_section_staff", lang),
            min_value=1,
            max_value=max(1000, r.max_section_staff or 0),
            value=r.max_section_staff,
            step=1,
            key=f"rule_max_section_staff_{gen}",
            help=t("max_section_staff_help"),
        )
        cols = st.columns(4)
        for i, key in enumerate(SHARE_RULES):
            current = shown[f"rules.{key}"] = float(getattr(r, key))
            values[f"rules.{key}"] = _share_input(
                cols[i % 4], rule_label(key, lang), current, f"rule_{key}_{gen}", f"`{key}`"
            )
        cols = st.columns(4)
        for i, key in enumerate(BOOL_RULES):
            shown[f"rules.{key}"] = bool(getattr(r, key))
            values[f"rules.{key}"] = cols[i % 4].checkbox(
                rule_label(key, lang), value=bool(getattr(r, key)), key=f"rule_{key}_{gen}", help=f"`{key}`"
            )
        shown["rules.single_section"] = list(r.single_section)
        values["rules.single_section"] = st.multiselect(
            rule_label("single_section", lang),
            [f.value for f in Function],
            default=list(r.single_section),
            format_func=lambda v: function_name(Function(v), lang),
            key=f"rule_single_section_{gen}",
            help="`single_section`",
            placeholder=t("choose"),
        )
        st.markdown(f"**{t('weights_heading')}**")
        # four to a row: eight in one row wrap their labels and the inputs no longer line up
        cols = [col for _ in range(0, len(WEIGHTS), 4) for col in st.columns(4)]
        for i, key in enumerate(WEIGHTS):
            current = shown[f"objective.{key}"] = float(getattr(w, key))
            values[f"objective.{key}"] = cols[i].number_input(
                t(f"weight_{key}"),
                min_value=0.0,
                max_value=max(1000.0, current),
                value=current,
                step=1.0,
                format="%g",
                key=f"weight_{key}_{gen}",
                help=f"`objective.{key}`",
            )
        band = shown["objective.balance_band"] = float(w.balance_band)
        band_col, ratio_col, related_col = st.columns([1, 1, 3])
        values["objective.balance_band"] = _share_input(
            band_col, t("balance_band"), band, f"balance_band_{gen}", t("balance_band_help")
        )
        ratio = shown["objective.span_ratio"] = float(w.span_ratio)
        values["objective.span_ratio"] = ratio_col.number_input(
            t("span_ratio"),
            min_value=1.0,
            max_value=max(10.0, ratio),
            value=ratio,
            step=0.5,
            format="%g",
            key=f"span_ratio_{gen}",
            help=t("span_ratio_help"),
        )
        shown["objective.related_groups"] = [list(g) for g in w.related_groups]
        lines = sorted({d.group for d in sc.department.duties if d.group})
        values["objective.related_groups"] = parse_related_groups(
            related_col.text_area(
                t("related_groups"),
                value="\n".join("、".join(g) for g in w.related_groups),
                height=68,
                key=f"related_groups_{gen}",
                help=t("related_groups_help", lines="、".join(lines) or "—"),
                placeholder=t("related_groups_placeholder"),
            )
        )
        st.markdown(f"**{t('solver_heading')}**")
        cols = st.columns(4)
        limit = shown["solver.time_limit_s"] = float(min(600.0, max(1.0, s.time_limit_s)))
        values["solver.time_limit_s"] = cols[0].number_input(
            t("time_limit"),
            min_value=1.0,
            max_value=600.0,
            value=limit,
            step=1.0,
            format="%g",
            key=f"time_limit_{gen}",
        )
        shown["solver.seed"], shown["solver.workers"] = int(s.seed), int(s.workers)
        shown["solver.deterministic"] = bool(s.deterministic)
        values["solver.seed"] = cols[1].number_input(
            t("seed"), min_value=0, max_value=2**31 - 1, value=int(s.seed), step=1, key=f"seed_{gen}"
        )
        values["solver.workers"] = cols[2].number_input(
            t("workers"),
            min_value=1,
            max_value=max(64, int(s.workers)),
            value=int(s.workers),
            step=1,
            key=f"workers_{gen}",
        )
        values["solver.deterministic"] = cols[3].checkbox(
            t("deterministic"),
            value=bool(s.deterministic),
            key=f"deterministic_{gen}",
            help=t("deterministic_help"),
        )
        submitted = st.form_submit_button(t("apply_rules"), type="primary", icon=":material/check:")
    if submitted:
        # An emptied optional cap cannot be written as TOML: it stays as loaded.
        changes = {k: v for k, v in values.items() if v is not None and v != shown[k]}
        if not changes:
            st.info(t("nothing_changed"))
            return
        found = state.edit(changes)
        if found:
            show_problems(found, "edit_problems_heading")
        else:
            st.rerun()


def edits_in_force(lang: str) -> None:
    edits = state.overrides()
    if not edits:
        return
    with st.expander(t("edits_heading", n=len(edits))):
        st.dataframe(
            pd.DataFrame({t("col_setting"): list(edits), t("col_value"): [str(v) for v in edits.values()]}),
            hide_index=True,
            key="edits_table",
        )
        if st.button(t("reset_edits"), key="reset_edits", icon=":material/undo:"):
            state.reset_edits()
            st.rerun()


def save_toml(sc: Scenario) -> None:
    src = state.source()
    data = scenario_data_name(sc, src)
    text = scenario_to_toml(sc, data=data)
    st.download_button(
        t("download_toml"),
        text.encode("utf-8"),
        file_name=f"{Path(src.path).stem if src and src.kind == state.SCENARIO_KIND else 'scenario'}.toml",
        mime="application/toml",
        key="download_toml",
        icon=":material/download:",
        on_click="ignore",
    )
    st.caption(t("toml_data_note", data=plain(data)))


def scenario_data_name(sc: Scenario, src: state.Source | None) -> str:
    """How the saved TOML names the data: next to the original scenario file, or the uploaded name."""
    if src is None:
        return str(sc.settings.get("data", ""))
    if src.data_name:
        return src.data_name
    data = str(sc.settings.get("data", ""))
    return os.path.relpath(data, Path(src.path).parent) if data else data


def render() -> None:
    lang = state.lang()
    st.title(t("page_scenario"))
    pick_source()
    found = state.problems()
    if found:
        show_problems(found)
    sc = state.scenario()
    if sc is None:
        st.info(t("pick_first"), icon=":material/info:")
        return
    st.divider()
    department_summary(sc, lang)
    st.divider()
    rules_form(sc, lang)
    edits_in_force(lang)
    save_toml(sc)


render()
