"""Why each person sits where a plan puts them (人随事走), from the data and the plan alone: no
solver, so the app, the exports and a plan read back from plan.json all give the same words."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

from restructure.domain import Department, Person, Plan, PlanSection, Rank, SectionKind
from restructure.terms import head_titles


def staff_reasons(dept: Department, sections: Sequence[PlanSection]) -> dict[str, tuple[str, str]]:
    """Why each person sits where the plan puts them, (zh, en). A person who changes section
    takes a post there, follows duties of their section that moved there (人随事走), leaves a
    section that is no longer set up, staffs a dynamic section, brings a skill its duties need,
    or else evens out workload per FTE (both sections' figures are given). Ids the department
    does not know are left out: the checker reports them."""
    duties = {d.id: d for d in dept.duties}
    people = {p.id: p for p in dept.staff}
    today_name = {s.id: s.name for s in dept.sections}
    heir = {t: s for s in sections for t in s.successor_of}  # today's section -> its successor
    load = {s.id: s.workload_fte / s.capacity_fte if s.capacity_fte else 0.0 for s in sections}
    out: dict[str, tuple[str, str]] = {}
    for sec in sections:
        here = [duties[d] for d in sec.duties if d in duties]
        # duties that came here from sections of today this one does not continue, by origin
        brought = Counter(
            d.current_section for d in here if d.current_section not in (None, *sec.successor_of)
        )
        needed = {skill for d in here for skill in d.skills}
        staff = [people[p] for p in sec.staff if p in people]
        for person in staff:
            others = {skill for p in staff if p is not person for skill in p.skills}
            zh, en = _staff_reason(sec, person, today_name, heir, load, brought, needed - others)
            post = _post(sec, person.id)
            moved = person.current_section in today_name and person.current_section not in sec.successor_of
            # a post change says what the post is now, unless the reason is that post already
            if post != person.rank and not (moved and post is not Rank.STAFF):
                chief, deputy = head_titles(sec.name)
                title = {Rank.CHIEF: chief, Rank.DEPUTY: deputy, Rank.STAFF: "一般干部"}[post]
                zh, en = f"{zh}，改任{title}", f"{en}, now {_POST_EN[post]}"
            out[person.id] = zh, en
    return out


def reasons_of(plan: Plan, dept: Department) -> dict[str, tuple[str, str]]:
    """The plan's staff reasons; a plan.json written before they existed gets them computed."""
    if plan.explanation.staff_reasons or not plan.sections:
        return dict(plan.explanation.staff_reasons)
    return staff_reasons(dept, plan.sections)


_POST_EN = {Rank.CHIEF: "section chief", Rank.DEPUTY: "deputy chief", Rank.STAFF: "staff"}


def _post(sec: PlanSection, pid: str) -> Rank:
    return Rank.CHIEF if sec.chief == pid else Rank.DEPUTY if pid in sec.deputies else Rank.STAFF


def _staff_reason(
    sec: PlanSection,
    person: Person,
    today_name: Mapping[str, str],
    heir: Mapping[str, PlanSection],
    load: Mapping[str, float],
    brought: Counter,
    only_skills: set[str],
) -> tuple[str, str]:
    old = person.current_section
    if old is None or old not in today_name:
        return f"新进人员，安排到「{sec.name}」", f"new staff, placed in '{sec.name}'"
    was = today_name[old]
    chief, deputy = head_titles(sec.name)
    if old in sec.successor_of:
        return f"随原科室「{was}」延续", f"stays with its section '{was}'"
    if sec.chief == person.id:
        return f"调任「{sec.name}」{chief}", f"moves to lead '{sec.name}'"
    if person.id in sec.deputies:
        return f"调任「{sec.name}」{deputy}", f"moves to a deputy post in '{sec.name}'"
    if brought[old]:
        n = brought[old]
        return (
            f"人随事走：「{was}」有{n}项职责划入「{sec.name}」",
            f"follows {n} {'duty' if n == 1 else 'duties'} that moved from '{was}' to '{sec.name}'",
        )
    if old not in heir:
        return f"原科室「{was}」不再单设", f"'{was}' is no longer a section of its own"
    if sec.kind is SectionKind.DYNAMIC:
        return f"抽调到动态科室「{sec.name}」承担重点工作", f"seconded to the dynamic section '{sec.name}'"
    brings = sorted(only_skills & set(person.skills))
    if brings:
        return (
            f"补充「{sec.name}」职责所需的专业：{'、'.join(brings)}",
            f"brings the skill {', '.join(brings)} that duties in '{sec.name}' need",
        )
    stay = heir[old]
    return (
        f"均衡工作量：调整后「{stay.name}」人均工作量{load[stay.id]:.2f}，「{sec.name}」{load[sec.id]:.2f}",
        f"evens out workload per FTE: {load[stay.id]:.2f} in '{stay.name}' and {load[sec.id]:.2f} in '{sec.name}'",
    )
