"""``solve``: a scenario in, a checked Plan out (or the honest reason there is none).

prepare -> build -> hint -> CP-SAT -> extract -> check (solver-free) -> Plan.
An infeasible verdict is explained by a minimal conflict; a time-out says so with its bound;
a plan the validator rejects is never passed off as a result.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace

from restructure import __version__
from restructure.check import baseline as baseline_of
from restructure.check import (
    check_sections,
    compute_kpis,
    known_sections,
    soft_terms,
    stale_totals,
    term_points,
)
from restructure.domain import (
    Change,
    Department,
    Explanation,
    Plan,
    PlanSection,
    Rank,
    Scenario,
    SolverInfo,
    SolverSettings,
    Status,
)
from restructure.errors import InputError
from restructure.explain import duty_reasons, explain_infeasible
from restructure.i18n import significant
from restructure.model import hints
from restructure.model.build import build
from restructure.model.instance import Layout, prepare
from restructure.model.leaders import lead_from_main_section
from restructure.model.solve import Progress, ProgressRelay, RawSolution, StopSignal, add_hint, run, search
from restructure.reasons import staff_reasons
from restructure.terms import head_titles


def solve(
    scenario: Scenario,
    *,
    time_limit_s: float | None = None,
    seed: int | None = None,
    deterministic: bool | None = None,
    workers: int | None = None,
    hint: Plan | None = None,
    on_progress: Callable[[Progress], None] | None = None,
    stop: StopSignal | None = None,
    formulation: str = "aggregated",
    explain: bool = True,
    layout: Layout | None = None,
) -> Plan:
    """Propose a plan for ``scenario``.

    ``formulation="naive"`` is the straightforward model (a boolean per person x section, no
    hint, no slot ordering) kept for the benchmark; everything else uses the aggregated one,
    on the slot layout chosen by size unless ``layout`` names one (``model.instance``).
    """
    started = time.perf_counter()  # the time limit counts from here: preparing and the sketch are in it
    settings = scenario.solver
    settings = replace(
        settings,
        time_limit_s=settings.time_limit_s if time_limit_s is None else time_limit_s,
        seed=settings.seed if seed is None else seed,
        deterministic=settings.deterministic if deterministic is None else deterministic,
        workers=settings.workers if workers is None else workers,
    )
    naive = formulation == "naive"
    inst = prepare(scenario, aggregate_staff=not naive, layout=Layout.ANONYMOUS if naive else layout)
    if naive:
        # one weighted objective over everything, no hint, no slot ordering, no tiers
        bm = build(inst, symmetry_breaking=False)
        # search() without a start: one full solve, its plan scored again with tight penalties
        raw = search(
            bm, settings, None, time_limit_s=settings.time_limit_s, on_progress=on_progress, stop=stop
        )
    else:
        if hint is not None and hint.has_plan:
            mismatch = hint_mismatch(scenario, hint)
            if mismatch is not None:
                raise InputError.about("--hint", *mismatch)
        # The planner's previous plan may break a rule changed since: today's sketch is the
        # fallback, and of two plans that keep every rule the cheaper one is the start.
        starts = [hints.from_plan(inst, hint)] if hint is not None and hint.has_plan else []
        starts.append(hints.from_today(inst))
        raw = _solve_in_tiers(inst, settings, starts, on_progress, stop, started)
    base = baseline_of(scenario)
    info = SolverInfo(
        status=raw.status,
        objective=raw.objective,
        bound=raw.bound,
        gap=_gap(raw.objective, raw.bound),
        gap_units=_gap_units(scenario, raw.objective, raw.bound),
        seconds=raw.seconds,
        first_solution_s=raw.first_solution_s,
        seed=settings.seed,
        workers=settings.workers,
        deterministic=settings.deterministic,
        version=__version__,
        formulation=formulation,
        layout=inst.layout.value,
        bound_without_new_sections=_bound_without_new_sections(raw),
    )
    common = dict(
        scenario=scenario.name,
        department=scenario.department.name,
        baseline_kpis=base.kpis,
        input_hash=input_hash(scenario),
    )
    if raw.status is Status.INFEASIBLE:
        ex = (
            explain_infeasible(prepare(scenario, explain=True), settings, time_limit_s=settings.time_limit_s)
            if explain
            else Explanation()
        )
        return Plan(status=Status.INFEASIBLE, sections=(), kpis={}, explanation=ex, solver=info, **common)
    if raw.values is None:
        note_zh, note_en = no_plan_note(
            settings.time_limit_s, raw.seconds, raw.bound, deterministic=settings.deterministic
        )
        ex = Explanation(note_zh=note_zh, note_en=note_en)
        return Plan(status=raw.status, sections=(), kpis={}, explanation=ex, solver=info, **common)

    sections = extract_sections(inst, raw.values)
    findings = check_sections(scenario, sections)
    violated = [f for f in findings if f.status == "violated"]
    kpis = compute_kpis(scenario.department, sections)
    terms_units = soft_terms(scenario.department, sections, scenario)
    terms = term_points(scenario, sections, terms_units)
    if violated:
        # A solver plan that breaks a hard rule is a bug (ours or the solver's): never a result.
        return Plan(
            status=Status.INVALID,
            sections=(),
            kpis={},
            explanation=_rejection(violated),
            solver=replace(info, status=Status.INVALID),
            **common,
        )
    binding = tuple(f for f in findings if f.status == "binding")
    ex = Explanation(
        binding=binding,
        duty_reasons=duty_reasons(inst, sections),
        staff_reasons=staff_reasons(scenario.department, sections),
        note_zh=_summary_zh(scenario, sections, kpis, raw.status),
        note_en=_summary_en(scenario, sections, kpis, raw.status),
    )
    return Plan(
        status=raw.status,
        sections=tuple(sections),
        kpis=kpis,
        terms=terms,
        term_units=terms_units,
        changes=tuple(changes(scenario.department, sections)),
        explanation=ex,
        solver=info,
        **common,
    )


# Below this share of the time limit, "no plan within the limit" would misstate why it stopped.
_EARLY_STOP = 0.8


def no_plan_note(
    time_limit_s: float, seconds: float, bound: float | None, *, deterministic: bool = False
) -> tuple[str, str]:
    """Why a solve ended without a plan (zh, en): the time limit, or the seconds actually spent
    when the solver stopped well before it (a stop request, a model CP-SAT gave up on).
    A deterministic limit is not in clock seconds, so there the limit is all that can be said."""
    shown = "" if bound is None else f"{bound:.2f}"
    limit = f"{time_limit_s:g}"
    if not deterministic and seconds < _EARLY_STOP * time_limit_s:
        spent = significant(seconds, 2)
        return (
            f"求解器用时{spent}秒即停止，未找到方案（时限{limit}秒，已证明的下界：{shown or '无'}）。"
            "请延长求解时间或放宽规则。",
            f"The solver stopped after {spent} s without a plan (time limit {limit} s, "
            f"best proven bound: {shown or 'none'}). Allow more time or relax rules.",
        )
    return (
        f"在{limit}秒内未找到方案（已证明的下界：{shown or '无'}）。请延长求解时间或放宽规则。",
        f"No plan within {limit} s (best proven bound: {shown or 'none'}). Allow more time or relax rules.",
    )


def _rejection(violated, mismatches: tuple[str, ...] = ()) -> Explanation:
    problems_zh = [f.zh for f in violated] + list(mismatches)
    problems_en = [f.en for f in violated] + list(mismatches)
    return Explanation(
        binding=tuple(violated),
        note_zh="求解器给出的方案未通过独立校验，已拒绝：" + "；".join(problems_zh),
        note_en="The solver's plan failed the independent check and was rejected: " + "; ".join(problems_en),
    )


def rejected(plan: Plan, report) -> Plan:
    """``plan`` after the independent check (``check.check_plan``) rejected it: no sections, status
    invalid, and what failed as the explanation, so it can be written and reported as a failure
    and is never passed off as a result."""
    return replace(
        plan,
        status=Status.INVALID,
        sections=(),
        kpis={},
        terms={},
        term_units={},
        changes=(),
        explanation=_rejection(report.violations, tuple(report.kpi_mismatches)),
        solver=replace(plan.solver, status=Status.INVALID),
    )


def _solve_in_tiers(
    inst, settings: SolverSettings, starts: list[dict], on_progress, stop, started: float
) -> RawSolution:
    """Priorities as tiers, not as weights that trade one for another.

    The start is the cheapest of ``starts`` that keeps every rule. When none does, a plain
    feasibility probe on the anonymous layout asks whether any plan exists (``_probe``): it
    proves an infeasible department so in a fraction of a second where the labelled model
    searched out its whole time, and a plan it finds becomes the start.

    Tier 1 (``structure``, when its weight is positive): as many sections as the caps, chief
    posts and staff pay for. The starting plan usually has them all, which settles the tier at
    no cost; otherwise the fewest sections short is solved for on its own, then held as a
    constraint. Tier 2: the weighted soft goals, from the best plan found so far, never ending
    worse than it (CP-SAT's presolve can lose a hint). Status, objective and bound say what was
    proven of both tiers together: optimal only when both are. Seconds count from ``started``
    (when ``solve`` began), so the first plan's time includes building the sketch.
    """
    relay = ProgressRelay(on_progress, started)
    w_struct = inst.scenario.objective.structure
    bm = build(inst, leave_out=frozenset({"structure"}))
    hinted = _best_start(bm, starts)
    used = 0.0  # deterministic time used before tier 2 (reproducible mode counts in those units)
    if hinted is None:
        probe_limit = max(0.5, 0.5 * settings.time_limit_s)
        probe = _probe(inst, settings, probe_limit, stop)
        used += probe_limit
        if probe.status is Status.INFEASIBLE:
            probe.seconds = time.perf_counter() - started
            return probe
        if probe.values is not None:
            hinted = add_hint(bm, probe.values)
    shortfall, shortfall_bound, spent, budget = 0, 0.0, 0.0, 0.0
    if w_struct > 0 and (hinted is None or hinted["terms"]["structure"] > 0):
        if hinted is None:  # still no plan at all: tier 1 is the search for one, with all the time
            budget = max(0.5, _left(settings, started, used))
        else:
            budget = min(max(0.3 * settings.time_limit_s, 0.5), 20.0)
        bm.set_tier_objective("structure")
        relay.offset = 0.0
        tier1, _ = run(bm, settings, time_limit_s=budget, stop=stop, keep_hint=hinted is not None)
        spent = tier1.seconds
        if tier1.values is None:  # infeasible, or no plan within the time: nothing to optimise
            tier1.seconds = time.perf_counter() - started  # as for every other outcome
            return tier1
        shortfall = tier1.values["terms"]["structure"]
        shortfall_bound = shortfall if tier1.status is Status.OPTIMAL else (tier1.bound or 0.0)
        bm.set_objective(frozenset({"structure"}))
        hinted = add_hint(bm, tier1.values)
    elif hinted is not None:
        shortfall = shortfall_bound = hinted["terms"]["structure"]  # 0: settled, nothing can be fewer
    if w_struct > 0 and (hinted is not None or shortfall):
        bm.model.add(bm.term_expr("structure") <= shortfall)
    proven_tier1 = shortfall_bound >= shortfall
    first_plan_s = time.perf_counter() - started if hinted is not None else None
    relay.offset = w_struct * shortfall
    relay.best = relay.bound = None  # tier 2 is scored on its own objective from here
    if hinted is not None:
        relay.report(hinted["objective"], None)  # the starting plan is the first plan
    remaining = max(0.5, _left(settings, started, used + budget))
    raw = search(bm, settings, hinted, time_limit_s=remaining, on_progress=relay, stop=stop)
    if raw.values is not None and not (stop is not None and stop.is_set()):
        # ties the objective cannot see: who of several chiefs leads a merged section
        raw.values, _ = lead_from_main_section(bm, raw.values)
        raw.objective = raw.values["objective"]
    raw.seconds = time.perf_counter() - started
    if first_plan_s is not None:
        raw.first_solution_s = first_plan_s  # the starting plan, checked: a plan in hand
    elif raw.first_solution_s is not None:
        raw.first_solution_s += spent
    if raw.status is Status.OPTIMAL and not proven_tier1:
        raw.status = Status.FEASIBLE
    if raw.objective is not None:  # report in the same points as the plan's per-term breakdown
        raw.objective += w_struct * shortfall
    if raw.bound is not None:
        raw.bound += w_struct * shortfall_bound
    if raw.case_bounds is not None:
        raw.case_bounds = {case: b + w_struct * shortfall_bound for case, b in raw.case_bounds.items()}
    return raw


def _bound_without_new_sections(raw: RawSolution) -> float | None:
    """For a plan not proven optimal whose bound search proved the plans without a new section
    apart: their bound, at most the plan's objective (then none of them beats it, a statement a
    planner can use where plans with a new section are still open)."""
    kept = (raw.case_bounds or {}).get("kept")
    if raw.status is not Status.FEASIBLE or kept is None or raw.objective is None:
        return None
    return round(min(kept, raw.objective), 2)


def hint_mismatch(scenario: Scenario, plan: Plan) -> tuple[str, str] | None:
    """Why a previous plan cannot start this scenario's solve (zh, en), or None: it must place
    the same duties and people, else it belongs to another department or another data set."""
    return plan_mismatch(scenario, plan, ("作为起点的方案", "The starting plan"))


def plan_of_other_data(scenario: Scenario, plan: Plan) -> tuple[str, str] | None:
    """Why ``plan`` cannot be read against this scenario's data (zh, en), or None: it leaves out
    some of the department's duties or people, or its section totals are not what the data adds
    up to (the data changed after solving). A few unknown ids alone (a hand edit) pass: the
    independent check names them."""
    if not plan.has_plan:
        return None
    dept = scenario.department
    placed = {i for s in plan.sections for i in (*s.duties, *s.staff)}
    missing = any(x.id not in placed for x in (*dept.duties, *dept.staff))
    stale = stale_totals(dept, known_sections(dept, plan.sections))
    foreign = plan_mismatch(scenario, plan)
    if foreign is not None and (missing or stale):
        return foreign
    if not stale:
        return None
    first, w, c = stale[0]
    return (
        f"{len(stale)}个科室的工作量或人力与数据不符（如「{first.name}」：方案中"
        f"{first.workload_fte:.2f}/{first.capacity_fte:.2f}人年，按数据{w:.2f}/{c:.2f}人年），"
        "数据在求解后改动过。请重新求解（可用 --hint 以此方案为起点）。",
        f"the workload or capacity of {len(stale)} section(s) does not match the data "
        f"(e.g. '{first.name}': {first.workload_fte:.2f}/{first.capacity_fte:.2f} FTE in the plan, "
        f"{w:.2f}/{c:.2f} by the data); the data changed after solving. Solve again "
        "(--hint can start from this plan).",
    )


def plan_mismatch(
    scenario: Scenario, plan: Plan, subject: tuple[str, str] = ("方案", "The plan")
) -> tuple[str, str] | None:
    """Why ``plan`` does not belong to this scenario's data (zh, en), or None when it places
    exactly the department's duties and people. ``subject`` names the plan in the sentence."""
    dept = scenario.department
    planned_duties = {d for sec in plan.sections for d in sec.duties}
    planned_staff = {p for sec in plan.sections for p in sec.staff}
    duties, staff = {d.id for d in dept.duties}, {p.id for p in dept.staff}
    if planned_duties == duties and planned_staff == staff:
        return None
    missing = sorted(duties - planned_duties) + sorted(staff - planned_staff)
    unknown = sorted(planned_duties - duties) + sorted(planned_staff - staff)

    def some(ids: list[str]) -> str:
        return "、".join(ids[:5]) + (f" 等{len(ids)}项" if len(ids) > 5 else "")

    def some_en(ids: list[str]) -> str:
        return ", ".join(ids[:5]) + (f" and {len(ids) - 5} more" if len(ids) > 5 else "")

    zh, en = [], []
    if unknown:
        zh.append(f"方案中的{some(unknown)}不在本部门数据中")
        en.append(f"the plan names {some_en(unknown)}, not in this department's data")
    if missing:
        zh.append(f"本部门的{some(missing)}不在方案中")
        en.append(f"this department's {some_en(missing)} are not in the plan")
    return (
        f"{subject[0]}与「{dept.name}」的数据不符：" + "；".join(zh) + "。",
        f"{subject[1]} does not match the data of '{dept.name}': " + "; ".join(en) + ".",
    )


def _left(settings: SolverSettings, started: float, used: float) -> float:
    """Time left of the limit: deterministic units not yet handed out in reproducible mode
    (the same whatever the machine's load), else wall-clock seconds since ``started``."""
    if settings.deterministic:
        return settings.time_limit_s - used
    return settings.time_limit_s - (time.perf_counter() - started)


def _best_start(bm, starts: list[dict]) -> dict | None:
    """Hint the cheapest start that keeps every rule and return its values; when none does,
    the first start's decisions stay hinted (for the solver to repair) and None is returned."""
    best, best_index = None, 0
    for index, start in enumerate(starts):
        scored = add_hint(bm, start)
        if scored is not None and (best is None or scored["objective"] < best["objective"]):
            best, best_index = scored, index
    if best_index != len(starts) - 1 or best is None:
        add_hint(bm, starts[best_index])  # the last add_hint left the last start hinted
    return best


def _probe(inst, settings: SolverSettings, time_limit_s: float, stop) -> RawSolution:
    """Does any plan exist? A feasibility solve without objective on the anonymous layout: on a
    science bureau with 13 people and at least 5 per section, it proved infeasibility in 0.17 s
    where the labelled model returned nothing in 5 s. A plan found is written onto ``inst``'s
    slots."""
    anonymous = inst.anonymous()
    raw, _ = run(build(anonymous, with_objective=False), settings, time_limit_s=time_limit_s, stop=stop)
    if raw.values is not None and anonymous is not inst:
        raw.values = hints.relabel(inst, anonymous, raw.values)
    return raw


def extract_sections(inst, values) -> list[PlanSection]:
    from restructure.model.extract import sections_from_values

    return sections_from_values(inst, values)


def _gap(objective: float | None, bound: float | None) -> float | None:
    if objective is None or bound is None:
        return None
    return round((objective - bound) / max(1.0, abs(objective)), 6)


def _gap_units(scenario: Scenario, objective: float | None, bound: float | None) -> dict[str, float]:
    """The gap in planners' units: how much better the best possible plan could be, said as
    FTE of balance or as moves (a relative gap near an optimum of 0 reads 100 %)."""
    if objective is None or bound is None:
        return {}
    gap = max(0.0, objective - bound)
    w = scenario.objective
    out = {"points": round(gap, 3)}
    if w.balance > 0:
        out["fte"] = round(gap / w.balance, 3)
    if w.disruption > 0:
        out["moves"] = round(gap / w.disruption, 3)
    return out


def input_hash(scenario: Scenario) -> str:
    """Hash of the department's data and the scenario's settings (what determines a plan)."""
    from restructure.scenario import scenario_hash

    return scenario_hash(scenario)


def changes(dept: Department, sections: list[PlanSection]) -> list[Change]:
    """The implementation checklist: duty moves, new duties placed, staff moves, new staff
    placed, post changes, vacancies."""
    out: list[Change] = []
    today = {s.id: s.name for s in dept.sections}
    for s in sections:
        for did in s.duties:
            d = dept.duty(did)
            if d.current_section and d.current_section not in s.successor_of:
                out.append(
                    Change(
                        "duty_move",
                        did,
                        d.name,
                        d.current_section,
                        s.id,
                        f"职责由「{today[d.current_section]}」划入「{s.name}」",
                        f"duty moves from '{today[d.current_section]}' to '{s.name}'",
                    )
                )
            elif not d.current_section:  # placed, not moved: duties_moved does not count it
                out.append(
                    Change(
                        "duty_new",
                        did,
                        d.name,
                        None,
                        s.id,
                        f"新增职责，由「{s.name}」承担",
                        f"new duty, taken on by '{s.name}'",
                    )
                )
        for pid in s.staff:
            p = dept.person(pid)
            if p.current_section and p.current_section not in s.successor_of:
                out.append(
                    Change(
                        "staff_move",
                        pid,
                        p.name or pid,
                        p.current_section,
                        s.id,
                        f"由「{today[p.current_section]}」调整到「{s.name}」",
                        f"moves from '{today[p.current_section]}' to '{s.name}'",
                    )
                )
            elif not p.current_section:  # a new hire is placed, not moved (staff_moved agrees)
                out.append(
                    Change(
                        "staff_new",
                        pid,
                        p.name or pid,
                        None,
                        s.id,
                        f"新进人员，安排到「{s.name}」",
                        f"new staff, placed in '{s.name}'",
                    )
                )
            post = "chief" if s.chief == pid else ("deputy" if pid in s.deputies else "staff")
            if p.rank is Rank.CHIEF and post != "chief":
                was = head_titles(today.get(p.current_section or "", ""))[0]
                zh = (
                    f"由{was}改任{head_titles(s.name)[1]}"
                    if post == "deputy"
                    else "不再担任科室正职，另行安排"
                )
                en = (
                    "from section chief to deputy chief"
                    if post == "deputy"
                    else "no longer a section chief; to be placed"
                )
                out.append(
                    Change(
                        "post_change",
                        pid,
                        p.name or pid,
                        p.current_section,
                        s.id,
                        f"{zh}（{s.name}）",
                        f"{en} ({s.name})",
                    )
                )
            elif p.rank is Rank.DEPUTY and post != "deputy":
                out.append(
                    Change(
                        "post_change",
                        pid,
                        p.name or pid,
                        p.current_section,
                        s.id,
                        f"不再担任{head_titles(today.get(p.current_section or '', ''))[1]}（{s.name}副职已满）",
                        f"no longer a deputy chief ({s.name} has no free deputy post)",
                    )
                )
        if not s.chief:
            out.append(
                Change(
                    "vacancy",
                    s.id,
                    s.name,
                    None,
                    s.id,
                    f"「{s.name}」正职空缺，需选任",
                    f"chief post of '{s.name}' is vacant and must be filled",
                )
            )
        if len(s.deputies) < s.deputy_posts:
            n = s.deputy_posts - len(s.deputies)
            out.append(
                Change(
                    "vacancy",
                    s.id,
                    s.name,
                    None,
                    s.id,
                    f"「{s.name}」副职空缺{n}个",
                    f"{n} deputy post(s) of '{s.name}' vacant",
                )
            )
    return out


def _summary_zh(scenario: Scenario, sections, kpis, status: Status) -> str:
    b = scenario.department
    verdict = "已证明最优" if status is Status.OPTIMAL else "可行（未证明最优）"
    return (
        f"方案{verdict}：由现有{len(b.sections)}个科室调整为{kpis['sections_basic']}个基本科室"
        f"和{kpis['sections_dynamic']}个动态科室；调整职责{kpis['duties_moved']}项、人员{kpis['staff_moved']}人；"
        f"人均工作量比{kpis['min_load_ratio']:.2f}～{kpis['max_load_ratio']:.2f}。"
    )


def _summary_en(scenario: Scenario, sections, kpis, status: Status) -> str:
    b = scenario.department
    verdict = "proven optimal" if status is Status.OPTIMAL else "feasible (not proven optimal)"
    return (
        f"Plan {verdict}: from {len(b.sections)} sections today to {kpis['sections_basic']} basic and "
        f"{kpis['sections_dynamic']} dynamic sections; {kpis['duties_moved']} duties and {kpis['staff_moved']} "
        f"people move; load ratios {kpis['min_load_ratio']:.2f}–{kpis['max_load_ratio']:.2f}."
    )
