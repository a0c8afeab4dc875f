"""Assemble the model from the rule families and the weighted soft terms."""

from __future__ import annotations

from dataclasses import dataclass

from ortools.sat.python import cp_model

from restructure.domain import weights_dict
from restructure.model.instance import Instance
from restructure.model.rules import FAMILIES
from restructure.model.variables import POINTS, Guard, Penalty, Vars, coefficient


@dataclass
class BuiltModel:
    model: cp_model.CpModel
    vars: Vars
    guard: Guard
    penalties: list[Penalty]
    weights: dict[str, float]

    def values(self, value) -> dict:
        """The decisions and each soft term's amount, as plain ints, from a solver's ``value``
        (of this model, or of a copy with the same variables)."""
        v = self.vars
        return {
            "x": [[value(var) for var in row] for row in v.x],
            "n": [[value(var) for var in row] for row in v.n],
            "succ": {s: [value(var) for var in row] for s, row in v.succ.items()},
            "deputy_posts": [value(var) for var in v.deputy_posts],
            "active": [value(var) for var in v.active],
            "terms": {name: value(self.term_expr(name)) for name in sorted({p.name for p in self.penalties})},
        }

    def hint_solution(self, every_value: list[int] | None) -> None:
        """Hint a solution of this very model, every variable of it (the next search starts there)."""
        if not every_value:
            return
        m = self.model
        m.clear_hints()
        for i, value in enumerate(every_value):
            m.add_hint(m.get_int_var_from_proto_index(i), value)

    def term_expr(self, name: str):
        return sum(p.expr for p in self.penalties if p.name == name)

    def set_objective(self, leave_out: frozenset[str] = frozenset()) -> None:
        """Minimise the weighted soft terms (in points), all but those left out."""
        terms = [
            coefficient(self.weights[p.name], p.unit) * p.expr
            for p in self.penalties
            if self.weights[p.name] > 0 and p.name not in leave_out
        ]
        self.model.clear_objective()
        if terms:
            self.model.minimize(sum(terms))

    def objective_below(self, objective: float) -> None:
        """Keep only plans that score better than ``objective`` (points): a search then prunes
        with that figure from its start, as it would with such a plan in hand, and "infeasible"
        proves that no better plan exists. The objective is in whole hundredths of a point."""
        m = self.model
        goal = m.proto.objective
        if any(ref < 0 for ref in goal.vars):  # Python's minimize writes positive references
            raise ValueError("the objective refers to a negated variable")
        expr = cp_model.LinearExpr.weighted_sum(
            [m.get_int_var_from_proto_index(ref) for ref in goal.vars], list(goal.coeffs)
        )
        m.add(expr <= round(objective * POINTS) - 1 - round(goal.offset))

    def set_tier_objective(self, name: str) -> None:
        """Minimise one term alone, one point per unit (a tier of a lexicographic solve)."""
        self.model.clear_objective()
        self.model.minimize(coefficient(1.0, 1.0) * self.term_expr(name))


def build(
    inst: Instance,
    *,
    switchable: bool = False,
    with_objective: bool = True,
    symmetry_breaking: bool = True,
    leave_out: frozenset[str] = frozenset(),
) -> BuiltModel:
    """The model with every rule family; ``switchable`` puts each rule instance behind a literal.

    The objective is the weighted sum of the soft terms but those named in ``leave_out`` (the
    tiered solve handles ``structure`` as a tier of its own, before the rest)."""
    m = cp_model.CpModel()
    v = Vars(inst, m)
    v.symmetry_breaking = symmetry_breaking
    guard = Guard(m, switchable=switchable)
    penalties: list[Penalty] = []
    for family in FAMILIES:
        penalties.extend(family.define(inst, m, v, guard))
    weights = weights_dict(inst.scenario.objective)
    if with_objective:
        bm = BuiltModel(m, v, guard, penalties, weights)
        bm.set_objective(leave_out)
        return bm
    return BuiltModel(m, v, guard, penalties, weights)
