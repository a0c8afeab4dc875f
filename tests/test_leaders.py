"""Who leads a merged section when the objective cannot tell (``model.leaders``): the chief of the
section of today that brings the most work, unless swapping costs points."""

from __future__ import annotations

import time
from dataclasses import replace

from builders import duty, three_sections_and_a_chiefless_task_force

from restructure.check import check_sections
from restructure.domain import Status
from restructure.model import hints
from restructure.model.build import build
from restructure.model.extract import sections_from_values
from restructure.model.instance import prepare
from restructure.model.leaders import lead_from_main_section
from restructure.model.solve import evaluate
from restructure.planning import _solve_in_tiers

OFFICE_CHIEF, FINANCE_CHIEF = "PS1_0", "PS2_0"


def _office_and_finance(task_skill: str | None = None):
    """办公室 (3 FTE of support) and 财务科 (1 FTE) merge into 综合保障科; the task force has no
    chief, so one of their two chiefs leads it. With ``task_skill``, the task force's duties
    need it and only the office chief has it."""
    duties = [duty(f"D1{j}", "S1", 1.0, function="support") for j in range(3)]
    duties += [duty("D21", "S2", 1.0, function="support"), duty("D31", "S3", 2.0, group="业务")]
    sc = three_sections_and_a_chiefless_task_force(("办公室", "财务科", "业务科"), duties, ("support",))
    if task_skill is None:
        return sc
    dept = sc.department
    need = tuple(replace(d, skills=(task_skill,)) if d.key_task else d for d in dept.duties)
    have = tuple(replace(p, skills=(task_skill,)) if p.id == OFFICE_CHIEF else p for p in dept.staff)
    return replace(sc, department=replace(dept, duties=need, staff=have))


def _finance_chief_leads_support(sc):
    """The model, and the sketch's plan with the two chiefs swapped: the finance chief heads
    综合保障科, the office chief the task force."""
    inst = prepare(sc)
    bm = build(inst, leave_out=frozenset({"structure"}))
    plan = hints.from_today(inst)
    office = next(c.index for c in inst.classes if OFFICE_CHIEF in c.members)
    finance = next(c.index for c in inst.classes if FINANCE_CHIEF in c.members)
    support = next(k for k in range(inst.n_slots) if plan["n"][office][k])
    force = next(k for k in range(inst.n_slots) if plan["n"][finance][k])
    assert support != force  # the sketch already has it right (the office chief stays)
    n = [list(row) for row in plan["n"]]
    for cls, there, back in ((office, support, force), (finance, force, support)):
        n[cls][there] -= 1
        n[cls][back] += 1
    scored = evaluate(bm, {**plan, "n": n})
    assert scored is not None
    return inst, bm, scored[0]


def _chiefs(inst, values) -> dict[str, str]:
    return {
        sec.chief: "force" if sec.kind.value == "dynamic" else sec.name
        for sec in sections_from_values(inst, values)
    }


def test_the_office_chief_leads_the_merged_support_section_at_no_cost():
    sc = _office_and_finance()
    inst, bm, swapped = _finance_chief_leads_support(sc)
    assert _chiefs(inst, swapped)[FINANCE_CHIEF] != "force"

    led, every = lead_from_main_section(bm, swapped)

    assert every is not None
    assert led["objective"] == swapped["objective"]
    chiefs = _chiefs(inst, led)
    assert chiefs[FINANCE_CHIEF] == "force" and chiefs[OFFICE_CHIEF] != "force"
    findings = check_sections(sc, sections_from_values(inst, led))
    assert not [f for f in findings if f.status == "violated"]


def test_a_swap_that_costs_points_is_not_made():
    # the task force needs the office chief's skill: with the finance chief there it has a gap
    sc = _office_and_finance(task_skill="项目管理")
    inst, bm, swapped = _finance_chief_leads_support(sc)
    led, every = lead_from_main_section(bm, swapped)
    assert every is None and led is swapped
    assert _chiefs(inst, led)[OFFICE_CHIEF] == "force"


def test_a_solve_from_a_plan_with_the_wrong_leader_ends_with_the_right_one():
    # the start is already optimal, so the search keeps it: the wrong leader is what it ends with
    # unless the solve settles the leaders after its search
    sc = _office_and_finance()
    inst, _, swapped = _finance_chief_leads_support(sc)
    raw = _solve_in_tiers(inst, sc.solver, [swapped], None, None, time.perf_counter())
    assert raw.status is Status.OPTIMAL and raw.objective == swapped["objective"]
    assert _chiefs(inst, raw.values)[OFFICE_CHIEF] != "force"
