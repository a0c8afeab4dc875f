"""Who leads a merged section, where the objective cannot tell.

A section that continues 办公室, 财务科 and 人事科 takes their three chiefs and has one chief post,
so two of them lead elsewhere (a 专班, a section short of a chief) or become deputies. Whichever
chief goes, the plan often has the same moves, post changes and skills, and the solver picks one
at random: in the generated city's batch (seed 0) 16 support sections were led by the 人事科 or
财务科 chief while the 办公室 chief, whose section brought most of the work, led a 专班. A planner
reads that as a demotion of the office director for no reason.

After the solve, a section that continues the section of today bringing it the most work, and is
led by a chief from elsewhere while that section's own chief leads or serves in another section,
swaps the two chiefs. The swap is kept only when the model scores the plan no worse (``evaluate``):
every rule and every soft term stays the model's own. Each try is a quick solve with every decision
fixed (0.05-0.4 s from department scale to 1000/500), so a solve makes at most ``MAX_TRIES``.
Same batch: the same objectives, and such sections 21 -> 11 (support sections 16 -> 8); each of
those left would cost 1-2 points (a skill missing, balance) or break a rule.
"""

from __future__ import annotations

from collections import defaultdict

from restructure.domain import Rank
from restructure.model.build import BuiltModel
from restructure.model.solve import evaluate

MAX_TRIES = 12


def lead_from_main_section(bm: BuiltModel, values: dict) -> tuple[dict, list[int] | None]:
    """``values`` (a plan of ``bm`` with its ``objective``) with chiefs swapped as above, and the
    value of every model variable when anything changed (None when nothing did)."""
    inst = bm.vars.inst
    every, settled, tries = None, set(), 0
    while tries < MAX_TRIES and (found := _next_swap(inst, values, settled)) is not None:
        k, swaps = found
        settled.add(k)  # swapped, or no swap keeps the score: either way this section is done
        scored = None
        for j, main, other in swaps[: MAX_TRIES - tries]:
            tries += 1
            n = [list(row) for row in values["n"]]
            n[main][k] += 1
            n[main][j] -= 1
            n[other][k] -= 1
            n[other][j] += 1
            scored = evaluate(bm, {**values, "n": n})
            if scored is not None and scored[0]["objective"] <= values["objective"] + 1e-9:
                break
            scored = None
        if scored is not None:
            values, every = scored
    return values, every


def _next_swap(inst, values: dict, settled: set[int]) -> tuple[int, list[tuple[int, int, int]]] | None:
    """The first section not in ``settled`` led by the wrong chief, and the swaps that would
    settle it: (the slot the main section's chief is in, that chief's class, the leading chief's
    class); None when there is no such section."""
    active = [k for k, on in enumerate(values["active"]) if on]
    for k in active:
        if k in settled:
            continue
        brought: dict[str, float] = defaultdict(float)
        for i, row in enumerate(values["x"]):
            duty = inst.duties[i]
            if row[k] and duty.current_section:
                brought[duty.current_section] += duty.workload_fte  # in FTE, as _fill_posts counts
        continued = {s for s, row in values["succ"].items() if row[k]}
        if len(brought) < 2:
            continue
        main = max(sorted(brought), key=lambda s: brought[s])
        if main not in continued:
            continue  # a section new in its main work: nobody's chief has a claim to it
        chiefs = [c for c in inst.classes if c.rank is Rank.CHIEF and values["n"][c.index][k] > 0]
        if not chiefs:
            continue
        # as ``extract._fill_posts`` picks the chief: one who stays, then by the work brought
        leader = min(
            chiefs,
            key=lambda c: (c.current_section not in continued, -brought.get(c.current_section or "", 0.0)),
        )
        if leader.current_section == main or not leader.movable:
            continue
        if brought.get(leader.current_section or "", 0.0) >= brought[main]:
            continue  # a tie: the section of today that brings as much keeps its chief
        swaps = [
            (j, c.index, leader.index)
            for c in inst.classes
            if c.rank is Rank.CHIEF and c.current_section == main and c.movable
            for j in active
            if j != k and values["n"][c.index][j] > 0
        ]
        if swaps:
            return k, swaps
    return None
