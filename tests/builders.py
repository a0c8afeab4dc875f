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
