"""plan.json and the plan's tables: the one place that turns a Plan into files and back.

The JSON keys follow the output contract (docs/data-contract.md, section 3) and add what the
project needs (names, main functions, changes, per-term breakdown). ``plan_tables`` builds the
four implementation tables (sections, duties, staff, changes) as plain rows; the CSV writer here
and the exporters (xlsx, docx) all start from them, so every format says the same thing.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from restructure.domain import (
    Change,
    Department,
    Explanation,
    Finding,
    Function,
    Plan,
    PlanSection,
    SectionKind,
    SolverInfo,
    Status,
)
from restructure.reasons import reasons_of

FORMAT_VERSION = 1


def plan_to_dict(plan: Plan) -> dict[str, Any]:
    ex = plan.explanation
    s = plan.solver
    return {
        "format": FORMAT_VERSION,
        "scenario": plan.scenario,
        "department": plan.department,
        "status": plan.status.value,
        "input_hash": plan.input_hash,
        "sections": [
            {
                "id": sec.id,
                "name": sec.name,
                "kind": sec.kind.value,
                "duties": list(sec.duties),
                "staff": list(sec.staff),
                "chief": sec.chief,
                "deputies": list(sec.deputies),
                "chief_posts": sec.chief_posts,
                "deputy_posts": sec.deputy_posts,
                "workload_fte": round(sec.workload_fte, 4),
                "capacity_fte": round(sec.capacity_fte, 4),
                "successor_of": list(sec.successor_of),
                "main_function": sec.main_function.value if sec.main_function else None,
                "key_task": sec.key_task,
            }
            for sec in plan.sections
        ],
        "kpis": dict(plan.kpis),
        "baseline_kpis": dict(plan.baseline_kpis),
        "terms": dict(plan.terms),
        "term_units": dict(plan.term_units),
        "explanation": {
            "conflicts": [_finding_to_dict(f) for f in ex.conflicts],
            "confirmed": ex.confirmed,
            "minimal": ex.minimal,
            "relaxations": list(ex.relaxations),
            "binding": [_finding_to_dict(f) for f in ex.binding],
            "duty_reasons": {k: {"zh": v[0], "en": v[1]} for k, v in ex.duty_reasons.items()},
            "staff_reasons": {k: {"zh": v[0], "en": v[1]} for k, v in ex.staff_reasons.items()},
            "note_zh": ex.note_zh,
            "note_en": ex.note_en,
        },
        "changes": [
            {
                "kind": c.kind,
                "item": c.item,
                "name": c.name,
                "from_section": c.from_section,
                "to_section": c.to_section,
                "detail_zh": c.detail_zh,
                "detail_en": c.detail_en,
            }
            for c in plan.changes
        ],
        "solver": {
            "status": s.status.value,
            "objective": s.objective,
            "bound": s.bound,
            "gap": s.gap,
            "gap_units": dict(s.gap_units),
            "seconds": round(s.seconds, 3),
            "first_solution_s": None if s.first_solution_s is None else round(s.first_solution_s, 3),
            "seed": s.seed,
            "workers": s.workers,
            "deterministic": s.deterministic,
            "version": s.version,
            "formulation": s.formulation,
            **({"layout": s.layout} if s.layout else {}),
            **(
                {"bound_without_new_sections": s.bound_without_new_sections}
                if s.bound_without_new_sections is not None
                else {}
            ),
        },
    }


def _finding_to_dict(f: Finding) -> dict[str, str]:
    return {"rule": f.rule, "instance": f.instance, "status": f.status, "zh": f.zh, "en": f.en}


def _finding_from_dict(d: Mapping[str, Any]) -> Finding:
    return Finding(rule=d["rule"], instance=d.get("instance", ""), status=d["status"], zh=d["zh"], en=d["en"])


def plan_from_dict(d: Mapping[str, Any]) -> Plan:
    ex = d.get("explanation") or {}
    s = d.get("solver") or {}
    return Plan(
        scenario=d.get("scenario", ""),
        department=d.get("department", ""),
        status=Status(d["status"]),
        input_hash=d.get("input_hash", ""),
        sections=tuple(
            PlanSection(
                id=x["id"],
                name=x["name"],
                kind=SectionKind(x["kind"]),
                duties=tuple(x["duties"]),
                staff=tuple(x["staff"]),
                chief=x.get("chief"),
                deputies=tuple(x.get("deputies", ())),
                chief_posts=int(x["chief_posts"]),
                deputy_posts=int(x["deputy_posts"]),
                workload_fte=float(x["workload_fte"]),
                capacity_fte=float(x["capacity_fte"]),
                successor_of=tuple(x.get("successor_of", ())),
                main_function=Function(x["main_function"]) if x.get("main_function") else None,
                key_task=x.get("key_task"),
            )
            for x in d.get("sections", ())
        ),
        kpis=dict(d.get("kpis", {})),
        baseline_kpis=dict(d.get("baseline_kpis", {})),
        terms=dict(d.get("terms", {})),
        term_units=dict(d.get("term_units", {})),
        explanation=Explanation(
            conflicts=tuple(_finding_from_dict(f) for f in ex.get("conflicts", ())),
            confirmed=bool(ex.get("confirmed", False)),
            minimal=bool(ex.get("minimal", False)),
            relaxations=tuple(ex.get("relaxations", ())),
            binding=tuple(_finding_from_dict(f) for f in ex.get("binding", ())),
            duty_reasons={k: (v["zh"], v["en"]) for k, v in (ex.get("duty_reasons") or {}).items()},
            staff_reasons={k: (v["zh"], v["en"]) for k, v in (ex.get("staff_reasons") or {}).items()},
            note_zh=ex.get("note_zh", ""),
            note_en=ex.get("note_en", ""),
        ),
        changes=tuple(Change(**c) for c in d.get("changes", ())),
        solver=SolverInfo(
            status=Status(s.get("status", d["status"])),
            objective=s.get("objective"),
            bound=s.get("bound"),
            gap=s.get("gap"),
            gap_units=dict(s.get("gap_units") or {}),
            seconds=float(s.get("seconds", 0.0)),
            first_solution_s=s.get("first_solution_s"),
            seed=int(s.get("seed", 0)),
            workers=int(s.get("workers", 1)),
            deterministic=bool(s.get("deterministic", False)),
            version=s.get("version", ""),
            formulation=s.get("formulation", "aggregated"),
            layout=s.get("layout", ""),
            bound_without_new_sections=s.get("bound_without_new_sections"),
        ),
    )


def plan_to_json(plan: Plan) -> str:
    return json.dumps(plan_to_dict(plan), ensure_ascii=False, indent=2)


def read_plan(path: str | Path) -> Plan:
    """Read a plan.json (or a folder holding one)."""
    p = Path(path)
    if p.is_dir():
        p = p / "plan.json"
    return plan_from_dict(json.loads(p.read_text(encoding="utf-8")))


# ---------------------------------------------------------------------------------------
# Tables: one row per section / duty / person / change
# ---------------------------------------------------------------------------------------

TABLE_NAMES = ("sections", "duties", "staff", "changes")
# changes.csv has these columns even when a plan changes nothing (its rows cannot say them then)
CHANGE_COLUMNS = (
    "kind",
    "item",
    "name",
    "from_section",
    "from_section_name",
    "to_section",
    "to_section_name",
    "detail_zh",
    "detail_en",
)


def plan_tables(plan: Plan, department: Department) -> dict[str, list[dict[str, Any]]]:
    """The four implementation tables as lists of row dicts (column order = dict order)."""
    sec_of_duty = plan.section_of_duty()
    sec_of_person = plan.section_of_person()
    by_id = {s.id: s for s in plan.sections}
    today_names = {s.id: s.name for s in department.sections}
    plan_names = {s.id: s.name for s in plan.sections}
    reasons = plan.explanation.duty_reasons
    why = reasons_of(plan, department)
    # Names beside the codes: a planner reads names, a round trip reads codes.
    person_names = {p.id: p.name or "" for p in department.staff}
    task_names = {k.id: k.name for k in department.key_tasks}

    sections = [
        {
            "id": s.id,
            "name": s.name,
            "kind": s.kind.value,
            "main_function": s.main_function.value if s.main_function else "",
            "key_task": s.key_task or "",
            "key_task_name": task_names.get(s.key_task or "", ""),
            "successor_of": ";".join(s.successor_of),
            "successor_of_names": ";".join(today_names.get(x, x) for x in s.successor_of),
            "duties": len(s.duties),
            "staff": len(s.staff),
            "workload_fte": round(s.workload_fte, 2),
            "capacity_fte": round(s.capacity_fte, 2),
            "load_per_fte": round(s.workload_fte / s.capacity_fte, 3) if s.capacity_fte else "",
            "chief_posts": s.chief_posts,
            "deputy_posts": s.deputy_posts,
            "chief": s.chief or "",
            "chief_name": person_names.get(s.chief or "", ""),
            "deputies": ";".join(s.deputies),
            "deputy_names": ";".join(person_names.get(x, "") for x in s.deputies),
        }
        for s in plan.sections
    ]
    duties = []
    for d in department.duties:
        sid = sec_of_duty.get(d.id)
        sec = by_id.get(sid) if sid else None
        moved = (
            sec is not None and d.current_section is not None and d.current_section not in sec.successor_of
        )
        duties.append(
            {
                "id": d.id,
                "name": d.name,
                "function": d.function.value,
                "group": d.group or "",
                "chain": d.chain or "",
                "stage": d.stage or "",
                "workload_fte": d.workload_fte,
                "current_section": d.current_section or "",
                "current_section_name": today_names.get(d.current_section or "", ""),
                "section": sid or "",
                "section_name": sec.name if sec else "",
                "moved": moved,
                "reason_zh": reasons.get(d.id, ("", ""))[0],
                "reason_en": reasons.get(d.id, ("", ""))[1],
            }
        )
    staff = []
    for p in department.staff:
        sid = sec_of_person.get(p.id)
        sec = by_id.get(sid) if sid else None
        if sec is not None and sec.chief == p.id:
            post = "chief"
        elif sec is not None and p.id in sec.deputies:
            post = "deputy"
        else:
            post = "staff"
        moved = (
            sec is not None and p.current_section is not None and p.current_section not in sec.successor_of
        )
        staff.append(
            {
                "id": p.id,
                "name": p.name or "",
                "rank": p.rank.value,
                "establishment": p.establishment.value,
                "capacity_fte": p.capacity_fte,
                "current_section": p.current_section or "",
                "current_section_name": today_names.get(p.current_section or "", ""),
                "section": sid or "",
                "section_name": sec.name if sec else "",
                "post": post,
                "moved": moved,
                "post_changed": post != p.rank.value,
                "reason_zh": why.get(p.id, ("", ""))[0],
                "reason_en": why.get(p.id, ("", ""))[1],
            }
        )
    _add_extra_columns(duties, department.duties)
    _add_extra_columns(staff, department.staff)
    changes = [
        dict(
            zip(
                CHANGE_COLUMNS,
                (
                    c.kind,
                    c.item,
                    c.name,
                    c.from_section or "",
                    # from: a section of today's; to: a section of the plan
                    today_names.get(c.from_section or "", ""),
                    c.to_section or "",
                    plan_names.get(c.to_section or "", ""),
                    c.detail_zh,
                    c.detail_en,
                ),
                strict=True,
            )
        )
        for c in plan.changes
    ]
    return {"sections": sections, "duties": duties, "staff": staff, "changes": changes}


def _add_extra_columns(rows: list[dict[str, Any]], items) -> None:
    """The planner's own columns (e.g. 备注) after ours, verbatim, so the plan's tables carry
    them as the saved department does; a column named like one of ours keeps ours."""
    keys = [k for k in dict.fromkeys(k for it in items for k in it.extra) if not rows or k not in rows[0]]
    for row, it in zip(rows, items, strict=True):
        for k in keys:
            row[k] = it.extra.get(k, "")


# A cell whose text starts with one of these is read as a formula by spreadsheet programs
# (CSV injection); tab and CR are included because Excel strips them before deciding.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula gets a leading apostrophe; numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def csv_cell(value: Any) -> Any:
    """A value as a CSV cell: booleans as the input contract writes them (``true``/``false``,
    what the loader reads back for ``movable``; Python would write ``True``), formulas neutralised."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return neutralise_formula(value)


def write_csv_rows(path: Path, rows: list[dict[str, Any]], *, columns: list[str] | None = None) -> None:
    cols = columns or (list(rows[0]) if rows else [])
    with path.open(
        "w", encoding="utf-8-sig", newline=""
    ) as fh:  # BOM: Excel on Chinese Windows opens it right
        w = csv.DictWriter(fh, fieldnames=[neutralise_formula(c) for c in cols])
        w.writeheader()
        for r in rows:
            w.writerow({neutralise_formula(k): csv_cell(v) for k, v in r.items()})


# Every file write_plan may write, and nothing else: what remove_plan_files may delete.
PLAN_FILES = ("plan.json", *(f"{name}.csv" for name in TABLE_NAMES))


def remove_plan_files(out_dir: str | Path) -> list[Path]:
    """Delete the plan files of an earlier run in ``out_dir`` (only the names in PLAN_FILES;
    anything else a planner keeps there stays), so that a run ending without a checked plan
    never leaves an older plan beside its own status. Returns what was removed."""
    out = Path(out_dir)
    removed = []
    for name in PLAN_FILES:
        path = out / name
        if path.is_file():
            path.unlink()
            removed.append(path)
    return removed


def write_plan(plan: Plan, department: Department, out_dir: str | Path) -> list[Path]:
    """Write plan.json and, when there is a plan, sections/duties/staff/changes CSV files;
    an earlier run's plan files in ``out_dir`` are removed first (see remove_plan_files)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    remove_plan_files(out)
    written = [out / "plan.json"]
    written[0].write_text(plan_to_json(plan), encoding="utf-8")
    if plan.has_plan:
        for name, rows in plan_tables(plan, department).items():
            path = out / f"{name}.csv"
            write_csv_rows(path, rows, columns=None if rows or name != "changes" else list(CHANGE_COLUMNS))
            written.append(path)
    return written
