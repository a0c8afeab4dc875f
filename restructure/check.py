"""The solver-independent validator: every hard rule and every KPI, recomputed from the data.

This module imports nothing from ``restructure.model``: it is the tests' oracle and runs on
every plan ``solve`` writes. It works on any layout of sections, so today's structure gets
the same KPIs (``baseline``) as a proposal.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from fractions import Fraction

from restructure.domain import (
    FUNCTION_ORDER,
    NONBUSINESS_FUNCTIONS,
    Department,
    Finding,
    Function,
    Plan,
    PlanSection,
    Rank,
    Scenario,
    SectionKind,
    exact,
    fte_scale,
    robust_workload,
    weights_dict,
)
from restructure.terms import (
    FUNCTION_ZH,
    deputy_cap,
    deputy_span,
    item_label,
    item_labels,
    percent,
    percents,
)

RATIO_EPS = 1e-6  # float noise allowed when a ratio is compared with its bound
BINDING_REL = 0.01  # within 1 % of a limit counts as binding
RELATED_PREFIX = "related:"  # cohesion's name of a set of akin lines (``cohesion_groups``)
# functions whose duties without a business line still form one line for cohesion
FUNCTION_LINES = frozenset({Function.SUPPORT, Function.POLICY})


@dataclass(frozen=True)
class CheckReport:
    findings: tuple[Finding, ...]  # one per rule instance: met, binding or violated
    kpis: Mapping[str, float]
    terms: Mapping[str, float]  # soft goals in natural units (FTE, moves, ...)
    kpi_mismatches: tuple[str, ...] = ()

    @property
    def violations(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.status == "violated")

    @property
    def binding(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.status == "binding")

    @property
    def ok(self) -> bool:
        return not self.violations and not self.kpi_mismatches


# ---------------------------------------------------------------------------------------
# Today's structure as a layout
# ---------------------------------------------------------------------------------------


def today_sections(dept: Department) -> tuple[PlanSection, ...]:
    """Today's sections in the same shape as a plan's, for baseline KPIs and comparisons."""
    duties = defaultdict(list)
    for d in dept.duties:
        if d.current_section:
            duties[d.current_section].append(d)
    staff = defaultdict(list)
    for p in dept.staff:
        if p.current_section:
            staff[p.current_section].append(p)
    out = []
    for s in dept.sections:
        ppl = staff[s.id]
        chiefs = [p.id for p in ppl if p.rank is Rank.CHIEF]
        out.append(
            PlanSection(
                id=s.id,
                name=s.name,
                kind=s.kind,
                duties=tuple(d.id for d in duties[s.id]),
                staff=tuple(p.id for p in ppl),
                chief=chiefs[0] if chiefs and s.chief_posts else None,
                deputies=tuple(p.id for p in ppl if p.rank is Rank.DEPUTY)[: s.deputy_posts],
                chief_posts=s.chief_posts,
                deputy_posts=s.deputy_posts,
                workload_fte=round(sum(d.workload_fte for d in duties[s.id]), 6),
                capacity_fte=round(sum(p.capacity_fte for p in ppl), 6),
                successor_of=(s.id,),
                main_function=main_function(dept, [d.id for d in duties[s.id]]),
            )
        )
    return tuple(out)


def main_function(dept: Department, duty_ids: Iterable[str]) -> Function | None:
    """The function with the largest share of the workload; ties go to the earlier function."""
    load: dict[Function, float] = defaultdict(float)
    for did in duty_ids:
        d = dept.duty(did)
        load[d.function] += d.workload_fte
    if not load:
        return None
    best = max(load.values())
    return next(f for f in FUNCTION_ORDER if f in load and math.isclose(load[f], best, abs_tol=1e-9))


# ---------------------------------------------------------------------------------------
# KPIs
# ---------------------------------------------------------------------------------------


def compute_kpis(dept: Department, sections: Iterable[PlanSection]) -> dict[str, float]:
    secs = list(sections)
    total_w = sum(d.workload_fte for d in dept.duties)
    total_c = sum(p.capacity_fte for p in dept.staff)
    avg = total_w / total_c if total_c else 0.0
    ratios = []
    for s in secs:
        w = sum(dept.duty(d).workload_fte for d in s.duties)
        c = sum(dept.person(p).capacity_fte for p in s.staff)
        if c > 0 and avg > 0:
            ratios.append((w / c) / avg)
    mains = {s.id: main_function(dept, s.duties) for s in secs}
    nonbiz = [s for s in secs if mains[s.id] in NONBUSINESS_FUNCTIONS]
    biz_cap = sum(dept.person(p).capacity_fte for s in secs if s not in nonbiz for p in s.staff)
    continued = {s.id: set(s.successor_of) for s in secs}
    duties_moved = sum(
        1
        for s in secs
        for did in s.duties
        if dept.duty(did).current_section and dept.duty(did).current_section not in continued[s.id]
    )
    staff_moved = sum(
        1
        for s in secs
        for pid in s.staff
        if dept.person(pid).current_section and dept.person(pid).current_section not in continued[s.id]
    )
    sec_of = {did: s.id for s in secs for did in s.duties}
    group_secs: dict[str, set[str]] = defaultdict(set)
    for d in dept.duties:
        if d.group and d.id in sec_of:
            group_secs[d.group].add(sec_of[d.id])
    chiefs = {p.id for p in dept.staff if p.rank is Rank.CHIEF}
    deputies = {p.id for p in dept.staff if p.rank is Rank.DEPUTY}
    in_chief_post = {s.chief for s in secs if s.chief}
    in_deputy_post = {p for s in secs for p in s.deputies}
    post_changes = len(chiefs - in_chief_post) + len(deputies - in_deputy_post)
    return {
        "sections_basic": sum(1 for s in secs if s.kind is SectionKind.BASIC),
        "sections_dynamic": sum(1 for s in secs if s.kind is SectionKind.DYNAMIC),
        "chief_posts": sum(s.chief_posts for s in secs),
        "deputy_posts": sum(s.deputy_posts for s in secs),
        "max_load_ratio": round(max(ratios), 4) if ratios else 0.0,
        "min_load_ratio": round(min(ratios), 4) if ratios else 0.0,
        "stage_conflicts": stage_conflicts(dept, secs),
        "duties_moved": duties_moved,
        "staff_moved": staff_moved,
        "business_staff_share": round(biz_cap / total_c, 4) if total_c else 0.0,
        "nonbusiness_section_share": round(len(nonbiz) / len(secs), 4) if secs else 0.0,
        "groups_split": sum(1 for g in group_secs.values() if len(g) > 1),
        "post_changes": post_changes,
        "vacant_chief_posts": sum(1 for s in secs if s.chief_posts and not s.chief),
        "vacant_deputy_posts": sum(max(0, s.deputy_posts - len(s.deputies)) for s in secs),
        "skill_gaps": skill_gaps(dept, secs),
    }


def stage_conflicts(dept: Department, secs: Iterable[PlanSection]) -> int:
    """Pairs of duties of one chain, different stages, in one section."""
    n = 0
    for s in secs:
        by_chain: dict[str, Counter] = defaultdict(Counter)
        for did in s.duties:
            d = dept.duty(did)
            if d.chain and d.stage:
                by_chain[d.chain][d.stage] += 1
        for stages in by_chain.values():
            counts = list(stages.values())
            total = sum(counts)
            n += (total * total - sum(c * c for c in counts)) // 2
    return n


def skill_gaps(dept: Department, secs: Iterable[PlanSection]) -> int:
    """(section, skill) pairs where a duty needs a skill nobody in the section has, counting
    only skills someone in the department has (otherwise no plan could help)."""
    available = {s for p in dept.staff for s in p.skills}
    n = 0
    for s in secs:
        need = {sk for did in s.duties for sk in dept.duty(did).skills} & available
        have = {sk for pid in s.staff for sk in dept.person(pid).skills}
        n += len(need - have)
    return n


def cohesion_groups(
    dept: Department, related: Iterable[Iterable[str]] = (), concentrated: Iterable[str] = ()
) -> dict[str, tuple[str, ...]]:
    """What cohesion keeps together, name -> duty ids: each business line (a key-task duty
    without one counts with its key task; a support or policy duty without one, with the other
    duties of its function), then each set of related lines the planner named, as one more
    group. The model and the checker both count from this one list.

    Support and policy work without a line is still one body of work (综合保障, 政策法规). Left
    out, it was free filler for balance: in the city batch 10 of 165 policy duties moved into
    business sections, e.g. 财政局's 规范性文件合法性审查 into 预算管理科.

    Duties of a ``concentrated`` function (``rules.single_section``) are left out when the rule
    gathers two or more: 集中许可 takes a line's licences to the licensing section by design, and
    counting that as a split made the licensing section swallow whole lines to avoid it
    (市场监管局 集中许可: 26 other duties beside its 10 licences)."""
    of_function = Counter(d.function.value for d in dept.duties)
    away = {f for f in concentrated if of_function[f] >= 2}
    out: dict[str, list[str]] = defaultdict(list)
    for d in dept.duties:
        g = d.group or (f"key_task:{d.key_task}" if d.key_task else None)
        if g is None and d.function in FUNCTION_LINES:
            g = f"function:{d.function.value}"
        if g and d.function.value not in away:
            out[g].append(d.id)
    lines = {g: tuple(ids) for g, ids in out.items()}
    for names in related:
        names = tuple(dict.fromkeys(names))
        lines[f"{RELATED_PREFIX}{'+'.join(names)}"] = tuple(d for g in names for d in lines.get(g, ()))
    return {g: ids for g, ids in lines.items() if len(ids) >= 2}


def soft_terms(
    dept: Department, secs: Iterable[PlanSection], scenario: Scenario | None = None
) -> dict[str, float]:
    """Soft goals in natural units, exactly (the solver rounds balance up to 0.1 FTE).

    balance: FTE by which sections lie outside the inner band ± balance_band around the average
    workload per FTE (the band is the scenario's; without a scenario every deviation counts)."""
    secs = list(secs)
    total_w = sum(d.workload_fte for d in dept.duties)
    total_c = sum(p.capacity_fte for p in dept.staff)
    band = scenario.objective.balance_band if scenario is not None else 0.0
    balance = 0.0
    for s in secs:
        w = sum(dept.duty(d).workload_fte for d in s.duties)
        c = sum(dept.person(p).capacity_fte for p in s.staff)
        if total_c:
            even = c * total_w / total_c
            balance += max(0.0, abs(w - even) - band * even)
    k = compute_kpis(dept, secs)
    sec_of = {did: s.id for s in secs for did in s.duties}
    related = scenario.objective.related_groups if scenario is not None else ()
    concentrated = scenario.rules.single_section if scenario is not None else ()
    groups = cohesion_groups(dept, related, concentrated)
    held = [{sec_of[d] for d in duties if d in sec_of} for duties in groups.values()]
    return {
        "balance": round(balance, 4),
        "cohesion": sum(len(v) - 1 for v in held if v),
        "disruption": k["duties_moved"] + k["staff_moved"],
        "skills": k["skill_gaps"],
        "posts": k["post_changes"] + k["vacant_chief_posts"] + k["vacant_deputy_posts"],
        "structure": max(0, section_target(scenario) - len(secs)) if scenario is not None else 0,
        "span": span_excess(scenario, secs) if scenario is not None else 0,
        "key_tasks": key_task_duties_outside(scenario, secs) if scenario is not None else 0,
    }


def balance_counted(dept: Department, secs: Iterable[PlanSection], scenario: Scenario) -> float:
    """The balance term as the objective counts it, in FTE: each section's excess over the inner
    band rounded up to a step of 0.1 FTE (1 FTE when every figure is whole), on workloads and
    capacities in the department's FTE scale, as the model multiplies them out (a duty of no
    workload counts one unit). ``soft_terms`` gives the exact FTE beside it; the objective and
    its breakdown use this one, so that they add up."""
    scale = fte_scale(dept)
    work = {d.id: max(1, round(d.workload_fte * scale)) for d in dept.duties}
    cap = {p.id: round(p.capacity_fte * scale) for p in dept.staff}
    total_w, total_c = sum(work.values()), sum(cap.values())
    if total_c == 0:
        return 0.0
    band = exact(scenario.objective.balance_band)
    q, b = band.numerator, band.denominator
    unit = total_c * scale // 10 if scale >= 10 else total_c
    steps = 0
    for s in secs:
        load = sum(work[d] for d in s.duties if d in work)
        held = sum(cap[p] for p in s.staff if p in cap)
        excess = max(
            0, b * total_c * load - (b + q) * total_w * held, (b - q) * total_w * held - b * total_c * load
        )
        steps += -(-excess // (b * unit))
    return steps * balance_step(dept)


def balance_step(dept: Department) -> float:
    """The step in which the objective counts balance: 0.1 FTE, or 1 FTE when every workload and
    capacity is a whole number (the model's FTE scale is then 1)."""
    return 0.1 if fte_scale(dept) >= 10 else 1.0


def term_points(
    scenario: Scenario, secs: Iterable[PlanSection], units: Mapping[str, float]
) -> dict[str, float]:
    """Each soft goal's share of the objective, in points: its weight per unit (counted to 0.01
    points, as the solver's integer objective does) times its amount, balance as counted."""
    weights = weights_dict(scenario.objective)
    out = {}
    for name, amount in units.items():
        if name == "balance":
            step = balance_step(scenario.department)
            steps = round(balance_counted(scenario.department, secs, scenario) / step)
            out[name] = round(weights[name] * 100 * step) * steps / 100
        else:
            out[name] = round(weights[name] * 100) * amount / 100
    return out


def live_key_tasks(scenario: Scenario) -> set[str]:
    r = scenario.rules
    return {
        kt.id
        for kt in scenario.department.key_tasks
        if r.plan_month is None or kt.end is None or kt.end >= r.plan_month
    }


def section_target(scenario: Scenario) -> int:
    """How many sections a planner would expect: the caps, today's count after the merges the
    rules ask for, the chief posts and enough people for each, whichever is smallest. Fewer is a
    degenerate merge."""
    r, dept = scenario.rules, scenario.department
    today_basic = sum(1 for s in dept.sections if s.kind is SectionKind.BASIC)
    target = min(r.max_basic_sections, max(today_basic - required_merges(scenario), 1))
    if r.dynamic_for_key_tasks_only:
        target += min(r.max_dynamic_sections, len(live_key_tasks(scenario)))
    if r.keep_section_count:
        target = len(dept.sections)
    if r.keep_leadership_posts:
        target = min(target, dept.chief_posts)
    return max(1, min(target, len(dept.staff) // max(1, r.min_section_staff), len(dept.duties)))


def unrelated_merges(
    scenario: Scenario, secs: Iterable[PlanSection]
) -> list[tuple[PlanSection, tuple[tuple[str, ...], ...]]]:
    """New sections that continue business sections of today whose lines are neither one line
    nor named akin (``objective.related_groups``), with those lines in today's order, akin
    ones together: the merges the objective chose without knowing which lines are similar.

    A section of today runs the business line with most of its work. Support and policy
    sections count as one family of their own (综合保障, 政策法规: merged by rule, or to keep the
    non-business share), so a business line folded into one of them is listed too; sections of
    no line are left out."""
    dept = scenario.department
    line_of: dict[str, str] = {}
    nonbusiness: set[str] = set()
    for s in dept.sections:
        duties = [d for d in dept.duties if d.current_section == s.id]
        main = main_function(dept, [d.id for d in duties])
        if main in NONBUSINESS_FUNCTIONS:
            line_of[s.id] = FUNCTION_ZH[main]
            nonbusiness.add(line_of[s.id])
            continue
        work: dict[str, float] = defaultdict(float)
        for d in duties:
            if d.group and d.function is not Function.KEY_TASK:
                work[d.group] += d.workload_fte
        if work:
            line_of[s.id] = max(work, key=lambda g: (work[g], g))
    family = {g: "" if g in nonbusiness else g for g in line_of.values()}  # "": no line name
    for names in scenario.objective.related_groups:  # one family per akin set (sets may share lines)
        roots = {family.get(g, g) for g in names}
        head = min(roots)
        for g, root in list(family.items()):
            if root in roots:
                family[g] = head
        for g in names:
            family[g] = head
    out = []
    for sec in secs:
        lines = list(dict.fromkeys(line_of[s] for s in sec.successor_of if s in line_of))
        kin: dict[str, list[str]] = {}
        for g in lines:
            kin.setdefault(family[g], []).append(g)
        if len(kin) > 1:
            out.append((sec, tuple(tuple(v) for v in kin.values())))
    return out


def required_merges(scenario: Scenario) -> int:
    """Sections of today that the rules themselves merge away: each function gathered in one
    section (``single_section``: 办公室、财务科、人事科 become one 综合保障科) leaves one of the
    basic sections where it is at least a third of the work today. Why: a department of 8
    sections, 3 of them support, has 6 once they merge; expecting 8 split a business line into
    two narrow sections (产权管理一科 of 2 duties and 3 people), the 分工过细 the reform removes.
    The count only lowers what the plan must reach: more sections stay open to the weighted goals."""
    dept = scenario.department
    work: dict[str, Counter[Function]] = defaultdict(Counter)
    for d in dept.duties:
        if d.current_section:
            work[d.current_section][d.function] += exact(d.workload_fte)
    merges = 0
    for f in {Function(name) for name in scenario.rules.single_section}:
        # a third of a section's work is enough: an 办公室 doing legal work too still merges with
        # 财务科 and 人事科 in most plans, or the plan splits a line to make up for it
        holding = [
            s
            for s in dept.sections
            if s.kind is SectionKind.BASIC and 3 * work[s.id][f] >= sum(work[s.id].values()) > 0
        ]
        merges += max(0, len(holding) - 1)
    return merges


def span_ceiling(scenario: Scenario) -> int:
    """The most people a section holds before the ``span`` goal counts it too large: span_ratio
    times the average section (staff over ``section_target``), rounded up. Why: merging whole
    sections moves nobody, so nothing else stops a plan from folding six sections into one."""
    average = Fraction(len(scenario.department.staff), section_target(scenario))
    return math.ceil(exact(scenario.objective.span_ratio) * average)


def span_excess(scenario: Scenario, secs: Iterable[PlanSection]) -> int:
    """People beyond ``span_ceiling``, summed over sections (the ``span`` goal's amount)."""
    ceiling = span_ceiling(scenario)
    return sum(max(0, len(s.staff) - ceiling) for s in secs)


def key_task_duties_outside(scenario: Scenario, secs: Iterable[PlanSection]) -> int:
    """Duties of live key tasks that sit outside every dynamic section (the ``key_tasks`` goal's
    amount); 0 where the scenario allows no dynamic section, since nothing could be better."""
    if scenario.rules.max_dynamic_sections == 0:
        return 0
    in_dynamic = {d for s in secs if s.kind is SectionKind.DYNAMIC for d in s.duties}
    return sum(1 for d in live_key_task_duties(scenario) if d not in in_dynamic)


def live_key_task_duties(scenario: Scenario) -> tuple[str, ...]:
    """Ids of the duties of live key tasks, in the data's order: what dynamic sections are for."""
    live = live_key_tasks(scenario)
    return tuple(
        d.id for d in scenario.department.duties if d.function is Function.KEY_TASK and d.key_task in live
    )


# ---------------------------------------------------------------------------------------
# Rules
# ---------------------------------------------------------------------------------------


class _Findings:
    def __init__(self) -> None:
        self.items: list[Finding] = []

    def add(self, rule: str, instance: str, ok: bool, zh: str, en: str, *, binding: bool = False) -> None:
        status = "violated" if not ok else ("binding" if binding else "met")
        self.items.append(Finding(rule, instance, status, zh, en))


def known_sections(dept: Department, sections: Iterable[PlanSection]) -> list[PlanSection]:
    """The sections without the duty and person ids the department does not have (a plan.json
    edited by hand may name some): every count and rule can then still be worked out."""
    duty_ids = {d.id for d in dept.duties}
    staff_ids = {p.id for p in dept.staff}
    return [
        replace(
            s,
            duties=tuple(d for d in s.duties if d in duty_ids),
            staff=tuple(p for p in s.staff if p in staff_ids),
            chief=s.chief if s.chief in staff_ids else None,
            deputies=tuple(p for p in s.deputies if p in staff_ids),
        )
        for s in sections
    ]


def _plan_integrity(dept: Department, secs: list[PlanSection], out: _Findings) -> None:
    """What only a hand-edited plan can get wrong: unknown ids, a section code used twice, one
    person in two posts, a negative post count. A plan the solver writes never does, so these
    findings appear only when broken and do not fill the checks panel otherwise."""
    duty_ids = {d.id for d in dept.duties}
    staff_ids = {p.id for p in dept.staff}
    seen: set[str] = set()
    for s in secs:
        for did in s.duties:
            if did not in duty_ids and did not in seen:
                seen.add(did)
                out.add(
                    "known_ids",
                    did,
                    False,
                    f"方案列出的职责{did}（科室{s.id}）不在本部门的职责清单中",
                    f"plan names duty {did} (section {s.id}), which is not in the department's duties",
                )
        for pid in (*s.staff, *([s.chief] if s.chief else []), *s.deputies):
            if pid not in staff_ids and pid not in seen:
                seen.add(pid)
                out.add(
                    "known_ids",
                    pid,
                    False,
                    f"方案列出的人员{pid}（科室{s.id}）不在本部门的人员名册中",
                    f"plan names person {pid} (section {s.id}), which is not in the department's staff",
                )
    twice = sorted(sid for sid, n in Counter(s.id for s in secs).items() if n > 1)
    if twice:
        out.add(
            "unique_section_ids",
            "",
            False,
            f"科室代码须各不相同；重复：{'、'.join(twice)}",
            f"each section has its own code; used more than once: {', '.join(twice)}",
        )
    where: dict[str, list[str]] = defaultdict(list)  # person -> the sections they hold posts in
    for s in secs:
        for p in ((s.chief,) if s.chief else ()) + tuple(s.deputies):
            where[p].append(s.id)
    posts = {p: len(held) for p, held in where.items()}
    doubled = sorted(p for p, n in posts.items() if n > 1)
    if doubled:
        out.add(
            "one_post_per_person",
            "",
            False,
            "每人至多担任一个领导职务；问题："
            + "、".join(f"{p}担任{posts[p]}个职务（{'、'.join(where[p])}）" for p in doubled),
            "each person holds at most one leadership post; problems: "
            + ", ".join(f"{p} holds {posts[p]} posts ({', '.join(where[p])})" for p in doubled),
        )
    negative = [
        (s.id, label, n)
        for s in secs
        for label, n in (("chief", s.chief_posts), ("deputy", s.deputy_posts))
        if n < 0
    ]
    if negative:
        zh_label = {"chief": "正职", "deputy": "副职"}
        out.add(
            "post_counts",
            "",
            False,
            "职数须为非负整数；问题：" + "、".join(f"{sid}{zh_label[k]}{n}个" for sid, k, n in negative),
            "post counts must not be negative; problems: "
            + ", ".join(f"{sid} {k} posts {n}" for sid, k, n in negative),
        )


def check_sections(scenario: Scenario, sections: Iterable[PlanSection]) -> tuple[Finding, ...]:
    """Every hard rule of the scenario on a layout of sections."""
    dept, r, pins = scenario.department, scenario.rules, scenario.pins
    out = _Findings()
    _plan_integrity(dept, list(sections), out)
    secs = known_sections(dept, sections)
    duty_ids = {d.id for d in dept.duties}
    staff_ids = {p.id for p in dept.staff}
    today_ids = {s.id for s in dept.sections}

    # one owner per duty, one section per person (unknown ids are named above)
    dc = Counter(d for s in secs for d in s.duties)
    pc = Counter(p for s in secs for p in s.staff)
    bad_d = sorted(d for d in duty_ids if dc[d] != 1)
    bad_p = sorted(p for p in staff_ids if pc[p] != 1)
    out.add(
        "one_section_per_duty",
        "",
        not bad_d and not bad_p,
        "每项职责、每名人员恰在一个科室"
        + (f"；问题：{'、'.join((bad_d + bad_p)[:10])}" if bad_d or bad_p else ""),
        "every duty and every person in exactly one section"
        + (f"; problems: {', '.join((bad_d + bad_p)[:10])}" if bad_d or bad_p else ""),
    )
    succ = Counter(t for s in secs for t in s.successor_of)
    bad_succ = sorted(t for t, n in succ.items() if n > 1 or t not in today_ids)

    def share_of(sec: PlanSection, t: str) -> float:
        """How much of today's section t a plan section holds: its workload, else its people."""
        if any(d.current_section == t for d in dept.duties):
            return sum(dept.duty(x).workload_fte for x in sec.duties if dept.duty(x).current_section == t)
        return float(sum(1 for x in sec.staff if dept.person(x).current_section == t))

    for s in secs:
        for t in s.successor_of:
            if t not in today_ids:
                continue
            largest = max(share_of(other, t) for other in secs if other.kind is dept.section(t).kind)
            if dept.section(t).kind is not s.kind or share_of(s, t) < largest - 1e-9:
                bad_succ.append(f"{t}->{s.id}")
    out.add(
        "successors",
        "",
        not bad_succ,
        "每个现有科室至多由一个同类新科室延续，且该科室承接其工作量不少于其他任何同类科室"
        + (f"；问题：{'、'.join(bad_succ)}" if bad_succ else ""),
        "each of today's sections continued by at most one section of its kind, holding as much of its work as any section of that kind"
        + (f"; problems: {', '.join(bad_succ)}" if bad_succ else ""),
    )

    nb = sum(1 for s in secs if s.kind is SectionKind.BASIC)
    nd = sum(1 for s in secs if s.kind is SectionKind.DYNAMIC)
    out.add(
        "max_basic_sections",
        "",
        nb <= r.max_basic_sections,
        f"基本科室{nb}个（上限{r.max_basic_sections}）",
        f"{nb} basic sections (cap {r.max_basic_sections})",
        binding=nb == r.max_basic_sections,
    )
    out.add(
        "max_dynamic_sections",
        "",
        nd <= r.max_dynamic_sections,
        f"动态科室{nd}个（上限{r.max_dynamic_sections}）",
        f"{nd} dynamic sections (cap {r.max_dynamic_sections})",
        binding=nd == r.max_dynamic_sections and nd > 0,
    )
    if r.keep_section_count:
        out.add(
            "keep_section_count",
            "",
            len(secs) == len(dept.sections),
            f"科室{len(secs)}个，现有{len(dept.sections)}个",
            f"{len(secs)} sections, today {len(dept.sections)}",
            binding=True,
        )

    # leadership posts
    bad_chief = [s.id for s in secs if s.chief_posts != 1]
    out.add(
        "one_chief_post",
        "",
        not bad_chief,
        "每个科室1个正职" + (f"；问题：{'、'.join(bad_chief)}" if bad_chief else ""),
        "one chief post per section" + (f"; problems: {', '.join(bad_chief)}" if bad_chief else ""),
    )
    over = [s.id for s in secs if s.deputy_posts > r.max_deputies_per_section]
    out.add(
        "max_deputies_per_section",
        "",
        not over,
        deputy_cap(r.max_deputies_per_section)[0] + (f"；超出：{'、'.join(over)}" if over else ""),
        deputy_cap(r.max_deputies_per_section)[1] + (f"; over: {', '.join(over)}" if over else ""),
        binding=any(s.deputy_posts == r.max_deputies_per_section for s in secs),
    )
    span = r.people_per_deputy_post
    if span > 1:
        wide = [s.id for s in secs if span * s.deputy_posts > max(0, len(s.staff) - 1)]
        out.add(
            "people_per_deputy_post",
            "",
            not wide,
            deputy_span(span)[0] + (f"；超配：{'、'.join(wide)}" if wide else ""),
            deputy_span(span)[1] + (f"; too many deputy posts: {', '.join(wide)}" if wide else ""),
            binding=any(s.deputy_posts and span * (s.deputy_posts + 1) > len(s.staff) - 1 for s in secs),
        )
    posts = sum(s.chief_posts + s.deputy_posts for s in secs)
    chief_posts = sum(s.chief_posts for s in secs)
    crowded = [s.id for s in secs if s.deputy_posts > max(0, len(s.staff) - 1)]
    out.add(
        "posts_need_people",
        "",
        not crowded,
        "副职数不超过科室人数减1" + (f"；问题：{'、'.join(crowded)}" if crowded else ""),
        "deputy posts at most the section's headcount minus one"
        + (f"; problems: {', '.join(crowded)}" if crowded else ""),
    )
    if r.keep_leadership_posts:
        ok = posts == dept.leadership_posts and chief_posts <= dept.chief_posts
        out.add(
            "keep_leadership_posts",
            "",
            ok,
            f"领导职数{posts}个（现有{dept.leadership_posts}个），正职{chief_posts}个（现有{dept.chief_posts}个）",
            f"{posts} leadership posts (today {dept.leadership_posts}), {chief_posts} chief posts (today {dept.chief_posts})",
            binding=True,
        )
    else:
        dp = posts - chief_posts
        out.add(
            "leadership_posts_cap",
            "",
            dp <= dept.deputy_posts,
            f"副职职数{dp}个（现有{dept.deputy_posts}个）",
            f"{dp} deputy posts (today {dept.deputy_posts})",
            binding=dp == dept.deputy_posts,
        )
    bad_fill = []
    for s in secs:
        members = set(s.staff)
        if s.chief and (s.chief not in members or dept.person(s.chief).rank is not Rank.CHIEF):
            bad_fill.append(s.id)
        if len(s.deputies) > s.deputy_posts or any(
            p not in members or dept.person(p).rank is Rank.STAFF or p == s.chief for p in s.deputies
        ):
            bad_fill.append(s.id)
    out.add(
        "posts_filled_by_leaders",
        "",
        not bad_fill,
        "正职由现任科长担任，副职由现任副科长或科长担任"
        + (f"；问题：{'、'.join(bad_fill)}" if bad_fill else ""),
        "chief posts held by current chiefs, deputy posts by current deputies or chiefs"
        + (f"; problems: {', '.join(bad_fill)}" if bad_fill else ""),
    )

    # functions
    for fname in r.single_section:
        f = Function(fname)
        homes = {s.id for s in secs for did in s.duties if dept.duty(did).function is f}
        out.add(
            "single_section",
            f.value,
            len(homes) <= 1,
            f"{FUNCTION_ZH[f]}职责分布在{len(homes)}个科室",
            f"{f.value} duties in {len(homes)} section(s)",
            binding=len(homes) == 1,
        )
    if r.dynamic_for_key_tasks_only:
        live = live_key_tasks(scenario)
        bad = []
        served = Counter()
        for s in secs:
            if s.kind is not SectionKind.DYNAMIC:
                continue
            served.update({dept.duty(d).key_task for d in s.duties})
            ds = [dept.duty(d) for d in s.duties]
            tasks = {d.key_task for d in ds}
            if (
                any(d.function is not Function.KEY_TASK or d.key_task not in live for d in ds)
                or len(tasks) > 1
            ):
                bad.append(s.id)
        bad += sorted(f"{t}×{n}" for t, n in served.items() if t and n > 1)
        out.add(
            "dynamic_for_key_tasks_only",
            "",
            not bad,
            "动态科室只承担一项进行中的重点工作" + (f"；问题：{'、'.join(bad)}" if bad else ""),
            "each dynamic section holds duties of one live key task"
            + (f"; problems: {', '.join(bad)}" if bad else ""),
        )
    kp = compute_kpis(dept, secs)
    # shares are compared exactly with the value as typed, as the model does (domain.exact)
    if r.max_nonbusiness_section_share < 1 and secs:
        cap = exact(r.max_nonbusiness_section_share)
        n_nb = sum(1 for s in secs if main_function(dept, s.duties) in NONBUSINESS_FUNCTIONS)
        said, said_cap = percents(n_nb / len(secs), r.max_nonbusiness_section_share)
        out.add(
            "max_nonbusiness_section_share",
            "",
            n_nb <= cap * len(secs),
            f"非业务科室{n_nb}个（共{len(secs)}个），占{said}（上限{said_cap}）",
            f"non-business sections {n_nb} of {len(secs)}, {said} (cap {said_cap})",
            binding=n_nb + 1 > cap * len(secs),
        )
    if r.min_business_staff_share > 0:
        nonbiz = {s.id for s in secs if main_function(dept, s.duties) in NONBUSINESS_FUNCTIONS}
        total = sum(exact(p.capacity_fte) for p in dept.staff)
        biz = sum(exact(dept.person(p).capacity_fte) for s in secs if s.id not in nonbiz for p in s.staff)
        share = biz / total if total else Fraction(0)
        said, said_floor = percents(float(share), r.min_business_staff_share)
        out.add(
            "min_business_staff_share",
            "",
            share >= exact(r.min_business_staff_share),
            f"业务科室人员占{said}（下限{said_floor}）",
            f"business staff share {said} (floor {said_floor})",
            binding=share - exact(r.min_business_staff_share) < BINDING_REL,
        )

    # separation
    if r.separate_stages:
        chains = sorted({d.chain for d in dept.duties if d.chain and d.stage})
        for chain in chains:
            sub = Department(
                dept.name, dept.sections, tuple(d for d in dept.duties if d.chain == chain), dept.staff
            )
            n = stage_conflicts(
                sub,
                [
                    PlanSection(
                        s.id,
                        s.name,
                        s.kind,
                        tuple(x for x in s.duties if x in {d.id for d in sub.duties}),
                        (),
                        None,
                        (),
                        0,
                        0,
                        0,
                        0,
                        (),
                    )
                    for s in secs
                ],
            )
            n_stages = len({d.stage for d in sub.duties})
            homes = {s.id for s in secs for x in s.duties if dept.duty(x).chain == chain}
            out.add(
                "separate_stages",
                chain,
                n == 0,
                f"链条「{chain}」{n_stages}个环节分布在{len(homes)}个科室，冲突{n}对",
                f"chain '{chain}': {n_stages} stages in {len(homes)} sections, {n} conflicting pair(s)",
                binding=len(homes) == n_stages,
            )
    where = {}
    for s in secs:
        for x in (*s.duties, *s.staff):
            where[x] = s.id
    names = {s.id: s.name for s in secs}

    def placed(items: list[str]) -> tuple[str, str]:
        """Where each item is, for a breach of a pin: '；现在：甲（D1）在办公室（K01）、…'."""
        zh, en = [], []
        for x in items:
            lz, le = item_label(dept, x)
            sid = where.get(x)
            zh.append(f"{lz}在{names[sid]}（{sid}）" if sid else f"{lz}未安排")
            en.append(f"{le} in {names[sid]} ({sid})" if sid else f"{le} not placed")
        return "；现在：" + "、".join(zh), "; now: " + ", ".join(en)

    for gi, group in enumerate(r.apart):
        items = list(dict.fromkeys(group))
        homes = [where.get(x) for x in items]
        ok = len(set(homes)) == len(homes) and None not in homes
        zh, en = item_labels(dept, items)
        now = ("", "") if ok else placed(items)
        out.add(
            "apart", str(gi + 1), ok, f"{zh}分设在不同科室{now[0]}", f"{en} in different sections{now[1]}"
        )
    for gi, group in enumerate(r.together):
        items = list(dict.fromkeys(group))
        ok = len({where.get(x) for x in items}) == 1 and None not in {where.get(x) for x in items}
        zh, en = item_labels(dept, items)
        now = ("", "") if ok else placed(items)
        out.add("together", str(gi + 1), ok, f"{zh}在同一科室{now[0]}", f"{en} in one section{now[1]}")

    # pins
    by_succ = {t: s for s in secs for t in s.successor_of}
    for sid in pins.keep_sections:
        today = dept.section(sid)
        s = by_succ.get(sid)
        ok = (
            s is not None
            and set(s.duties) == {d.id for d in dept.duties if d.current_section == sid}
            and set(s.staff) == {p.id for p in dept.staff if p.current_section == sid}
            and s.chief_posts == today.chief_posts
            and s.deputy_posts == today.deputy_posts
            and s.kind is today.kind
        )
        zh, en = ([], []) if ok else _kept_differences(dept, sid, s, where, names)
        out.add(
            "keep_section",
            sid,
            ok,
            f"科室「{today.name}」保持原样"
            + "".join(f"；{x}" for x in zh[:1])
            + "".join(f"、{x}" for x in zh[1:]),
            f"section '{today.name}' kept as it is"
            + "".join(f"; {x}" for x in en[:1])
            + "".join(f", {x}" for x in en[1:]),
        )
    for did, sid in pins.duty_sections.items():
        s = by_succ.get(sid)
        out.add(
            "duty_section",
            did,
            s is not None and did in s.duties,
            f"职责{did}在延续{sid}的科室",
            f"duty {did} in the section continuing {sid}",
        )
    stuck = []
    for p in dept.staff:
        if p.movable or not p.current_section:
            continue
        s = by_succ.get(p.current_section)
        if s is None or p.id not in s.staff:
            stuck.append(p.id)
    if any(not p.movable for p in dept.staff):
        out.add(
            "immovable",
            "",
            not stuck,
            "不可调动人员留在原科室的延续科室" + (f"；问题：{'、'.join(stuck)}" if stuck else ""),
            "staff who cannot move stay in the section continuing theirs"
            + (f"; problems: {', '.join(stuck)}" if stuck else ""),
        )

    # staffing
    small = [s.id for s in secs if len(s.staff) < r.min_section_staff]
    out.add(
        "min_section_staff",
        "",
        not small,
        f"每个科室至少{r.min_section_staff}人" + (f"；不足：{'、'.join(small)}" if small else ""),
        f"at least {r.min_section_staff} people per section"
        + (f"; short: {', '.join(small)}" if small else ""),
        binding=any(len(s.staff) == r.min_section_staff for s in secs),
    )
    if r.max_section_staff is not None:
        big = [s.id for s in secs if len(s.staff) > r.max_section_staff]
        out.add(
            "max_section_staff",
            "",
            not big,
            f"每个科室至多{r.max_section_staff}人" + (f"；超出：{'、'.join(big)}" if big else ""),
            f"at most {r.max_section_staff} people per section"
            + (f"; over: {', '.join(big)}" if big else ""),
            binding=any(len(s.staff) == r.max_section_staff for s in secs),
        )
    dev = r.max_load_deviation
    hi, lo = kp["max_load_ratio"], kp["min_load_ratio"]
    ratios = _exact_ratios(dept, secs)
    exact_hi, exact_lo = _exact_ratio_extremes(dept, secs)
    top, bottom = 1 + exact(dev), 1 - exact(dev)
    outside = [(sid, x) for sid, x in ratios.items() if x > top or x < bottom]
    dec = max(2, _ratio_decimals(top))  # a band typed as ±19.96 % is shown as 0.8004–1.1996

    def times(x: Fraction | float) -> str:
        """A ratio outside the band never prints as the band's edge."""
        d, edge = dec, top if x > top else bottom
        while x != math.inf and round(x, d) == edge and d < 6:
            d += 1
        return "∞" if x == math.inf else f"{float(x):.{d}f}"

    out.add(
        "max_load_deviation",
        "",
        not outside,
        f"人均工作量比在{lo:.2f}～{hi:.2f}之间（允许{float(bottom):.{dec}f}～{float(top):.{dec}f}）"
        + ("；超出：" + "、".join(f"{sid}为平均的{times(x)}倍" for sid, x in outside) if outside else ""),
        f"load ratios {lo:.2f}–{hi:.2f} (allowed {float(bottom):.{dec}f}–{float(top):.{dec}f})"
        + (
            "; outside: " + ", ".join(f"{sid} at {times(x)}x the average" for sid, x in outside)
            if outside
            else ""
        ),
        binding=(1 + dev) - exact_hi < BINDING_REL or exact_lo - (1 - dev) < BINDING_REL,
    )
    if r.robust_margin > 0:
        total_w = sum(d.workload_fte for d in dept.duties)
        total_c = sum(p.capacity_fte for p in dept.staff)
        worst = 0.0
        for s in secs:
            c = sum(dept.person(p).capacity_fte for p in s.staff)
            w_high = sum(robust_workload(dept.duty(d), r.robust_margin) for d in s.duties)
            if c and total_w:
                worst = max(worst, (w_high / c) / (total_w / total_c))
        out.add(
            "robust_load",
            "",
            worst <= 1 + dev + RATIO_EPS,
            f"工作量上浮{percent(r.robust_margin)}时最高人均工作量比{worst:.2f}（上限{1 + dev:.2f}）",
            f"with workloads {percent(r.robust_margin)} toward high, max load ratio {worst:.2f} (cap {1 + dev:.2f})",
            binding=(1 + dev) - worst < BINDING_REL,
        )
    if r.max_staff_moves < 1:
        movable = sum(1 for p in dept.staff if p.movable and p.current_section)
        cap = math.floor(exact(r.max_staff_moves) * movable)
        moved = kp["staff_moved"]
        out.add(
            "max_staff_moves",
            "",
            moved <= cap,
            f"调整人员{moved}人（上限{cap}人）",
            f"{moved} staff moved (cap {cap})",
            binding=moved == cap,
        )
    return tuple(out.items)


def _ratio_decimals(x: Fraction) -> int:
    dec = 0
    while (x * 10**dec).denominator != 1 and dec < 6:
        dec += 1
    return dec


def _kept_differences(
    dept: Department, sid: str, s: PlanSection | None, where: Mapping[str, str], names: Mapping[str, str]
) -> tuple[list[str], list[str]]:
    """How the section continuing today's sid differs from it, for a broken keep_section pin."""
    if s is None:
        return ["没有科室延续它"], ["no section continues it"]
    today = dept.section(sid)
    zh, en = [], []
    was = [d.id for d in dept.duties if d.current_section == sid] + [
        p.id for p in dept.staff if p.current_section == sid
    ]
    now = set(s.duties) | set(s.staff)
    for x in was:
        if x not in now:
            lz, le = item_label(dept, x)
            other = where.get(x)
            zh.append(f"{lz}在{names[other]}（{other}）" if other else f"{lz}未安排")
            en.append(f"{le} in {names[other]} ({other})" if other else f"{le} not placed")
    for x in (*s.duties, *s.staff):
        if x not in set(was):
            lz, le = item_label(dept, x)
            zh.append(f"{lz}调入{s.name}（{s.id}）")
            en.append(f"{le} joins {s.name} ({s.id})")
    if s.chief_posts != today.chief_posts or s.deputy_posts != today.deputy_posts:
        zh.append(f"职数{s.chief_posts}正{s.deputy_posts}副（原{today.chief_posts}正{today.deputy_posts}副）")
        en.append(
            f"posts {s.chief_posts} chief/{s.deputy_posts} deputy (today {today.chief_posts}/{today.deputy_posts})"
        )
    if s.kind is not today.kind:
        zh.append(f"类型改为{'动态科室' if s.kind is SectionKind.DYNAMIC else '基本科室'}")
        en.append(f"kind changed to {s.kind.value}")
    if len(zh) > 10:  # a section merged away can differ in dozens of items: name the first
        zh, en = [*zh[:10], f"等{len(zh)}处"], [*en[:10], f"{len(en)} in all"]
    return zh, en


def _exact_ratios(dept: Department, secs: list[PlanSection]) -> dict[str, Fraction | float]:
    """Each section's workload per FTE over the department's, exactly (inf for nobody in it)."""
    total_w = sum(exact(d.workload_fte) for d in dept.duties)
    total_c = sum(exact(p.capacity_fte) for p in dept.staff)
    ratios: dict[str, Fraction | float] = {}
    if not total_w or not total_c:
        return ratios
    for s in secs:
        w = sum(exact(dept.duty(d).workload_fte) for d in s.duties)
        c = sum(exact(dept.person(p).capacity_fte) for p in s.staff)
        ratios[s.id] = math.inf if c == 0 else (w / c) / (total_w / total_c)
    return ratios


def _exact_ratio_extremes(
    dept: Department, secs: list[PlanSection]
) -> tuple[Fraction | float, Fraction | float]:
    ratios = list(_exact_ratios(dept, secs).values())
    return (max(ratios), min(ratios)) if ratios else (1, 1)


def stale_totals(dept: Department, secs: Iterable[PlanSection]) -> list[tuple[PlanSection, float, float]]:
    """Sections whose stated workload or capacity is not what the data adds up to, each with the
    recomputed workload and capacity: the plan was made from other figures (the data changed
    after solving)."""
    out = []
    for s in secs:
        w = sum(dept.duty(d).workload_fte for d in s.duties)
        c = sum(dept.person(p).capacity_fte for p in s.staff)
        if not math.isclose(w, s.workload_fte, abs_tol=1e-3) or not math.isclose(
            c, s.capacity_fte, abs_tol=1e-3
        ):
            out.append((s, w, c))
    return out


def check_plan(scenario: Scenario, plan: Plan) -> CheckReport:
    """Re-check a plan without the solver: every rule, every KPI, every section total."""
    dept = scenario.department
    if not plan.has_plan:
        return CheckReport(findings=(), kpis={}, terms={})
    findings = check_sections(scenario, plan.sections)
    secs = known_sections(dept, plan.sections)  # unknown ids are findings above, not a crash here
    kpis = compute_kpis(dept, secs)
    mismatches = []
    for key, value in kpis.items():
        claimed = plan.kpis.get(key)
        # a KPI the plan does not record (a plan.json from before it existed) claims nothing
        if claimed is not None and not math.isclose(float(claimed), float(value), abs_tol=1e-4):
            mismatches.append(f"kpi {key}: plan says {claimed}, recomputed {value}")
    mismatches += [
        f"section {s.id}: totals {s.workload_fte}/{s.capacity_fte}, recomputed {w:.3f}/{c:.3f}"
        for s, w, c in stale_totals(dept, secs)
    ]
    for s in secs:
        if main_function(dept, s.duties) != s.main_function:
            mismatches.append(
                f"section {s.id}: main function {s.main_function}, recomputed {main_function(dept, s.duties)}"
            )
    baseline = compute_kpis(dept, today_sections(dept))
    for key, value in baseline.items():
        claimed = plan.baseline_kpis.get(key)
        if claimed is not None and not math.isclose(float(claimed), float(value), abs_tol=1e-4):
            mismatches.append(f"baseline kpi {key}: plan says {claimed}, recomputed {value}")
    units = soft_terms(dept, secs, scenario)
    points = term_points(scenario, secs, units)
    for key, value in points.items():
        claimed = plan.terms.get(key)
        if claimed is not None and not math.isclose(float(claimed), value, abs_tol=1e-3):
            mismatches.append(f"objective term {key}: plan says {claimed} points, recomputed {value}")
    objective = plan.solver.objective if plan.solver is not None else None
    if (
        objective is not None
        and plan.terms
        and not math.isclose(objective, sum(points.values()), abs_tol=1e-3)
    ):
        mismatches.append(
            f"objective: plan says {objective} points, its recomputed breakdown adds up to {sum(points.values()):g}"
        )
    return CheckReport(findings=findings, kpis=kpis, terms=units, kpi_mismatches=tuple(mismatches))


@dataclass(frozen=True)
class Baseline:
    kpis: Mapping[str, float]
    findings: tuple[Finding, ...] = field(default=())


def baseline(scenario: Scenario) -> Baseline:
    """Today's structure measured the same way, and which of the scenario's rules it breaks."""
    secs = today_sections(scenario.department)
    return Baseline(kpis=compute_kpis(scenario.department, secs), findings=check_sections(scenario, secs))
