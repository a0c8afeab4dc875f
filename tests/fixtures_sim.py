"""Hand-built department, scenario and plan for the simulation tests.

Today: four sections (办公室, 行政许可科, 执法科, 财务科), 6 leadership posts (4 chiefs, 2 deputies).
The plan merges 办公室 and 财务科 into 综合保障科, keeps 许可 and 执法, and adds one dynamic
section 营商环境专班 for key task KT1 (2025-03..2025-10): 4 chiefs + 2 deputies = the quota.
"""

from __future__ import annotations

from restructure.domain import (
    Department,
    Duty,
    Function,
    KeyTask,
    Person,
    Plan,
    PlanSection,
    Process,
    Rank,
    Rules,
    Scenario,
    Section,
    SectionKind,
    Status,
)


def department() -> Department:
    sections = (
        Section("S01", "办公室", deputy_posts=1),
        Section("S02", "行政许可科", deputy_posts=1),
        Section("S03", "执法科"),
        Section("S04", "财务科"),
    )
    duties = (
        Duty("D01", "文秘会务", Function.SUPPORT, 1.0, "S01", group="综合"),
        Duty("D02", "财务报销", Function.SUPPORT, 1.0, "S04", group="综合"),
        Duty(
            "D03",
            "许可受理",
            Function.LICENSING,
            1.5,
            "S02",
            group="许可",
            workload_low=1.0,
            workload_high=2.5,
        ),
        Duty("D04", "许可审查", Function.LICENSING, 1.5, "S02", group="许可"),
        Duty("D05", "执法检查", Function.ENFORCEMENT, 2.0, "S03", group="执法"),
        Duty(
            "D06",
            "案件办理",
            Function.ENFORCEMENT,
            1.5,
            "S03",
            group="执法",
            workload_low=1.5,
            workload_high=1.5,
        ),
        Duty("D07", "营商环境优化", Function.KEY_TASK, 1.0, None, group="许可", key_task="KT1"),
        Duty("D08", "政策法规", Function.POLICY, 0.5, "S01", group="综合"),
    )
    staff = (
        Person("P01", Rank.CHIEF, "甲", "S01"),
        Person("P02", Rank.DEPUTY, "乙", "S01"),
        Person("P03", Rank.CHIEF, "丙", "S02"),
        Person("P04", Rank.DEPUTY, "丁", "S02"),
        Person("P05", Rank.STAFF, "戊", "S02", capacity_fte=0.5),
        Person("P06", Rank.CHIEF, "己", "S03"),
        Person("P07", Rank.STAFF, "庚", "S03"),
        Person("P08", Rank.STAFF, "辛", "S03"),
        Person("P09", Rank.CHIEF, "壬", "S04"),
        Person("P10", Rank.STAFF, "癸", None),
    )
    key_tasks = (KeyTask("KT1", "营商环境优化", "2025-03", "2025-10"),)
    return Department("测试局", sections, duties, staff, key_tasks)


def plan_section(
    sid: str,
    name: str,
    duties: tuple[str, ...],
    staff: tuple[str, ...],
    *,
    kind: SectionKind = SectionKind.BASIC,
    chief: str | None = None,
    deputies: tuple[str, ...] = (),
    deputy_posts: int = 0,
    successor_of: tuple[str, ...] = (),
    key_task: str | None = None,
) -> PlanSection:
    dept = department()
    return PlanSection(
        id=sid,
        name=name,
        kind=kind,
        duties=duties,
        staff=staff,
        chief=chief,
        deputies=deputies,
        chief_posts=1,
        deputy_posts=deputy_posts,
        workload_fte=sum(dept.duty(d).workload_fte for d in duties),
        capacity_fte=sum(dept.person(p).capacity_fte for p in staff),
        successor_of=successor_of,
        key_task=key_task,
    )


def plan() -> Plan:
    # The two deputies today (P02, P04) both work in the dynamic section, so the deputy posts of
    # K01 and K02 are vacant while it is open.
    sections = (
        plan_section(
            "K01",
            "综合保障科",
            ("D01", "D02", "D08"),
            ("P01", "P09"),
            chief="P01",
            deputy_posts=1,
            successor_of=("S01", "S04"),
        ),
        plan_section(
            "K02",
            "行政许可科",
            ("D03", "D04"),
            ("P03", "P05", "P10"),
            chief="P03",
            deputy_posts=1,
            successor_of=("S02",),
        ),
        plan_section(
            "K03", "执法科", ("D05", "D06"), ("P06", "P07", "P08"), chief="P06", successor_of=("S03",)
        ),
        plan_section(
            "K04",
            "营商环境专班",
            ("D07",),
            ("P02", "P04"),
            kind=SectionKind.DYNAMIC,
            chief="P04",
            key_task="KT1",
        ),
    )
    return Plan(
        scenario="测试方案",
        department="测试局",
        status=Status.FEASIBLE,
        sections=sections,
        kpis={},
        baseline_kpis={},
    )


PROCESSES = (
    Process("费用报销", ("D01", "D02"), cases_per_year=200, days_per_step=(1, 2), handoff_days=2),
    Process("许可办理", ("D03", "D04", "D05"), cases_per_year=100, days_per_step=(2, 3, 1), handoff_days=1),
)


def scenario(**rules) -> Scenario:
    return Scenario(
        name="测试方案",
        department=department(),
        rules=Rules(plan_month="2025-01", **rules),
        processes=PROCESSES,
    )
