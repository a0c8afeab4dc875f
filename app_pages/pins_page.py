"""Pins page: decisions already taken (sections kept, items together/apart, duties placed by hand),
then a re-solve that starts from the current plan."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import streamlit as st

from app_pages import state
from app_pages.i18n import t
from app_pages.widgets import need_scenario, plain, rule_label, show_problems, uniform_frame
from restructure.domain import Department, Scenario

LOW_DISRUPTION_FACTOR = 5  # "low disruption": the disruption weight times this (at least LOW_DISRUPTION_MIN)
LOW_DISRUPTION_MIN = 10.0
LOW_DISRUPTION_APPLIED = "low_disruption_applied"  # session key: the disruption weight the box last set


def item_names(dept: Department) -> dict[str, str]:
    """Duty and staff ids -> "id name", for pickers and lists."""
    names = {d.id: f"{d.id} {d.name}" for d in dept.duties}
    names |= {p.id: f"{p.id} {p.name or ''}".strip() for p in dept.staff}
    return names


def section_names(dept: Department) -> dict[str, str]:
    return {s.id: f"{s.id} {s.name}" for s in dept.sections}


def apply(changes: Mapping[str, Any]) -> None:
    found = state.edit(changes)
    if found:
        show_problems(found, "edit_problems_heading")
    else:
        st.rerun()


def keep_sections(sc: Scenario) -> None:
    st.subheader(rule_label("keep_section", state.lang()))
    st.caption(t("keep_help"))
    names = section_names(sc.department)
    gen = state.generation()
    with st.form(f"keep_form_{gen}"):
        chosen = st.multiselect(
            t("keep_label"),
            list(names),
            default=[s for s in sc.pins.keep_sections if s in names],
            format_func=lambda sid: names[sid],
            key=f"keep_sections_{gen}",
            placeholder=t("choose"),
        )
        if st.form_submit_button(t("apply_pins"), icon=":material/check:"):
            apply({"pins.keep_sections": list(chosen)})


def groups(sc: Scenario) -> None:
    lang = state.lang()
    st.subheader(t("groups_heading"))
    st.caption(t("groups_help"))
    names = item_names(sc.department)
    for rule in ("together", "apart"):
        current: Sequence[Sequence[str]] = getattr(sc.rules, rule)
        for i, group in enumerate(current):
            c1, c2 = st.columns([5, 1], vertical_alignment="center")
            items = "、".join(names.get(x, x) for x in group)
            c1.markdown(plain(t("group_line", rule=rule_label(rule, lang), items=items)))
            if c2.button(t("remove"), key=f"remove_{rule}_{i}", icon=":material/delete:"):
                rest = [list(g) for j, g in enumerate(current) if j != i]
                apply({f"rules.{rule}": rest})
    gen = state.generation()
    with st.form(f"group_form_{gen}"):
        picked = st.multiselect(
            t("group_items"),
            list(names),
            format_func=lambda i: names[i],
            key=f"group_items_{gen}",
            placeholder=t("choose"),
        )
        kind = st.radio(
            t("group_kind"),
            ["together", "apart"],
            format_func=lambda r: rule_label(r, lang),
            horizontal=True,
            key=f"group_kind_{gen}",
        )
        if st.form_submit_button(t("add_group"), icon=":material/add:"):
            if len(picked) < 2:
                st.warning(t("group_too_small"))
            else:
                existing = [list(g) for g in getattr(sc.rules, kind)]
                apply({f"rules.{kind}": [*existing, list(picked)]})


def duty_moves(sc: Scenario) -> None:
    st.subheader(rule_label("duty_section", state.lang()))
    st.caption(t("duty_pin_help"))
    dept = sc.department
    duties = {d.id: f"{d.id} {d.name}" for d in dept.duties}
    sections = section_names(dept)
    pinned = dict(sc.pins.duty_sections)
    plan = state.plan()
    where = plan.section_of_duty() if plan is not None and plan.has_plan else {}
    plan_names = {s.id: s.name for s in plan.sections} if plan is not None else {}
    if pinned:
        rows = [
            {
                t("col_duty"): duties.get(d, d),
                t("col_pinned_to"): sections.get(s, s),
                t("col_in_plan"): plan_names.get(where.get(d, ""), ""),
            }
            for d, s in pinned.items()
        ]
        st.dataframe(uniform_frame(rows), hide_index=True, key="duty_pins_table")
        c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
        drop = c1.selectbox(
            t("unpin_label"), list(pinned), format_func=lambda d: duties.get(d, d), key="unpin_duty"
        )
        if c2.button(t("remove"), key="unpin", icon=":material/delete:"):
            apply({"pins.duty_sections": {d: s for d, s in pinned.items() if d != drop}})
    gen = state.generation()
    with st.form(f"duty_form_{gen}"):
        c1, c2 = st.columns(2)
        duty = c1.selectbox(
            t("col_duty"),
            list(duties),
            format_func=lambda d: duties[d] + (f" → {plan_names[where[d]]}" if d in where else ""),
            key=f"pin_duty_{gen}",
        )
        target = c2.selectbox(
            t("pin_target"), list(sections), format_func=lambda s: sections[s], key=f"pin_target_{gen}"
        )
        if st.form_submit_button(t("pin_duty"), icon=":material/push_pin:"):
            apply({"pins.duty_sections": pinned | {duty: target}})


def resolve(sc: Scenario) -> None:
    st.subheader(t("resolve_heading"))
    plan = state.plan()
    has_hint = plan is not None and plan.has_plan
    st.caption(t("resolve_help") if has_hint else t("resolve_no_hint"))
    # The weight this page set last time: ticking the box again must not raise it again.
    applied = st.session_state.get(LOW_DISRUPTION_APPLIED)
    already = applied is not None and sc.objective.disruption == applied
    target = low_disruption_weight(sc)
    low = st.checkbox(
        t("low_disruption_set", w=sc.objective.disruption) if already else t("low_disruption", w=target),
        key="low_disruption",
        help=t("low_disruption_help"),
    )
    if st.button(
        t("resolve"), key="resolve", type="primary", disabled=state.solving(), icon=":material/replay:"
    ):
        if low and not already:
            found = state.edit({"objective.disruption": target})
            if found:
                show_problems(found, "edit_problems_heading")
                return
            st.session_state[LOW_DISRUPTION_APPLIED] = target
        state.start_solve(hint=plan if has_hint else None)
        st.rerun()


def low_disruption_weight(sc: Scenario) -> float:
    return float(max(LOW_DISRUPTION_MIN, sc.objective.disruption * LOW_DISRUPTION_FACTOR))


def render() -> None:
    st.title(t("page_pins"))
    if not need_scenario():
        return
    sc = state.scenario()
    keep_sections(sc)
    st.divider()
    groups(sc)
    st.divider()
    duty_moves(sc)
    st.divider()
    resolve(sc)


render()
