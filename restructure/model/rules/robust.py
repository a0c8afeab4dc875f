"""Robust balance: a section must not overload even when its duties run toward the high end
of their estimates (seed 000's warning: a plan balanced on point estimates can still overload).

Each duty's planning load is fte + margin x (high - fte); summing these per section is an
upper bound on a high quantile of the section's load, so the rule is conservative.
"""

from __future__ import annotations

import math

from ortools.sat.python import cp_model

from restructure.domain import exact, robust_workload
from restructure.model.instance import Instance
from restructure.model.variables import Guard, Penalty, Vars
from restructure.terms import percent


def define(inst: Instance, m: cp_model.CpModel, v: Vars, guard: Guard) -> list[Penalty]:
    margin = inst.rules.robust_margin
    L, C, W = inst.total_work, inst.total_cap, inst.scale
    if margin <= 0 or C == 0:
        return []
    dev = inst.rules.max_load_deviation
    p, D = exact(dev).numerator, exact(dev).denominator  # exact, as in balance.py
    # rounded up, so the model is never more lenient than the checker
    high = [math.ceil(robust_workload(d, margin) * W - 1e-9) for d in inst.duties]
    lits = guard(
        "robust_load",
        "",
        f"工作量按估计上浮{percent(margin)}（向高估值）时，各科室人均工作量仍不超过平均的{1 + dev:.2f}倍",
        f"with workloads {percent(margin)} of the way to their high estimates, no section exceeds "
        f"{1 + dev:.2f}x the average load per FTE",
    )
    for k in range(inst.n_slots):
        load_high = cp_model.LinearExpr.weighted_sum([row[k] for row in v.x], high)
        m.add(D * C * load_high <= (D + p) * L * v.capacity(k)).only_enforce_if(lits)
    return []
