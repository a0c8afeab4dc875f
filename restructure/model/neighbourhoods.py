"""Large-neighbourhood search over whole sections: free a few related sections, keep the rest.

Why: CP-SAT's own neighbourhoods free random or constraint-linked variables. Here the moves
that improve a plan are regroupings among a handful of sections: a business line changes
hands, or people follow duties between two sections. On the generated 1000/500 department,
30 s of this took a plan from 398 to 379 points. CP-SAT's LNS took the same plan from 393
to 392 in the same 30 s.

A neighbourhood is an anchor section plus the sections that share business lines or today's
sections with it. Only duties already in those sections may move, and only among them. People,
successors and posts of the other sections stay fixed. Each neighbourhood is one small CP-SAT
solve of the full model with the rest fixed, so every rule and every soft term is the model's
own. A move is taken only if it is strictly better. The neighbourhood grows after a proven
sub-solve and shrinks after a timed-out one.

Freeing open sections alone can only keep or deepen today's merges. So once the search stalls,
a neighbourhood also frees the closed sections of today whose duties it holds: 市场监管局 9+X's
optimum keeps 登记注册科 open where a plan that merged 政策法规科 into it is stuck one point above.
From then on a non-business anchor is also related to the sections holding support or policy
work: 综合保障科 and 登记注册和政策法规科 share no line, yet that move is between the two.

Lines the planner named akin (``related_groups``) share no group, so no anchor relates them,
and joining two of them needs a slot that only undoing another merge frees. So in a quarter of
the tries, while such a set is split, a neighbourhood frees two sections holding it, one merged
section with its closed sections of today, and the dynamic sections, whose people then
rearrange too (``line_neighbourhood``). 自然资源局 9+X at 10 s, seeds 0-3: 58 / 57 / 55 / 57 ->
its optimum 54 in all four (the 10 s plan kept 用途管制 and 耕地保护 apart and merged 生态修复
into 矿产资源 instead). Half the tries and all the sections holding the set also found 54, but
cost the reproducible city batch 137 points: there 10 deterministic units leave few tries, and a
neighbourhood of 9-12 sections took a whole unit. This way the batch is level (2,880 -> 2,878).
"""

from __future__ import annotations

import random
import time
from collections import Counter
from dataclasses import dataclass

from ortools.sat.python import cp_model

from restructure.check import RELATED_PREFIX
from restructure.domain import NONBUSINESS_FUNCTIONS, SectionKind, SolverSettings
from restructure.model.build import BuiltModel
from restructure.model.rules.skills import groups
from restructure.model.variables import POINTS

MIN_SIZE, MAX_SIZE = 2, 5
LINE_SHARE = 0.25  # of the tries, while a set of akin lines is split (see line_neighbourhood)
SUB_LIMIT_S = 1.0  # per neighbourhood; deterministic time in reproducible mode
MIN_TRY_COST = 0.02  # deterministic time counted for a try at least


@dataclass
class Improved:
    """The best plan after the section neighbourhoods, in the model's values."""

    values: dict  # x, n, succ, deputy_posts, active, terms, objective (the model is hinted with it)
    tries: int
    improvements: int
    seconds: float


def neighbourhood(
    values: dict, anchor: int, size: int, inst, rng: random.Random, *, nonbusiness_too: bool = False
) -> set[int]:
    """The anchor and up to ``size - 1`` sections most related to it, with some chance.

    With ``nonbusiness_too``, a non-business anchor (mostly support or policy work) is also
    related to wherever such work sits: 政策法规 merged into a business section may belong
    with 综合保障 instead, though the two share no line and no section of today."""
    slot_of = [row.index(1) for row in values["x"]]
    mine = [i for i, k in enumerate(slot_of) if k == anchor]
    groups = {inst.duties[i].group for i in mine if inst.duties[i].group}
    today = {inst.duties[i].current_section for i in mine}
    own_nonbusiness = sum(inst.work[i] for i in mine if inst.duties[i].function in NONBUSINESS_FUNCTIONS)
    nonbusiness = nonbusiness_too and 2 * own_nonbusiness > sum(inst.work[i] for i in mine)
    affinity: Counter = Counter()
    for i, k in enumerate(slot_of):
        d = inst.duties[i]
        if k != anchor and (
            d.group in groups
            or d.current_section in today
            or (nonbusiness and d.function in NONBUSINESS_FUNCTIONS)
        ):
            affinity[k] += 1
    ranked = [k for k, _ in sorted(affinity.items(), key=lambda kv: (-kv[1], kv[0]))][: 2 * (size - 1)]
    rng.shuffle(ranked)
    chosen = {anchor, *ranked[: size - 1]}
    active = [k for k, on in enumerate(values["active"]) if on and k not in chosen]
    while len(chosen) < size and active:
        chosen.add(active.pop(rng.randrange(len(active))))
    return chosen


def split_akin_lines(values: dict, lines: dict[str, list[int]]) -> list[list[int]]:
    """Per set of akin lines held by two or more sections, those sections' slots."""
    slot_of = [row.index(1) for row in values["x"]]
    held = (sorted({slot_of[i] for i in duties}) for _, duties in sorted(lines.items()))
    return [slots for slots in held if len(slots) >= 2]


def line_neighbourhood(values: dict, split: list[int], inst, rng: random.Random) -> set[int]:
    """Two of the sections holding a split set of akin lines (``split``), one merged section to
    undo, the closed sections of today they hold, and the dynamic sections (their people too)."""
    free = set(rng.sample(split, 2))
    merged = [
        k
        for k, on in enumerate(values["active"])
        if on and k not in free and sum(row[k] for row in values["succ"].values()) >= 2
    ]
    if merged:
        free.add(rng.choice(merged))
    free |= closed_slots(values, free, inst)
    return free | {k for k in inst.slots_of(SectionKind.DYNAMIC) if values["active"][k]}


def closed_slots(values: dict, free: set[int], inst) -> set[int]:
    """The closed labelled slots whose section of today has duties in the ``free`` sections:
    freeing them too lets a neighbourhood undo a merge (reopen today's section and regroup)."""
    today = {d.current_section for i, d in enumerate(inst.duties) if values["x"][i].index(1) in free}
    return {
        s.index
        for s in inst.slots
        if s.label is not None and s.label in today and s.pinned is None and not values["active"][s.index]
    }


def _fixed_outside(bm: BuiltModel, values: dict, free: set[int]) -> cp_model.CpModel:
    """A copy of the model with every decision outside the ``free`` sections fixed."""
    m = bm.model.clone()
    v = bm.vars
    K = range(len(values["active"]))

    domains = m.proto.variables

    def fix(var, value: int) -> None:
        # the variable's domain, not a constraint per variable: presolve has thousands fewer
        # rows to read. A value outside a one-interval domain (never seen) gets the constraint,
        # which makes the copy infeasible rather than quietly widening what the model allows.
        domain = domains[var.index].domain
        if len(domain) == 2 and domain[0] <= value <= domain[1]:
            domain[0] = domain[1] = value
        else:
            m.add(m.get_int_var_from_proto_index(var.index) == value)

    for i, row in enumerate(v.x):
        home = values["x"][i].index(1)
        for k in K:
            if home not in free or k not in free:
                fix(row[k], values["x"][i][k])
    for c, row in enumerate(v.n):
        for k in K:
            if k not in free:
                fix(row[k], values["n"][c][k])
    for s, row in v.succ.items():
        for k in K:
            if k not in free:
                fix(row[k], values["succ"][s][k])
    for k in K:
        if k not in free:
            fix(v.deputy_posts[k], values["deputy_posts"][k])
            fix(v.active[k], values["active"][k])
    return m


def improve(
    bm: BuiltModel,
    settings: SolverSettings,
    best: dict,
    *,
    time_limit_s: float,
    stop=None,
    on_improve=None,
    stalled_after_s: float | None = None,
    reopen: bool = True,
) -> Improved:
    """Section neighbourhoods from ``best`` (a plan of this model) for ``time_limit_s``; with
    ``stalled_after_s``, they end sooner once they have found nothing better for
    ``stalled_after_s / 2`` and at least ``stalled_after_s`` has passed.

    Once they stall (nothing better for a round of tries, or as above), and if ``reopen``, each
    neighbourhood also frees the closed sections of today whose duties it holds; with
    ``stalled_after_s`` they end at the next stall.

    In reproducible mode the budget, and each sub-solve, is CP-SAT deterministic time with one
    worker, and the neighbourhoods come from ``settings.seed``: same inputs, same plan."""
    rng = random.Random(settings.seed)
    inst = bm.vars.inst
    started = time.perf_counter()
    spent = 0.0  # wall seconds, or deterministic time in reproducible mode
    last_better = 0.0  # when the last better plan came, in the same units
    size, tries, improvements = 3, 0, 0
    last_better_try = 0
    # after a stall, neighbourhoods may reopen closed sections of today (labelled layout only)
    can_reopen = reopen and any(s.label is not None for s in inst.slots)
    reopening = False
    # sets of akin lines, in the labelled layout (slots continue today's sections there)
    akin = {g: d for g, d in groups(inst).items() if g.startswith(RELATED_PREFIX)} if can_reopen else {}
    while spent < time_limit_s and not (stop is not None and stop.is_set()):
        active = [k for k, on in enumerate(best["active"]) if on]
        if len(active) < 2:
            break
        # a round of tries: each open section has been the anchor about twice
        stalled_by_tries = tries - last_better_try >= max(6, 2 * len(active))
        stalled_by_time = (
            stalled_after_s is not None
            and spent >= stalled_after_s
            and spent - last_better >= stalled_after_s / 2
        )
        if can_reopen and not reopening and (stalled_by_tries or stalled_by_time):
            reopening, last_better, last_better_try = True, spent, tries
        elif stalled_by_time:
            break
        limit = min(SUB_LIMIT_S, time_limit_s - spent)
        if limit < 0.05:
            break
        tries += 1
        split = split_akin_lines(best, akin) if akin else []
        if split and rng.random() < LINE_SHARE:
            free = line_neighbourhood(best, rng.choice(split), inst, rng)
        else:
            free = neighbourhood(
                best, rng.choice(active), min(size, len(active)), inst, rng, nonbusiness_too=reopening
            )
            if reopening:
                free |= closed_slots(best, free, inst)
        m = _fixed_outside(bm, best, free)  # the copy carries the model's hint: the best plan
        solver = cp_model.CpSolver()
        p = solver.parameters
        p.random_seed = settings.seed + tries
        if settings.deterministic:
            p.num_workers = 1
            p.max_deterministic_time = limit
            p.max_time_in_seconds = max(10.0, 20 * limit)  # a safety net, never the normal stop
        else:
            p.num_workers = max(1, settings.workers)
            p.max_time_in_seconds = limit
        if stop is not None:
            stop.attach(solver)
        try:
            code = solver.solve(m)
        finally:
            if stop is not None:
                stop.detach(solver)
        # on the clock, copying and fixing the model counts too: the phase keeps to its budget
        if settings.deterministic:
            # a floor per try: sub-solves that presolve settles in no time still cost the copy
            spent += max(MIN_TRY_COST, solver.response_proto.deterministic_time)
        else:
            spent = time.perf_counter() - started
        if code == cp_model.OPTIMAL:
            size = min(MAX_SIZE, size + 1)
        elif code == cp_model.FEASIBLE or code == cp_model.UNKNOWN:
            size = max(MIN_SIZE, size - 1)
        if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            objective = solver.objective_value / POINTS
            if objective < best["objective"] - 1e-9:
                # the copy has the model's variables at the same indices: read them directly
                best = {**bm.values(solver.value), "objective": objective}
                bm.hint_solution(list(solver.response_proto.solution))
                improvements += 1
                last_better, last_better_try = spent, tries
                if on_improve is not None:
                    on_improve(objective)
    return Improved(best, tries, improvements, time.perf_counter() - started)
