"""Dynamic sections over time: when they open and close, and the leadership posts in use.

A dynamic section (动态科室) lasts as long as its key task (重点工作). Its key task is the
section's declared ``key_task``, or else the key task carrying most of its duties' workload.
It is open from the task's start month to its end month (both included), clipped to the
horizon; a dynamic section without a key task or whose task has no dates is open the whole
horizon. Basic sections are open throughout.

Horizon: from ``plan_month`` (the plan cannot act earlier) or else the earliest key-task
start, to the latest key-task end; where no end is known, 36 months from the start. When no
month is known at all the months are numbered M01..M36 and every section is open throughout.

Where people go when a dynamic section closes, in this order:
1. the basic section that continues their today's section (``successor_of``);
2. else the basic section holding the most workload of the business lines (groups) of the
   closing section's duties;
3. else the largest basic section by capacity (ties: the first in the plan).
Before a dynamic section opens its people work in that same section.

Leadership posts in use in a month are the chief and deputy posts of the sections open that
month; the quota is the department's total of chief + deputy posts today. A month above the
quota is reported as a violation (it is never hidden or clipped).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

import pandas as pd

from restructure.domain import Department, KeyTaskId, SectionKind, StaffId
from restructure.simulate.structure import Structure, StructureSection, point_loads

DEFAULT_HORIZON_MONTHS = 36
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def parse_month(text: str) -> int:
    """'YYYY-MM' -> months since year 0 (so consecutive months differ by 1)."""
    m = _MONTH.match(text.strip())
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise ValueError(f"not a YYYY-MM month: {text!r}")
    return int(m.group(1)) * 12 + int(m.group(2)) - 1


def format_month(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


@dataclass(frozen=True)
class Return:
    """A person going back to a basic section when a dynamic section closes."""

    staff_id: StaffId
    from_section: str
    to_section: str | None  # None: the plan has no basic section
    month: str  # first month in the new section
    rule: str  # "continues_today", "group" or "largest"
    from_name: str = ""
    to_name: str = ""
    staff_name: str = ""


RETURN_RULES_TEXT = {
    "continues_today": (
        "回到延续其现科室的基本科室",
        "back to the basic section that continues their section today",
    ),
    "group": (
        "到承担同一业务板块最多工作量的基本科室",
        "to the basic section with most workload of the same business line",
    ),
    "largest": ("到人员最多的基本科室", "to the largest basic section"),
}


@dataclass(frozen=True)
class DynamicSpan:
    """When one dynamic section is open."""

    section_id: str
    name: str
    key_task: KeyTaskId | None
    key_task_name: str
    opens: str  # first open month
    closes: str  # last open month
    open_from: int  # index into Timeline.months
    open_to: int  # index into Timeline.months, inclusive
    leadership_posts: int
    staff: tuple[StaffId, ...]
    returns: tuple[Return, ...]  # empty when the section stays open to the end of the horizon


@dataclass(frozen=True)
class PostViolation:
    month: str
    used: int
    quota: int

    @property
    def zh(self) -> str:
        return f"{self.month} 在用领导职数 {self.used} 个,超过核定的 {self.quota} 个"

    @property
    def en(self) -> str:
        return f"{self.month}: {self.used} leadership posts in use, above the quota of {self.quota}"


@dataclass(frozen=True)
class Timeline:
    """Month-by-month view of a structure's dynamic sections and leadership posts."""

    label: str  # "today" or "plan"
    months: tuple[str, ...]
    spans: tuple[DynamicSpan, ...]
    posts_used: tuple[int, ...]  # per month
    quota: int
    violations: tuple[PostViolation, ...]
    notes: tuple[tuple[str, str], ...] = ()  # (zh, en)

    @property
    def ok(self) -> bool:
        return not self.violations

    @property
    def max_posts_used(self) -> int:
        return max(self.posts_used, default=0)

    def to_frame(self) -> pd.DataFrame:
        rows = []
        for i, month in enumerate(self.months):
            open_now = [s.section_id for s in self.spans if s.open_from <= i <= s.open_to]
            rows.append(
                {
                    "month": month,
                    "dynamic_open": ";".join(open_now),
                    "posts_used": self.posts_used[i],
                    "quota": self.quota,
                }
            )
        return pd.DataFrame(rows, columns=list(TIMELINE_COLUMNS))

    def returns_frame(self, lang: str = "zh") -> pd.DataFrame:
        """One row per person going back to a basic section when a dynamic section closes: the
        month, the section closing, the person, where they go and by which rule."""
        none = "无基本科室" if lang == "zh" else "no basic section"
        rows = [
            {
                "month": r.month,
                "from_section": f"{r.from_section} {r.from_name}".strip(),
                "staff": f"{r.staff_id} {r.staff_name}".strip(),
                "to_section": f"{r.to_section} {r.to_name}".strip() if r.to_section else none,
                "reason": RETURN_RULES_TEXT[r.rule][0 if lang == "zh" else 1],
            }
            for span in self.spans
            for r in span.returns
        ]
        return pd.DataFrame(rows, columns=list(RETURNS_COLUMNS))

    def events_frame(self) -> pd.DataFrame:
        """One row per opening, closing and return of a person."""
        rows = []
        for s in self.spans:
            rows.append({"month": s.opens, "event": "open", "section": s.section_id, "staff": "", "to": ""})
            if s.returns:
                close_month = s.returns[0].month
                rows.append(
                    {"month": close_month, "event": "close", "section": s.section_id, "staff": "", "to": ""}
                )
                for r in s.returns:
                    rows.append(
                        {
                            "month": r.month,
                            "event": "return",
                            "section": s.section_id,
                            "staff": r.staff_id,
                            "to": r.to_section or "",
                        }
                    )
        frame = pd.DataFrame(rows, columns=["month", "event", "section", "staff", "to"])
        return frame.sort_values(["month", "section"], kind="stable").reset_index(drop=True)


TIMELINE_COLUMNS = ("month", "dynamic_open", "posts_used", "quota")
RETURNS_COLUMNS = ("month", "from_section", "staff", "to_section", "reason")


def _key_task_of(sec: StructureSection, structure: Structure, department: Department) -> KeyTaskId | None:
    if sec.key_task:
        return sec.key_task
    weight: Counter[str] = Counter()
    for d in department.duties:
        if d.key_task and structure.duty_section.get(d.id) == sec.id:
            weight[d.key_task] += d.workload_fte
    if not weight:
        return None
    return max(sorted(weight), key=lambda k: weight[k])


def _month_label(first: int | None, i: int) -> str:
    """The i-th month of the horizon: YYYY-MM from a known first month, else M01, M02, ..."""
    return format_month(first + i) if first is not None else f"M{i + 1:02d}"


def _horizon(department: Department, plan_month: str | None) -> tuple[int | None, int]:
    """(first month index or None for relative months, number of months)."""
    starts = [parse_month(k.start) for k in department.key_tasks if k.start]
    ends = [parse_month(k.end) for k in department.key_tasks if k.end]
    if plan_month:
        first = parse_month(plan_month)
    elif starts:
        first = min(starts)
    elif ends:
        first = min(ends) - DEFAULT_HORIZON_MONTHS + 1
    else:
        return None, DEFAULT_HORIZON_MONTHS
    last = max(ends) if ends and max(ends) >= first else first + DEFAULT_HORIZON_MONTHS - 1
    return first, last - first + 1


def _return_section(
    pid: StaffId,
    dyn: StructureSection,
    structure: Structure,
    department: Department,
    basics: list[StructureSection],
) -> tuple[str | None, str]:
    person = department.person(pid)
    if person.current_section:
        for b in basics:
            if person.current_section in b.continues:
                return b.id, "continues_today"
    groups = {d.group for d in department.duties if d.group and structure.duty_section.get(d.id) == dyn.id}
    if groups:
        weight: Counter[str] = Counter()
        basic_ids = {b.id for b in basics}
        for d in department.duties:
            sid = structure.duty_section.get(d.id)
            if d.group in groups and sid in basic_ids:
                weight[sid] += d.workload_fte
        if weight:
            best = max(weight.values())
            return next(b.id for b in basics if weight.get(b.id) == best), "group"
    if not basics:
        return None, "largest"
    points = point_loads(structure, department)
    best_cap = max(points[b.id].capacity_fte for b in basics)
    return next(b.id for b in basics if points[b.id].capacity_fte == best_cap), "largest"


def build_timeline(
    structure: Structure,
    department: Department,
    *,
    plan_month: str | None = None,
    start: str | None = None,
    months: int | None = None,
) -> Timeline:
    """The month-by-month timeline; ``start`` / ``months`` override the default horizon."""
    first, n = _horizon(department, plan_month)
    if start is not None:
        first = parse_month(start)
    if months is not None:
        n = months
    labels = tuple(_month_label(first, i) for i in range(n))
    tasks = {k.id: k for k in department.key_tasks}
    basics = [s for s in structure.sections if s.kind is SectionKind.BASIC]
    names = {s.id: s.name for s in structure.sections}
    notes: list[tuple[str, str]] = []

    spans = []
    for sec in structure.sections:
        if sec.kind is not SectionKind.DYNAMIC:
            continue
        kt_id = _key_task_of(sec, structure, department)
        task = tasks.get(kt_id) if kt_id else None
        lo, hi = 0, n - 1
        if first is not None and task is not None:
            if task.start:
                lo = max(lo, parse_month(task.start) - first)
            if task.end:
                hi = min(hi, parse_month(task.end) - first)
        if task is None:
            notes.append(
                (
                    f"动态科室 {sec.id} {sec.name} 没有对应的重点工作,按整个期间设置",
                    f"dynamic section {sec.id} {sec.name} has no key task: open over the whole horizon",
                )
            )
        if hi < lo:
            notes.append(
                (
                    f"动态科室 {sec.id} {sec.name} 的重点工作不在期间内,不设置",
                    f"dynamic section {sec.id} {sec.name}: its key task lies outside the horizon, never open",
                )
            )
            continue
        staff = structure.staff_of(sec.id)
        returns: tuple[Return, ...] = ()
        # The section closes inside the horizon, or with its key task's last month, which is the
        # default horizon's last month: the people's way back is part of the plan either way.
        ends_here = (
            task is not None
            and task.end is not None
            and first is not None
            and hi == parse_month(task.end) - first
        )
        if hi < n - 1 or ends_here:
            back_month = labels[hi + 1] if hi < n - 1 else _month_label(first, hi + 1)
            back = []
            for pid in staff:
                to, rule = _return_section(pid, sec, structure, department, basics)
                back.append(
                    Return(
                        pid,
                        sec.id,
                        to,
                        back_month,
                        rule,
                        from_name=sec.name,
                        to_name=names.get(to, "") if to else "",
                        staff_name=department.person(pid).name or "",
                    )
                )
            returns = tuple(back)
        spans.append(
            DynamicSpan(
                section_id=sec.id,
                name=sec.name,
                key_task=kt_id,
                key_task_name=task.name if task else "",
                opens=labels[lo],
                closes=labels[hi],
                open_from=lo,
                open_to=hi,
                leadership_posts=sec.leadership_posts,
                staff=staff,
                returns=returns,
            )
        )

    basic_posts = sum(s.leadership_posts for s in basics)
    used = tuple(
        basic_posts + sum(s.leadership_posts for s in spans if s.open_from <= i <= s.open_to)
        for i in range(n)
    )
    quota = department.leadership_posts
    violations = tuple(PostViolation(labels[i], u, quota) for i, u in enumerate(used) if u > quota)
    return Timeline(
        label=structure.label,
        months=labels,
        spans=tuple(spans),
        posts_used=used,
        quota=quota,
        violations=violations,
        notes=tuple(notes),
    )
