"""``restructure simulate``: the command function (the Typer app registers it)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pandas as pd
from rich.console import Console
from rich.table import Table
from rich.text import Text

from restructure.domain import Plan, Scenario
from restructure.errors import InputError
from restructure.plan_io import write_csv_rows
from restructure.planning import plan_of_other_data
from restructure.simulate.plots import write_plots
from restructure.simulate.report import HEADERS, SimulationReport, label, open_sections, simulate
from restructure.simulate.workload import WorkloadReport

PERCENT_COLUMNS = {"p_over", "p_under"}
MESSAGES = {
    "needs_scenario": (
        "plan.json 需要与其方案文件一起使用:restructure simulate 方案.toml --plan plan.json",
        "a plan.json needs its scenario: restructure simulate scenario.toml --plan plan.json",
    ),
    "not_found": ("找不到文件:{path}", "file not found: {path}"),
    "input_error": ("输入有 {n} 处问题:", "{n} problem(s) in the input:"),
    "bad_plan": ("无法读取 plan.json:{err}", "cannot read plan.json: {err}"),
    "header": (
        "{scenario}:{draws} 次抽样,随机种子 {seed},缺勤率 {absence:.0%},负荷容许偏差 ±{tol:.0%}",
        "{scenario}: {draws} draws, seed {seed}, absence rate {absence:.0%}, load tolerance ±{tol:.0%}",
    ),
    "any_over": (
        "{which}:至少一个科室超负荷（超出容许上限）的概率 {p:.1%}",
        "{which}: probability that at least one section is over the tolerance {p:.1%}",
    ),
    "posts_ok": (
        "领导职数:每月在用不超过核定的 {quota} 个(最多 {used} 个)",
        "leadership posts: never above the quota of {quota} (at most {used} in use)",
    ),
    "written": ("已写出:{path}", "written: {path}"),
    "out_not_folder": (
        "--out 应为文件夹,但 {path} 是一个已有的文件",
        "--out must be a folder, but {path} is an existing file",
    ),
    "cannot_write": ("无法写入 {path}:{reason}", "cannot write {path}: {reason}"),
}


def _msg(key: str, lang: str, **kw: Any) -> str:
    zh, en = MESSAGES[key]
    return (zh if lang == "zh" else en).format(**kw)


def _load_scenario(path: str) -> Scenario:
    from restructure.scenario import load_scenario  # written alongside; imported when the command runs

    return load_scenario(path)


def _read_plan(path: str) -> Plan:
    from restructure.plan_io import read_plan

    return read_plan(path)


def _cell(column: str, value: Any) -> str:
    if isinstance(value, float):
        if math.isnan(value):
            return "—"
        if column in PERCENT_COLUMNS:
            return f"{value:.1%}"
        return f"{value:.2f}"
    return str(value)


def _rich_table(title: str, frame: pd.DataFrame, lang: str) -> Table:
    i = 0 if lang == "zh" else 1
    table = Table(title=title, show_lines=False)
    cells = [
        [_cell(col, v) for col, v in zip(frame.columns, row, strict=True)]
        for row in frame.itertuples(index=False)
    ]
    for k, col in enumerate(frame.columns):
        # Values keep their width (numbers never break); headers and long text wrap.
        widest = max((len(r[k]) for r in cells), default=1)
        table.add_column(
            HEADERS[col][i] if col in HEADERS else col,
            overflow="fold",
            min_width=min(widest, 12) if col in WRAPPING_COLUMNS else widest,
        )
    for r in cells:
        table.add_row(*r)
    return table


BRIEF_COLUMNS = ["section", "name", "point_ratio", "p5", "p50", "p95", "p_over", "p_under", "drivers"]
WRAPPING_COLUMNS = {"name", "drivers", "process", "overloaded", "dynamic_open"}


def _workload_brief(w: WorkloadReport) -> pd.DataFrame:
    """The workload table narrowed for a terminal: drivers as duty ids with their variance share."""
    frame = w.to_frame()[BRIEF_COLUMNS].copy()
    frame["drivers"] = [
        " ".join(f"{d.duty_id}:{d.variance_share:.0%}" for d in s.drivers) for s in w.sections
    ]
    return frame


def _raw_tables(report: SimulationReport, lang: str) -> dict[str, pd.DataFrame]:
    """Like SimulationReport.tables but keyed columns, for formatting before the headers go on."""
    from restructure.simulate.processes import processes_frame

    out = {"workload_today": _workload_brief(report.today)}
    if report.plan is not None:
        out["workload_plan"] = _workload_brief(report.plan)
    if report.processes:
        frame = processes_frame(report.processes)
        frame["structure"] = frame["structure"].map(lambda s: label(s, lang))
        out["processes"] = frame
    tl = report.timeline.to_frame()
    # The monthly table only changes when a dynamic section opens or closes: print those months.
    changed = tl["dynamic_open"].ne(tl["dynamic_open"].shift()) | tl["posts_used"].gt(tl["quota"])
    out["timeline"] = open_sections(tl[changed].reset_index(drop=True), lang)
    if any(span.returns for span in report.timeline.spans):
        out["returns"] = report.timeline.returns_frame(lang)
    return out


def print_report(report: SimulationReport, lang: str = "zh", console: Console | None = None) -> None:
    """The report as rich tables and a few sentences."""
    con = console or Console()
    con.print(
        _msg(
            "header",
            lang,
            scenario=report.scenario,
            draws=report.draws,
            seed=report.seed,
            absence=report.absence_rate,
            tol=report.tolerance,
        )
    )
    for name, frame in _raw_tables(report, lang).items():
        con.print(_rich_table(label(name, lang), frame, lang))
    for note in report.overload_notes(lang):
        con.print(Text(note, style="yellow"))
    for which, w in (("today", report.today), ("plan", report.plan)):
        if w is not None:
            con.print(_msg("any_over", lang, which=label(which, lang), p=w.p_any_over))
    tl = report.timeline
    if tl.ok:
        con.print(_msg("posts_ok", lang, quota=tl.quota, used=tl.max_posts_used))
    for v in tl.violations:
        con.print(f"[bold red]{v.zh if lang == 'zh' else v.en}[/]")
    for zh, en in tl.notes:
        con.print(zh if lang == "zh" else en)


def write_tables(report: SimulationReport, out_dir: Path, lang: str = "zh") -> list[Path]:
    """The report's tables as CSV (UTF-8 with BOM, formula-like text neutralised)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, frame in report.tables(lang).items():
        path = out_dir / f"simulation_{name}.csv"
        rows = [
            {k: ("" if isinstance(v, float) and math.isnan(v) else v) for k, v in r.items()}
            for r in frame.to_dict(orient="records")
        ]
        write_csv_rows(path, rows, columns=[str(c) for c in frame.columns])
        paths.append(path)
    return paths


def simulate_command(
    path: str,
    draws: int,
    seed: int,
    out: Path | None,
    lang: str,
    plan: str | None = None,
    *,
    console: Console | None = None,
) -> int:
    """Simulate a scenario's structure today and, with ``plan``, under the plan.json.

    Exit codes: 0 done, 1 the input could not be used, 2 a plan.json given without its scenario.
    """
    con = console or Console()
    lang = "en" if lang == "en" else "zh"
    if path.lower().endswith(".json"):
        con.print(f"[red]{_msg('needs_scenario', lang)}[/]")
        return 2
    for p in (path, plan):
        if p is not None and not Path(p).exists():
            con.print(f"[red]{_msg('not_found', lang, path=p)}[/]")
            return 1
    if out is not None and Path(out).exists() and not Path(out).is_dir():
        # said before the draws, not after them as a traceback
        con.print(Text(_msg("out_not_folder", lang, path=out), style="red"))
        return 1
    try:
        the_plan = _read_plan(plan) if plan is not None else None
    except (ValueError, KeyError, TypeError) as err:  # not JSON, or not a plan's JSON
        con.print(f"[red]{_msg('bad_plan', lang, err=err)}[/]")
        return 1
    try:
        scenario = _load_scenario(path)
        other = plan_of_other_data(scenario, the_plan) if the_plan is not None else None
        if other is not None:  # another department's sections with these duties would be nonsense
            con.print(Text(f"{plan}: {other[0] if lang == 'zh' else other[1]}", style="red"))
            return 1
        report = simulate(scenario, the_plan, draws=draws, seed=seed)
    except InputError as err:
        con.print(f"[red]{_msg('input_error', lang, n=len(err.problems))}[/]")
        for pr in err.problems:
            con.print(f"  {pr.where()}: {pr.zh if lang == 'zh' else pr.en}")
        return 1
    print_report(report, lang, con)
    if out is not None:
        try:
            written = write_plots(report, out) + write_tables(report, Path(out), lang)
        except OSError as err:
            reason = err.strerror or str(err)
            con.print(Text(_msg("cannot_write", lang, path=out, reason=reason), style="red"))
            return 1
        for w in written:
            con.print(_msg("written", lang, path=w))
    return 0
