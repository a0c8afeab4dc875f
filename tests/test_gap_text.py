"""The optimality gap in the planners' units, never a bare percentage."""

from __future__ import annotations

from restructure.domain import SolverInfo, Status
from restructure.i18n import gap_text


def test_gap_is_said_in_points_fte_and_moves():
    info = SolverInfo(
        Status.FEASIBLE, objective=52, bound=31, gap=0.4, gap_units={"points": 21, "fte": 2.1, "moves": 10.5}
    )
    assert gap_text(info, "zh") == "至多还可改善21分（约合2.1人年的工作量偏差或10.5人次/项调整）"
    assert (
        gap_text(info, "en")
        == "a better plan could save at most 21 points (about 2.1 FTE of imbalance or 10.5 moves)"
    )


def test_optimal_plans_and_missing_bounds_add_nothing_to_the_status():
    assert gap_text(SolverInfo(Status.OPTIMAL, objective=41, bound=41, gap_units={"points": 0}), "zh") == ""
    assert gap_text(SolverInfo(Status.FEASIBLE, objective=41), "en") == ""


def test_a_plan_no_plan_without_a_new_section_beats_says_so_and_what_a_new_section_could_save():
    units = {"points": 11, "fte": 1.1, "moves": 5.5}
    settled = SolverInfo(
        Status.FEASIBLE, objective=98, bound=87, gap_units=units, bound_without_new_sections=98
    )
    assert gap_text(settled, "zh") == (
        "已证明不新设科室的方案都不优于本方案；新设科室的方案至多还可改善11分"
        "（约合1.1人年的工作量偏差或5.5人次/项调整）"
    )
    assert gap_text(settled, "en") == (
        "no plan without a new section is better (proven); one with a new section could save at "
        "most 11 points (about 1.1 FTE of imbalance or 5.5 moves)"
    )
    # bounded below the plan, that case is open too: the plain gap
    open_ = SolverInfo(
        Status.FEASIBLE, objective=98, bound=87, gap_units=units, bound_without_new_sections=95
    )
    assert gap_text(open_, "zh") == "至多还可改善11分（约合1.1人年的工作量偏差或5.5人次/项调整）"
