"""Complete starting points for the search: today's structure squeezed into the slots, or a
previous plan (so a re-solve after a pin stays close to what the planner saw)."""

from __future__ import annotations

from collections import defaultdict

from restructure.domain import Function, Plan, SectionKind
from restructure.model.instance import Instance


def _empty(inst: Instance) -> dict:
    K = inst.n_slots
    return {
        "x": [[0] * K for _ in inst.duties],
        "n": [[0] * K for _ in inst.classes],
        "succ": {s: [0] * K for s in inst.today},
        "deputy_posts": [0] * K,
        "active": [0] * K,
    }


def _finish(inst: Instance, h: dict, slot_of_today: dict[str, int], slot_of_duty: dict[int, int]) -> dict:
    """Fill duties, people, successors, activity and posts from section-to-slot maps."""
    fallback = next(iter(sorted(set(slot_of_today.values()))), 0)
    for i, d in enumerate(inst.duties):
        k = slot_of_duty.get(i, slot_of_today.get(d.current_section or "", fallback))
        h["x"][i][k] = 1
    for c in inst.classes:
        h["n"][c.index][slot_of_today.get(c.current_section or "", fallback)] = c.size
    for k in range(inst.n_slots):
        h["active"][k] = int(any(row[k] for row in h["x"]))
    # a slot continues every today's section merged into it: a merge moves nobody
    for s, k in slot_of_today.items():
        h["succ"][s][k] = 1
    heads = [sum(h["n"][c.index][k] for c in inst.classes) for k in range(inst.n_slots)]
    spare = max(0, inst.dept.leadership_posts - sum(h["active"]))
    for k in sorted(range(inst.n_slots), key=lambda k: -heads[k]):
        if h["active"][k] and spare:
            give = min(spare, inst.rules.max_deputies_per_section, max(0, heads[k] - 1))
            h["deputy_posts"][k] = give
            spare -= give
    return h


def from_today(inst: Instance) -> dict:
    """Today's sections mapped onto slots: support merged, the smallest merged into the
    most similar until they fit, key-task duties into dynamic slots."""
    dept = inst.dept
    h = _empty(inst)
    basic = [s.index for s in inst.slots if s.kind is SectionKind.BASIC]
    dyn = [s.index for s in inst.slots if s.kind is SectionKind.DYNAMIC]
    pinned = {s.pinned: s.index for s in inst.slots if s.pinned}
    free_basic = [k for k in basic if inst.slots[k].pinned is None]
    free_dyn = [k for k in dyn if inst.slots[k].pinned is None]

    def load(sid: str) -> int:
        return sum(inst.work[i] for i in inst.duties_of_today.get(sid, ()))

    def main(sid: str) -> Function | None:
        per: dict[Function, int] = defaultdict(int)
        for i in inst.duties_of_today.get(sid, ()):
            per[inst.duties[i].function] += inst.work[i]
        return max(per, key=per.get) if per else None

    slot_of_today: dict[str, int] = dict(pinned)
    rest = sorted((s.id for s in dept.sections if s.id not in pinned), key=lambda s: -load(s))
    support = [s for s in rest if main(s) is Function.SUPPORT]
    others = [s for s in rest if s not in support]
    queue = ([support] if support else []) + [[s] for s in others]
    for group in queue:
        if free_basic:
            k = free_basic.pop(0)
        else:
            # merge into the used slot with the same main function, else the lightest one
            used = sorted(set(slot_of_today.values()) & set(basic)) or basic
            same = [
                k
                for k in used
                if any(main(t) == main(group[0]) for t, kk in slot_of_today.items() if kk == k)
            ]
            k = min(same or used, key=lambda k: sum(load(t) for t, kk in slot_of_today.items() if kk == k))
        for s in group:
            slot_of_today[s] = k
    slot_of_duty: dict[int, int] = {}
    tasks = defaultdict(list)
    for i, d in enumerate(inst.duties):
        if d.function is Function.KEY_TASK and d.key_task in inst.live_key_tasks:
            tasks[d.key_task].append(i)
    for t in sorted(tasks, key=lambda t: -sum(inst.work[i] for i in tasks[t])):
        if not free_dyn:
            break
        k = free_dyn.pop(0)
        for i in tasks[t]:
            slot_of_duty[i] = k
    h = _finish(inst, h, slot_of_today, slot_of_duty)
    # give dynamic slots people from the sections their duties came from
    for k in dyn:
        need = inst.rules.min_section_staff
        if not h["active"][k]:
            continue
        for c in sorted(inst.classes, key=lambda c: (c.rank.value != "staff", c.index)):
            if need <= 0:
                break
            src = next((kk for kk in range(inst.n_slots) if h["n"][c.index][kk] and kk != k), None)
            if src is None or not c.movable:
                continue
            take = min(need, h["n"][c.index][src])
            h["n"][c.index][src] -= take
            h["n"][c.index][k] += take
            need -= take
    return h


def from_plan(inst: Instance, plan: Plan) -> dict:
    """A previous plan mapped onto slots of the same kind, in order."""
    h = _empty(inst)
    free = {
        kind: [s.index for s in inst.slots if s.kind is kind and s.pinned is None] for kind in SectionKind
    }
    pinned = {s.pinned: s.index for s in inst.slots if s.pinned}
    slot_of: dict[str, int] = {}
    for sec in plan.sections:
        k = next((pinned[t] for t in sec.successor_of if t in pinned), None)
        if k is None:
            if not free[sec.kind]:
                continue
            k = free[sec.kind].pop(0)
        slot_of[sec.id] = k
        h["active"][k] = 1
        h["deputy_posts"][k] = sec.deputy_posts
        for s in sec.successor_of:
            if s in h["succ"]:
                h["succ"][s][k] = 1
    fallback = next(iter(slot_of.values()), 0)
    sec_of_duty = plan.section_of_duty()
    for i, d in enumerate(inst.duties):
        h["x"][i][slot_of.get(sec_of_duty.get(d.id, ""), fallback)] = 1
    sec_of_person = plan.section_of_person()
    for c in inst.classes:
        for pid in c.members:
            h["n"][c.index][slot_of.get(sec_of_person.get(pid, ""), fallback)] += 1
    return h
