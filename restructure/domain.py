"""Frozen domain types: the department, the scenario and the plan.

Everything here is plain data. Readers in ``restructure.io`` build these objects from
planners' files after ``restructure.validate`` has checked them; the model, the checker,
the simulator and the exporters only ever see these types.

Each field carries a one-line description in its metadata (``doc``) so that the README,
the app's help texts and the tests can all point at the same words.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction
from functools import cached_property
from typing import Any

# ID aliases: plain strings, named so signatures say which id they mean.
SectionId = str  # today's section (现有内设机构), e.g. "S01"
PlanSectionId = str  # a section of a proposed plan, e.g. "K01"
DutyId = str  # a duty item (职责事项), e.g. "D001"
StaffId = str  # a person on the real-name register (实名制), e.g. "P001"
KeyTaskId = str  # a key task (重点工作), e.g. "KT1"


def doc(text: str, **kw: Any) -> Any:
    """A dataclass field with a description in its metadata."""
    return field(metadata={"doc": text}, **kw)


class Function(StrEnum):
    """The kind of work a duty is (职能)."""

    SUPPORT = "support"
    POLICY = "policy"
    BUSINESS = "business"
    LICENSING = "licensing"
    ENFORCEMENT = "enforcement"
    KEY_TASK = "key_task"


# Order used to break ties when a section's main function is decided (see KPI definitions).
FUNCTION_ORDER: tuple[Function, ...] = tuple(Function)
# A tuple, not a set: the model iterates it, and a set of enum members iterates in an order that
# follows string hashing, which changes from one process to the next (PYTHONHASHSEED), so the
# same scenario and seed built its rows in another order and solved to another plan.
NONBUSINESS_FUNCTIONS: tuple[Function, ...] = (Function.SUPPORT, Function.POLICY)


class SectionKind(StrEnum):
    BASIC = "basic"  # 基本科室
    DYNAMIC = "dynamic"  # 动态科室


class Rank(StrEnum):
    CHIEF = "chief"  # 科长 (正科)
    DEPUTY = "deputy"  # 副科长 (副科)
    STAFF = "staff"  # 一般干部


class Establishment(StrEnum):
    ADMINISTRATIVE = "administrative"  # 行政编
    INSTITUTION = "institution"  # 事业编
    OTHER = "other"


class Status(StrEnum):
    OPTIMAL = "optimal"
    FEASIBLE = "feasible"
    INFEASIBLE = "infeasible"
    UNKNOWN = "unknown"  # time ran out with no plan
    INVALID = "invalid"  # the model itself was rejected (a bug, never a result)

    @property
    def has_plan(self) -> bool:
        return self in (Status.OPTIMAL, Status.FEASIBLE)


# ---------------------------------------------------------------------------------------
# Department data (the input contract, section 1)
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Section:
    """One of today's internal sections (现有内设机构)."""

    id: SectionId = doc("section code, unique in the department")
    name: str = doc("section name, e.g. 办公室")
    kind: SectionKind = doc("basic (基本科室) or dynamic (动态科室)", default=SectionKind.BASIC)
    chief_posts: int = doc("section-chief posts held today (正科级领导职数)", default=1)
    deputy_posts: int = doc("deputy posts held today (副科级领导职数)", default=0)
    extra: Mapping[str, str] = doc("columns beyond the contract, kept verbatim", default_factory=dict)


@dataclass(frozen=True)
class Duty:
    """A duty item (职责事项)."""

    id: DutyId = doc("duty code, unique in the department")
    name: str = doc("duty wording, e.g. 食品生产许可")
    function: Function = doc("kind of work: support, policy, business, licensing, enforcement, key_task")
    workload_fte: float = doc("estimated yearly workload in full-time equivalents, > 0")
    current_section: SectionId | None = doc("where the duty sits today; None = a new duty", default=None)
    group: str | None = doc("business line (业务板块); a group's duties belong together", default=None)
    chain: str | None = doc("process chain under checks and balances (横向分权制衡)", default=None)
    stage: str | None = doc("stage of the chain, e.g. guideline, review, implementation", default=None)
    skills: tuple[str, ...] = doc("skills the duty needs", default=())
    key_task: KeyTaskId | None = doc("the key task a key_task duty serves", default=None)
    workload_low: float | None = doc("low end of the workload estimate (simulation)", default=None)
    workload_high: float | None = doc("high end of the workload estimate (simulation)", default=None)
    extra: Mapping[str, str] = doc("columns beyond the contract, kept verbatim", default_factory=dict)


@dataclass(frozen=True)
class Person:
    """A person on the real-name staffing register (实名制人员)."""

    id: StaffId = doc("staff code, unique in the department")
    rank: Rank = doc("chief, deputy or staff: the post held today")
    name: str | None = doc("personal name; exports can pseudonymise it", default=None)
    current_section: SectionId | None = doc(
        "where the person works today; None = newly assigned", default=None
    )
    establishment: Establishment = doc("行政编 / 事业编 / 其他", default=Establishment.ADMINISTRATIVE)
    capacity_fte: float = doc("share of a full-time workload the person can carry, in (0, 1]", default=1.0)
    skills: tuple[str, ...] = doc("skills the person brings", default=())
    years_in_post: float | None = doc("years in the current post", default=None)
    movable: bool = doc("False: stays in the section that continues current_section", default=True)
    extra: Mapping[str, str] = doc("columns beyond the contract, kept verbatim", default_factory=dict)


@dataclass(frozen=True)
class KeyTask:
    """A time-limited key task (重点工作) that may justify a dynamic section."""

    id: KeyTaskId = doc("key task code")
    name: str = doc("e.g. 营商环境优化")
    start: str | None = doc("first month, YYYY-MM", default=None)
    end: str | None = doc("last month, YYYY-MM", default=None)
    extra: Mapping[str, str] = doc("columns beyond the contract, kept verbatim", default_factory=dict)


@dataclass(frozen=True)
class Department:
    """A department's data as loaded from a folder of CSV files or one .xlsx workbook."""

    name: str = doc("a label for the department (folder or workbook name unless given)")
    sections: tuple[Section, ...] = doc("today's sections")
    duties: tuple[Duty, ...] = doc("duty items")
    staff: tuple[Person, ...] = doc("people on the register")
    key_tasks: tuple[KeyTask, ...] = doc("key tasks", default=())
    source: str = doc("where the data was read from", default="")
    main_duties: tuple[str, ...] = doc(
        "部门主要职责: the department's main duties as its 三定 words them (the draft's first part)",
        default=(),
    )
    approved_staffing: int | None = doc(
        "核定行政编制数: the administrative staffing the department is approved for", default=None
    )

    @property
    def chief_posts(self) -> int:
        return sum(s.chief_posts for s in self.sections)

    @property
    def deputy_posts(self) -> int:
        return sum(s.deputy_posts for s in self.sections)

    @property
    def leadership_posts(self) -> int:
        return self.chief_posts + self.deputy_posts

    @property
    def total_workload(self) -> float:
        return sum(d.workload_fte for d in self.duties)

    @property
    def total_capacity(self) -> float:
        return sum(p.capacity_fte for p in self.staff)

    def section(self, sid: SectionId) -> Section:
        return self._index["sections"][sid]

    def duty(self, did: DutyId) -> Duty:
        return self._index["duties"][did]

    def person(self, pid: StaffId) -> Person:
        return self._index["staff"][pid]

    @cached_property
    def _index(self) -> dict[str, dict[str, Any]]:
        """id -> item, built once: the checker looks items up by id hundreds of thousands of
        times, and a fresh dict per lookup made checking a 1000-duty plan take 11 s."""
        return {
            "sections": {s.id: s for s in self.sections},
            "duties": {d.id: d for d in self.duties},
            "staff": {p.id: p for p in self.staff},
        }


# ---------------------------------------------------------------------------------------
# Scenario (the input contract: docs/data-contract.md, section 2)
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rules:
    """Hard rules of a scenario (``[rules]``). Defaults are the contract's."""

    max_basic_sections: int = doc("基本科室 at most this many", default=9)
    max_dynamic_sections: int = doc("动态科室 at most this many", default=3)
    keep_section_count: bool = doc("as many sections as today (内设机构个数不变)", default=False)
    keep_leadership_posts: bool = doc("same total of chief+deputy posts, no more chief posts", default=True)
    max_deputies_per_section: int = doc("deputy posts per section at most", default=3)
    people_per_deputy_post: int = doc(
        "span of control (管理幅度, added): a section has at most one deputy post for every this many "
        "people besides its chief (2: a section of 3 people gets one deputy post, of 5 two); 1 = one "
        "deputy post per person besides the chief",
        default=2,
    )
    single_section: tuple[str, ...] = doc(
        "functions whose duties all sit in one section", default=("support",)
    )
    separate_stages: bool = doc("stages of one chain in different sections", default=True)
    max_nonbusiness_section_share: float = doc("share of non-business sections at most", default=0.30)
    min_business_staff_share: float = doc("share of staff FTE in business sections at least", default=0.0)
    min_section_staff: int = doc("people per section at least", default=3)
    max_section_staff: int | None = doc("people per section at most (optional)", default=None)
    max_load_deviation: float = doc("workload per FTE within ± this share of the average", default=0.20)
    max_staff_moves: float = doc("share of movable staff who may change section", default=1.0)
    dynamic_for_key_tasks_only: bool = doc("dynamic sections hold key_task duties only", default=True)
    together: tuple[tuple[str, ...], ...] = doc("duty or staff ids kept in one section", default=())
    apart: tuple[tuple[str, ...], ...] = doc("duty or staff ids kept in different sections", default=())
    robust_margin: float = doc(
        "robust balance (added): each section's load at fte + margin x (high - fte) must also stay under the "
        "band's upper edge; 0 = point estimates only",
        default=0.0,
    )
    plan_month: str | None = doc(
        "YYYY-MM the plan takes effect; key tasks ended before it get no dynamic section (added)",
        default=None,
    )


@dataclass(frozen=True)
class Pins:
    """Decisions the planner has already taken (``[pins]``)."""

    keep_sections: tuple[SectionId, ...] = doc("today's sections kept exactly as they are", default=())
    duty_sections: Mapping[DutyId, SectionId] = doc(
        "duty -> today's section whose successor must hold it (added: move a duty by hand)",
        default_factory=dict,
    )


@dataclass(frozen=True)
class Process:
    """An ordered flow of cases through duties (``[[processes]]``), for simulation."""

    name: str = doc("process name, e.g. 建设工程施工许可")
    steps: tuple[DutyId, ...] = doc("duty ids in order")
    cases_per_year: float = doc("cases entering per year", default=0.0)
    days_per_step: tuple[float, ...] = doc("working days of processing at each step", default=())
    handoff_days: float = doc("days added when the next step sits in another section", default=0.0)


@dataclass(frozen=True)
class Weights:
    """Relative weights of the soft goals (``[objective]``)."""

    balance: float = doc("even workload per FTE across sections", default=10)
    cohesion: float = doc("each group in as few sections as possible", default=5)
    disruption: float = doc("duties and staff that change section", default=2)
    skills: float = doc("staff placed where their skills are needed", default=1)
    posts: float = doc(
        "people whose leadership post changes, and vacant chief and deputy posts (added)", default=3
    )
    structure: float = doc(
        "points per section short of what the caps, chief posts and staff allow (added): no degenerate "
        "merges. The solver reaches as many sections as it can first, then optimises the rest; 0 = off",
        default=30,
    )
    span: float = doc(
        "points per person a section holds beyond span_ratio x the average section size (added): merging "
        "whole sections moves nobody, so without it one section could absorb half a department",
        default=2,
    )
    key_tasks: float = doc(
        "points per duty of a live key task that sits outside a dynamic section (added): 9+X sets up "
        "dynamic sections for key tasks (因事设置), so their work belongs there rather than spread over "
        "standing sections that outlive the task; counted only where dynamic sections are allowed; 0 = off",
        default=4,
    )
    span_ratio: float = doc(
        "a section larger than this many times the average section size (staff over the number of sections "
        "the caps allow) is too large (管理幅度过大, added)",
        default=2.0,
    )
    balance_band: float = doc(
        "workload per FTE within ± this share of the average counts as even (added): balance costs only "
        "the FTE beyond it; 0 = every deviation counts",
        default=0.10,
    )
    related_groups: tuple[tuple[str, ...], ...] = doc(
        "sets of business lines (duty groups) the planner counts as similar (added): cohesion counts "
        "each set like one more group, so merged sections join similar lines (相近科室合并)",
        default=(),
    )


ROBUST_DEFAULT_SPREAD = 0.25  # a duty without workload_high is taken as +25 % (as in the simulation)


def robust_workload(d: Duty, margin: float) -> float:
    """The workload a robust plan balances against: part way from the estimate to its high end."""
    high = d.workload_high if d.workload_high is not None else d.workload_fte * (1 + ROBUST_DEFAULT_SPREAD)
    return d.workload_fte + margin * max(0.0, high - d.workload_fte)


def fte_scale(dept: Department, max_decimals: int = 3) -> int:
    """How many units make 1 FTE in the model: 10 ** the decimals the department's workloads and
    capacities need (at most 3). The model counts in these units, and so does the objective's
    balance term that the checker recomputes."""
    values = [d.workload_fte for d in dept.duties] + [p.capacity_fte for p in dept.staff]
    for dec in range(max_decimals + 1):
        f = 10**dec
        if all(abs(v * f - round(v * f)) < 1e-6 for v in values):
            return f
    return 10**max_decimals


def exact(value: float) -> Fraction:
    """A share or a bound as the planner typed it: 0.2496 is 312/1250, not the binary float next
    to it. The model multiplies these out in integers and the checker compares with them, so
    the two agree on every decimal input (rounding to per mille let 25 % pass a 24.96 % cap)."""
    return Fraction(str(value))


def weights_dict(w: Weights) -> dict[str, float]:
    """Soft goal -> weight, the one list of soft goals the model and the checker share."""
    return {
        "balance": w.balance,
        "cohesion": w.cohesion,
        "disruption": w.disruption,
        "skills": w.skills,
        "posts": w.posts,
        "structure": w.structure,
        "span": w.span,
        "key_tasks": w.key_tasks,
    }


@dataclass(frozen=True)
class SolverSettings:
    """How the solver runs (``[solver]``)."""

    time_limit_s: float = doc("time limit in seconds", default=10)
    seed: int = doc("random seed", default=0)
    workers: int = doc("CP-SAT search workers", default=2)
    deterministic: bool = doc(
        "reproducible mode: stop on CP-SAT's deterministic time, same inputs+seed -> same plan (added)",
        default=False,
    )


@dataclass(frozen=True)
class Scenario:
    """A department plus the rules, pins, weights and solver settings to plan it under."""

    name: str = doc("scenario name")
    department: Department = doc("the department data")
    description: str = doc("what the scenario is for", default="")
    rules: Rules = doc("hard rules", default_factory=Rules)
    pins: Pins = doc("decisions already taken", default_factory=Pins)
    processes: tuple[Process, ...] = doc("process flows for simulation", default=())
    objective: Weights = doc("soft-goal weights", default_factory=Weights)
    solver: SolverSettings = doc("solver settings", default_factory=SolverSettings)
    section_names: Mapping[str, str] = doc(
        "planner's names for plan sections, keyed by plan section id or a today's section it continues (added)",
        default_factory=dict,
    )
    source: str = doc("the TOML file this came from", default="")
    settings: Mapping[str, Any] = doc(
        "the merged TOML (after extends), for hashing and saving", default_factory=dict
    )


# ---------------------------------------------------------------------------------------
# Plan (the output contract: docs/data-contract.md, section 3)
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanSection:
    """A section of a proposed plan."""

    id: PlanSectionId = doc("plan section code, e.g. K01")
    name: str = doc("proposed name (planner may override)")
    kind: SectionKind = doc("basic or dynamic")
    duties: tuple[DutyId, ...] = doc("duties it holds")
    staff: tuple[StaffId, ...] = doc("people in it")
    chief: StaffId | None = doc("who fills the chief post (None = vacant)")
    deputies: tuple[StaffId, ...] = doc("who fill deputy posts")
    chief_posts: int = doc("chief posts (always 1 in a plan)")
    deputy_posts: int = doc("deputy posts")
    workload_fte: float = doc("sum of its duties' workload")
    capacity_fte: float = doc("sum of its staff's capacity")
    successor_of: tuple[SectionId, ...] = doc("today's sections it continues")
    main_function: Function | None = doc("function with the largest share of its workload", default=None)
    key_task: KeyTaskId | None = doc("the key task a dynamic section serves", default=None)


@dataclass(frozen=True)
class Change:
    """One line of the implementation checklist."""

    kind: str = doc("duty_move, duty_new, staff_move, staff_new, post_change or vacancy")
    item: str = doc("duty or staff id, or plan section id for a vacancy")
    name: str = doc("duty or person name")
    from_section: str | None = doc("today's section id")
    to_section: str | None = doc("plan section id")
    detail_zh: str = doc("what changes, in Chinese")
    detail_en: str = doc("what changes, in English")


@dataclass(frozen=True)
class Finding:
    """A rule instance in a conflict, a binding rule, or a checks-panel line."""

    rule: str = doc("rule key, e.g. separate_stages")
    instance: str = doc("which instance, e.g. the chain name; empty for department-wide rules")
    status: str = doc("conflict, binding, met or violated")
    zh: str = doc("sentence in Chinese")
    en: str = doc("sentence in English")


@dataclass(frozen=True)
class Explanation:
    """Why the plan is as it is, or why there is none."""

    conflicts: tuple[Finding, ...] = doc("infeasible: minimal set of rules in conflict", default=())
    confirmed: bool = doc("the conflict was confirmed infeasible by an independent re-solve", default=False)
    minimal: bool = doc("every conflict member was shown to be needed", default=False)
    relaxations: tuple[str, ...] = doc(
        "conflict members ('rule:instance') whose relaxation alone, all other rules kept, gives a plan",
        default=(),
    )
    binding: tuple[Finding, ...] = doc("feasible: rules at their limit", default=())
    duty_reasons: Mapping[DutyId, tuple[str, str]] = doc(
        "duty -> (zh, en) reason for its section", default_factory=dict
    )
    staff_reasons: Mapping[StaffId, tuple[str, str]] = doc(
        "person -> (zh, en) reason for their section (人随事走; added)", default_factory=dict
    )
    note_zh: str = doc("a summary sentence, Chinese", default="")
    note_en: str = doc("a summary sentence, English", default="")


@dataclass(frozen=True)
class SolverInfo:
    status: Status = doc("solver verdict")
    objective: float | None = doc("objective of the returned plan", default=None)
    bound: float | None = doc("best proven bound", default=None)
    gap: float | None = doc("(objective - bound) / max(1, |objective|)", default=None)
    gap_units: Mapping[str, float] = doc("gap stated in planners' units (FTE, moves)", default_factory=dict)
    seconds: float = doc("wall seconds", default=0.0)
    first_solution_s: float | None = doc("wall seconds to the first plan", default=None)
    seed: int = doc("random seed", default=0)
    workers: int = doc("search workers", default=1)
    deterministic: bool = doc("reproducible mode", default=False)
    version: str = doc("restructure version", default="")
    formulation: str = doc("model variant used", default="aggregated")
    layout: str = doc("slot layout of the model: labelled or anonymous (see model.instance)", default="")
    bound_without_new_sections: float | None = doc(
        "best proven bound over the plans that set up no new section (one continuing none of today's), "
        "where the search proved those apart; at this plan's objective when none of them beats it (added)",
        default=None,
    )


@dataclass(frozen=True)
class Plan:
    """A proposed structure, or the honest absence of one (status infeasible/unknown)."""

    scenario: str = doc("scenario name")
    department: str = doc("department name")
    status: Status = doc("optimal, feasible, infeasible, unknown")
    sections: tuple[PlanSection, ...] = doc("proposed sections (empty when there is no plan)")
    kpis: Mapping[str, float] = doc("KPIs of the plan")
    baseline_kpis: Mapping[str, float] = doc("the same KPIs for today's structure")
    terms: Mapping[str, float] = doc("per soft goal: weighted cost in the objective", default_factory=dict)
    term_units: Mapping[str, float] = doc("per soft goal: raw amount in its own unit", default_factory=dict)
    changes: tuple[Change, ...] = doc("implementation checklist", default=())
    explanation: Explanation = doc("conflicts or binding rules", default_factory=Explanation)
    solver: SolverInfo = doc("solver statistics", default_factory=lambda: SolverInfo(Status.UNKNOWN))
    input_hash: str = doc("hash of data + settings", default="")

    @property
    def has_plan(self) -> bool:
        return self.status.has_plan and bool(self.sections)

    def section_of_duty(self) -> dict[DutyId, PlanSectionId]:
        return {d: s.id for s in self.sections for d in s.duties}

    def section_of_person(self) -> dict[StaffId, PlanSectionId]:
        return {p: s.id for s in self.sections for p in s.staff}
