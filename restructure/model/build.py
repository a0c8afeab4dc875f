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


def build(
    inst: Instance, *, switchable: bool = False, with_objective: bool = True, symmetry_breaking: bool = True
) -> BuiltModel:
    """The model with every rule family; ``switchable`` puts each rule instance behind a literal."""
    m = cp_model.CpModel()
    v = Vars(inst, m)
    v.symmetry_breaking = symmetry_breaking
    guard = Guard(m, switchable=switchable)
    penalties: list[Penalty] = []
    for family in FAMILIES:
        penalties.extend(family.define(inst, m, v, guard))
    weights = weights_dict(inst.scenario.objective)
    if with_objective:
        terms = [coefficient(weights[p.name], p.unit) * p.expr for p in penalties if weights[p.name] > 0]
        if terms:
            m.minimize(sum(terms))
    return BuiltModel(m, v, guard, penalties, weights)
