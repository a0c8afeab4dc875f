"""Running CP-SAT: parameters, hints, progress, stopping, and an honest status."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from ortools.sat.python import cp_model

from restructure.domain import SolverSettings, Status
from restructure.model.build import BuiltModel
from restructure.model.variables import POINTS

_STATUS = {
    cp_model.OPTIMAL: Status.OPTIMAL,
    cp_model.FEASIBLE: Status.FEASIBLE,
    cp_model.INFEASIBLE: Status.INFEASIBLE,
    cp_model.UNKNOWN: Status.UNKNOWN,
    cp_model.MODEL_INVALID: Status.INVALID,
}


@dataclass(frozen=True)
class Progress:
    """What a front end shows while the solver runs (objective and bound in points)."""

    seconds: float
    objective: float
    bound: float
    solutions: int


@dataclass
class RawSolution:
    status: Status
    objective: float | None
    bound: float | None
    seconds: float
    first_solution_s: float | None
    values: dict[str, list] | None  # x, n, succ, deputy_posts, chief_filled as plain ints
    solutions: int = 0


class StopSignal:
    """Ask a running solve to stop and keep its best plan so far; safe from any thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._stopped = False
        self._solvers: list[cp_model.CpSolver] = []

    def stop(self) -> None:
        with self._lock:
            self._stopped = True
            for solver in self._solvers:
                solver.stop_search()

    def is_set(self) -> bool:
        return self._stopped

    def attach(self, solver: cp_model.CpSolver) -> None:
        with self._lock:
            self._solvers.append(solver)
            if self._stopped:
                solver.stop_search()

    def detach(self, solver: cp_model.CpSolver) -> None:
        with self._lock:
            self._solvers.remove(solver)


class _Watcher(cp_model.CpSolverSolutionCallback):
    def __init__(self, bm: BuiltModel, on_progress, stop: StopSignal | None, start: float):
        super().__init__()
        self.bm, self.on_progress, self.stop, self.start = bm, on_progress, stop, start
        self.first: float | None = None
        self.count = 0

    def on_solution_callback(self) -> None:
        now = time.perf_counter() - self.start
        self.count += 1
        if self.first is None:
            self.first = now
        if self.on_progress is not None:
            self.on_progress(
                Progress(now, self.objective_value / POINTS, self.best_objective_bound / POINTS, self.count)
            )
        if self.stop is not None and self.stop.is_set():  # a stop that came before the search began
            self.stop_search()


def parameters(settings: SolverSettings, *, time_limit_s: float | None = None) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    p = solver.parameters
    limit = settings.time_limit_s if time_limit_s is None else time_limit_s
    p.random_seed = settings.seed
    p.num_workers = max(1, settings.workers)
    if settings.deterministic:
        # Stop on deterministic time, not wall time, with one worker, so that the same inputs
        # and seed give the same plan whatever the machine's load. (CP-SAT's interleaved
        # multi-worker mode would also be deterministic, but 9.15 aborted the whole process on
        # our models with "Check failed: heuristics.fixed_search != nullptr".)
        p.num_workers = 1
        p.max_deterministic_time = limit
        p.max_time_in_seconds = max(60.0, 20 * limit)  # a safety net, never the normal stop
    else:
        p.max_time_in_seconds = limit
    return solver


def add_hint(bm: BuiltModel, hint: dict[str, list], *, complete: bool = True) -> dict | None:
    """Hint every decision variable; with ``complete``, also every auxiliary one.

    The auxiliary values come from a quick solve with the decisions fixed (objective kept, so
    penalty variables come out tight): a complete, feasible hint lets CP-SAT start from that
    plan. Returns the hinted plan's values and objective (points) when it is feasible, else
    None, so the caller can keep it should the search end worse (presolve may break a hint).
    """
    _hint_decisions(bm, hint)
    if not complete:
        return None
    probe = bm.model.clone()
    for proto_index, value in _decision_values(bm, hint):
        probe.add(probe.get_int_var_from_proto_index(proto_index) == value)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = 5.0
    if solver.solve(probe) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    m = bm.model
    m.clear_hints()
    for i in range(len(m.proto.variables)):
        m.add_hint(m.get_int_var_from_proto_index(i), solver.value(probe.get_int_var_from_proto_index(i)))
    v = bm.vars
    return {
        "x": [[solver.value(var) for var in row] for row in v.x],
        "n": [[solver.value(var) for var in row] for row in v.n],
        "succ": {s: [solver.value(var) for var in row] for s, row in v.succ.items()},
        "deputy_posts": [solver.value(var) for var in v.deputy_posts],
        "active": [solver.value(var) for var in v.active],
        "objective": solver.objective_value / POINTS if bm.model.has_objective() else 0.0,
    }


def _decision_values(bm: BuiltModel, hint: dict[str, list]):
    v = bm.vars
    for i, row in enumerate(v.x):
        for k, var in enumerate(row):
            yield var.index, hint["x"][i][k]
    for c, row in enumerate(v.n):
        for k, var in enumerate(row):
            yield var.index, hint["n"][c][k]
    for s, row in v.succ.items():
        for k, var in enumerate(row):
            yield var.index, hint["succ"][s][k]
    for k, var in enumerate(v.deputy_posts):
        yield var.index, hint["deputy_posts"][k]
    for k, var in enumerate(v.active):
        yield var.index, hint["active"][k]


def _hint_decisions(bm: BuiltModel, hint: dict[str, list]) -> None:
    v, m = bm.vars, bm.model
    m.clear_hints()
    for i, row in enumerate(v.x):
        for k, var in enumerate(row):
            m.add_hint(var, hint["x"][i][k])
    for c, row in enumerate(v.n):
        for k, var in enumerate(row):
            m.add_hint(var, hint["n"][c][k])
    for s, row in v.succ.items():
        for k, var in enumerate(row):
            m.add_hint(var, hint["succ"][s][k])
    for k, var in enumerate(v.deputy_posts):
        m.add_hint(var, hint["deputy_posts"][k])
    for k, var in enumerate(v.active):
        m.add_hint(var, hint["active"][k])


def run(
    bm: BuiltModel,
    settings: SolverSettings,
    *,
    time_limit_s: float | None = None,
    on_progress: Callable[[Progress], None] | None = None,
    stop: StopSignal | None = None,
    assumptions: list | None = None,
) -> tuple[RawSolution, cp_model.CpSolver]:
    solver = parameters(settings, time_limit_s=time_limit_s)
    m = bm.model
    m.clear_assumptions()
    if assumptions:
        m.add_assumptions(assumptions)
    start = time.perf_counter()
    watcher = _Watcher(bm, on_progress, stop, start)
    if stop is not None:
        stop.attach(solver)
    try:
        code = solver.solve(m, watcher)
    finally:
        if stop is not None:
            stop.detach(solver)
    seconds = time.perf_counter() - start
    status = _STATUS.get(code, Status.UNKNOWN)
    has = status in (Status.OPTIMAL, Status.FEASIBLE)
    objective = solver.objective_value / POINTS if has else None
    bound = solver.best_objective_bound / POINTS if status is not Status.INFEASIBLE else None
    values = None
    if has:
        v = bm.vars
        values = {
            "x": [[solver.value(var) for var in row] for row in v.x],
            "n": [[solver.value(var) for var in row] for row in v.n],
            "succ": {s: [solver.value(var) for var in row] for s, row in v.succ.items()},
            "deputy_posts": [solver.value(var) for var in v.deputy_posts],
            "active": [solver.value(var) for var in v.active],
            "terms": {
                p_name: solver.value(bm.term_expr(p_name)) for p_name in {p.name for p in bm.penalties}
            },
        }
    first = watcher.first if watcher.first is not None else (seconds if has else None)
    return RawSolution(status, objective, bound, seconds, first, values, watcher.count), solver
