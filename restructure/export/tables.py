"""Display tables: the plan's tables with headers and values in the planner's language.

Every export format (CSV, xlsx, Markdown, docx) starts from ``display_tables``, which starts
from ``plan_io.plan_tables``; so a number, a name or a section never differs between formats.
Pseudonymising happens here too, once, so no format can forget it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from restructure.check import balance_step, span_ceiling, unrelated_merges
from restructure.domain import Department, Finding, Function, Plan, Scenario
from restructure.plan_io import plan_tables
from restructure.terms import FUNCTION_EN, FUNCTION_ZH, KPIS, RULES, STAGE_EN, STAGE_ZH, TERMS

LANGS = ("zh", "en")

# Sheet / table titles, (zh, en).
TABLE_TITLES: dict[str, tuple[str, str]] = {
    "sections": ("科室", "Sections"),
    "duties": ("职责", "Duties"),
    "staff": ("人员与岗位", "Staff & posts"),
    "changes": ("变更清单", "Changes"),
    "kpis": ("指标", "KPI"),
    "objective": ("目标分解", "Objective breakdown"),
    "checks": ("规则检查", "Checks"),
}

# Column headers, (zh, en). Keys are plan_tables' column keys plus the KPI and check tables'.
HEADERS: dict[str, dict[str, tuple[str, str]]] = {
    "sections": {
        "id": ("科室代码", "Section code"),
        "name": ("科室名称", "Section name"),
        "kind": ("类型", "Kind"),
        "main_function": ("主要职能", "Main function"),
        "key_task": ("重点工作代码", "Key task code"),
        "key_task_name": ("重点工作", "Key task"),
        "successor_of": ("承接现有科室代码", "Continues (codes)"),
        "successor_of_names": ("承接现有科室", "Continues"),
        "duties": ("职责事项数", "Duties"),
        "staff": ("人数", "Staff"),
        "workload_fte": ("工作量（FTE）", "Workload (FTE)"),
        "capacity_fte": ("人力（FTE）", "Capacity (FTE)"),
        "load_per_fte": ("人均工作量", "Workload per FTE"),
        "chief_posts": ("正科职数", "Chief posts"),
        "deputy_posts": ("副科职数", "Deputy posts"),
        "chief": ("科长代码", "Chief code"),
        "chief_name": ("科长", "Chief"),
        "deputies": ("副科长代码", "Deputy codes"),
        "deputy_names": ("副科长", "Deputies"),
    },
    "duties": {
        "id": ("职责代码", "Duty code"),
        "name": ("职责事项", "Duty"),
        "function": ("职能", "Function"),
        "group": ("业务板块", "Business line"),
        "chain": ("分权制衡链条", "Chain"),
        "stage": ("环节", "Stage"),
        "workload_fte": ("工作量（FTE）", "Workload (FTE)"),
        "current_section": ("现科室代码", "Today's section code"),
        "current_section_name": ("现科室", "Today's section"),
        "section": ("新科室代码", "Plan section code"),
        "section_name": ("新科室", "Plan section"),
        "moved": ("是否调整", "Moved"),
        "reason_zh": ("理由", "Reason (zh)"),
        "reason_en": ("理由（英文）", "Reason"),
    },
    "staff": {
        "id": ("人员代码", "Staff code"),
        "name": ("姓名", "Name"),
        "rank": ("现职务", "Post today"),
        "establishment": ("编制类型", "Establishment"),
        "capacity_fte": ("可承担工作量（FTE）", "Capacity (FTE)"),
        "current_section": ("现科室代码", "Today's section code"),
        "current_section_name": ("现科室", "Today's section"),
        "section": ("新科室代码", "Plan section code"),
        "section_name": ("新科室", "Plan section"),
        "post": ("新岗位", "Post in plan"),
        "moved": ("是否调整科室", "Moved"),
        "post_changed": ("职务是否变化", "Post changed"),
        "reason_zh": ("理由", "Reason (zh)"),
        "reason_en": ("理由（英文）", "Reason"),
    },
    "changes": {
        "kind": ("类型", "Kind"),
        "item": ("事项代码", "Item"),
        "name": ("名称", "Name"),
        "from_section": ("原科室代码", "From (code)"),
        "from_section_name": ("原科室", "From"),
        "to_section": ("新科室代码", "To (code)"),
        "to_section_name": ("新科室", "To"),
        "detail_zh": ("说明", "Detail (zh)"),
        "detail_en": ("说明（英文）", "Detail"),
    },
    "kpis": {
        "kpi": ("指标代码", "KPI code"),
        "label": ("指标", "KPI"),
        "baseline": ("现状", "Today"),
        "plan": ("方案", "Plan"),
        "delta": ("变化", "Change"),
    },
    "objective": {
        "term": ("目标代码", "Goal code"),
        "label": ("目标", "Goal"),
        "amount": ("数量", "Amount"),
        "unit": ("单位", "Unit"),
        "points": ("计分", "Points"),
    },
    "checks": {
        "rule": ("规则", "Rule"),
        "instance": ("对象", "Instance"),
        "status": ("结果", "Result"),
        "message_zh": ("说明", "Message (zh)"),
        "message_en": ("说明（英文）", "Message"),
    },
}

# Coded values shown in the planner's words (docs/glossary.md).
VALUE_LABELS: dict[str, tuple[str, str]] = {
    "basic": ("基本科室", "basic section"),
    "dynamic": ("动态科室", "dynamic section"),
    **{f.value: (FUNCTION_ZH[f], FUNCTION_EN[f]) for f in Function},
    "chief": ("科长", "section chief"),
    "deputy": ("副科长", "deputy chief"),
    "staff": ("一般干部", "staff"),
    "administrative": ("行政编制", "administrative"),
    "institution": ("事业编制", "institutional"),
    "other": ("其他", "other"),
    **{stage: (zh, STAGE_EN[stage]) for stage, zh in STAGE_ZH.items()},
    "duty_move": ("职责调整", "duty move"),
    "duty_new": ("新增职责", "new duty"),
    "staff_move": ("人员调整", "staff move"),
    "staff_new": ("新进人员", "new staff"),
    "post_change": ("职务变化", "post change"),
    "vacancy": ("职位空缺", "vacancy"),
    "met": ("符合", "met"),
    "violated": ("不符合", "violated"),
    "binding": ("达到上限", "binding"),
    "conflict": ("冲突", "conflict"),
    "kpi_recheck": ("指标复核", "KPI re-check"),
    "all": ("全部规则", "all rules"),
    **RULES,
}

# Which columns hold coded values (translated) and which hold booleans.
CODED_COLUMNS: dict[str, frozenset[str]] = {
    "sections": frozenset({"kind", "main_function"}),
    "duties": frozenset({"function", "stage"}),
    "staff": frozenset({"rank", "establishment", "post"}),
    "changes": frozenset({"kind"}),
    "kpis": frozenset(),
    "objective": frozenset(),
    "checks": frozenset({"rule", "status"}),
}

# Code column -> the name column beside it; a document for people shows one column,
# 王五（P001）, where the data files keep both.
NAMED_CODES: dict[str, dict[str, str]] = {
    "sections": {"key_task": "key_task_name", "chief": "chief_name", "deputies": "deputy_names"},
    "changes": {"from_section": "from_section_name", "to_section": "to_section_name"},
}

# Text written in both languages: (zh column, en column). Data files keep both; a document
# for people shows the one in its language.
BILINGUAL: dict[str, tuple[str, str]] = {
    "duties": ("reason_zh", "reason_en"),
    "staff": ("reason_zh", "reason_en"),
    "changes": ("detail_zh", "detail_en"),
    "checks": ("message_zh", "message_en"),
}

KPI_LABELS: dict[str, tuple[str, str]] = dict(KPIS)

FTE_FORMAT = "0.00"
RATIO_FORMAT = "0.000"
INT_FORMAT = "0"
NUMBER_FORMATS: dict[str, dict[str, str]] = {
    "sections": {
        "duties": INT_FORMAT,
        "staff": INT_FORMAT,
        "workload_fte": FTE_FORMAT,
        "capacity_fte": FTE_FORMAT,
        "load_per_fte": RATIO_FORMAT,
        "chief_posts": INT_FORMAT,
        "deputy_posts": INT_FORMAT,
    },
    "duties": {"workload_fte": FTE_FORMAT},
    "staff": {"capacity_fte": FTE_FORMAT},
    "changes": {},
    "kpis": {"baseline": RATIO_FORMAT, "plan": RATIO_FORMAT, "delta": RATIO_FORMAT},
    "objective": {"amount": "0.####", "points": FTE_FORMAT},
    "checks": {},
}


def _lang_index(lang: str) -> int:
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}, got {lang!r}")
    return LANGS.index(lang)


def label(pair: tuple[str, str], lang: str) -> str:
    return pair[_lang_index(lang)]


def value_label(value: str, lang: str) -> str:
    pair = VALUE_LABELS.get(value)
    return label(pair, lang) if pair else value


def kpi_label(key: str, lang: str) -> str:
    pair = KPI_LABELS.get(key)
    return label(pair, lang) if pair else key


def instance_label(rule: str, instance: str, lang: str) -> str:
    """Which instance of a rule in the planner's words: a function (综合保障, not support), a
    chain, a section id, or the n-th together/apart group."""
    if rule in ("together", "apart") and instance.isdigit():
        return f"第{instance}组" if lang == "zh" else f"group {instance}"
    return value_label(instance, lang) if instance else ""


def bool_label(value: bool, lang: str) -> str:
    return ("是" if value else "否") if lang == "zh" else ("yes" if value else "no")


@dataclass(frozen=True)
class Table:
    """One display table: what a sheet, a CSV file or a Markdown table shows."""

    key: str  # sections, duties, staff, changes, kpis, checks
    title: str  # sheet name in the chosen language
    columns: tuple[str, ...]  # column keys (stable, English)
    headers: tuple[str, ...]  # column headers in the chosen language
    rows: tuple[tuple[Any, ...], ...]
    number_formats: Mapping[str, str] = field(default_factory=dict)  # column key -> Excel number format
    lang: str = "zh"


# ---------------------------------------------------------------------------------------
# Pseudonyms
# ---------------------------------------------------------------------------------------


def pseudonym(staff_id: str, lang: str = "zh") -> str:
    """A stable stand-in for a person's name: the staff code, which the staffing office can map back."""
    return f"人员{staff_id}" if lang == "zh" else f"Person {staff_id}"


def name_replacements(department: Department, lang: str = "zh") -> dict[str, str]:
    """Real name -> pseudonym for everyone on the register who has a name."""
    return {p.name: pseudonym(p.id, lang) for p in department.staff if p.name and p.name.strip()}


def make_redactor(department: Department, lang: str = "zh"):
    """A function that replaces every real name inside a text by its pseudonym."""
    mapping = name_replacements(department, lang)
    if not mapping:
        return lambda text: text
    # Longest names first, so 欧阳明 is not half-replaced by a rule for 欧阳.
    pattern = re.compile("|".join(re.escape(n) for n in sorted(mapping, key=len, reverse=True)))

    def redact(text: Any) -> Any:
        if isinstance(text, str) and text:
            return pattern.sub(lambda m: mapping[m.group(0)], text)
        return text

    return redact


def redact_tree(value: Any, redact) -> Any:
    """Apply ``redact`` to every string in a JSON-like tree (dicts, lists)."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, Mapping):
        return {k: redact_tree(v, redact) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [redact_tree(v, redact) for v in value]
    return value


# ---------------------------------------------------------------------------------------
# KPI and check rows
# ---------------------------------------------------------------------------------------


def kpi_rows(plan: Plan, lang: str = "zh") -> list[dict[str, Any]]:
    """One row per KPI: today, plan and the change; known KPIs first in contract order."""
    keys = [k for k in KPI_LABELS if k in plan.kpis or k in plan.baseline_kpis]
    keys += sorted(k for k in {*plan.kpis, *plan.baseline_kpis} if k not in KPI_LABELS)
    rows = []
    for k in keys:
        base = plan.baseline_kpis.get(k)
        new = plan.kpis.get(k)
        delta = round(new - base, 6) if base is not None and new is not None else None
        rows.append({"kpi": k, "label": kpi_label(k, lang), "baseline": base, "plan": new, "delta": delta})
    return rows


def term_label(key: str, lang: str) -> str:
    """A soft goal's name in the planner's language (工作量均衡 / balance); unknown keys as they are."""
    return TERMS[key][_lang_index(lang)] if key in TERMS else key


def objective_rows(plan: Plan, lang: str = "zh") -> list[dict[str, Any]]:
    """The objective broken down (目标分解): one row per soft goal the plan records, with its
    amount in natural units and its points; the points add up to the objective."""
    i = _lang_index(lang)
    keys = [k for k in TERMS if k in plan.terms or k in plan.term_units]
    keys += sorted(k for k in {*plan.terms, *plan.term_units} if k not in TERMS)
    rows = []
    for k in keys:
        rows.append(
            {
                "term": k,
                "label": term_label(k, lang),
                "amount": plan.term_units.get(k),
                "unit": TERMS[k][2 + i] if k in TERMS else "",
                "points": plan.terms.get(k),
            }
        )
    return rows


def objective_notes(plan: Plan, scenario: Scenario, lang: str = "zh") -> list[str]:
    """How two goals count, in the planner's words: balance in steps of FTE, and the size above
    which a section pays for the ``span`` goal."""
    zh = _lang_index(lang) == 0
    notes = []
    if plan.term_units.get("balance"):
        step = f"{balance_step(scenario.department):g}"
        notes.append(
            f"工作量均衡按每个科室超出内带的部分计分，以{step}人年为一档向上取整"
            if zh
            else f"balance scores each section's excess over the inner band in steps of {step} FTE, rounded up"
        )
    if "span" in plan.terms and scenario.objective.span > 0:
        ceiling, ratio = span_ceiling(scenario), f"{scenario.objective.span_ratio:g}"
        notes.append(
            f"科室规模上限{ceiling}人（平均科室人数的{ratio}倍），超出的每人计入“科室规模适度”"
            if zh
            else f"section size ceiling {ceiling} people ({ratio} x the average section); each person beyond it "
            "counts under section size"
        )
    notes.extend(_key_task_notes(plan, scenario, zh))
    notes.extend(_merge_notes(plan, scenario, zh))
    return notes


def _merge_notes(plan: Plan, scenario: Scenario, zh: bool) -> list[str]:
    """Merges of business lines the scenario does not name as akin: the goals cannot tell a
    similar merge from a dissimilar one, so the planner is told which merges that left open."""
    out = []
    for sec, families in unrelated_merges(scenario, plan.sections):
        if zh:
            listed = " 与 ".join("、".join(f) for f in families)
        else:
            listed = " with ".join(", ".join(f) for f in families)
        out.append(
            f"「{sec.name}」合并了未列为相近的板块：{listed}；哪些科室合并由其余目标决定，"
            "如这些板块确属相近，或另有应合并的相近板块，可在方案的 related_groups 中列出"
            if zh
            else f"{sec.name} merges lines not named akin: {listed}; which sections merge was left to "
            "the other goals: name akin lines in the scenario's related_groups to guide it"
        )
    return out


def _key_task_notes(plan: Plan, scenario: Scenario, zh: bool) -> list[str]:
    """Why key-task duties can stay in basic sections, where a rule makes a task force cost
    something: keeping the section count (a 专班 takes a standing section's place), or the cap
    on dynamic sections already reached. The planner sees the rule, not just the points."""
    outside = plan.term_units.get("key_tasks") or 0
    if not outside:
        return []
    n = f"{outside:g}"
    dynamic, cap = int(plan.kpis.get("sections_dynamic", 0)), scenario.rules.max_dynamic_sections
    if scenario.rules.keep_section_count:
        return [
            f"内设机构个数不变：每设一个动态科室须相应撤并一个基本科室；本方案有{n}项重点工作职责仍在基本科室，每项计入“重点工作进专班”"
            if zh
            else f"section count kept: each dynamic section takes a basic section's place; this plan leaves {n} "
            "key-task duties in basic sections, each counted under key tasks in dynamic sections"
        ]
    if dynamic >= cap:
        return [
            f"动态科室已达上限{cap}个；本方案有{n}项重点工作职责仍在基本科室，每项计入“重点工作进专班”"
            if zh
            else f"dynamic sections at their cap of {cap}; this plan leaves {n} key-task duties in basic sections, "
            "each counted under key tasks in dynamic sections"
        ]
    return []


def _finding_row(item: Any) -> dict[str, Any]:
    if isinstance(item, Finding):
        return {
            "rule": item.rule,
            "instance": item.instance,
            "status": item.status,
            "message_zh": item.zh,
            "message_en": item.en,
        }
    # A checker item of another shape: keep what it says, never drop it.
    zh = getattr(item, "zh", None) or str(item)
    en = getattr(item, "en", None) or str(item)
    return {
        "rule": str(getattr(item, "rule", "") or getattr(item, "kpi", "")),
        "instance": str(getattr(item, "instance", "") or ""),
        "status": str(getattr(item, "status", "violated") or "violated"),
        "message_zh": zh,
        "message_en": en,
    }


def check_rows(checks: Any) -> list[dict[str, Any]]:
    """Rows of the checks table from a CheckReport (``.findings``, ``.kpi_mismatches``) or Findings."""
    if checks is None:
        return []
    if hasattr(checks, "findings") or hasattr(checks, "violations"):
        items = list(getattr(checks, "findings", None) or getattr(checks, "violations", ()))
        rows = [_finding_row(i) for i in items]
        for m in getattr(checks, "kpi_mismatches", ()):
            rows.append(
                {
                    "rule": "kpi_recheck",
                    "instance": "",
                    "status": "violated",
                    "message_zh": f"指标复核不一致：{m}",
                    "message_en": f"KPI re-check differs: {m}",
                }
            )
        if not rows and getattr(checks, "ok", False):
            rows.append(
                {
                    "rule": "all",
                    "instance": "",
                    "status": "met",
                    "message_zh": "方案符合全部规则，指标复核一致。",
                    "message_en": "The plan meets every rule and its KPIs recompute the same.",
                }
            )
        return rows
    return [_finding_row(i) for i in checks]


# ---------------------------------------------------------------------------------------
# The display tables
# ---------------------------------------------------------------------------------------


def _display_value(table: str, column: str, value: Any, lang: str, rule: str = "") -> Any:
    if isinstance(value, bool):
        return bool_label(value, lang)
    if value is None:
        return ""
    if column in CODED_COLUMNS[table] and isinstance(value, str):
        return value_label(value, lang)
    if table == "checks" and column == "instance" and isinstance(value, str):
        return instance_label(rule, value, lang)
    return value


def _make_table(key: str, rows: list[dict[str, Any]], lang: str, redact) -> Table:
    header_map = HEADERS[key]
    columns = tuple(rows[0]) if rows else tuple(header_map)
    i = _lang_index(lang)
    headers = tuple(header_map[c][i] if c in header_map else c for c in columns)
    body = tuple(
        tuple(redact(_display_value(key, c, r.get(c), lang, str(r.get("rule", "")))) for c in columns)
        for r in rows
    )
    return Table(
        key=key,
        title=TABLE_TITLES[key][i],
        columns=columns,
        headers=headers,
        rows=body,
        number_formats=dict(NUMBER_FORMATS.get(key, {})),
        lang=lang,
    )


def _named(code: Any, name: Any, lang: str) -> str:
    """王五（P001）; several ;-separated codes pair with as many names; a code without a name stays."""
    codes = [c for c in str(code).split(";") if c] if code else []
    names = str(name).split(";") if name else []
    if len(names) != len(codes):
        names = [""] * len(codes)
    left, right, sep = ("（", "）", "；") if lang == "zh" else (" (", ")", "; ")
    return sep.join(f"{n}{left}{c}{right}" if n else c for c, n in zip(codes, names, strict=True))


def for_people(table: Table) -> Table:
    """The table as a document for people shows it (workbook, app): each code with its name in
    one column, 王五（P001）, and the bilingual text in the table's language only."""
    pairs = NAMED_CODES.get(table.key, {})
    drop = set(pairs.values())
    bilingual = BILINGUAL.get(table.key)
    if bilingual:
        drop.add(bilingual[1] if table.lang == "zh" else bilingual[0])
    keep = [i for i, c in enumerate(table.columns) if c not in drop]
    if len(keep) == len(table.columns):
        return table
    at = {c: i for i, c in enumerate(table.columns)}

    def cell(row: tuple[Any, ...], i: int) -> Any:
        c = table.columns[i]
        if c in pairs and pairs[c] in at:
            return _named(row[i], row[at[pairs[c]]], table.lang)
        return row[i]

    # A merged column takes the name column's header (科长, not 科长代码).
    headers = tuple(
        table.headers[at[pairs[table.columns[i]]]]
        if table.columns[i] in pairs and pairs[table.columns[i]] in at
        else table.headers[i]
        for i in keep
    )
    return replace(
        table,
        columns=tuple(table.columns[i] for i in keep),
        headers=headers,
        rows=tuple(tuple(cell(r, i) for i in keep) for r in table.rows),
    )


def display_tables(
    plan: Plan,
    department: Department,
    *,
    lang: str = "zh",
    pseudonymise: bool = False,
    checks: Any = None,
) -> dict[str, Table]:
    """sections, duties, staff, changes, kpis, objective (and checks when given) ready to write in
    any format."""
    _lang_index(lang)
    redact = make_redactor(department, lang) if pseudonymise else (lambda v: v)
    raw = plan_tables(plan, department)
    if not plan.has_plan:
        # No structure: the department's duties and staff would all read "unassigned"; show none.
        raw = {"sections": [], "duties": [], "staff": [], "changes": raw["changes"]}
    raw["kpis"] = kpi_rows(plan, lang)
    raw["objective"] = objective_rows(plan, lang)
    if checks is not None:
        raw["checks"] = check_rows(checks)
    return {key: _make_table(key, rows, lang, redact) for key, rows in raw.items()}
