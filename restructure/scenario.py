"""Scenario files (TOML): load with ``extends`` and overrides, hash, and write back.

``load_scenario`` is the one way every front end (CLI, app, batch, tests) turns a scenario
file — or a bare department folder/.xlsx — into a checked ``Scenario``. Every problem in the
TOML and in the data is collected and raised together as one ``InputError``.
"""

from __future__ import annotations

import copy
import hashlib
import json
import math
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import MISSING, asdict, fields, replace
from pathlib import Path
from typing import Any

from restructure.domain import Department, Pins, Process, Rules, Scenario, SolverSettings, Weights
from restructure.errors import InputError, Problem
from restructure.io.department import build_department
from restructure.io.tables import read_tables
from restructure.validate import (
    OBJECTIVE_SETTINGS,
    PIN_SETTINGS,
    PROCESS_SETTINGS,
    RULE_SETTINGS,
    SOLVER_SETTINGS,
    Setting,
    parse_settings,
    show_value,
    validate_tables,
)

OVERRIDES = "overrides"  # the file label of problems in values given as overrides
# Changes when the hashed content changes meaning, and when the same inputs give other plans:
# 2 since a vacant deputy post costs (a batch must not resume from plans scored without it),
# 3 since the span goal, 4 since the key_tasks goal.
HASH_VERSION = "restructure-scenario-4"
# What a scenario says of its department as a whole (top-level keys, each optional)
DEPARTMENT_KEYS = ("department_name", "department_duties", "approved_staffing")


def load_scenario(path: str | Path, overrides: Mapping[str, Any] | None = None) -> Scenario:
    """Load a scenario TOML (or a bare department folder / .xlsx with default rules).

    ``overrides`` maps dotted keys such as ``"rules.max_basic_sections"`` to values; they are
    applied after ``extends`` and checked like values written in the file.
    Raises InputError with every problem in the TOML files, the overrides and the data.
    """
    p = Path(path)
    label = str(path)
    texts: dict[str, str] = {}
    origins: dict[str, str] = {}
    if p.is_dir() or p.suffix.lower() == ".xlsx":
        settings: dict[str, Any] = {"name": p.stem if p.is_file() else p.name, "data": os.path.abspath(p)}
        _record_origins(settings, label, origins)
    else:
        settings = _read_chain(p, label, (), texts, origins)
    problems = _apply_overrides(settings, overrides or {}, origins)

    def locate(key: str) -> tuple[str, int | None]:
        return _locate(key, origins, texts, label)

    normalized, setting_problems = parse_settings(settings, locate)
    problems += setting_problems
    rules = _build(Rules, normalized.get("rules", {}), RULE_SETTINGS)
    pins = _build(Pins, normalized.get("pins", {}), PIN_SETTINGS)
    objective = _build(Weights, normalized.get("objective", {}), OBJECTIVE_SETTINGS)
    solver = _build(SolverSettings, normalized.get("solver", {}), SOLVER_SETTINGS)
    processes = tuple(_build(Process, proc, PROCESS_SETTINGS) for proc in normalized.get("processes", []))

    data = normalized.get("data")
    raw = None
    if data is None:
        if "data" not in settings:
            problems.append(
                Problem(
                    label,
                    None,
                    "data",
                    None,
                    "缺少 data：请写明部门数据文件夹或 .xlsx 工作簿的路径（相对于本文件）。",
                    "data is missing: give the department folder or .xlsx workbook (relative to this file).",
                )
            )
    elif not Path(data).exists():
        file, line = locate("data")
        problems.append(
            Problem(
                file,
                line,
                "data",
                data,
                "data 指向的部门数据不存在。",
                "data points at department data that does not exist.",
            )
        )
    else:
        try:
            raw = read_tables(data)
        except InputError as e:
            problems += e.problems
    if raw is not None:
        problems += validate_tables(
            raw,
            rules,
            pins=pins,
            processes=processes,
            related_groups=objective.related_groups,
            locate=locate,
        )
    if problems or raw is None:
        raise InputError(problems)
    return Scenario(
        name=normalized.get("name") or (p.stem if not p.is_dir() else p.name),
        department=_with_facts(build_department(raw), normalized),
        description=normalized.get("description", ""),
        rules=rules,
        pins=pins,
        processes=processes,
        objective=objective,
        solver=solver,
        section_names=normalized.get("section_names", {}),
        source=label,
        settings=normalized,
    )


def _with_facts(department: Department, settings: Mapping[str, Any]) -> Department:
    """The department with what the scenario says of it as a whole: its name (else the folder's),
    so the plan, the draft and the app all say the department's real name; its main duties and
    approved staffing, for the 三定 draft."""
    name = settings.get("department_name")
    return replace(
        department,
        name=name or department.name,
        main_duties=tuple(settings.get("department_duties", ())),
        approved_staffing=settings.get("approved_staffing"),
    )


def override_problems(overrides: Mapping[str, Any], *, across: bool = True) -> list[Problem]:
    """Problems of ``overrides`` on their own, checked as ``load_scenario`` checks them (range,
    type, unknown key), for front ends that load their scenarios later, one per job.
    ``across=False``: not against each other or the defaults (the scenario may set the others)."""
    settings: dict[str, Any] = {}
    problems = _apply_overrides(settings, overrides, {})
    return problems + parse_settings(settings, lambda key: (OVERRIDES, None), across=across)[1]


def load_department_as_scenario(path: str | Path, overrides: Mapping[str, Any] | None = None) -> Scenario:
    """A bare department folder or .xlsx workbook as a scenario with the contract's default rules."""
    p = Path(path)
    if not (p.is_dir() or p.suffix.lower() == ".xlsx"):
        raise InputError.about(
            str(path),
            "应为部门数据文件夹或 .xlsx 工作簿。",
            "Expected a department folder or an .xlsx workbook.",
        )
    return load_scenario(p, overrides)


# ---------------------------------------------------------------------------------------
# Reading TOML with extends
# ---------------------------------------------------------------------------------------


def _fatal(
    file: str, line: int | None, column: str | None, value: str | None, zh: str, en: str
) -> InputError:
    return InputError([Problem(file, line, column, value, zh, en)])


def _read_chain(
    path: Path, label: str, stack: tuple[Path, ...], texts: dict[str, str], origins: dict[str, str]
) -> dict[str, Any]:
    """This file's settings merged over the chain of files it extends (the child wins)."""
    resolved = path.resolve()
    if resolved in stack:
        chain = " → ".join([*(str(s.name) for s in stack), path.name])
        raise _fatal(
            label,
            None,
            "extends",
            chain,
            f"extends 形成循环：{chain}。",
            f"extends forms a cycle: {chain}.",
        )
    try:
        data = path.read_bytes()
    except OSError as e:
        # the OS says why in English; the commonest reason gets the planner's words
        reason_zh = "文件不存在" if isinstance(e, FileNotFoundError) else (e.strerror or str(e))
        raise _fatal(
            label,
            None,
            None,
            None,
            f"无法读取方案文件：{reason_zh}。",
            f"Cannot read the scenario file: {e.strerror or e}.",
        ) from e
    text = _decode(data)
    if text is None:
        raise _fatal(
            label, None, None, None, "方案文件应为 UTF-8 编码。", "The scenario file must be UTF-8 encoded."
        )
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        m = re.search(r"line (\d+)", str(e))
        raise _fatal(
            label,
            int(m.group(1)) if m else None,
            None,
            None,
            f"TOML 语法错误：{toml_error_zh(str(e))}。",
            f"TOML syntax error: {e}.",
        ) from e
    texts[label] = text
    if isinstance(doc.get("data"), str):
        # data is relative to the file that sets it, also when another file extends this one.
        doc["data"] = os.path.abspath(path.parent / doc["data"])
    parent: dict[str, Any] = {}
    if "extends" in doc:
        ext = doc.pop("extends")
        if not isinstance(ext, str) or not ext.strip():
            raise _fatal(
                label,
                _find_line(text, "extends"),
                "extends",
                show_value(ext),
                "extends 应为另一个方案文件的路径（带引号）。",
                "extends must be the path of another scenario file (quoted).",
            )
        parent_path = path.parent / ext
        parent_label = str(Path(label).parent / ext)
        if not parent_path.is_file():
            raise _fatal(
                label,
                _find_line(text, "extends"),
                "extends",
                ext,
                "extends 指向的方案文件不存在。",
                "extends points at a scenario file that does not exist.",
            )
        parent = _read_chain(parent_path, parent_label, (*stack, resolved), texts, origins)
    _record_origins(doc, label, origins)
    return _merge(parent, doc)


# tomllib's messages (Python 3.11+), in the planners' words; others are shown as they are
TOML_ERRORS_ZH = {
    "Invalid value": "取值的写法不对（文字要加引号，true/false 小写，列表用 [ ]）",
    "Cannot overwrite a value": "同一个设置写了两次",
    "Cannot declare": "同一个表写了两次",
    "Expected ']' at the end of a table declaration": "表头缺少 ]",
    "Expected ']' at the end of an array declaration": "表头缺少 ]]",
    "Unterminated string": "文字缺少结束的引号",
    "Unclosed array": "列表缺少 ]",
    "Unclosed inline table": "行内表缺少 }",
    "Expected newline or end of document after a statement": "一行只能写一项设置",
    "Expected '=' after a key in a key/value pair": "设置名后缺少 =",
    "Invalid statement": "无法识别的一行",
    "Invalid initial character for a key part": "设置名的第一个字符不合法",
}


def toml_error_zh(message: str) -> str:
    """A tomllib message in Chinese: 'Invalid value (at line 4, column 22)' ->
    '取值的写法不对…（第4行第22列）'."""
    text, _, where = message.partition(" (at ")
    zh = next((v for k, v in TOML_ERRORS_ZH.items() if text.startswith(k)), text)
    place = re.fullmatch(r"line (\d+), column (\d+)\)", where)
    if place:
        return f"{zh}（第{place.group(1)}行第{place.group(2)}列）"
    if where == "end of document)":
        return f"{zh}（文件末尾）"
    return zh


def _decode(data: bytes) -> str | None:
    # TOML is UTF-8; Windows editors add a BOM, and some planners save in GBK anyway.
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _merge(base: Mapping[str, Any], child: Mapping[str, Any]) -> dict[str, Any]:
    """Deep merge: tables merge key by key; any other value of the child replaces the base's."""
    out = copy.deepcopy(dict(base))
    for key, value in child.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def _record_origins(doc: Mapping[str, Any], label: str, origins: dict[str, str]) -> None:
    for key, value in doc.items():
        origins[key] = label
        if isinstance(value, dict):
            for sub in value:
                origins[f"{key}.{sub}"] = label


def _apply_overrides(
    settings: dict[str, Any], overrides: Mapping[str, Any], origins: dict[str, str]
) -> list[Problem]:
    problems = []
    for key, value in overrides.items():
        parts = str(key).split(".")
        node = settings
        for i, part in enumerate(parts[:-1]):
            nxt = node.setdefault(part, {})
            if not isinstance(nxt, dict):
                where = ".".join(parts[: i + 1])
                problems.append(
                    Problem(
                        OVERRIDES,
                        None,
                        str(key),
                        show_value(value),
                        f"无法设置 {key}：{where} 不是一个表。",
                        f"Cannot set {key}: {where} is not a table.",
                    )
                )
                break
            node = nxt
        else:
            v = copy.deepcopy(value)
            if parts == ["data"] and isinstance(v, str | os.PathLike):
                v = os.path.abspath(v)  # an override's data is relative to where the user stands
            node[parts[-1]] = v
            origins[str(key)] = OVERRIDES
    return problems


def _locate(
    key: str, origins: Mapping[str, str], texts: Mapping[str, str], default: str
) -> tuple[str, int | None]:
    """The file that set a dotted key (or its nearest enclosing table), and the line of the key
    (or of its nearest enclosing table, for a key that is missing) when it can be found."""
    file = next((origins[p] for p in _prefixes(key) if p in origins), None)
    if file is None:
        return default, None
    text = texts.get(file)
    if text is None:
        return file, None
    return file, next((n for p in _prefixes(key) if (n := _find_line(text, p)) is not None), None)


def _prefixes(key: str) -> list[str]:
    """'processes[1].steps' -> ['processes[1].steps', 'processes[1]', 'processes']."""
    out = [key]
    while (cut := max(out[-1].rfind("."), out[-1].rfind("["))) > 0:
        out.append(out[-1][:cut])
    return out


_KEY = re.compile(
    r"""^((?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*'))*)\s*="""
)
_PROCESS_KEY = re.compile(r"processes\[(\d+)\](?:\.(.+))?")


def _key_parts(text: str) -> tuple[str, ...]:
    return tuple(t.strip().strip("\"'") for t in re.findall(r"\"[^\"]*\"|'[^']*'|[^.]+", text))


def _find_line(text: str, key: str) -> int | None:
    """Best-effort line of a dotted key (or [table]) in TOML text; None when not found."""
    process = _PROCESS_KEY.fullmatch(key)
    if process:
        want: tuple[Any, ...] = ("processes", int(process.group(1)))
        parts = _key_parts(process.group(2)) if process.group(2) else ()
    else:
        want, parts = (), _key_parts(key)
    table: tuple[Any, ...] = ()
    count = 0
    for number, line in enumerate(text.splitlines(), start=1):
        s = line.strip()
        if s.startswith("["):
            array = s.startswith("[[")
            inner = s[2 : s.find("]]")] if array else s[1 : s.find("]")]
            name = _key_parts(inner)
            if array and name == ("processes",):
                count += 1
                table = ("processes", count)
            else:
                table = ("[[", *name) if array else name
            if (want and table == want and not parts) or (not want and table == parts):
                return number
            continue
        m = _KEY.match(s)
        if not m:
            continue
        keys = _key_parts(m.group(1))
        if want:
            if table == want and keys == parts[: len(keys)]:
                return number
        elif (here := (*table, *keys)) == parts[: len(here)]:
            return number
    return None


# ---------------------------------------------------------------------------------------
# Typed settings
# ---------------------------------------------------------------------------------------


def _build(cls: type, values: Mapping[str, Any], specs: Mapping[str, Setting]) -> Any:
    """A domain dataclass from checked settings; every field in its canonical type (ints as floats
    where the field is a number) so that equal settings hash equally."""
    kwargs = {}
    for f in fields(cls):
        if f.name in values:
            v = values[f.name]
        elif f.default is not MISSING:
            v = f.default
        elif f.default_factory is not MISSING:
            v = f.default_factory()
        else:
            v = None
        kwargs[f.name] = _typed(v, specs[f.name])
    return cls(**kwargs)


def _typed(value: Any, setting: Setting) -> Any:
    if value is None:
        return None
    k = setting.kind
    if k == "float":
        return float(value)
    if k == "int":
        return int(value)
    if k in ("functions", "ids", "numbers"):
        return tuple(value)
    if k in ("id_groups", "name_groups"):
        return tuple(tuple(g) for g in value)
    if k in ("id_map", "str_map"):
        return dict(value)
    return value


# ---------------------------------------------------------------------------------------
# Hash and TOML output
# ---------------------------------------------------------------------------------------


def effective_settings(scenario: Scenario) -> dict[str, Any]:
    """Every setting in force (defaults included), as plain JSON-able data."""
    return {
        "name": scenario.name,
        "description": scenario.description,
        # only when set, so a scenario without them keeps the hash it had before the keys existed
        **{
            key: scenario.settings[key]
            for key in DEPARTMENT_KEYS
            if scenario.settings.get(key) not in (None, "", [], ())
        },
        "rules": asdict(scenario.rules),
        "pins": {
            "keep_sections": list(scenario.pins.keep_sections),
            "duty_sections": dict(scenario.pins.duty_sections),
        },
        "processes": [asdict(p) for p in scenario.processes],
        "objective": _objective_settings(scenario),
        "solver": asdict(scenario.solver),
        "section_names": dict(scenario.section_names),
    }


def _objective_settings(scenario: Scenario) -> dict[str, Any]:
    # related_groups is left out when empty, so a scenario that does not use it keeps the hash
    # (and the saved TOML) it had before the setting existed
    out = asdict(scenario.objective)
    if out["related_groups"]:
        out["related_groups"] = [list(g) for g in out["related_groups"]]
    else:
        del out["related_groups"]
    return out


def scenario_hash(scenario: Scenario) -> str:
    """sha256 of the settings in force and the department's content.

    Paths are left out (the data's content counts, not where it lies) so the hash is the same
    on every machine and for the same data saved as CSV, GBK CSV or xlsx.
    """
    dept = asdict(scenario.department)
    dept.pop("source", None)
    # the scenario's words on the department count in its settings above; left out here, a
    # scenario without them keeps the hash it had before they existed
    dept.pop("main_duties", None)
    dept.pop("approved_staffing", None)
    payload = {"version": HASH_VERSION, "settings": effective_settings(scenario), "department": dept}
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def scenario_to_toml(scenario: Scenario, *, data: str | Path | None = None) -> str:
    """A self-contained scenario file: every setting in force, no ``extends``.

    ``data`` is written as given; by default the absolute path of the department data.
    """
    if data is None:
        data = scenario.settings.get("data") or os.path.abspath(scenario.department.source)
    s = effective_settings(scenario)
    lines = [
        f"name = {_toml_value(s['name'])}",
        f"description = {_toml_value(s['description'])}",
        *(f"{key} = {_toml_value(s[key])}" for key in DEPARTMENT_KEYS if key in s),
        f"data = {_toml_value(str(data))}",
    ]

    def table(header: str, values: Mapping[str, Any]) -> None:
        lines.append("")
        lines.append(f"[{header}]")
        lines.extend(f"{_toml_key(k)} = {_toml_value(v)}" for k, v in values.items() if v is not None)

    table("rules", s["rules"])
    table("pins", {"keep_sections": s["pins"]["keep_sections"]})
    if s["pins"]["duty_sections"]:
        table("pins.duty_sections", s["pins"]["duty_sections"])
    table("objective", s["objective"])
    table("solver", s["solver"])
    if s["section_names"]:
        table("section_names", s["section_names"])
    for proc in s["processes"]:
        lines.append("")
        lines.append("[[processes]]")
        lines.extend(f"{_toml_key(k)} = {_toml_value(v)}" for k, v in proc.items())
    return "\n".join(lines) + "\n"


_TOML_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}


def _toml_str(s: str) -> str:
    out = []
    for ch in s:
        if ch in _TOML_ESCAPES:
            out.append(_TOML_ESCAPES[ch])
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _toml_key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else _toml_str(key)


def _toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        return repr(v)
    if isinstance(v, str):
        return _toml_str(v)
    if isinstance(v, list | tuple):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    if isinstance(v, Mapping):
        return "{ " + ", ".join(f"{_toml_key(str(k))} = {_toml_value(x)}" for k, x in v.items()) + " }"
    raise TypeError(f"no TOML form for {type(v).__name__}")
