"""Checks and balances (横向分权制衡): the stages of one chain sit in different sections;
items the planner keeps apart sit in different sections."""

from __future__ import annotations

from collections import defaultdict

from ortools.sat.python import cp_model

from restructure.model.instance import Instance
from restructure.model.variables import Guard, Penalty, Vars
from restructure.terms import item_labels, stage_zh


def chains(inst: Instance) -> dict[str, dict[str, list[int]]]:
    """chain -> stage -> duty indices (stages in first-seen order)."""
    out: dict[str, dict[str, list[int]]] = defaultdict(dict)
    for i, d in enumerate(inst.duties):
        if d.chain and d.stage:
            out[d.chain].setdefault(d.stage, []).append(i)
    return dict(out)


def define(inst: Instance, m: cp_model.CpModel, v: Vars, guard: Guard) -> list[Penalty]:
    K = range(inst.n_slots)
    if inst.rules.separate_stages:
        for chain, stages in sorted(chains(inst).items()):
            if len(stages) < 2:
                continue
            lits = guard(
                "separate_stages",
                chain,
                f"链条「{chain}」有{len(stages)}个环节（{'、'.join(stage_zh(x) for x in stages)}），须分设于至少{len(stages)}个不同科室",
                f"chain '{chain}' has {len(stages)} stages ({', '.join(stages)}) that must sit in "
                f"{len(stages)} different sections",
            )
            # implied by the rows below, stated so that the LP sees it: m stages apart need m
            # sections (with at least n people each, a department of fewer than m*n is infeasible
            # at the root, where the per-slot rows alone left the search to find it)
            m.add(v.sections_of() >= len(stages)).only_enforce_if(lits)
            for k in K:
                present = []
                for stage, duties in stages.items():
                    p = m.new_bool_var(f"stage[{chain},{stage},{k}]")
                    for i in duties:
                        m.add_implication(v.x[i][k], p)
                    present.append(p)
                m.add_at_most_one(present).only_enforce_if(lits)
    for gi, group in enumerate(inst.rules.apart):
        items = list(dict.fromkeys(group))
        lits = guard(
            "apart",
            str(gi + 1),
            f"{item_labels(inst.dept, items)[0]}须分设在不同科室",
            f"{item_labels(inst.dept, items)[1]} must sit in different sections",
        )
        m.add(v.sections_of() >= len(items)).only_enforce_if(lits)  # implied, for the LP
        for k in K:
            m.add(sum(v.item_in(it)[k] for it in items) <= 1).only_enforce_if(lits)
    return []
