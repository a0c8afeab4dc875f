"""The two slot layouts (``model.instance``): the labelled one is exact, so both layouts prove
the same optimum, and a plan moved onto labelled slots is the same plan."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from builders import duty, key_task, person, scenario, section, staff_for, with_rules

from restructure.check import check_plan
from restructure.domain import Pins, SolverSettings, Status
from restructure.generate import generate_department
from restructure.model import hints
from restructure.model.build import build
from restructure.model.extract import sections_from_values
from restructure.model.instance import Layout, prepare
from restructure.model.solve import add_hint
from restructure.planning import solve
from restructure.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[1]
PROVE = SolverSettings(time_limit_s=30, seed=0, workers=1, deterministic=True)


def _optimum(sc, layout: Layout):
    plan = solve(sc, layout=layout, explain=False)
    assert plan.status is Status.OPTIMAL, (layout, plan.status, plan.solver.objective, plan.solver.bound)
    assert plan.solver.layout == layout.value  # and plan.json says so
    report = check_plan(sc, plan)
    assert report.ok, (report.violations, report.kpi_mismatches)
    return plan


def _same_optimum(sc):
    labelled, anonymous = _optimum(sc, Layout.LABELLED), _optimum(sc, Layout.ANONYMOUS)
    assert labelled.solver.objective == pytest.approx(anonymous.solver.objective)
    return labelled


def test_a_section_that_continues_none_of_todays_has_a_slot():
    """S1's two duties must part (apart) and S2 is kept as it is, so the only plans have a third
    section that continues nothing: the labelled layout must still find it."""
    secs = [section("S1", chief=2), section("S2")]
    duties = [duty("D1", "S1", 0.75, group="甲"), duty("D2", "S1", 0.75, group="乙"), duty("D3", "S2", 0.75)]
    staff = [person("A", "S1", "chief"), person("B", "S1", "chief"), person("C", "S2", "chief")]
    sc = scenario(secs, duties, staff, solver=PROVE, pins=Pins(keep_sections=("S2",)))
    sc = with_rules(sc, apart=(("D1", "D2"),), min_section_staff=1, max_basic_sections=3)
    plan = _same_optimum(sc)
    assert sorted(len(s.successor_of) for s in plan.sections) == [0, 1, 1]
    assert plan.kpis["duties_moved"] == 1 and plan.kpis["staff_moved"] == 1


def test_key_tasks_beyond_the_dynamic_cap_share_it():
    """Two live key tasks, one dynamic section allowed: a slot per task, one of them used."""
    secs = [section("S1"), section("S2")]
    duties = [
        duty("D1", "S1", 1.0, group="甲"),
        duty("D2", "S1", 1.0, group="甲"),
        duty("D3", "S2", 1.0, group="乙"),
        duty("D4", "S2", 1.0, group="乙"),
        duty("K1", "S1", 1.0, function="key_task", key_task="KT1"),
        duty("K2", "S2", 1.5, function="key_task", key_task="KT2"),
    ]
    staff = [*staff_for("S1", 3), *staff_for("S2", 3), person("X", "S2", "chief")]
    tasks = [key_task("KT1", "营商环境"), key_task("KT2", "项目攻坚")]
    sc = scenario(secs, duties, staff, key_tasks=tasks, solver=PROVE)
    sc = with_rules(sc, max_dynamic_sections=1, min_section_staff=2, max_load_deviation=0.5)
    plan = _same_optimum(sc)
    assert plan.kpis["sections_dynamic"] <= 1


@pytest.mark.parametrize("seed", [3, 11, 29])
def test_small_generated_bureaus_have_one_optimum_in_both_layouts(seed):
    dept = generate_department(14, 9, 3, 0, seed)
    sc = replace(scenario(dept.sections, dept.duties, dept.staff, key_tasks=dept.key_tasks), solver=PROVE)
    _same_optimum(with_rules(sc, min_section_staff=2, max_nonbusiness_section_share=0.5))


def test_layout_follows_size_and_purpose():
    small = load_scenario(ROOT / "scenarios" / "science_bureau.toml")
    large = load_scenario(ROOT / "scenarios" / "public_security.toml")
    assert prepare(small).layout is Layout.LABELLED
    assert prepare(large).layout is Layout.ANONYMOUS
    # the explanation model and the straightforward formulation keep anonymous slots
    assert prepare(small, explain=True).layout is Layout.ANONYMOUS
    assert prepare(small, aggregate_staff=False).layout is Layout.ANONYMOUS
    inst = prepare(small)
    basic_today = [s.id for s in small.department.sections if s.kind.value == "basic"]
    assert [s.label for s in inst.slots if s.label] == basic_today
    unlabelled = [s for s in inst.slots if s.kind.value == "basic" and not s.label]
    assert len(unlabelled) == small.rules.max_basic_sections


BUNDLED_LABELLED = [
    p
    for p in sorted((ROOT / "scenarios").glob("*.toml"))
    if prepare(load_scenario(p)).layout is Layout.LABELLED
]


@pytest.mark.parametrize("path", BUNDLED_LABELLED, ids=[p.stem for p in BUNDLED_LABELLED])
def test_the_starting_plan_is_the_same_plan_on_labelled_slots(path):
    sc = load_scenario(path)
    inst = prepare(sc)
    anonymous = inst.anonymous()
    sketch = hints.from_today(anonymous)

    def layout_free(sections):
        return sorted((s.kind, s.duties, s.staff, s.successor_of, s.deputy_posts) for s in sections)

    relabelled = hints.relabel(inst, anonymous, sketch)
    assert layout_free(sections_from_values(inst, relabelled)) == layout_free(
        sections_from_values(anonymous, sketch)
    )
    # and the labelled model takes it as a complete plan, as the anonymous model does
    accepted = add_hint(build(inst, leave_out=frozenset({"structure"})), relabelled)
    assert (accepted is None) == (
        add_hint(build(anonymous, leave_out=frozenset({"structure"})), sketch) is None
    )
    assert accepted is not None


def test_a_labelled_slot_is_used_exactly_when_it_continues_its_label():
    from ortools.sat.python import cp_model

    sc = load_scenario(ROOT / "scenarios" / "science_bureau.toml")
    inst = prepare(sc, layout=Layout.LABELLED)
    bm = build(inst, leave_out=frozenset({"structure"}))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_deterministic_time = 5.0
    assert solver.solve(bm.model) in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    values = bm.values(solver.value)
    order = {s: i for i, s in enumerate(inst.today)}
    for slot in inst.slots:
        k = slot.index
        continued = [s for s in inst.today if values["succ"][s][k]]
        if slot.label:
            assert values["active"][k] == values["succ"][slot.label][k]
            assert all(order[s] >= order[slot.label] for s in continued)
        elif slot.kind.value == "basic":
            assert not continued


def test_the_bound_phase_branches_on_the_plans_shape_in_a_copy_of_the_model():
    from restructure.model.solve import _branching_on_structure

    sc = load_scenario(ROOT / "scenarios" / "housing_construction.toml")
    bm = build(prepare(sc), leave_out=frozenset({"structure"}))
    v = bm.vars
    copy = _branching_on_structure(bm)
    (strategy,) = copy.proto.search_strategy
    order = [e.vars[0] for e in strategy.exprs]
    # slots first, then the one home of each concentrated function, then the successors
    homes = [var.index for home in v.homes for var in home]
    succ = [var.index for row in v.succ.values() for var in row]
    assert order == [var.index for var in v.active] + homes + succ
    assert len(v.homes) == len(sc.rules.single_section) == 2
    assert not bm.model.proto.search_strategy  # the other phases search as before


@pytest.mark.parametrize("seed", [3, 11])
def test_the_two_thread_proof_on_labelled_slots_finds_the_same_optimum(seed):
    """Wall-clock mode with two workers runs the fixed search on the plan's shape in the
    labelled bound phase: it must prove the optimum the reproducible anonymous model proves,
    not one of a shape it pruned by mistake. (A whole solve of so small a bureau is proven by
    its first phase, so the bound phase is run directly.)"""
    from restructure.model.solve import run

    dept = generate_department(14, 9, 3, 0, seed)
    sc = scenario(dept.sections, dept.duties, dept.staff, key_tasks=dept.key_tasks)
    sc = with_rules(sc, min_section_staff=2, max_nonbusiness_section_share=0.5, single_section=("support",))
    inst = prepare(sc, layout=Layout.LABELLED)
    two_threads = SolverSettings(time_limit_s=60, seed=0, workers=2, deterministic=False)
    labelled, solver = run(build(inst), two_threads, bound_only=True)
    assert list(solver.parameters.subsolvers) == ["fixed", "max_lp"]
    anonymous, _ = run(build(inst.anonymous()), PROVE, bound_only=True)
    assert labelled.status is anonymous.status is Status.OPTIMAL
    assert labelled.objective == pytest.approx(anonymous.objective)


# A generated bureau on labelled slots just above SMALL_MODEL (640 duty-slot cells). The tests
# of the side-by-side solve lower SIDE_BY_SIDE_MIN_CELLS to it: the mechanics are the same, and a
# model of the size it is meant for takes 10 s a solve.
SIDE_BUREAU = generate_department(40, 20, 6, 1, 3)


@pytest.fixture
def side_by_side_from_640(monkeypatch):
    import restructure.model.solve as solve_module

    monkeypatch.setattr(solve_module, "SIDE_BY_SIDE_MIN_CELLS", 640)


def _side_scenario(time_limit_s: float, *, deterministic: bool = False):
    sc = scenario(
        SIDE_BUREAU.sections, SIDE_BUREAU.duties, SIDE_BUREAU.staff, key_tasks=SIDE_BUREAU.key_tasks
    )
    workers = 1 if deterministic else 2
    return replace(
        sc,
        solver=SolverSettings(
            time_limit_s=time_limit_s, seed=0, workers=workers, deterministic=deterministic
        ),
    )


def _spy_on_searches(monkeypatch) -> list[tuple]:
    """Record each search a solve runs as (phase, thread name, model, workers); phase is "bound",
    "full", "lns" or "sections"."""
    import threading

    import restructure.model.solve as solve_module

    seen = []
    real_run, real_improve = solve_module.run, solve_module.neighbourhoods.improve

    def spy_run(bm, settings, **kw):
        phase = "bound" if kw.get("bound_only") else "lns" if kw.get("lns_only") else "full"
        seen.append((phase, threading.current_thread().name, bm.model, settings.workers))
        return real_run(bm, settings, **kw)

    def spy_improve(bm, settings, best, **kw):
        seen.append(("sections", threading.current_thread().name, bm.model, settings.workers))
        return real_improve(bm, settings, best, **kw)

    monkeypatch.setattr(solve_module, "run", spy_run)
    monkeypatch.setattr(solve_module.neighbourhoods, "improve", spy_improve)
    return seen


def test_side_by_side_runs_only_on_the_clock_with_two_workers_below_its_limit():
    from restructure.model.solve import SIDE_BY_SIDE_BELOW_S, SIDE_BY_SIDE_MIN_CELLS, side_by_side

    on_the_clock = SolverSettings(time_limit_s=10, seed=0, workers=2, deterministic=False)
    large = SIDE_BY_SIDE_MIN_CELLS
    assert side_by_side(on_the_clock, 10, large)
    assert not side_by_side(on_the_clock, 10, large - 1)  # smaller models keep the phases in turn
    assert not side_by_side(on_the_clock, SIDE_BY_SIDE_BELOW_S, large)  # and so do long solves
    assert not side_by_side(replace(on_the_clock, workers=1), 10, large)
    assert not side_by_side(replace(on_the_clock, deterministic=True, workers=1), 10, large)  # reproducible


def test_side_by_side_proves_the_optimum_the_reproducible_solve_proves_and_ends_when_it_does(
    monkeypatch, side_by_side_from_640
):
    """Both sides run, each where it should (the bound search on its own thread and copy of the
    model with one worker, the neighbourhoods on the caller's with the other); the plan keeps every rule; the
    proof ends both sides before the time limit; the bound reaches the progress reports."""
    import threading

    sc = _side_scenario(19)
    assert prepare(sc).layout is Layout.LABELLED
    optimum = solve(_side_scenario(30, deterministic=True), explain=False)
    assert optimum.status is Status.OPTIMAL

    seen = _spy_on_searches(monkeypatch)
    progress = []
    plan = solve(sc, explain=False, on_progress=progress.append)

    # one bound search, or more when it started again from a plan of the plan side
    bounds = [s for s in seen if s[0] == "bound"]
    ((_, sections_thread, sections_model, workers),) = [s for s in seen if s[0] == "sections"]
    assert bounds and sections_thread == threading.current_thread().name and workers == 1
    for _, bound_thread, bound_model, bound_workers in bounds:
        assert bound_thread == "restructure-bound" and bound_model is not sections_model
        assert bound_workers == 1  # one max_lp worker: the neighbourhoods have the other core
    assert plan.status is Status.OPTIMAL
    assert plan.solver.objective == pytest.approx(optimum.solver.objective)
    report = check_plan(sc, plan)
    assert report.ok, (report.violations, report.kpi_mismatches)
    assert plan.solver.seconds < 18  # the proof stopped both sides, not the 19 s limit
    assert max(p.bound for p in progress) == pytest.approx(plan.solver.objective)
    assert not [t for t in threading.enumerate() if t.name == "restructure-bound"]


def test_a_stop_ends_both_sides_and_keeps_the_best_plan_so_far(side_by_side_from_640):
    import threading
    import time

    from restructure.model.solve import StopSignal

    sc = _side_scenario(19)
    stop = StopSignal()
    timer = threading.Timer(0.5, stop.stop)
    started = time.perf_counter()
    timer.start()
    try:
        plan = solve(sc, explain=False, stop=stop)
    finally:
        timer.cancel()
    assert time.perf_counter() - started < 8
    assert plan.has_plan and plan.status in (Status.FEASIBLE, Status.OPTIMAL)
    report = check_plan(sc, plan)
    assert report.ok, (report.violations, report.kpi_mismatches)
    assert not [t for t in threading.enumerate() if t.name == "restructure-bound"]


def test_an_error_in_the_bound_search_reaches_the_caller(monkeypatch, side_by_side_from_640):
    import restructure.model.solve as solve_module

    real_run = solve_module.run

    def failing(bm, settings, **kw):
        if kw.get("bound_only"):
            raise RuntimeError("bound search failed")
        return real_run(bm, settings, **kw)

    monkeypatch.setattr(solve_module, "run", failing)
    with pytest.raises(RuntimeError, match="bound search failed"):
        solve(_side_scenario(5), explain=False)


def test_a_child_stop_signal_is_set_by_its_parent_and_alone():
    from restructure.model.solve import StopSignal

    parent = StopSignal()
    child = parent.child()
    child.stop()
    assert child.is_set() and not parent.is_set()  # a proof on one side ends the solve's parts only
    other = parent.child()
    parent.stop()
    assert other.is_set()  # the planner's stop reaches every part
    parent.forget(other)
    assert parent.child().is_set()  # a part started after the stop stops at once


def test_a_rise_of_the_bound_alone_is_reported_but_not_counted_as_a_plan():
    import time

    from restructure.model.solve import Progress, ProgressRelay, _Watcher

    seen = []
    relay = ProgressRelay(seen.append, time.perf_counter())
    relay.offset = 10.0  # a settled tier's points, added to what the front end sees
    relay.report(52.0, None)
    relay(Progress(1.0, 55.0, 40.0, 7))  # a worse plan of a later phase: the best stays
    relay(Progress(2.0, 55.0, 44.0, 7, new_plan=False))
    assert [(p.objective, p.bound, p.solutions, p.new_plan) for p in seen] == [
        (62.0, 10.0, 1, True),
        (62.0, 50.0, 2, True),
        (62.0, 54.0, 2, False),
    ]

    watched = []
    watcher = _Watcher(None, watched.append, None, time.perf_counter())
    watcher.on_bound(4_000)  # before any plan there is no objective to show beside it
    assert watched == []
    watcher.objective = 52.0
    watcher.on_bound(4_400)
    ((p,),) = [watched]
    assert (p.objective, p.bound, p.new_plan) == (52.0, 44.0, False)


def test_large_anonymous_models_run_the_bound_search_beside_the_rest_on_the_clock_only():
    from restructure.model.solve import LARGE_MODEL, large_side_by_side

    on_the_clock = SolverSettings(time_limit_s=60, seed=0, workers=2, deterministic=False)
    assert large_side_by_side(on_the_clock, LARGE_MODEL)
    assert not large_side_by_side(on_the_clock, LARGE_MODEL - 1)  # smaller models: phases in turn
    assert not large_side_by_side(replace(on_the_clock, workers=1), LARGE_MODEL)
    assert not large_side_by_side(replace(on_the_clock, deterministic=True, workers=1), LARGE_MODEL)


def test_a_large_anonymous_model_searches_plans_on_one_worker_beside_its_bound_search(monkeypatch):
    """The bound search runs on its own thread and copy of the model, the full search, CP-SAT's
    LNS and the section neighbourhoods on the caller's with one worker; the plan keeps every rule,
    the proof ends the solve early, and the bound reaches the progress reports."""
    import threading

    import restructure.model.solve as solve_module

    monkeypatch.setattr(solve_module, "LARGE_MODEL", 1)  # the mechanics, on a bureau that solves fast
    dept = generate_department(14, 9, 3, 0, 3)
    small = scenario(dept.sections, dept.duties, dept.staff, key_tasks=dept.key_tasks)
    small = with_rules(small, min_section_staff=2, max_nonbusiness_section_share=0.5)
    optimum = solve(replace(small, solver=PROVE), explain=False)
    assert optimum.status is Status.OPTIMAL
    sc = replace(small, solver=SolverSettings(time_limit_s=19, seed=0, workers=2, deterministic=False))

    seen = _spy_on_searches(monkeypatch)
    progress = []
    plan = solve(sc, explain=False, on_progress=progress.append, layout=Layout.ANONYMOUS)

    assert plan.solver.layout == "anonymous"
    ((_, bound_thread, bound_model, bound_workers),) = [s for s in seen if s[0] == "bound"]
    plan_side = [s for s in seen if s[0] != "bound"]
    assert bound_thread == "restructure-bound" and bound_workers == 2
    assert plan_side[0][0] == "full"  # then LNS and the neighbourhoods, unless the proof came first
    assert {(thread, workers) for _, thread, _, workers in plan_side} == {
        (threading.current_thread().name, 1)
    }
    assert all(model is not bound_model for _, _, model, _ in plan_side)
    assert plan.status is Status.OPTIMAL
    assert plan.solver.objective == pytest.approx(optimum.solver.objective)
    report = check_plan(sc, plan)
    assert report.ok, (report.violations, report.kpi_mismatches)
    assert plan.solver.seconds < 18
    assert max(p.bound for p in progress) == pytest.approx(plan.solver.objective)
    assert not [t for t in threading.enumerate() if t.name == "restructure-bound"]
