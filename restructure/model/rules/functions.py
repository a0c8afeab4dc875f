"""What kind of work sections do: 综合保障 in one section, 集中许可, dynamic sections only for
live key tasks (one key task each and one section per key task), and the share of non-business sections and staff;
the soft ``key_tasks`` goal: a live key task's duties in a dynamic section, not spread over standing ones."""

from __future__ import annotations

from ortools.sat.python import cp_model

from restructure.check import live_key_task_duties
from restructure.domain import Function, SectionKind, exact
from restructure.model.instance import Instance, Layout
from restructure.model.variables import Guard, Penalty, Vars
from restructure.terms import FUNCTION_ZH, percent


def define(inst: Instance, m: cp_model.CpModel, v: Vars, guard: Guard) -> list[Penalty]:
    r = inst.rules
    K = range(inst.n_slots)
    for fname in r.single_section:
        f = Function(fname)
        duties = inst.duties_of_function(f)
        if len(duties) < 2:
            continue
        lits = guard(
            "single_section",
            f.value,
            f"{FUNCTION_ZH[f]}职责（{len(duties)}项）须集中在一个科室",
            f"all {len(duties)} {f.value} duties must sit in one section",
        )
        home = [m.new_bool_var(f"home[{f.value},{k}]") for k in K]
        m.add_exactly_one(home).only_enforce_if(lits)
        v.homes.append(home)
        for i in duties:
            for k in K:
                m.add_implication(v.x[i][k], home[k]).only_enforce_if(lits)

    dyn = inst.slots_of(SectionKind.DYNAMIC)
    if r.dynamic_for_key_tasks_only and dyn:
        live = sorted(inst.live_key_tasks)
        lits = guard(
            "dynamic_for_key_tasks_only",
            "",
            f"动态科室只承担进行中的重点工作（{len(live)}项），每个动态科室对应一项，一项重点工作只设一个动态科室",
            f"dynamic sections hold only duties of live key tasks ({len(live)}), one key task each and one section per key task",
        )
        if inst.layout is Layout.LABELLED:
            _key_task_slots(inst, m, v, dyn, lits)
        else:
            _key_tasks_anywhere(inst, m, v, dyn, live, lits)

    share = r.max_nonbusiness_section_share
    if share < 1:
        cap = exact(share)
        lits = guard(
            "max_nonbusiness_section_share",
            "",
            f"非业务科室（以综合保障或政策法规为主）不超过科室总数的{percent(share)}",
            f"non-business sections (mainly support or policy) at most {percent(share)} of all sections",
        )
        nonbiz = sum(v.nonbusiness(k) for k in K)
        # nonbiz / sections <= cap, multiplied out: exact for the share as typed
        m.add(cap.denominator * nonbiz <= cap.numerator * v.sections_of()).only_enforce_if(lits)

    bshare = r.min_business_staff_share
    if bshare > 0:
        lits = guard(
            "min_business_staff_share",
            "",
            f"业务科室人员力量不少于{percent(bshare)}",
            f"at least {percent(bshare)} of staff capacity in business sections",
        )
        total = inst.total_cap
        biz_cap = []
        for k in K:
            nonbiz_k = v.nonbusiness(k)
            bc = m.new_int_var(0, total, f"biz_cap[{k}]")
            m.add(bc <= v.capacity(k))
            m.add(bc <= total * (1 - nonbiz_k))
            biz_cap.append(bc)
        floor = exact(bshare)
        m.add(floor.denominator * sum(biz_cap) >= floor.numerator * total).only_enforce_if(lits)
    return [Penalty("key_tasks", _key_task_duties_outside(inst, m, v, dyn))]


def _key_task_duties_outside(inst: Instance, m: cp_model.CpModel, v: Vars, dyn: list[int]) -> cp_model.IntVar:
    """Live key-task duties outside every dynamic section, as ``check.key_task_duties_outside``
    counts them. Without it a key task's new duties are free filler for standing sections: the
    cheapest plan for 人防办 spread 重大项目推进 over three basic sections and set up no 专班."""
    duties = [inst.duty_index[d] for d in live_key_task_duties(inst.scenario)]
    if inst.rules.max_dynamic_sections == 0:
        duties = []
    outside = m.new_int_var(0, len(duties), "key_task_duties_outside")
    # Counted on the standing slots, not as "all minus those in dynamic ones" (the same count, each
    # duty sitting in one slot): with that form the 10 s bound on the generated 300/150 was 60
    # against 158 with this one (it reached 158 only after 30 s).
    standing = sorted(set(range(inst.n_slots)) - set(dyn))
    m.add(outside == sum(v.x[i][k] for i in duties for k in standing))
    return outside


def _key_task_slots(inst: Instance, m: cp_model.CpModel, v: Vars, dyn: list[int], lits: list) -> None:
    """Labelled layout: a dynamic slot per live key task, holding that task's duties only."""
    for k in dyn:
        t = inst.slots[k].task
        for i, d in enumerate(inst.duties):
            if not (d.function is Function.KEY_TASK and d.key_task == t):
                m.add(v.x[i][k] == 0).only_enforce_if(lits)


def _key_tasks_anywhere(
    inst: Instance, m: cp_model.CpModel, v: Vars, dyn: list[int], live: list[str], lits: list
) -> None:
    """Anonymous layout: each dynamic slot takes one live key task, each key task one slot."""
    tasks_of: dict[str, list] = {t: [] for t in live}
    for k in dyn:
        task = {t: m.new_bool_var(f"task[{k},{t}]") for t in live}
        for t in live:
            tasks_of[t].append(task[t])
        m.add(sum(task.values()) <= 1).only_enforce_if(lits)
        for i, d in enumerate(inst.duties):
            if d.function is Function.KEY_TASK and d.key_task in task:
                m.add_implication(v.x[i][k], task[d.key_task]).only_enforce_if(lits)
            else:
                m.add(v.x[i][k] == 0).only_enforce_if(lits)
    for t in live:  # one key task, one dynamic section (因事设置)
        m.add(sum(tasks_of[t]) <= 1).only_enforce_if(lits)
