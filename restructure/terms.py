"""The planners' words (glossary) for functions, rules and KPIs, in Chinese and English.

One table each, so the CLI, the app, the exports and the explanations say the same thing.
"""

from __future__ import annotations

from restructure.domain import Department, Function, Status, exact

FUNCTION_ZH: dict[Function, str] = {
    Function.SUPPORT: "综合保障",
    Function.POLICY: "政策法规",
    Function.BUSINESS: "业务",
    Function.LICENSING: "行政许可",
    Function.ENFORCEMENT: "监管执法",
    Function.KEY_TASK: "重点工作",
}
FUNCTION_EN: dict[Function, str] = {
    Function.SUPPORT: "comprehensive support",
    Function.POLICY: "policy and regulation",
    Function.BUSINESS: "business",
    Function.LICENSING: "licensing",
    Function.ENFORCEMENT: "supervision and enforcement",
    Function.KEY_TASK: "key task",
}

# solver verdict -> (zh, en), as the CLI and the app say it
STATUS: dict[Status, tuple[str, str]] = {
    Status.OPTIMAL: ("已证明最优", "optimal (proven)"),
    Status.FEASIBLE: ("可行（未证明最优）", "feasible (not proven optimal)"),
    Status.INFEASIBLE: ("无可行方案", "infeasible"),
    Status.UNKNOWN: ("时限内未找到方案", "no plan within the time limit"),
    Status.INVALID: ("方案未通过独立校验", "rejected by the independent check"),
}

# rule key -> (zh, en) short names, as shown in the checks panel
RULES: dict[str, tuple[str, str]] = {
    "one_section_per_duty": ("每项职责由一个科室承担", "every duty has one owner"),
    "successors": ("现有科室由一个新科室延续", "each of today's sections continued once"),
    "max_basic_sections": ("基本科室数上限", "basic sections cap"),
    "max_dynamic_sections": ("动态科室数上限", "dynamic sections cap"),
    "keep_section_count": ("内设机构个数不变", "section count unchanged"),
    "keep_leadership_posts": ("领导职数不变", "leadership posts unchanged"),
    "leadership_posts_cap": ("领导职数不超过现有", "leadership posts within today's"),
    "one_chief_post": ("每个科室1个正职", "one chief post per section"),
    "max_deputies_per_section": ("每科室副职上限", "deputy posts per section cap"),
    "people_per_deputy_post": ("副职管理幅度", "span of control (deputies)"),
    "posts_need_people": ("副职数不超过科室人数减1", "deputy posts within the headcount"),
    "posts_filled_by_leaders": ("职务由现任领导担任", "posts held by current leaders"),
    "one_post_per_person": ("一人一职", "one post per person"),
    "post_counts": ("职数不为负", "post counts not negative"),
    "known_ids": ("编号在部门数据中", "ids in the department's data"),
    "unique_section_ids": ("科室代码不重复", "section codes unique"),
    "single_section": ("职能集中在一个科室", "function in one section"),
    "dynamic_for_key_tasks_only": ("动态科室只承担重点工作", "dynamic sections for key tasks only"),
    "max_nonbusiness_section_share": ("非业务科室比例上限", "non-business sections share cap"),
    "min_business_staff_share": ("业务科室人员比例下限", "business staff share floor"),
    "separate_stages": ("横向分权制衡", "checks and balances"),
    "apart": ("须分设", "kept apart"),
    "together": ("须同设", "kept together"),
    "keep_section": ("保留原科室", "section kept as is"),
    "duty_section": ("职责固定科室", "duty placed by hand"),
    "immovable": ("人员不可调动", "staff who cannot move"),
    "min_section_staff": ("科室最少人数", "minimum staff per section"),
    "max_section_staff": ("科室最多人数", "maximum staff per section"),
    "max_load_deviation": ("工作量均衡（忙闲不均）", "workload balance"),
    "max_staff_moves": ("人员调整比例上限", "staff moves cap"),
    "robust_load": ("稳健均衡（工作量上浮）", "robust balance (workload toward high)"),
    "robust_margin": ("稳健均衡：工作量上浮比例", "robust balance: share toward high estimates"),
}

# soft goal -> (zh, en, unit zh, unit en)
TERMS: dict[str, tuple[str, str, str, str]] = {
    "balance": ("工作量均衡", "balance", "人年偏差", "FTE off the even share"),
    "cohesion": ("业务板块集中", "cohesion", "次拆分", "extra sections per business line"),
    "disruption": ("调整幅度", "disruption", "项/人调整", "duties and people moved"),
    "skills": ("专业匹配", "skills", "项技能缺口", "skill gaps"),
    "posts": ("职务变动", "posts", "人次职务变动或职位空缺", "post changes and vacant posts"),
    "structure": ("科室设置充分", "structure", "个科室缺口", "sections short of what the posts allow"),
    "span": ("科室规模适度", "section size", "人超出科室规模上限", "people beyond the section size ceiling"),
    "key_tasks": (
        "重点工作进专班",
        "key tasks in dynamic sections",
        "项重点工作职责未进动态科室",
        "key-task duties outside a dynamic section",
    ),
}

KPIS: dict[str, tuple[str, str]] = {
    "sections_basic": ("基本科室数", "basic sections"),
    "sections_dynamic": ("动态科室数", "dynamic sections"),
    "chief_posts": ("正职职数", "chief posts"),
    "deputy_posts": ("副职职数", "deputy posts"),
    "max_load_ratio": ("最高人均工作量比", "max load ratio"),
    "min_load_ratio": ("最低人均工作量比", "min load ratio"),
    "stage_conflicts": ("同科室环节冲突", "stage conflicts"),
    "duties_moved": ("调整职责数", "duties moved"),
    "staff_moved": ("调整人员数", "staff moved"),
    "business_staff_share": ("业务科室人员占比", "business staff share"),
    "nonbusiness_section_share": ("非业务科室占比", "non-business section share"),
    "groups_split": ("被拆分的业务板块", "groups split"),
    "post_changes": ("职务变动人数", "post changes"),
    "vacant_chief_posts": ("正职空缺", "vacant chief posts"),
    "vacant_deputy_posts": ("副职空缺", "vacant deputy posts"),
    "skill_gaps": ("技能缺口", "skill gaps"),
}

# common chain stages (the contract's examples) in the planners' words
STAGE_ZH: dict[str, str] = {
    "guideline": "指南编制",
    "review": "专家评审",
    "implementation": "组织实施",
    "supervision": "监督管理",
    "evaluation": "绩效评价",
    "planning": "规划编制",
    "use_control": "用途管制",
    "restoration": "生态修复",
    "allocation": "资金分配",
    "disbursement": "资金拨付",
}


STAGE_EN: dict[str, str] = {
    "guideline": "guideline-setting",
    "review": "expert review",
    "implementation": "implementation",
    "supervision": "supervision",
    "evaluation": "evaluation",
    "planning": "planning",
    "use_control": "use control",
    "restoration": "restoration",
    "allocation": "allocation",
    "disbursement": "disbursement",
}


def stage_zh(stage: str) -> str:
    return STAGE_ZH.get(stage, stage)


def stage_en(stage: str) -> str:
    return STAGE_EN.get(stage, stage)


# A unit's head is called after its unit word, as 三定 texts do (大队长, 主任, 科长); longer words
# first, so 大队 is not read as 队.
_HEADS = (
    ("大队", "大队长"),
    ("支队", "支队长"),
    ("中队", "中队长"),
    ("中心", "主任"),
    ("室", "主任"),
    ("处", "处长"),
    ("股", "股长"),
    ("所", "所长"),
    ("站", "站长"),
    ("队", "队长"),
)


def head_titles(section_name: str) -> tuple[str, str]:
    """(chief, deputy) post titles of a section in Chinese, after its unit word: a 大队 has a 大队长
    and 副大队长, a 中心 or 室 a 主任 and 副主任; 科长 and 副科长 otherwise (科, 专班)."""
    if section_name.endswith("政治处"):  # a police 政治处 is headed by its 主任, other 处 by a 处长
        return "主任", "副主任"
    for unit, title in _HEADS:
        if section_name.endswith(unit) and len(section_name) > len(unit):
            return title, f"副{title}"
    return "科长", "副科长"


def deputy_span(n: int) -> tuple[str, str]:
    """The span of control as the model's explanation and the checker both say it."""
    return (
        f"科室除科长外每{n}人至多配1名副职（管理幅度）",
        f"at most one deputy post for every {n} people besides the chief (span of control)",
    )


def deputy_cap(n: int) -> tuple[str, str]:
    """The deputy-post cap as the model's explanation and the checker both say it."""
    return f"每个科室副职不超过{n}名", f"at most {n} deputy post{'' if n == 1 else 's'} per section"


# KPIs that are shares of a whole: shown as percentages wherever a person reads them (the CLI,
# the app, the workbook); data files keep the plain fraction.
SHARE_KPIS = frozenset({"business_staff_share", "nonbusiness_section_share"})
RATIO_KPIS = frozenset({"max_load_ratio", "min_load_ratio"})

MAX_DECIMALS = 6  # of a percentage; beyond this a share is printed rounded


def _decimals(value: float) -> int:
    """Decimals a percentage needs to be printed exactly (0.2496 -> 24.96 -> 2)."""
    pct = exact(value) * 100
    dec = 0
    while (pct * 10**dec).denominator != 1 and dec < MAX_DECIMALS:
        dec += 1
    return dec


def percent(value: float) -> str:
    """A share typed by the planner as a percentage, exactly: 0.25 -> 25%, 0.2496 -> 24.96%."""
    return f"{float(exact(value) * 100):.{_decimals(value)}f}%"


def percents(value: float, limit: float) -> tuple[str, str]:
    """A measured share and its limit as percentages that never contradict: the limit exactly,
    the share with no more decimals than needed, but enough that a share other than the limit
    never prints as the limit (25% against a 24.96% cap, 24.96% against a 25% one)."""
    shown, cap = exact(value) * 100, exact(limit) * 100
    dec = min(_decimals(value), _decimals(limit))
    while shown != cap and round(shown, dec) == cap and dec < MAX_DECIMALS:
        dec += 1
    return f"{float(shown):.{dec}f}%", percent(limit)


def item_label(dept: Department, item: str) -> tuple[str, str]:
    """A duty or a person as a rule's sentence names them: the name with the id in brackets,
    尹军国（P001）; the bare id when there is no name (or the id is not the department's)."""
    name = None
    if item in {d.id for d in dept.duties}:
        name = dept.duty(item).name
    elif item in {p.id for p in dept.staff}:
        name = dept.person(item).name
    return (f"{name}（{item}）", f"{name} ({item})") if name else (item, item)


def item_labels(dept: Department, items: list[str]) -> tuple[str, str]:
    """Several items, joined as each language lists them."""
    labels = [item_label(dept, x) for x in items]
    return "、".join(zh for zh, _ in labels), ", ".join(en for _, en in labels)
