"""Department data: load (read + validate + build) and write back as CSV folder or workbook."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from restructure.domain import (
    Department,
    Duty,
    Establishment,
    Function,
    KeyTask,
    Person,
    Rank,
    Section,
    SectionKind,
)
from restructure.errors import InputError
from restructure.io.schema import (
    DUTIES,
    KEY_TASKS,
    SECTIONS,
    STAFF,
    TableSpec,
    normalize_header,
    parse_bool,
    parse_enum,
    parse_int,
    parse_month,
    parse_number,
    split_skills,
)
from restructure.io.tables import RawRow, RawTable, RawTables, read_tables, write_rows

T = TypeVar("T")


def load_department(path: str | Path) -> Department:
    """Read, validate and build a department; InputError lists every problem found."""
    # Imported here because restructure.validate imports this package's schema and tables.
    from restructure.validate import validate_tables

    raw = read_tables(path)
    problems = validate_tables(raw)
    if problems:
        raise InputError(problems)
    return build_department(raw)


def build_department(raw: RawTables) -> Department:
    """Domain objects from tables that ``validate_tables`` has passed."""
    sections = tuple(_build_rows(raw, SECTIONS, _section))
    duties = tuple(_build_rows(raw, DUTIES, _duty))
    staff = tuple(_build_rows(raw, STAFF, _person))
    key_tasks = tuple(_build_rows(raw, KEY_TASKS, _key_task))
    return Department(raw.name, sections, duties, staff, key_tasks, source=raw.source)


def _build_rows(raw: RawTables, spec: TableSpec, make: Callable[[_Cells], T]) -> list[T]:
    table = raw.tables.get(spec.name)
    if table is None:
        return []
    return [make(_Cells(table, row, spec)) for row in table.rows]


class _Cells:
    """One row's cells by contract column, plus its extra columns verbatim."""

    def __init__(self, table: RawTable, row: RawRow, spec: TableSpec):
        self._table = table
        self._row = row
        contract = set(spec.column_names)
        self.extra = {
            h: row.cells[i]
            for i, h in enumerate(table.headers)
            if normalize_header(h) not in contract and h.strip() and row.cells[i].strip()
        }

    def text(self, column: str) -> str:
        return self._table.value(self._row, column)

    def opt(self, column: str) -> str | None:
        return self.text(column) or None

    def number(self, column: str) -> float | None:
        t = self.text(column)
        return parse_number(t) if t else None


def _section(c: _Cells) -> Section:
    kind = c.text("kind")
    chief = c.text("chief_posts")
    deputy = c.text("deputy_posts")
    return Section(
        id=c.text("id"),
        name=c.text("name"),
        kind=parse_enum(kind, SectionKind) if kind else SectionKind.BASIC,
        chief_posts=parse_int(chief) if chief else 1,
        deputy_posts=parse_int(deputy) if deputy else 0,
        extra=c.extra,
    )


def _duty(c: _Cells) -> Duty:
    return Duty(
        id=c.text("id"),
        name=c.text("name"),
        function=parse_enum(c.text("function"), Function),
        workload_fte=parse_number(c.text("workload_fte")),
        current_section=c.opt("current_section"),
        group=c.opt("group"),
        chain=c.opt("chain"),
        stage=c.opt("stage"),
        skills=split_skills(c.text("skills")),
        key_task=c.opt("key_task"),
        workload_low=c.number("workload_low"),
        workload_high=c.number("workload_high"),
        extra=c.extra,
    )


def _person(c: _Cells) -> Person:
    establishment = c.text("establishment")
    capacity = c.number("capacity_fte")
    movable = c.text("movable")
    return Person(
        id=c.text("id"),
        rank=parse_enum(c.text("rank"), Rank),
        name=c.opt("name"),
        current_section=c.opt("current_section"),
        establishment=parse_enum(establishment, Establishment)
        if establishment
        else Establishment.ADMINISTRATIVE,
        capacity_fte=1.0 if capacity is None else capacity,
        skills=split_skills(c.text("skills")),
        years_in_post=c.number("years_in_post"),
        movable=parse_bool(movable) if movable else True,
        extra=c.extra,
    )


def _key_task(c: _Cells) -> KeyTask:
    start, end = c.text("start"), c.text("end")
    return KeyTask(
        id=c.text("id"),
        name=c.text("name"),
        start=parse_month(start) if start else None,
        end=parse_month(end) if end else None,
        extra=c.extra,
    )


# ---------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------


def write_department(dept: Department, path: str | Path, *, encoding: str = "utf-8") -> Path:
    """Write a department as a CSV folder (any path) or a workbook (a path ending in .xlsx).

    Every contract column is written, then the extra columns in the order first seen.
    ``encoding`` applies to CSV ("utf-8", "utf-8-sig" or "gbk"); workbooks are always Unicode.
    Returns the path written.
    """
    p = Path(path)
    sheets = {
        "sections": _sheet(
            SECTIONS,
            dept.sections,
            lambda s: [s.id, s.name, s.kind.value, s.chief_posts, s.deputy_posts],
        ),
        "duties": _sheet(
            DUTIES,
            dept.duties,
            lambda d: [
                d.id,
                d.name,
                d.function.value,
                d.workload_fte,
                d.current_section,
                d.group,
                d.chain,
                d.stage,
                ";".join(d.skills),
                d.key_task,
                d.workload_low,
                d.workload_high,
            ],
        ),
        "staff": _sheet(
            STAFF,
            dept.staff,
            lambda s: [
                s.id,
                s.name,
                s.rank.value,
                s.current_section,
                s.establishment.value,
                s.capacity_fte,
                ";".join(s.skills),
                s.years_in_post,
                "true" if s.movable else "false",
            ],
        ),
        "key_tasks": _sheet(KEY_TASKS, dept.key_tasks, lambda k: [k.id, k.name, k.start, k.end]),
    }
    write_rows(p, sheets, encoding)
    return p


def _sheet(
    spec: TableSpec, items: Sequence[Any], values: Callable[[Any], list[object]]
) -> tuple[list[str], list[list[object]]]:
    extras: list[str] = []
    for it in items:
        for key in it.extra:
            if key not in extras:
                extras.append(key)
    headers = [*spec.column_names, *extras]
    rows = [[*values(it), *(it.extra.get(k, "") for k in extras)] for it in items]
    return headers, rows
