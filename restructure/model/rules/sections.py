"""How many sections: "9+X" (at most 9 basic, at most 3 dynamic) and 内设机构个数不变."""

from __future__ import annotations

from ortools.sat.python import cp_model

from restructure.check import section_target
from restructure.domain import SectionKind
from restructure.model.instance import Instance
from restructure.model.variables import Guard, Penalty, Vars


def define(inst: Instance, m: cp_model.CpModel, v: Vars, guard: Guard) -> list[Penalty]:
    r = inst.rules
    nb, nd = r.max_basic_sections, r.max_dynamic_sections
    m.add(v.sections_of(SectionKind.BASIC) <= nb).only_enforce_if(
        guard("max_basic_sections", "", f"基本科室不超过{nb}个", f"at most {nb} basic sections")
    )
    m.add(v.sections_of(SectionKind.DYNAMIC) <= nd).only_enforce_if(
        guard("max_dynamic_sections", "", f"动态科室不超过{nd}个", f"at most {nd} dynamic sections")
    )
    if r.keep_section_count:
        n = len(inst.today)
        m.add(v.sections_of() == n).only_enforce_if(
            guard(
                "keep_section_count",
                "",
                f"保持内设机构个数不变，只允许{n}个科室",
                f"keeping the section count allows exactly {n} sections",
            )
        )
    # Planners fill the sections the leadership posts pay for: a plan far below the caps is a
    # degenerate answer (e.g. three giant sections score well on cohesion), so each section
    # short of the target costs as much as a planner would argue it is worth.
    target = section_target(inst.scenario)
    short = m.new_int_var(0, target, "sections_short")
    m.add(short >= target - v.sections_of())
    return [Penalty("structure", short)]
