"""Running CP-SAT: parameters, hints, progress, stopping, and an honest status."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

from ortools.sat.python import cp_model

from restructure.domain import SolverSettings, Status
from restructure.model import neighbourhoods
from restructure.model.build import BuiltModel
from restructure.model.instance import Layout
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
    solutions: int  # plans found so far
    new_plan: bool = True  # False: only the bound moved


@dataclass
class RawSolution:
    status: Status
    objective: float | None
    bound: float | None
    seconds: float
    first_solution_s: float | None
    values: dict[str, list] | None  # x, n, succ, deputy_posts, chief_filled as plain ints
    solutions: int = 0
    every_value: list[int] | None = None  # the solution of every model variable, to hint it again
    # a bound search in cases: what each case was bounded at (see ``_bound_cases``)
    case_bounds: dict[str, float] | None = None


class ProgressRelay:
    """Progress across the phases and tiers of one solve, as a front end should see it: seconds
    since the solve began, the best objective and the best bound so far (each phase starts over
    with a weaker bound of its own), plus a constant the caller adds (a tier settled before)."""

    def __init__(self, on_progress: Callable[[Progress], None] | None, started: float):
        self.on_progress, self.started = on_progress, started
        self._lock = threading.Lock()
        self.offset = 0.0
        self.best: float | None = None
        self.bound: float | None = None
        self.count = 0

    def __call__(self, p: Progress) -> None:
        self.report(p.objective, p.bound, new_plan=p.new_plan)

    def report(self, objective: float, bound: float | None, *, new_plan: bool = True) -> None:
        with self._lock:  # the bound search reports from a thread of its own
            self._report(objective, bound, new_plan)

    def _report(self, objective: float, bound: float | None, new_plan: bool) -> None:
        self.count += new_plan
        self.best = objective if self.best is None else min(self.best, objective)
        if bound is not None:
            self.bound = bound if self.bound is None else max(self.bound, bound)
        if self.on_progress is not None:
            self.on_progress(
                Progress(
                    time.perf_counter() - self.started,
                    self.best + self.offset,
                    (self.bound if self.bound is not None else 0.0) + self.offset,
                    self.count,
                    new_plan,
                )
            )


class StopSignal:
    """Ask a running solve to stop and keep its best plan so far; safe from any thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._stopped = False
        self._solvers: list[cp_model.CpSolver] = []
        self._children: list[StopSignal] = []

    def stop(self) -> None:
        with self._lock:
            self._stopped = True
            for solver in self._solvers:
                solver.stop_search()
            children = list(self._children)
        for child in children:
            child.stop()

    def child(self) -> StopSignal:
        """A signal that this one sets too, and that can be set alone (one part of a solve
        ends another); ``forget`` it when that part is over."""
        child = StopSignal()
        with self._lock:
            self._children.append(child)
            stopped = self._stopped
        if stopped:
            child.stop()
        return child

    def forget(self, child: StopSignal) -> None:
        with self._lock:
            self._children.remove(child)

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
        self.objective: float | None = None  # the latest plan's, in points

    def on_bound(self, bound: float) -> None:
        """A better bound without a new plan (a bound search's root LP, say): the front end
        should see it as it comes, not only with the next plan."""
        if self.on_progress is not None and self.objective is not None:
            now = time.perf_counter() - self.start
            self.on_progress(Progress(now, self.objective, bound / POINTS, self.count, new_plan=False))

    def on_solution_callback(self) -> None:
        now = time.perf_counter() - self.start
        self.count += 1
        if self.first is None:
            self.first = now
        self.objective = self.objective_value / POINTS
        if self.on_progress is not None:
            self.on_progress(Progress(now, self.objective, self.best_objective_bound / POINTS, self.count))
        if self.stop is not None and self.stop.is_set():  # a stop that came before the search began
            self.stop_search()


def parameters(
    settings: SolverSettings,
    *,
    time_limit_s: float | None = None,
    lns_only: bool = False,
    keep_hint: bool = False,
    bound_only: bool = False,
    bound_subsolvers: tuple[str, ...] | None = None,
) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    p = solver.parameters
    limit = settings.time_limit_s if time_limit_s is None else time_limit_s
    p.random_seed = settings.seed
    p.num_workers = max(1, settings.workers)
    # One round of presolve, not three: every phase presolves the model again, and on a slower
    # machine three rounds took 1.9 s of 市场监管局's model (one: 1.1 s), so a 3.3 s bound phase
    # ended before its root LP did (bound 0). Measured there, 10 s solves, seeds 0 and 1: bounds
    # 0 -> 51-53 (9+X) and 0 -> 66-70 (strict), plans level (12 labelled runs: 841 -> 832 summed).
    p.max_presolve_iterations = 1
    if settings.deterministic:
        # Stop on deterministic time, not wall time, with one worker, so that the same inputs
        # and seed give the same plan whatever the machine's load.
        p.num_workers = 1
        p.max_deterministic_time = limit
        p.max_time_in_seconds = max(60.0, 20 * limit)  # a safety net, never the normal stop
    else:
        p.max_time_in_seconds = limit
    if keep_hint:
        # Presolve's dual reductions may remove feasible solutions, the hinted plan among them
        # (CP-SAT then logs "the solution hint is complete, but it is infeasible"): keep them all.
        p.keep_all_feasible_solutions_in_presolve = True
    if bound_only and (p.num_workers >= 2 or settings.deterministic):
        # Every worker on the full problem, none on LNS: two workers otherwise give the proof
        # one thread (default_lp) and the neighbourhoods the other. Measured on the science
        # bureau without separation: proven in 4.3-4.7 s with either seed, against 9 s or never.
        # The reproducible single worker runs the same two searches, interleaved in fixed batches
        # on its one thread (deterministic whatever the worker count). Alone it ran CP-SAT's
        # single default search, whose bound barely left the root: in 10 deterministic seconds
        # the city's 信访局 (xfj) went 58, bound 22 -> proven 37; 体育局 (tyj) 63 (24) -> 46 (34);
        # 住建局's bound 14 -> 55; the science bureau without separation was proven in 1.1 s, not 4.
        searches = max(2, p.num_workers)
        p.num_full_subsolvers = searches
        p.subsolvers.extend((bound_subsolvers or BOUND_SUBSOLVERS)[:searches])
        p.interleave_search = settings.deterministic
    elif bound_only and bound_subsolvers:
        # One worker on the clock runs the named search: with one worker CP-SAT otherwise runs its
        # base parameters, and base + linearization_level 2 is not its max_lp. 10 s, seed 0: the
        # side-by-side bound of 市场监管局 集中许可 24 against 82, 自然资源局 9+X 14 against 52.
        p.num_full_subsolvers = 1
        p.subsolvers.append(bound_subsolvers[0])
    if lns_only:
        # Only large-neighbourhood search from the hint: the fastest way to a good plan here.
        # Interleaved, so one worker runs every LNS subsolver in turn, deterministically.
        p.use_lns_only = True
        p.interleave_search = settings.deterministic
    return solver


def add_hint(bm: BuiltModel, hint: dict[str, list]) -> dict | None:
    """Hint every decision variable and, when the plan keeps every rule, every auxiliary one.

    The auxiliary values come from ``evaluate``: a complete, feasible hint lets CP-SAT start
    from that plan. Returns the hinted plan's values and objective (points) when it is
    feasible, else None (the decisions stay hinted, for the solver to repair from).
    """
    _hint_decisions(bm, hint)
    scored = evaluate(bm, hint)
    if scored is None:
        return None
    values, every = scored
    bm.hint_solution(every)
    return values


def evaluate(bm: BuiltModel, decisions: dict[str, list]) -> tuple[dict, list[int]] | None:
    """The model's own score of a plan: a quick solve with the decisions fixed and the objective
    kept, so every penalty variable comes out tight. Returns the values (with ``objective`` in
    points) and the value of every model variable, or None when the plan breaks a rule.

    Why a plan needs scoring again: a solution CP-SAT reports need not be tight in its penalty
    variables (a business line counted split once more than it is, a skill gap that is not
    there) when the search stops on time; on a small generated bureau that overstated the plan
    by 8 points of 52.
    """
    probe = bm.model.clone()
    probe.clear_hints()
    for proto_index, value in _decision_values(bm, decisions):
        probe.add(probe.get_int_var_from_proto_index(proto_index) == value)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = 5.0
    if solver.solve(probe) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    values = bm.values(solver.value)
    values["objective"] = solver.objective_value / POINTS if bm.model.has_objective() else 0.0
    return values, list(solver.response_proto.solution)[: len(bm.model.proto.variables)]


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


# How an improving search spends its time, measured on the bundled scenarios and the generated
# departments: a short full search first, then CP-SAT's large-neighbourhood search, then
# neighbourhoods of a few related sections (``neighbourhoods``), all from the best plan so far
# with every feasible solution kept through presolve; then a bound phase: every worker on the
# full problem with all of presolve's reductions (it may lose the hint; a worse plan from it is
# never taken). The section neighbourhoods get the largest share: at 0.45 they took the generated
# 1000/500 to 370-382 points against 379-382 at 0.25 (docs/benchmarks.md), level at department
# scale. The bound phase keeps 0.35: at 1000/500 its bound rises late (and varies from run to
# run), and 0.3 once ended at 304 instead of 338. A small model (duties x sections up to
# SMALL_MODEL) gets a moment of search from its start (it finds the good plans there) and then
# the bound phase in one piece: proofs restart with every phase.
PHASES: tuple[tuple[str, float, bool], ...] = (
    ("full", 0.1, True),
    ("lns", 0.1, True),
    ("sections", 0.45, True),
    ("bound", 0.35, False),
)
SMALL_PHASES: tuple[tuple[str, float, bool], ...] = (("full", 0.05, True), ("bound", 0.95, False))
# A large model (duties x slots from LARGE_MODEL, e.g. 1000/500) gives its bound phase 0.4, from
# CP-SAT's LNS: the root LP of its lb_tree_search (20,000 rows) needs about 21 s on a slow
# machine to reach its optimum and add its cuts, which raise the bound from 246 to 332-338. At
# 0.35 of 60 s the phase ended in that LP's dual simplex, so the bound was whatever the dual
# objective had reached: 207-338 over 7 whole solves. At 0.4: 338 and 338 (seeds 0, 1), plans
# level (379 and 392 against 375-395). At 300/150 the same shares cost 7-12 points (187 and 195
# against 180 and 183): smaller models keep PHASES.
LARGE_PHASES: tuple[tuple[str, float, bool], ...] = (
    ("full", 0.1, True),
    ("lns", 0.05, True),
    ("sections", 0.45, True),
    ("bound", 0.4, False),
)
LARGE_MODEL = 8_000
# Even at 0.4 that bound phase ended in its root LP now and then: 1000/500 at 60 s, seeds 0-3,
# bounds 346, 230, 295, 346. On the clock with two or more workers a large anonymous model
# therefore runs its bound search beside the rest for the whole time (``_side_by_side``): the LP
# then ends after about 40 s, and the bounds were 346 in all four seeds, plans level (382, 382,
# 378, 381 -> 381, 382, 383, 377). The plan side runs these phases on one worker.
LARGE_SIDE_PHASES: tuple[tuple[str, float, bool], ...] = (
    ("full", 0.15, True),
    ("lns", 0.1, True),
    ("sections", 0.75, True),
)
# The labelled layout runs no full or LNS phase: its model takes 1-1.2 s to presolve on a slower
# machine, so a 1 s phase ended with nothing (3 of 4 labelled scenarios: no plan at all), and its
# root LP needs 4.5 s of a bound phase to give any bound. Their time goes to the bound phase.
# 7 labelled bundled scenarios x 2 seeds, 10 s, 2 workers (stop 15): bounds 696 -> 756 summed
# (自然资源局 31 / 21 -> 41 / 41), plans level (1,054 -> 1,046 summed).
LABELLED_PHASES: tuple[tuple[str, float, bool], ...] = (
    ("sections", 0.45, True),
    ("bound", 0.55, False),
)
# A large labelled model (from SIDE_BY_SIDE_MIN_CELLS duty-slot pairs), on the clock with two or
# more workers and a time limit below SIDE_BY_SIDE_BELOW_S, runs its two phases side by side
# instead (``_side_by_side``). Why: its bound comes from the root LP, which needs 5-9 s after a
# presolve of 1-2 s on this machine, so a bound phase of 0.55 x 10 s ended before it now and then:
# in five seeded 10 s solves each, 自然资源局 内设机构个数不变 got bounds 0 and 44 (x4), its 9+X
# variant 26, 29 and 45 (x3). Side by side the bound search has the whole time: 44-48 in all ten.
# The five labelled bundled scenarios of 3,300-4,200 pairs x seeds 0, 1 at 10 s: bounds 640 -> 681
# summed, none lower (自然资源局 35 -> 47, 市场监管局 66 -> 73), plans level (796 -> 795). But the
# bound search then starts from the sketch, and its fixed search prunes with the plan it knows:
# smaller models lose by it (the generated 60/30, 1,080 pairs, was proven at 78 in 7.7-8.2 s in
# turn, side by side it ended at 79, bound 77; 住建局, 1,800-1,900 pairs, gained 1-2 points of
# bound), and so do longer solves: at 20 s (seed 0) both ways were level (bounds 350 and 350 on
# the five), at 30 s the phases in turn proved 自然资源局 内设机构个数不变 (23.9 s), side by side not.
SIDE_BY_SIDE_BELOW_S = 20.0
SIDE_BY_SIDE_MIN_CELLS = 3_000
# Side by side, the labelled layout's neighbourhoods run for the whole time: the bound search
# is one worker (see RESTART_YOUNG_SHARE), so the other core is theirs. Until stop 36 they ended
# once stalled, leaving both cores to a bound search of two workers. The five large labelled
# scenarios x seeds 0, 1 at 10 s, against ending at the stall (both with one bound worker): the
# same bounds; 自然资源局 9+X 58 / 61 -> 58 / 57 (its optimum is 54), the rest level.
# On the clock, a labelled model solved in turn ends its section neighbourhoods once they have
# stalled (``neighbourhoods.improve``'s ``stalled_after_s``, this share of their budget) and
# hands what is left to the bound phase. 住建局 (1,800-1,900 pairs), 10 s, seeds 0 and 1: 9+X
# proven in 5.8 / 6.1 s (without: 9.1 / 8.4 s), 内设机构个数不变 in 7.2 / 8.2 s (9.6 s / not proven,
# 62 (55)). Since the neighbourhoods join akin lines (``neighbourhoods.line_neighbourhood``),
# 自然资源局 at 60 s finds its optimum within 5 s, and ending at the stall proves 9+X in 18.8 /
# 22.7 s (seeds 0 / 1; 36.0 / 36.0 s without) and 内设机构个数不变 in 24.8 / 31.5 s (46.0 / 43.0 s).
# Where proofs are out of reach the plans lose by it: 公安局 9+X at 30 s 100 -> 105 (share 0.5,
# all sizes; it is anonymous), and the reproducible city batch (10 units, seed 0) 2,864 -> 2,877
# with this criterion but in reproducible mode, no proof gained; so anonymous models and
# reproducible runs keep the whole share.
SECTIONS_STALL = 0.3
# Side by side, the bound search prunes with the plan it started from, and no better plan can be
# handed to it while it runs. So in the first RESTART_YOUNG_SHARE of the time, each better plan of
# the plan side starts it again from that plan: plans come fast in the first seconds (市场监管局
# 9+X: 86 -> 76 within 0.9-2.5 s), and a restart then costs little of its root LP. The bound search
# is one max_lp worker (CP-SAT's search on the full LP), which is what proves 市场监管局; the plan
# side keeps the other core and goes on after a restart. From a plan of 76, that worker alone finds
# 75 and proves it in 6.5-7.8 s (seeds 0-2), the fixed search beside it on both cores in 8.7-11.4 s.
# 市场监管局 9+X at 10 s, seeds 0-7: proven in 5 of 8 (6.9-9.4 s), in none of 8 with stop 35's rule
# (fixed beside max_lp, starting again only from a plan within 2 points of the bound, in the first
# 60 % of the time, the plan side then ending). Starting again from such a plan as well: 3 of 8.
# The other four large labelled scenarios x seeds 0, 1: bounds 574 -> 573 summed, plans 654 -> 639.
RESTART_YOUNG_SHARE = 0.2
# Side by side on a labelled layout, the one bound worker proves two cases in turn: plans with a
# new section (a basic section that continues none of today's), then plans without, and the bound
# is the lower of the two. Why: the whole model's LP mixes the two cases and is weak; each case's
# alone is strong. 市场监管局 9+X, 1 max_lp worker, seeds 0 / 1: plans with a new section reach a
# bound of 78-83 at their root LP, 2.6-3.7 s from nothing, so none can beat the optimum (75);
# plans without are proven from 75 in 2.7 / 2.8 s, against 4.6 / 5.9 s for the whole model.
# 自然资源局 9+X: 56-58 at 4.0-5.2 s (its optimum is 54); without, from 54, 5.0 / 5.3 s against
# 13.7 s. The case with a new section goes first (it needs no plan, while the plan side finds
# one) and gets at most this share of the time; what the other case leaves goes back to it.
# 10 s solves, seeds 0-7, against the whole model: 自然资源局 9+X proven in 3 of 8 (9.4-10.1 s)
# against none; 市场监管局 9+X in 6 of 8 both ways. Seeds 0-2 of the other three: bounds of
# 市场监管局 内设机构个数不变 86 / 87 / 87 -> 87 / 88 / 87, 集中许可 82 / 81 / 81 -> 81 / 81 / 81,
# 自然资源局 内设机构个数不变 67 / 67 / 67 -> 67 / 67 / 64. A share of 0.5 cut the last one's
# case with a new section short: 64 / 64 / 62 (that case alone reaches 67 at 6.5 s).
NEW_SECTION_SHARE = 0.7
# A long solve (SIDE_BY_SIDE_BELOW_S or more) of a model that a short one would run side by side
# runs side by side for this long first, then, unless proven, proves the two cases on every
# worker (``_bound_by_cases``): plans without a new section from the best plan, then plans with
# one, cut to those better than it (``BuiltModel.objective_below``). Why: until stop 39 the long
# solve ran its phases in turn on the whole model, and proved later than a 10 s solve did. The
# case with a new section has no plan to prune with (its plans all cost more); the cut gives it
# that, so its fixed search can prune: 自然资源局 内设机构个数不变's case proven in 13.0 / 13.8 s
# (seeds 0 / 1, two workers), against no bound at all in 40 s without the cut. 60 s solves, seeds
# 0-3: 自然资源局 9+X proven in 8.1-10.2 s in one run, 9.1-18.8 s in another (in turn: 19.5 / 20.6 s
# in stop 39's bench, seeds 0 / 1); 内设机构个数不变 in 23.6-27.9 s (in turn 27.0 / 28.1 s). The
# in-turn bound phase of smaller labelled models proves in cases too: 住建局 at 10 s, seeds 0-3,
# level (9+X 6.0-6.5 s -> 5.7-6.2 s, 内设机构个数不变 7.5-8.3 s -> 7.6-8.2 s).
SIDE_BY_SIDE_FIRST_S = 10.0
# ``_bound_by_cases`` keeps this share of its time for the case with a new section while the
# other is not settled: the bound is the lower of the two, so a case never searched left the
# solve with none at all. 10 s solves of the city (scenarios/city), seed 0: 城市管理局 129 (bound
# 0; plans without a new section alone at 120), 人社局 114 (0; 105), 财政局, 农业农村局, 卫健委 and
# 住建局 the same, while a reproducible run of each had a bound. The case with a new section
# reaches 100 / 102 in 1.5 s (two workers, cut at the plan), so a reserve of that order gives a
# bound without costing a proof: a proof needs that case settled as well. Once it is, what is
# left goes back to the other case.
NEW_CASE_RESERVE = 0.3
# The full-problem searches a bound phase runs, one per worker (CP-SAT's names). lb_tree_search
# (a tree search on the objective's lower bound) beside max_lp raised every bound or left it level
# against default_lp + max_lp (2 workers, seed 0): 4 s bound-only runs 19 -> 23 (市场监管局 个数不变),
# 33 -> 36 (自然资源局), 55 -> 57 (住建局); in 60 s solves 住建局 55 -> 60, 市场监管局 56 -> 57.
BOUND_SUBSOLVERS = (
    "max_lp",
    "lb_tree_search",
    "default_lp",
    "core",
    "no_lp",
    "quick_restart",
    "reduced_costs",
)
# The labelled layout's bound phase with two or more workers: CP-SAT's fixed search on the
# order of ``Vars.structure_decisions`` (the LP at level 2; at the default level it did not
# finish) beside max_lp. The fixed search proves 住建局 and 自然资源局; max_lp proves 市场监管局.
# Bound-only from the optimum, seeds 0-2, seconds to the proof (stop 35):
#   市场监管局 9+X        fixed + lb_tree_search 9.8 / 6.2 / 15.8   fixed + max_lp 4.4 / 4.7 / 5.4
#   住建局 9+X            4.1 / 3.9 / 4.0                          4.3 / 3.9 / 4.0
#   住建局 内设机构个数不变  5.2 / 5.4 / 5.4                          4.8 / 5.5 / 5.3
#   自然资源局 9+X        8.9 / 9.0 / 8.8                          9.3 / 9.1 / 8.2
#   自然资源局 个数不变     16.3 / 14.0 / 13.5                       12.6 / 14.1 / 15.7
# (max_lp beside lb_tree_search, without fixed, did not prove 住建局 内设机构个数不变 in 30 s.)
# Whole 10 s solves of the seven labelled scenarios x seeds 0, 1: the same plans and bounds.
LABELLED_BOUND_SUBSOLVERS = ("fixed", "max_lp")
SMALL_MODEL = 600
LABELLED_ROOT_LP_ITERATIONS = 20_000


def search(
    bm: BuiltModel,
    settings: SolverSettings,
    hinted: dict | None,
    *,
    time_limit_s: float,
    on_progress: Callable[[Progress], None] | None = None,
    stop: StopSignal | None = None,
) -> RawSolution:
    """Improve a complete, feasible starting plan (``hinted``, from ``add_hint``) in phases;
    never end worse than it. Without a starting plan, the full search alone."""
    if hinted is None:
        raw, _ = run(bm, settings, time_limit_s=time_limit_s, on_progress=on_progress, stop=stop)
        if raw.values is not None and raw.status is not Status.OPTIMAL:
            raw.values, _ = _tight(bm, {**raw.values, "objective": raw.objective}, raw.every_value)
            raw.objective = raw.values["objective"]
            if raw.bound is not None and raw.bound >= raw.objective - 1e-9:
                raw.status, raw.bound = Status.OPTIMAL, raw.objective
        return raw
    size = len(bm.vars.x) * bm.vars.inst.n_slots
    labelled = bm.vars.inst.layout is Layout.LABELLED
    if labelled and side_by_side(settings, time_limit_s, size):
        return _side_by_side(
            bm,
            settings,
            dict(hinted),
            _neighbourhoods_throughout,
            time_limit_s=time_limit_s,
            on_progress=on_progress,
            stop=stop,
            restarts=True,
        )
    if labelled and side_by_side_first(settings, time_limit_s, size):
        return _side_by_side_first(
            bm, settings, dict(hinted), time_limit_s=time_limit_s, on_progress=on_progress, stop=stop
        )
    if not labelled and large_side_by_side(settings, size):
        return _side_by_side(
            bm,
            settings,
            dict(hinted),
            _large_plan_side,
            time_limit_s=time_limit_s,
            on_progress=on_progress,
            stop=stop,
        )
    if size <= SMALL_MODEL:
        phases = SMALL_PHASES
    elif labelled:
        phases = LABELLED_PHASES
    else:
        phases = LARGE_PHASES if size >= LARGE_MODEL else PHASES
    found = _phases(
        bm,
        settings,
        dict(hinted),
        phases,
        time_limit_s=time_limit_s,
        on_progress=on_progress,
        stop=stop,
        stall=SECTIONS_STALL if labelled and not settings.deterministic else None,
    )
    # a bound of one phase that meets the plan of another proves it all the same
    return _ended(
        found.best,
        found.bound,
        found.seconds,
        found.solutions,
        proven=found.status is Status.OPTIMAL,
        case_bounds=found.case_bounds,
    )


@dataclass
class _Phased:
    """What a run of phases ended with: the best plan, the best bound of its full searches, and
    OPTIMAL when one of them proved that plan."""

    best: dict
    bound: float | None
    status: Status
    seconds: float
    solutions: int
    case_bounds: dict[str, float] | None = None  # a bound phase in cases (``_bound_by_cases``)


def _phases(
    bm: BuiltModel,
    settings: SolverSettings,
    best: dict,
    phases: tuple[tuple[str, float, bool], ...],
    *,
    time_limit_s: float,
    on_progress: Callable[[Progress], None] | None,
    stop: StopSignal | None,
    deadline: float | None = None,
    stall: float | None = None,
) -> _Phased:
    """Run ``phases`` (name, share of ``time_limit_s``, keep the hint) in turn from ``best``;
    with a ``deadline`` (``time.perf_counter()``), none runs past it; with ``stall``, the section
    neighbourhoods end once stalled (``SECTIONS_STALL``) and the next phase gets what they left."""
    bound, status, spent, solutions = None, Status.FEASIBLE, 0.0, 0
    case_bounds: dict[str, float] | None = None
    carry = 0.0  # what the section neighbourhoods left when they stalled (in their own units)
    for phase, share, keep_hint in phases:
        if stop is not None and stop.is_set():
            break
        budget, carry = share * time_limit_s + carry, 0.0
        if deadline is not None:
            budget = min(budget, deadline - time.perf_counter())
            if budget < 0.2:
                break
        if phase == "sections":
            out = neighbourhoods.improve(
                bm,
                settings,
                best,
                time_limit_s=budget,
                stalled_after_s=None if stall is None else stall * budget,
                stop=stop,
                on_improve=None
                if on_progress is None
                else lambda objective, at=spent, b=bound: on_progress(Progress(at, objective, b or 0.0, 1)),
            )
            spent += out.seconds
            carry = max(0.0, budget - out.seconds)
            solutions += out.improvements
            if out.improvements:
                best, every = _tight(bm, out.values, None)
                bm.hint_solution(every)  # None when the model's hint is already this plan
            continue
        if phase == "bound" and by_cases(bm, settings):
            raw = _bound_by_cases(
                bm, settings, best, time_limit_s=max(0.2, budget), on_progress=on_progress, stop=stop
            )
        else:
            raw, _ = run(
                bm,
                settings,
                time_limit_s=max(0.2, budget),
                on_progress=on_progress,
                stop=stop,
                lns_only=phase == "lns",
                bound_only=phase == "bound",
                keep_hint=keep_hint,
            )
        spent += raw.seconds
        solutions += raw.solutions
        case_bounds = _merged_case_bounds(case_bounds, raw.case_bounds)
        found = _found(bm, raw)
        if found is not None and found[0]["objective"] <= best["objective"]:
            best = found[0]
            bm.hint_solution(found[1])
        if phase != "lns":
            if raw.bound is not None:  # the model is the same in every phase: keep the best bound
                bound = raw.bound if bound is None else max(bound, raw.bound)
            if (
                raw.status is Status.OPTIMAL
                and raw.objective is not None
                and raw.objective <= best["objective"]
            ):
                status = Status.OPTIMAL
                break
    return _Phased(best, bound, status, spent, solutions, case_bounds)


def side_by_side(settings: SolverSettings, time_limit_s: float, cells: int) -> bool:
    """Whether a labelled model of ``cells`` duty-slot pairs runs its bound search beside its
    section neighbourhoods rather than after them (see ``SIDE_BY_SIDE_BELOW_S``)."""
    return (
        not settings.deterministic
        and settings.workers >= 2
        and time_limit_s < SIDE_BY_SIDE_BELOW_S
        and cells >= SIDE_BY_SIDE_MIN_CELLS
    )


def side_by_side_first(settings: SolverSettings, time_limit_s: float, cells: int) -> bool:
    """Whether a labelled model runs side by side for its first ``SIDE_BY_SIDE_FIRST_S`` only and
    then proves in cases on every worker: a long solve that would be side by side if short."""
    return time_limit_s >= SIDE_BY_SIDE_BELOW_S and side_by_side(settings, SIDE_BY_SIDE_FIRST_S, cells)


def by_cases(bm: BuiltModel, settings: SolverSettings) -> bool:
    """Whether a labelled bound phase proves plans without and with a new section as two cases
    (``_bound_by_cases``): on the clock with two workers or more, on a layout with such slots."""
    return (
        not settings.deterministic
        and settings.workers >= 2
        and bm.vars.inst.layout is Layout.LABELLED
        and bm.vars.new_sections() is not None
    )


def large_side_by_side(settings: SolverSettings, cells: int) -> bool:
    """Whether an anonymous model of ``cells`` duty-slot pairs runs its bound search beside its
    plan search rather than after it (see ``LARGE_SIDE_PHASES``)."""
    return not settings.deterministic and settings.workers >= 2 and cells >= LARGE_MODEL


# What searches for plans while the bound search runs: it gets one worker and returns its best
# plan (never worse than the one it started from), with any bound or proof of its own.
PlanSide = Callable[..., _Phased]


def _neighbourhoods_throughout(
    bm: BuiltModel, settings: SolverSettings, best: dict, *, time_limit_s: float, stop, on_plan
) -> _Phased:
    """The labelled layout's plan side: section neighbourhoods until the time is up or the proof
    comes. Each better plan is hinted to ``bm.model`` before it is reported, so the bound search
    can start again from it (``_side_by_side``'s ``restarts``)."""
    out = neighbourhoods.improve(
        bm,
        settings,
        best,
        time_limit_s=time_limit_s,
        stop=stop,
        on_improve=lambda objective: on_plan(Progress(0.0, objective, 0.0, 1)),
    )
    if out.improvements:
        best, every = _tight(bm, out.values, None)
        bm.hint_solution(every)
    return _Phased(best, None, Status.FEASIBLE, out.seconds, out.improvements)


def _large_plan_side(
    bm: BuiltModel, settings: SolverSettings, best: dict, *, time_limit_s: float, stop, on_plan
) -> _Phased:
    """A large anonymous model's plan side: the phases but the bound phase (``LARGE_SIDE_PHASES``)."""
    return _phases(
        bm,
        settings,
        best,
        LARGE_SIDE_PHASES,
        time_limit_s=time_limit_s,
        on_progress=on_plan,
        stop=stop,
        deadline=time.perf_counter() + time_limit_s,
    )


def _side_by_side(
    bm: BuiltModel,
    settings: SolverSettings,
    best: dict,
    plan_side: PlanSide,
    *,
    time_limit_s: float,
    on_progress: Callable[[Progress], None] | None,
    stop: StopSignal | None,
    restarts: bool = False,
) -> RawSolution:
    """The bound search (on a copy of the model: the bound phase's workers, or one worker with
    ``restarts``) for the whole time on a thread of its own, and ``plan_side`` (one worker) on
    this one. Both end when the bound meets the best plan of either. Never ends worse than
    ``best``.

    With ``restarts`` the bound search is one worker and starts again from each better plan of the
    plan side in the first seconds (see ``RESTART_YOUNG_SHARE``); the plan side must then hint
    ``bm.model`` with each plan it reports. A labelled model's bound search then proves its two
    cases in turn, plans with a new section first (see ``NEW_SECTION_SHARE``)."""
    started = time.perf_counter()
    own = StopSignal() if stop is None else stop.child()  # a proof ends the plan side early
    side_bm = replace(bm, model=bm.model.clone())  # the plan side re-hints bm.model meanwhile
    cases = _bound_cases(side_bm) if restarts else {"all": side_bm}
    results: list[tuple[str, RawSolution]] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    # what both sides know, under the lock: the best plan of either and the bound of each case,
    # the plan the bound search started from, its stop signal, the plan side's latest plan, a
    # plan to start again from, and until when a better plan starts the search again
    shared = {
        "best": best["objective"],
        "bounds": dict.fromkeys(cases, 0.0),
        "start": best["objective"],
        "stop": own.child(),
        "latest": None,
        "restart": None,
        "until": started + RESTART_YOUNG_SHARE * time_limit_s if "all" in cases else 0.0,
        "case": None,
    }
    plan_stop = own.child()
    bound_settings = replace(settings, workers=1) if restarts else settings

    def on_report(p: Progress, case: str | None = None) -> None:
        # A search's own figure may score its plan loosely (``_tight``): never below the true one,
        # so a bound that meets it meets the plan too.
        with lock:
            shared["best"] = min(shared["best"], p.objective)
            if case is not None:
                shared["bounds"][case] = max(shared["bounds"][case], p.bound)
            best_bound = min(shared["bounds"].values())  # every plan is in one of the cases
            proven = best_bound >= shared["best"] - 1e-9
            running, current = shared["case"], shared["stop"]
            # the case being searched cannot beat the best plan (either side's news): on to the next
            case_done = running is not None and shared["bounds"][running] >= shared["best"] - 1e-9
            restart = _restart_due(shared, shared["until"])
            if restart is not None:
                shared["restart"], shared["start"] = restart
        if on_progress is not None:
            on_progress(replace(p, seconds=time.perf_counter() - started, bound=best_bound))
        if proven:
            own.stop()  # the best plan on either side is proven: both can end
        elif case_done or restart is not None:
            current.stop()  # on to the next case, or start again from the plan side's plan

    def on_plan(p: Progress) -> None:
        if restarts:
            with lock:
                # the plan side has just hinted bm.model with this plan, on this thread
                shared["latest"] = (p.objective, list(bm.model.proto.solution_hint.values))
        on_report(p)

    def search_case(case: str, case_bm: BuiltModel, limit_s: float) -> None:
        with lock:
            signal, known = shared["stop"], shared["best"]
            shared["case"] = case
        below = known if case == "new" else None  # the other cases start from the best plan
        if below is not None:
            case_bm = replace(case_bm, model=case_bm.model.clone())
            case_bm.objective_below(below)
        raw, _ = run(
            case_bm,
            bound_settings,
            time_limit_s=max(0.05, limit_s),
            on_progress=lambda p: on_report(p, case),
            stop=signal,
            bound_only=True,
            known_objective=known,
        )
        results.append((case, raw))
        with lock:
            shared["bounds"][case] = max(shared["bounds"][case], _case_bound(raw, below))
            if min(shared["bounds"].values()) >= shared["best"] - 1e-9:
                own.stop()  # proven: CP-SAT reports no bound then, so end the plan side here
            own.forget(signal)
            shared["stop"], shared["case"] = own.child(), None

    def left() -> float:
        return time_limit_s - (time.perf_counter() - started)

    def bound_side() -> None:
        try:
            if "new" in cases:
                # no hint: the plans so far have no new section, and no restarts meanwhile
                search_case("new", cases["new"], NEW_SECTION_SHARE * time_limit_s)
                with lock:
                    if shared["latest"] is not None and shared["latest"][0] < shared["start"]:
                        shared["start"] = shared["latest"][0]
                        cases["kept"].hint_solution(shared["latest"][1])
                    shared["until"] = time.perf_counter() + RESTART_YOUNG_SHARE * time_limit_s
            case = "kept" if "kept" in cases else "all"
            while not own.is_set() and left() > 0.05:
                search_case(case, cases[case], left())
                with lock:
                    # a better plan came while this case was young, and the case is not settled
                    again = shared["restart"] is not None and shared["bounds"][case] < shared["best"] - 1e-9
                    if again:
                        cases[case].hint_solution(shared["restart"])
                        shared["restart"] = None
                if not again:
                    break
            with lock:
                unsettled = "new" in cases and shared["bounds"]["new"] < shared["best"] - 1e-9
            if unsettled and not own.is_set() and left() > 0.05:
                search_case("new", cases["new"], left())  # the other case is settled: back to this one
        except BaseException as error:  # raised again on the caller's thread
            errors.append(error)
            own.stop()

    thread = threading.Thread(target=bound_side, name="restructure-bound", daemon=True)
    thread.start()
    try:
        planned = plan_side(
            bm, replace(settings, workers=1), best, time_limit_s=time_limit_s, stop=plan_stop, on_plan=on_plan
        )
        own.forget(plan_stop)
        if planned.status is Status.OPTIMAL:
            own.stop()  # the plan side's own search proved its plan: the bound search can end
    finally:
        thread.join()
        if stop is not None:
            stop.forget(own)
    if errors:
        raise errors[0]
    best = planned.best
    for _, raw in results:  # every run of the bound side (one unless it started again)
        found = _found(bm, raw)
        if found is not None and found[0]["objective"] < best["objective"] - 1e-9:
            best = found[0]
            bm.hint_solution(found[1])
    bounds = [min(shared["bounds"].values())] if results else []
    bounds += [planned.bound] if planned.bound is not None else []
    case_bounds = dict(shared["bounds"]) if "all" not in cases else None
    bound = max(bounds) if bounds else None
    proven = planned.status is Status.OPTIMAL or (bound is not None and bound >= best["objective"] - 1e-9)
    if proven and on_progress is not None:
        # CP-SAT reports no bound when its search closes the gap: the front end sees it here
        on_progress(Progress(time.perf_counter() - started, best["objective"], best["objective"], 0, False))
    solutions = planned.solutions + sum(raw.solutions for _, raw in results)
    return _ended(
        best, bound, time.perf_counter() - started, solutions, proven=proven, case_bounds=case_bounds
    )


def _side_by_side_first(
    bm: BuiltModel,
    settings: SolverSettings,
    best: dict,
    *,
    time_limit_s: float,
    on_progress: Callable[[Progress], None] | None,
    stop: StopSignal | None,
) -> RawSolution:
    """A long solve of a large labelled model: side by side for ``SIDE_BY_SIDE_FIRST_S``, as a
    short solve would run, then, unless proven, the bound search in cases on every worker from
    the best plan for the rest of the time (see ``SIDE_BY_SIDE_FIRST_S``)."""
    started = time.perf_counter()
    first = _side_by_side(
        bm,
        settings,
        best,
        _neighbourhoods_throughout,
        time_limit_s=SIDE_BY_SIDE_FIRST_S,
        on_progress=on_progress,
        stop=stop,
        restarts=True,
    )
    left = time_limit_s - max(first.seconds, time.perf_counter() - started)
    if first.status is Status.OPTIMAL or left < 0.2 or (stop is not None and stop.is_set()):
        return replace(first, seconds=time.perf_counter() - started)
    best = dict(first.values)  # bm is hinted with it: the plan side hints each of its plans
    raw = _bound_by_cases(
        bm, settings, best, time_limit_s=left, on_progress=on_progress, stop=stop, known=first.case_bounds
    )
    found = _found(bm, raw)
    if found is not None and found[0]["objective"] <= best["objective"]:
        best = found[0]
    bound = max(b for b in (first.bound, raw.bound, 0.0) if b is not None)
    return _ended(
        best,
        bound,
        time.perf_counter() - started,
        first.solutions + raw.solutions,
        case_bounds=_merged_case_bounds(first.case_bounds, raw.case_bounds),
    )


def _bound_by_cases(
    bm: BuiltModel,
    settings: SolverSettings,
    best: dict,
    *,
    time_limit_s: float,
    on_progress: Callable[[Progress], None] | None,
    stop: StopSignal | None,
    known: dict[str, float] | None = None,
) -> RawSolution:
    """A labelled bound phase in two cases (see ``SIDE_BY_SIDE_FIRST_S``): plans without a new
    section, from the best plan ``bm`` is hinted with, until none of those beats it or only
    ``NEW_CASE_RESERVE`` of the time is left; then plans with a new section that beat it
    (``BuiltModel.objective_below`` stands in for the plan that case lacks: "infeasible" proves
    it); then, if that case settled early, the first again. A case ``known`` to be bounded at the
    best plan already (by an earlier search) is not searched again. Returns the best plan any
    search ended with, as it reported it, and the lower of the two bounds."""
    started = time.perf_counter()
    cases = _bound_cases(replace(bm, model=bm.model.clone()))
    bounds = {"kept": 0.0, "new": 0.0} | (known or {})
    objective = best["objective"]
    ended: list[RawSolution] = []

    def left() -> float:
        if stop is not None and stop.is_set():
            return 0.0
        return time_limit_s - (time.perf_counter() - started)

    def unsettled(case: str) -> bool:
        return bounds[case] < objective - 1e-9

    def search_kept(limit_s: float) -> None:
        nonlocal objective
        other = bounds["new"]  # what the other case proved: the bound the front end may see
        kept, _ = run(
            cases["kept"],
            settings,
            time_limit_s=limit_s,
            on_progress=None
            if on_progress is None
            else (lambda p: on_progress(replace(p, bound=min(p.bound, other)))),
            stop=stop,
            bound_only=True,
        )
        bounds["kept"] = max(bounds["kept"], _case_bound(kept))
        ended.append(kept)
        if kept.objective is not None:
            objective = min(objective, kept.objective)

    if unsettled("kept"):
        # the case with a new section keeps its reserve unless it is settled already
        search_kept(time_limit_s * (1.0 if not unsettled("new") else 1.0 - NEW_CASE_RESERVE))
    if unsettled("new") and left() > 0.2:
        with_new = cases["new"]
        with_new.objective_below(objective)
        raw, _ = run(
            with_new,
            settings,
            time_limit_s=left(),
            on_progress=None
            if on_progress is None
            else (lambda p: on_progress(replace(p, bound=min(p.bound, bounds["kept"])))),
            stop=stop,
            bound_only=True,
            known_objective=objective,
        )
        bounds["new"] = max(bounds["new"], _case_bound(raw, objective))
        ended.append(raw)
    if unsettled("kept") and not unsettled("new") and left() > 0.2:
        search_kept(left())  # the case with a new section settled early: the rest goes back
    top = min(
        (r for r in ended if r.values is not None and r.objective is not None),
        key=lambda r: r.objective,
        default=None,
    )
    bound = min(bounds.values())
    if top is not None:
        objective = min(objective, top.objective)
    proven = bound >= objective - 1e-9
    return RawSolution(
        status=Status.OPTIMAL if proven else Status.FEASIBLE,
        objective=top.objective if top is not None else objective,
        bound=bound,
        seconds=time.perf_counter() - started,
        first_solution_s=None,
        values=None if top is None else top.values,
        solutions=sum(r.solutions for r in ended),
        every_value=None if top is None else top.every_value,
        case_bounds=bounds,
    )


def _bound_cases(bm: BuiltModel) -> dict[str, BuiltModel]:
    """The cases a bound search proves (side by side, or ``_bound_by_cases``): one model for all
    plans, or, on a labelled layout, one for plans with a new section ("new", a copy without the
    hint) and one for plans without ("kept": ``bm`` itself, constrained)."""
    new = bm.vars.new_sections()
    if new is None:
        return {"all": bm}
    with_new = replace(bm, model=bm.model.clone())
    with_new.model.add(new >= 1)
    with_new.model.clear_hints()  # the plans so far have none
    bm.model.add(new == 0)
    return {"new": with_new, "kept": bm}


def _merged_case_bounds(a: dict[str, float] | None, b: dict[str, float] | None) -> dict[str, float] | None:
    """What two searches of the same cases proved together: the higher bound of each case."""
    if a is None or b is None:
        return a or b
    return {case: max(a.get(case, 0.0), b.get(case, 0.0)) for case in a.keys() | b.keys()}


def _case_bound(raw: RawSolution, below: float | None = None) -> float:
    """What a finished bound search proved of its case: no plan at all there (none better than
    ``below`` when it looked only for those), its plan optimal, or a bound."""
    if raw.status is Status.INFEASIBLE:
        return float("inf") if below is None else below
    if raw.status is Status.OPTIMAL and raw.objective is not None:
        return raw.objective
    return raw.bound if raw.bound is not None else 0.0


def _restart_due(shared: dict, until: float) -> tuple[list[int], float] | None:
    """The plan side's latest plan and its objective, when the bound search should start again
    from it: it is better than the plan that search started from, and it comes before ``until``
    (``time.perf_counter()``, see ``RESTART_YOUNG_SHARE``)."""
    latest = shared["latest"]
    if latest is None or shared["restart"] is not None:
        return None
    objective, values = latest
    if objective < shared["start"] - 1e-9 and time.perf_counter() < until:
        return values, objective
    return None


def _ended(
    best: dict,
    bound: float | None,
    seconds: float,
    solutions: int,
    *,
    proven: bool = False,
    case_bounds: dict[str, float] | None = None,
) -> RawSolution:
    """What a solve of several searches ended with: its best plan (values with ``objective``),
    optimal when one search ``proven`` it or when the best bound meets it."""
    proven = proven or (bound is not None and bound >= best["objective"] - 1e-9)
    return RawSolution(
        status=Status.OPTIMAL if proven else Status.FEASIBLE,
        objective=best["objective"],
        bound=best["objective"] if proven else bound,
        seconds=seconds,
        first_solution_s=0.0,
        values=best,
        solutions=solutions,
        case_bounds=case_bounds,
    )


def _found(bm: BuiltModel, raw: RawSolution) -> tuple[dict, list[int] | None] | None:
    """The plan a search ended with (values with ``objective``, and every variable's value to hint
    it by), scored tight unless the search proved it; None when it found none."""
    if raw.values is None or raw.objective is None:
        return None
    found, every = {**raw.values, "objective": raw.objective}, raw.every_value
    if raw.status is not Status.OPTIMAL:
        found, every = _tight(bm, found, every)
    return found, every


def _tight(bm: BuiltModel, found: dict, every: list[int] | None) -> tuple[dict, list[int] | None]:
    """A plan the search found, scored with tight penalty variables (``evaluate``) when that is
    lower, with the value of every variable to hint it by. Why: the search compares plans by
    their objective, and a loose one would let a worse plan replace a better."""
    scored = evaluate(bm, found)
    if scored is None or scored[0]["objective"] >= found["objective"] - 1e-9:
        return found, every
    return scored


def _branching_on_structure(bm: BuiltModel) -> cp_model.CpModel:
    copy = bm.model.clone()
    order = [copy.get_bool_var_from_proto_index(var.index) for var in bm.vars.structure_decisions()]
    # "not here" first: a shape is ruled out by its LP before it is tried in full
    copy.add_decision_strategy(order, cp_model.CHOOSE_FIRST, cp_model.SELECT_MIN_VALUE)
    return copy


def run(
    bm: BuiltModel,
    settings: SolverSettings,
    *,
    time_limit_s: float | None = None,
    on_progress: Callable[[Progress], None] | None = None,
    stop: StopSignal | None = None,
    assumptions: list | None = None,
    lns_only: bool = False,
    keep_hint: bool = False,
    bound_only: bool = False,
    known_objective: float | None = None,
) -> tuple[RawSolution, cp_model.CpSolver]:
    labelled_bound = bound_only and bm.vars.inst.layout is Layout.LABELLED
    # Two threads only: reproducible mode interleaves its searches on one thread, and there the
    # fixed search did not finish 住建局's proof in 30 deterministic units (54 s) beside either
    # max_lp (bound 55, as with the default pair) or lb_tree_search (bound 20), so that mode
    # keeps the default pair.
    by_structure = labelled_bound and not settings.deterministic and settings.workers >= 2
    # one worker on the clock (the side-by-side bound search, or a solve given one worker):
    # max_lp, which proves 市场监管局 (see RESTART_YOUNG_SHARE). A one-worker 10 s solve, seeds 0 /
    # 1, against CP-SAT's lone default search: bounds 住建局 9+X 30 / 30 -> 43 / 42, 市场监管局 9+X
    # 64 / 64 -> 75 (proven) / 73, 自然资源局 内设机构个数不变 33 / 34 -> 64 / 64; plans the same.
    alone = labelled_bound and not settings.deterministic and settings.workers == 1
    solver = parameters(
        settings,
        time_limit_s=time_limit_s,
        lns_only=lns_only,
        keep_hint=keep_hint,
        bound_only=bound_only,
        bound_subsolvers=LABELLED_BOUND_SUBSOLVERS if by_structure else ("max_lp",) if alone else None,
    )
    m = bm.model
    if labelled_bound:
        # The labelled layout's LP has about 10,000 rows once CP-SAT linearises it fully; within
        # the default 2,000 root iterations it never finished, so no bound came of it (自然资源局:
        # none in 10 s, against 42 points after 4.6 s with this).
        solver.parameters.root_lp_iterations = LABELLED_ROOT_LP_ITERATIONS
    if by_structure:
        # The fixed search branches on the plan's shape first (``Vars.structure_decisions``),
        # on the full LP; a copy of the model carries that order so no other phase follows it.
        solver.parameters.linearization_level = 2
        m = _branching_on_structure(bm)
    m.clear_assumptions()
    if assumptions:
        m.add_assumptions(assumptions)
    start = time.perf_counter()
    watcher = _Watcher(bm, on_progress, stop, start)
    # A bound search beside a plan search may find no plan of its own: its bounds are still
    # news, reported against the plan it started from.
    watcher.objective = known_objective
    if on_progress is not None:
        solver.best_bound_callback = watcher.on_bound
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
    values = bm.values(solver.value) if has else None
    every = list(solver.response_proto.solution) if has else None
    first = watcher.first if watcher.first is not None else (seconds if has else None)
    return RawSolution(status, objective, bound, seconds, first, values, watcher.count, every), solver
