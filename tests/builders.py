"""Hand-built departments for model tests: a few duties, a few people, no files."""

from __future__ import annotations

from dataclasses import replace

from restructure.domain import (
    Department,
    Duty,
    Function,
    KeyTask,
    Person,
    Rank,
    Rules,
    Scenario,
    Section,
    SectionKind,
    SolverSettings,
)


def section(
    sid: str, name: str | None = None, *, kind: str = "basic", chief: int = 1, deputy: int = 0
) -> Section:
    return Section(id=sid, name=name or sid, kind=SectionKind(kind), chief_posts=chief, deputy_posts=deputy)


def duty(did: str, section: str | None, fte: float = 1.0, function: str = "business", **kw) -> Duty:
    return Duty(
        id=did,
        name=kw.pop("name", did),
        function=Function(function),
        workload_fte=fte,
        current_section=section,
        **kw,
    )


def person(pid: str, section: str | None, rank: str = "staff", cap: float = 1.0, **kw) -> Person:
    return Person(id=pid, rank=Rank(rank), current_section=section, capacity_fte=cap, **kw)


def staff_for(
    section_id: str, n: int, *, prefix: str | None = None, chief: bool = True, deputies: int = 0
) -> list[Person]:
    """n people for a section: a chief, `deputies` deputies, the rest staff."""
    pre = prefix or f"P{section_id}"
    out = []
    for i in range(n):
        rank = (
            "chief"
            if chief and i == 0
            else ("deputy" if (i <= deputies and chief) or (not chief and i < deputies) else "staff")
        )
        out.append(person(f"{pre}_{i}", section_id, rank))
    return out


def scenario(
    sections, duties, staff, *, key_tasks=(), rules: Rules | None = None, name: str = "test", **kw
) -> Scenario:
    dept = Department(
        name=name,
        sections=tuple(sections),
        duties=tuple(duties),
        staff=tuple(staff),
        key_tasks=tuple(key_tasks),
    )
    settings = kw.pop("solver", SolverSettings(time_limit_s=5, seed=0, workers=1, deterministic=True))
    return Scenario(
        name=name, department=dept, rules=rules or Rules(), solver=settings, settings={"name": name}, **kw
    )


def with_rules(sc: Scenario, **changes) -> Scenario:
    return replace(sc, rules=replace(sc.rules, **changes))


def key_task(kid: str, name: str, start: str | None = None, end: str | None = None) -> KeyTask:
    return KeyTask(id=kid, name=name, start=start, end=end)


def three_sections_and_a_chiefless_task_force(names, duties, single_section=()) -> Scenario:
    """Sections S1-S3 of three people each (a chief, two staff), two basic sections allowed, and
    a task force T of three staff members with three key-task duties and no chief."""
    secs = [section(s, n) for s, n in zip(("S1", "S2", "S3"), names, strict=True)]
    secs += [section("T", "专班", kind="dynamic", chief=0)]
    duties = list(duties)
    duties += [duty(f"K{j}", "T", 1.0, function="key_task", key_task="KT1", group="KT") for j in range(3)]
    staff = staff_for("S1", 3) + staff_for("S2", 3) + staff_for("S3", 3)
    staff += [person(f"T{j}", "T") for j in range(3)]
    rules = Rules(
        max_basic_sections=2,
        min_section_staff=3,
        max_load_deviation=1.0,
        max_nonbusiness_section_share=1.0,
        single_section=single_section,
    )
    return scenario(secs, duties, staff, rules=rules, key_tasks=(key_task("KT1", "重点工作"),))
