"""Compare plans: KPIs side by side with deltas, and which duties and people sit differently,
which sections and which posts (领导职数, who is chief or deputy) differ.

Plans come from plan.json files, plan folders (as ``solve`` and ``batch`` write them) or run ids
in the run store. ``duty_diff`` is what the app shows when a planner compares two variants.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from restructure.domain import Department, Plan
from restructure.export.tables import KPI_LABELS, kpi_label, term_label
from restructure.plan_io import neutralise_formula, read_plan
from restructure.store import RunStore
from restructure.terms import TERMS


@dataclass(frozen=True)
class LabeledPlan:
    label: str  # what the column header says: folder name, file name or "#id scenario"
    plan: Plan


def load_plan_ref(ref: str, store: RunStore | None = None) -> LabeledPlan:
    """A plan.json path, a folder holding plan.json, or a run id (digits, optionally '#'-prefixed)."""
    path = Path(ref)
    if path.is_dir() and (path / "plan.json").is_file():
        return LabeledPlan(path.name, read_plan(path))
    if path.is_file():
        label = path.parent.name if path.name == "plan.json" and path.parent.name else path.stem
        return LabeledPlan(label, read_plan(path))
    run_text = ref.removeprefix("#")
    if run_text.isdigit():
        rec = (store or RunStore()).get(int(run_text))
        return LabeledPlan(f"#{rec.id} {rec.label or rec.scenario}", rec.plan())
    raise FileNotFoundError(f"not a plan.json, a plan folder or a run id: {ref}")


def load_plans(refs: Sequence[str], store: RunStore | None = None) -> list[LabeledPlan]:
    plans = [load_plan_ref(r, store) for r in refs]
    # Two folders of the same name (batch/a/x, sweep/b/x) still need distinct column headers.
    seen: dict[str, int] = {}
    out = []
    for lp in plans:
        n = seen.get(lp.label, 0)
        seen[lp.label] = n + 1
        out.append(lp if n == 0 else LabeledPlan(f"{lp.label} ({n + 1})", lp.plan))
    return out


def kpi_keys(plans: Sequence[LabeledPlan]) -> list[str]:
    present = {k for lp in plans for k in lp.plan.kpis}
    return [k for k in KPI_LABELS if k in present] + sorted(present - set(KPI_LABELS))


def kpi_comparison(
    plans: Sequence[LabeledPlan], reference: int = 0, *, lang: str = "zh"
) -> list[dict[str, Any]]:
    """One row per KPI: each plan's value, and for the others the change against ``plans[reference]``.

    Besides the contract KPIs: status, objective and solve seconds, so a reader sees at once
    whether a variant is even comparable (an infeasible plan has no KPIs), and the objective's
    points per soft goal (``points:balance`` ...), so a reader sees where two objectives differ.
    """
    if not plans:
        return []
    rows: list[dict[str, Any]] = [
        {"kpi": "status", "label": "状态" if lang == "zh" else "status"}
        | {lp.label: lp.plan.status.value for lp in plans},
        {"kpi": "objective", "label": "目标值" if lang == "zh" else "objective"}
        | {lp.label: lp.plan.solver.objective for lp in plans},
        {"kpi": "seconds", "label": "求解秒数" if lang == "zh" else "seconds"}
        | {lp.label: round(lp.plan.solver.seconds, 2) for lp in plans},
    ]
    present = {k for lp in plans for k in lp.plan.terms}
    for key in [k for k in TERMS if k in present] + sorted(present - set(TERMS)):
        name = term_label(key, lang)
        label = f"计分：{name}" if lang == "zh" else f"points: {name}"
        rows.append(
            _compared(f"points:{key}", label, [lp.plan.terms.get(key) for lp in plans], plans, reference)
        )
    for key in kpi_keys(plans):
        values = [lp.plan.kpis.get(key) for lp in plans]
        rows.append(_compared(key, kpi_label(key, lang), values, plans, reference))
    return rows


def _compared(
    key: str, label: str, values: list[Any], plans: Sequence[LabeledPlan], reference: int
) -> dict[str, Any]:
    """One comparison row: each plan's value and, for the others, the change against the reference."""
    row: dict[str, Any] = {"kpi": key, "label": label}
    base = values[reference]
    for i, (lp, value) in enumerate(zip(plans, values, strict=True)):
        row[lp.label] = value
        if i != reference:
            row[f"Δ {lp.label}"] = (
                round(value - base, 6)
                if isinstance(value, int | float) and isinstance(base, int | float)
                else None
            )
    return row


def comparison_columns(plans: Sequence[LabeledPlan], reference: int = 0) -> list[str]:
    cols = ["kpi", "label"]
    for i, lp in enumerate(plans):
        cols.append(lp.label)
        if i != reference:
            cols.append(f"Δ {lp.label}")
    return cols


def _fmt(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def comparison_csv(rows: list[dict[str, Any]], columns: list[str]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow([neutralise_formula(c) for c in columns])
    for r in rows:
        w.writerow([neutralise_formula(r.get(c)) if r.get(c) is not None else "" for c in columns])
    return buf.getvalue()


def comparison_markdown(rows: list[dict[str, Any]], columns: list[str]) -> str:
    def cell(v: Any) -> str:
        return _fmt(v).replace("|", "\\|")

    lines = ["| " + " | ".join(cell(c) for c in columns) + " |", "|" + "|".join("---" for _ in columns) + "|"]
    lines += ["| " + " | ".join(cell(r.get(c)) for c in columns) + " |" for r in rows]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------
# Which duties and people sit differently
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Placement:
    """A duty or person whose section differs between plan A and plan B."""

    id: str
    name: str
    section_a: str | None  # plan A's section id (None: not placed)
    section_a_name: str
    section_b: str | None
    section_b_name: str


@dataclass(frozen=True)
class SectionChange:
    """A section of one plan without a counterpart in the other, or a counterpart of another
    name or kind (None: no counterpart)."""

    section_a: str | None
    section_a_name: str
    section_b: str | None
    section_b_name: str


@dataclass(frozen=True)
class PostChange:
    """A section and its counterpart whose 领导职数 or chief/deputies differ (people by name)."""

    section_a: str
    section_a_name: str
    section_b: str
    section_b_name: str
    chief_a: str  # the chief's name, "" = vacant
    chief_b: str
    deputies_a: tuple[str, ...]
    deputies_b: tuple[str, ...]
    chief_posts_a: int
    chief_posts_b: int
    deputy_posts_a: int
    deputy_posts_b: int


@dataclass(frozen=True)
class DutyDiff:
    # Section ids of two plans mean nothing to each other (K01 in A need not be K01 in B), so B's
    # sections are first matched to A's by how many duties and people they share.
    section_match: Mapping[str, str | None]  # plan B section id -> matched plan A section id
    duties: tuple[Placement, ...]
    staff: tuple[Placement, ...]
    sections: tuple[SectionChange, ...] = ()
    posts: tuple[PostChange, ...] = ()

    @property
    def same(self) -> bool:
        # Same placement with another chief or fewer deputy posts is another plan.
        return not (self.duties or self.staff or self.sections or self.posts)


def match_sections(plan_a: Plan, plan_b: Plan) -> dict[str, str | None]:
    """Greedy matching of B's sections to A's by shared duties + shared people, largest first."""
    members_a = {s.id: set(s.duties) | set(s.staff) for s in plan_a.sections}
    members_b = {s.id: set(s.duties) | set(s.staff) for s in plan_b.sections}
    pairs = sorted(
        ((len(ma & mb), a, b) for a, ma in members_a.items() for b, mb in members_b.items()),
        key=lambda t: (-t[0], t[1], t[2]),
    )
    match: dict[str, str | None] = dict.fromkeys(members_b)
    used_a: set[str] = set()
    for overlap, a, b in pairs:
        if overlap == 0:
            break
        if match[b] is None and a not in used_a:
            match[b] = a
            used_a.add(a)
    return match


def duty_diff(plan_a: Plan, plan_b: Plan, department: Department) -> DutyDiff:
    """Duties and people whose section in B is not the counterpart of their section in A."""
    match = match_sections(plan_a, plan_b)
    names_a = {s.id: s.name for s in plan_a.sections}
    names_b = {s.id: s.name for s in plan_b.sections}

    def differing(items, where_a: dict[str, str], where_b: dict[str, str]) -> tuple[Placement, ...]:
        out = []
        for it in items:
            a, b = where_a.get(it.id), where_b.get(it.id)
            if a is None and b is None:
                continue
            if a is None or b is None or match.get(b) != a:
                out.append(
                    Placement(
                        id=it.id,
                        name=it.name or "",
                        section_a=a,
                        section_a_name=names_a.get(a or "", ""),
                        section_b=b,
                        section_b_name=names_b.get(b or "", ""),
                    )
                )
        return tuple(out)

    return DutyDiff(
        section_match=match,
        duties=differing(department.duties, plan_a.section_of_duty(), plan_b.section_of_duty()),
        staff=differing(department.staff, plan_a.section_of_person(), plan_b.section_of_person()),
        sections=_section_changes(plan_a, plan_b, match),
        posts=_post_changes(plan_a, plan_b, match, department),
    )


def _section_changes(
    plan_a: Plan, plan_b: Plan, match: Mapping[str, str | None]
) -> tuple[SectionChange, ...]:
    by_a = {s.id: s for s in plan_a.sections}
    out = []
    for sb in plan_b.sections:
        sa = by_a.get(match.get(sb.id) or "")
        if sa is None:
            out.append(SectionChange(None, "", sb.id, sb.name))
        elif (sa.name, sa.kind) != (sb.name, sb.kind):
            out.append(SectionChange(sa.id, sa.name, sb.id, sb.name))
    matched = set(match.values())
    out += [SectionChange(sa.id, sa.name, None, "") for sa in plan_a.sections if sa.id not in matched]
    return tuple(out)


def _post_changes(
    plan_a: Plan, plan_b: Plan, match: Mapping[str, str | None], department: Department
) -> tuple[PostChange, ...]:
    names = {p.id: p.name or p.id for p in department.staff}
    by_a = {s.id: s for s in plan_a.sections}
    out = []
    for sb in plan_b.sections:
        sa = by_a.get(match.get(sb.id) or "")
        if sa is None:
            continue  # a section without counterpart is a section change already
        if (sa.chief, set(sa.deputies), sa.chief_posts, sa.deputy_posts) == (
            sb.chief,
            set(sb.deputies),
            sb.chief_posts,
            sb.deputy_posts,
        ):
            continue
        out.append(
            PostChange(
                section_a=sa.id,
                section_a_name=sa.name,
                section_b=sb.id,
                section_b_name=sb.name,
                chief_a=names.get(sa.chief or "", sa.chief or ""),
                chief_b=names.get(sb.chief or "", sb.chief or ""),
                deputies_a=tuple(names.get(d, d) for d in sa.deputies),
                deputies_b=tuple(names.get(d, d) for d in sb.deputies),
                chief_posts_a=sa.chief_posts,
                chief_posts_b=sb.chief_posts,
                deputy_posts_a=sa.deputy_posts,
                deputy_posts_b=sb.deputy_posts,
            )
        )
    return tuple(out)
