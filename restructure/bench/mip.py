"""The same model as a MIP for HiGHS: a line-by-line translation of the CP-SAT proto.

Translating the built CpModelProto (rather than writing a second formulation by hand) means
HiGHS solves exactly the model CP-SAT solves. Enforcement literals become big-M terms from
the variables' bounds; negated literals become ``1 - x``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import highspy
import numpy as np
from ortools.sat import cp_model_pb2

INF = highspy.kHighsInf


@dataclass
class MipResult:
    status: str  # optimal, feasible, infeasible, unknown
    objective: float | None
    bound: float | None
    seconds: float
    trajectory: list[tuple[float, float]] = field(default_factory=list)  # (seconds, objective)


class _Rows:
    """Accumulates rows lo <= sum(coef * col) + const <= hi."""

    def __init__(self, lb: np.ndarray, ub: np.ndarray):
        self.lb, self.ub = lb, ub
        self.rows: list[tuple[float, float, dict[int, float]]] = []

    def lit(self, ref: int) -> tuple[dict[int, float], float]:
        """A literal as a linear term: x or 1 - x."""
        return ({ref: 1.0}, 0.0) if ref >= 0 else ({-ref - 1: -1.0}, 1.0)

    def add(self, terms: dict[int, float], const: float, lo: float, hi: float, enforce: list[int]) -> None:
        terms = {k: v for k, v in terms.items() if v}
        if enforce:
            # activity range, for big-M: lo - M*(#enforce - sum(e)) <= a.x + c
            amin = const + sum(v * (self.lb[k] if v > 0 else self.ub[k]) for k, v in terms.items())
            amax = const + sum(v * (self.ub[k] if v > 0 else self.lb[k]) for k, v in terms.items())
            n_enf = len(enforce)
            if hi < INF and amax > hi:
                m = amax - hi
                t = dict(terms)
                c = const - m * n_enf  # a.x + c + m*sum(e) - m*n <= hi   (e literal = x or 1-x)
                for e in enforce:
                    et, ec = self.lit(e)
                    for k, v in et.items():
                        t[k] = t.get(k, 0.0) + m * v
                    c += m * ec
                self.rows.append((-INF, hi - c, t))
            if lo > -INF and amin < lo:
                m = lo - amin
                t = dict(terms)
                c = const + m * n_enf  # a.x + c - m*sum(e) + m*n >= lo
                for e in enforce:
                    et, ec = self.lit(e)
                    for k, v in et.items():
                        t[k] = t.get(k, 0.0) - m * v
                    c -= m * ec
                self.rows.append((lo - c, INF, t))
            return
        self.rows.append((lo - const if lo > -INF else -INF, hi - const if hi < INF else INF, terms))


def _sum_lits(rows: _Rows, refs) -> tuple[dict[int, float], float]:
    terms: dict[int, float] = {}
    const = 0.0
    for r in refs:
        t, c = rows.lit(r)
        for k, v in t.items():
            terms[k] = terms.get(k, 0.0) + v
        const += c
    return terms, const


def proto_to_highs(proto: cp_model_pb2.CpModelProto) -> tuple[highspy.Highs, float, float]:
    """Return a Highs instance with the model, plus the objective's offset and scaling."""
    n = len(proto.variables)
    lb = np.array([v.domain[0] for v in proto.variables], dtype=float)
    ub = np.array([v.domain[-1] for v in proto.variables], dtype=float)
    rows = _Rows(lb, ub)
    for ct in proto.constraints:
        kind = ct.WhichOneof("constraint")
        enf = list(ct.enforcement_literal)
        if kind == "linear":
            terms: dict[int, float] = {}
            const = 0.0
            for var, coef in zip(ct.linear.vars, ct.linear.coeffs, strict=True):
                if var >= 0:
                    terms[var] = terms.get(var, 0.0) + coef
                else:  # CP-SAT may use negated refs in linear: -x-1 means (lb+ub) - x for ints; booleans here
                    terms[-var - 1] = terms.get(-var - 1, 0.0) - coef
                    const += coef
            dom = list(ct.linear.domain)
            lo = dom[0] if dom[0] > -(2**62) else -INF
            hi = dom[-1] if dom[-1] < 2**62 else INF
            rows.add(terms, const, lo, hi, enf)
        elif kind == "bool_or":
            t, c = _sum_lits(rows, ct.bool_or.literals)
            rows.add(t, c, 1, INF, enf)
        elif kind == "bool_and":
            for r in ct.bool_and.literals:
                t, c = rows.lit(r)
                rows.add(t, c, 1, INF, enf)
        elif kind == "at_most_one":
            t, c = _sum_lits(rows, ct.at_most_one.literals)
            rows.add(t, c, -INF, 1, enf)
        elif kind == "exactly_one":
            t, c = _sum_lits(rows, ct.exactly_one.literals)
            rows.add(t, c, 1, 1, enf)
        else:
            raise ValueError(f"constraint kind {kind} has no MIP translation here")
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    cost = np.zeros(n)
    offset, scaling = 0.0, 1.0
    if proto.HasField("objective"):
        for var, coef in zip(proto.objective.vars, proto.objective.coeffs, strict=True):
            cost[var] += coef
        offset = proto.objective.offset
        scaling = proto.objective.scaling_factor or 1.0
    h.addVars(n, lb, ub)
    h.changeColsCost(n, np.arange(n, dtype=np.int32), cost)
    h.changeColsIntegrality(n, np.arange(n, dtype=np.int32), np.array([highspy.HighsVarType.kInteger] * n))
    for lo, hi, t in rows.rows:
        idx = np.array(list(t.keys()), dtype=np.int32)
        val = np.array(list(t.values()), dtype=float)
        h.addRow(lo, hi, len(idx), idx, val)
    return h, offset, scaling


def solve_mip(
    proto: cp_model_pb2.CpModelProto, *, time_limit_s: float, threads: int, seed: int = 0
) -> MipResult:
    h, offset, scaling = proto_to_highs(proto)
    h.setOptionValue("time_limit", float(time_limit_s))
    h.setOptionValue("threads", int(threads))
    h.setOptionValue("random_seed", int(seed))
    h.setOptionValue("mip_rel_gap", 0.0)
    trajectory: list[tuple[float, float]] = []
    start = time.perf_counter()

    def on_improving(callback_type, message, data_out, data_in, user_data):
        trajectory.append(
            (time.perf_counter() - start, (data_out.objective_function_value + offset) * scaling)
        )

    h.setCallback(on_improving, None)
    h.startCallback(highspy.cb.HighsCallbackType.kCallbackMipImprovingSolution)
    h.run()
    seconds = time.perf_counter() - start
    status = h.getModelStatus()
    info = h.getInfo()
    has = info.primal_solution_status == 2  # kSolutionStatusFeasible
    objective = (info.objective_function_value + offset) * scaling if has else None
    bound = (info.mip_dual_bound + offset) * scaling if abs(info.mip_dual_bound) < 1e30 else None
    if status == highspy.HighsModelStatus.kOptimal:
        verdict = "optimal"
    elif status == highspy.HighsModelStatus.kInfeasible:
        verdict = "infeasible"
    else:
        verdict = "feasible" if has else "unknown"
    return MipResult(verdict, objective, bound, seconds, trajectory)


def main(argv: list[str] | None = None) -> int:
    """``python -m restructure.bench.mip MODEL.pb OUT.json --time-limit S --threads N``.

    HiGHS runs in its own process: OR-Tools bundles a HiGHS of its own, and the two cannot be
    loaded into one interpreter (their symbols clash).
    """
    import argparse
    import json

    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("out")
    ap.add_argument("--time-limit", type=float, required=True)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args(argv)
    proto = cp_model_pb2.CpModelProto()
    with open(a.model, "rb") as fh:
        proto.ParseFromString(fh.read())
    r = solve_mip(proto, time_limit_s=a.time_limit, threads=a.threads, seed=a.seed)
    with open(a.out, "w", encoding="utf-8") as fh:
        json.dump(
            {
                "status": r.status,
                "objective": r.objective,
                "bound": r.bound,
                "seconds": r.seconds,
                "trajectory": r.trajectory,
            },
            fh,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
