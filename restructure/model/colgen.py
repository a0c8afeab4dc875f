"""A lower bound on the plan's objective by column generation over whole sections.

Why: the CP-SAT model's bound hardly rises above its LP relaxation, and that relaxation is
weak. It may spread a duty over several sections, so a business line costs nothing to split
and a task force (专班) needs no people moved into it. Re-formulated over whole sections, the
relaxation has no such freedom. A *column* is one possible section: its duties, how many
people of each staff class, which of today's sections it continues, and its deputy posts. The
master LP picks a fractional mix of columns that covers every duty and every person once and
keeps the department-wide rules. One CP-SAT model per kind of section (basic; dynamic for
each key task) prices new columns from the LP's duals (Dantzig-Wolfe).

The bound is Lagrangian, so it is valid at every iteration, converged or not. For any duals
``u`` of the master's rows (right signs),

    objective >= u·b + Σ_pools (sections the pool may hold) · min(0, least reduced cost)

and the least reduced cost is taken from CP-SAT's *proven* bound for the pricing problem. The
duals are rounded to a grid of 1/``SCALE`` of an objective unit first. Any ``u`` gives a valid
bound, so the rounding costs accuracy but never soundness, and the arithmetic stays integral.

The objective splits by section. Balance, groups present (cohesion), skill gaps, the work and
people a section keeps from the sections it continues (disruption), and the posts it fills
are all counted per section; the rest is a constant. Some rules are dropped: the successor
holding the largest share, and the shares of non-business sections and staff. Dropping a rule
only enlarges the feasible set, so the bound stays valid, just less tight. Everything else is
enforced in the pricing problem or in the master.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from ortools.linear_solver import pywraplp
from ortools.sat.python import cp_model

from restructure.check import section_target
from restructure.domain import Function, Rank, SectionKind, weights_dict
from restructure.model.instance import Instance
from restructure.model.rules import balance, separation, skills
from restructure.model.variables import POINTS, coefficient

# duals are rounded to 1/SCALE of an objective unit (1/POINTS of a point) before pricing
SCALE = 1000
_TRACE = False
# weight of the best duals so far in the pricing point
SMOOTHING = 0.8


@dataclass(frozen=True)
class Column:
    """One possible section of the plan."""

    kind: SectionKind
    task: str | None  # the key task of a dynamic section (when dynamic sections are per task)
    duties: tuple[int, ...]  # duty indices
    people: tuple[int, ...]  # people per staff class, one entry per class
    successors: tuple[str, ...]  # today's sections it continues
    deputy_posts: int
    pinned: bool = False


@dataclass(frozen=True)
class ColumnBound:
    """What column generation proved: a lower bound on the tier-2 objective, in points."""

    bound: float  # points; valid whatever ``converged`` says
    lp: float | None  # the master LP's value (points) when no column prices out any more
    converged: bool
    iterations: int
    columns: int
    seconds: float


@dataclass(frozen=True)
class _Pool:
    """Sections priced by one CP-SAT model: a kind, a key task, and how many the plan may hold."""

    kind: SectionKind
    task: str | None
    most: int


class Costs:
    """The objective per section, in CP-SAT objective units, and the constant the rest adds."""

    def __init__(self, inst: Instance):
        self.inst = inst
        w = weights_dict(inst.scenario.objective)
        unit, natural = balance.excess_unit(inst)
        self.balance = coefficient(w["balance"], natural) if inst.total_cap else 0
        self.cohesion = coefficient(w["cohesion"], 1.0)
        self.disruption = coefficient(w["disruption"], 1.0)
        self.skills = coefficient(w["skills"], 1.0)
        self.posts = coefficient(w["posts"], 1.0)
        self.groups = skills.groups(inst)
        self.skill_duties = _skill_duties(inst)
        n_d = sum(len(v) for v in inst.duties_of_today.values())
        n_p = sum(inst.classes[c].size for v in inst.classes_of_today.values() for c in v)
        self.constant = (
            -self.cohesion * len(self.groups)
            + self.disruption * (n_d + n_p)
            + self.posts * (inst.chiefs_total() + inst.deputies_total())
        )
        # every term's coefficient divides this: the objective moves in steps of it
        self.step = _gcd([self.balance, self.cohesion, self.disruption, self.skills, self.posts])

    def stays(self, col: Column) -> tuple[int, int]:
        """Duties and people the column keeps from the sections it continues."""
        inst = self.inst
        duties = set(col.duties)
        d = sum(1 for s in col.successors for i in inst.duties_of_today[s] if i in duties)
        p = sum(col.people[c] for s in col.successors for c in inst.classes_of_today[s])
        return d, p

    def of(self, col: Column) -> int:
        """The column's share of the objective (its least, given its content)."""
        inst = self.inst
        duties = set(col.duties)
        load = sum(inst.work[i] for i in col.duties)
        cap = sum(c.capacity * col.people[c.index] for c in inst.classes)
        dev = balance.excess(inst, load, cap) if inst.total_cap else 0
        present = sum(1 for ids in self.groups.values() if duties.intersection(ids))
        have = {s for c in inst.classes if col.people[c.index] for s in c.skills}
        gaps = sum(1 for s, ids in self.skill_duties.items() if s not in have and duties.intersection(ids))
        stay_d, stay_p = self.stays(col)
        chiefs = sum(col.people[c.index] for c in inst.classes if c.rank is Rank.CHIEF)
        deputies = sum(col.people[c.index] for c in inst.classes if c.rank is Rank.DEPUTY)
        posts = 1 - 2 * min(1, chiefs) - min(col.deputy_posts, deputies)
        return (
            self.balance * dev
            + self.cohesion * present
            + self.skills * gaps
            - self.disruption * (stay_d + stay_p)
            + self.posts * posts
        )


def _gcd(values: list[int]) -> int:
    from math import gcd

    out = 0
    for v in values:
        out = gcd(out, abs(v))
    return max(out, 1)


def _skill_duties(inst: Instance) -> dict[str, list[int]]:
    """skill -> duties needing it, for the skills someone in the department has (as the model)."""
    needed: dict[str, list[int]] = defaultdict(list)
    for i, d in enumerate(inst.duties):
        for s in d.skills:
            needed[s].append(i)
    held = {s for c in inst.classes for s in c.skills}
    return {s: ids for s, ids in sorted(needed.items()) if s in held}


def columns_from_values(inst: Instance, values: dict) -> list[Column]:
    """The sections of a plan in the model's values (``x``, ``n``, ``succ``, ``deputy_posts``)."""
    out = []
    dyn_by_task = inst.rules.dynamic_for_key_tasks_only
    for slot in inst.slots:
        k = slot.index
        duties = tuple(i for i, row in enumerate(values["x"]) if row[k])
        if not duties:
            continue
        task = None
        if slot.kind is SectionKind.DYNAMIC and dyn_by_task:
            task = next((inst.duties[i].key_task for i in duties if inst.duties[i].key_task), None)
        out.append(
            Column(
                kind=slot.kind,
                task=task,
                duties=duties,
                people=tuple(values["n"][c.index][k] for c in inst.classes),
                successors=tuple(s for s in inst.today if values["succ"][s][k]),
                deputy_posts=values["deputy_posts"][k],
                pinned=slot.pinned is not None,
            )
        )
    return out


class _Master:
    """The restricted master LP (GLOP): columns as variables, the department-wide rules as rows."""

    def __init__(self, inst: Instance, costs: Costs, shortfall: int):
        self.inst, self.costs = inst, costs
        r, dept = inst.rules, inst.dept
        lp = pywraplp.Solver.CreateSolver("GLOP")
        self.lp = lp
        self.duty = [lp.Add(lp.Sum([]) == 1, f"duty[{i}]") for i in range(len(inst.duties))]
        self.cls = [lp.Add(lp.Sum([]) == c.size, f"class[{c.index}]") for c in inst.classes]
        must = _must_continue(inst)
        self.succ = {
            s: lp.Add(lp.Sum([]) == 1 if s in must else lp.Sum([]) <= 1, f"succ[{s}]") for s in inst.today
        }
        self.count = {
            SectionKind.BASIC: lp.Add(lp.Sum([]) <= r.max_basic_sections, "basic"),
            SectionKind.DYNAMIC: lp.Add(lp.Sum([]) <= r.max_dynamic_sections, "dynamic"),
        }
        self.total: list = []
        if r.keep_section_count:
            self.total.append(lp.Add(lp.Sum([]) == len(inst.today), "keep_count"))
        if inst.scenario.objective.structure > 0:
            self.total.append(lp.Add(lp.Sum([]) >= section_target(inst.scenario) - shortfall, "structure"))
        self.posts_row = self.deputy_row = None
        if r.keep_leadership_posts:
            self.posts_row = lp.Add(lp.Sum([]) == dept.leadership_posts, "posts")
            self.total.append(lp.Add(lp.Sum([]) <= dept.chief_posts, "chief_posts"))
        else:
            self.deputy_row = lp.Add(lp.Sum([]) <= dept.deputy_posts, "deputy_posts")
        self.task = {}
        if r.dynamic_for_key_tasks_only:
            self.task = {t: lp.Add(lp.Sum([]) <= 1, f"task[{t}]") for t in sorted(inst.live_key_tasks)}
        self.moves_row = None
        if r.max_staff_moves < 1:
            n_p = sum(inst.classes[c].size for v in inst.classes_of_today.values() for c in v)
            self.moves_row = lp.Add(lp.Sum([]) >= n_p - staff_move_cap(inst), "staff_moves")
        self.columns: list[Column] = []
        self.vars: list = []
        self.seen: set[Column] = set()
        lp.Minimize(lp.Sum([]))

    def rows(self):
        yield from self.duty
        yield from self.cls
        yield from self.succ.values()
        yield from self.count.values()
        yield from self.total
        yield from (r for r in (self.posts_row, self.deputy_row, self.moves_row) if r is not None)
        yield from self.task.values()

    def add(self, col: Column) -> bool:
        if col in self.seen:
            return False
        self.seen.add(col)
        lp = self.lp
        var = lp.NumVar(1.0 if col.pinned else 0.0, 1.0, f"col[{len(self.vars)}]")
        lp.Objective().SetCoefficient(var, self.costs.of(col))
        for i in col.duties:
            self.duty[i].SetCoefficient(var, 1)
        for c, n in enumerate(col.people):
            if n:
                self.cls[c].SetCoefficient(var, n)
        for s in col.successors:
            self.succ[s].SetCoefficient(var, 1)
        self.count[col.kind].SetCoefficient(var, 1)
        for row in self.total:
            row.SetCoefficient(var, 1)
        if self.posts_row is not None:
            self.posts_row.SetCoefficient(var, 1 + col.deputy_posts)
        if self.deputy_row is not None:
            self.deputy_row.SetCoefficient(var, col.deputy_posts)
        if col.task in self.task:
            self.task[col.task].SetCoefficient(var, 1)
        if self.moves_row is not None:
            self.moves_row.SetCoefficient(var, self.costs.stays(col)[1])
        self.columns.append(col)
        self.vars.append(var)
        return True

    def solve(self) -> bool:
        if self.lp.Solve() == pywraplp.Solver.OPTIMAL:
            return True
        # GLOP can stall on a degenerate start: once more with the other simplex
        self.lp.SetSolverSpecificParametersAsString("use_dual_simplex: true")
        ok = self.lp.Solve() == pywraplp.Solver.OPTIMAL
        self.lp.SetSolverSpecificParametersAsString("")
        return ok

    def duals(self) -> dict[str, int]:
        """Each row's dual on the 1/SCALE grid, rounded toward zero: the signs stay valid."""
        out = {}
        for row in self.rows():
            u = row.dual_value()
            if row.lb() == -pywraplp.Solver.infinity():
                u = min(u, 0.0)
            if row.ub() == pywraplp.Solver.infinity():
                u = max(u, 0.0)
            out[row.name()] = int(u * SCALE)  # int() truncates toward zero
        return out

    def dual_objective(self, U: dict[str, int]) -> int:
        """u·b on the grid, each row at the side its dual's sign selects."""
        total = 0
        for row in self.rows():
            u = U[row.name()]
            if u:
                total += u * round(row.lb() if u > 0 else row.ub())
        return total

    def pinned_reduced_cost(self, U: dict[str, int]) -> int:
        return sum(self.reduced_cost(col, U) for col in self.columns if col.pinned)

    def reduced_cost(self, col: Column, U: dict[str, int]) -> int:
        """c_j − u·A_j on the grid (SCALE per objective unit)."""
        rc = SCALE * self.costs.of(col)
        rc -= sum(U[f"duty[{i}]"] for i in col.duties)
        rc -= sum(U[f"class[{c}]"] * n for c, n in enumerate(col.people))
        rc -= sum(U[f"succ[{s}]"] for s in col.successors)
        rc -= U["basic" if col.kind is SectionKind.BASIC else "dynamic"]
        rc -= sum(U[row.name()] for row in self.total)
        if self.posts_row is not None:
            rc -= U["posts"] * (1 + col.deputy_posts)
        if self.deputy_row is not None:
            rc -= U["deputy_posts"] * col.deputy_posts
        if col.task in self.task:
            rc -= U[f"task[{col.task}]"]
        if self.moves_row is not None:
            rc -= U["staff_moves"] * self.costs.stays(col)[1]
        return rc


def staff_move_cap(inst: Instance) -> int:
    """How many people may change section (``max_staff_moves``), as the staffing rule counts it."""
    import math

    movable = sum(c.size for c in inst.classes if c.movable and c.current_section is not None)
    return math.floor(inst.rules.max_staff_moves * movable + 1e-9)


def _must_continue(inst: Instance) -> set[str]:
    """Today's sections a plan must continue: pinned, holding immovable people or pinned duties."""
    out = {s.pinned for s in inst.slots if s.pinned}
    out |= {c.current_section for c in inst.classes if not c.movable and c.current_section}
    out |= set(inst.scenario.pins.duty_sections.values())
    return out


class _Pricing:
    """The CP-SAT model of one section of a pool; each iteration only its objective changes."""

    def __init__(self, inst: Instance, costs: Costs, pool: _Pool):
        self.inst, self.costs, self.pool = inst, costs, pool
        r = inst.rules
        m = cp_model.CpModel()
        self.m = m
        kind_of = {s.id: s.kind for s in inst.dept.sections}
        pinned = {s.pinned for s in inst.slots if s.pinned}
        eligible = list(range(len(inst.duties)))
        if pool.kind is SectionKind.DYNAMIC and r.dynamic_for_key_tasks_only:
            eligible = [
                i
                for i, d in enumerate(inst.duties)
                if d.function is Function.KEY_TASK and d.key_task == pool.task
            ]
        self.y = {i: m.new_bool_var(f"y[{i}]") for i in eligible}
        self.n = [m.new_int_var(0, c.size, f"n[{c.index}]") for c in inst.classes]
        self.a = {
            s: m.new_bool_var(f"a[{s}]") for s in inst.today if kind_of[s] is pool.kind and s not in pinned
        }
        most_dp = max(0, min(r.max_deputies_per_section, inst.dept.leadership_posts))
        self.dp = m.new_int_var(0, most_dp, "dp")
        y, n, a = self.y, self.n, self.a
        heads = sum(n)
        load = sum(inst.work[i] * y[i] for i in y)
        cap = sum(c.capacity * n[c.index] for c in inst.classes)
        m.add(sum(y.values()) >= 1)
        m.add(heads >= max(1, r.min_section_staff))
        if r.max_section_staff is not None:
            m.add(heads <= r.max_section_staff)
        L, C = inst.total_work, inst.total_cap
        p, q = balance.bands(inst)
        unit, _ = balance.excess_unit(inst)
        self.dev = m.new_int_var(0, L + 1, "dev")
        if C:
            m.add(1000 * C * load <= (1000 + p) * L * cap)
            m.add(1000 * C * load >= (1000 - p) * L * cap)
            m.add(1000 * unit * self.dev >= 1000 * C * load - (1000 + q) * L * cap)
            m.add(1000 * unit * self.dev >= (1000 - q) * L * cap - 1000 * C * load)
            if r.robust_margin > 0:
                import math

                from restructure.domain import robust_workload

                high = [
                    math.ceil(robust_workload(d, r.robust_margin) * inst.scale - 1e-9) for d in inst.duties
                ]
                m.add(1000 * C * sum(high[i] * y[i] for i in y) <= (1000 + p) * L * cap)
        m.add(self.dp <= heads - 1)
        # posts filled: a chief in the chief post, deputies in deputy posts
        self.cf = m.new_bool_var("cf")
        m.add(self.cf <= sum(n[c.index] for c in inst.classes if c.rank is Rank.CHIEF))
        self.dk = m.new_int_var(0, most_dp, "dk")
        m.add(self.dk <= self.dp)
        m.add(self.dk <= sum(n[c.index] for c in inst.classes if c.rank is Rank.DEPUTY))
        # cohesion: groups present
        self.present = []
        for ids in costs.groups.values():
            mine = [y[i] for i in ids if i in y]
            if mine:
                g = m.new_bool_var("g")
                for v in mine:
                    m.add_implication(v, g)
                self.present.append(g)
        # skills: a duty needs a skill nobody in the section has
        self.gaps = []
        for skill, ids in costs.skill_duties.items():
            mine = [y[i] for i in ids if i in y]
            if not mine:
                continue
            need = m.new_bool_var(f"need[{skill}]")
            for v in mine:
                m.add_implication(v, need)
            have = m.new_bool_var(f"have[{skill}]")
            m.add(have <= sum(n[c.index] for c in inst.classes if skill in c.skills))
            gap = m.new_bool_var(f"gap[{skill}]")
            m.add(gap >= need - have)
            self.gaps.append(gap)
        # disruption: what the section keeps of the sections it continues
        self.stay_d, self.stay_p = [], []
        for s, lit in a.items():
            ds = [i for i in inst.duties_of_today[s] if i in y]
            cs = list(inst.classes_of_today[s])
            held_d = sum(y[i] for i in ds)
            held_p = sum(n[c] for c in cs)
            m.add(held_d + held_p >= 1).only_enforce_if(lit)
            if ds:
                sd = m.new_int_var(0, len(ds), f"stay_d[{s}]")
                m.add(sd <= held_d)
                m.add(sd <= len(ds) * lit)
                self.stay_d.append(sd)
            if cs:
                n_p = sum(inst.classes[c].size for c in cs)
                sp = m.new_int_var(0, n_p, f"stay_p[{s}]")
                m.add(sp <= held_p)
                m.add(sp <= n_p * lit)
                self.stay_p.append(sp)
        # per-section rules
        for fname in r.single_section:
            ids = inst.duties_of_function(Function(fname))
            if len(ids) < 2:
                continue
            if all(i in y for i in ids):
                for i in ids[1:]:
                    m.add(y[i] == y[ids[0]])
            else:
                for i in ids:
                    if i in y:
                        m.add(y[i] == 0)
        if r.separate_stages:
            for stages in separation.chains(inst).values():
                if len(stages) < 2:
                    continue
                there = []
                for ids in stages.values():
                    mine = [y[i] for i in ids if i in y]
                    if mine:
                        b = m.new_bool_var("stage")
                        for v in mine:
                            m.add_implication(v, b)
                        there.append(b)
                m.add_at_most_one(there)
        for group in r.apart:
            items = [self._item(it) for it in dict.fromkeys(group)]
            m.add(sum(it for it in items if it is not None) <= 1)
        for group in r.together:
            items = list(dict.fromkeys(group))
            if len(items) < 2:
                continue
            head = self._item(items[0])
            for it in items[1:]:
                other = self._item(it)
                m.add((head if head is not None else 0) == (other if other is not None else 0))
        for c in inst.classes:
            if c.movable or c.current_section is None:
                continue
            lit = a.get(c.current_section)
            m.add(n[c.index] == (c.size * lit if lit is not None else 0))
        for did, sid in inst.scenario.pins.duty_sections.items():
            i = inst.duty_index[did]
            if i in y:
                if sid in a:
                    m.add_implication(y[i], a[sid])
                else:
                    m.add(y[i] == 0)

    def _item(self, item_id: str):
        inst = self.inst
        if item_id in inst.duty_index:
            return self.y.get(inst.duty_index[item_id])
        return self.n[inst.class_of_person[item_id]]

    def objective(self, master: _Master, U: dict[str, int]) -> tuple[cp_model.LinearExpr, int]:
        """Reduced cost on the grid (SCALE per unit): the section's variable part and constant."""
        c = self.costs
        terms = []
        for i, var in self.y.items():
            terms.append(-U[f"duty[{i}]"] * var)
        for k, var in enumerate(self.n):
            terms.append(-U[f"class[{k}]"] * var)
        for s, var in self.a.items():
            terms.append(-U[f"succ[{s}]"] * var)
        const = -U["basic" if self.pool.kind is SectionKind.BASIC else "dynamic"]
        const -= sum(U[row.name()] for row in master.total)
        if master.posts_row is not None:
            const -= U["posts"]
            terms.append(-U["posts"] * self.dp)
        if master.deputy_row is not None:
            terms.append(-U["deputy_posts"] * self.dp)
        if self.pool.task in master.task:
            const -= U[f"task[{self.pool.task}]"]
        stay_p = sum(self.stay_p)
        if master.moves_row is not None:
            terms.append(-U["staff_moves"] * stay_p)
        terms.append(SCALE * c.balance * self.dev)
        terms.append(SCALE * c.cohesion * sum(self.present))
        terms.append(SCALE * c.skills * sum(self.gaps))
        terms.append(-SCALE * c.disruption * (sum(self.stay_d) + stay_p))
        terms.append(SCALE * c.posts * (1 - 2 * self.cf - self.dk))
        return sum(terms), const

    def price(self, master: _Master, U: dict[str, int], *, time_limit_s: float, workers: int, seed: int):
        """The least reduced cost's proven bound (grid units), and columns that price out."""
        expr, const = self.objective(master, U)
        self.m.minimize(expr)
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = max(0.05, time_limit_s)
        solver.parameters.num_workers = workers
        solver.parameters.random_seed = seed
        found: list[Column] = []
        pricing = self

        class _Collect(cp_model.CpSolverSolutionCallback):
            def on_solution_callback(self) -> None:
                if self.objective_value + const < 0:
                    found.append(pricing._column(self.value))

        code = solver.solve(self.m, _Collect())
        if code == cp_model.INFEASIBLE:
            return None, []  # no section of this pool exists at all
        if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE, cp_model.UNKNOWN):
            raise RuntimeError(f"pricing model invalid: {solver.status_name(code)}")
        bound = int(solver.best_objective_bound) + const  # a proven bound, integral objective
        return bound, found

    def _column(self, value: Callable) -> Column:
        return Column(
            kind=self.pool.kind,
            task=self.pool.task,
            duties=tuple(i for i, var in self.y.items() if value(var)),
            people=tuple(value(var) for var in self.n),
            successors=tuple(s for s, var in self.a.items() if value(var)),
            deputy_posts=value(self.dp),
        )


def _pools(inst: Instance) -> list[_Pool]:
    r = inst.rules
    pinned = {k: sum(1 for s in inst.slots if s.pinned and s.kind is k) for k in SectionKind}
    pools = [_Pool(SectionKind.BASIC, None, r.max_basic_sections - pinned[SectionKind.BASIC])]
    n_dyn = r.max_dynamic_sections - pinned[SectionKind.DYNAMIC]
    if n_dyn > 0:
        if r.dynamic_for_key_tasks_only:
            pools += [_Pool(SectionKind.DYNAMIC, t, 1) for t in sorted(inst.live_key_tasks)]
        else:
            pools.append(_Pool(SectionKind.DYNAMIC, None, n_dyn))
    if r.keep_section_count:
        pools = [_Pool(p.kind, p.task, min(p.most, len(inst.today))) for p in pools]
    return [p for p in pools if p.most > 0]


def _rounded(costs: Costs, grid: int) -> float:
    """A bound on the grid as points, rounded up to the steps the objective moves in."""
    rest = -(-grid // SCALE)  # objective units, without the constant
    return (costs.constant + -(-rest // costs.step) * costs.step) / POINTS


def column_bound(
    inst: Instance,
    plans: list[dict],
    *,
    shortfall: int = 0,
    time_limit_s: float,
    workers: int = 1,
    seed: int = 0,
    pricing_limit_s: float = 2.0,
    stop: Callable[[], bool] | None = None,
    target: float | None = None,
) -> ColumnBound | None:
    """A lower bound (points) on the tier-2 objective (soft goals but the section-count tier,
    with at most ``shortfall`` sections short of the target), from the sections of ``plans``
    (model values of plans that keep every rule) onwards. None when the master has no feasible
    start (no plan given)."""
    started = time.perf_counter()
    costs = Costs(inst)
    master = _Master(inst, costs, shortfall)
    for values in plans:
        for col in columns_from_values(inst, values):
            master.add(col)
    if not master.columns or not master.solve():
        return None
    pricers = [_Pricing(inst, costs, pool) for pool in _pools(inst)]
    best = -(10**18)
    iterations, converged, lp_value = 0, False, None
    center: dict[str, int] | None = None
    weight = SMOOTHING
    while True:
        iterations += 1
        lp_now = master.lp.Objective().Value()
        U_lp = master.duals()
        # Wentges smoothing: price at a point between the best duals so far and the LP's, which
        # jump about (set partitioning is very degenerate); any duals give a valid bound
        U = (
            U_lp
            if center is None or weight < 0.01
            else {r: int(weight * center[r] + (1 - weight) * U_lp[r]) for r in U_lp}
        )
        total = master.dual_objective(U) + master.pinned_reduced_cost(U)
        added, exact = 0, True
        left = time_limit_s - (time.perf_counter() - started)
        for pricer in pricers:
            rc, cols = pricer.price(
                master,
                U,
                time_limit_s=min(pricing_limit_s, max(0.05, left / len(pricers))),
                workers=workers,
                seed=seed,
            )
            if rc is None:
                continue
            total += pricer.pool.most * min(0, rc)
            exact = exact and rc >= 0
            for col in cols:
                added += master.add(col)
        if total > best:
            best, center = total, U
        if _TRACE:
            print(
                iterations,
                round((lp_now + costs.constant) / POINTS, 2),
                round((total / SCALE + costs.constant) / POINTS, 2),
                round((best / SCALE + costs.constant) / POINTS, 2),
                added,
                round(time.perf_counter() - started, 1),
            )
        if exact and U is U_lp and added == 0:
            converged = True
            lp_value = (lp_now + costs.constant) / POINTS
            break
        if target is not None and _rounded(costs, best) >= target - 1e-9:
            break  # the plan in hand is proven optimal
        if time.perf_counter() - started >= time_limit_s or (stop is not None and stop()):
            break
        # a mispricing (no column at the smoothed point) moves the point towards the LP's duals
        weight = SMOOTHING if added else weight / 2
        if added and not master.solve():
            break  # GLOP gave up (numerically): the bound so far stands
    return ColumnBound(
        bound=_rounded(costs, best),
        lp=lp_value,
        converged=converged,
        iterations=iterations,
        columns=len(master.columns),
        seconds=time.perf_counter() - started,
    )
