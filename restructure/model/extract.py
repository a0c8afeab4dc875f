"""From solver values to sections of a plan: who goes where, who fills which post, names.

The model decides how many people of each staff class go to each section; here the members
of a class are placed (people staying with their section first), chief and deputy posts are
filled (定岗定责定人), and each section gets a proposed name.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence

from restructure.check import main_function
from restructure.domain import Department, Function, PlanSection, Rank, SectionKind
from restructure.model.instance import Instance

SECTION_NAME_BY_FUNCTION = {
    Function.SUPPORT: "综合保障科",
    Function.POLICY: "政策法规科",
    Function.LICENSING: "行政许可科",
    Function.ENFORCEMENT: "执法监督科",
    Function.BUSINESS: "业务科",
    Function.KEY_TASK: "重点工作科",
}
_CN_NUM = "一二三四五六七八九十"


def sections_from_values(inst: Instance, values: dict) -> list[PlanSection]:
    dept = inst.dept
    K = [k for k in range(inst.n_slots) if values["active"][k]]
    duties = {k: [inst.duties[i].id for i in range(len(inst.duties)) if values["x"][i][k]] for k in K}
    succ = {k: tuple(s for s in inst.today if values["succ"][s][k]) for k in K}

    people: dict[int, list[str]] = defaultdict(list)
    for c in inst.classes:
        left = list(c.members)
        # stayers first: the slot continuing the class's section takes members before others
        order = sorted(K, key=lambda k: (c.current_section not in succ[k], k))
        for k in order:
            cnt = values["n"][c.index][k]
            people[k].extend(left[:cnt])
            left = left[cnt:]

    raw = []
    for k in K:
        staff = sorted(people[k])
        chief, deputies = _fill_posts(dept, staff, succ[k], duties[k], values["deputy_posts"][k])
        kind = inst.slots[k].kind
        task = None
        if kind is SectionKind.DYNAMIC:
            tasks = {dept.duty(d).key_task for d in duties[k] if dept.duty(d).key_task}
            task = min(tasks) if tasks else None
        raw.append(
            dict(
                slot=k,
                kind=kind,
                duties=tuple(duties[k]),
                staff=tuple(staff),
                chief=chief,
                deputies=tuple(deputies),
                deputy_posts=values["deputy_posts"][k],
                successor_of=succ[k],
                key_task=task,
                main=main_function(dept, duties[k]),
            )
        )
    return _name_and_number(inst, raw)


def _fill_posts(dept: Department, staff: list[str], succ: tuple[str, ...], duties: list[str], n_deputy: int):
    """The chief post goes to a current chief who stays with their section, first the one whose
    section brings the most work (the 国土空间规划科 that absorbs 森林防火科 keeps the planning
    chief), then the longest in post; the deputy posts likewise, deputies before chiefs who lost
    their chief post. Who takes which post does not change the number of post changes."""
    brought: dict[str, float] = defaultdict(float)
    for did in duties:
        d = dept.duty(did)
        if d.current_section:
            brought[d.current_section] += d.workload_fte

    def stays(pid: str) -> bool:
        return dept.person(pid).current_section in succ

    def rank_order(pid: str):
        p = dept.person(pid)
        return (not stays(pid), -brought.get(p.current_section or "", 0.0), -(p.years_in_post or 0), pid)

    chiefs = sorted((p for p in staff if dept.person(p).rank is Rank.CHIEF), key=rank_order)
    deps = sorted((p for p in staff if dept.person(p).rank is Rank.DEPUTY), key=rank_order)
    chief = chiefs[0] if chiefs else None
    pool = deps + chiefs[1:]  # a chief without a chief post may take a deputy post
    return chief, pool[:n_deputy]


def _name_and_number(inst: Instance, raw: list[dict]) -> list[PlanSection]:
    dept = inst.dept
    order = {
        f: i
        for i, f in enumerate(
            (
                Function.SUPPORT,
                Function.POLICY,
                Function.LICENSING,
                Function.BUSINESS,
                Function.ENFORCEMENT,
                Function.KEY_TASK,
            )
        )
    }
    today_pos = {s: i for i, s in enumerate(inst.today)}

    def key(r: dict):
        first = min((today_pos[s] for s in r["successor_of"]), default=len(today_pos))
        return (r["kind"] is SectionKind.DYNAMIC, order.get(r["main"], 9), first, r["slot"])

    raw.sort(key=key)
    # a key task with a 专班 of its own in this plan: its name is the 专班's
    staffed = frozenset(r["key_task"] for r in raw if r["kind"] is SectionKind.DYNAMIC and r["key_task"])
    proposed = [_propose_name(inst, r, staffed=staffed) for r in raw]
    names = _distinct(dept, raw, _unshared(inst, raw, proposed, staffed))
    out = []
    nb = nd = 0
    for r, name in zip(raw, names, strict=True):
        if r["kind"] is SectionKind.BASIC:
            nb += 1
            sid = f"K{nb:02d}"
        else:
            nd += 1
            sid = f"X{nd:02d}"
        override = inst.scenario.section_names.get(sid) or next(
            (inst.scenario.section_names[s] for s in r["successor_of"] if s in inst.scenario.section_names),
            None,
        )
        out.append(
            PlanSection(
                id=sid,
                name=override or name,
                kind=r["kind"],
                duties=r["duties"],
                staff=r["staff"],
                chief=r["chief"],
                deputies=r["deputies"],
                chief_posts=1,
                deputy_posts=r["deputy_posts"],
                workload_fte=round(sum(dept.duty(d).workload_fte for d in r["duties"]), 6),
                capacity_fte=round(sum(dept.person(p).capacity_fte for p in r["staff"]), 6),
                successor_of=r["successor_of"],
                main_function=r["main"],
                key_task=r["key_task"],
            )
        )
    return out


def _propose_name(
    inst: Instance, r: dict, taken: frozenset[str] = frozenset(), staffed: frozenset[str] = frozenset()
) -> str:
    """A name for one new section; ``taken``: lines and function words another section's name
    carries (``_unshared``), not to be used here while another choice is left; ``staffed``: the key
    tasks a dynamic section of the plan runs, whose names a basic section does not take."""
    dept = inst.dept
    if r["kind"] is SectionKind.DYNAMIC and r["key_task"]:
        kt = next((t for t in dept.key_tasks if t.id == r["key_task"]), None)
        base = kt.name if kt else r["key_task"]
        return base if base.endswith(("科", "室", "专班")) else f"{base}专班"
    main = r["main"]
    gathered = _gathered_here(inst, r["duties"], r["successor_of"])
    if main in _NAMED_BY_FUNCTION and _is_the_function_section(inst, r["duties"], main) and not gathered:
        name = _function_name(dept, r["duties"], main)
        return _today_function_name(inst, r, main) if name == SECTION_NAME_BY_FUNCTION[main] else name
    total = sum(dept.duty(d).workload_fte for d in r["duties"]) or 1.0
    # one predecessor that brought most of the work: keep its name (planners know it)
    if len(r["successor_of"]) == 1 and not gathered:
        s = r["successor_of"][0]
        from_s = sum(dept.duty(d).workload_fte for d in r["duties"] if dept.duty(d).current_section == s)
        if from_s / total >= 0.5:
            return dept.section(s).name
    by_group: dict[str, float] = defaultdict(float)
    key_task_name = {t.id: t.name.removesuffix("专班") for t in dept.key_tasks}

    def line_of(d: str) -> str:
        # key-task work without a business line counts under its key task's name: a basic
        # section that mostly runs one is named after it, not after a sliver of other work. Not
        # where the task has a 专班: 重大项目推进科 beside 重大项目推进专班 reads as two homes for it.
        duty = dept.duty(d)
        if duty.group or not duty.key_task or (r["kind"] is SectionKind.BASIC and duty.key_task in staffed):
            return duty.group or ""
        return key_task_name.get(duty.key_task, duty.key_task)

    for d in r["duties"]:
        if line_of(d):
            by_group[line_of(d)] += dept.duty(d).workload_fte
    if taken and by_group:
        free = {g: w for g, w in by_group.items() if _bare(g) not in taken}
        if not free:
            # every line here names another section: the function this section holds most of
            # the department's work of names it, as it would beside a line (粮食储备和政策法规科
            # beside 粮食储备科 becomes 政策法规科)
            held = _held_function(inst, r["duties"], taken)
            if held is not None:
                return held
        by_group = defaultdict(float, free or by_group)
    if by_group:
        # the lines the planner called related count together: 经侦、禁毒、食药环侦 outweigh 监所管理
        # and name the section, though 监所管理 alone is the largest line in it
        families = [[g] for g in by_group]
        families += [[g for g in names if g in by_group] for names in inst.scenario.objective.related_groups]
        family = min(
            (f for f in families if f),
            key=lambda f: (-sum(by_group[g] for g in f), -len(f), sorted(f)),
        )
        ranked = sorted(sorted(family), key=lambda g: -by_group[g])
        name = ranked[0]
        # related lines of similar size (a merge the planner asked for): up to three give the name
        similar = [g for g in ranked[:3] if by_group[g] >= 0.5 * by_group[name]]
        # and a unit merged in whole whose line is not among them, of similar size as well:
        # 监所管理科 that took in 刑事侦查科 and 指挥调度科 hid two units a planner will ask after
        merged_in = _merged_lines(inst, r["successor_of"], by_group, exclude=similar)
        similar += [g for g in merged_in if by_group[g] >= 0.5 * by_group[name]][: 3 - len(similar)]
        words = {g: _share_words(dept, r["duties"], g, by_group[g]) for g in similar}
        if len(similar) > 1:
            name = _joined(*(_bare(words[g]) for g in similar[:-1]), words[similar[-1]])
        else:
            similar = [name]
            name = _with_function(inst, r["duties"], words[name], by_group[name], taken)
        if gathered and gathered not in name:
            similar = similar[:2]  # three parts at most, the function one of them
            name = _joined(*(_bare(words[g]) for g in similar), gathered)
        if _unit(name):
            return name
        named = [d for d in r["duties"] if line_of(d) in similar]
        return name + _unit_of_today(dept, named)
    return SECTION_NAME_BY_FUNCTION.get(main, "业务科") if main else "业务科"


def _gathered_here(inst: Instance, duties: tuple[str, ...], successor_of: tuple[str, ...] = ()) -> str | None:
    """The words of a function (licensing, policy) when these duties are its home and also most of
    a business line's other work: that section is named after its lines and the function, so that
    the line has a home in the names. The line counts where the scenario gathers the function in
    one section (集中许可: the licences bring their lines' other work along) and it is at least half
    as much as the function's work, or where it is the line of a unit this section took in whole
    (``successor_of``) and at least a quarter. The police licensing home that took in 治安管理大队,
    户政管理大队 and 出入境管理大队 was 行政许可科 among 大队, a name in which no reader finds 治安管理;
    it is 治安管理、户政管理和行政许可大队."""
    dept = inst.dept
    for function in (Function.LICENSING, Function.POLICY):
        if not _holds_most(dept, duties, function):
            continue
        here: dict[str, float] = defaultdict(float)
        for d in duties:
            duty = dept.duty(d)
            if duty.group and duty.function is not function:
                here[duty.group] += duty.workload_fte
        gathered = function.value in inst.scenario.rules.single_section
        merged_in = _merged_lines(inst, successor_of, here)
        own = _work_of(dept, duties, function)
        for line, work in here.items():
            # a line of its own beside the function, not the function's own line (法制 in 法制大队)
            rest = sum(d.workload_fte for d in dept.duties if d.group == line and d.function is not function)
            if work <= 0.5 * rest:
                continue
            # a unit taken in whole shows from a quarter of the function's work, as a function
            # does beside a line (``_with_function``)
            if (gathered and work >= 0.5 * own) or (line in merged_in and work >= 0.25 * own):
                return _function_title(inst, duties, function)
    return None


def _merged_lines(
    inst: Instance, successor_of: tuple[str, ...], here: dict[str, float], exclude: Sequence[str] = ()
) -> list[str]:
    """The lines of the units of today a section took in whole, with most of each line's work
    ``here`` (line -> FTE in the section), the largest first, less those in ``exclude``. A unit's
    line is the one that is at least half of its work (刑事侦查 for 刑事侦查科; none for 执法监督科).
    Only where the section continues more than one unit: one alone keeps its own name. Not a
    unit that is today's home of a function (法制大队, 办公室): the function's words name it."""
    if len(successor_of) < 2:
        return []
    dept = inst.dept
    out = []
    for s in successor_of:
        if _function_of_today(dept, s) is not None:
            continue
        work: dict[str, float] = defaultdict(float)
        for d in dept.duties:
            if d.current_section == s:
                work[d.group or ""] += d.workload_fte
        line = max(sorted(g for g in work if g), key=lambda g: work[g], default=None)
        if line is None or work[line] < 0.5 * sum(work.values()) or line in exclude or line in out:
            continue
        total = sum(d.workload_fte for d in dept.duties if d.group == line)
        if here.get(line, 0.0) > 0.5 * total:
            out.append(line)
    return sorted(out, key=lambda g: -here[g])


def _share_words(dept: Department, duties: tuple[str, ...], line: str, work: float) -> str:
    """The words naming this section's part of a business line: the line's name, unless the line
    mostly sits in another section and this part came from one section of today, whose words
    then say what it is. 湿地保护科 merged into 森林防火科, while 林业资源管理科 keeps most of the
    林业资源和湿地保护 line, gives 森林草原防火和湿地保护科, not a second section claiming 林业资源."""
    if work > 0.5 * sum(d.workload_fte for d in dept.duties if d.group == line):
        return line
    came_from = {dept.duty(d).current_section for d in duties if dept.duty(d).group == line}
    if len(came_from) != 1 or None in came_from:
        return line
    s = came_from.pop()
    today = dept.section(s).name
    unit = _unit(today, _TODAY_UNITS)
    if unit is None or _function_of_today(dept, s) is not None:
        return line  # 办公室's words name no line
    return today[: -len(unit)]


_NAMED_BY_FUNCTION = (Function.SUPPORT, Function.POLICY, Function.LICENSING)

# The unit words a proposed name may end with, longer ones first: a police 大队 is not a 队.
# Only these mark a business line's name as a unit already; 所 or 站 could end a line's own name
# (公共场所), which still gets its 科.
_UNITS = ("大队", "支队", "中队", "中心", "科", "室", "队")
# Today's section names may end with more (政治处, 派出所); read for the unit word to take over.
_TODAY_UNITS = (*_UNITS, "处", "股", "所", "站")


def _unit(name: str, units: tuple[str, ...] = _UNITS) -> str | None:
    """The unit word ``name`` ends with (科, 大队, 中心 ...), or None."""
    return next((u for u in units if name.endswith(u) and len(name) > len(u)), None)


def _bare(name: str) -> str:
    """``name`` without its unit word: 治安管理大队 -> 治安管理."""
    unit = _unit(name)
    return name[: -len(unit)] if unit else name


def _unit_of_today(dept: Department, duties: list[str]) -> str:
    """The unit word for a section named after business lines: that of the sections of today
    these duties (the named lines' work) come from, the one with the most work. Merged police
    大队 make a 大队 (经济犯罪侦查和禁毒大队, not 科); 科 where today's names end in none of them."""
    work: dict[str, float] = defaultdict(float)
    for d in duties:
        duty = dept.duty(d)
        unit = _unit(dept.section(duty.current_section).name, _TODAY_UNITS) if duty.current_section else None
        if unit:
            work[unit] += duty.workload_fte
    return max(sorted(work), key=lambda u: work[u]) if work else "科"


def _with_function(
    inst: Instance, duties: tuple[str, ...], line: str, line_work: float, taken: frozenset[str] = frozenset()
) -> str:
    """A business line's name, and a function's beside it when this section is also where most
    of the department's work of that function went, and that is at least a quarter of the line's
    work: 政策法规科 merged into 登记注册科 gives 登记注册和政策法规科, so the 三定 draft still
    shows where the legal review is."""
    dept = inst.dept
    for function in _NAMED_BY_FUNCTION:
        title = _function_title(inst, duties, function)
        work = _work_of(dept, duties, function)
        if title in taken:
            continue
        if title not in line and work >= 0.25 * line_work and _holds_most(dept, duties, function):
            return _joined(_bare(line), title)
    return line


def _held_function(inst: Instance, duties: tuple[str, ...], taken: frozenset[str]) -> str | None:
    """The name of the first function (support, policy, licensing) no other section's name
    carries, of which these duties are a quarter of their work and most of the department's: 政策法规科,
    or today's words for it (法制大队)."""
    dept = inst.dept
    own = sum(dept.duty(d).workload_fte for d in duties)
    for function in _NAMED_BY_FUNCTION:
        title = _function_title(inst, duties, function)
        work = _work_of(dept, duties, function)
        if title in taken or work < 0.25 * own or not _holds_most(dept, duties, function):
            continue
        if title == SECTION_NAME_BY_FUNCTION[function].removesuffix("科"):
            return SECTION_NAME_BY_FUNCTION[function]
        return title + _unit_of_today(dept, [d for d in duties if dept.duty(d).function is function])
    return None


def _function_title(inst: Instance, duties: tuple[str, ...], function: Function) -> str:
    """The words naming ``function`` beside a line: 政策法规; where the scenario does not gather the
    function and its work here came mostly from today's section for it, that section's own words
    (公安局's 法制大队 merged into 监所管理大队 gives 监所管理和法制大队, not 监所管理和政策法规大队)."""
    dept = inst.dept
    title = SECTION_NAME_BY_FUNCTION[function].removesuffix("科")
    # support keeps 综合保障: the words of 办公室 without its unit word would be 办公
    if function is Function.SUPPORT or function.value in inst.scenario.rules.single_section:
        return title
    work: dict[str, float] = defaultdict(float)
    for d in duties:
        duty = dept.duty(d)
        if duty.function is function and duty.current_section:
            work[duty.current_section] += duty.workload_fte
    if not work:
        return title
    s = max(sorted(work), key=lambda k: work[k])
    today = _today_name_for(dept, s, function)
    return _bare(today) if today and work[s] > 0.5 * _work_of(dept, duties, function) else title


def _work_of(dept: Department, duties: tuple[str, ...], function: Function) -> float:
    """Workload (FTE) of these duties that is of ``function``."""
    return sum(dept.duty(d).workload_fte for d in duties if dept.duty(d).function is function)


def _holds_most(dept: Department, duties: tuple[str, ...], function: Function) -> bool:
    """Whether these duties are more than half of the department's work of ``function``."""
    total = sum(d.workload_fte for d in dept.duties if d.function is function)
    return _work_of(dept, duties, function) > 0.5 * total


def _is_the_function_section(inst: Instance, duties: tuple[str, ...], function: Function) -> bool:
    """Whether a section may carry its main function's name (行政许可科): the scenario gathers
    that function in one section, or the function is most of this section's work and this
    section holds most of the department's. A 大治安 section whose largest function is licensing,
    while 交警 licenses vehicles, is no 行政许可科; and three sections each with a third of the
    licensing would be 行政许可一科、二科、三科."""
    if function.value in inst.scenario.rules.single_section:
        return True
    dept = inst.dept
    own = sum(dept.duty(d).workload_fte for d in duties)
    of_function = _work_of(dept, duties, function)
    return of_function > 0.5 * own and _holds_most(dept, duties, function)


def _function_of_today(dept: Department, s: str) -> Function | None:
    """The function (support, policy, licensing) today's section ``s`` is the department's section
    for: its main function, with most of the department's work of it; else None."""
    own = tuple(d.id for d in dept.duties if d.current_section == s)
    main = main_function(dept, own)
    return main if main in _NAMED_BY_FUNCTION and _holds_most(dept, own, main) else None


def _today_function_name(inst: Instance, r: dict, main: Function) -> str:
    """The function section's name when nothing was gathered into it: today's name of the one
    section it continues, when that section brought most of its work and was already the
    department's section for the function (公安局's 法制大队 stays 法制大队, not 政策法规科). Where the
    scenario gathers the function (``single_section``: 综合保障科, 行政许可科), the reform's name."""
    dept = inst.dept
    name = SECTION_NAME_BY_FUNCTION[main]
    if main.value in inst.scenario.rules.single_section or len(r["successor_of"]) != 1:
        return name
    s = r["successor_of"][0]
    total = sum(dept.duty(d).workload_fte for d in r["duties"]) or 1.0
    brought = sum(dept.duty(d).workload_fte for d in r["duties"] if dept.duty(d).current_section == s)
    today = _today_name_for(dept, s, main)
    return today if today and brought / total >= 0.5 else name


def _today_name_for(dept: Department, s: str, function: Function) -> str | None:
    """Today's name of section ``s`` when ``s`` is the department's section for ``function`` today;
    None otherwise, and for a name with another function's words in it: 办公室 with most of the
    legal work is still the office in every reader's mind."""
    today = dept.section(s).name
    others = [t for f, titles in _TITLES.items() if f is not function for t in titles]
    if _function_of_today(dept, s) is function and not any(t in today for t in others):
        return today
    return None


def _function_name(dept: Department, duties: tuple[str, ...], main: Function) -> str:
    """综合保障科, 政策法规科, 行政许可科; when a second of these functions brings at least half as
    much work as the main one (a merge of 政策法规科 into 行政许可科) and is mostly held here as
    well, both: 行政许可和政策法规科."""
    work: dict[Function, float] = defaultdict(float)
    for d in duties:
        duty = dept.duty(d)
        work[duty.function] += duty.workload_fte
    others = [
        f
        for f in _NAMED_BY_FUNCTION
        if f is not main and work[f] >= 0.5 * work[main] and _holds_most(dept, duties, f)
    ]
    name = SECTION_NAME_BY_FUNCTION[main]
    if not others:
        return name
    second = max(others, key=lambda f: (work[f], -_NAMED_BY_FUNCTION.index(f)))
    return f"{name.rstrip('科')}和{SECTION_NAME_BY_FUNCTION[second]}"


def _joined(*parts: str) -> str:
    """Lines in one section name: 甲和乙, 甲、乙和丙; only 、 when a line already has its own 和
    (森林草原防火、林业资源和湿地保护科, not 森林草原防火和林业资源和湿地保护科)."""
    if any("和" in p for p in parts):
        return "、".join(parts)
    return f"{'、'.join(parts[:-1])}和{parts[-1]}"


def _parts(name: str) -> list[str]:
    """The lines and function words a proposed name joins: 户政管理和出入境管理科 -> 户政管理,
    出入境管理. A line with 和 in its own name is not one part, so it is never taken (see
    ``_unshared``)."""
    return [p for p in re.split("[和、]", _bare(name)) if p]


def _unshared(
    inst: Instance, raw: list[dict], names: list[str], staffed: frozenset[str] = frozenset()
) -> list[str]:
    """Names in which each line or function word appears once. Where two sections' names share a
    part (社会救助和政策法规科 beside 社会救助科; 治安管理和出入境管理科 beside 户政管理和出入境管理科),
    the section named by that part alone keeps it, else the one holding most of its work; each
    other section whose name joins several parts is named again without it (区划地名和政策法规科,
    户政管理科). Why: a planner reads a name as where that work lives, and the 三定 draft would
    give the same line two homes. Exact duplicates are left to ``_distinct``."""
    dept = inst.dept
    lines: dict[str, list[str]] = defaultdict(list)
    for d in dept.duties:
        if d.group:
            lines[_bare(d.group)].append(d.group)
    titles = {t: f for f, ts in _TITLES.items() for t in ts}

    def work(r: dict, part: str) -> float:
        return sum(
            dept.duty(d).workload_fte
            for d in r["duties"]
            if dept.duty(d).group in lines.get(part, ())
            or (part in titles and dept.duty(d).function is titles[part])
        )

    parts = [_parts(n) for n in names]
    owner: dict[str, int] = {}
    for part in {p for ps in parts for p in ps if p in lines or p in titles}:
        holders = [i for i, ps in enumerate(parts) if part in ps]
        alone = [i for i in holders if parts[i] == [part]]
        owner[part] = alone[0] if alone else max(holders, key=lambda i: (work(raw[i], part), -i))
    out = list(names)
    for i, ps in enumerate(parts):
        # every part another section's name keeps, so that the new name takes none of them either
        taken = frozenset(p for p, o in owner.items() if o != i)
        if len(ps) > 1 and taken & set(ps):
            out[i] = _propose_name(inst, raw[i], taken, staffed)
    return out


def _distinct(dept: Department, raw: list[dict], names: list[str]) -> list[str]:
    """Names that tell sections apart. Where two sections would share a line's name
    (国民经济综合科 twice), the one that continues today's section of that name keeps it, and each
    other takes the name of today's section it continues, most of its work first (投资管理科), unless
    that name is taken or claims a function (行政许可科, 办公室; see ``_today_names``). What is still shared is numbered: 国民经济综合一科、二科."""
    out = list(names)
    taken = set(names)
    shared = [n for n, count in Counter(names).items() if count > 1]
    for name in shared:
        members = [i for i, n in enumerate(names) if n == name]
        keeper = next(
            (i for i in members if any(dept.section(s).name == name for s in raw[i]["successor_of"])), None
        )
        for i in members:
            if i == keeper:
                continue
            alternative = next((n for n in _today_names(dept, raw[i]) if n not in taken), None)
            if alternative is not None:
                out[i] = alternative
                taken.add(alternative)
    return _unique(out)


def _today_names(dept: Department, r: dict) -> list[str]:
    """The names of today's sections ``r`` continues, the one that brought most of its work first,
    but not a name that claims a function: one with 行政许可, 政策法规, 综合保障 or 办公室 in it, or
    that of today's section holding most of the department's work of such a function."""
    brought: dict[str, float] = defaultdict(float)
    for d in r["duties"]:
        duty = dept.duty(d)
        if duty.current_section in r["successor_of"]:
            brought[duty.current_section] += duty.workload_fte
    names = []
    for s in sorted(r["successor_of"], key=lambda s: (-brought[s], s)):
        name = dept.section(s).name
        claims = any(title in name for title in _FUNCTION_TITLES)
        if not claims and _function_of_today(dept, s) is None:
            names.append(name)
    return names


# Words that name a function rather than a line, in today's names too (a 行政许可科 with less
# than half of the licensing is still no name for a business section).
_TITLES = {
    Function.SUPPORT: ("综合保障", "办公室"),
    Function.POLICY: ("政策法规",),
    Function.LICENSING: ("行政许可",),
}
_FUNCTION_TITLES = tuple(t for titles in _TITLES.values() for t in titles)


def _unique(names: list[str]) -> list[str]:
    counts: dict[str, int] = defaultdict(int)
    for n in names:
        counts[n] += 1
    seen: dict[str, int] = defaultdict(int)
    out = []
    for n in names:
        if counts[n] == 1:
            out.append(n)
            continue
        seen[n] += 1
        i = seen[n] - 1
        num = _CN_NUM[i] if i < len(_CN_NUM) else str(i + 1)
        unit = _unit(n)
        out.append(f"{_bare(n)}{num}{unit}" if unit else f"{n}{num}")
    return out
