"""Command line: ``restructure validate`` and ``restructure generate``.

The CLI only parses arguments and prints; the work happens in the library. Bad input never
ends in a traceback: InputError and OSError become a table of problems or one clear line.
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from restructure.domain import Function, Scenario
from restructure.errors import InputError, Problem
from restructure.generate import generate_department
from restructure.i18n import function_name, label, problem_text
from restructure.io import write_department
from restructure.scenario import load_department_as_scenario, load_scenario, scenario_to_toml
from restructure.validate import summarize_department

app = typer.Typer(
    name="restructure",
    help="Redesign a department's internal sections under 9+X staffing rules. / 按“9+X”规则优化部门内设机构。",
    no_args_is_help=True,
    add_completion=False,
)


class Lang(StrEnum):
    ZH = "zh"
    EN = "en"


class DataFormat(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"


def print_problems(problems: list[Problem], lang: str = "zh", console: Console | None = None) -> None:
    """Problems as a table: file, row, column, value, message in the chosen language."""
    console = console or Console()
    table = Table(show_lines=False, expand=False)
    for key in ("file", "row", "column", "value", "problem"):
        table.add_column(label(key, lang), overflow="fold")
    for p in problems:
        table.add_row(
            Text(p.file),
            Text("" if p.row is None else str(p.row)),
            Text(p.column or ""),
            Text(p.value or ""),
            Text(problem_text(p, lang)),
        )
    console.print(table)


def load_any(path: Path) -> Scenario:
    """A scenario .toml, or a department folder / .xlsx with the default rules."""
    if path.is_dir() or path.suffix.lower() == ".xlsx":
        return load_department_as_scenario(path)
    if path.suffix.lower() == ".toml" or not path.exists():
        return load_scenario(path)
    raise InputError(
        [
            Problem(
                str(path),
                None,
                None,
                None,
                "应为方案文件（.toml）、部门数据文件夹或 .xlsx 工作簿。",
                "Expected a scenario file (.toml), a department folder or an .xlsx workbook.",
            )
        ]
    )


def _os_problem(path: Path, error: OSError) -> Problem:
    reason = error.strerror or str(error)
    return Problem(str(path), None, None, None, f"无法读取：{reason}", f"Cannot read: {reason}")


def _summary_table(summary: dict[str, Any], scenario: str, lang: str) -> Table:
    table = Table(show_header=False, box=None, padding=(0, 2))
    table.add_column(label("item", lang))
    table.add_column(label("value", lang))

    def row(key: str, value: str) -> None:
        table.add_row(Text(label(key, lang)), Text(value))

    row("scenario", scenario)
    row("department", summary["department"])
    row(
        "sections",
        label(
            "sections_split",
            lang,
            total=summary["sections"],
            basic=summary["sections_basic"],
            dynamic=summary["sections_dynamic"],
        ),
    )
    row("duties", str(summary["duties"]))
    for f in Function:
        table.add_row(
            Text(label("duties_of", lang, function=function_name(f, lang))),
            Text(
                label(
                    "count_fte",
                    lang,
                    count=summary["duties_by_function"][f.value],
                    fte=summary["workload_by_function"][f.value],
                )
            ),
        )
    row("staff", label("staff_split", lang, total=summary["staff"], immovable=summary["immovable_staff"]))
    row("workload", label("fte", lang, fte=summary["workload_fte"]))
    row("capacity", label("fte", lang, fte=summary["capacity_fte"]))
    row("posts", label("posts_split", lang, chief=summary["chief_posts"], deputy=summary["deputy_posts"]))
    row("key_tasks", str(summary["key_tasks"]))
    row("chains", str(summary["chains"]))
    row("groups", str(summary["groups"]))
    return table


@app.command()
def validate(
    paths: list[Path] = typer.Argument(..., help="Scenario .toml files, department folders or .xlsx workbooks."),
    lang: Lang = typer.Option(Lang.ZH, "--lang", help="Language of messages: zh or en."),
    as_json: bool = typer.Option(False, "--json", help="Print the results as JSON."),
) -> None:
    """Check input files and summarise each department; exit 1 if any has problems."""
    results: list[dict[str, Any]] = []
    for path in paths:
        try:
            scenario = load_any(path)
        except InputError as e:
            results.append({"path": str(path), "valid": False, "problems": e.problems})
        except OSError as e:
            results.append({"path": str(path), "valid": False, "problems": [_os_problem(path, e)]})
        else:
            summary = summarize_department(scenario.department)
            results.append({"path": str(path), "valid": True, "scenario": scenario.name, "summary": summary})
    if as_json:
        out = [
            {**r, "problems": [p.__dict__ for p in r["problems"]]} if not r["valid"] else r for r in results
        ]
        typer.echo(json.dumps(out, ensure_ascii=False, indent=2))
    else:
        console = Console()
        for r in results:
            if r["valid"]:
                console.print(Text(label("valid", lang, path=r["path"]), style="bold green"))
                console.print(_summary_table(r["summary"], r["scenario"], lang))
            else:
                console.print(Text(label("problems_found", lang, path=r["path"], n=len(r["problems"])), style="bold red"))
                print_problems(r["problems"], lang, console)
    raise typer.Exit(0 if all(r["valid"] for r in results) else 1)


@app.command()
def generate(
    out: Path = typer.Option(..., "--out", help="Folder to write the department and scenario.toml into."),
    duties: int = typer.Option(120, "--duties", help="Number of duty items."),
    staff: int = typer.Option(48, "--staff", help="Number of people (at least 3 per section)."),
    sections: int = typer.Option(12, "--sections", help="Number of today's sections."),
    chains: int = typer.Option(2, "--chains", help="Number of process chains (4 stages each)."),
    key_tasks: int | None = typer.Option(None, "--key-tasks", help="Number of key tasks (default: staff // 20, ≤ 3)."),
    seed: int = typer.Option(0, "--seed", help="Random seed: the same seed gives the same department."),
    data_format: DataFormat = typer.Option(DataFormat.CSV, "--format", help="csv (a folder) or xlsx (a workbook)."),
    lang: Lang = typer.Option(Lang.ZH, "--lang", help="Language of messages: zh or en."),
) -> None:
    """Write a plausible synthetic department and a scenario.toml that points at it."""
    console = Console()
    try:
        dept = generate_department(duties, staff, sections, chains, seed, n_key_tasks=key_tasks)
    except ValueError as e:
        console.print(Text(label("cannot_generate", lang, reason=str(e)), style="bold red"))
        raise typer.Exit(1) from None
    try:
        if data_format == DataFormat.XLSX:
            workbook = out / f"{out.resolve().name}.xlsx"
            write_department(dept, workbook)
            data = workbook.name
        else:
            write_department(dept, out)
            data = "."
        scenario = Scenario(
            name=f"{dept.name} 9+X",
            department=dept,
            description=f"Generated: {duties} duties, {staff} staff, {sections} sections, {chains} chains, seed {seed}.",
        )
        (out / "scenario.toml").write_text(scenario_to_toml(scenario, data=data), encoding="utf-8")
    except OSError as e:
        console.print(Text(label("cannot_write", lang, reason=e.strerror or str(e)), style="bold red"))
        raise typer.Exit(1) from None
    console.print(Text(label("generated", lang, path=str(out)), style="bold green"))
    console.print(_summary_table(summarize_department(dept), scenario.name, lang))
