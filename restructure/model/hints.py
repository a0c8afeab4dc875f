"""Complete starting points for the search: the planner's own method applied to today's
structure, or a previous plan (so a re-solve after a pin stays close to what the planner saw).

``from_today`` builds the plan a planner would sketch first, step by step:

1. how many sections: what the caps, chief posts and staff pay for (``check.section_target``);
2. merges: the support sections into one, then the smallest section into its most similar
   partner until the basic sections fit (never two stages of one chain, never items kept apart;
   a partner that keeps the merged section under the ``span`` ceiling before a more similar one);
   when more sections are wanted than today's give, the largest business line is split off;
3. forced moves: each live key task's duties into a dynamic section of its own, each
   single-section function (综合保障, 集中许可) to the section already holding most of it, duties
   placed by hand, duties kept together or apart, and the stages of a chain into different sections
   (a duty placed by hand or gathered into its function's section stays: later moves bring its
   partners to it);
4. successors: each of today's sections is continued by the section holding most of its work,
   when that section is of the same kind (on a tie, one that continues no other section yet);
5. people follow their section (人随事走); a dynamic section takes people from where its duties
   came from; then one person at a time moves from the least to the most loaded section until
   every section is inside the balance band; a section without a current chief swaps a staff
   member for a spare chief of a section that has two; people named in ``together`` or
   ``apart`` are placed as those rules ask;
6. deputy posts go where the deputies (and chiefs without a chief post) are.

The result need not keep every rule: ``add_hint`` checks it, and the solve repairs what it breaks.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from restructure.check import section_target, span_ceiling
from restructure.domain import NONBUSINESS_FUNCTIONS, Function, Plan, Rank, SectionKind
from restructure.model.instance import Instance, Layout


def _empty(inst: Instance) -> dict:
    K = inst.n_slots
    return {
        "x": [[0] * K for _ in inst.duties],
        "n": [[0] * K for _ in inst.classes],
        "succ": {s: [0] * K for s in inst.today},
        "deputy_posts": [0] * K,
        "active": [0] * K,
    }


@dataclass
class _Draft:
    """A plan under construction, by index: the slot of each duty, people per class and slot."""

    inst: Instance
    slot_of_duty: list[int]
    people: list[list[int]] = field(default_factory=list)  # people[class][slot]
    succ: dict[str, int] = field(default_factory=dict)  # today's section -> slot continuing it

    def load(self, k: int) -> int:
        return sum(w for i, w in enumerate(self.inst.work) if self.slot_of_duty[i] == k)

    def capacity(self, k: int) -> int:
        return sum(c.capacity * self.people[c.index][k] for c in self.inst.classes)

    def heads(self, k: int) -> int:
        return sum(row[k] for row in self.people)

    def chiefs(self, k: int) -> int:
        """Current chiefs (正职) in slot k."""
        return sum(self.people[c.index][k] for c in self.inst.classes if c.rank is Rank.CHIEF)

    def used(self) -> list[int]:
        return sorted(set(self.slot_of_duty))


def from_today(inst: Instance) -> dict:
    """The planner's first sketch as a complete hint (see the module docstring)."""
    if inst.layout is Layout.LABELLED:
        anonymous = inst.anonymous()
        return relabel(inst, anonymous, from_today(anonymous))
    draft = _Draft(inst, slot_of_duty=[-1] * len(inst.duties))
    group_slot, wanted = _merge_sections(inst, draft)
    _forced_moves(inst, draft, group_slot, wanted)
    _split_to_target(inst, draft, wanted)
    _successors(inst, draft)
    _place_people(inst, draft, group_slot)
    _balance(inst, draft)
    _a_chief_for_each_section(inst, draft)
    _people_together_and_apart(inst, draft)
    return _as_values(inst, draft)


# --- 1-2: how many sections, and which of today's sections merge ----------------------------


def _main(inst: Instance, duty_ids: list[int]) -> Function | None:
    per: dict[Function, int] = defaultdict(int)
    for i in duty_ids:
        per[inst.duties[i].function] += inst.work[i]
    return max(per, key=lambda f: (per[f], -list(Function).index(f))) if per else None


def _live_tasks(inst: Instance) -> list[str]:
    """Live key tasks with duties, largest first: the ones dynamic sections are set up for."""
    load: dict[str, int] = defaultdict(int)
    for i, d in enumerate(inst.duties):
        if d.function is Function.KEY_TASK and d.key_task in inst.live_key_tasks:
            load[d.key_task] += inst.work[i]
    return sorted(load, key=lambda t: (-load[t], t))


def _conflicts(inst: Instance, a: list[int], b: list[int]) -> bool:
    """Would one section holding duties ``a`` and ``b`` break separation or an apart rule?"""
    r = inst.rules
    if r.separate_stages:
        stages_a = {(inst.duties[i].chain, inst.duties[i].stage) for i in a if inst.duties[i].chain}
        for i in b:
            d = inst.duties[i]
            if d.chain and any(c == d.chain and s != d.stage for c, s in stages_a):
                return True
    ids_a = {inst.duties[i].id for i in a}
    ids_b = {inst.duties[i].id for i in b}
    return any(ids_a & set(g) and ids_b & set(g) for g in r.apart)


def _merge_sections(inst: Instance, draft: _Draft) -> tuple[dict[str, int], list[int]]:
    """Today's unpinned sections into groups, one group per free basic slot; returns the slot
    each of today's sections (pinned ones included) sends its duties to, and the free basic
    slots the plan should fill."""
    dept, r = inst.dept, inst.rules
    pinned = {s.pinned: s.index for s in inst.slots if s.pinned}
    free_basic = [s.index for s in inst.slots if s.kind is SectionKind.BASIC and s.pinned is None]
    n_dyn = min(
        len([s for s in inst.slots if s.kind is SectionKind.DYNAMIC and s.pinned is None]),
        len(_live_tasks(inst)) if r.dynamic_for_key_tasks_only else 0,
    )
    n_pinned_basic = sum(1 for s in inst.slots if s.pinned and s.kind is SectionKind.BASIC)
    target = section_target(inst.scenario)
    n_free = max(1, min(len(free_basic), target - n_dyn - n_pinned_basic))

    duties_of = {s: list(inst.duties_of_today[s]) for s in inst.today}
    groups = [[s.id] for s in dept.sections if s.id not in pinned]

    def duties(g: list[str]) -> list[int]:
        return [i for s in g for i in duties_of[s]]

    def load(g: list[str]) -> int:
        return sum(inst.work[i] for i in duties(g))

    def heads(g: list[str]) -> int:
        return sum(inst.classes[c].size for s in g for c in inst.classes_of_today[s])

    # the span goal's ceiling: a merge that stays under it is preferred to a more similar one
    ceiling = span_ceiling(inst.scenario) if inst.scenario.objective.span > 0 else None

    # a line is akin to itself and to the lines the planner named as related to it
    kin = {(g, g) for d in inst.duties if (g := d.group)}
    for names in inst.scenario.objective.related_groups:
        kin.update((a, b) for a in names for b in names)

    def business_lines(g: list[str]) -> dict[str, int]:
        out: dict[str, int] = defaultdict(int)
        for i in duties(g):
            if inst.duties[i].group:
                out[inst.duties[i].group] += inst.work[i]
        return out

    while len(groups) > n_free:
        support = [g for g in groups if _main(inst, duties(g)) is Function.SUPPORT]
        if len(support) >= 2:  # office, finance and HR become one comprehensive-support section
            a, b = sorted(support, key=load)[:2]
        else:
            a = min(groups, key=lambda g: (load(g), g[0]))
            main_a, lines_a = _main(inst, duties(a)), business_lines(a)

            def similarity(g: list[str], a=a, main_a=main_a, lines_a=lines_a) -> tuple:
                lines = business_lines(g)
                shared = sum(min(v, w) for k, v in lines_a.items() for j, w in lines.items() if (k, j) in kin)
                main_g = _main(inst, duties(g))
                alike = main_g is main_a or (
                    main_g in NONBUSINESS_FUNCTIONS and main_a in NONBUSINESS_FUNCTIONS
                )
                fits = ceiling is None or heads(a) + heads(g) <= ceiling
                return (not _conflicts(inst, duties(a), duties(g)), fits, shared, alike, -load(g), g[0])

            b = max((g for g in groups if g is not a), key=similarity)
        groups.remove(a)
        groups.remove(b)
        groups.append(sorted(a + b, key=inst.today.index))
    # Too many non-business sections for the cap (a small department may keep only 综合保障):
    # fold the smallest into the support one, or else the largest business section; a business
    # line is split off later to keep the count.
    allowed = int(r.max_nonbusiness_section_share * (target + 1e-9))
    while True:
        nonbiz = [g for g in groups if _main(inst, duties(g)) in NONBUSINESS_FUNCTIONS]
        if len(nonbiz) <= allowed or len(groups) < 2 or r.max_nonbusiness_section_share >= 1:
            break
        a = min(nonbiz, key=lambda g: (load(g), g[0]))
        into = [g for g in nonbiz if g is not a and _main(inst, duties(g)) is Function.SUPPORT]
        into = into or [g for g in groups if g not in nonbiz] or [g for g in nonbiz if g is not a]
        b = max(into, key=lambda g: (load(g), g[0]))
        groups.remove(a)
        groups.remove(b)
        groups.append(sorted(a + b, key=inst.today.index))
    groups.sort(key=lambda g: (-load(g), g[0]))
    group_slot = dict(pinned)
    for k, g in zip(free_basic, groups, strict=False):
        for s in g:
            group_slot[s] = k
    for i, d in enumerate(inst.duties):
        draft.slot_of_duty[i] = group_slot.get(d.current_section or "", -1)
    # new duties (no section today) go where their business line is, else to the lightest slot
    for i, d in enumerate(inst.duties):
        if draft.slot_of_duty[i] < 0:
            same = [
                draft.slot_of_duty[j] for j, e in enumerate(inst.duties) if e.group == d.group and d.group
            ]
            same = [k for k in same if k >= 0]
            draft.slot_of_duty[i] = same[0] if same else free_basic[0]
    return group_slot, free_basic[:n_free]


def _split_to_target(inst: Instance, draft: _Draft, wanted: list[int]) -> None:
    """Fewer groups than wanted sections: split the largest business line off the heaviest
    section into an empty slot, while that leaves both parts with a line of their own."""
    for k_new in wanted:
        if k_new in draft.used():
            continue
        best = None
        for k in draft.used():
            if inst.slots[k].pinned or inst.slots[k].kind is not SectionKind.BASIC:
                continue
            lines: dict[str, int] = defaultdict(int)
            for i, d in enumerate(inst.duties):
                if draft.slot_of_duty[i] == k and d.group and d.function is not Function.KEY_TASK:
                    lines[d.group] += inst.work[i]
            if len(lines) < 2:
                continue
            line = max(sorted(lines), key=lambda g: lines[g])
            if best is None or lines[line] > best[0]:
                best = (lines[line], k, line)
        if best is None:
            return
        _, k, line = best
        for i, d in enumerate(inst.duties):
            if draft.slot_of_duty[i] == k and d.group == line and d.function is not Function.KEY_TASK:
                draft.slot_of_duty[i] = k_new


# --- 3: the moves the rules force ---------------------------------------------------------


def _forced_moves(inst: Instance, draft: _Draft, group_slot: dict[str, int], wanted: list[int]) -> None:
    """Moves the rules force, each kept by those after it: a duty placed by hand, or gathered
    into its function's one section or with its partners, is ``locked``, so that a later move
    takes its partners to it rather than it away from them."""
    r, pins = inst.rules, inst.scenario.pins
    fixed = {s.index for s in inst.slots if s.pinned}  # kept exactly as today: nothing in or out
    free_dyn = [s.index for s in inst.slots if s.kind is SectionKind.DYNAMIC and s.pinned is None]
    basic = [s.index for s in inst.slots if s.kind is SectionKind.BASIC]
    slot = draft.slot_of_duty
    locked: set[int] = set()

    def movable(i: int) -> bool:
        return slot[i] not in fixed and i not in locked

    for did, sid in sorted(pins.duty_sections.items()):  # the planner's own decisions first
        i = inst.duty_index[did]
        if sid in group_slot and movable(i):
            slot[i] = group_slot[sid]
        locked.add(i)
    for k, task in zip(free_dyn, _live_tasks(inst) if r.dynamic_for_key_tasks_only else [], strict=False):
        for i, d in enumerate(inst.duties):
            if d.function is Function.KEY_TASK and d.key_task == task and movable(i):
                slot[i] = k
    for fname in r.single_section:
        f = Function(fname)
        of_f = [i for i in inst.duties_of_function(f) if slot[i] in basic]
        if len(of_f) < 2:
            continue
        per: dict[int, int] = defaultdict(int)
        for i in of_f:
            per[slot[i]] += inst.work[i]
        home = next((slot[i] for i in of_f if slot[i] in fixed or i in locked), None)
        empty = [k for k in wanted if k not in draft.used()]
        if home is None and empty and f not in NONBUSINESS_FUNCTIONS:
            home = empty[0]  # a place is free: the function gets a section of its own (行政许可科)
        if home is None:
            home = max(sorted(per), key=lambda k: per[k])
        for i in of_f:
            if movable(i):
                slot[i] = home
        locked.update(of_f)
    for group in r.together:
        duties = [inst.duty_index[x] for x in group if x in inst.duty_index]
        if not duties:
            continue
        anchor = next((i for i in duties if not movable(i)), duties[0])
        for i in duties:
            if movable(i):
                slot[i] = slot[anchor]
        locked.update(duties)
    if r.separate_stages:
        _separate_stages(inst, draft, basic, fixed, locked)
    for group in r.apart:
        duties = [inst.duty_index[x] for x in group if x in inst.duty_index]
        # the ones that cannot move keep their places; the others step aside
        duties.sort(key=lambda i: movable(i))
        for n, i in enumerate(duties):
            taken = {slot[j] for j in duties[:n]}
            if slot[i] in taken and movable(i):
                options = [k for k in draft.used() if k in basic and k not in taken and k not in fixed]
                if options:
                    slot[i] = min(options, key=lambda k: (draft.load(k), k))


def _separate_stages(
    inst: Instance, draft: _Draft, basic: list[int], fixed: set[int], locked: set[int]
) -> None:
    """Keep each section's largest stage of a chain (or the one a locked duty holds there); move
    its other stages to sections that hold no stage of that chain, preferring one with the same
    business line."""
    slot = draft.slot_of_duty
    chains = sorted({d.chain for d in inst.duties if d.chain and d.stage})
    for chain in chains:
        members = [i for i, d in enumerate(inst.duties) if d.chain == chain and d.stage]
        for k in sorted({slot[i] for i in members}):
            here: dict[str, list[int]] = defaultdict(list)
            for i in members:
                if slot[i] == k:
                    here[inst.duties[i].stage].append(i)
            if len(here) < 2 or k in fixed:
                continue
            keep = max(
                sorted(here),
                key=lambda st: (any(i in locked for i in here[st]), sum(inst.work[i] for i in here[st])),
            )
            for stage in sorted(here):
                if stage == keep or any(i in locked for i in here[stage]):
                    continue
                busy = {slot[i] for i in members}
                line = inst.duties[here[stage][0]].group
                options = [x for x in draft.used() if x in basic and x not in busy and x not in fixed]
                if not options:  # a new section for this stage, if a free slot is left
                    options = [x for x in basic if x not in draft.used() and not inst.slots[x].pinned][:1]
                if not options:
                    continue

                def fit(x: int, line=line) -> tuple:
                    same = any(slot[j] == x and d.group == line for j, d in enumerate(inst.duties) if line)
                    return (not same, draft.load(x), x)

                target = min(options, key=fit)
                for i in here[stage]:
                    slot[i] = target


# --- 4: who continues whom ----------------------------------------------------------------


def _successors(inst: Instance, draft: _Draft) -> None:
    kind_of = {s.id: s.kind for s in inst.dept.sections}
    for s in inst.today:
        pinned = next((x.index for x in inst.slots if x.pinned == s), None)
        if pinned is not None:
            draft.succ[s] = pinned
            continue
        per: dict[int, int] = defaultdict(int)
        for i in inst.duties_of_today[s]:
            if inst.slots[draft.slot_of_duty[i]].kind is kind_of[s]:
                per[draft.slot_of_duty[i]] += inst.work[i]
        if per:
            # ties go to a section that continues no other yet (a merge only where work merged)
            taken = set(draft.succ.values())
            draft.succ[s] = max(sorted(per), key=lambda k: (per[k], k not in taken))


# --- 5: people ----------------------------------------------------------------------------


def _place_people(inst: Instance, draft: _Draft, group_slot: dict[str, int]) -> None:
    r = inst.rules
    K = inst.n_slots
    draft.people = [[0] * K for _ in inst.classes]
    used = draft.used()
    basic_used = [k for k in used if inst.slots[k].kind is SectionKind.BASIC] or used
    for c in inst.classes:
        s = c.current_section or ""
        home = draft.succ.get(s, group_slot.get(s, -1))
        if home not in used:
            home = max(basic_used, key=lambda k: (draft.load(k) - draft.capacity(k), -k))
        draft.people[c.index][home] += c.size
    # sections short of people (dynamic sections start empty) take them from where their duties came from
    fixed = {s.index for s in inst.slots if s.pinned}
    for k in used:
        need = r.min_section_staff - draft.heads(k)
        if need <= 0 or k in fixed:
            continue
        origins = [
            draft.succ.get(inst.duties[i].current_section or "", -1)
            for i in range(len(inst.duties))
            if draft.slot_of_duty[i] == k
        ]
        donors = sorted(
            {o for o in origins if o >= 0 and o != k} | set(used) - {k} - fixed,
            key=lambda o: (o not in origins, -(draft.capacity(o) - draft.load(o)), o),
        )
        for donor in donors:
            for c in _movers(inst, draft, donor):
                while need > 0 and draft.people[c.index][donor] and draft.heads(donor) > r.min_section_staff:
                    draft.people[c.index][donor] -= 1
                    draft.people[c.index][k] += 1
                    need -= 1
            if need <= 0:
                break


def _people_together_and_apart(inst: Instance, draft: _Draft) -> None:
    """People named in ``together`` join the first item of their group; people named in
    ``apart`` (e.g. relatives, 亲属回避) leave a section an earlier item of their group holds,
    for the section that is shortest of capacity for its work. Each named person is a staff class
    of one (``instance.prepare``)."""
    fixed = {s.index for s in inst.slots if s.pinned}

    def slot_of(item: str) -> int:
        if item in inst.duty_index:
            return draft.slot_of_duty[inst.duty_index[item]]
        return draft.people[inst.class_of_person[item]].index(1)

    def move(item: str, k: int) -> None:
        c = inst.classes[inst.class_of_person[item]]
        here = slot_of(item)
        stays_staffed = draft.heads(here) > inst.rules.min_section_staff
        if c.movable and stays_staffed and here not in fixed and k not in fixed and here != k:
            draft.people[c.index][here] -= 1
            draft.people[c.index][k] += 1

    people = set(inst.class_of_person)
    for group in inst.rules.together:
        head = next(
            (x for x in group if x not in people or not inst.classes[inst.class_of_person[x]].movable),
            group[0],
        )
        for item in group:
            if item in people:
                move(item, slot_of(head))
    for group in inst.rules.apart:
        for n, item in enumerate(group):
            taken = {slot_of(x) for x in group[:n]}
            if item not in people or slot_of(item) not in taken:
                continue
            options = [k for k in draft.used() if k not in taken and k not in fixed]
            if options:
                move(item, max(options, key=lambda k: (draft.load(k) - draft.capacity(k), -k)))


def _a_chief_for_each_section(inst: Instance, draft: _Draft) -> None:
    """A section without a current chief takes one from a section that has two or more, and
    gives back a staff member of the same capacity.

    Why: its chief post is then filled by a current chief, and that chief keeps a chief post
    (the posts term, 2 units a swap). Both sections keep their heads and capacity, so the
    balance band and the staffing floors hold as before."""
    fixed = {s.index for s in inst.slots if s.pinned}
    used = [k for k in draft.used() if k not in fixed]
    for k in used:
        if draft.chiefs(k):
            continue
        for donor in sorted((d for d in used if draft.chiefs(d) > 1), key=lambda d: (-draft.chiefs(d), d)):
            swap = next(
                (
                    (chief, staff)
                    for chief in _movers(inst, draft, donor)
                    if chief.rank is Rank.CHIEF
                    for staff in _movers(inst, draft, k)
                    if staff.rank is Rank.STAFF and staff.capacity == chief.capacity
                ),
                None,
            )
            if swap is not None:
                chief, staff = swap
                draft.people[chief.index][donor] -= 1
                draft.people[chief.index][k] += 1
                draft.people[staff.index][k] -= 1
                draft.people[staff.index][donor] += 1
                break


def _movers(inst: Instance, draft: _Draft, k: int) -> list:
    """Classes in slot k whose people may move, staff before deputies before chiefs; among
    equals, people of the section of today that brings the least work to slot k go first (the
    merged 综合保障科 keeps the 办公室's chief, whose section brings most of its work)."""
    order = {Rank.STAFF: 0, Rank.DEPUTY: 1, Rank.CHIEF: 2}
    brought: dict[str, int] = defaultdict(int)
    for i, d in enumerate(inst.duties):
        if draft.slot_of_duty[i] == k and d.current_section:
            brought[d.current_section] += inst.work[i]
    return sorted(
        (c for c in inst.classes if c.movable and draft.people[c.index][k] and c.size > 0),
        key=lambda c: (order[c.rank], -c.capacity, brought.get(c.current_section or "", 0), c.index),
    )


def _balance(inst: Instance, draft: _Draft) -> None:
    """Local search on balance against disruption, one move at a time between a heavy and a
    light section: a person from the light one to the heavy one, or a duty the other way.
    A move that brings a section back inside the hard band is always worth it; otherwise it
    must save more balance points (FTE beyond the inner band x weight) than its move costs.

    Moves are looked for between the extremes first (cheap, enough almost everywhere). When
    none helps and a section still lies outside the hard band, every pair with that section is
    tried: people first (a move, or a swap of two people of one rank and different capacity),
    then a key-task duty may leave its task force for a standing section
    (a task force of 5 FTE of work and 3 people otherwise stays 80 % over the average when
    every other section is at its minimum staff: the city's 体育局)."""
    L, C, W = inst.total_work, inst.total_cap, inst.scale
    if not L or not C:
        return
    r, w = inst.rules, inst.scenario.objective
    fixed = {s.index for s in inst.slots if s.pinned}
    slots = [k for k in draft.used() if k not in fixed]

    def beyond(load: int, cap: int, band: float) -> float:
        """FTE by which a section lies outside ± band of the average load per FTE."""
        even = cap * L / C
        return max(0.0, abs(load - even) - band * even) / W if cap > 0 else load / W + 1e6

    def cost(load: int, cap: int) -> tuple[float, float]:
        return beyond(load, cap, r.max_load_deviation), w.balance * beyond(load, cap, w.balance_band)

    def home(kind: str, index: int, src: int, dst: int) -> float:
        """Change in moves: -1 when an item returns to the slot continuing its section."""
        section = (
            inst.duties[index].current_section if kind == "duty" else inst.classes[index].current_section
        )
        origin = draft.succ.get(section or "")
        return float((origin == src) - (origin == dst)) if section else 0.0

    def best_move(loads: dict, caps: dict, pairs: list, *, wider: bool = False, key_tasks: bool = False):
        """The best single step between each (light, heavy) pair; ``wider`` adds swaps of two
        people of one rank and different capacity (heads stay, capacity moves); ``key_tasks``
        looks only at task-force duties, and only for the hard band."""
        best = None  # ((hard gain, net gain), steps); a step is (kind, index, src, dst)
        for lo, hi in dict.fromkeys(p for p in pairs if p[0] != p[1]):
            h0, b0 = (
                x + y for x, y in zip(cost(loads[hi], caps[hi]), cost(loads[lo], caps[lo]), strict=True)
            )
            moves = []  # (steps, capacity from lo to hi, work from hi to lo)
            if not key_tasks and (r.max_section_staff is None or draft.heads(hi) < r.max_section_staff):
                moves += [((("person", c.index, lo, hi),), c.capacity, 0) for c in _leavers(inst, draft, lo)]
            if wider and not key_tasks:
                moves += [
                    ((("person", a.index, lo, hi), ("person", b.index, hi, lo)), a.capacity - b.capacity, 0)
                    for a in _movers(inst, draft, lo)
                    for b in _movers(inst, draft, hi)
                    if a.rank is b.rank and a.capacity > b.capacity
                ]
            moves += [
                ((("duty", i, hi, lo),), 0, inst.work[i])
                for i in _duties_that_may_move(inst, draft, hi, lo, key_tasks=key_tasks)
            ]
            for steps, cap, work in moves:
                h1, b1 = (
                    x + y
                    for x, y in zip(
                        cost(loads[hi] - work, caps[hi] + cap),
                        cost(loads[lo] + work, caps[lo] - cap),
                        strict=True,
                    )
                )
                gain = (round(h0 - h1, 9), b0 - b1 - w.disruption * sum(home(*step) for step in steps))
                if key_tasks and gain[0] <= 0:
                    continue  # only to bring a section back inside the hard band
                if (gain[0] > 0 or (gain[0] == 0 and gain[1] > 1e-9)) and (best is None or gain > best[0]):
                    best = (gain, steps)
        return best

    for _ in range(4 * (len(inst.duties) + sum(c.size for c in inst.classes))):
        loads = {k: draft.load(k) for k in slots}
        caps = {k: draft.capacity(k) for k in slots}
        order = sorted(slots, key=lambda k: (loads[k] / caps[k] if caps[k] > 0 else float("inf"), k))
        if len(order) < 2:
            return
        pairs = [(lo, order[-1]) for lo in order[:3]] + [(order[0], hi) for hi in order[-3:]]
        best = best_move(loads, caps, pairs)
        if best is None:
            outside = {k for k in order if cost(loads[k], caps[k])[0] > 0}
            pairs = [(lo, hi) for a, lo in enumerate(order) for hi in order[a + 1 :] if outside & {lo, hi}]
            # people follow the work first (人随事走); task-force duties leave it only when that fails
            best = best_move(loads, caps, pairs, wider=True) or best_move(loads, caps, pairs, key_tasks=True)
        if best is None:
            return
        for what, index, src, dst in best[1]:
            if what == "person":
                draft.people[index][src] -= 1
                draft.people[index][dst] += 1
            else:
                draft.slot_of_duty[index] = dst


def _leavers(inst: Instance, draft: _Draft, k: int) -> list:
    """The movers of slot k (``_movers``) one of whom may leave it: none at the minimum staff,
    and a chief only where another chief stays (a section keeps its chief)."""
    if draft.heads(k) <= inst.rules.min_section_staff:
        return []
    return [c for c in _movers(inst, draft, k) if c.rank is not Rank.CHIEF or draft.chiefs(k) > 1]


def _duties_that_may_move(
    inst: Instance, draft: _Draft, src: int, dst: int, *, key_tasks: bool = False
) -> list[int]:
    """Duties of slot ``src`` that may go to basic slot ``dst`` without breaking a rule the
    construction already settled (functions kept in one section, chains apart, pins, the
    successor's largest share of its section's work). Key-task duties stay in their task
    force; with ``key_tasks`` only they are listed."""
    r, pins = inst.rules, inst.scenario.pins
    if inst.slots[dst].kind is not SectionKind.BASIC:
        return []
    slot = draft.slot_of_duty
    held = [i for i in range(len(inst.duties)) if slot[i] == src]
    if len(held) < 2:
        return []
    tied = {x for g in (*r.together, *r.apart) for x in g} | set(pins.duty_sections)
    at_dst = [i for i in range(len(inst.duties)) if slot[i] == dst]
    used = draft.used()
    allowed = int(r.max_nonbusiness_section_share * len(used) + 1e-9)
    per: dict[int, dict[Function, int]] = {k: defaultdict(int) for k in used}
    for j, k in enumerate(slot):
        per[k][inst.duties[j].function] += inst.work[j]

    def nonbusiness(loads: dict[Function, int]) -> bool:
        live = {f: w for f, w in loads.items() if w > 0}
        return (
            bool(live)
            and max(live, key=lambda f: (live[f], -list(Function).index(f))) in NONBUSINESS_FUNCTIONS
        )

    base = sum(1 for k in used if nonbusiness(per[k]))

    def nonbusiness_after(i: int) -> int:
        """Non-business sections once duty i went from src to dst."""
        f, w = inst.duties[i].function, inst.work[i]
        src_after = {**per[src], f: per[src][f] - w}
        dst_after = {**per[dst], f: per[dst][f] + w}
        return (
            base
            - nonbusiness(per[src])
            - nonbusiness(per[dst])
            + nonbusiness(src_after)
            + nonbusiness(dst_after)
        )

    cap_matters = r.max_nonbusiness_section_share < 1
    stages_dst = {(inst.duties[i].chain, inst.duties[i].stage) for i in at_dst if inst.duties[i].chain}
    out = []
    for i in held:
        d = inst.duties[i]
        if d.id in tied or d.function.value in r.single_section:
            continue
        if (d.function is Function.KEY_TASK) is not key_tasks:
            continue
        if r.separate_stages and d.chain and any(c == d.chain and st != d.stage for c, st in stages_dst):
            continue
        if cap_matters and nonbusiness_after(i) > allowed:
            continue
        s = d.current_section
        home = draft.succ.get(s or "")
        if home is not None and not _keeps_largest_share(inst, draft, s, home, i, dst):
            continue
        out.append(i)
    return out


# --- 6: the values the model's variables take ------------------------------------------------


def _keeps_largest_share(inst: Instance, draft: _Draft, s: str, home: int, i: int, dst: int) -> bool:
    """Whether the section continuing today's ``s`` still holds as large a share of its work as
    any section of its kind once duty i moved to ``dst``. Every section counts, not only the
    two the duty moves between: a duty leaving the home can let a third section overtake it."""
    kind = inst.slots[home].kind
    after: dict[int, int] = defaultdict(int)
    for j in inst.duties_of_today[s]:
        k = dst if j == i else draft.slot_of_duty[j]
        if inst.slots[k].kind is kind:
            after[k] += inst.work[j]
    return after[home] >= max(after.values(), default=0)


def _as_values(inst: Instance, draft: _Draft) -> dict:
    h = _empty(inst)
    for i, k in enumerate(draft.slot_of_duty):
        h["x"][i][k] = 1
    for c in inst.classes:
        h["n"][c.index] = list(draft.people[c.index])
    for s, k in draft.succ.items():
        h["succ"][s][k] = 1
    used = draft.used()
    for k in used:
        h["active"][k] = 1
    _deputy_posts(inst, draft, h, used)
    return h


def _deputy_posts(inst: Instance, draft: _Draft, h: dict, used: list[int]) -> None:
    r, dept = inst.rules, inst.dept
    for s in inst.slots:
        if s.pinned and s.index in used:
            h["deputy_posts"][s.index] = dept.section(s.pinned).deputy_posts
    free = [k for k in used if not inst.slots[k].pinned]
    fixed_posts = sum(h["deputy_posts"])
    if r.keep_leadership_posts:
        spare = dept.leadership_posts - len(used) - fixed_posts
    else:
        spare = dept.deputy_posts - fixed_posts
    room = {
        k: max(0, min(r.max_deputies_per_section, (draft.heads(k) - 1) // max(1, r.people_per_deputy_post)))
        for k in free
    }

    def leaders(k: int) -> int:  # deputies there, and chiefs beyond the one who heads it
        dep = sum(draft.people[c.index][k] for c in inst.classes if c.rank is Rank.DEPUTY)
        return dep + max(0, draft.chiefs(k) - 1)

    for k in sorted(free, key=lambda k: (-leaders(k), -draft.heads(k), k)):
        give = min(spare, room[k], leaders(k))
        h["deputy_posts"][k] += give
        spare -= give
    while spare > 0:  # the rest spread over the largest sections
        open_ = [k for k in free if h["deputy_posts"][k] < room[k]]
        if not open_:
            break
        k = max(open_, key=lambda k: (draft.heads(k) - h["deputy_posts"][k], -k))
        h["deputy_posts"][k] += 1
        spare -= 1


def from_plan(inst: Instance, plan: Plan) -> dict:
    """A previous plan mapped onto slots of the same kind, in order."""
    if inst.layout is Layout.LABELLED:
        anonymous = inst.anonymous()
        return relabel(inst, anonymous, from_plan(anonymous, plan))
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


def relabel(inst: Instance, source: Instance, values: dict) -> dict:
    """A plan given on ``source``'s slots, on ``inst``'s labelled slots: each basic section goes
    to the slot labelled by the first of today's sections it continues (else to the next slot
    without a label), each dynamic section to the slot of its key task. The plan is the same;
    only where it is written changes."""
    h = _empty(inst)
    spare = {
        kind: [s.index for s in inst.slots if s.kind is kind and not s.label and not s.task]
        for kind in SectionKind
    }
    by_label = {s.label: s.index for s in inst.slots if s.label}
    by_task = {s.task: s.index for s in inst.slots if s.task}
    taken: set[int] = set()
    for k in range(source.n_slots):
        if not values["active"][k]:
            continue
        kind = source.slots[k].kind
        continued = [s for s in inst.today if values["succ"][s][k]]
        tasks = sorted(
            {d.key_task for d, row in zip(source.duties, values["x"], strict=True) if row[k] and d.key_task}
        )
        if kind is SectionKind.BASIC and continued and continued[0] in by_label:
            target = by_label[continued[0]]
        elif kind is SectionKind.DYNAMIC and tasks and by_task.get(tasks[0]) not in (None, *taken):
            target = by_task[tasks[0]]
        else:
            free = [j for j in spare[kind] if j not in taken]
            free += [j for j in by_task.values() if kind is SectionKind.DYNAMIC and j not in taken]
            if not free:
                continue  # nowhere to write it: the hint is incomplete and the solve repairs it
            target = free[0]
        taken.add(target)
        h["active"][target] = 1
        h["deputy_posts"][target] = values["deputy_posts"][k]
        for s in inst.today:
            h["succ"][s][target] = values["succ"][s][k]
        for i, row in enumerate(values["x"]):
            h["x"][i][target] = row[k]
        for c, row in enumerate(values["n"]):
            h["n"][c][target] = row[k]
    return h
