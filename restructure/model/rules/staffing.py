"""People per section and how many may change section (轮岗交流 within a cap); the soft
``span`` goal: no section far above the average size."""

from __future__ import annotations

import math

from ortools.sat.python import cp_model

from restructure.check import span_ceiling
from restructure.domain import exact
from restructure.model.instance import Instance
from restructure.model.variables import Guard, Penalty, Vars
from restructure.terms import percent


def define(inst: Instance, m: cp_model.CpModel, v: Vars, guard: Guard) -> list[Penalty]:
    r = inst.rules
    K = range(inst.n_slots)
    lits = guard(
        "min_section_staff",
        "",
        f"每个科室至少{r.min_section_staff}人",
        f"at least {r.min_section_staff} people per section",
    )
    for k in K:
        m.add(v.heads(k) >= r.min_section_staff * v.active[k]).only_enforce_if(lits)
    if r.max_section_staff is not None:
        lits = guard(
            "max_section_staff",
            "",
            f"每个科室至多{r.max_section_staff}人",
            f"at most {r.max_section_staff} people per section",
        )
        for k in K:
            m.add(v.heads(k) <= r.max_section_staff).only_enforce_if(lits)
    if r.max_staff_moves < 1:
        movable = sum(c.size for c in inst.classes if c.movable and c.current_section is not None)
        cap = math.floor(exact(r.max_staff_moves) * movable)
        m.add(v.moved_staff <= cap).only_enforce_if(
            guard(
                "max_staff_moves",
                "",
                f"调整科室的人员不超过可流动人员的{percent(r.max_staff_moves)}（{cap}人）",
                f"at most {percent(r.max_staff_moves)} of movable staff ({cap}) may change section",
            )
        )
    # span: people beyond the ceiling, per section (merging whole sections moves nobody, so
    # disruption alone let 公安局 fold six 大队 into one section of 80 people)
    ceiling = span_ceiling(inst.scenario)
    total = sum(c.size for c in inst.classes)
    excess = []
    if ceiling < total:
        for k in K:
            over = m.new_int_var(0, total - ceiling, f"span_over[{k}]")
            m.add(over >= v.heads(k) - ceiling)
            excess.append(over)
    return [Penalty("span", sum(excess))]
