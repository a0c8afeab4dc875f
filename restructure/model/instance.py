"""The prepared instance: every number the model needs, computed once, before modelling.

The model never looks at a Scenario directly. Here workloads and capacities become integers
at the coarsest scale that represents them exactly (at most 1/1000 FTE), people are
aggregated into *staff classes* (people who are the same for every rule: same section today,
rank, capacity, skills, movability), and section *slots* are laid out: first the basic slots,
then the dynamic ones.

Two layouts of slots:

- **labelled** (small and medium departments): one basic slot per basic section of today,
  used only by the section that continues it (and is named after the first of today's
  sections it continues), then as many unlabelled basic slots as the cap for sections that
  continue none; one dynamic slot per live key task. Each of today's sections then has a
  place of its own where its duties and people stay at no cost, so the LP relaxation no
  longer spreads every section evenly over anonymous slots: on 住建局 it is worth 51 points
  against 14, and CP-SAT's bound after 10 s is 55 against 18 (docs/benchmarks.md). The layout
  is exact: every plan has exactly one form in it.
- **anonymous**: as many basic and dynamic slots as the caps, interchangeable, pinned sections
  on the first ones. Smaller, so CP-SAT's LP keeps up on large departments, where the labelled
  LP was too slow to give any bound within the time; the explanation model and the
  straightforward formulation of the benchmark use it too.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from enum import StrEnum

from restructure.check import live_key_tasks
from restructure.domain import (
    Department,
    Duty,
    Function,
    Person,
    Rank,
    Scenario,
    SectionKind,
    fte_scale,
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
    label: str | None = None  # labelled layout: the section of today this slot continues when used
    task: str | None = None  # labelled layout: the live key task this dynamic slot is for


class Layout(StrEnum):
    LABELLED = "labelled"
    ANONYMOUS = "anonymous"


# Above this many duty-slot pairs in the labelled layout, CP-SAT's LP on it is too slow to give
# a bound within a department's 10 s: 公安局 at 7,068 and generated 300/150 at 7,800 gave none.
# Below it the labelled layout wins since the bound phase runs lb_tree_search (stop 13; 10 s, 2
# workers, seeds 0/1, objective (bound)): 市场监管局 内设机构个数不变 at 3,712 cells 69/70 (48)
# against 73/74 (23/12) anonymous, 自然资源局 at 3,640 52/52 (39/41) against 51/52 (33), its
# 内设机构个数不变 variant at 4,200 56/53 (27/37) against 54/58 (22/12). (Stop 12's gate was 3,500.)
LABELLED_MAX_CELLS = 4500


@dataclass(frozen=True)
class Instance:
    scenario: Scenario
    scale: int  # 1 FTE = `scale` units
    duties: tuple[Duty, ...]
    work: tuple[int, ...]  # scaled workload per duty
    classes: tuple[StaffClass, ...]
    slots: tuple[Slot, ...]
    today: tuple[str, ...]  # today's section ids
    layout: Layout = Layout.ANONYMOUS
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

    def anonymous(self) -> Instance:
        """The same department and rules on the anonymous layout (the starting plan is sketched
        there, then relabelled)."""
        if self.layout is Layout.ANONYMOUS:
            return self
        return replace(self, slots=_anonymous_slots(self.scenario, explain=False), layout=Layout.ANONYMOUS)


def _referenced_staff(scenario: Scenario) -> set[str]:
    staff_ids = {p.id for p in scenario.department.staff}
    out: set[str] = set()
    for grp in (*scenario.rules.together, *scenario.rules.apart):
        out.update(x for x in grp if x in staff_ids)
    return out


def prepare(
    scenario: Scenario,
    *,
    aggregate_staff: bool = True,
    explain: bool = False,
    layout: Layout | None = None,
) -> Instance:
    """Turn a validated scenario into the model's numbers.

    ``aggregate_staff=False`` gives every person a class of their own: the straightforward
    formulation (one boolean per person x section) that the benchmark compares against; it
    keeps the anonymous layout. ``explain=True`` adds slots beyond the caps, so that the caps
    themselves are constraints that can be switched off (and so named) when the explanation
    looks for a conflict; anonymous too. Otherwise ``layout`` is chosen by size unless given.
    """
    dept = scenario.department
    scale = fte_scale(dept)
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

    live = frozenset(live_key_tasks(scenario))
    if layout is None:
        labelled = _labelled_slots(scenario, live)
        usable = aggregate_staff and not explain and labelled is not None
        layout = (
            Layout.LABELLED
            if usable and len(dept.duties) * len(labelled) <= LABELLED_MAX_CELLS
            else Layout.ANONYMOUS
        )
    if layout is Layout.LABELLED:
        slots = _labelled_slots(scenario, live)
        if slots is None:
            raise ValueError("a pinned dynamic section needs the anonymous layout")
    else:
        slots = _anonymous_slots(scenario, explain=explain)

    today = tuple(s.id for s in dept.sections)
    d_of: dict[str, list[int]] = {s: [] for s in today}
    for i, d in enumerate(dept.duties):
        if d.current_section in d_of:
            d_of[d.current_section].append(i)
    c_of: dict[str, list[int]] = {s: [] for s in today}
    for c in classes:
        if c.current_section in c_of:
            c_of[c.current_section].append(c.index)

    return Instance(
        scenario=scenario,
        scale=scale,
        duties=dept.duties,
        work=work,
        classes=tuple(classes),
        slots=tuple(slots),
        today=today,
        layout=layout,
        duties_of_today={k: tuple(v) for k, v in d_of.items()},
        classes_of_today={k: tuple(v) for k, v in c_of.items()},
        duty_index={d.id: i for i, d in enumerate(dept.duties)},
        class_of_person={pid: c.index for c in classes for pid in c.members},
        live_key_tasks=live,
    )


def _anonymous_slots(scenario: Scenario, *, explain: bool) -> tuple[Slot, ...]:
    """As many slots as the caps; pinned sections take the first slots of their kind so their
    identity is fixed."""
    dept, rules = scenario.department, scenario.rules
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
    return tuple(slots)


def _labelled_slots(scenario: Scenario, live: frozenset[str]) -> tuple[Slot, ...] | None:
    """One basic slot per basic section of today, then ``max_basic_sections`` unlabelled ones
    (a plan may have that many sections continuing none of today's: no fewer is exact); dynamic
    slots one per live key task when dynamic sections hold key tasks only, else as many as the
    cap. None when a pinned section is dynamic (it has no slot of its own here)."""
    dept, rules = scenario.department, scenario.rules
    pins = set(scenario.pins.keep_sections)
    if any(dept.section(sid).kind is SectionKind.DYNAMIC for sid in pins):
        return None
    slots: list[Slot] = []
    for sec in dept.sections:
        if sec.kind is SectionKind.BASIC:
            pinned = sec.id if sec.id in pins else None
            slots.append(Slot(index=len(slots), kind=SectionKind.BASIC, pinned=pinned, label=sec.id))
    for _ in range(rules.max_basic_sections):
        slots.append(Slot(index=len(slots), kind=SectionKind.BASIC))
    if rules.dynamic_for_key_tasks_only:
        for t in sorted(live):
            slots.append(Slot(index=len(slots), kind=SectionKind.DYNAMIC, task=t))
    else:
        for _ in range(rules.max_dynamic_sections):
            slots.append(Slot(index=len(slots), kind=SectionKind.DYNAMIC))
    return tuple(slots)
