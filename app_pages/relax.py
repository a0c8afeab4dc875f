"""One-click relaxations for the rules in a conflict: each is a set of scenario overrides."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from restructure.domain import Finding, Scenario
from restructure.terms import FUNCTION_EN, FUNCTION_ZH, RULES

MAX_BASIC_SECTIONS = 30
MAX_DYNAMIC_SECTIONS = 10
MAX_TIME_LIMIT_S = 600


@dataclass(frozen=True)
class Relaxation:
    zh: str  # button text
    en: str
    overrides: Mapping[str, Any]  # dotted scenario keys -> new values
    sufficient: bool = False  # the solver found that this change alone gives a plan

    def text(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh


def _rule(key: str) -> tuple[str, str]:
    return RULES.get(key, (key, key))


def _step(value: float, by: float, low: float, high: float) -> float:
    return round(min(high, max(low, value + by)), 4)


def relaxation_for(finding: Finding, scenario: Scenario) -> Relaxation | None:
    """The smallest change that drops or loosens the rule instance; None when the rule comes from the
    data (e.g. staff who cannot move) and cannot be relaxed from the app."""
    r, pins = scenario.rules, scenario.pins
    zh, en = _rule(finding.rule)
    rule = finding.rule
    if rule == "max_basic_sections" and r.max_basic_sections < MAX_BASIC_SECTIONS:
        n = r.max_basic_sections + 1
        return Relaxation(f"基本科室上限放宽到{n}个", f"Allow {n} basic sections", {f"rules.{rule}": n})
    if rule == "max_dynamic_sections" and r.max_dynamic_sections < MAX_DYNAMIC_SECTIONS:
        n = r.max_dynamic_sections + 1
        return Relaxation(f"动态科室上限放宽到{n}个", f"Allow {n} dynamic sections", {f"rules.{rule}": n})
    if rule == "max_deputies_per_section":
        n = r.max_deputies_per_section + 1
        return Relaxation(
            f"每科室副职上限放宽到{n}个", f"Allow {n} deputy posts per section", {f"rules.{rule}": n}
        )
    if rule == "people_per_deputy_post" and r.people_per_deputy_post > 1:
        n = r.people_per_deputy_post - 1
        return Relaxation(
            f"副职配备放宽到除科长外每{n}人1名",
            f"Allow one deputy post for every {n} people besides the chief",
            {f"rules.{rule}": n},
        )
    if rule in (
        "keep_section_count",
        "keep_leadership_posts",
        "separate_stages",
        "dynamic_for_key_tasks_only",
    ):
        return Relaxation(f"取消“{zh}”", f"Drop “{en}”", {f"rules.{rule}": False})
    if rule == "single_section" and finding.instance in r.single_section:
        rest = [f for f in r.single_section if f != finding.instance]
        fzh = next((v for k, v in FUNCTION_ZH.items() if k.value == finding.instance), finding.instance)
        fen = next((v for k, v in FUNCTION_EN.items() if k.value == finding.instance), finding.instance)
        return Relaxation(
            f"不再要求{fzh}职责集中在一个科室",
            f"Let {fen} duties sit in several sections",
            {"rules.single_section": rest},
        )
    if rule == "max_nonbusiness_section_share" and r.max_nonbusiness_section_share < 1:
        v = _step(r.max_nonbusiness_section_share, 0.1, 0, 1)
        return Relaxation(
            f"非业务科室比例上限放宽到{v:.0%}", f"Allow {v:.0%} non-business sections", {f"rules.{rule}": v}
        )
    if rule == "min_business_staff_share" and r.min_business_staff_share > 0:
        v = _step(r.min_business_staff_share, -0.1, 0, 1)
        return Relaxation(
            f"业务科室人员比例下限降到{v:.0%}",
            f"Lower the business staff floor to {v:.0%}",
            {f"rules.{rule}": v},
        )
    if rule == "min_section_staff" and r.min_section_staff > 1:
        n = r.min_section_staff - 1
        return Relaxation(f"每科室最少人数降到{n}人", f"Allow sections of {n} people", {f"rules.{rule}": n})
    if rule == "max_section_staff" and r.max_section_staff is not None:
        n = r.max_section_staff + 1
        return Relaxation(f"每科室最多人数放宽到{n}人", f"Allow sections of {n} people", {f"rules.{rule}": n})
    if rule == "max_load_deviation":
        v = _step(r.max_load_deviation, 0.05, 0, 10)
        return Relaxation(
            f"工作量均衡允许偏差放宽到±{v:.0%}", f"Allow workload ±{v:.0%}", {f"rules.{rule}": v}
        )
    if rule == "max_staff_moves" and r.max_staff_moves < 1:
        v = _step(r.max_staff_moves, 0.1, 0, 1)
        return Relaxation(
            f"人员调整比例上限放宽到{v:.0%}", f"Allow {v:.0%} of staff to move", {f"rules.{rule}": v}
        )
    if rule in ("together", "apart") and finding.instance.isdigit():
        groups = [list(g) for g in getattr(r, rule)]
        i = int(finding.instance) - 1
        if 0 <= i < len(groups):
            items = "、".join(groups[i])
            rest = groups[:i] + groups[i + 1 :]
            return Relaxation(
                f"取消“{zh}”：{items}", f"Drop “{en}”: {', '.join(groups[i])}", {f"rules.{rule}": rest}
            )
    if rule == "keep_section" and finding.instance in pins.keep_sections:
        rest = [s for s in pins.keep_sections if s != finding.instance]
        return Relaxation(
            f"不再保留{finding.instance}原样",
            f"Stop keeping {finding.instance} as is",
            {"pins.keep_sections": rest},
        )
    if rule == "duty_section" and finding.instance in pins.duty_sections:
        rest = {k: v for k, v in pins.duty_sections.items() if k != finding.instance}
        return Relaxation(
            f"取消职责{finding.instance}的固定科室",
            f"Unpin duty {finding.instance}",
            {"pins.duty_sections": rest},
        )
    return None


def relaxations(
    conflicts: Iterable[Finding], scenario: Scenario, sufficient: Collection[str] = ()
) -> list[Relaxation]:
    """One button per distinct change (two chains in conflict give one "drop checks and balances").

    ``sufficient`` lists the conflict members ("rule:instance", ``Explanation.relaxations``) whose
    relaxation alone gives a plan; those changes come first and are marked.
    """
    out: list[Relaxation] = []
    for f in conflicts:
        found = relaxation_for(f, scenario)
        if found is None:
            continue
        alone = f"{f.rule}:{f.instance}" in sufficient
        same = next((i for i, o in enumerate(out) if o.overrides == found.overrides), None)
        if same is None:
            out.append(replace(found, sufficient=alone))
        elif alone:
            out[same] = replace(out[same], sufficient=True)
    return sorted(out, key=lambda r: not r.sufficient)


def more_time(scenario: Scenario) -> Relaxation | None:
    """For a solve that ran out of time without a plan: twice the time limit (at most 600 s)."""
    limit = float(scenario.solver.time_limit_s)
    if limit >= MAX_TIME_LIMIT_S:
        return None
    new = float(min(MAX_TIME_LIMIT_S, max(2 * limit, limit + 1)))
    return Relaxation(f"延长求解时间到{new:g}秒", f"Allow {new:g} s to solve", {"solver.time_limit_s": new})
