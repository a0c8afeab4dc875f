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
