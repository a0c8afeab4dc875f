"""Decisions already taken: sections kept as they are, duties placed by hand, items kept
together (人随事走), and people who cannot move."""

from __future__ import annotations

from ortools.sat.python import cp_model

from restructure.domain import Rank
from restructure.model.instance import Instance
from restructure.model.variables import Guard, Penalty, Vars
from restructure.terms import item_labels


def define(inst: Instance, m: cp_model.CpModel, v: Vars, guard: Guard) -> list[Penalty]:
    dept = inst.dept
    K = range(inst.n_slots)
    for slot in inst.slots:
        if slot.pinned is None:
            continue
        s = dept.section(slot.pinned)
        k = slot.index
        lits = guard(
            "keep_section",
            s.id,
            f"科室「{s.name}」保持原样（职责、人员和职数不变）",
            f"section '{s.name}' is kept exactly as it is (duties, staff and posts)",
        )
        m.add(v.succ[s.id][k] == 1).only_enforce_if(lits)
        m.add(v.active[k] == 1).only_enforce_if(lits)
        for i, d in enumerate(inst.duties):
            m.add(v.x[i][k] == int(d.current_section == s.id)).only_enforce_if(lits)
        for c in inst.classes:
            m.add(v.n[c.index][k] == (c.size if c.current_section == s.id else 0)).only_enforce_if(lits)
        m.add(v.deputy_posts[k] == s.deputy_posts).only_enforce_if(lits)

    for did, sid in sorted(inst.scenario.pins.duty_sections.items()):
        i = inst.duty_index[did]
        lits = guard(
            "duty_section",
            did,
            f"职责「{inst.duties[i].name}」固定在延续「{dept.section(sid).name}」的科室",
            f"duty '{inst.duties[i].name}' is fixed to the section continuing '{dept.section(sid).name}'",
        )
        m.add(sum(v.succ[sid]) == 1).only_enforce_if(lits)
        for k in K:
            m.add_implication(v.x[i][k], v.succ[sid][k]).only_enforce_if(lits)

    for gi, group in enumerate(inst.rules.together):
        items = list(dict.fromkeys(group))
        if len(items) < 2:
            continue
        lits = guard(
            "together",
            str(gi + 1),
            f"{item_labels(dept, items)[0]}须在同一科室",
            f"{item_labels(dept, items)[1]} must sit in one section",
        )
        head = v.item_in(items[0])
        for it in items[1:]:
            other = v.item_in(it)
            for k in K:
                m.add(head[k] == other[k]).only_enforce_if(lits)

    for c in inst.classes:
        if c.movable or c.current_section is None:
            continue
        s = c.current_section
        names = "、".join(_label(dept, pid) for pid in c.members)
        lits = guard(
            "immovable",
            ",".join(c.members),
            f"{names}不能调动，须留在延续「{dept.section(s).name}」的科室",
            f"{', '.join(c.members)} cannot move and must stay in the section continuing '{dept.section(s).name}'",
        )
        m.add(sum(v.succ[s]) == 1).only_enforce_if(lits)
        for k in K:
            m.add(v.n[c.index][k] == c.size * v.succ[s][k]).only_enforce_if(lits)
    return []


def _label(dept, pid: str) -> str:
    p = dept.person(pid)
    rank = {Rank.CHIEF: "科长", Rank.DEPUTY: "副科长", Rank.STAFF: ""}[p.rank]
    return f"{p.name or pid}{rank}"
