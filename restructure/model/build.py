"""Assemble the model from the rule families and the weighted soft terms."""

from __future__ import annotations

from dataclasses import dataclass

from ortools.sat.python import cp_model

from restructure.domain import weights_dict
from restructure.model.instance import Instance
from restructure.model.rules import FAMILIES
from restructure.model.variables import Guard, Penalty, Vars, coefficient


@dataclass
class BuiltModel:
    model: cp_model.CpModel
    vars: Vars
    guard: Guard
    penalties: list[Penalty]
    weights: dict[str, float]

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
