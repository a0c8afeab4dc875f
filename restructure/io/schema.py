"""The department tables of the input contract (docs/data-contract.md, section 1) and cell parsers.

One place says which tables and columns exist, which are required, and how a cell's text
becomes a value. The validator reports what fails to parse; the builder in
``restructure.io.department`` uses the same parsers on data the validator has passed.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from enum import StrEnum
from typing import TypeVar

from restructure.domain import Establishment, Function, Rank, SectionKind


@dataclass(frozen=True)
class Column:
    name: str  # contract name, lower case
    zh: str  # the planners' term, for messages
    required: bool = False


@dataclass(frozen=True)
class TableSpec:
    name: str  # sheet name / file stem
    zh: str
    columns: tuple[Column, ...]
    required: bool = True

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


SECTIONS = TableSpec(
    "sections",
    "现有内设机构",
    (
        Column("id", "科室编号", required=True),
        Column("name", "科室名称", required=True),
        Column("kind", "科室类型"),
        Column("chief_posts", "正科级领导职数"),
        Column("deputy_posts", "副科级领导职数"),
    ),
)
DUTIES = TableSpec(
    "duties",
    "职责事项",
    (
        Column("id", "职责编号", required=True),
        Column("name", "职责名称", required=True),
        Column("function", "职能", required=True),
        Column("workload_fte", "工作量（FTE）", required=True),
        Column("current_section", "现所在科室"),
        Column("group", "业务板块"),
        Column("chain", "流程链"),
        Column("stage", "流程环节"),
        Column("skills", "所需技能"),
        Column("key_task", "重点工作"),
        Column("workload_low", "工作量下限"),
        Column("workload_high", "工作量上限"),
    ),
)
STAFF = TableSpec(
    "staff",
    "实名制人员",
    (
        Column("id", "人员编号", required=True),
        Column("name", "姓名"),
        Column("rank", "职务层级", required=True),
        Column("current_section", "现所在科室"),
        Column("establishment", "编制类型"),
        Column("capacity_fte", "可承担工作量（FTE）"),
        Column("skills", "技能"),
        Column("years_in_post", "任现职年限"),
        Column("movable", "可调整"),
    ),
)
KEY_TASKS = TableSpec(
    "key_tasks",
    "重点工作",
    (
        Column("id", "重点工作编号", required=True),
        Column("name", "重点工作名称", required=True),
        Column("start", "开始月份"),
        Column("end", "结束月份"),
    ),
    required=False,
)

TABLES: tuple[TableSpec, ...] = (SECTIONS, DUTIES, STAFF, KEY_TASKS)
TABLE_BY_NAME: dict[str, TableSpec] = {t.name: t for t in TABLES}

# Skills are `;`-separated; planners typing Chinese often use the full-width `；`.
_SKILL_SEPARATORS = re.compile(r"[;；]")
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_MONTH = re.compile(r"([0-9]{4})-([0-9]{1,2})(?:-([0-9]{1,2}))?(?:[ T]00:00(?::00)?)?")

E = TypeVar("E", bound=StrEnum)

TRUE_WORDS = ("true", "1", "yes", "是")
FALSE_WORDS = ("false", "0", "no", "否")


def normalize_header(header: str) -> str:
    """Column names match case-insensitively after trimming."""
    return header.strip().lower()


def parse_number(text: str) -> float:
    """A finite decimal number. Stricter than float(): no '1_000', 'nan', 'inf' or full-width digits."""
    t = text.strip()
    if not _NUMBER.fullmatch(t):
        raise ValueError(text)
    value = float(t)
    if not math.isfinite(value):
        raise ValueError(text)
    return value


def parse_int(text: str) -> int:
    """An integer; '2.0' (as Excel may write it) counts as 2, '1.5' does not."""
    value = parse_number(text)
    if not value.is_integer():
        raise ValueError(text)
    return int(value)


def parse_bool(text: str) -> bool:
    t = text.strip().lower()
    if t in TRUE_WORDS:
        return True
    if t in FALSE_WORDS:
        return False
    raise ValueError(text)


def parse_month(text: str) -> str:
    """'YYYY-MM' (also 'YYYY-M' and a full date, as Excel writes date cells) -> 'YYYY-MM'."""
    m = _MONTH.fullmatch(text.strip())
    if not m:
        raise ValueError(text)
    year, month = int(m.group(1)), int(m.group(2))
    if not 1 <= month <= 12:
        raise ValueError(text)
    if m.group(3) is not None and not 1 <= int(m.group(3)) <= 31:
        raise ValueError(text)
    return f"{year:04d}-{month:02d}"


# Chinese names a planner may write instead of the contract's value, as 是/否 for movable:
# registers kept in Chinese say 科长, not chief. The glossary's word comes first.
ENUM_ALIASES: dict[type[StrEnum], dict[str, StrEnum]] = {
    Rank: {
        "科长": Rank.CHIEF,
        "正科": Rank.CHIEF,
        "副科长": Rank.DEPUTY,
        "副科": Rank.DEPUTY,
        "一般干部": Rank.STAFF,
        "科员": Rank.STAFF,
    },
}


def parse_enum(text: str, enum: type[E]) -> E:
    """A contract value (any case) or one of its Chinese aliases; ValueError otherwise."""
    t = text.strip()
    alias = ENUM_ALIASES.get(enum, {}).get(t)
    if alias is not None:
        return enum(alias.value)
    return enum(t.lower())


def split_skills(text: str) -> tuple[str, ...]:
    return tuple(s.strip() for s in _SKILL_SEPARATORS.split(text) if s.strip())


def allowed_values(enum: type[StrEnum]) -> str:
    """The values a cell accepts, each with its Chinese aliases: 'chief/科长/正科, deputy/…'."""
    aliases = ENUM_ALIASES.get(enum, {})
    return ", ".join("/".join([e.value, *(k for k, v in aliases.items() if v is e)]) for e in enum)


ENUM_COLUMNS: dict[tuple[str, str], type[StrEnum]] = {
    ("sections", "kind"): SectionKind,
    ("duties", "function"): Function,
    ("staff", "rank"): Rank,
    ("staff", "establishment"): Establishment,
}
