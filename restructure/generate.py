"""Plausible synthetic departments for demos, tests and benchmarks.

A generated department looks like a county bureau before a "9+X" reform: support work spread
over 办公室/财务科/人事科, licensing and enforcement partly scattered over business sections,
the stages of each project chain sitting in one section, uneven loads (忙闲不均), and key
tasks without a home. The numbers are chosen so that the contract's default rules can be met:
every section has one chief post held by one chief, deputy posts 0–2 held by deputies, the
leadership posts fit 1–12 sections with at most 3 deputies each, at least 3 people per
section, and many small duties (0.1–1.5 FTE) so that loads can be balanced.
Everything is drawn from ``random.Random(seed)``: the same arguments give the same department.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, replace

from restructure.domain import Department, Duty, Establishment, Function, KeyTask, Person, Rank, Section

THEMES: dict[str, tuple[str, ...]] = {
    "市场监督管理局": (
        "食品生产",
        "食品经营",
        "药品医疗器械",
        "特种设备",
        "产品质量",
        "计量",
        "标准化",
        "知识产权",
        "登记注册",
        "信用监管",
        "价格监督",
        "广告监管",
        "网络交易",
        "消费者权益保护",
    ),
    "科学技术局": (
        "高新技术",
        "农村科技",
        "社会发展科技",
        "成果转化",
        "技术市场",
        "科技人才",
        "外国专家",
        "企业孵化",
        "基础研究",
        "科学普及",
        "科技金融",
        "科技园区",
        "创新平台",
        "科研诚信",
    ),
    "住房和城乡建设局": (
        "城乡建设",
        "建筑市场",
        "房地产市场",
        "住房保障",
        "物业管理",
        "村镇建设",
        "城建档案",
        "质量安全",
        "燃气管理",
        "市政公用",
        "建筑节能",
        "房屋征收",
        "人防工程",
        "园林绿化",
    ),
    "自然资源局": (
        "国土空间规划",
        "用途管制",
        "生态修复",
        "确权登记",
        "调查监测",
        "耕地保护",
        "矿产资源",
        "测绘地理信息",
        "土地储备",
        "林业草原",
        "地质灾害防治",
        "不动产登记",
        "执法督察",
        "海洋资源",
    ),
}
THEME_SKILLS: dict[str, tuple[str, ...]] = {
    "市场监督管理局": ("统计", "工程", "信息化"),
    "科学技术局": ("项目管理", "统计", "信息化"),
    "住房和城乡建设局": ("工程", "统计", "项目管理"),
    "自然资源局": ("工程", "统计", "信息化"),
}
# Functional sections in the order a shrinking department keeps them.
FUNCTIONAL_SECTIONS = ("办公室", "行政许可科", "财务科", "人事科", "政策法规科", "执法监督科")
KEY_TASK_NAMES = (
    "营商环境优化",
    "产业功能区服务",
    "重大项目推进",
    "乡村振兴衔接",
    "数字政府建设",
    "安全生产专项整治",
)
OFFICE_DUTIES = (
    "机关日常运转",
    "文电会务",
    "政务信息公开",
    "安全保密",
    "信访工作",
    "督查督办",
    "档案管理",
    "后勤保障",
    "机关信息化建设",
    "机关党建",
)
FINANCE_DUTIES = ("财务管理", "预算编制与执行", "国有资产管理", "政府采购", "内部审计")
HR_DUTIES = ("干部人事管理", "机构编制管理", "教育培训", "绩效考评", "离退休人员服务")
POLICY_DUTIES = (
    "规范性文件起草",
    "普法宣传",
    "行政复议应诉",
    "政策研究",
    "综合调研",
    "规范性文件合法性审查",
    "法治政府建设",
)
LICENSING_DUTIES = ("{}许可审批", "{}行政许可受理", "{}备案管理", "{}资质认定")
ENFORCEMENT_DUTIES = ("{}监督检查", "{}行政执法", "{}投诉举报处理", "{}专项整治")
BUSINESS_DUTIES = (
    "{}规划拟订",
    "{}业务指导",
    "{}统计分析",
    "{}标准制定",
    "{}信息监测",
    "{}政策实施",
    "{}项目管理",
)
KEY_TASK_DUTIES = (
    "{}统筹协调",
    "{}政策研究",
    "{}项目服务",
    "{}督查考核",
    "{}信息报送",
    "{}企业走访",
    "{}问题协调",
)
CHAIN_STAGES = (
    ("guideline", "项目指南编制", Function.BUSINESS),
    ("review", "项目专家评审", Function.BUSINESS),
    ("implementation", "项目组织实施", Function.BUSINESS),
    ("supervision", "项目监督管理", Function.ENFORCEMENT),
)
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华玉兰萍红鹏飞建国志宏文斌海波宇晨雪梅琳浩"
MAX_PLAN_SECTIONS = 12  # 9 basic + 3 dynamic under the contract's defaults
MAX_DEPUTIES = 3  # the contract's default max_deputies_per_section


@dataclass
class _Draft:
    """A duty while the department is being drawn (ids come last, in section order)."""

    name: str
    function: Function
    section: int | None
    group: str | None = None
    chain: str | None = None
    stage: str | None = None
    skills: tuple[str, ...] = ()
    key_task: str | None = None
    workload: float = 0.0


def generate_department(
    n_duties: int,
    n_staff: int,
    n_sections: int,
    n_chains: int,
    seed: int,
    *,
    n_key_tasks: int | None = None,
) -> Department:
    """A plausible department with these sizes; the same arguments always give the same department.

    ``n_key_tasks`` defaults to one key task per 20 staff, at most 3. Raises ValueError when the
    sizes cannot make a department the default rules could plan (e.g. fewer than 3 staff per section).
    """
    rng = random.Random(seed)
    theme = rng.choice(sorted(THEMES))
    lines_all = THEMES[theme]
    _check_sizes(n_duties, n_staff, n_sections, n_chains, n_key_tasks, len(lines_all))
    if n_key_tasks is None:
        n_key_tasks = min(3, n_staff // 20)

    n_functional = min(len(FUNCTIONAL_SECTIONS), max(1, n_sections // 2))
    n_business = n_sections - n_functional
    section_names = list(FUNCTIONAL_SECTIONS[:n_functional])
    lines = list(lines_all[: max(n_business, min(3, len(lines_all)))])
    section_names += [f"{line}科" for line in lines[:n_business]]
    index = {name: i for i, name in enumerate(section_names)}

    def line_section(line: str) -> int:
        k = lines.index(line)
        return n_functional + (k % n_business) if n_business else 0

    capacities = [rng.choices((1.0, 0.8, 0.5), weights=(85, 10, 5))[0] for _ in range(n_staff)]
    capacity = sum(capacities)
    total_workload = capacity * rng.uniform(0.92, 0.98)

    key_tasks = _key_tasks(rng, n_key_tasks)
    drafts: list[_Draft] = []
    # Key tasks: 3-6 FTE each (enough for a dynamic section of 3+ people), at most 30 % of all work.
    kt_fte = [rng.uniform(3.0, 6.0) for _ in key_tasks]
    if kt_fte and sum(kt_fte) > 0.3 * total_workload:
        kt_fte = [x * 0.3 * total_workload / sum(kt_fte) for x in kt_fte]
    kt_duty_counts = [max(3, math.ceil(x / 0.9)) for x in kt_fte]
    # Leave room for the chains and at least one duty per section besides the key tasks.
    kt_room = max(3 * len(key_tasks), min(n_duties // 4, n_duties - 4 * n_chains - n_sections - 3))
    while sum(kt_duty_counts) > kt_room:
        kt_duty_counts[kt_duty_counts.index(max(kt_duty_counts))] -= 1
    business_sections = list(range(n_functional, n_sections))
    for kt, fte, count in zip(key_tasks, kt_fte, kt_duty_counts, strict=True):
        shares = [rng.uniform(0.7, 1.3) for _ in range(count)]
        for k, share in enumerate(shares):
            new_work = rng.random() < 0.5 or not business_sections
            drafts.append(
                _Draft(
                    _nth(
                        KEY_TASK_DUTIES[k % len(KEY_TASK_DUTIES)].format(kt.name), k // len(KEY_TASK_DUTIES)
                    ),
                    Function.KEY_TASK,
                    None if new_work else rng.choice(business_sections),
                    skills=_pick_skills(rng, ("项目管理", "文字综合")),
                    key_task=kt.id,
                    workload=fte * share / sum(shares),
                )
            )
    n_kt_duties = len(drafts)

    for c in range(n_chains):
        line = lines[c % len(lines)]
        chain = _nth(f"{line}项目管理", c // len(lines))
        together = rng.random() < 0.7  # today the whole chain usually sits in one section
        for stage, wording, function in CHAIN_STAGES:
            section = line_section(line) if together else _home(function, line, index, line_section, rng)
            drafts.append(
                _Draft(
                    _nth(f"{line}{wording}", c // len(lines)),
                    function,
                    section,
                    group=line,
                    chain=chain,
                    stage=stage,
                    skills=_pick_skills(rng, ("项目管理", "财务", *THEME_SKILLS[theme])),
                )
            )

    counts = _function_counts(n_duties, n_chains, n_kt_duties, max(1, n_business))
    used: dict[str, int] = {}

    def name(template: str) -> str:
        used[template] = used.get(template, 0) + 1
        return _nth(template, used[template] - 1)

    support_kinds = ["office", "finance", "hr"]
    for k in range(counts[Function.SUPPORT]):
        kind = support_kinds[k % 3] if k < 3 else rng.choices(support_kinds, weights=(50, 25, 25))[0]
        if kind == "office":
            drafts.append(
                _Draft(
                    name(rng.choice(OFFICE_DUTIES)),
                    Function.SUPPORT,
                    0,
                    skills=_pick_skills(rng, ("文字综合", "信息化")),
                )
            )
        else:
            wording = FINANCE_DUTIES if kind == "finance" else HR_DUTIES
            home = index.get("财务科" if kind == "finance" else "人事科", 0)
            skill = "财务" if kind == "finance" else "人事"
            drafts.append(_Draft(name(rng.choice(wording)), Function.SUPPORT, home, skills=(skill,)))
    for _ in range(counts[Function.POLICY]):
        drafts.append(
            _Draft(
                name(rng.choice(POLICY_DUTIES)),
                Function.POLICY,
                index.get("政策法规科", 0),
                skills=_pick_skills(rng, ("法律", "文字综合")),
            )
        )
    for function, templates, skills in (
        (Function.LICENSING, LICENSING_DUTIES, ("法律",)),
        (Function.ENFORCEMENT, ENFORCEMENT_DUTIES, ("法律", "执法")),
        (Function.BUSINESS, BUSINESS_DUTIES, THEME_SKILLS[theme]),
    ):
        for k in range(counts[function]):
            # Business work is spread over every line first so that each business section has some.
            line = lines[k % len(lines)] if function == Function.BUSINESS else rng.choice(lines)
            drafts.append(
                _Draft(
                    name(rng.choice(templates).format(line)),
                    function,
                    _home(function, line, index, line_section, rng),
                    group=line,
                    skills=_pick_skills(rng, skills),
                )
            )

    _fill_empty_sections(drafts, n_sections)
    _draw_workloads(rng, drafts, total_workload, fixed=n_kt_duties)
    duties = _duties(rng, drafts, n_sections)
    sections, staff = _sections_and_staff(rng, section_names, duties, capacities, n_staff)
    return Department(
        name=f"示例{theme}-{seed}",
        sections=tuple(sections),
        duties=tuple(duties),
        staff=tuple(staff),
        key_tasks=tuple(key_tasks),
        source=f"generated: {n_duties} duties, {n_staff} staff, {n_sections} sections, {n_chains} chains, seed {seed}",
    )


def _check_sizes(
    n_duties: int, n_staff: int, n_sections: int, n_chains: int, n_key_tasks: int | None, n_lines: int
) -> None:
    if n_sections < 1:
        raise ValueError("n_sections must be at least 1")
    if n_sections > len(FUNCTIONAL_SECTIONS) + n_lines:
        raise ValueError(f"n_sections must be at most {len(FUNCTIONAL_SECTIONS) + n_lines}")
    if n_staff < 3 * n_sections:
        raise ValueError(
            f"n_staff must be at least 3 per section ({3 * n_sections} for {n_sections} sections)"
        )
    if n_chains < 0 or (n_key_tasks is not None and n_key_tasks < 0):
        raise ValueError("n_chains and n_key_tasks must not be negative")
    kt = min(3, n_staff // 20) if n_key_tasks is None else n_key_tasks
    if n_key_tasks is not None and n_key_tasks > len(KEY_TASK_NAMES):
        raise ValueError(f"n_key_tasks must be at most {len(KEY_TASK_NAMES)}")
    needed = 4 * n_chains + 3 * kt + n_sections + 3
    if n_duties < needed:
        raise ValueError(f"n_duties must be at least {needed} for these chains, key tasks and sections")
    if n_duties < math.ceil(0.75 * n_staff):
        # Fewer duties would each exceed 1.5 FTE to keep the department's workload near its capacity.
        raise ValueError(f"n_duties must be at least {math.ceil(0.75 * n_staff)} for {n_staff} staff")


def _nth(name: str, k: int) -> str:
    """Repeated wording gets an ordinal, as duty lists do: 督查督办, 督查督办（二）..."""
    ordinals = "一二三四五六七八九十"
    if k == 0:
        return name
    return f"{name}（{ordinals[k] if k < len(ordinals) else k + 1}）"


def _pick_skills(rng: random.Random, pool: tuple[str, ...]) -> tuple[str, ...]:
    r = rng.random()
    if r < 0.1:
        return ()
    k = 1 if r < 0.75 or len(pool) < 2 else 2
    return tuple(sorted(rng.sample(pool, k)))


def _home(function: Function, line: str, index: dict[str, int], line_section, rng: random.Random) -> int:
    """Where today's structure keeps a duty: often, but not always, the functional section."""
    if function == Function.LICENSING and "行政许可科" in index and rng.random() < 0.6:
        return index["行政许可科"]
    if function == Function.ENFORCEMENT and "执法监督科" in index and rng.random() < 0.5:
        return index["执法监督科"]
    return line_section(line)


def _function_counts(n_duties: int, n_chains: int, n_kt: int, min_business: int) -> dict[Function, int]:
    """Counts outside chains and key tasks so that the whole list has the mix of a real bureau."""
    rest = n_duties - 4 * n_chains - n_kt
    counts = {
        Function.SUPPORT: max(1, round(0.15 * n_duties)),
        Function.POLICY: max(1, round(0.10 * n_duties)),
        Function.LICENSING: max(1, round(0.15 * n_duties)),
        Function.ENFORCEMENT: max(1, round(0.20 * n_duties) - n_chains),
    }
    while sum(counts.values()) + min_business > rest and any(v > 1 for v in counts.values()):
        biggest = max(counts, key=lambda f: counts[f])
        counts[biggest] -= 1
    counts[Function.BUSINESS] = max(0, rest - sum(counts.values()))
    if counts[Function.BUSINESS] == 0:  # tiny departments: keep the total exact
        excess = sum(counts.values()) - rest
        for f in (Function.ENFORCEMENT, Function.LICENSING, Function.POLICY, Function.SUPPORT):
            take = min(excess, counts[f])
            counts[f] -= take
            excess -= take
    return counts


def _fill_empty_sections(drafts: list[_Draft], n_sections: int) -> None:
    """Every section of today holds some work: take a duty from the fullest section."""
    for s in range(n_sections):
        if any(d.section == s for d in drafts):
            continue
        held: dict[int, int] = {}
        for d in drafts:
            if d.section is not None and d.function != Function.KEY_TASK:
                held[d.section] = held.get(d.section, 0) + 1
        donor = max(held, key=lambda k: (held[k], -k))
        movable = [
            d for d in drafts if d.section == donor and d.chain is None and d.function != Function.KEY_TASK
        ]
        (movable or [d for d in drafts if d.section == donor])[-1].section = s


def _draw_workloads(rng: random.Random, drafts: list[_Draft], total: float, *, fixed: int) -> None:
    """Workloads 0.1-1.5 FTE summing to about ``total`` (key-task duties, the first ``fixed``, are set)."""
    free = drafts[fixed:]
    target = total - sum(d.workload for d in drafts[:fixed])
    raw = [rng.lognormvariate(0.0, 0.6) for _ in free]
    scale = target / sum(raw)
    for _ in range(20):  # rescale after clipping until the sum settles
        values = [min(1.5, max(0.1, r * scale)) for r in raw]
        s = sum(values)
        if abs(s - target) < 1e-6 or s >= 1.5 * len(free) - 1e-9:
            break
        scale *= target / s
    for d, v in zip(free, values, strict=True):
        d.workload = v
    for d in drafts:
        d.workload = min(1.5, max(0.1, round(d.workload, 2)))


def _duties(rng: random.Random, drafts: list[_Draft], n_sections: int) -> list[Duty]:
    """Ids in the order of today's sections, new duties last, as a duty list is usually kept."""
    order = sorted(
        range(len(drafts)), key=lambda i: (n_sections if drafts[i].section is None else drafts[i].section, i)
    )
    width = max(3, len(str(len(drafts))))
    duties = []
    for k, i in enumerate(order, start=1):
        d = drafts[i]
        low = high = None
        if rng.random() < 0.8:  # most duties carry a range for the simulation
            low = min(d.workload, max(0.05, round(d.workload * rng.uniform(0.6, 0.9), 2)))
            high = max(d.workload, round(d.workload * rng.uniform(1.1, 1.6), 2))
        duties.append(
            Duty(
                id=f"D{k:0{width}d}",
                name=d.name,
                function=d.function,
                workload_fte=d.workload,
                current_section=None if d.section is None else _section_id(d.section, n_sections),
                group=d.group,
                chain=d.chain,
                stage=d.stage,
                skills=d.skills,
                key_task=d.key_task,
                workload_low=low,
                workload_high=high,
            )
        )
    return duties


def _section_id(i: int, n_sections: int) -> str:
    return f"S{i + 1:0{max(2, len(str(n_sections)))}d}"


def _key_tasks(rng: random.Random, n: int) -> list[KeyTask]:
    names = rng.sample(KEY_TASK_NAMES, n)
    tasks = []
    for k, name in enumerate(names, start=1):
        start = 2024 * 12 + rng.randrange(24)  # months since year 0: a start in 2024 or 2025
        end = start + rng.randrange(12, 37) - 1
        tasks.append(KeyTask(f"KT{k}", name, _month(start), _month(end)))
    return tasks


def _month(m: int) -> str:
    return f"{m // 12:04d}-{m % 12 + 1:02d}"


def _sections_and_staff(
    rng: random.Random, names: list[str], duties: list[Duty], capacities: list[float], n_staff: int
) -> tuple[list[Section], list[Person]]:
    n = len(names)
    ids = [_section_id(i, n) for i in range(n)]
    load = {sid: 0.0 for sid in ids}
    skills: dict[str, list[str]] = {sid: [] for sid in ids}
    for d in duties:
        if d.current_section is not None:
            load[d.current_section] += d.workload_fte
            skills[d.current_section] += d.skills
    # Staff roughly follow today's workload, with the unevenness a reform should remove.
    weights = [max(0.1, load[sid]) * rng.uniform(0.75, 1.25) for sid in ids]
    headcount = _largest_remainder([3] * n, weights, n_staff - 3 * n)
    deputies = [min(rng.choices((0, 1, 2), weights=(35, 45, 20))[0], (h - 1) // 2) for h in headcount]
    # Posts must fit a plan of at most 12 sections with 1 chief and <= 3 deputies each.
    plan_sections = min(n, MAX_PLAN_SECTIONS)
    while n + sum(deputies) - plan_sections > MAX_DEPUTIES * plan_sections:
        deputies[deputies.index(max(deputies))] -= 1
    sections = [
        Section(id=sid, name=name, chief_posts=1, deputy_posts=deputies[i])
        for i, (sid, name) in enumerate(zip(ids, names, strict=True))
    ]
    people: list[Person] = []
    width = max(3, len(str(n_staff)))
    taken: set[str] = set()
    for i, sid in enumerate(ids):
        for k in range(headcount[i]):
            rank = Rank.CHIEF if k == 0 else Rank.DEPUTY if k <= deputies[i] else Rank.STAFF
            pool = skills[sid] or ["文字综合"]
            own = {rng.choice(pool) for _ in range(rng.choice((1, 1, 2)))}
            if rng.random() < 0.15:
                own.add(rng.choice(("法律", "财务", "信息化", "工程", "统计", "文字综合")))
            people.append(
                Person(
                    id=f"P{len(people) + 1:0{width}d}",
                    rank=rank,
                    name=_person_name(rng, taken),
                    current_section=sid,
                    establishment=rng.choices(
                        (Establishment.ADMINISTRATIVE, Establishment.INSTITUTION, Establishment.OTHER),
                        weights=(80, 15, 5),
                    )[0],
                    capacity_fte=capacities[len(people)],
                    skills=tuple(sorted(own)),
                    years_in_post=round(rng.uniform(0.5, 12.0), 1),
                    movable=rank != Rank.STAFF or rng.random() >= 0.06,
                )
            )
    if n_staff >= 10 and all(p.movable for p in people):
        # A department always has someone who cannot be moved (e.g. a specialist post).
        k = next(i for i, p in enumerate(people) if p.rank == Rank.STAFF)
        people[k] = replace(people[k], movable=False)
    return sections, people


def _largest_remainder(base: list[int], weights: list[float], extra: int) -> list[int]:
    total = sum(weights)
    quotas = [extra * w / total for w in weights]
    out = [b + math.floor(q) for b, q in zip(base, quotas, strict=True)]
    rest = extra - sum(math.floor(q) for q in quotas)
    for i in sorted(range(len(weights)), key=lambda i: (-(quotas[i] - math.floor(quotas[i])), i))[:rest]:
        out[i] += 1
    return out


def _person_name(rng: random.Random, taken: set[str]) -> str:
    for _ in range(50):
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
        if name not in taken:
            taken.add(name)
            return name
    name = rng.choice(SURNAMES) + rng.choice(GIVEN) + str(len(taken))
    taken.add(name)
    return name
