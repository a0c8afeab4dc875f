"""Soft goals on content: a business line (业务板块) in few sections (cohesion), and the skills
a section's duties need present among its people (skills)."""

from __future__ import annotations

from collections import defaultdict

from ortools.sat.python import cp_model

from restructure.check import cohesion_groups
from restructure.model.instance import Instance
from restructure.model.variables import Guard, Penalty, Vars


def groups(inst: Instance) -> dict[str, list[int]]:
    """group -> duty indices, the same list the checker counts (``check.cohesion_groups``)."""
    related, concentrated = inst.scenario.objective.related_groups, inst.rules.single_section
    return {
        g: [inst.duty_index[d] for d in ids]
        for g, ids in cohesion_groups(inst.dept, related, concentrated).items()
    }


def define(inst: Instance, m: cp_model.CpModel, v: Vars, guard: Guard) -> list[Penalty]:
    K = range(inst.n_slots)
    splits = []
    for g, duties in sorted(groups(inst).items()):
        present = [m.new_bool_var(f"group[{g},{k}]") for k in K]
        for k in K:
            for i in duties:
                m.add_implication(v.x[i][k], present[k])
        # a non-negative variable, so that the objective's trivial bound is 0, not -|groups|
        split = m.new_int_var(0, inst.n_slots - 1, f"split[{g}]")
        m.add(split >= sum(present) - 1)
        splits.append(split)

    needed: dict[str, list[int]] = defaultdict(list)
    for i, d in enumerate(inst.duties):
        for s in d.skills:
            needed[s].append(i)
    gaps = []
    for skill, duties in sorted(needed.items()):
        holders = [c for c in inst.classes if skill in c.skills]
        if not holders:
            continue  # nobody has it: no placement can help, so it costs nothing here
        for k in K:
            need = m.new_bool_var(f"need[{skill},{k}]")
            for i in duties:
                m.add_implication(v.x[i][k], need)
            have = m.new_bool_var(f"have[{skill},{k}]")
            m.add(have <= sum(v.n[c.index][k] for c in holders))
            gap = m.new_bool_var(f"gap[{skill},{k}]")
            m.add(gap >= need - have)
            gaps.append(gap)
    return [Penalty("cohesion", sum(splits)), Penalty("skills", sum(gaps))]
