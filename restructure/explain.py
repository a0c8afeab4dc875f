"""Why there is no plan, and why a plan is as it is.

Infeasible: every rule instance is put behind a literal. A plain solve with every literal fixed
on confirms the conflict first (fast: presolve and the LP see the rules as hard constraints).
CP-SAT then returns, under assumptions, a set of rule instances that suffice for infeasibility;
that set (or every rule, when the assumption solve stalls) is shrunk by deletion (drop a member,
re-solve plainly; if still infeasible it was not needed) until every member is needed, and the
final set is confirmed infeasible by an independent solve with those rules hard and no
assumptions (CP-SAT has had wrong INFEASIBLE answers under assumptions, so no verdict is taken
on trust).
"""

from __future__ import annotations

from dataclasses import replace

from restructure.domain import (
    Department,
    Explanation,
    Finding,
    Function,
    PlanSection,
    SectionKind,
    SolverSettings,
    Status,
)
from restructure.model.build import build
from restructure.model.instance import Instance
from restructure.model.solve import run
from restructure.terms import FUNCTION_EN, FUNCTION_ZH, stage_en, stage_zh

CORE_SHARE = 0.25


def _assumption_solve(
    inst: Instance, settings: SolverSettings, on: list[int], time_limit_s: float, *, core=True
):
    bm = build(inst, switchable=True, with_objective=False)
    lits = {lit.index: lit for lit in bm.guard.literals}
    # cores come from one worker; a plain feasibility check may use the whole portfolio
    params = replace(settings, workers=1 if core else settings.workers, deterministic=settings.deterministic)
    if not core:
        # a plain yes/no: rules fixed on or off by constraints search far better than assumptions
        for i, lit in lits.items():
            bm.model.add(lit == int(i in on))
        raw, solver = run(bm, params, time_limit_s=time_limit_s)
        return raw.status, None, bm
    raw, solver = run(bm, params, time_limit_s=time_limit_s, assumptions=[lits[i] for i in on])
    core = None
    if raw.status is Status.INFEASIBLE:
        core = [i for i in solver.sufficient_assumptions_for_infeasibility() if i in lits]
    return raw.status, core, bm


def explain_infeasible(
    inst: Instance, settings: SolverSettings, *, time_limit_s: float = 10.0
) -> Explanation:
    """``inst`` should be prepared with ``explain=True`` so the section caps can be named."""
    probe = build(inst, switchable=True, with_objective=False)
    registry = probe.guard.registry
    everything = list(registry)
    # A plain solve with every rule fixed on first: presolve and the LP use the rules as hard
    # constraints, so it answers in a fraction of a second where the assumption solve below can
    # search out its whole time (the science bureau with 13 people, a 4-stage chain and at least
    # 4 per section: infeasible in 0.08 s plain, unknown after 10 s under assumptions).
    st, _, _ = _assumption_solve(inst, settings, everything, time_limit_s, core=False)
    if st is not Status.INFEASIBLE:
        return Explanation(
            note_zh="求解器未能在时限内确认冲突所在的规则。",
            note_en="The solver could not pin down the conflicting rules within the time limit.",
        )

    def infeasible(trial: list[int]) -> tuple[Status, list[int] | None]:
        st, _, _ = _assumption_solve(inst, settings, trial, time_limit_s, core=False)
        return st, None

    # A core from the assumptions narrows the deletion to its members; it gets a quarter of the
    # limit, since deletion from every rule by plain solves is the fallback and usually quick.
    st, core, _ = _assumption_solve(inst, settings, everything, max(0.5, CORE_SHARE * time_limit_s))
    members = list(core) if st is Status.INFEASIBLE and core is not None else everything

    members, proven = _shrink(members, infeasible) if members else ([], True)
    if not members:
        return Explanation(
            confirmed=_confirm(inst, settings, [], time_limit_s),
            minimal=True,
            note_zh="即使放开所有可调整的规则也无法形成方案：人员或职责数据本身不足以组成科室（例如人数少于每科最少人数）。",
            note_en="No plan exists even with every adjustable rule relaxed: the staff or duty data cannot form "
            "sections at all (e.g. fewer people than the minimum per section).",
        )
    confirmed = _confirm(inst, settings, members, time_limit_s)
    conflicts = tuple(
        Finding(registry[m].rule, registry[m].instance, "conflict", registry[m].zh, registry[m].en)
        for m in members
    )
    # Which single relaxation, all other rules kept, gives a plan? (Another conflict may remain.)
    relaxable = []
    for m in members:
        st, _, _ = _assumption_solve(
            inst, settings, [x for x in everything if x != m], time_limit_s, core=False
        )
        if st.has_plan:
            relaxable.append(f"{registry[m].rule}:{registry[m].instance}")
    joined_zh = "；".join(f.zh for f in conflicts)
    joined_en = "; ".join(f.en for f in conflicts)
    if len(conflicts) == 2:
        joined_zh = f"{conflicts[0].zh}，但{conflicts[1].zh}"
        joined_en = f"{conflicts[0].en}, but {conflicts[1].en}"
    if len(relaxable) == len(members):
        tail_zh, tail_en = "放宽其中任一条即可形成方案。", "Relaxing any one of them gives a plan."
    elif relaxable:
        names = [f for f in conflicts if f"{f.rule}:{f.instance}" in relaxable]
        tail_zh = (
            "单独放宽可形成方案的是："
            + "、".join(f.zh for f in names)
            + "；放宽其他规则还需同时调整另一处冲突。"
        )
        tail_en = (
            "Relaxing alone gives a plan for: "
            + "; ".join(f.en for f in names)
            + "; others leave another conflict."
        )
    else:
        tail_zh, tail_en = (
            "放宽其中一条后仍有其他冲突，需同时调整。",
            "Relaxing one of them leaves another conflict; adjust together.",
        )
    zh = f"规则冲突：{joined_zh}。{tail_zh}"
    en = f"Rules in conflict: {joined_en}. {tail_en}"
    return Explanation(
        conflicts=conflicts,
        confirmed=confirmed,
        minimal=proven,
        relaxations=tuple(relaxable),
        note_zh=zh,
        note_en=en,
    )


def _shrink(members: list[int], infeasible) -> tuple[list[int], bool]:
    """Deletion: drop each member in turn; when the rest is still infeasible it was not needed
    (and a smaller core, when the check returns one, drops more at once). Returns the members
    left and whether each was shown needed (a check that ran out of time keeps its member)."""
    needed: set[int] = set()
    unsure: set[int] = set()  # kept because its check ran out of time, not shown needed
    i = 0
    while i < len(members):
        trial = members[:i] + members[i + 1 :]
        st, smaller = infeasible(trial)
        if st is Status.INFEASIBLE:
            keep = set(smaller or trial)
            members = [m for m in trial if m in keep]
            i = sum(1 for m in members if m in needed)  # revisit what is not yet shown needed
            continue
        if not st.has_plan:
            unsure.add(members[i])
        needed.add(members[i])
        i += 1
    for m in [m for m in members if m in unsure]:  # ask again of the final, smaller set
        st, _ = infeasible([x for x in members if x != m])
        if st.has_plan:
            unsure.discard(m)
    return members, not unsure.intersection(members)


def _confirm(inst: Instance, settings: SolverSettings, members: list[int], time_limit_s: float) -> bool:
    """Independent re-solve: the conflict's rules as hard constraints, the others off, no
    assumptions, presolve on. Building the same instance again gives the same literal indices."""
    bm = build(inst, switchable=True, with_objective=False)
    for lit in bm.guard.literals:
        bm.model.add(lit == int(lit.index in members))
    raw, _ = run(bm, settings, time_limit_s=time_limit_s)
    return raw.status is Status.INFEASIBLE


# ---------------------------------------------------------------------------------------
# Feasible plans: a reason per duty
# ---------------------------------------------------------------------------------------


def duty_reasons(inst: Instance, sections: list[PlanSection]) -> dict[str, tuple[str, str]]:
    dept: Department = inst.dept
    r, pins = inst.rules, inst.scenario.pins
    today_name = {s.id: s.name for s in dept.sections}
    out: dict[str, tuple[str, str]] = {}
    dynamic_of = {  # key task -> the dynamic section that runs (part of) it
        dept.duty(did).key_task: sec.name
        for sec in sections
        if sec.kind is SectionKind.DYNAMIC
        for did in sec.duties
        if dept.duty(did).key_task
    }
    for sec in sections:
        group_load: dict[str, float] = {}
        for did in sec.duties:
            d = dept.duty(did)
            if d.group:
                group_load[d.group] = group_load.get(d.group, 0.0) + d.workload_fte
        top_group = max(sorted(group_load), key=lambda g: group_load[g]) if group_load else None
        for did in sec.duties:
            d = dept.duty(did)
            if d.current_section in pins.keep_sections:
                out[did] = (
                    f"原科室「{today_name[d.current_section]}」按决定保持原样",
                    f"its section '{today_name[d.current_section]}' is kept as it is by decision",
                )
            elif did in pins.duty_sections:
                out[did] = ("由规划人员指定", "placed here by the planner")
            elif sec.kind is SectionKind.DYNAMIC:
                out[did] = (
                    f"重点工作「{d.key_task}」由动态科室承担",
                    f"key task '{d.key_task}' is run by a dynamic section",
                )
            elif d.function.value in r.single_section and len(inst.duties_of_function(d.function)) > 1:
                out[did] = (
                    f"{FUNCTION_ZH[d.function]}职责集中于一个科室",
                    f"all {FUNCTION_EN[d.function]} duties sit in one section",
                )
            elif d.current_section and d.current_section in sec.successor_of:
                out[did] = (
                    f"随原科室「{today_name[d.current_section]}」延续",
                    f"stays with its section '{today_name[d.current_section]}'",
                )
            elif d.group and d.group == top_group:
                out[did] = (
                    f"与业务板块「{d.group}」其他职责合并",
                    f"joins the other duties of business line '{d.group}'",
                )
            elif d.chain and r.separate_stages:
                out[did] = (
                    f"链条「{d.chain}」的「{stage_zh(d.stage)}」环节须与其他环节分设",
                    f"stage '{stage_en(d.stage)}' of chain '{d.chain}' must sit apart from the other stages",
                )
            elif d.function is Function.KEY_TASK and d.key_task in dynamic_of:
                out[did] = (
                    f"重点工作「{d.key_task}」的动态科室「{dynamic_of[d.key_task]}」之外，此项由基本科室承担",
                    f"key task '{d.key_task}' has the dynamic section '{dynamic_of[d.key_task]}'; "
                    "this duty is run by a basic section",
                )
            elif d.function is Function.KEY_TASK:
                out[did] = (
                    "重点工作未设动态科室，由基本科室承担",
                    "key task without a dynamic section, run by a basic section",
                )
            else:
                out[did] = ("为均衡各科室工作量而调整", "moved to even out workload per FTE")
    return out
