"""Command line: ``restructure validate`` and ``restructure generate``.

The CLI only parses arguments and prints; the work happens in the library. Bad input never
ends in a traceback: InputError and OSError become a table of problems or one clear line.
"""

from __future__ import annotations

import dataclasses
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
from restructure.i18n import BULLET, fixed, function_name, label, problem_text, significant
from restructure.io import write_department
from restructure.scenario import (
    load_department_as_scenario,
    load_scenario,
    override_problems,
    scenario_to_toml,
)
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


def load_any(path: Path, overrides: dict[str, Any] | None = None) -> Scenario:
    """A scenario .toml, or a department folder / .xlsx with the default rules; ``overrides``
    (dotted keys) are checked like values in the file."""
    if path.is_dir() or path.suffix.lower() == ".xlsx":
        return load_department_as_scenario(path, overrides)
    if path.suffix.lower() == ".toml" or not path.exists():
        return load_scenario(path, overrides)
    raise InputError.about(
        str(path),
        "应为方案文件（.toml）、部门数据文件夹或 .xlsx 工作簿。",
        "Expected a scenario file (.toml), a department folder or an .xlsx workbook.",
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
    paths: list[Path] = typer.Argument(
        ..., help="Scenario .toml files, department folders or .xlsx workbooks."
    ),
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
            {**r, "problems": [dataclasses.asdict(p) for p in r["problems"]]} if not r["valid"] else r
            for r in results
        ]
        typer.echo(json.dumps(out, ensure_ascii=False, indent=2))
    else:
        console = Console()
        for r in results:
            if r["valid"]:
                console.print(Text(label("valid", lang, path=r["path"]), style="bold green"))
                console.print(_summary_table(r["summary"], r["scenario"], lang))
            else:
                console.print(
                    Text(
                        label("problems_found", lang, path=r["path"], n=len(r["problems"])), style="bold red"
                    )
                )
                print_problems(r["problems"], lang, console)
    raise typer.Exit(0 if all(r["valid"] for r in results) else 1)


@app.command()
def generate(
    out: Path = typer.Option(..., "--out", help="Folder to write the department and scenario.toml into."),
    duties: int = typer.Option(120, "--duties", help="Number of duty items."),
    staff: int = typer.Option(48, "--staff", help="Number of people (at least 3 per section)."),
    sections: int = typer.Option(12, "--sections", help="Number of today's sections."),
    chains: int = typer.Option(2, "--chains", help="Number of process chains (4 stages each)."),
    key_tasks: int | None = typer.Option(
        None, "--key-tasks", help="Number of key tasks (default: staff // 20, ≤ 3)."
    ),
    seed: int = typer.Option(0, "--seed", help="Random seed: the same seed gives the same department."),
    data_format: DataFormat = typer.Option(
        DataFormat.CSV, "--format", help="csv (a folder) or xlsx (a workbook)."
    ),
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
            # the folder's name is no department name: the draft's title and plan.json need this one
            settings={"department_name": dept.name},
        )
        (out / "scenario.toml").write_text(scenario_to_toml(scenario, data=data), encoding="utf-8")
    except OSError as e:
        console.print(Text(label("cannot_write", lang, reason=e.strerror or str(e)), style="bold red"))
        raise typer.Exit(1) from None
    console.print(Text(label("generated", lang, path=str(out)), style="bold green"))
    console.print(_summary_table(summarize_department(dept), scenario.name, lang))


# ---------------------------------------------------------------------------------------
# Exports, the run store, batch runs, sweeps and comparisons
# ---------------------------------------------------------------------------------------


def _say(lang: str, zh: str, en: str) -> str:
    return zh if lang == "zh" else en


def _bullet(text: str) -> Table:
    """A list item with a hanging indent. Why not Text(BULLET + text): rich wraps at spaces, so
    a long Chinese sentence (no spaces) left its bullet alone on the line above."""
    grid = Table.grid()
    grid.add_column(no_wrap=True)
    grid.add_column(overflow="fold")
    grid.add_row(BULLET, text)
    return grid


def _print_line(console: Console, line: str) -> None:
    console.print(_bullet(line.removeprefix(BULLET)) if line.startswith(BULLET) else Text(line))


def _fail(console: Console, lang: str, zh: str, en: str) -> typer.Exit:
    console.print(Text(_say(lang, zh, en), style="bold red"))
    return typer.Exit(1)


def _scenario_or_exit(
    path: Path, lang: str, console: Console, overrides: dict[str, Any] | None = None
) -> Scenario:
    try:
        return load_any(path, overrides)
    except InputError as e:
        print_problems(e.problems, lang, console)
    except OSError as e:
        print_problems([_os_problem(path, e)], lang, console)
    raise typer.Exit(1)


def solver_overrides(
    time_limit: float | None = None,
    seed: int | None = None,
    workers: int | None = None,
    deterministic: bool | None = None,
) -> dict[str, Any]:
    """Solver options given on the command line, as scenario overrides: they are then checked
    exactly like the same keys in the TOML (a -1 s time limit is refused, not run)."""
    given = {
        "solver.time_limit_s": time_limit,
        "solver.seed": seed,
        "solver.workers": workers,
        "solver.deterministic": deterministic,
    }
    return {k: v for k, v in given.items() if v is not None}


def _overrides_or_exit(overrides: dict[str, Any], lang: str, console: Console) -> None:
    """For commands that load their scenarios later (one per job): refuse bad options now."""
    problems = override_problems(overrides)
    if problems:
        print_problems(problems, lang, console)
        raise typer.Exit(1)


def _plan_or_exit(path: Path, lang: str, console: Console):
    from restructure.plan_io import read_plan

    try:
        return read_plan(path)
    except OSError as e:
        raise _fail(console, lang, f"无法读取方案：{e}", f"Cannot read the plan: {e}") from None
    except (ValueError, KeyError, TypeError) as e:
        raise _fail(console, lang, f"不是有效的 plan.json：{e}", f"Not a valid plan.json: {e}") from None


def _store_or_exit(store: Path | None, lang: str, console: Console, *, must_exist: bool = True):
    from restructure.store import RunStore, default_store_path

    path = store or default_store_path()
    if must_exist and not path.is_file():
        raise _fail(console, lang, f"运行记录库不存在：{path}", f"No run store at {path}")
    return RunStore(path)


def status_word(status: str, lang: str) -> str:
    """A stored or batch status ("optimal", …, or "error") in the planners' words."""
    from restructure.domain import Status
    from restructure.terms import STATUS

    if status == "error":
        return _say(lang, "出错", "error")
    try:
        zh, en = STATUS[Status(status)]
    except ValueError:  # a status this version does not know: show it as stored
        return status
    return _say(lang, zh, en)


def write_failure(path: Path, error: OSError, lang: str) -> str:
    """Why ``path`` could not be written, in the planner's language (the OS says it in English)."""
    if isinstance(error, FileExistsError | NotADirectoryError):
        return _say(
            lang,
            f"无法写入 {path}：已有同名文件，此处需要文件夹",
            f"Cannot write {path}: a file of that name exists where a folder is needed",
        )
    if isinstance(error, IsADirectoryError):
        return _say(lang, f"无法写入 {path}：这是一个文件夹", f"Cannot write {path}: it is a folder")
    if isinstance(error, PermissionError):
        return _say(lang, f"无法写入 {path}：没有写入权限", f"Cannot write {path}: permission denied")
    reason = error.strerror or str(error)
    return _say(lang, f"无法写入 {path}：{reason}", f"Cannot write {path}: {reason}")


def _short(text: str, width: int = 80) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _kpi(key: str, value: Any) -> str:
    """A KPI as a planner reads it: a share in percent (79.1%), anything else as a number."""
    from restructure.terms import SHARE_KPIS

    if key in SHARE_KPIS and isinstance(value, int | float):
        return f"{_num(float(value) * 100, 3)}%"
    return _num(value)


def _num(value: Any, digits: int = 3) -> str:
    if value is None or value == "":
        return ""
    return significant(value, digits) if isinstance(value, float) else str(value)


STORE_HELP = "Run store (SQLite); default $RESTRUCTURE_STORE or runs/restructure.sqlite."


@app.command("export")
def export_(
    plan_json: Path = typer.Argument(..., help="plan.json, or a folder holding one."),
    data: Path = typer.Option(..., "--data", help="The department: scenario .toml, data folder or .xlsx."),
    out: Path = typer.Option(..., "--out", help="Folder to write the exports into."),
    formats: list[str] = typer.Option(
        ["csv", "xlsx", "json", "docx", "md"],
        "--format",
        help="csv, zip, xlsx, json, docx or md; repeat for several.",
    ),
    pseudonymise: bool = typer.Option(
        False, "--pseudonymise", help="Replace personal names by stable pseudonyms."
    ),
    lang: Lang = typer.Option(Lang.ZH, "--lang", help="Language of headers and wording: zh or en."),
) -> None:
    """Export a plan: CSV set, xlsx workbook, plan.json and a 三定-style draft (.md, .docx)."""
    from restructure.check import check_plan
    from restructure.export import FORMATS, export_plan

    console = Console()
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise _fail(
            console,
            lang,
            f"未知格式：{unknown}；可选 {list(FORMATS)}",
            f"Unknown format(s) {unknown}; choose from {list(FORMATS)}",
        )
    plan = _plan_or_exit(plan_json, lang, console)
    scenario = _scenario_or_exit(data, lang, console)
    _refuse_foreign_or_stale(plan, scenario, plan_json, lang, console)
    checks = check_plan(scenario, plan) if plan.has_plan else None
    try:
        files = export_plan(
            plan,
            scenario.department,
            out,
            formats=tuple(formats),
            lang=lang.value,
            pseudonymise=pseudonymise,
            checks=checks,
        )
    except OSError as e:
        raise _fail(console, lang, f"无法写入：{e}", f"Cannot write: {e}") from None
    console.print(
        Text(
            _say(lang, f"已导出 {len(files)} 个文件到 {out}", f"Wrote {len(files)} files to {out}"),
            style="bold green",
        )
    )
    for f in files:
        console.print(f"  {f}")


def _refuse_foreign_or_stale(plan, scenario: Scenario, where: Path, lang: str, console: Console) -> None:
    """An export states the plan's own figures: refuse a plan of other data rather than write a
    draft that leaves out the department's duties, mixes in another department's, or states
    stale totals. A few unknown ids alone (a hand edit) go to the checks sheet instead."""
    from restructure.planning import plan_of_other_data

    why = plan_of_other_data(scenario, plan)
    if why is not None:
        raise _fail(console, lang, f"{where}：{why[0]}", f"{where}: {why[1]}")


@app.command()
def batch(
    paths: list[Path] = typer.Argument(..., help="Scenario .toml files or folders (searched for *.toml)."),
    out: Path = typer.Option(..., "--out", help="Folder for the plans, runs.sqlite and summary.csv/xlsx."),
    workers: int = typer.Option(2, "--workers", min=1, help="Solves at once (local processes)."),
    scheduler: str | None = typer.Option(
        None, "--scheduler", help="Dask scheduler address, e.g. tcp://host:8786."
    ),
    time_limit: float | None = typer.Option(
        None, "--time-limit", help="Seconds per solve (default: each scenario's)."
    ),
    store: Path | None = typer.Option(
        None, "--store", help="Run store to record into (default: OUT/runs.sqlite)."
    ),
    lang: Lang = typer.Option(Lang.ZH, "--lang", help="Language of messages: zh or en."),
) -> None:
    """Solve many scenarios in parallel; a restart skips every finished result.

    Exit 0 when every scenario has a plan; otherwise 1 if any could not be loaded or solved
    (input errors), else 3 if any is infeasible, else 4 if any found no plan within the time
    limit: the codes of ``solve``.
    """
    from restructure.batch import expand_scenarios, jobs_for, run_jobs

    console = Console()
    _overrides_or_exit(solver_overrides(time_limit), lang, console)
    scenarios = expand_scenarios(paths)
    if not scenarios:
        raise _fail(console, lang, "没有找到方案文件（.toml）。", "No scenario files (.toml) found.")
    result = run_jobs(
        jobs_for(scenarios),
        out,
        workers=workers,
        scheduler=scheduler,
        time_limit_s=time_limit,
        store=store,
        console=console,
    )
    table = Table()
    for zh, en in [
        ("方案", "scenario"),
        ("状态", "status"),
        ("基本/动态", "basic/dynamic"),
        ("工作量比", "load ratios"),
        ("调整职责/人员", "moved duties/staff"),
        ("秒", "s"),
        ("备注", "note"),
    ]:
        # a reason wraps whole, never cut to "…" mid-word
        table.add_column(_say(lang, zh, en), overflow="fold")
    for r in result.results:
        k = r.kpis
        word = status_word(r.status, lang)
        if r.error(lang):
            word += _say(lang, f"：{_short(r.error(lang))}", f": {_short(r.error(lang))}")
        table.add_row(
            Text(r.name),
            Text(word),
            f"{_num(k.get('sections_basic'))}/{_num(k.get('sections_dynamic'))}" if k else "",
            f"{_num(k.get('min_load_ratio'))}–{_num(k.get('max_load_ratio'))}" if k else "",
            f"{_num(k.get('duties_moved'))}/{_num(k.get('staff_moved'))}" if k else "",
            _num(r.seconds, 3),
            _say(lang, "已有结果", "resumed") if r.skipped else "",
        )
    console.print(table)
    raise typer.Exit(
        _outcomes(result, lang, console, f"汇总：{result.summary_csv}", f"Summary: {result.summary_csv}")
    )


def _outcomes(result, lang: str, console: Console, where_zh: str, where_en: str) -> int:
    """Print a batch's (or sweep's) count of outcomes; return the exit code: the solve command's,
    since an infeasible scenario is no crash, but no success either."""
    n = {o: result.count(o) for o in ("plan", "infeasible", "no_plan", "error")}
    console.print(
        _say(
            lang,
            f"有方案 {n['plan']} 个，无可行方案 {n['infeasible']} 个，时限内未找到方案 {n['no_plan']} 个，"
            f"出错 {n['error']} 个（本次求解 {result.solved} 个，沿用已有结果 {result.skipped} 个）；"
            f"用时 {fixed(result.seconds, 1)} 秒。{where_zh}",
            f"Plan {n['plan']}, infeasible {n['infeasible']}, no plan in time {n['no_plan']}, "
            f"error {n['error']} (solved {result.solved}, resumed {result.skipped}) in "
            f"{fixed(result.seconds, 1)} s. {where_en}",
        )
    )
    if n["error"]:
        return 1
    if n["infeasible"]:
        return EXIT_INFEASIBLE
    return EXIT_NO_PLAN if n["no_plan"] else 0


@app.command()
def sweep(
    scenario: Path = typer.Argument(..., help="The scenario .toml to vary."),
    vary: list[str] = typer.Option(
        ..., "--vary", help="KEY=V1,V2,… e.g. rules.max_basic_sections=7,8,9; repeat."
    ),
    out: Path = typer.Option(..., "--out", help="Folder for the variants, pareto.csv and pareto.png."),
    workers: int = typer.Option(2, "--workers", min=1, help="Solves at once (local processes)."),
    scheduler: str | None = typer.Option(None, "--scheduler", help="Dask scheduler address."),
    time_limit: float | None = typer.Option(None, "--time-limit", help="Seconds per solve."),
    store: Path | None = typer.Option(None, "--store", help="Run store (default: OUT/runs.sqlite)."),
    lang: Lang = typer.Option(Lang.ZH, "--lang", help="Language of messages: zh or en."),
) -> None:
    """Solve a grid of variants and show the Pareto front of workload balance against disruption.

    Exit codes as for batch: 0 every variant has a plan, 1 one could not be loaded or solved,
    3 one is infeasible, 4 one has no plan within the time limit."""
    from restructure.sweep import VaryError, parse_vary, run_sweep

    console = Console()
    _overrides_or_exit(solver_overrides(time_limit), lang, console)
    try:
        grid = parse_vary(vary)
    except VaryError as e:
        raise _fail(console, lang, e.zh, e.en) from None
    # Every key and value checked as in the TOML (with its "did you mean"), before any solve:
    # a misspelt key would otherwise fail every variant of the grid, one solve at a time.
    # Checks of one setting against another wait for each variant's load (they need the
    # scenario's values); such a variant is then shown as an error with its reason.
    bad = [
        dataclasses.replace(p, file="--vary")
        for key, values in grid.items()
        for value in values
        for p in override_problems({key: value}, across=False)
    ]
    if bad:
        print_problems(list(dict.fromkeys(bad)), lang, console)
        raise typer.Exit(1)
    _scenario_or_exit(scenario, lang, console)  # bad input: problems now, not 9 failed variants later
    result = run_sweep(
        scenario,
        grid,
        out,
        workers=workers,
        scheduler=scheduler,
        time_limit_s=time_limit,
        store=store,
        show_progress=True,
    )
    table = Table()
    table.add_column("#")  # the variant's number in pareto.csv and on the plot; names are long
    for key in grid:
        table.add_column(key)
    for zh, en in [
        ("状态", "status"),
        ("忙闲差", "balance"),
        ("调整幅度", "disruption"),
        ("帕累托", "Pareto"),
    ]:
        table.add_column(_say(lang, zh, en), overflow="fold")
    for i, p in enumerate(result.points, start=1):
        word = status_word(p.status, lang)
        reason = p.error_zh if lang == "zh" else p.error_en
        if reason:  # e.g. this variant's rules do not fit the data: say which, not just "error"
            word += _say(lang, f"：{_short(reason, 60)}", f": {_short(reason, 60)}")
        table.add_row(
            str(i),
            *[str(p.overrides.get(k, "")) for k in grid],
            Text(word),
            _num(p.balance),
            _num(p.disruption),
            "★" if p.pareto else "",
            style="bold" if p.pareto else None,
        )
    console.print(table)
    raise typer.Exit(
        _outcomes(
            result.batch,
            lang,
            console,
            f"表：{result.table_csv}  图：{result.plot_png}",
            f"Table: {result.table_csv}  Plot: {result.plot_png}",
        )
    )


@app.command()
def compare(
    plans: list[str] = typer.Argument(..., help="plan.json files, plan folders or run ids from the store."),
    reference: str | None = typer.Option(
        None, "--reference", help="The plan to compare against (default: the first)."
    ),
    csv_path: Path | None = typer.Option(None, "--csv", help="Also write the table as CSV to this file."),
    markdown: bool = typer.Option(False, "--markdown", help="Print the table as Markdown."),
    store: Path | None = typer.Option(None, "--store", help=STORE_HELP),
    lang: Lang = typer.Option(Lang.ZH, "--lang", help="Language of labels: zh or en."),
) -> None:
    """KPIs of several plans side by side, with changes against the reference."""
    from restructure.compare import (
        comparison_columns,
        comparison_csv,
        comparison_markdown,
        kpi_comparison,
        load_plans,
    )

    console = Console()
    refs = list(plans)
    if reference is not None and reference not in refs:
        refs.insert(0, reference)
    run_ids = [r for r in refs if not Path(r).exists() and r.removeprefix("#").isdigit()]
    unknown = [r for r in refs if not Path(r).exists() and r not in run_ids]
    if unknown:
        # a mistyped path is named as such, before any talk of a run store
        raise _fail(
            console,
            lang,
            f"找不到方案：{'、'.join(unknown)} 既不是 plan.json 文件或方案文件夹，也不是运行记录编号。",
            f"Plan not found: {', '.join(unknown)} is neither a plan.json, a plan folder nor a run id.",
        )
    run_store = _store_or_exit(store, lang, console) if run_ids else None
    missing = [r for r in run_ids if not run_store.has(int(r.removeprefix("#")))]
    if missing:
        raise _fail(
            console,
            lang,
            f"运行记录库 {run_store.path} 中没有编号为 {'、'.join(missing)} 的运行记录。",
            f"No run {', '.join(missing)} in the run store {run_store.path}.",
        )
    try:
        loaded = load_plans(refs, run_store)
    except FileNotFoundError as e:  # a file that vanished since the check above
        raise _fail(
            console, lang, f"找不到方案：{e.filename or e}", f"Plan not found: {e.filename or e}"
        ) from None
    except (ValueError, TypeError) as e:
        raise _fail(console, lang, f"不是有效的 plan.json：{e}", f"Not a valid plan.json: {e}") from None
    ref_index = refs.index(reference) if reference is not None else 0
    rows = kpi_comparison(loaded, ref_index, lang=lang.value)
    columns = comparison_columns(loaded, ref_index)
    if csv_path is not None:
        try:
            # like every --out: a missing folder is made, a failure is one line
            csv_path.parent.mkdir(parents=True, exist_ok=True)
            csv_path.write_text(comparison_csv(rows, columns), encoding="utf-8-sig")
        except OSError as e:
            console.print(Text(write_failure(csv_path, e, lang), style="bold red"))
            raise typer.Exit(1) from None
    # People read the table and the Markdown: statuses in their words (the CSV keeps the codes).
    shown = [
        r | {lp.label: status_word(r[lp.label], lang) for lp in loaded} if r["kpi"] == "status" else r
        for r in rows
    ]
    if markdown:
        typer.echo(comparison_markdown(shown, columns), nl=False)
        return
    reference_label = loaded[ref_index].label
    departments = sorted({lp.plan.department for lp in loaded})
    if len(departments) > 1:
        console.print(
            Text(
                _say(
                    lang,
                    f"注意：这些方案属于不同部门（{'、'.join(departments)}），差值只作参考。",
                    f"Note: these plans belong to different departments ({', '.join(departments)}); "
                    "the changes are only indicative.",
                ),
                style="yellow",
            )
        )
    table = Table(
        caption=_say(
            lang, f"Δ = 方案 − 参照方案「{reference_label}」", f"Δ = plan − the reference '{reference_label}'"
        )
    )
    for c in columns[1:]:
        head = _say(lang, "指标", "KPI") if c == "label" else c
        if c == reference_label:
            head += _say(lang, "（参照）", " (reference)")
        # long folder names fold onto more lines instead of all ending in the same "…"
        table.add_column(Text(head), justify="left" if c == "label" else "right", overflow="fold")
    for r in shown:
        table.add_row(*[Text(_num(r.get(c), 4)) for c in columns[1:]])
    console.print(table)


runs_app = typer.Typer(
    help="The run store: list, show, export and delete runs. / 运行记录。", no_args_is_help=True
)
app.add_typer(runs_app, name="runs")


@runs_app.command("list")
def runs_list(
    scenario: str | None = typer.Option(None, "--scenario", help="Only runs of this scenario name."),
    store: Path | None = typer.Option(None, "--store", help=STORE_HELP),
    lang: Lang = typer.Option(Lang.ZH, "--lang", help="Language of messages: zh or en."),
) -> None:
    """List stored runs."""
    console = Console()
    records = _store_or_exit(store, lang, console).list_runs(scenario)
    table = Table()
    for zh, en in [
        ("编号", "id"),
        ("时间", "created"),
        ("方案", "scenario"),
        ("状态", "status"),
        ("基本/动态", "basic/dynamic"),
        ("秒", "s"),
        ("标签", "label"),
    ]:
        # every cell folds rather than ending in "…" (sweep variants differ only at their ends);
        # a time is read whole
        table.add_column(_say(lang, zh, en), overflow="fold", no_wrap=en == "created")
    for r in records:
        table.add_row(
            str(r.id),
            r.created_at[:16].replace("T", " "),  # to the minute, as the app shows it
            Text(r.scenario),  # Text: a variant's "[key=value]" is no rich markup
            status_word(r.status, lang),
            f"{_num(r.kpis.get('sections_basic'))}/{_num(r.kpis.get('sections_dynamic'))}" if r.kpis else "",
            _num(r.seconds),
            Text(r.label),
        )
    console.print(table)


@runs_app.command("show")
def runs_show(
    run_id: int = typer.Argument(..., help="Run id."),
    store: Path | None = typer.Option(None, "--store", help=STORE_HELP),
    lang: Lang = typer.Option(Lang.ZH, "--lang", help="Language of messages: zh or en."),
) -> None:
    """Show one run: where it came from, its settings and KPIs."""
    from restructure.export.tables import kpi_label

    console = Console()
    try:
        rec = _store_or_exit(store, lang, console).get(run_id)
    except KeyError:
        raise _fail(console, lang, f"没有编号为 {run_id} 的运行记录。", f"No run {run_id}.") from None
    plan = rec.plan()
    table = Table(show_header=False, box=None, padding=(0, 2))
    table.add_column()
    table.add_column()
    for zh, en, value in [
        ("编号", "id", str(rec.id)),
        ("时间", "created", rec.created_at),
        ("方案", "scenario", rec.scenario),
        ("来源", "source", rec.source),
        ("状态", "status", status_word(rec.status, lang)),
        ("输入哈希", "input hash", rec.input_hash),
        ("设置", "settings", json.dumps(rec.settings, ensure_ascii=False)),
        ("秒", "seconds", _num(rec.seconds)),
        ("版本", "version", rec.tool_version),
        ("标签", "label", rec.label),
    ]:
        table.add_row(_say(lang, zh, en), Text(str(value)))  # Text: "[key=value]" is no markup
    for key, value in rec.kpis.items():
        table.add_row(kpi_label(key, lang.value), _num(value, 4))
    console.print(table)
    note = plan.explanation.note_zh if lang == Lang.ZH else plan.explanation.note_en
    if note:
        console.print(note)


@runs_app.command("export")
def runs_export(
    run_id: int = typer.Argument(..., help="Run id."),
    out: Path = typer.Option(..., "--out", help="Folder to write plan.json and run.json into."),
    store: Path | None = typer.Option(None, "--store", help=STORE_HELP),
    lang: Lang = typer.Option(Lang.ZH, "--lang", help="Language of messages: zh or en."),
) -> None:
    """Write a stored run's plan.json (and its metadata as run.json)."""
    console = Console()
    try:
        path = _store_or_exit(store, lang, console).export(run_id, out)
    except KeyError:
        raise _fail(console, lang, f"没有编号为 {run_id} 的运行记录。", f"No run {run_id}.") from None
    except OSError as e:  # e.g. --out names a file, not a folder
        console.print(Text(write_failure(out, e, lang), style="bold red"))
        raise typer.Exit(1) from None
    console.print(Text(_say(lang, f"已写入 {path}", f"Wrote {path}"), style="bold green"))


@runs_app.command("delete")
def runs_delete(
    run_id: int = typer.Argument(..., help="Run id."),
    store: Path | None = typer.Option(None, "--store", help=STORE_HELP),
    lang: Lang = typer.Option(Lang.ZH, "--lang", help="Language of messages: zh or en."),
) -> None:
    """Delete a stored run."""
    console = Console()
    if not _store_or_exit(store, lang, console).delete(run_id):
        raise _fail(console, lang, f"没有编号为 {run_id} 的运行记录。", f"No run {run_id}.")
    console.print(_say(lang, f"已删除运行记录 {run_id}。", f"Deleted run {run_id}."))


# ---------------------------------------------------------------------------------------
# Solving, benchmarking, simulating
# ---------------------------------------------------------------------------------------

EXIT_INFEASIBLE = 3
EXIT_NO_PLAN = 4
EXIT_REJECTED = 5


def _print_plan(scenario: Scenario, plan, report, lang: str, console: Console) -> None:
    from restructure.check import today_sections
    from restructure.export.tables import objective_notes, objective_rows
    from restructure.i18n import gap_text
    from restructure.terms import KPIS, RULES, STATUS

    zh = lang == "zh"
    dept = scenario.department
    s = plan.solver
    zh_parts = [
        f"结果：{STATUS[plan.status][0]}",
        f"目标值 {_num(s.objective)}",
        f"下界 {_num(s.bound)}",
        gap_text(s, "zh"),
        f"用时 {fixed(s.seconds, 1)} 秒（首个方案 {_num(s.first_solution_s, 2)} 秒）",
    ]
    en_parts = [
        f"result: {STATUS[plan.status][1]}",
        f"objective {_num(s.objective)}",
        f"bound {_num(s.bound)}",
        gap_text(s, "en"),
        f"{fixed(s.seconds, 1)} s (first plan at {_num(s.first_solution_s, 2)} s)",
    ]
    console.print(
        Text(
            _say(lang, "  ".join(p for p in zh_parts if p), "  ".join(p for p in en_parts if p)), style="bold"
        )
    )
    names = {p.id: (p.name or p.id) for p in dept.staff}
    today = Table(
        title=_say(lang, f"现有科室（{len(dept.sections)}个）", f"Today ({len(dept.sections)} sections)")
    )
    proposed = Table(
        title=_say(lang, f"方案科室（{len(plan.sections)}个）", f"Proposed ({len(plan.sections)} sections)")
    )
    for t in (today, proposed):
        for col in (
            ("科室", "section"),
            ("职责", "duties"),
            ("人数", "staff"),
            ("工作量", "FTE"),
            ("正/副职", "posts"),
            ("科长", "chief"),
        ):
            t.add_column(col[0] if zh else col[1], overflow="fold")
    for sec in today_sections(dept):
        today.add_row(
            Text(sec.name),
            str(len(sec.duties)),
            str(len(sec.staff)),
            fixed(sec.workload_fte, 1),
            f"{sec.chief_posts}/{sec.deputy_posts}",
            Text(names.get(sec.chief or "", "—")),
        )
    for sec in plan.sections:
        label_ = f"{sec.name}" + (_say(lang, "（动态）", " (dynamic)") if sec.kind.value == "dynamic" else "")
        label_ += (
            f" ← {'、'.join(dept.section(x).name for x in sec.successor_of)}" if sec.successor_of else ""
        )
        proposed.add_row(
            Text(label_),
            str(len(sec.duties)),
            str(len(sec.staff)),
            fixed(sec.workload_fte, 1),
            f"{sec.chief_posts}/{sec.deputy_posts}",
            Text(names.get(sec.chief or "", _say(lang, "空缺", "vacant"))),
        )
    console.print(today)
    console.print(proposed)
    kt = Table(title="KPI")
    for col in ((_say(lang, "指标", "KPI")), _say(lang, "现状", "today"), _say(lang, "方案", "proposed")):
        kt.add_column(col)
    for key, value in plan.kpis.items():
        kt.add_row(
            KPIS.get(key, (key, key))[0 if zh else 1],
            _kpi(key, plan.baseline_kpis.get(key)),
            _kpi(key, value),
        )
    console.print(kt)
    tt = Table(title=_say(lang, "目标分解", "Objective breakdown"))
    for col in (_say(lang, "目标", "goal"), _say(lang, "数量", "amount"), _say(lang, "计分", "points")):
        tt.add_column(col)
    for row in objective_rows(plan, lang):
        tt.add_row(row["label"], f"{_num(row['amount'])} {row['unit']}", _num(row["points"]))
    tt.add_row(_say(lang, "合计（目标值）", "total (objective)"), "", _num(sum(plan.terms.values())))
    console.print(tt)
    # below the table, a line each: as a caption rich wraps them to the table's width mid-word
    for note in objective_notes(plan, scenario, lang):
        console.print(Text(f"  {note}", style="dim"))
    binding = [f for f in report.findings if f.status == "binding"]
    if binding:
        console.print(Text(_say(lang, "起约束作用的规则：", "Binding rules:"), style="bold"))
        for f in binding:
            console.print(
                _bullet(f"{RULES.get(f.rule, (f.rule, f.rule))[0 if zh else 1]}: {f.zh if zh else f.en}")
            )
    verdict = report.ok
    console.print(
        Text(
            _say(
                lang,
                "独立校验：" + ("全部规则和指标核对无误" if verdict else "发现问题"),
                "Independent check: " + ("every rule and KPI confirmed" if verdict else "problems found"),
            ),
            style="green" if verdict else "bold red",
        )
    )


@app.command()
def solve(
    scenario_path: Path = typer.Argument(
        ..., metavar="SCENARIO", help="scenario .toml, data folder or .xlsx"
    ),
    out: Path | None = typer.Option(None, "--out", help="folder for plan.json and the CSV tables"),
    time_limit: float | None = typer.Option(None, "--time-limit", help="seconds (default: the scenario's)"),
    seed: int | None = typer.Option(None, "--seed"),
    workers: int | None = typer.Option(None, "--workers"),
    deterministic: bool | None = typer.Option(
        None, "--deterministic/--wall-time", help="reproducible: stop on deterministic time"
    ),
    hint: Path | None = typer.Option(None, "--hint", help="a previous plan.json to start from"),
    lang: Lang = typer.Option(Lang.ZH, "--lang"),
) -> None:
    """Propose a plan. Exit 0 with a plan, 3 infeasible (explained), 4 no plan within the time limit."""
    from restructure.check import check_plan
    from restructure.domain import Status
    from restructure.i18n import failure_texts
    from restructure.plan_io import remove_plan_files, write_plan
    from restructure.planning import hint_mismatch, rejected
    from restructure.planning import solve as solve_scenario

    console = Console()
    target = out or Path("out") / scenario_path.stem
    try:
        # Whatever this run ends with, an earlier run's plan must not read as its result.
        remove_plan_files(target)
    except OSError as e:
        raise _fail(console, lang, f"无法写入：{e}", f"Cannot write: {e}") from None
    overrides = solver_overrides(time_limit, seed, workers, deterministic)
    scenario = _scenario_or_exit(scenario_path, lang, console, overrides)
    previous = _plan_or_exit(hint, lang, console) if hint else None
    mismatch = hint_mismatch(scenario, previous) if previous is not None and previous.has_plan else None
    if mismatch is not None:
        raise _fail(console, lang, f"{hint}：{mismatch[0]}", f"{hint}: {mismatch[1]}")
    plan = solve_scenario(scenario, hint=previous)
    report = check_plan(scenario, plan) if plan.has_plan else None
    if report is not None and not report.ok:
        plan = rejected(plan, report)
    try:
        write_plan(plan, scenario.department, target)
    except OSError as e:
        raise _fail(console, lang, f"无法写入：{e}", f"Cannot write: {e}") from None
    if plan.has_plan:
        _print_plan(scenario, plan, report, lang, console)
        console.print(Text(_say(lang, f"方案已写入 {target}", f"plan written to {target}")))
        return
    texts = failure_texts(plan)
    for i, language in enumerate((lang.value, "en" if lang == Lang.ZH else "zh")):
        lines = texts[language]
        if i:
            console.print()
        console.print(Text(lines[0], style="bold red"))
        for line in lines[1:]:
            _print_line(console, line)
    where = target / "plan.json"
    console.print(
        Text(
            _say(
                lang,
                f"结果和原因已写入 {where}（无方案）",
                f"outcome and reason written to {where} (no plan)",
            )
        )
    )
    if plan.status is Status.INFEASIBLE:
        raise typer.Exit(EXIT_INFEASIBLE)
    raise typer.Exit(EXIT_NO_PLAN if plan.status is Status.UNKNOWN else EXIT_REJECTED)


@app.command()
def bench(
    out: Path = typer.Option(Path("bench-results"), "--out", help="folder for bench.md and bench.json"),
    quick: bool = typer.Option(False, "--quick", help="shorter limits (20 s for the largest)"),
    scenarios_dir: Path = typer.Option(Path("scenarios"), "--scenarios", help="bundled scenarios to include"),
    rivals: bool = typer.Option(True, "--rivals/--no-rivals", help="also run the naive model and HiGHS"),
    seed: list[int] = typer.Option(
        [0],
        "--seed",
        min=0,
        help="random seed of every solve; repeat it (--seed 0 --seed 1) to run each seed",
    ),
) -> None:
    """Time the planner on generated departments and the bundled scenarios, against rivals,
    and check the speed targets on each seed's runs."""
    from restructure.bench.run import run_bench

    md = run_bench(
        out, quick=quick, scenarios_dir=scenarios_dir, rivals=rivals, seeds=tuple(dict.fromkeys(seed))
    )
    Console().print(md.read_text(encoding="utf-8"))


@app.command()
def simulate(
    path: Path = typer.Argument(
        ..., metavar="PLAN_OR_SCENARIO", help="scenario .toml (today), or with --plan"
    ),
    plan: Path | None = typer.Option(None, "--plan", help="plan.json to simulate beside today's structure"),
    draws: int = typer.Option(10_000, "--draws", min=100, max=1_000_000),
    # the draws' seed, not a solver setting; numpy refuses a negative one with a traceback
    seed: int = typer.Option(0, "--seed", min=0, max=2**32 - 1),
    out: Path | None = typer.Option(None, "--out", help="folder for tables and plot images"),
    lang: Lang = typer.Option(Lang.ZH, "--lang"),
    robust: float | None = typer.Option(
        None,
        "--robust",
        min=0.0,
        max=1.0,
        help="also solve a robust plan (loads this share of the way to their high estimates) and compare",
    ),
    time_limit: float | None = typer.Option(
        None, "--time-limit", help="solver seconds for --robust (only with --robust)"
    ),
) -> None:
    """Workload uncertainty, process handoffs and dynamic sections over time."""
    from restructure.simulate.cli import simulate_command

    if time_limit is not None and robust is None:
        # Without --robust nothing is solved: a limit taken and ignored would mislead.
        raise _fail(
            Console(),
            lang.value,
            "--time-limit 只用于 --robust（求解稳健方案）；不求解时请去掉它。",
            "--time-limit applies only with --robust (which solves plans); drop it, or add --robust.",
        )
    _overrides_or_exit(solver_overrides(time_limit), lang.value, Console())
    code = simulate_command(str(path), draws, seed, out, lang.value, str(plan) if plan else None)
    if code != 0 or robust is None:
        raise typer.Exit(code)
    from restructure.robust import compare_robust

    console = Console()
    scenario = _scenario_or_exit(path, lang.value, console, solver_overrides(time_limit))
    comparison = compare_robust(scenario, robust, draws=draws, seed=seed)

    # --robust is a share of the way from each estimate to its high estimate, not a markup
    share = significant(robust * 100, 3)
    table = Table(
        title=_say(
            lang.value,
            f"稳健方案（工作量按估计值向高估值上浮{share}%，即取两者之间{share}%处）与点估计方案",
            f"Robust plan (workload taken {share}% of the way from the estimates toward the high "
            "estimates) vs point-estimate plan",
        )
    )
    names = {"point": ("点估计方案", "point-estimate plan"), "robust": ("稳健方案", "robust plan")}
    percent = {"p_any_section_over", "worst_section_p_over"}
    heads = {
        "plan": ("方案", "plan"),
        "status": ("状态", "status"),
        "p_any_section_over": ("任一科室超限概率", "P(any section over)"),
        "worst_section_p_over": ("最高单科超限概率", "worst section P(over)"),
        "max_load_ratio": ("最高人均工作量比", "max load ratio"),
        "duties_moved": ("调整职责", "duties moved"),
        "staff_moved": ("调整人员", "staff moved"),
        "objective": ("目标值", "objective"),
    }
    for key, (zh, en) in heads.items():
        # words wrap whole; numbers are short and keep their width
        table.add_column(
            zh if lang.value == "zh" else en, overflow="fold" if key in ("plan", "status") else "ellipsis"
        )
    i = 0 if lang == Lang.ZH else 1
    for row in comparison.rows():
        cells = {k: _num(row[k]) for k in heads}
        cells["plan"] = names[row["plan"]][i]
        cells["status"] = status_word(row["status"], lang)
        for k in percent:  # like the rest of the simulation's output
            cells[k] = "" if row[k] is None else f"{row[k]:.1%}"
        table.add_row(*(Text(cells[k]) for k in heads))
    console.print(table)
