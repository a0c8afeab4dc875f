"""Labels of the command line in Chinese and English; glossary terms come from ``restructure.terms``."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from restructure.domain import Function, Plan, SolverInfo, Status
from restructure.errors import Problem
from restructure.terms import FUNCTION_EN, FUNCTION_ZH, STATUS

LANGS = ("zh", "en")

LABELS: dict[str, tuple[str, str]] = {
    "file": ("文件", "File"),
    "row": ("行", "Row"),
    "column": ("列", "Column"),
    "value": ("值", "Value"),
    "problem": ("问题", "Problem"),
    "problems_found": ("{path}：发现 {n} 个问题", "{path}: {n} problem(s) found"),
    "valid": ("{path}：数据有效", "{path}: valid"),
    "item": ("项目", "Item"),
    "department": ("部门", "Department"),
    "scenario": ("方案", "Scenario"),
    "sections": ("现有科室", "Sections today"),
    "sections_split": (
        "{total} 个（基本 {basic}，动态 {dynamic}）",
        "{total} ({basic} basic, {dynamic} dynamic)",
    ),
    "duties": ("职责事项", "Duties"),
    "duties_of": ("　{function}", "  {function}"),
    "count_fte": ("{count} 项，{fte:g} FTE", "{count}, {fte:g} FTE"),
    "staff": ("实名制人员", "Staff"),
    "staff_split": ("{total} 人（不可调整 {immovable} 人）", "{total} ({immovable} not movable)"),
    "workload": ("工作量合计", "Total workload"),
    "capacity": ("可承担工作量合计", "Total capacity"),
    "fte": ("{fte:g} FTE", "{fte:g} FTE"),
    "posts": ("领导职数", "Leadership posts"),
    "posts_split": ("正科 {chief} 个，副科 {deputy} 个", "{chief} chief, {deputy} deputy"),
    "key_tasks": ("重点工作", "Key tasks"),
    "chains": ("流程链", "Process chains"),
    "groups": ("业务板块", "Business lines"),
    "generated": ("已生成部门数据：{path}", "Department data written to {path}"),
    "cannot_generate": ("无法生成：{reason}", "Cannot generate: {reason}"),
    "cannot_read": ("无法读取：{reason}", "Cannot read: {reason}"),
    "cannot_write": ("无法写入：{reason}", "Cannot write: {reason}"),
}


def fixed(value: float, places: int) -> str:
    """``value`` with ``places`` decimals, halves rounded up (2.25 -> 2.3, like 2.75 -> 2.8).

    Python's own formatting rounds the binary value half to even, so a planner would see 2.25
    as 2.2 and 2.75 as 2.8; rounding the shortest decimal form half up reads the same both ways.
    """
    d = Decimal(repr(float(value)))
    if not d.is_finite():
        return str(value)
    return f"{d.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP):f}"


def significant(value: float, digits: int = 3) -> str:
    """Like ``f"{value:.{digits}g}"`` (no trailing zeros, exponent for very large or small
    numbers), but with halves rounded up as in ``fixed``."""
    d = Decimal(repr(float(value)))
    if not d.is_finite():
        return str(value)
    if d.is_zero():
        return "0"
    r = d.quantize(Decimal(1).scaleb(d.adjusted() - digits + 1), rounding=ROUND_HALF_UP)
    if not -4 <= r.adjusted() < digits:
        return f"{float(r):.{digits}g}"  # r has at most `digits` digits: no second rounding
    text = f"{r:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def label(key: str, lang: str, **values: object) -> str:
    """The text for ``key`` in ``lang`` ("zh" or "en"), with ``{placeholders}`` filled in."""
    zh, en = LABELS[key]
    return (en if lang == "en" else zh).format(**values)


def function_name(function: Function, lang: str) -> str:
    """A function (职能) in the glossary's words (tables in ``restructure.terms``)."""
    return FUNCTION_EN[function] if lang == "en" else FUNCTION_ZH[function]


def problem_text(problem: Problem, lang: str) -> str:
    return problem.en if lang == "en" else problem.zh


def gap_text(info: SolverInfo, lang: str) -> str:
    """How much better than this plan the best one could be, in the planners' units. A relative
    gap misleads near an optimum of 0 (it reads 100 %), so it is said in points of the objective,
    and what they are worth as FTE of imbalance or as moves (the weights' exchange rates).
    Empty for a proven optimum (the status says so) and when no bound is known. Where no plan
    without a new section beats this one (``bound_without_new_sections``), it says so: the gap is
    then what a plan with a new section could save."""
    if info.status is Status.OPTIMAL:
        return ""
    units = info.gap_units
    if "points" not in units:
        return ""
    kept = info.bound_without_new_sections
    settled = kept is not None and info.objective is not None and kept >= info.objective - 1e-9
    points = units["points"]
    worth_zh, worth_en = [], []
    if "fte" in units:
        worth_zh.append(f"{units['fte']:g}人年的工作量偏差")
        worth_en.append(f"{units['fte']:g} FTE of imbalance")
    if "moves" in units:
        worth_zh.append(f"{units['moves']:g}人次/项调整")
        worth_en.append(f"{units['moves']:g} moves")
    if lang == "en":
        tail = f" (about {' or '.join(worth_en)})" if worth_en else ""
        if settled:
            return (
                "no plan without a new section is better (proven); "
                f"one with a new section could save at most {points:g} points{tail}"
            )
        return f"a better plan could save at most {points:g} points{tail}"
    tail = f"（约合{'或'.join(worth_zh)}）" if worth_zh else ""
    if settled:
        return f"已证明不新设科室的方案都不优于本方案；新设科室的方案至多还可改善{points:g}分{tail}"
    return f"至多还可改善{points:g}分{tail}"


BULLET = "  · "  # a list item in ``failure_texts``; the CLI gives it a hanging indent


def failure_texts(plan: Plan) -> dict[str, list[str]]:
    """Why a solve gave no plan, as lines per language ("zh", "en"): the verdict, the note, each
    rule in conflict and, for a conflict, whether an independent re-solve confirmed it and
    whether it is minimal. Explanations are owed in both languages, so both are built."""
    ex = plan.explanation
    zh_status, en_status = STATUS[plan.status]
    zh = [f"结果：{zh_status}", ex.note_zh]
    en = [f"result: {en_status}", ex.note_en]
    found = ex.binding if plan.status is Status.INVALID else ex.conflicts
    zh += [BULLET + f.zh for f in found]
    en += [BULLET + f.en for f in found]
    if ex.conflicts:
        zh.append(
            (
                "已由独立的重新求解确认：这些规则同时要求时无可行方案"
                if ex.confirmed
                else "未能由独立的重新求解确认"
            )
            + "；"
            + (
                "且为最小冲突：缺少其中任何一条，其余几条就不再冲突。"
                if ex.minimal
                else "未证明为最小冲突：其中可能有不必要的规则。"
            )
        )
        en.append(
            (
                "Confirmed by an independent re-solve: no plan keeps all of these rules"
                if ex.confirmed
                else "Not confirmed by an independent re-solve"
            )
            + "; "
            + (
                "minimal: without any one of them, the others no longer conflict."
                if ex.minimal
                else "not shown to be minimal: it may include rules that are not needed."
            )
        )
    return {"zh": [line for line in zh if line], "en": [line for line in en if line]}
