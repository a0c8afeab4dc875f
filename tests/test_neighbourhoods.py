"""Section neighbourhoods: related sections are freed together, and a move is only taken when
the plan gets strictly better and keeps every rule."""

from __future__ import annotations

import random
import threading
from dataclasses import replace

import pytest
from builders import duty, scenario, section, staff_for

from restructure.bench.run import generated
from restructure.check import RELATED_PREFIX, check_sections, soft_terms
from restructure.domain import Rules, SolverSettings, Status, weights_dict
from restructure.model import neighbourhoods
from restructure.model import solve as solve_module
from restructure.model.build import build
from restructure.model.instance import Layout, prepare
from restructure.model.neighbourhoods import (
    Improved,
    improve,
    line_neighbourhood,
    neighbourhood,
    split_akin_lines,
)
from restructure.model.rules.skills import groups
from restructure.model.variables import POINTS, coefficient
from restructure.planning import extract_sections


def _four_sections_placed(duties, home: list[int]):
    """Sections S1-S4 with one person each, and a plan of the four open slots that puts duty i
    in slot ``home[i]``: the instance and the plan's values, as ``neighbourhood`` reads them."""
    names = ("S1", "S2", "S3", "S4")
    staff = [p for s in names for p in staff_for(s, 1)]
    inst = prepare(scenario([section(s) for s in names], duties, staff))
    K = inst.n_slots
    values = {
        "x": [[int(k == h) for k in range(K)] for h in home],
        "active": [int(k < 4) for k in range(K)],
    }
    return inst, values


def test_the_neighbourhood_of_a_section_is_the_one_sharing_its_business_line():
    duties = [
        duty("D1", "S1", group="甲"),
        duty("D2", "S2", group="乙"),
        duty("D3", "S3", group="甲"),
        duty("D4", "S4", group="丙"),
    ]
    inst, values = _four_sections_placed(duties, [0, 1, 2, 3])
    for seed in range(5):
        # duties D1 and D3 share line 甲: the only related section is slot 2, whatever the draw
        assert neighbourhood(values, 0, 2, inst, random.Random(seed)) == {0, 2}
    chosen = neighbourhood(values, 1, 3, inst, random.Random(0))
    assert 1 in chosen and len(chosen) == 3 and chosen <= {0, 1, 2, 3}


def test_a_support_section_neighbours_where_the_policy_work_went():
    """政策法规科 merged into a business section shares no line with 综合保障科, yet whether that
    work belongs with 综合保障 is the question a neighbourhood of 综合保障 must be able to ask."""
    duties = [
        duty("D1", "S1", function="support"),
        duty("D2", "S2", function="policy", fte=0.5),
        duty("D3", "S2", group="乙"),
        duty("D4", "S3", group="丙"),
        duty("D5", "S4", group="丁"),
    ]
    # D2 (policy) and D3 (line 乙) share slot 1
    inst, values = _four_sections_placed(duties, [0, 1, 1, 2, 3])
    for seed in range(5):
        assert neighbourhood(values, 0, 2, inst, random.Random(seed), nonbusiness_too=True) == {0, 1}

    def picks(anchor: int, nonbusiness_too: bool) -> set[frozenset[int]]:
        return {
            frozenset(
                neighbourhood(values, anchor, 2, inst, random.Random(s), nonbusiness_too=nonbusiness_too)
            )
            for s in range(10)
        }

    # before the search stalls, and for a business section, the partner is the draw's
    assert len(picks(0, nonbusiness_too=False)) > 1
    assert len(picks(2, nonbusiness_too=True)) > 1


def _worst_start(sc):
    """The model of a generated department, with the worst plan its rules allow as the start."""
    from ortools.sat.python import cp_model

    inst = prepare(sc)
    bm = build(inst, leave_out=frozenset({"structure"}))
    terms = [
        coefficient(bm.weights[p.name], p.unit) * p.expr
        for p in bm.penalties
        if p.name != "structure" and bm.weights[p.name] > 0
    ]
    bm.model.maximize(sum(terms))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_deterministic_time = 1.0
    solver.parameters.random_seed = 0
    assert solver.solve(bm.model) in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    start = {**bm.values(solver.value), "objective": solver.value(sum(terms)) / POINTS}
    bm.set_objective(frozenset({"structure"}))
    bm.hint_solution(list(solver.response_proto.solution))
    return inst, bm, start


def test_section_neighbourhoods_improve_a_poor_plan_and_keep_every_rule():
    sc = generated(30, 16, 5, 1, seed=4, time_limit_s=5)
    settings = SolverSettings(time_limit_s=5, seed=0, workers=1, deterministic=True)
    inst, bm, start = _worst_start(sc)
    out = improve(bm, settings, start, time_limit_s=3.0)
    assert out.improvements >= 1 and out.tries >= out.improvements
    assert out.values["objective"] < start["objective"]
    sections = extract_sections(inst, out.values)
    assert not [f for f in check_sections(sc, sections) if f.status == "violated"]
    # the objective it reports is the one the checker counts for that plan (balance rounded up)
    weights = weights_dict(sc.objective)
    units = soft_terms(sc.department, sections, sc)
    checked = sum(weights[k] * v for k, v in units.items() if k != "structure")
    slack = weights["balance"] * 0.1 * len(sections)
    assert checked - 1e-6 <= out.values["objective"] <= checked + slack + 1e-6


def test_section_neighbourhoods_are_reproducible_and_never_worse():
    sc = generated(30, 16, 5, 1, seed=4, time_limit_s=5)
    settings = SolverSettings(time_limit_s=5, seed=3, workers=1, deterministic=True)
    runs = []
    for _ in range(2):
        _, bm, start = _worst_start(sc)
        runs.append(improve(bm, settings, start, time_limit_s=1.0))
    assert runs[0].values == runs[1].values and runs[0].tries == runs[1].tries
    # a plan that cannot be improved in the time comes back as it went in
    _, bm, start = _worst_start(sc)
    same = improve(bm, replace(settings, seed=0), start, time_limit_s=0.0)
    assert same.values == start and same.tries == 0


def test_stalled_neighbourhoods_end_early_but_not_before_their_minimum():
    """With ``stalled_after_s`` the search ends once it has found nothing better for half that
    long and that long has passed (reproducible mode: deterministic units). Here without the
    reopening neighbourhoods, which a stall starts first (the test below)."""
    sc = generated(30, 16, 5, 1, seed=4, time_limit_s=5)
    settings = SolverSettings(time_limit_s=5, seed=0, workers=1, deterministic=True)
    _, bm, start = _worst_start(sc)
    full = improve(bm, settings, start, time_limit_s=3.0, reopen=False)
    _, bm, start = _worst_start(sc)
    stalled = improve(bm, settings, start, time_limit_s=3.0, stalled_after_s=0.6, reopen=False)
    assert stalled.improvements >= 1  # the same first steps: it improves while it can
    assert stalled.tries < full.tries  # and ends once it stalls
    assert stalled.values["objective"] >= full.values["objective"]
    # from the plan it stalled on: it still tries for the minimum time, then stops
    _, bm, _ = _worst_start(sc)
    again = improve(bm, settings, stalled.values, time_limit_s=3.0, stalled_after_s=0.6, reopen=False)
    assert again.tries >= 1 and again.tries < full.tries


def test_section_neighbourhoods_keep_pins_immovable_staff_and_items_together():
    base = generated(30, 16, 5, 1, seed=4, time_limit_s=5)
    dept = base.department
    kept = dept.sections[-1].id
    stays = next(p for p in dept.staff if p.current_section not in (None, kept) and p.rank.value == "staff")
    staff = tuple(replace(p, movable=False) if p.id == stays.id else p for p in dept.staff)
    pair = [d.id for d in dept.duties if d.current_section not in (None, kept)][:2]
    sc = replace(
        base,
        department=replace(dept, staff=staff),
        rules=replace(base.rules, together=(tuple(pair),), max_staff_moves=0.5),
        pins=replace(base.pins, keep_sections=(kept,)),
    )
    settings = SolverSettings(time_limit_s=5, seed=1, workers=1, deterministic=True)
    inst, bm, start = _worst_start(sc)
    out = improve(bm, settings, start, time_limit_s=3.0)
    assert out.values["objective"] < start["objective"]
    sections = extract_sections(inst, out.values)
    findings = check_sections(sc, sections)
    assert not [f for f in findings if f.status == "violated"]
    # the rules this test adds were checked, not skipped
    rules = {f.rule for f in findings}
    assert {"keep_section", "immovable", "together", "max_staff_moves"} <= rules


def test_a_found_plan_is_scored_with_tight_penalties():
    """A solution that stops on time can count more than its plan costs (a line split once more
    than it is, a skill gap that is not there); the search scores what it keeps again, so a
    worse plan never replaces a better one and the plan's objective is what the checker counts."""
    from ortools.sat.python import cp_model

    from restructure.model import hints
    from restructure.model.neighbourhoods import _fixed_outside
    from restructure.model.solve import add_hint, evaluate

    sc = generated(30, 16, 5, 1, seed=4, time_limit_s=5)
    inst = prepare(sc)
    bm = build(inst, leave_out=frozenset({"structure"}))
    tight = add_hint(bm, hints.from_today(inst))
    assert tight is not None
    # the same plan with every penalty variable as high as the constraints let it be
    loose_model = _fixed_outside(bm, tight, free=set())
    terms = [
        coefficient(bm.weights[p.name], p.unit) * p.expr
        for p in bm.penalties
        if p.name != "structure" and bm.weights[p.name] > 0
    ]
    loose_model.maximize(sum(terms))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    assert solver.solve(loose_model) == cp_model.OPTIMAL
    loose = {**bm.values(solver.value), "objective": solver.value(sum(terms)) / POINTS}
    assert loose["objective"] > tight["objective"]  # the same plan, counted loosely
    scored, every = evaluate(bm, loose)
    assert scored["objective"] == tight["objective"]
    assert scored["x"] == loose["x"] and scored["n"] == loose["n"]
    assert len(every) == len(bm.model.proto.variables)
    sections = extract_sections(inst, scored)
    weights = weights_dict(sc.objective)
    units = soft_terms(sc.department, sections, sc)
    checked = sum(weights[k] * v for k, v in units.items() if k != "structure")
    assert checked - 1e-6 <= scored["objective"] <= checked + weights["balance"] * 0.1 * len(sections) + 1e-6


def test_fixing_the_sections_outside_never_widens_what_the_model_allows():
    """Outside the free sections every decision is fixed at its value by its domain; a value the
    domain does not hold (never from a plan of this model) makes the copy infeasible instead of
    being let in."""
    from ortools.sat.python import cp_model

    from restructure.model.neighbourhoods import _fixed_outside

    sc = generated(30, 16, 5, 1, seed=4, time_limit_s=5)
    inst, bm, start = _worst_start(sc)
    free = {k for k, on in enumerate(start["active"]) if on}
    free = {min(free)}
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    copy = _fixed_outside(bm, start, free)
    assert solver.solve(copy) in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    outside = next(k for k in range(inst.n_slots) if k not in free)
    var = bm.vars.n[0][outside]
    assert list(copy.proto.variables[var.index].domain) == [start["n"][0][outside]] * 2  # by its domain
    too_many = {**start, "n": [list(row) for row in start["n"]]}
    too_many["n"][0][outside] = 10**6  # beyond the class's size
    widened = _fixed_outside(bm, too_many, free)
    # the domain stays what the model says; the constraint that asks for more makes it infeasible
    assert list(widened.proto.variables[var.index].domain) == list(bm.model.proto.variables[var.index].domain)
    assert solver.solve(widened) == cp_model.INFEASIBLE


def _merged_start(sc, closed: str):
    """The best plan of ``sc``'s model with today's section ``closed`` shut (its duties and
    people merged elsewhere), as a start for the neighbourhoods."""
    from ortools.sat.python import cp_model

    inst = prepare(sc)
    bm = build(inst, leave_out=frozenset({"structure"}))
    slot = next(s.index for s in inst.slots if s.label == closed)
    shut = bm.model.clone()
    shut.add(shut.get_int_var_from_proto_index(bm.vars.active[slot].index) == 0)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = 0
    assert solver.solve(shut) == cp_model.OPTIMAL
    start = {**bm.values(solver.value), "objective": solver.objective_value / POINTS}
    bm.hint_solution(list(solver.response_proto.solution))
    return inst, bm, start, slot


def test_stalled_neighbourhoods_reopen_a_section_the_plan_closed():
    """Freeing open sections alone can only merge further; once they stall, a neighbourhood
    also frees the closed section of today whose duties it holds, so a merge can be undone."""
    names = ("S1", "S2", "S3", "S4")
    secs = [section(s) for s in names]
    duties = [duty(f"D{s}{j}", s, group=f"线{s}") for s in names for j in (1, 2)]
    staff = [p for s in names for p in staff_for(s, 3)]
    sc = scenario(secs, duties, staff)
    settings = SolverSettings(time_limit_s=5, seed=0, workers=1, deterministic=True)
    runs = {}
    for reopen in (False, True):
        inst, bm, start, slot = _merged_start(sc, "S1")
        assert start["active"][slot] == 0 and start["objective"] > 0
        runs[reopen] = improve(bm, settings, start, time_limit_s=2.0, reopen=reopen)
    # without reopening, the merge stays: no neighbourhood can open a section
    assert runs[False].values["active"][slot] == 0
    assert runs[False].values["objective"] == start["objective"]
    # with it, S1 comes back: today's structure, which moves nothing and costs nothing
    best = runs[True].values
    assert best["active"][slot] == 1 and best["objective"] == 0
    sections = extract_sections(inst, best)
    assert not [f for f in check_sections(sc, sections) if f.status == "violated"]
    assert {d for s in sections for d in s.duties if s.successor_of == ("S1",)} == {"DS11", "DS12"}
    # ending once stalled, the search first reopens, then ends at the next stall
    inst, bm, start, slot = _merged_start(sc, "S1")
    stalled = improve(bm, settings, start, time_limit_s=30.0, stalled_after_s=0.3)
    assert stalled.values["objective"] == 0 and stalled.tries < runs[True].tries


def _akin_lines_apart(merged_into: str):
    """Five sections of one line each, at most four basic sections, lines S1 and S2 named akin,
    and a start (the structure tier held) that keeps S1 and S2 apart and merges S4 into
    ``merged_into``: the better plan joins S1 and S2 and reopens S4."""
    from ortools.sat.python import cp_model

    names = ("S1", "S2", "S3", "S4", "S5")
    duties = [duty(f"D{s}{j}", s, group=f"线{s}") for s in names for j in (1, 2)]
    staff = [p for s in names for p in staff_for(s, 3)]
    sc = scenario([section(s) for s in names], duties, staff, rules=Rules(max_basic_sections=4))
    sc = replace(sc, objective=replace(sc.objective, related_groups=(("线S1", "线S2"),)))
    inst = prepare(sc)
    bm = build(inst, leave_out=frozenset({"structure"}))
    bm.model.add(bm.term_expr("structure") == 0)  # the structure tier, held as the solve holds it
    slot = {s.label: s.index for s in inst.slots if s.label}
    shut = bm.model.clone()
    for label in names:
        shut.add(shut.get_int_var_from_proto_index(bm.vars.active[slot[label]].index) == int(label != "S4"))
    shut.add(shut.get_int_var_from_proto_index(bm.vars.succ["S4"][slot[merged_into]].index) == 1)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    assert solver.solve(shut) == cp_model.OPTIMAL
    start = {**bm.values(solver.value), "objective": solver.objective_value / POINTS}
    bm.hint_solution(list(solver.response_proto.solution))
    return sc, inst, bm, start, slot


def test_a_split_set_of_akin_lines_frees_its_sections_a_merged_one_and_what_it_closed():
    _, inst, _, start, slot = _akin_lines_apart(merged_into="S3")
    akin = {g: d for g, d in groups(inst).items() if g.startswith(RELATED_PREFIX)}
    assert split_akin_lines(start, akin) == [[slot["S1"], slot["S2"]]]
    free = line_neighbourhood(start, [slot["S1"], slot["S2"]], inst, random.Random(0))
    # S3 is the only merged section; S4, which it closed, comes free with it
    assert free == {slot["S1"], slot["S2"], slot["S3"], slot["S4"]}


def test_akin_lines_kept_apart_are_joined_by_undoing_another_merge(monkeypatch):
    """自然资源局's 10 s plan kept 用途管制 and 耕地保护 (named akin) apart and merged two other
    sections; joining them needs the slot that undoing that merge frees. The line neighbourhood
    does it in one try, where an anchor's neighbourhood relates neither akin line to the other."""
    from restructure.model.solve import StopSignal

    monkeypatch.setattr(neighbourhoods, "LINE_SHARE", 1.0)
    sc, inst, bm, start, slot = _akin_lines_apart(merged_into="S3")
    assert start["terms"]["cohesion"] == 1  # the akin set S1 + S2 spans two sections
    settings = SolverSettings(time_limit_s=5, seed=0, workers=1, deterministic=True)
    first = StopSignal()
    out = improve(bm, settings, start, time_limit_s=5.0, stop=first, on_improve=lambda _: first.stop())
    assert out.tries == 1 and out.values["objective"] < start["objective"]
    assert out.values["terms"]["cohesion"] == 0 and out.values["active"][slot["S4"]] == 1
    sections = extract_sections(inst, out.values)
    assert not [f for f in check_sections(sc, sections) if f.status == "violated"]
    joined = next(s for s in sections if "DS11" in s.duties)
    assert {"DS11", "DS12", "DS21", "DS22"} <= set(joined.duties)


def test_stalled_neighbourhoods_hand_what_they_left_to_the_bound_phase(monkeypatch):
    """``_phases`` with ``stall``: the neighbourhoods may end once stalled, and the bound phase
    runs for its own share plus what they did not use (住建局 is proven within 10 s that way)."""
    asked: dict[str, object] = {}

    def stalled_improve(bm, settings, best, *, time_limit_s, stalled_after_s=None, **kw):
        asked["sections"] = (time_limit_s, stalled_after_s)
        return Improved(values=best, tries=5, improvements=0, seconds=1.5)

    def bound_run(bm, settings, *, time_limit_s, bound_only=False, **kw):
        asked["bound"] = (time_limit_s, bound_only)
        raw = solve_module.RawSolution(Status.FEASIBLE, None, 40.0, time_limit_s, None, None)
        return raw, None

    monkeypatch.setattr(solve_module.neighbourhoods, "improve", stalled_improve)
    monkeypatch.setattr(solve_module, "run", bound_run)
    monkeypatch.setattr(solve_module, "by_cases", lambda bm, settings: False)  # one bound search
    settings = SolverSettings(time_limit_s=10, seed=0, workers=2)
    phases = solve_module.LABELLED_PHASES  # sections 0.45, bound 0.55

    def phased(stall):
        return solve_module._phases(
            None,
            settings,
            {"objective": 50.0},
            phases,
            time_limit_s=10,
            on_progress=None,
            stop=None,
            stall=stall,
        )

    out = phased(0.3)
    assert asked["sections"] == pytest.approx((4.5, 1.35))
    assert asked["bound"] == (pytest.approx(5.5 + 3.0), True)
    assert out.bound == 40.0 and out.best == {"objective": 50.0}
    phased(None)
    assert asked["sections"] == (4.5, None)  # without a stall the neighbourhoods may use it all


def test_labelled_models_solved_in_turn_on_the_clock_end_their_neighbourhoods_at_the_stall(monkeypatch):
    """住建局 (1,800-1,900 pairs) at 10 s: proven in 5.8-8.2 s this way, in 8.4-9.6 s or not at all
    without. Reproducible runs keep the whole share. (Large labelled models run side by side.)"""
    bm = _two_duty_model()
    assert bm.vars.inst.layout is Layout.LABELLED
    asked = []

    def fake_phases(bm, settings, best, phases, **kw):
        asked.append(kw["stall"])
        return solve_module._Phased(best, None, Status.FEASIBLE, 0.0, 0)

    monkeypatch.setattr(solve_module, "_phases", fake_phases)
    hinted = {"objective": 0.0}
    on_the_clock = SolverSettings(time_limit_s=30, seed=0, workers=2)
    solve_module.search(bm, on_the_clock, hinted, time_limit_s=30)  # 30 s: in turn, not side by side
    reproducible = SolverSettings(time_limit_s=30, seed=0, workers=1, deterministic=True)
    solve_module.search(bm, reproducible, hinted, time_limit_s=30)
    assert asked == [solve_module.SECTIONS_STALL, None]


class _Stoppable:
    """Stands in for a CP-SAT solver on a StopSignal: ``stopped`` is set when the signal fires."""

    def __init__(self) -> None:
        self.stopped = threading.Event()

    def stop_search(self) -> None:
        self.stopped.set()


def _two_duty_model():
    secs = [section(s) for s in ("S1", "S2")]
    sc = scenario(
        secs, [duty("D1", "S1"), duty("D2", "S2")], [p for s in ("S1", "S2") for p in staff_for(s, 1)]
    )
    return build(prepare(sc), leave_out=frozenset({"structure"}))


def _restarting_side_by_side(bm, plan_side):
    settings = SolverSettings(time_limit_s=10, seed=0, workers=2)
    return solve_module._side_by_side(
        bm,
        settings,
        {"objective": 80.0},
        plan_side,
        time_limit_s=10,
        on_progress=None,
        stop=None,
        restarts=True,
    )


def _settled_at(bound: float):
    """A bound search's result: no plan of its own, this bound."""
    return solve_module.RawSolution(Status.FEASIBLE, None, bound, 1.0, None, None), None


def test_a_young_bound_search_starts_again_from_a_better_plan_and_the_plan_side_goes_on(monkeypatch):
    """Side by side, the bound search first rules out plans with a new section (no hint: the
    plans so far have none), then prunes the rest with the plan it started from (80). When the
    plan side finds 75 while that search is young (RESTART_YOUNG_SHARE of the time), it starts
    again from 75 with one worker, the plan side keeps its own worker and goes on, and the proof
    of 75 is the solve's result."""
    bm = _two_duty_model()
    bound_running = threading.Event()
    started_from: list[float] = []
    workers: list[int] = []
    hints: list[list[int]] = []

    def bound_run(side_bm, settings, *, time_limit_s, on_progress, stop, bound_only, known_objective):
        assert bound_only
        started_from.append(known_objective)
        workers.append(settings.workers)
        hints.append(list(side_bm.model.proto.solution_hint.values))
        if len(started_from) == 1:
            return _settled_at(90.0)  # no plan with a new section scores below 90
        if len(started_from) == 2:
            solver = _Stoppable()
            stop.attach(solver)
            bound_running.set()
            assert solver.stopped.wait(5), "the young bound search was never started again"
            stop.detach(solver)
            return _settled_at(0.0)
        return solve_module.RawSolution(Status.OPTIMAL, None, known_objective, 1.0, None, None), None

    def plan_side(bm, settings, best, *, time_limit_s, stop, on_plan):
        assert bound_running.wait(5)
        bm.hint_solution(list(range(len(bm.model.proto.variables))))  # "the plan of 75", as a hint
        solver = _Stoppable()
        stop.attach(solver)
        on_plan(solve_module.Progress(0.0, 75.0, 0.0, 1))
        assert not solver.stopped.is_set(), "a restart stopped the plan side"
        stop.detach(solver)
        return solve_module._Phased({**best, "objective": 75.0}, None, Status.FEASIBLE, 1.0, 1)

    monkeypatch.setattr(solve_module, "run", bound_run)
    out = _restarting_side_by_side(bm, plan_side)
    assert started_from == [80.0, 80.0, 75.0]
    assert workers == [1, 1, 1]  # the plan side has the other core
    assert hints[0] == []  # the case with a new section starts from no plan
    assert hints[2] == list(range(len(bm.model.proto.variables)))
    assert out.status is Status.OPTIMAL and out.objective == 75.0 and out.bound == 75.0


def test_an_older_bound_search_is_not_started_again(monkeypatch):
    """Past RESTART_YOUNG_SHARE of the time a restart would throw away the bound search's root LP:
    a better plan then only joins the result."""
    monkeypatch.setattr(solve_module, "RESTART_YOUNG_SHARE", 0.0)
    bm = _two_duty_model()
    plan_found = threading.Event()
    started_from: list[float] = []

    def bound_run(side_bm, settings, *, time_limit_s, on_progress, stop, bound_only, known_objective):
        started_from.append(known_objective)
        if len(started_from) == 1:
            return _settled_at(90.0)
        assert plan_found.wait(5)
        return _settled_at(73.0)

    def plan_side(bm, settings, best, *, time_limit_s, stop, on_plan):
        bm.hint_solution(list(range(len(bm.model.proto.variables))))
        on_plan(solve_module.Progress(0.0, 75.0, 0.0, 1))
        plan_found.set()
        return solve_module._Phased({**best, "objective": 75.0}, None, Status.FEASIBLE, 1.0, 1)

    monkeypatch.setattr(solve_module, "run", bound_run)
    out = _restarting_side_by_side(bm, plan_side)
    assert started_from == [80.0, 80.0]
    assert out.status is Status.FEASIBLE and out.objective == 75.0 and out.bound == 73.0


def test_the_bound_is_the_lower_of_the_two_cases_and_an_unsettled_case_is_searched_again(monkeypatch):
    """Plans with a new section are bounded at 70 when their share of the time ends, plans
    without are proven no better than 80: the solve's bound is 70, not 80, and the time the
    second case left goes back to the first, whose new bound (72) counts."""
    bm = _two_duty_model()
    results = iter(
        [
            _settled_at(70.0),
            (solve_module.RawSolution(Status.OPTIMAL, None, 80.0, 1.0, None, None), None),
            _settled_at(72.0),
        ]
    )
    calls: list[float] = []

    def bound_run(side_bm, settings, *, time_limit_s, on_progress, stop, bound_only, known_objective):
        calls.append(time_limit_s)
        return next(results)

    def plan_side(bm, settings, best, *, time_limit_s, stop, on_plan):
        return solve_module._Phased(best, None, Status.FEASIBLE, 1.0, 0)

    monkeypatch.setattr(solve_module, "run", bound_run)
    out = _restarting_side_by_side(bm, plan_side)
    assert len(calls) == 3
    assert calls[0] == pytest.approx(solve_module.NEW_SECTION_SHARE * 10)  # the first case's share
    assert out.status is Status.FEASIBLE and out.objective == 80.0 and out.bound == 72.0


def test_the_two_cases_split_the_plans_by_new_sections():
    """The case models of a labelled layout: "kept" has no section that continues none of
    today's, "new" has at least one; together they hold every plan (a real solve of each)."""
    from ortools.sat.python import cp_model

    inst = prepare(generated(24, 12, 4, 1, seed=0, time_limit_s=5))
    assert inst.layout is Layout.LABELLED
    bm = build(inst, leave_out=frozenset({"structure"}))
    new_sections = bm.vars.new_sections()
    assert new_sections is not None
    cases = solve_module._bound_cases(replace(bm, model=bm.model.clone()))
    assert set(cases) == {"new", "kept"}
    assert not cases["new"].model.proto.solution_hint.vars  # no plan so far has a new section
    counts = {}
    for name, case in cases.items():
        case.model.clear_objective()  # any plan of the case will do
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.random_seed = 0
        solver.parameters.max_time_in_seconds = 20
        assert solver.solve(case.model) in (cp_model.OPTIMAL, cp_model.FEASIBLE), name
        counts[name] = solver.value(new_sections)
    assert counts["kept"] == 0 and counts["new"] >= 1


def test_an_anonymous_layout_has_one_bound_case():
    bm = _two_duty_model()
    anonymous = build(
        prepare(bm.vars.inst.scenario, layout=Layout.ANONYMOUS), leave_out=frozenset({"structure"})
    )
    assert anonymous.vars.new_sections() is None
    assert set(solve_module._bound_cases(anonymous)) == {"all"}


def test_a_proof_of_the_bound_search_ends_the_plan_side(monkeypatch):
    """CP-SAT reports no bound when its search closes the gap, so the proof must stop the plan
    side itself; else the solve would run on to the plan side's end."""
    bm = _two_duty_model()

    def bound_run(side_bm, settings, *, time_limit_s, on_progress, stop, bound_only, known_objective):
        return solve_module.RawSolution(Status.OPTIMAL, None, known_objective, 1.0, None, None), None

    def plan_side(bm, settings, best, *, time_limit_s, stop, on_plan):
        solver = _Stoppable()
        stop.attach(solver)
        assert solver.stopped.wait(5), "the plan side ran on after the proof"
        stop.detach(solver)
        return solve_module._Phased(best, None, Status.FEASIBLE, 1.0, 0)

    monkeypatch.setattr(solve_module, "run", bound_run)
    out = _restarting_side_by_side(bm, plan_side)
    assert out.status is Status.OPTIMAL and out.objective == 80.0


def _solved(bm, **params):
    """A real CP-SAT solve of ``bm.model``: one worker, seed 0."""
    from ortools.sat.python import cp_model

    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = 0
    solver.parameters.max_time_in_seconds = 30
    for name, value in params.items():
        setattr(solver.parameters, name, value)
    return solver, solver.solve(bm.model)


def _labelled_24():
    inst = prepare(generated(24, 12, 4, 1, seed=0, time_limit_s=5))
    assert inst.layout is Layout.LABELLED and inst.n_slots > len(inst.scenario.department.sections)
    return build(inst, leave_out=frozenset({"structure"}))


def test_a_cut_below_a_plan_keeps_exactly_the_better_plans():
    """``objective_below(v)`` leaves the plans scoring less than v: cut at the optimum nothing is
    left (that is the proof), cut a hundredth of a point above it the optimum is."""
    from ortools.sat.python import cp_model

    bm = _labelled_24()
    solver, code = _solved(bm)
    assert code == cp_model.OPTIMAL
    optimum = solver.objective_value / POINTS
    at = replace(bm, model=bm.model.clone())
    at.objective_below(optimum)
    assert _solved(at)[1] == cp_model.INFEASIBLE
    above = replace(bm, model=bm.model.clone())
    above.objective_below(optimum + 1 / POINTS)
    solver, code = _solved(above)
    assert code == cp_model.OPTIMAL and solver.objective_value / POINTS == pytest.approx(optimum)


def test_a_case_with_no_better_plan_is_bounded_by_its_cut():
    """A case searched only for plans better than 75 and found to have none is bounded at 75, not
    closed: plans of 75 or more may be in it. A case with no plan at all is closed."""
    none = solve_module.RawSolution(Status.INFEASIBLE, None, None, 1.0, None, None)
    assert solve_module._case_bound(none, 75.0) == 75.0
    assert solve_module._case_bound(none) == float("inf")


def test_the_bound_by_cases_proves_the_optimum_it_starts_from_and_never_bounds_above_it():
    """A real in-turn bound phase in cases (two workers) on a labelled layout with slots for new
    sections: from the optimum it proves that optimum; from a worse plan its bound stays at or
    below the optimum, and any plan it returns keeps every rule (the model's own score)."""
    from ortools.sat.python import cp_model

    bm = _labelled_24()
    solver, code = _solved(bm)
    assert code == cp_model.OPTIMAL
    optimum = solver.objective_value / POINTS
    settings = SolverSettings(time_limit_s=20, seed=0, workers=2)
    assert solve_module.by_cases(bm, settings)
    assert not solve_module.by_cases(bm, replace(settings, workers=1, deterministic=True))

    bm.hint_solution(list(solver.response_proto.solution))
    best = {**bm.values(solver.value), "objective": optimum}
    out = solve_module._bound_by_cases(bm, settings, best, time_limit_s=20, on_progress=None, stop=None)
    assert out.status is Status.OPTIMAL and out.bound == pytest.approx(optimum)
    assert out.case_bounds is not None and min(out.case_bounds.values()) == pytest.approx(optimum)
    assert out.case_bounds["kept"] >= optimum - 1e-9  # each case proven on its own

    worse = _labelled_24()
    start = solve_module.add_hint(worse, _today(worse))
    assert start is not None and start["objective"] > optimum  # today's structure is not optimal
    seen: list[float] = []
    out = solve_module._bound_by_cases(
        worse, settings, start, time_limit_s=3, on_progress=lambda p: seen.append(p.bound), stop=None
    )
    assert out.bound <= optimum + 1e-9 and all(b <= optimum + 1e-9 for b in seen)
    if out.values is not None:
        scored = solve_module.evaluate(worse, out.values)
        assert scored is not None and scored[0]["objective"] >= optimum - 1e-9


def _today(bm):
    from restructure.model import hints

    return hints.from_today(bm.vars.inst)


def test_a_long_solve_of_a_large_labelled_model_runs_side_by_side_first_then_in_cases(monkeypatch):
    """60 s of 自然资源局: the first SIDE_BY_SIDE_FIRST_S as a 10 s solve would run (proven in 8.1-10.2 s,
    seeds 0-3, against 19.5-20.6 s in turn), then the two cases on every worker with the time
    left, from the best plan so far. The result keeps the better bound of the two parts."""
    bm = _two_duty_model()
    monkeypatch.setattr(solve_module, "SIDE_BY_SIDE_MIN_CELLS", 1)  # the tiny model counts as large
    calls = []

    def fake_side_by_side(bm, settings, best, plan_side, *, time_limit_s, on_progress, stop, restarts):
        calls.append(("side by side", time_limit_s, restarts))
        plan = {**best, "objective": 75.0}
        bounds = {"new": 76.0, "kept": 70.0}  # the case with a new section is settled already
        return solve_module.RawSolution(
            Status.FEASIBLE, 75.0, 70.0, time_limit_s, 0.0, plan, case_bounds=bounds
        )

    def fake_cases(bm, settings, best, *, time_limit_s, on_progress, stop, known):
        calls.append(("cases", round(time_limit_s), best["objective"], known))
        bounds = {"kept": 73.0, "new": 68.0}  # the rest of the plans without, bounded further
        return solve_module.RawSolution(Status.FEASIBLE, None, 68.0, 1.0, None, None, case_bounds=bounds)

    monkeypatch.setattr(solve_module, "_side_by_side", fake_side_by_side)
    monkeypatch.setattr(solve_module, "_bound_by_cases", fake_cases)
    on_the_clock = SolverSettings(time_limit_s=60, seed=0, workers=2)
    out = solve_module.search(bm, on_the_clock, {"objective": 80.0}, time_limit_s=60)
    assert calls == [
        ("side by side", solve_module.SIDE_BY_SIDE_FIRST_S, True),
        ("cases", 50, 75.0, {"new": 76.0, "kept": 70.0}),  # what the first part settled goes on
    ]
    assert out.status is Status.FEASIBLE and out.objective == 75.0 and out.bound == 70.0
    # each case at the better bound either part proved (the planner's "without a new section")
    assert out.case_bounds == {"new": 76.0, "kept": 73.0}

    calls.clear()  # a short solve stays side by side throughout
    solve_module.search(bm, replace(on_the_clock, time_limit_s=10), {"objective": 80.0}, time_limit_s=10)
    assert calls == [("side by side", 10, True)]


def test_a_case_already_bounded_at_the_best_plan_is_not_searched_again(monkeypatch):
    """The second part of a long solve knows what its first part settled: 自然资源局 9+X's first part
    bounds plans with a new section at 56 (the optimum is 54) and may end while proving the rest;
    that part alone goes on. Each case searched proves the plan of 75 here."""
    bm = _two_duty_model()
    searched: list[float | None] = []

    def bound_run(case_bm, settings, *, time_limit_s, on_progress, stop, bound_only, known_objective=None):
        searched.append(known_objective)  # only the case with a new section is told the best plan
        if known_objective is None:
            return solve_module.RawSolution(Status.OPTIMAL, 75.0, 75.0, 1.0, None, None), None
        return solve_module.RawSolution(Status.INFEASIBLE, None, None, 1.0, None, None), None

    monkeypatch.setattr(solve_module, "run", bound_run)
    settings = SolverSettings(time_limit_s=10, seed=0, workers=2)

    def cases(known):
        searched.clear()
        return solve_module._bound_by_cases(
            bm, settings, {"objective": 75.0}, time_limit_s=10, on_progress=None, stop=None, known=known
        )

    out = cases({"new": 76.0, "kept": 0.0})
    assert searched == [None] and out.status is Status.OPTIMAL and out.bound == 75.0
    out = cases({"new": 0.0, "kept": 75.0})
    assert searched == [75.0] and out.status is Status.OPTIMAL and out.bound == 75.0
    out = cases(None)
    assert searched == [None, 75.0] and out.status is Status.OPTIMAL and out.bound == 75.0


def test_an_unsettled_case_leaves_the_other_its_reserve_so_the_bound_is_never_lost(monkeypatch):
    """The city's 城市管理局 at 10 s: plans without a new section took the whole bound phase (bound
    120 there, not settled at 129), the other case was never searched and the solve ended with a
    bound of 0. Now the first case stops with ``NEW_CASE_RESERVE`` of the time left, the other is
    bounded too, and the bound is the lower of the two; a case that settles early gives the rest
    back to the other."""
    bm = _two_duty_model()
    searched: list[tuple[str, float]] = []
    outcome = {"new": solve_module.RawSolution(Status.FEASIBLE, None, 72.0, 0.0, None, None)}

    def bound_run(case_bm, settings, *, time_limit_s, on_progress, stop, bound_only, known_objective=None):
        case = "kept" if known_objective is None else "new"
        searched.append((case, time_limit_s))
        if case == "kept":
            return solve_module.RawSolution(Status.FEASIBLE, 80.0, 70.0, 0.0, None, None), None
        return outcome["new"], None

    monkeypatch.setattr(solve_module, "run", bound_run)
    settings = SolverSettings(time_limit_s=10, seed=0, workers=2)

    def cases():
        searched.clear()
        return solve_module._bound_by_cases(
            bm, settings, {"objective": 80.0}, time_limit_s=10, on_progress=None, stop=None
        )

    out = cases()
    assert [case for case, _ in searched] == ["kept", "new"]
    assert searched[0][1] == pytest.approx(10 * (1 - solve_module.NEW_CASE_RESERVE))
    assert searched[1][1] > 10 * solve_module.NEW_CASE_RESERVE - 0.5  # what the first case left
    assert out.status is Status.FEASIBLE and out.bound == 70.0
    assert out.case_bounds == {"kept": 70.0, "new": 72.0}

    # no plan with a new section beats 80: that case is settled, and the rest goes back
    outcome["new"] = solve_module.RawSolution(Status.INFEASIBLE, None, None, 0.0, None, None)
    out = cases()
    assert [case for case, _ in searched] == ["kept", "new", "kept"]
    assert out.bound == 70.0 and out.case_bounds == {"kept": 70.0, "new": 80.0}
