"""Decision variables and the guard that makes each rule instance switchable.

``Vars`` owns the indexing: rule modules ask it for "duty d in slot k" or "the load of slot k"
and never build index arithmetic of their own.

``Guard`` is how a rule instance is added. In the optimising model it returns no literal and
the constraint is hard. In the explanation model it returns a fresh literal per rule instance
(an assumption), so the solver can name the rules behind an infeasibility.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from restructure.domain import NONBUSINESS_FUNCTIONS, Function, Rank, SectionKind
from restructure.model.instance import Instance, Layout


@dataclass(frozen=True)
class RuleInstance:
    """One switchable instance of a hard rule, with the words to explain it."""

    rule: str  # e.g. "separate_stages"
    instance: str  # e.g. the chain name; "" for department-wide rules
    zh: str
    en: str


@dataclass
class Guard:
    """Hands out enforcement literals per rule instance (explanation mode) or none (hard)."""

    model: cp_model.CpModel
    switchable: bool = False
    registry: dict[int, RuleInstance] = field(default_factory=dict)  # literal index -> rule
    literals: list[cp_model.IntVar] = field(default_factory=list)

    def __call__(self, rule: str, instance: str, zh: str, en: str) -> list[cp_model.IntVar]:
        if not self.switchable:
            return []
        lit = self.model.new_bool_var(f"rule[{rule}:{instance}]")
        self.registry[lit.index] = RuleInstance(rule, instance, zh, en)
        self.literals.append(lit)
        return [lit]


class Vars:
    """All decision variables, indexed by duty, staff class, today's section and slot."""

    def __init__(self, inst: Instance, model: cp_model.CpModel):
        self.inst = inst
        self.model = model
        K = range(inst.n_slots)
        self.x = [[model.new_bool_var(f"x[{d.id},{k}]") for k in K] for d in inst.duties]
        self.active = [model.new_bool_var(f"active[{k}]") for k in K]
        # n[c][k]: how many people of staff class c work in slot k
        self.n = [[model.new_int_var(0, c.size, f"n[{c.index},{k}]") for k in K] for c in inst.classes]
        # succ[s][k]: today's section s is continued by slot k
        self.succ = {s: [model.new_bool_var(f"succ[{s},{k}]") for k in K] for s in inst.today}
        # the per-section cap is a (switchable) rule, not the domain
        most = max(inst.dept.leadership_posts, inst.rules.max_deputies_per_section, 0)
        self.deputy_posts = [model.new_int_var(0, most, f"dp[{k}]") for k in K]
        # h[k]: people in slot k, a variable of its own beside the per-class counts, and the
        # department's headcount as their sum: presolve then sees that 13 people cannot fill
        # sections of exactly 3 (3 * sections = 13), which the search alone did not find in 10 s
        people = sum(c.size for c in inst.classes)
        self.h = [model.new_int_var(0, people, f"h[{k}]") for k in K]
        for k in K:
            model.add(self.h[k] == sum(row[k] for row in self.n))
        model.add(sum(self.h) == people)
        self._nonbusiness: list[cp_model.IntVar] | None = None
        # where each single-section function lives (home[f][k]), filled in by its rule module
        self.homes: list[list[cp_model.IntVar]] = []

    def structure_decisions(self) -> list[cp_model.IntVar]:
        """The booleans that fix a plan's shape, in the order a proof should branch on them:
        which slots are used, where each concentrated function lives, which of today's
        sections each slot continues. Once they are fixed the LP is tight (住建局: a proof in
        0.2 s), so a search that decides them first prunes whole shapes at once. (Homes
        first, then slots, took 12-13 s for that proof against 8-9 s in this order.)"""
        order = list(self.active)
        order += [var for home in self.homes for var in home]
        order += [var for row in self.succ.values() for var in row]
        return order

    # --- expressions ------------------------------------------------------------------
    def new_sections(self) -> cp_model.LinearExpr | None:
        """How many basic sections continue none of today's (the labelled layout's unlabelled
        slots in use); None in a layout without such slots."""
        slots = [s.index for s in self.inst.slots if s.kind is SectionKind.BASIC and s.label is None]
        if self.inst.layout is not Layout.LABELLED or not slots:
            return None
        return sum(self.active[k] for k in slots)

    def load(self, k: int) -> cp_model.LinearExpr:
        return cp_model.LinearExpr.weighted_sum([row[k] for row in self.x], list(self.inst.work))

    def load_of(self, k: int, duties: list[int]) -> cp_model.LinearExpr:
        return cp_model.LinearExpr.weighted_sum(
            [self.x[i][k] for i in duties], [self.inst.work[i] for i in duties]
        )

    def capacity(self, k: int) -> cp_model.LinearExpr:
        return cp_model.LinearExpr.weighted_sum(
            [self.n[c.index][k] for c in self.inst.classes], [c.capacity for c in self.inst.classes]
        )

    def heads(self, k: int) -> cp_model.IntVar:
        return self.h[k]

    def heads_of_rank(self, k: int, rank: Rank) -> cp_model.LinearExpr:
        return sum(self.n[c.index][k] for c in self.inst.classes if c.rank is rank)

    def sections_of(self, kind: SectionKind | None = None) -> cp_model.LinearExpr:
        return sum(self.active[s.index] for s in self.inst.slots if kind is None or s.kind is kind)

    def item_in(self, item_id: str) -> list:
        """Per slot, a 0/1 expression: the duty, or the (singleton-class) person, is there."""
        if item_id in self.inst.duty_index:
            return self.x[self.inst.duty_index[item_id]]
        return self.n[self.inst.class_of_person[item_id]]

    def nonbusiness(self, k: int) -> cp_model.IntVar:
        """Boolean, 1 when slot k may be mainly support or policy work (a non-business section).

        One-sided, because the rules that use it only ever want fewer non-business sections:
        0 forces some business function to carry strictly more work than support and than
        policy (ties go to those two, listed first, as in the KPI definition); 1 forces nothing.
        Why not define every section's main function: that took a row per pair of functions
        per slot, and the LP paid for all of them: 住建局's function rules took 18,561 terms then,
        4,869 now, and its proof from the best plan 10.9 -> 7.6 deterministic seconds."""
        if self._nonbusiness is None:
            self._nonbusiness = self._define_nonbusiness()
        return self._nonbusiness[k]

    def _define_nonbusiness(self) -> list[cp_model.IntVar]:
        m, inst = self.model, self.inst
        by_f = {f: inst.duties_of_function(f) for f in Function}
        business = [f for f in Function if f not in NONBUSINESS_FUNCTIONS and by_f[f]]
        out = []
        for k in range(inst.n_slots):
            nonbiz = m.new_bool_var(f"nonbusiness[{k}]")
            mains = []
            for b in business:
                main = m.new_bool_var(f"main[{k},{b.value}]")
                for f in NONBUSINESS_FUNCTIONS:
                    if by_f[f]:
                        m.add(self.load_of(k, by_f[b]) >= self.load_of(k, by_f[f]) + 1).only_enforce_if(main)
                mains.append(main)
            # an active slot is non-business or has a business function on top
            m.add(nonbiz + sum(mains) >= self.active[k])
            out.append(nonbiz)
        return out


@dataclass(frozen=True)
class Penalty:
    """A named soft term: ``expr`` counts in units of ``unit`` (e.g. 0.1 FTE, 1 move)."""

    name: str  # balance, cohesion, disruption, skills, posts
    expr: cp_model.LinearExprT
    unit: float = 1.0  # one unit of expr in the term's natural unit (FTE, moves, ...)


# Objective points are weights x natural units; CP-SAT needs integers, so x100.
POINTS = 100


def coefficient(weight: float, unit: float) -> int:
    return round(weight * POINTS * unit)
