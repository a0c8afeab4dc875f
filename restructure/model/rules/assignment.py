"""Structure every plan has: each duty in one section, each person in one section, sections
that exist have duties, successors, and the moves that follow from them (disruption).

These are not planner rules that could be relaxed, so nothing here goes through the guard.
"""

from __future__ import annotations

import itertools

from ortools.sat.python import cp_model

from restructure.domain import SectionKind
from restructure.model.instance import Instance, Layout
from restructure.model.variables import Guard, Penalty, Vars


def define(inst: Instance, m: cp_model.CpModel, v: Vars, guard: Guard) -> list[Penalty]:
    K = range(inst.n_slots)
    for row in v.x:
        m.add_exactly_one(row)
    for c in inst.classes:
        m.add(sum(v.n[c.index]) == c.size)
    for k in K:
        for row in v.x:
            m.add_implication(row[k], v.active[k])
        m.add(sum(row[k] for row in v.x) >= v.active[k])
        for c in inst.classes:
            m.add(v.n[c.index][k] <= c.size * v.active[k])
    # Slots of one kind that carry no identity (no pin, no label, no task) are interchangeable:
    # use them in order (cheap and sound).
    for kind_slots in (inst.slots_of(kind) for kind in SectionKind if v.symmetry_breaking):
        free = [
            k for k in kind_slots if not (inst.slots[k].pinned or inst.slots[k].label or inst.slots[k].task)
        ]
        for a, b in itertools.pairwise(free):
            m.add_implication(v.active[b], v.active[a])
    if inst.layout is Layout.LABELLED:
        _labels(inst, m, v)

    # Successors: each of today's sections is continued by at most one new section, which
    # must hold some of its duties or people.
    moved_duties = []
    moved_staff = []
    kind_of = {sec.id: sec.kind for sec in inst.dept.sections}
    for s in inst.today:
        duties = inst.duties_of_today[s]
        classes = inst.classes_of_today[s]
        m.add(sum(v.succ[s]) <= 1)
        n_d = len(duties)
        n_p = sum(inst.classes[c].size for c in classes)
        # "mainly continues": the successor is of the same kind (a task force does not continue
        # a standing section) and holds as much of the section's work as any section of that
        # kind (its people, when it has no duties)
        share = [v.load_of(k, list(duties)) if duties else sum(v.n[c][k] for c in classes) for k in K]
        largest = m.new_int_var(0, sum(inst.work[i] for i in duties) if duties else n_p, f"largest[{s}]")
        for k in K:  # at least every share; a successor's share at least this: the largest share
            if inst.slots[k].kind is kind_of[s]:
                m.add(largest >= share[k])
        stay_d, stay_p = [], []
        for k in K:
            m.add_implication(v.succ[s][k], v.active[k])
            held_d = sum(v.x[i][k] for i in duties)
            held_p = sum(v.n[c][k] for c in classes)
            m.add(held_d + held_p >= v.succ[s][k])
            if inst.slots[k].kind is not kind_of[s]:
                m.add(v.succ[s][k] == 0)
            else:
                m.add(share[k] >= largest).only_enforce_if(v.succ[s][k])
            if n_d:
                sd = m.new_int_var(0, n_d, f"stay_d[{s},{k}]")
                m.add(sd <= held_d)
                m.add(sd <= n_d * v.succ[s][k])
                m.add(sd >= held_d - n_d * (1 - v.succ[s][k]))
                stay_d.append(sd)
            if n_p:
                sp = m.new_int_var(0, n_p, f"stay_p[{s},{k}]")
                m.add(sp <= held_p)
                m.add(sp <= n_p * v.succ[s][k])
                m.add(sp >= held_p - n_p * (1 - v.succ[s][k]))
                stay_p.append(sp)
        if n_d:
            moved_duties.append(n_d - sum(stay_d))
        if n_p:
            moved_staff.append(n_p - sum(stay_p))
    v.moved_duties = m.new_int_var(0, len(inst.duties), "moved_duties")
    m.add(v.moved_duties == sum(moved_duties))
    v.moved_staff = m.new_int_var(0, sum(c.size for c in inst.classes), "moved_staff")
    m.add(v.moved_staff == sum(moved_staff))
    return [Penalty("disruption", v.moved_duties + v.moved_staff)]


def _labels(inst: Instance, m: cp_model.CpModel, v: Vars) -> None:
    """The labelled layout's one form per plan: a labelled slot is used exactly when it continues
    its label, which is the first (in today's order) of the sections it continues; a basic slot
    without a label continues none of today's sections."""
    order = {s: i for i, s in enumerate(inst.today)}
    basic_today = [s.id for s in inst.dept.sections if s.kind is SectionKind.BASIC]
    for slot in inst.slots:
        if slot.kind is not SectionKind.BASIC:
            continue
        k = slot.index
        if slot.label is None:
            for s in basic_today:
                m.add(v.succ[s][k] == 0)
            continue
        m.add(v.succ[slot.label][k] == v.active[k])
        for s in basic_today:
            if order[s] < order[slot.label]:
                m.add(v.succ[s][k] == 0)
