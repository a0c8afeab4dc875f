"""Workload uncertainty: exact at zero spread, closed forms, seeds, and the per-draw sums."""

from __future__ import annotations

import math

import numpy as np
import pytest
from fixtures_sim import department, plan
from hypothesis import given, settings
from hypothesis import strategies as st

from restructure.domain import Department, Duty, Function, Person, Rank, Section
from restructure.simulate import Spread, Structure, draw_sections, point_loads, workload_risk
from restructure.simulate.workload import bench_workload, sample_duty_workloads


def _zero_spread(dept: Department) -> Department:
    duties = tuple(
        Duty(
            d.id,
            d.name,
            d.function,
            d.workload_fte,
            d.current_section,
            workload_low=d.workload_fte,
            workload_high=d.workload_fte,
            key_task=d.key_task,
            group=d.group,
        )
        for d in dept.duties
    )
    return Department(dept.name, dept.sections, duties, dept.staff, dept.key_tasks)


def _kpi_ratios(structure: Structure, dept: Department) -> dict[str, float]:
    pts = point_loads(structure, dept)
    avg = sum(p.workload_fte for p in pts.values()) / sum(p.capacity_fte for p in pts.values())
    return {sid: p.utilisation / avg for sid, p in pts.items()}


@pytest.mark.parametrize("structure_of", [Structure.today, lambda d: Structure.from_plan(plan())])
@pytest.mark.parametrize("spread", list(Spread))
def test_zero_spread_and_no_absence_reproduce_point_ratios(structure_of, spread):
    dept = _zero_spread(department())
    structure = structure_of(dept)
    report = workload_risk(structure, dept, draws=200, seed=3, absence_rate=0.0, spread=spread)
    expected = _kpi_ratios(structure, dept)
    for s in report.sections:
        for value in (s.mean, s.p5, s.p50, s.p95, s.point_ratio):
            assert value == pytest.approx(expected[s.section_id], rel=1e-12)
        assert s.drivers == ()
    sd = draw_sections(structure, dept, draws=50, seed=1, absence_rate=0.0, spread=spread)
    loads = {sid: p.workload_fte for sid, p in point_loads(structure, dept).items()}
    for j, sid in enumerate(sd.section_ids):
        assert np.all(sd.loads[:, j] == pytest.approx(loads[sid], rel=1e-12))


def _two_sections(duty_a: Duty, load_b: float) -> Department:
    """Section A holds one uncertain duty, B a fixed one; two people each."""
    duty_b = Duty("DB", "固定", Function.BUSINESS, load_b, "B", workload_low=load_b, workload_high=load_b)
    staff = tuple(Person(f"P{s}{i}", Rank.STAFF, current_section=s) for s in "AB" for i in range(2))
    return Department("二科", (Section("A", "甲科"), Section("B", "乙科")), (duty_a, duty_b), staff)


def _uniform_cdf(x, lo, mode, hi):
    return min(1.0, max(0.0, (x - lo) / (hi - lo)))


def _triangular_cdf(x, lo, mode, hi):
    if x <= lo:
        return 0.0
    if x <= mode:
        return (x - lo) ** 2 / ((hi - lo) * (mode - lo))
    if x < hi:
        return 1 - (hi - x) ** 2 / ((hi - lo) * (hi - mode))
    return 1.0


@pytest.mark.parametrize(
    ("spread", "cdf"), [(Spread.UNIFORM, _uniform_cdf), (Spread.TRIANGULAR, _triangular_cdf)]
)
def test_overload_probability_matches_closed_form(spread, cdf):
    lo, mode, hi, load_b, tol = 2.0, 3.0, 5.0, 1.8, 0.2
    dept = _two_sections(
        Duty("DA", "不定", Function.BUSINESS, mode, "A", workload_low=lo, workload_high=hi), load_b
    )
    draws = 20_000
    report = workload_risk(
        Structure.today(dept), dept, tolerance=tol, draws=draws, seed=11, absence_rate=0.0, spread=spread
    )
    # ratio_A = (L_A/2) / ((L_A + L_B)/4) > 1.2  <=>  L_A > 1.2·2·L_B / (4 − 1.2·2)
    threshold = (1 + tol) * 2 * load_b / (4 - (1 + tol) * 2)
    p = 1 - cdf(threshold, lo, mode, hi)
    se = math.sqrt(p * (1 - p) / draws)
    assert report.section("A").p_over == pytest.approx(p, abs=4 * se)
    # B is under-loaded exactly when A is over: ratio_B < 0.8  <=>  L_A > 4·L_B/(2·0.8) − L_B
    p_under_b = 1 - cdf(4 * load_b / (2 * (1 - tol)) - load_b, lo, mode, hi)
    assert report.section("B").p_under == pytest.approx(
        p_under_b, abs=4 * math.sqrt(p_under_b * (1 - p_under_b) / draws)
    )
    assert report.p_any_over == pytest.approx(p, abs=4 * se)
    assert report.section("A").drivers[0].duty_id == "DA"
    assert report.section("A").drivers[0].variance_share == pytest.approx(1.0)


def test_pert_mean_and_range():
    duty = Duty("D", "x", Function.BUSINESS, 2.0, "A", workload_low=1.0, workload_high=6.0)
    draws = sample_duty_workloads([duty], 20_000, np.random.default_rng(5))[:, 0]
    assert draws.min() >= 1.0
    assert draws.max() <= 6.0
    expected = (1.0 + 4 * 2.0 + 6.0) / 6  # Beta-PERT mean with λ = 4
    assert draws.mean() == pytest.approx(expected, abs=4 * draws.std() / math.sqrt(len(draws)))


def test_default_spread_is_plus_minus_25_percent():
    duty = Duty("D", "x", Function.BUSINESS, 4.0, "A")
    draws = sample_duty_workloads([duty], 5_000, np.random.default_rng(0), Spread.UNIFORM)[:, 0]
    assert draws.min() >= 3.0
    assert draws.max() <= 5.0
    assert draws.min() < 3.05
    assert draws.max() > 4.95


def test_absence_lowers_capacity_by_its_rate_on_average():
    dept = department()
    structure = Structure.today(dept)
    full = draw_sections(structure, dept, draws=20_000, seed=2, absence_rate=0.0)
    away = draw_sections(structure, dept, draws=20_000, seed=2, absence_rate=0.10)
    placed_cap = sum(p.capacity_fte for p in dept.staff if p.current_section)
    assert np.all(full.total_capacity == pytest.approx(placed_cap))
    se = away.total_capacity.std() / math.sqrt(20_000)
    assert away.total_capacity.mean() == pytest.approx(0.9 * placed_cap, abs=4 * se)
    assert np.all(away.capacity > 0)
    # Duty draws do not depend on the absence rate (duties are drawn first).
    assert np.array_equal(full.duty_loads, away.duty_loads)


def test_same_seed_same_numbers_different_seed_different():
    dept = department()
    structure = Structure.today(dept)
    a = workload_risk(structure, dept, draws=2_000, seed=7)
    b = workload_risk(structure, dept, draws=2_000, seed=7)
    c = workload_risk(structure, dept, draws=2_000, seed=8)
    assert a == b
    assert a.to_frame().equals(b.to_frame())
    assert [s.mean for s in a.sections] != [s.mean for s in c.sections]


def test_plan_and_today_share_duty_draws():
    dept = department()
    today = draw_sections(Structure.today(dept), dept, draws=500, seed=4)
    planned = draw_sections(Structure.from_plan(plan()), dept, draws=500, seed=4)
    # The plan also places the new duty D07; the duties both place see identical draws.
    common = [d for d in today.duty_ids if d in planned.duty_ids]
    ti = [today.duty_ids.index(d) for d in common]
    pi = [planned.duty_ids.index(d) for d in common]
    assert np.array_equal(today.duty_loads[:, ti], planned.duty_loads[:, pi])
    assert "D07" not in today.duty_ids
    assert "D07" in planned.duty_ids


def test_section_without_staff_is_always_over():
    dept = department()
    staff = tuple(p for p in dept.staff if p.current_section != "S04")
    dept = Department(dept.name, dept.sections, dept.duties, staff, dept.key_tasks)
    risk = workload_risk(Structure.today(dept), dept, draws=100, seed=0)
    s04 = risk.section("S04")
    assert not s04.staffed
    assert s04.p_over == 1.0
    assert math.isinf(s04.point_ratio)


@st.composite
def small_departments(draw):
    n_sec = draw(st.integers(1, 4))
    sids = [f"S{k}" for k in range(n_sec)]
    section_or_none = st.sampled_from([*sids, None])
    duties = []
    for i in range(draw(st.integers(1, 8))):
        fte = draw(st.floats(0.1, 5.0))
        lo = fte * draw(st.floats(0.0, 1.0))
        hi = fte * draw(st.floats(1.0, 3.0))
        duties.append(
            Duty(
                f"D{i}",
                f"d{i}",
                Function.BUSINESS,
                fte,
                draw(section_or_none),
                workload_low=lo,
                workload_high=hi,
            )
        )
    staff = [Person("P0", Rank.STAFF, current_section=sids[0])]
    for i in range(1, draw(st.integers(1, 6))):
        staff.append(
            Person(
                f"P{i}",
                Rank.STAFF,
                current_section=draw(section_or_none),
                capacity_fte=draw(st.floats(0.1, 1.0)),
            )
        )
    return Department("h", tuple(Section(s, s) for s in sids), tuple(duties), tuple(staff))


@settings(max_examples=40, deadline=None)
@given(small_departments(), st.integers(0, 2**32 - 1), st.sampled_from(list(Spread)))
def test_section_loads_sum_to_total_per_draw(dept, seed, spread):
    sd = draw_sections(Structure.today(dept), dept, draws=64, seed=seed, spread=spread)
    placed = [d for d in dept.duties if d.current_section is not None]
    assert sd.loads.shape == (64, len(dept.sections))
    assert np.allclose(sd.loads.sum(axis=1), sd.total_load, rtol=1e-12, atol=1e-12)
    assert np.allclose(sd.duty_loads.sum(axis=1), sd.total_load, rtol=1e-12, atol=1e-12)
    assert np.allclose(sd.capacity.sum(axis=1), sd.total_capacity, rtol=1e-12, atol=1e-12)
    low = sum(min(d.workload_low, d.workload_fte) for d in placed)
    high = sum(max(d.workload_high, d.workload_fte) for d in placed)
    assert np.all(sd.total_load >= low - 1e-9)
    assert np.all(sd.total_load <= high + 1e-9)


def test_bench_workload_runs_a_300_duty_department():
    seconds = bench_workload(n_duties=300, draws=10_000, seed=0)
    assert 0 < seconds < 5.0  # target < 1 s on the reference machine; loose here for slow CI
