"""Every check on the input, reported all at once and located as the planner sees it.

``validate_tables`` checks the department's tables (and, given a scenario's rules, pins and
processes, whether they fit the data); ``parse_settings`` checks a scenario's merged TOML
settings. Both return ``Problem``s: file, spreadsheet row, column, value and a message in
Chinese and English. Nothing here raises on bad input.
"""

from __future__ import annotations

import difflib
import json
import math
import numbers
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from restructure.domain import Department, Function, Pins, Process, Rules, SectionKind
from restructure.errors import Problem
from restructure.io.schema import (
    ENUM_COLUMNS,
    FALSE_WORDS,
    TABLES,
    TRUE_WORDS,
    TableSpec,
    allowed_values,
    normalize_header,
    parse_bool,
    parse_enum,
    parse_int,
    parse_month,
    parse_number,
)
from restructure.io.tables import RawRow, RawTable, RawTables

# Where a scenario setting was written: dotted key -> (file, line or None).
Locate = Callable[[str], tuple[str, int | None]]


def default_locate(key: str) -> tuple[str, int | None]:
    return ("scenario.toml", None)


# ---------------------------------------------------------------------------------------
# Department tables
# ---------------------------------------------------------------------------------------


def validate_tables(
    raw: RawTables,
    rules: Rules | None = None,
    *,
    pins: Pins | None = None,
    processes: Sequence[Process] = (),
    related_groups: Sequence[Sequence[str]] = (),
    locate: Locate = default_locate,
) -> list[Problem]:
    """All problems of the department's tables; with rules/pins/processes/related business lines
    also whether they fit it."""
    problems: list[Problem] = list(raw.problems)
    unreadable = {p.file for p in raw.problems}
    for spec in TABLES:
        table = raw.tables.get(spec.name)
        if table is None:
            if spec.required and raw.label(spec.name) not in unreadable:
                problems.append(_missing_table(raw, spec))
            continue
        problems += _check_layout(table, spec)
    ids = {spec.name: _ids(raw.tables.get(spec.name)) for spec in TABLES}
    problems += _check_sections(raw.tables.get("sections"))
    problems += _check_duties(raw.tables.get("duties"), raw, ids)
    problems += _check_staff(raw.tables.get("staff"), raw, ids)
    problems += _check_key_tasks(raw.tables.get("key_tasks"))
    for spec in TABLES:
        problems += _check_unique_ids(raw.tables.get(spec.name))
    for (name, column), enum in ENUM_COLUMNS.items():
        table = raw.tables.get(name)
        if table is not None:
            problems += [p for row in table.rows for p in _check_enum(table, row, column, enum)]
    # Table by table, row by row: the order a planner fixes them in.
    order = {raw.label(spec.name): k for k, spec in enumerate(TABLES)}
    problems.sort(key=lambda p: (order.get(p.file, -1), p.row or 0))
    if rules is not None:
        problems += _check_rules_fit(raw, rules, ids, locate)
    if pins is not None:
        problems += _check_pins(pins, raw, ids, locate)
    problems += _check_processes(processes, raw, ids, locate)
    problems += _check_related_groups(related_groups, raw, locate)
    return problems


def _problem(
    table: RawTable, row: int | None, column: str | None, value: str | None, zh: str, en: str
) -> Problem:
    return Problem(table.file, row, table.header(column) if column else None, value, zh, en)


def _missing_table(raw: RawTables, spec: TableSpec) -> Problem:
    where_zh = f"工作簿中缺少工作表 {spec.name}" if raw.workbook else f"文件夹中缺少 {spec.name}.csv"
    where_en = (
        f"the workbook has no sheet {spec.name}" if raw.workbook else f"the folder has no {spec.name}.csv"
    )
    return Problem(
        raw.label(spec.name),
        None,
        None,
        None,
        f"缺少{spec.zh}表：{where_zh}。",
        f"Missing table of {spec.name}: {where_en}.",
    )


def _check_layout(table: RawTable, spec: TableSpec) -> list[Problem]:
    out: list[Problem] = []
    if not table.headers:
        return [
            _problem(
                table,
                None,
                None,
                None,
                f"{spec.zh}表是空的：没有表头行。",
                "The table is empty: no header row.",
            )
        ]
    seen: dict[str, int] = {}
    for i, h in enumerate(table.headers):
        key = normalize_header(h)
        if not key:
            if any(r.cells[i].strip() for r in table.rows):
                out.append(
                    Problem(
                        table.file,
                        table.header_row,
                        f"#{i + 1}",
                        None,
                        f"第 {i + 1} 列有数据但没有列名。",
                        f"Column {i + 1} has values but no header.",
                    )
                )
            continue
        if key in seen:
            out.append(
                Problem(
                    table.file,
                    table.header_row,
                    h,
                    None,
                    f"列名重复：与第 {seen[key] + 1} 列相同（列名不区分大小写）。",
                    f"Duplicate column: same as column {seen[key] + 1} (names ignore case).",
                )
            )
        else:
            seen[key] = i
    for col in spec.columns:
        if col.required and col.name not in seen:
            out.append(
                Problem(
                    table.file,
                    table.header_row,
                    col.name,
                    None,
                    f"缺少必填列 {col.name}（{col.zh}）。",
                    f"Missing required column {col.name}.",
                )
            )
    for row in table.rows:
        if row.overflow:
            out.append(
                _problem(
                    table,
                    row.number,
                    None,
                    ",".join(row.overflow),
                    "该行的单元格比表头多：多出的内容没有列名。",
                    "The row has more cells than the header: the extra values have no column.",
                )
            )
    if not table.rows and spec.required:
        out.append(
            _problem(
                table,
                None,
                None,
                None,
                f"{spec.zh}表没有数据行。",
                f"The {spec.name} table has no data rows.",
            )
        )
    for row in table.rows:
        for col in spec.columns:
            if col.required and col.name in seen and not table.value(row, col.name):
                out.append(
                    _problem(
                        table,
                        row.number,
                        col.name,
                        "",
                        f"必填项为空：{col.name}（{col.zh}）。",
                        f"Required value missing: {col.name}.",
                    )
                )
    return out


def _ids(table: RawTable | None) -> set[str]:
    if table is None:
        return set()
    return {v for row in table.rows if (v := table.value(row, "id"))}


def _has_ids(table: RawTable | None) -> bool:
    """The table can name ids: references to it are checked only then (an empty sections.csv is
    one problem, not one more per duty and person that names a section)."""
    return table is not None and table.index("id") is not None


def _check_unique_ids(table: RawTable | None) -> list[Problem]:
    if table is None or table.index("id") is None:
        return []
    first: dict[str, int] = {}
    out = []
    for row in table.rows:
        v = table.value(row, "id")
        if not v:
            continue
        if v in first:
            out.append(
                _problem(
                    table,
                    row.number,
                    "id",
                    v,
                    f"编号重复：第 {first[v]} 行已使用编号 {v}。",
                    f"Duplicate id: {v} is already used on row {first[v]}.",
                )
            )
        else:
            first[v] = row.number
    return out


def _check_enum(table: RawTable, row: RawRow, column: str, enum: type[StrEnum]) -> list[Problem]:
    v = table.value(row, column)
    if not v:
        return []
    try:
        parse_enum(v, enum)  # the loader's own parser: aliases (科长 for chief) pass here too
        return []
    except ValueError:
        pass
    return [
        _problem(
            table,
            row.number,
            column,
            v,
            f"无法识别的取值 {v}：可选值为 {allowed_values(enum)}。",
            f"Unknown value {v}: allowed values are {allowed_values(enum)}.",
        )
    ]


def _number(
    table: RawTable,
    row: RawRow,
    column: str,
    out: list[Problem],
    *,
    low: float | None = None,
    low_open: bool = False,
    high: float | None = None,
    integer: bool = False,
    rule_zh: str = "",
    rule_en: str = "",
) -> float | None:
    """Parse a number cell, appending a problem when it is not a number or out of range."""
    v = table.value(row, column)
    if not v:
        return None
    try:
        x = float(parse_int(v)) if integer else parse_number(v)
    except ValueError:
        kind_zh, kind_en = ("整数", "a whole number") if integer else ("数字", "a number")
        out.append(
            _problem(table, row.number, column, v, f"应为{kind_zh}：{v}。", f"Must be {kind_en}: {v}.")
        )
        return None
    too_low = low is not None and (x <= low if low_open else x < low)
    too_high = high is not None and x > high
    if too_low or too_high:
        out.append(
            _problem(
                table,
                row.number,
                column,
                v,
                f"取值 {v} 超出范围：{rule_zh}。",
                f"{v} is out of range: {rule_en}.",
            )
        )
        return None
    return x


def _check_sections(table: RawTable | None) -> list[Problem]:
    if table is None:
        return []
    out: list[Problem] = []
    for row in table.rows:
        for col in ("chief_posts", "deputy_posts"):
            _number(
                table,
                row,
                col,
                out,
                low=0,
                integer=True,
                rule_zh="应为不小于 0 的整数",
                rule_en="must be 0 or more",
            )
    return out


def _unknown_ref(
    table: RawTable, row: RawRow, column: str, value: str, target_file: str, what_zh: str
) -> Problem:
    return _problem(
        table,
        row.number,
        column,
        value,
        f"未知的{what_zh}：{target_file} 中没有编号 {value}。",
        f"Unknown id {value}: not found in {target_file}.",
    )


def _check_duties(table: RawTable | None, raw: RawTables, ids: Mapping[str, set[str]]) -> list[Problem]:
    if table is None:
        return []
    out: list[Problem] = []
    sections_known = _has_ids(raw.tables.get("sections"))
    for row in table.rows:
        fte = _number(
            table,
            row,
            "workload_fte",
            out,
            low=0,
            low_open=True,
            rule_zh="工作量应大于 0",
            rule_en="workload must be > 0",
        )
        low = _number(
            table, row, "workload_low", out, low=0, rule_zh="应不小于 0", rule_en="must be 0 or more"
        )
        high = _number(
            table, row, "workload_high", out, low=0, rule_zh="应不小于 0", rule_en="must be 0 or more"
        )
        if fte is not None and low is not None and low > fte:
            out.append(
                _problem(
                    table,
                    row.number,
                    "workload_low",
                    table.value(row, "workload_low"),
                    f"工作量下限 {low:g} 大于工作量 {fte:g}。",
                    f"workload_low {low:g} is above workload_fte {fte:g}.",
                )
            )
        if fte is not None and high is not None and fte > high:
            out.append(
                _problem(
                    table,
                    row.number,
                    "workload_high",
                    table.value(row, "workload_high"),
                    f"工作量上限 {high:g} 小于工作量 {fte:g}。",
                    f"workload_high {high:g} is below workload_fte {fte:g}.",
                )
            )
        section = table.value(row, "current_section")
        if section and sections_known and section not in ids["sections"]:
            out.append(_unknown_ref(table, row, "current_section", section, raw.label("sections"), "科室"))
        chain, stage = table.value(row, "chain"), table.value(row, "stage")
        if chain and not stage:
            out.append(
                _problem(
                    table,
                    row.number,
                    "stage",
                    "",
                    f"填写了流程链 {chain} 但没有填写环节（stage）。",
                    f"Chain {chain} is given but its stage is missing.",
                )
            )
        if stage and not chain:
            out.append(
                _problem(
                    table,
                    row.number,
                    "chain",
                    "",
                    f"填写了环节 {stage} 但没有填写所属流程链（chain）。",
                    f"Stage {stage} is given but its chain is missing.",
                )
            )
        key_task = table.value(row, "key_task")
        if table.value(row, "function").lower() == Function.KEY_TASK and not key_task:
            out.append(
                _problem(
                    table,
                    row.number,
                    "key_task",
                    "",
                    "职能为 key_task（重点工作）的职责须填写所服务的重点工作编号。",
                    "A duty of function key_task needs the id of the key task it serves.",
                )
            )
        if key_task and key_task not in ids["key_tasks"]:
            out.append(_unknown_ref(table, row, "key_task", key_task, raw.label("key_tasks"), "重点工作"))
    return out


def _check_staff(table: RawTable | None, raw: RawTables, ids: Mapping[str, set[str]]) -> list[Problem]:
    if table is None:
        return []
    out: list[Problem] = []
    sections_known = _has_ids(raw.tables.get("sections"))
    for row in table.rows:
        _number(
            table,
            row,
            "capacity_fte",
            out,
            low=0,
            low_open=True,
            high=1,
            rule_zh="可承担工作量应在 0（不含）到 1 之间",
            rule_en="capacity must be in (0, 1]",
        )
        _number(
            table, row, "years_in_post", out, low=0, rule_zh="任职年限应不小于 0", rule_en="must be 0 or more"
        )
        movable = table.value(row, "movable")
        if movable:
            try:
                parse_bool(movable)
            except ValueError:
                words = "/".join(TRUE_WORDS + FALSE_WORDS)
                out.append(
                    _problem(
                        table,
                        row.number,
                        "movable",
                        movable,
                        f"无法识别的是否可调整：{movable}；可填 {words}。",
                        f"Unknown movable value {movable}: use {words}.",
                    )
                )
        section = table.value(row, "current_section")
        if section and sections_known and section not in ids["sections"]:
            out.append(_unknown_ref(table, row, "current_section", section, raw.label("sections"), "科室"))
    return out


def _check_key_tasks(table: RawTable | None) -> list[Problem]:
    if table is None:
        return []
    out: list[Problem] = []
    for row in table.rows:
        months: dict[str, str] = {}
        for col in ("start", "end"):
            v = table.value(row, col)
            if not v:
                continue
            try:
                months[col] = parse_month(v)
            except ValueError:
                out.append(
                    _problem(
                        table,
                        row.number,
                        col,
                        v,
                        f"月份格式应为 YYYY-MM：{v}。",
                        f"Month must be YYYY-MM: {v}.",
                    )
                )
        if "start" in months and "end" in months and months["end"] < months["start"]:
            out.append(
                _problem(
                    table,
                    row.number,
                    "end",
                    table.value(row, "end"),
                    f"结束月份 {months['end']} 早于开始月份 {months['start']}。",
                    f"End {months['end']} is before start {months['start']}.",
                )
            )
    return out


def _posts(table: RawTable | None) -> tuple[int, int, int] | None:
    """(sections, chief posts, deputy posts) of today, or None if any cell is unreadable."""
    if table is None:
        return None
    chief = deputy = 0
    for row in table.rows:
        try:
            c, d = table.value(row, "chief_posts"), table.value(row, "deputy_posts")
            chief += parse_int(c) if c else 1
            deputy += parse_int(d) if d else 0
        except ValueError:
            return None
    return len(table.rows), chief, deputy


def _check_rules_fit(
    raw: RawTables, rules: Rules, ids: Mapping[str, set[str]], locate: Locate
) -> list[Problem]:
    """Whether any plan could satisfy the rules for this department's numbers."""
    out: list[Problem] = []
    most = rules.max_basic_sections + rules.max_dynamic_sections
    sections_file = raw.label("sections")
    posts = _posts(raw.tables.get("sections"))
    fits: list[int] = []  # section counts that could hold today's posts
    if posts is not None and posts[0] > 0:
        count, chief, deputy = posts
        if rules.keep_section_count and count > most:
            out.append(
                Problem(
                    sections_file,
                    None,
                    None,
                    str(count),
                    f"要求内设机构个数不变（keep_section_count），但现有 {count} 个科室，超过基本科室 "
                    f"{rules.max_basic_sections} 个加动态科室 {rules.max_dynamic_sections} 个的上限 {most} 个。",
                    f"keep_section_count asks for {count} sections as today, above the limit of "
                    f"{rules.max_basic_sections} basic + {rules.max_dynamic_sections} dynamic = {most}.",
                )
            )
        if rules.keep_leadership_posts:
            total = chief + deputy
            per = rules.max_deputies_per_section
            counts = [count] if rules.keep_section_count else range(1, most + 1)
            fits = [n for n in counts if 1 <= n <= most and n <= chief and 0 <= total - n <= per * n]
            if not fits:
                too_many = total > (per + 1) * max(1, min(chief, most))
                out.append(
                    Problem(
                        sections_file,
                        None,
                        "deputy_posts" if too_many and chief > 0 else "chief_posts",
                        f"{chief}+{deputy}",
                        f"领导职数无法安排：现有正科级职数 {chief} 个、副科级职数 {deputy} 个，合计 {total} 个且须保持不变；"
                        f"方案每个科室设 1 个正科职数、至多 {per} 个副科职数，科室数不超过 {min(chief, most)} 个"
                        f"（正科职数不得增加，科室上限 {most} 个），没有任何科室个数能容纳全部职数。"
                        f"请核对职数，或调整 max_deputies_per_section / keep_leadership_posts。",
                        f"Leadership posts cannot be placed: today {chief} chief + {deputy} deputy = {total} posts, "
                        f"kept in total; each plan section has 1 chief and at most {per} deputy posts, and there are "
                        f"at most {min(chief, most)} sections (no new chief posts, limit {most}), so no number of "
                        f"sections holds all {total} posts. Check the posts or relax "
                        f"max_deputies_per_section / keep_leadership_posts.",
                    )
                )
    staff_table = raw.tables.get("staff")
    if staff_table is not None:
        people = len(staff_table.rows)
        needed = rules.min_section_staff * (posts[0] if rules.keep_section_count and posts else 1)
        if people < needed:
            how_zh = (
                f"内设机构个数不变时 {posts[0]} 个科室" if needed > rules.min_section_staff else "一个科室"
            )
            how_en = (
                f"{posts[0]} sections (keep_section_count)"
                if needed > rules.min_section_staff
                else "one section"
            )
            out.append(
                Problem(
                    staff_table.file,
                    None,
                    None,
                    str(people),
                    f"人员不足：只有 {people} 人，而{how_zh}至少需要 {needed} 人（每科至少 {rules.min_section_staff} 人）。",
                    f"Too few staff: {people} people, but {how_en} needs at least {needed} "
                    f"(min_section_staff = {rules.min_section_staff}).",
                )
            )
        span = rules.people_per_deputy_post
        # every deputy post needs people to lead besides the chief: at least `span` of them
        if fits and not any(span * (posts[1] + posts[2] - n) <= people - n for n in fits):
            n = max(fits)
            out.append(
                Problem(
                    sections_file,
                    None,
                    "deputy_posts",
                    f"{posts[1]}+{posts[2]}",
                    f"副职配备超出管理幅度：领导职数 {posts[1] + posts[2]} 个须保持不变，{n} 个科室时需设 "
                    f"{posts[1] + posts[2] - n} 个副职，但 {people} 人除科长外每 {span} 人至多配 1 名副职"
                    f"（people_per_deputy_post），最多只能设 {(people - n) // span} 个。"
                    f"请核对职数，或调整 people_per_deputy_post / keep_leadership_posts。",
                    f"Deputy posts beyond the span of control: the {posts[1] + posts[2]} leadership posts are "
                    f"kept, so {n} sections need {posts[1] + posts[2] - n} deputy posts, but {people} people "
                    f"allow at most one per {span} besides the chiefs (people_per_deputy_post): "
                    f"{(people - n) // span}. Check the posts or relax people_per_deputy_post / "
                    f"keep_leadership_posts.",
                )
            )
        if rules.max_section_staff is not None and people > most * rules.max_section_staff:
            out.append(
                Problem(
                    staff_table.file,
                    None,
                    None,
                    str(people),
                    f"人员过多：{people} 人超过 {most} 个科室 × 每科至多 {rules.max_section_staff} 人。",
                    f"Too many staff: {people} people exceed {most} sections × max_section_staff "
                    f"{rules.max_section_staff}.",
                )
            )
    duty_or_staff = ids["duties"] | ids["staff"]
    both = ids["duties"] & ids["staff"]
    for key, groups in (("rules.together", rules.together), ("rules.apart", rules.apart)):
        file, line = locate(key)
        for group in groups:
            for item in group:
                if item not in duty_or_staff:
                    out.append(
                        Problem(
                            file,
                            line,
                            key,
                            item,
                            f"{key} 中的编号 {item} 既不是职责编号也不是人员编号。",
                            f"{key} names {item}, which is neither a duty id nor a staff id.",
                        )
                    )
                elif item in both:
                    out.append(
                        Problem(
                            file,
                            line,
                            key,
                            item,
                            f"{key} 中的编号 {item} 同时是职责编号和人员编号，无法区分。",
                            f"{key} names {item}, which is both a duty id and a staff id: ambiguous.",
                        )
                    )
    return out


def _check_related_groups(related: Sequence[Sequence[str]], raw: RawTables, locate: Locate) -> list[Problem]:
    """Every business line named in ``objective.related_groups`` is a group in duties.csv."""
    table = raw.tables.get("duties")
    if not related or table is None:
        return []
    known = {g for row in table.rows if (g := table.value(row, "group"))}
    key = "objective.related_groups"
    file, line = locate(key)
    out = []
    for n, names in enumerate(related, start=1):
        for name in names:
            if name not in known:
                out.append(
                    Problem(
                        file,
                        line,
                        key,
                        name,
                        f"{key} 第{n}组中的业务板块「{name}」在 {raw.label('duties')} 的 group 列中不存在。",
                        f"{key} set {n} names business line '{name}', which is not in the group column "
                        f"of {raw.label('duties')}.",
                    )
                )
    return out


def _check_pins(pins: Pins, raw: RawTables, ids: Mapping[str, set[str]], locate: Locate) -> list[Problem]:
    out: list[Problem] = []
    file, line = locate("pins.keep_sections")
    for sid in pins.keep_sections:
        if sid not in ids["sections"]:
            out.append(
                Problem(
                    file,
                    line,
                    "pins.keep_sections",
                    sid,
                    f"pins.keep_sections 中的科室 {sid} 在 {raw.label('sections')} 中不存在。",
                    f"pins.keep_sections names section {sid}, which is not in {raw.label('sections')}.",
                )
            )
    file, line = locate("pins.duty_sections")
    for did, sid in pins.duty_sections.items():
        if did not in ids["duties"]:
            out.append(
                Problem(
                    file,
                    line,
                    "pins.duty_sections",
                    did,
                    f"pins.duty_sections 中的职责 {did} 在 {raw.label('duties')} 中不存在。",
                    f"pins.duty_sections names duty {did}, which is not in {raw.label('duties')}.",
                )
            )
        if sid not in ids["sections"]:
            out.append(
                Problem(
                    file,
                    line,
                    "pins.duty_sections",
                    sid,
                    f"pins.duty_sections 中的科室 {sid}（职责 {did}）在 {raw.label('sections')} 中不存在。",
                    f"pins.duty_sections puts duty {did} with section {sid}, which is not in "
                    f"{raw.label('sections')}.",
                )
            )
    return out


def _check_processes(
    processes: Sequence[Process], raw: RawTables, ids: Mapping[str, set[str]], locate: Locate
) -> list[Problem]:
    out: list[Problem] = []
    for i, proc in enumerate(processes, start=1):
        key = f"processes[{i}].steps"
        file, line = locate(key)
        for step in proc.steps:
            if step not in ids["duties"]:
                out.append(
                    Problem(
                        file,
                        line,
                        key,
                        step,
                        f"流程 {proc.name} 的步骤 {step} 不是 {raw.label('duties')} 中的职责编号。",
                        f"Process {proc.name}: step {step} is not a duty id in {raw.label('duties')}.",
                    )
                )
    return out


# ---------------------------------------------------------------------------------------
# Scenario settings (docs/data-contract.md, section 2; the keys domain.py marks "added" included)
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Setting:
    """What one TOML key accepts."""

    kind: str  # int, float, bool, str, text, month, functions, ids, id_groups, name_groups, id_map, str_map, numbers
    low: float | None = None
    high: float | None = None
    low_open: bool = False  # True: value must be > low rather than >= low


RULE_SETTINGS: dict[str, Setting] = {
    "max_basic_sections": Setting("int", 1),
    "max_dynamic_sections": Setting("int", 0),
    "keep_section_count": Setting("bool"),
    "keep_leadership_posts": Setting("bool"),
    "max_deputies_per_section": Setting("int", 0),
    "people_per_deputy_post": Setting("int", 1),
    "single_section": Setting("functions"),
    "separate_stages": Setting("bool"),
    "max_nonbusiness_section_share": Setting("float", 0, 1),
    "min_business_staff_share": Setting("float", 0, 1),
    "min_section_staff": Setting("int", 1),
    "max_section_staff": Setting("int", 1),
    "max_load_deviation": Setting("float", 0),
    "max_staff_moves": Setting("float", 0, 1),
    "dynamic_for_key_tasks_only": Setting("bool"),
    "together": Setting("id_groups"),
    "apart": Setting("id_groups"),
    "plan_month": Setting("month"),
    "robust_margin": Setting("float", 0, 1),
}
PIN_SETTINGS: dict[str, Setting] = {"keep_sections": Setting("ids"), "duty_sections": Setting("id_map")}
OBJECTIVE_SETTINGS: dict[str, Setting] = {
    **{
        k: Setting("float", 0)
        for k in ("balance", "cohesion", "disruption", "skills", "posts", "structure", "span", "key_tasks")
    },
    "span_ratio": Setting("float", 1),
    "balance_band": Setting("float", 0, 1),
    "related_groups": Setting("name_groups"),
}
SOLVER_SETTINGS: dict[str, Setting] = {
    "time_limit_s": Setting("float", 0, low_open=True),
    "seed": Setting("int", 0, 2**31 - 1),
    "workers": Setting("int", 1, 256),
    "deterministic": Setting("bool"),
}
PROCESS_SETTINGS: dict[str, Setting] = {
    "name": Setting("str"),
    "steps": Setting("ids"),
    "cases_per_year": Setting("float", 0),
    "days_per_step": Setting("numbers", 0),
    "handoff_days": Setting("float", 0),
}
TOP_SETTINGS: dict[str, Setting] = {
    "name": Setting("str"),
    "description": Setting("str"),
    "department_name": Setting("text"),
    "department_duties": Setting("texts"),
    "approved_staffing": Setting("int", 0),
    "data": Setting("str"),
    "section_names": Setting("str_map"),
}
TABLE_SETTINGS: dict[str, dict[str, Setting]] = {
    "rules": RULE_SETTINGS,
    "pins": PIN_SETTINGS,
    "objective": OBJECTIVE_SETTINGS,
    "solver": SOLVER_SETTINGS,
}


class _Bad(Exception):
    def __init__(self, zh: str, en: str):
        super().__init__(en)
        self.zh = zh
        self.en = en


def show_value(value: Any) -> str:
    """A TOML-ish rendering of a setting's value for messages."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    try:
        return json.dumps(value, ensure_ascii=False, default=str)
    except ValueError:
        return str(value)


def _is_number(v: Any) -> bool:
    # numbers.Real also admits numpy scalars that overrides built by a program may carry.
    return isinstance(v, numbers.Real) and not isinstance(v, bool)


def _is_list(v: Any) -> bool:
    return isinstance(v, list | tuple)


def _str_list(value: Any, what_zh: str, what_en: str) -> list[str]:
    if not _is_list(value) or not all(isinstance(x, str) for x in value):
        raise _Bad(f'应为{what_zh}列表，例如 ["A", "B"]', f'must be a list of {what_en}, e.g. ["A", "B"]')
    blank = [i for i, x in enumerate(value, start=1) if not x.strip()]
    if blank:  # which one: a list of nine long duties is no help otherwise
        where = "、".join(f"第{i}项" for i in blank)
        raise _Bad(
            f"{where}为空：{what_zh}列表中每一项都要有内容",
            f"item {', '.join(str(i) for i in blank)} is empty: every item of the list of {what_en} needs text",
        )
    return [x.strip() for x in value]


def convert_setting(value: Any, setting: Setting) -> Any:
    """The value in its canonical Python type; raises _Bad with zh/en reasons."""
    k = setting.kind
    if k == "int":
        if not _is_number(value) or (isinstance(value, float) and not value.is_integer()):
            raise _Bad("应为整数", "must be an integer")
        result: Any = int(value)
    elif k in ("float",):
        if not _is_number(value) or not math.isfinite(value):
            raise _Bad("应为数字", "must be a number")
        result = float(value)
    elif k == "bool":
        if not isinstance(value, bool):
            raise _Bad("应为 true 或 false", "must be true or false")
        return value
    elif k == "str":
        if not isinstance(value, str):
            raise _Bad("应为带引号的文字", "must be a quoted string")
        return value
    elif k == "text":
        # A name that outputs print (a title, a heading): blank would print as nothing.
        if not isinstance(value, str) or not value.strip():
            raise _Bad("应为非空的带引号文字", "must be non-empty quoted text")
        return value.strip()
    elif k == "month":
        if not isinstance(value, str):
            raise _Bad('应为 "YYYY-MM" 格式的月份', 'must be a month "YYYY-MM"')
        try:
            return parse_month(value)
        except ValueError:
            raise _Bad('应为 "YYYY-MM" 格式的月份', 'must be a month "YYYY-MM"') from None
    elif k == "functions":
        names = _str_list(value, "职能", "functions")
        unknown = [n for n in names if n.lower() not in {f.value for f in Function}]
        if unknown:
            raise _Bad(
                f"无法识别的职能 {', '.join(unknown)}：可选值为 {allowed_values(Function)}",
                f"unknown function {', '.join(unknown)}: allowed values are {allowed_values(Function)}",
            )
        return [n.lower() for n in names]
    elif k == "ids":
        return _str_list(value, "编号", "ids")
    elif k == "texts":
        return _str_list(value, "文字", "texts")
    elif k == "id_groups":
        if not _is_list(value):
            raise _Bad(
                '应为编号组的列表，例如 [["D001", "D002"]]',
                'must be a list of id groups, e.g. [["D001", "D002"]]',
            )
        groups = [_str_list(g, "编号", "ids") for g in value]
        if any(len(g) < 2 for g in groups):
            raise _Bad("每组至少要有两个编号", "each group needs at least two ids")
        return groups
    elif k == "name_groups":
        if not _is_list(value):
            raise _Bad(
                '应为业务板块名称组的列表，例如 [["质量发展", "计量标准"]]',
                'must be a list of sets of business lines, e.g. [["质量发展", "计量标准"]]',
            )
        groups = [list(dict.fromkeys(_str_list(g, "业务板块名称", "business-line names"))) for g in value]
        if any(len(g) < 2 for g in groups):
            raise _Bad(
                "每组至少要有两个不同的业务板块", "each set needs at least two different business lines"
            )
        return groups
    elif k in ("id_map", "str_map"):
        if not isinstance(value, dict) or not all(isinstance(v, str) and v.strip() for v in value.values()):
            raise _Bad('应为“编号 = "文字"”形式的表', 'must be a table of id = "text"')
        return {str(key).strip(): v.strip() for key, v in value.items()}
    elif k == "numbers":
        if not _is_list(value) or not all(_is_number(x) and math.isfinite(x) for x in value):
            raise _Bad("应为数字列表", "must be a list of numbers")
        if setting.low is not None and any(x < setting.low for x in value):
            raise _Bad(f"各数应不小于 {setting.low:g}", f"every number must be {setting.low:g} or more")
        return [float(x) for x in value]
    else:
        raise ValueError(f"unknown setting kind {k}")
    if setting.low is not None and (result <= setting.low if setting.low_open else result < setting.low):
        op = ">" if setting.low_open else "≥"
        raise _Bad(f"超出范围：应 {op} {setting.low:g}", f"out of range: must be {op} {setting.low:g}")
    if setting.high is not None and result > setting.high:
        raise _Bad(f"超出范围：应 ≤ {setting.high:g}", f"out of range: must be ≤ {setting.high:g}")
    return result


def parse_settings(
    settings: Mapping[str, Any], locate: Locate = default_locate, *, across: bool = True
) -> tuple[dict[str, Any], list[Problem]]:
    """Check a scenario's merged settings; return them in canonical types (bad keys left out) and the problems.

    ``across=False`` leaves out the checks of one setting against another (a partial set of
    settings would be checked against the defaults, not against the scenario's own values)."""
    problems: list[Problem] = []

    def bad(key: str, value: Any, zh: str, en: str) -> None:
        file, line = locate(key)
        # a message that ends in a question keeps its question mark alone ("…？" not "…？。")
        end_zh = "" if zh.endswith("？") else "。"
        end_en = "" if en.endswith("?") else "."
        problems.append(
            Problem(file, line, key, show_value(value), f"{key} {zh}{end_zh}", f"{key} {en}{end_en}")
        )

    def unknown(key: str, value: Any, known: Iterable[str]) -> None:
        leaf = key.rsplit(".", 1)[-1]
        close = difflib.get_close_matches(leaf, list(known), n=1)
        hint_zh = f"；是否想写 {close[0]}？" if close else ""
        hint_en = f"; did you mean {close[0]}?" if close else ""
        bad(key, value, f"是未知的设置项{hint_zh}", f"is not a known setting{hint_en}")

    def convert(dotted: str, value: Any, setting: Setting, into: dict[str, Any], key: str) -> None:
        if setting.kind in ("id_map", "str_map") and isinstance(value, dict):
            # Entry by entry, so that a problem points at the line of the entry.
            entries = {}
            for k, v in value.items():
                if isinstance(v, str) and v.strip():
                    entries[str(k).strip()] = v.strip()
                else:
                    bad(
                        f"{dotted}.{k}",
                        v,
                        '应为带引号的文字，例如 K01 = "综合保障科"',
                        'must be quoted text, e.g. K01 = "text"',
                    )
            into[key] = entries
            return
        try:
            into[key] = convert_setting(value, setting)
        except _Bad as e:
            bad(dotted, value, e.zh, e.en)

    def table(prefix: str, value: Any, specs: Mapping[str, Setting]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        if not isinstance(value, dict):
            bad(prefix, value, "应为一个表（[" + prefix + "]）", f"must be a table ([{prefix}])")
            return result
        for key, v in value.items():
            dotted = f"{prefix}.{key}"
            if key not in specs:
                unknown(dotted, v, specs)
                continue
            convert(dotted, v, specs[key], result, key)
        return result

    out: dict[str, Any] = {}
    for key, value in settings.items():
        if key in TOP_SETTINGS:
            convert(key, value, TOP_SETTINGS[key], out, key)
        elif key in TABLE_SETTINGS:
            out[key] = table(key, value, TABLE_SETTINGS[key])
        elif key == "processes":
            if not _is_list(value):
                bad(key, value, "应写成 [[processes]] 表数组", "must be an array of tables [[processes]]")
                continue
            good = []
            for i, proc in enumerate(value, start=1):
                prefix = f"processes[{i}]"
                before = len(problems)
                parsed = table(prefix, proc, PROCESS_SETTINGS)
                if isinstance(proc, dict):
                    for req in ("name", "steps"):
                        if req not in proc:
                            bad(f"{prefix}.{req}", "", "缺失（必填）", "is missing (required)")
                    if parsed.get("steps") == []:
                        bad(f"{prefix}.steps", [], "至少要有一个步骤", "needs at least one step")
                    days = parsed.get("days_per_step")
                    if days and "steps" in parsed and len(days) != len(parsed["steps"]):
                        bad(
                            f"{prefix}.days_per_step",
                            days,
                            f"的个数（{len(days)}）应与步骤数（{len(parsed['steps'])}）相同",
                            f"has {len(days)} numbers for {len(parsed['steps'])} steps",
                        )
                if len(problems) == before:
                    good.append(parsed)
            out[key] = good
        else:
            unknown(key, value, [*TOP_SETTINGS, *TABLE_SETTINGS, "processes", "extends"])
    rules = out.get("rules", {})
    lo, hi = rules.get("min_section_staff", Rules().min_section_staff), rules.get("max_section_staff")
    if across and hi is not None and hi < lo:
        bad(
            "rules.max_section_staff",
            hi,
            f"（{hi}）小于 min_section_staff（{lo}）",
            f"({hi}) is below min_section_staff ({lo})",
        )
        del rules["max_section_staff"]
    return out, problems


# ---------------------------------------------------------------------------------------
# What validate prints for a valid department
# ---------------------------------------------------------------------------------------


def summarize_department(dept: Department) -> dict[str, Any]:
    """Counts and totals a planner checks first: sections, duties by function, staff, FTE, posts."""
    by_function = Counter(d.function.value for d in dept.duties)
    fte_by_function: Counter[str] = Counter()
    for d in dept.duties:
        fte_by_function[d.function.value] += d.workload_fte
    return {
        "department": dept.name,
        "sections": len(dept.sections),
        "sections_basic": sum(s.kind == SectionKind.BASIC for s in dept.sections),
        "sections_dynamic": sum(s.kind == SectionKind.DYNAMIC for s in dept.sections),
        "duties": len(dept.duties),
        "duties_by_function": {f.value: by_function.get(f.value, 0) for f in Function},
        "workload_by_function": {f.value: round(fte_by_function.get(f.value, 0.0), 2) for f in Function},
        "staff": len(dept.staff),
        "workload_fte": round(dept.total_workload, 2),
        "capacity_fte": round(dept.total_capacity, 2),
        "chief_posts": dept.chief_posts,
        "deputy_posts": dept.deputy_posts,
        "key_tasks": len(dept.key_tasks),
        "chains": len({d.chain for d in dept.duties if d.chain}),
        "groups": len({d.group for d in dept.duties if d.group}),
        "immovable_staff": sum(not p.movable for p in dept.staff),
    }
