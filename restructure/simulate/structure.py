"""One shape for "a structure to simulate": today's sections or a plan's.

The simulator only needs to know which section holds each duty and each person, what the
sections are called, their kind and posts, and which of today's sections they continue.
``Structure.today`` and ``Structure.from_plan`` build that from the two sources so every
simulation runs through one code path.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from restructure.domain import (
    Department,
    DutyId,
    KeyTaskId,
    Plan,
    Rank,
    SectionId,
    SectionKind,
    StaffId,
)
from restructure.errors import Problem

TODAY = "today"
PLAN = "plan"


@dataclass(frozen=True)
class StructureSection:
    """A section as the simulator sees it (today's or a plan's)."""

    id: str
    name: str
    kind: SectionKind = SectionKind.BASIC
    chief_posts: int = 1
    deputy_posts: int = 0
    continues: tuple[SectionId, ...] = ()  # today's sections it continues (today: itself)
    key_task: KeyTaskId | None = None  # declared key task of a dynamic section, if any
    chief: StaffId | None = None
    deputies: tuple[StaffId, ...] = ()

    @property
    def leadership_posts(self) -> int:
        return self.chief_posts + self.deputy_posts


@dataclass(frozen=True)
class Structure:
    """An assignment of duties and staff to sections, plus the sections' labels.

    Duties or people that no section holds (today: a new duty or a newly assigned person,
    ``current_section`` empty) are simply absent from ``duty_section`` / ``staff_section``;
    they do not count in any section's load or capacity.
    """

    label: str  # "today" or "plan"
    sections: tuple[StructureSection, ...]
    duty_section: Mapping[DutyId, str]
    staff_section: Mapping[StaffId, str]

    @classmethod
    def today(cls, department: Department) -> Structure:
        chiefs: dict[str, StaffId] = {}
        deputies: dict[str, list[StaffId]] = {}
        for p in department.staff:
            if p.current_section is None:
                continue
            if p.rank is Rank.CHIEF and p.current_section not in chiefs:
                chiefs[p.current_section] = p.id
            elif p.rank is Rank.DEPUTY:
                deputies.setdefault(p.current_section, []).append(p.id)
        sections = tuple(
            StructureSection(
                id=s.id,
                name=s.name,
                kind=s.kind,
                chief_posts=s.chief_posts,
                deputy_posts=s.deputy_posts,
                continues=(s.id,),
                chief=chiefs.get(s.id),
                deputies=tuple(deputies.get(s.id, ())),
            )
            for s in department.sections
        )
        return cls(
            label=TODAY,
            sections=sections,
            duty_section={
                d.id: d.current_section for d in department.duties if d.current_section is not None
            },
            staff_section={
                p.id: p.current_section for p in department.staff if p.current_section is not None
            },
        )

    @classmethod
    def from_plan(cls, plan: Plan) -> Structure:
        sections = tuple(
            StructureSection(
                id=s.id,
                name=s.name,
                kind=s.kind,
                chief_posts=s.chief_posts,
                deputy_posts=s.deputy_posts,
                continues=tuple(s.successor_of),
                key_task=s.key_task,
                chief=s.chief,
                deputies=tuple(s.deputies),
            )
            for s in plan.sections
        )
        return cls(
            label=PLAN,
            sections=sections,
            duty_section=plan.section_of_duty(),
            staff_section=plan.section_of_person(),
        )

    @property
    def section_ids(self) -> tuple[str, ...]:
        return tuple(s.id for s in self.sections)

    def section(self, sid: str) -> StructureSection:
        for s in self.sections:
            if s.id == sid:
                return s
        raise KeyError(sid)

    def duties_of(self, sid: str) -> tuple[DutyId, ...]:
        return tuple(d for d, s in self.duty_section.items() if s == sid)

    def staff_of(self, sid: str) -> tuple[StaffId, ...]:
        return tuple(p for p, s in self.staff_section.items() if s == sid)


@dataclass(frozen=True)
class PointLoad:
    """A section's workload and capacity from the point estimates (no uncertainty)."""

    section_id: str
    workload_fte: float
    capacity_fte: float
    headcount: int

    @property
    def utilisation(self) -> float:
        """Workload over capacity; infinite for a section with work and no staff."""
        if self.capacity_fte > 0:
            return self.workload_fte / self.capacity_fte
        return float("inf") if self.workload_fte > 0 else 0.0


def point_loads(structure: Structure, department: Department) -> dict[str, PointLoad]:
    """Per section: sum of its duties' workload_fte and of its staff's capacity_fte."""
    load = dict.fromkeys(structure.section_ids, 0.0)
    cap = dict.fromkeys(structure.section_ids, 0.0)
    heads = dict.fromkeys(structure.section_ids, 0)
    for d in department.duties:
        sid = structure.duty_section.get(d.id)
        if sid is not None:
            load[sid] += d.workload_fte
    for p in department.staff:
        sid = structure.staff_section.get(p.id)
        if sid is not None:
            cap[sid] += p.capacity_fte
            heads[sid] += 1
    return {sid: PointLoad(sid, load[sid], cap[sid], heads[sid]) for sid in structure.section_ids}


def structure_problems(structure: Structure, department: Department, file: str) -> list[Problem]:
    """Ids the structure names that the department does not have (e.g. a plan.json for other data)."""
    problems: list[Problem] = []
    sids = set(structure.section_ids)
    duty_ids = {d.id for d in department.duties}
    staff_ids = {p.id for p in department.staff}
    for did, sid in structure.duty_section.items():
        if did not in duty_ids:
            problems.append(
                Problem(
                    file,
                    None,
                    "duties",
                    did,
                    f"职责事项 {did} 不在部门数据中",
                    f"duty {did} is not in the department data",
                )
            )
        elif sid not in sids:
            problems.append(
                Problem(
                    file,
                    None,
                    "duties",
                    sid,
                    f"职责事项 {did} 所在科室 {sid} 不存在",
                    f"duty {did} sits in unknown section {sid}",
                )
            )
    for pid, sid in structure.staff_section.items():
        if pid not in staff_ids:
            problems.append(
                Problem(
                    file,
                    None,
                    "staff",
                    pid,
                    f"人员 {pid} 不在实名制人员名单中",
                    f"person {pid} is not on the staff register",
                )
            )
        elif sid not in sids:
            problems.append(
                Problem(
                    file,
                    None,
                    "staff",
                    sid,
                    f"人员 {pid} 所在科室 {sid} 不存在",
                    f"person {pid} sits in unknown section {sid}",
                )
            )
    return problems
