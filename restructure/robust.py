"""Robust versus point-estimate plans: solve both, simulate both, compare overload risk.

The robust plan keeps every section within the tolerance band even when its duties run
``margin`` of the way toward their high estimates (rule ``robust_margin``). The simulator
(seeded, the same draws for both plans) then says what that buys: the probability that some
section is over the band, against what it costs in moves and balance.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from restructure.domain import Plan, Scenario
from restructure.planning import solve
from restructure.simulate.structure import Structure
from restructure.simulate.workload import WorkloadReport, workload_risk


@dataclass(frozen=True)
class RobustComparison:
    margin: float
    point: Plan
    robust: Plan
    point_risk: WorkloadReport | None
    robust_risk: WorkloadReport | None

    def rows(self) -> list[dict[str, object]]:
        out = []
        for label, plan, risk in (
            ("point", self.point, self.point_risk),
            ("robust", self.robust, self.robust_risk),
        ):
            worst = max((s.p_over for s in risk.sections), default=0.0) if risk else None
            out.append(
                {
                    "plan": label,
                    "status": plan.status.value,
                    "p_any_section_over": None if risk is None else round(risk.p_any_over, 4),
                    "worst_section_p_over": None if worst is None else round(worst, 4),
                    "max_load_ratio": plan.kpis.get("max_load_ratio"),
                    "duties_moved": plan.kpis.get("duties_moved"),
                    "staff_moved": plan.kpis.get("staff_moved"),
                    "objective": plan.solver.objective,
                }
            )
        return out


def compare_robust(
    scenario: Scenario,
    margin: float,
    *,
    draws: int = 10_000,
    seed: int = 0,
    time_limit_s: float | None = None,
) -> RobustComparison:
    point_sc = replace(scenario, rules=replace(scenario.rules, robust_margin=0.0))
    robust_sc = replace(scenario, rules=replace(scenario.rules, robust_margin=margin))
    point = solve(point_sc, time_limit_s=time_limit_s)
    robust = solve(robust_sc, time_limit_s=time_limit_s, hint=point if point.has_plan else None)
    tol = scenario.rules.max_load_deviation

    def risk(plan: Plan) -> WorkloadReport | None:
        if not plan.has_plan:
            return None
        return workload_risk(
            Structure.from_plan(plan), scenario.department, tolerance=tol, draws=draws, seed=seed
        )

    return RobustComparison(margin, point, robust, risk(point), risk(robust))
