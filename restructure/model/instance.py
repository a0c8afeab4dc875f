"""The prepared instance: every number the model needs, computed once, before modelling.

The model never looks at a Scenario directly. Here workloads and capacities become integers
at the coarsest scale that represents them exactly (at most 1/1000 FTE), people are
aggregated into *staff classes* (people who are the same for every rule: same section today,
rank, capacity, skills, movability), and section *slots* are laid out: first the basic slots,
then the dynamic ones, with pinned sections on fixed slots.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from restructure.check import live_key_tasks
from restructure.domain import (
    Department,
    Duty,
    Function,
    Person,
    Rank,
    Scenario,
    SectionKind,
)


@dataclass(frozen=True)
class StaffClass:
    """People the model cannot tell apart: it only decides how many of them go where."""

    index: int
    members: tuple[str, ...]  # staff ids, sorted
    current_section: str | None
    rank: Rank
    capacity: int  # scaled, per person
    skills: frozenset[str]
    movable: bool

    @property
    def size(self) -> int:
        return len(self.members)


@dataclass(frozen=True)
class Slot:
    """A place for one section of the plan. Basic slots come first, then dynamic ones."""

    index: int
    kind: SectionKind
    pinned: str | None = None  # today's section id kept exactly as is


def _decimals_needed(values: list[float], max_decimals: int = 3) -> int:
    for dec in range(max_decimals + 1):
        f = 10**dec
        if all(abs(v * f - round(v * f)) < 1e-6 for v in values):
            return dec
    return max_decimals


@dataclass(frozen=True)
class Instance:
    scenario: Scenario
    scale: int  # 1 FTE = `scale` units
    duties: tuple[Duty, ...]
    work: tuple[int, ...]  # scaled workload per duty
    classes: tuple[StaffClass, ...]
    slots: tuple[Slot, ...]
    today: tuple[str, ...]  # today's section ids
    duties_of_today: dict[str, tuple[int, ...]] = field(default_factory=dict)
    classes_of_today: dict[str, tuple[int, ...]] = field(default_factory=dict)
    duty_index: dict[str, int] = field(default_factory=dict)
    class_of_person: dict[str, int] = field(default_factory=dict)
    live_key_tasks: frozenset[str] = frozenset()

    # convenient views -------------------------------------------------------------
    @property
    def dept(self) -> Department:
        return self.scenario.department

    @property
    def rules(self):
        return self.scenario.rules

    @property
    def total_work(self) -> int:
        return sum(self.work)

    @property
    def total_cap(self) -> int:
        return sum(c.capacity * c.size for c in self.classes)

    @property
    def n_slots(self) -> int:
        return len(self.slots)

    def slots_of(self, kind: SectionKind) -> list[int]:
        return [s.index for s in self.slots if s.kind is kind]

    def chiefs_total(self) -> int:
        return sum(c.size for c in self.classes if c.rank is Rank.CHIEF)

    def deputies_total(self) -> int:
        return sum(c.size for c in self.classes if c.rank is Rank.DEPUTY)

    def duties_of_function(self, f: Function) -> list[int]:
        return [i for i, d in enumerate(self.duties) if d.function is f]


def _referenced_staff(scenario: Scenario) -> set[str]:
    staff_ids = {p.id for p in scenario.department.staff}
    out: set[str] = set()
    for grp in (*scenario.rules.together, *scenario.rules.apart):
        out.update(x for x in grp if x in staff_ids)
    return out


def prepare(scenario: Scenario, *, aggregate_staff: bool = True, explain: bool = False) -> Instance:
    """Turn a validated scenario into the model's numbers.

    ``aggregate_staff=False`` gives every person a class of their own: the straightforward
    formulation (one boolean per person x section) that the benchmark compares against.
    ``explain=True`` adds slots beyond the caps, so that the caps themselves are constraints
    that can be switched off (and so named) when the explanation looks for a conflict.
    """
    dept = scenario.department
    rules = scenario.rules
    dec = _decimals_needed([d.workload_fte for d in dept.duties] + [p.capacity_fte for p in dept.staff])
    scale = 10**dec
    work = tuple(max(1, round(d.workload_fte * scale)) for d in dept.duties)

    singles = _referenced_staff(scenario)
    buckets: dict[tuple, list[Person]] = defaultdict(list)
    for p in dept.staff:
        key: tuple = (
            p.current_section,
            p.rank,
            round(p.capacity_fte * scale),
            frozenset(p.skills),
            p.movable,
        )
        if not aggregate_staff or p.id in singles:
            key = (*key, p.id)
        buckets[key].append(p)
    classes = []

    # The order of classes is the order of variables and constraints, so it must not depend on
    # Python's per-process hash seed (str() of a frozenset does): sort on plain, ordered values.
    def order(k: tuple) -> tuple:
        return tuple(",".join(sorted(x)) if isinstance(x, frozenset) else str(x) for x in k)

    for i, key in enumerate(sorted(buckets, key=order)):
        members = sorted(buckets[key], key=lambda p: p.id)
        head = members[0]
        classes.append(
            StaffClass(
                index=i,
                members=tuple(p.id for p in members),
                current_section=head.current_section,
                rank=head.rank,
                capacity=round(head.capacity_fte * scale),
                skills=frozenset(head.skills),
                movable=head.movable,
            )
        )

    # Slots: pinned sections take the first slots of their kind so their identity is fixed.
    pinned = [dept.section(sid) for sid in scenario.pins.keep_sections]
    n_basic = rules.max_basic_sections
    n_dyn = rules.max_dynamic_sections
    if explain:
        n_basic = max(n_basic + 3, len(dept.sections))
        n_dyn = max(n_dyn, len(dept.key_tasks))
    # keep_section_count is a constraint, not fewer slots: it must be able to show up in a conflict.
    slots: list[Slot] = []
    for kind, count in ((SectionKind.BASIC, n_basic), (SectionKind.DYNAMIC, n_dyn)):
        pins_here = [s.id for s in pinned if s.kind is kind]
        for j in range(count):
            slots.append(
                Slot(index=len(slots), kind=kind, pinned=pins_here[j] if j < len(pins_here) else None)
            )

    today = tuple(s.id for s in dept.sections)
    d_of: dict[str, list[int]] = {s: [] for s in today}
    for i, d in enumerate(dept.duties):
        if d.current_section in d_of:
            d_of[d.current_section].append(i)
    c_of: dict[str, list[int]] = {s: [] for s in today}
    for c in classes:
        if c.current_section in c_of:
            c_of[c.current_section].append(c.index)

    live = frozenset(live_key_tasks(scenario))
    return Instance(
        scenario=scenario,
        scale=scale,
        duties=dept.duties,
        work=work,
        classes=tuple(classes),
        slots=tuple(slots),
        today=today,
        duties_of_today={k: tuple(v) for k, v in d_of.items()},
        classes_of_today={k: tuple(v) for k, v in c_of.items()},
        duty_index={d.id: i for i, d in enumerate(dept.duties)},
        class_of_person={pid: c.index for c in classes for pid in c.members},
        live_key_tasks=live,
    )
