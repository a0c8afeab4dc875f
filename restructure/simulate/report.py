"""``simulate``: how today's structure and a plan hold up, in one report with bilingual tables."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from restructure.domain import Plan, Scenario
from restructure.errors import InputError, Problem
from restructure.export.tables import value_label
from restructure.simulate.processes import RHO_CAP, ProcessComparison, compare_processes, processes_frame
from restructure.simulate.structure import Structure, structure_problems
from restructure.simulate.timeline import Timeline, build_timeline
from restructure.simulate.workload import DEFAULT_ABSENCE_RATE, Spread, WorkloadReport, workload_risk


@dataclass(frozen=True)
class SimulationReport:
    """Workload risk today and under the plan, process flows before/after, and the timeline."""

    scenario: str
    department: str
    draws: int
    seed: int
    absence_rate: float
    tolerance: float
    today: WorkloadReport
    plan: WorkloadReport | None
    processes: tuple[ProcessComparison, ...]
    timeline: Timeline  # of the plan, or of today's structure when there is no plan

    def tables(self, lang: str = "zh") -> dict[str, pd.DataFrame]:
        """Display tables keyed by name, headers in ``lang`` ("zh" or "en")."""
        out = {"workload_today": _headers(_kinds(self.today.to_frame(), lang), lang)}
        if self.plan is not None:
            out["workload_plan"] = _headers(_kinds(self.plan.to_frame(), lang), lang)
        if self.processes:
            frame = processes_frame(self.processes)
            frame["structure"] = frame["structure"].map(lambda s: label(s, lang))
            out["processes"] = _headers(frame, lang)
        out["timeline"] = _headers(open_sections(self.timeline.to_frame(), lang), lang)
        if any(span.returns for span in self.timeline.spans):
            out["returns"] = _headers(self.timeline.returns_frame(lang), lang)
        return out

    def overload_notes(self, lang: str = "zh") -> list[str]:
        """A sentence for each process whose steps sit in an overloaded section: its queueing
        figures (analytic and SimPy) are estimates at the capped utilisation, not a forecast."""
        names = {s.section_id: s.name for w in (self.today, self.plan) if w is not None for s in w.sections}
        out = []
        for c in self.processes:
            for flow in (c.before, c.after):
                if flow is None or not flow.overloaded_sections:
                    continue
                if lang == "zh":
                    where = "、".join(f"{names.get(x, x)}（{x}）" for x in flow.overloaded_sections)
                else:
                    where = ", ".join(f"{names.get(x, x)} ({x})" for x in flow.overloaded_sections)
                if lang == "zh":
                    out.append(
                        f"「{c.name}」（{label(flow.structure, lang)}）：{where}已超负荷（工作量不低于人员能力），"
                        f"排队天数按{RHO_CAP:.0%}的利用率估算，只是下限，实际排队会越积越长。"
                    )
                else:
                    out.append(
                        f"'{c.name}' ({label(flow.structure, lang)}): {where} overloaded (workload at or above "
                        f"capacity); queueing is estimated at {RHO_CAP:.0%} utilisation, a floor: the real queue keeps growing."
                    )
        return out


# Column headers: (Chinese, English), glossary terms.
HEADERS: dict[str, tuple[str, str]] = {
    "section": ("科室", "Section"),
    "name": ("名称", "Name"),
    "kind": ("类型", "Kind"),
    "workload_fte": ("工作量(FTE)", "Workload (FTE)"),
    "capacity_fte": ("人力(FTE)", "Capacity (FTE)"),
    "point_ratio": ("负荷比(点估计)", "Load ratio (point)"),
    "mean": ("负荷比均值", "Load ratio mean"),
    "p5": ("P5", "P5"),
    "p50": ("P50", "P50"),
    "p95": ("P95", "P95"),
    "p_over": ("超负荷概率", "P(over tolerance)"),
    "p_under": ("负荷不足概率", "P(under tolerance)"),
    "drivers": ("主要波动来源(职责)", "Main drivers (duties)"),
    "process": ("流程", "Process"),
    "structure": ("结构", "Structure"),
    "handoffs": ("跨科室交接次数", "Handoffs"),
    "processing_days": ("办理天数", "Processing days"),
    "handoff_days": ("交接天数", "Handoff days"),
    "queue_days": ("排队天数", "Queue days"),
    "cycle_days": ("总办结天数", "Cycle days"),
    "sim_cycle_days": ("仿真办结天数", "Simulated cycle days"),
    "sim_half_width": ("仿真95%区间(±天)", "Simulated 95% interval (± days)"),
    "overloaded": ("超负荷科室", "Overloaded sections"),
    "month": ("月份", "Month"),
    "dynamic_open": ("在设动态科室", "Dynamic sections open"),
    "posts_used": ("在用领导职数", "Leadership posts in use"),
    "quota": ("核定领导职数", "Leadership post quota"),
    "from_section": ("撤销的动态科室", "Dynamic section closing"),
    "staff": ("人员", "Staff"),
    "to_section": ("回到基本科室", "Back to basic section"),
    "reason": ("依据", "Rule"),
}

LABELS: dict[str, tuple[str, str]] = {
    "today": ("现状", "today"),
    "plan": ("方案", "plan"),
    "workload_today": ("现状:各科室负荷风险", "Today: workload risk by section"),
    "workload_plan": ("方案:各科室负荷风险", "Plan: workload risk by section"),
    "processes": ("流程:调整前后", "Processes: before and after"),
    "timeline": ("动态科室与领导职数(逐月)", "Dynamic sections and leadership posts, by month"),
    "returns": ("动态科室撤销后人员去向", "Where people go when a dynamic section closes"),
}


def _kinds(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Section kinds in the table's language (基本科室, not basic)."""
    if "kind" in frame:
        frame = frame.assign(kind=frame["kind"].map(lambda k: value_label(str(k), lang)))
    return frame


def open_sections(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The timeline's open dynamic sections, with a month of none saying 无 (none), not blank:
    a blank cell reads as missing data."""
    if "dynamic_open" in frame:
        none = "无" if lang == "zh" else "none"
        frame = frame.assign(dynamic_open=frame["dynamic_open"].map(lambda s: s or none))
    return frame


def label(key: str, lang: str) -> str:
    zh, en = LABELS.get(key, (key, key))
    return zh if lang == "zh" else en


def _headers(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    i = 0 if lang == "zh" else 1
    return frame.rename(columns={c: HEADERS[c][i] for c in frame.columns if c in HEADERS})


def simulate(
    scenario: Scenario,
    plan: Plan | None,
    *,
    draws: int = 10_000,
    seed: int = 0,
    absence_rate: float = DEFAULT_ABSENCE_RATE,
    spread: Spread = Spread.PERT,
) -> SimulationReport:
    """Simulate today's structure and, when given, the plan, with the same seed for both.

    Raises InputError when the plan has no sections (infeasible or unknown) or names duties,
    staff or sections the scenario's department does not have.
    """
    dept = scenario.department
    today = Structure.today(dept)
    plan_structure = None
    if plan is not None:
        if not plan.has_plan:
            raise InputError(
                [
                    Problem(
                        "plan.json",
                        None,
                        "status",
                        plan.status.value,
                        "该方案没有科室设置(无可行方案),无法仿真",
                        "the plan has no sections (no feasible plan): nothing to simulate",
                    )
                ]
            )
        plan_structure = Structure.from_plan(plan)
        problems = structure_problems(plan_structure, dept, "plan.json")
        if problems:
            raise InputError(problems)
    if dept.total_capacity <= 0 or not today.staff_section:
        raise InputError(
            [
                Problem(
                    "staff",
                    None,
                    "current_section",
                    None,
                    "现状没有任何人员在科室中,无法计算人均工作量",
                    "no one works in a section today: workload per FTE is undefined",
                )
            ]
        )
    tol = scenario.rules.max_load_deviation
    kw = {"tolerance": tol, "draws": draws, "seed": seed, "absence_rate": absence_rate, "spread": spread}
    today_risk = workload_risk(today, dept, **kw)
    plan_risk = workload_risk(plan_structure, dept, **kw) if plan_structure is not None else None
    processes = compare_processes(
        scenario.processes, today, plan_structure, dept, seed=seed, file=scenario.source or "scenario"
    )
    timeline = build_timeline(plan_structure or today, dept, plan_month=scenario.rules.plan_month)
    return SimulationReport(
        scenario=scenario.name,
        department=dept.name,
        draws=draws,
        seed=seed,
        absence_rate=absence_rate,
        tolerance=tol,
        today=today_risk,
        plan=plan_risk,
        processes=processes,
        timeline=timeline,
    )
