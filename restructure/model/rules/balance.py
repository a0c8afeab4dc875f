"""Workload per FTE (忙闲不均): each section within ± max_load_deviation of the department's
average (hard), and inside that band as even as the planner asks (soft): balance costs the FTE
by which a section lies outside the inner band ± balance_band, L1 over sections, in 0.1 FTE.

Why an inner band: workload estimates are rough (their low-high ranges span tens of percent),
so a plan that moves people to trade 0.05 FTE of imbalance is chasing noise; and an exact L1
optimum is a subset-sum problem no solver proves quickly. Inside the band, balance costs nothing.
"""

from __future__ import annotations

from ortools.sat.python import cp_model

from restructure.domain import exact
from restructure.model.instance import Instance
from restructure.model.variables import Guard, Penalty, Vars
from restructure.terms import percent


def define(inst: Instance, m: cp_model.CpModel, v: Vars, guard: Guard) -> list[Penalty]:
    L, C, W = inst.total_work, inst.total_cap, inst.scale
    if C == 0:
        return []
    dev = inst.rules.max_load_deviation
    # the band and the inner band as exact fractions p/D and q/B, so the model and the checker
    # agree on every decimal the planner types (per mille rounded 0.2004 to 0.2)
    p, D = exact(dev).numerator, exact(dev).denominator
    band = exact(inst.scenario.objective.balance_band)
    q, B = band.numerator, band.denominator
    lits = guard(
        "max_load_deviation",
        "",
        f"各科室人均工作量须在全局平均的±{percent(dev)}以内",
        f"each section's workload per FTE within ±{percent(dev)} of the department average",
    )
    # excess over the inner band in units of 0.1 FTE, rounded up: finer would only slow the proof
    unit = C * W // 10 if W >= 10 else C
    devs = []
    for k in range(inst.n_slots):
        load, cap = v.load(k), v.capacity(k)
        # load/cap within (1±dev)·L/C, multiplied out so that it stays linear and exact
        m.add(D * C * load <= (D + p) * L * cap).only_enforce_if(lits)
        m.add(D * C * load >= (D - p) * L * cap).only_enforce_if(lits)
        d = m.new_int_var(0, L // max(1, W // 10) + 1, f"dev[{k}]")
        m.add(B * unit * d >= B * C * load - (B + q) * L * cap)
        m.add(B * unit * d >= (B - q) * L * cap - B * C * load)
        devs.append(d)
    return [Penalty("balance", sum(devs), unit=0.1 if W >= 10 else 1.0)]
