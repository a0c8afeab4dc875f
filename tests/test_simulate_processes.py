"""Process flows: handoffs, analytic queueing, and the SimPy check against it."""

from __future__ import annotations

import pytest
from fixtures_sim import department, plan

from restructure.domain import Department, Duty, Function, Person, Process, Rank, Section
from restructure.errors import InputError
from restructure.simulate import Structure, analyse_process, compare_processes, count_handoffs
from restructure.simulate.processes import (
    RHO_CAP,
    UNPLACED,
    ProcessComparison,
    erlang_c,
    mmc_wait,
    processes_frame,
    simulate_cycle,
)


def _pool_department(servers: int, rho: float, sections: str = "AB") -> Department:
    """Each section: `servers` people, one duty that keeps them busy `rho` of the time."""
    secs = tuple(Section(s, f"{s}科") for s in sections)
    duties = tuple(Duty(f"D{s}", s, Function.BUSINESS, rho * servers, s) for s in sections)
    staff = tuple(Person(f"P{s}{i}", Rank.STAFF, current_section=s) for s in sections for i in range(servers))
    return Department("池", secs, duties, staff)


def test_steps_all_in_one_section_have_no_handoffs():
    dept = department()
    proc = Process("许可", ("D03", "D04"), cases_per_year=50, days_per_step=(2, 3), handoff_days=5)
    flow = analyse_process(proc, Structure.today(dept), dept, seed=None)
    assert flow.handoffs == 0
    assert flow.handoff_days == 0
    assert flow.processing_days == 5


def test_merging_sections_removes_the_handoff():
    dept = department()
    reimburse = Process("费用报销", ("D01", "D02"), cases_per_year=200, days_per_step=(1, 2), handoff_days=2)
    (cmp,) = compare_processes(
        [reimburse], Structure.today(dept), Structure.from_plan(plan()), dept, seed=None
    )
    assert cmp.before.handoffs == 1  # 办公室 -> 财务科 today
    assert cmp.before.handoff_days == 2
    assert cmp.after.handoffs == 0  # both in 综合保障科 under the plan
    assert cmp.after.handoff_days == 0
    assert cmp.before.processing_days == cmp.after.processing_days == 3
    assert cmp.before.cycle_days == pytest.approx(
        cmp.before.processing_days + cmp.before.handoff_days + cmp.before.queue_days
    )


def test_handoff_count_counts_changes_of_section():
    assert count_handoffs(["A", "A", "B", "B", "A"]) == 2
    assert count_handoffs(["A"]) == 0
    assert count_handoffs([]) == 0
    assert count_handoffs(["A", UNPLACED, "A"]) == 2


def test_new_duty_step_today_is_unplaced_and_handed_off():
    dept = department()
    proc = Process("优化", ("D03", "D07"), cases_per_year=20, days_per_step=(1, 1), handoff_days=1)
    flow = analyse_process(proc, Structure.today(dept), dept, seed=None)
    assert flow.unplaced_steps == ("D07",)
    assert flow.handoffs == 1


def test_erlang_c_reduces_to_mm1():
    assert erlang_c(1, 0.7) == pytest.approx(0.7)
    assert mmc_wait(1, 0.5, 2.0) == pytest.approx(2.0)  # ρ/(1−ρ)·t
    # Known M/M/2 value: ρ = 0.5 -> P(wait) = 1/3, Wq = (1/3)·t/(2·0.5)
    assert erlang_c(2, 1.0) == pytest.approx(1 / 3)
    assert mmc_wait(2, 0.5, 3.0) == pytest.approx(1.0)
    # More people at the same utilisation wait less.
    assert mmc_wait(5, 0.8, 2.0) < mmc_wait(2, 0.8, 2.0) < mmc_wait(1, 0.8, 2.0)


def test_analytic_queue_uses_section_utilisation():
    dept = _pool_department(servers=1, rho=0.5)
    proc = Process("p", ("DA", "DB"), cases_per_year=30, days_per_step=(2, 3), handoff_days=1)
    flow = analyse_process(proc, Structure.today(dept), dept, seed=None)
    assert [s.rho for s in flow.steps] == [0.5, 0.5]
    assert flow.queue_days == pytest.approx(0.5 / 0.5 * 2 + 0.5 / 0.5 * 3)
    assert flow.cycle_days == pytest.approx(5 + 1 + 5)
    assert flow.overloaded_sections == ()


def test_overloaded_section_is_flagged_and_capped():
    dept = _pool_department(servers=2, rho=1.3)
    proc = Process("p", ("DA",), cases_per_year=30, days_per_step=(2,), handoff_days=0)
    flow = analyse_process(proc, Structure.today(dept), dept, seed=None)
    (step,) = flow.steps
    assert step.overloaded
    assert step.utilisation == pytest.approx(1.3)
    assert step.rho == RHO_CAP
    assert flow.overloaded_sections == ("A",)
    assert flow.queue_days == pytest.approx(mmc_wait(2, RHO_CAP, 2.0))


def test_simpy_check_agrees_with_analytic_cycle_time():
    dept = _pool_department(servers=2, rho=0.5)
    proc = Process("p", ("DA", "DB"), cases_per_year=5_000, days_per_step=(2, 3), handoff_days=1)
    flow = analyse_process(proc, Structure.today(dept), dept, seed=0, sim_years=10)
    assert flow.sim_cases > 500
    assert flow.sim_cycle_days == pytest.approx(flow.cycle_days, rel=0.12)


def test_simpy_check_states_its_spread_and_the_interval_covers_the_analytic_mean():
    dept = _pool_department(servers=2, rho=0.5)
    proc = Process("p", ("DA", "DB"), cases_per_year=5_000, days_per_step=(2, 3), handoff_days=1)
    flow = analyse_process(proc, Structure.today(dept), dept, seed=0)
    assert flow.sim_half_width is not None and 0 < flow.sim_half_width < 0.2 * flow.sim_cycle_days
    assert abs(flow.sim_cycle_days - flow.cycle_days) <= flow.sim_half_width * 1.5
    # the mean is that of independent runs: one run alone is one of them, not the reported mean
    single, _ = simulate_cycle(proc, flow.steps, seed=0, index=0)
    assert single != flow.sim_cycle_days
    frame = processes_frame([ProcessComparison("p", 5_000, flow, None)])
    assert frame["sim_half_width"].iloc[0] == pytest.approx(flow.sim_half_width)


def test_simpy_check_is_seeded():
    dept = department()
    proc = Process(
        "许可办理", ("D03", "D04", "D05"), cases_per_year=100, days_per_step=(2, 3, 1), handoff_days=1
    )
    runs = [analyse_process(proc, Structure.today(dept), dept, seed=s).sim_cycle_days for s in (1, 1, 2)]
    assert runs[0] == runs[1]
    assert runs[0] != runs[2]


def test_days_per_step_of_wrong_length_is_an_input_error_in_both_languages():
    dept = department()
    proc = Process("坏流程", ("D01", "D02"), cases_per_year=10, days_per_step=(1,), handoff_days=1)
    with pytest.raises(InputError) as err:
        analyse_process(proc, Structure.today(dept), dept, seed=None, file="s.toml")
    (problem,) = err.value.problems
    assert problem.file == "s.toml"
    assert "days_per_step" in problem.en
    assert "坏流程" in problem.zh


def test_missing_days_per_step_default_to_one_day_each():
    dept = department()
    proc = Process("p", ("D01", "D02", "D05"), cases_per_year=10)
    flow = analyse_process(proc, Structure.today(dept), dept, seed=None)
    assert flow.processing_days == 3


def test_processes_frame_lists_before_then_after():
    dept = department()
    procs = [Process("费用报销", ("D01", "D02"), cases_per_year=200, days_per_step=(1, 2), handoff_days=2)]
    frame = processes_frame(
        compare_processes(procs, Structure.today(dept), Structure.from_plan(plan()), dept, seed=0)
    )
    assert list(frame["structure"]) == ["today", "plan"]
    assert list(frame["handoffs"]) == [1, 0]
    assert frame["sim_cycle_days"].notna().all()
