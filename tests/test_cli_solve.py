"""`restructure solve` on the command line: what is left on disk after each outcome, options
checked like scenario values, explanations in both languages."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from typer.testing import CliRunner

from restructure import check, planning
from restructure.check import CheckReport
from restructure.cli import app
from restructure.domain import Explanation, Finding, Plan, SolverInfo, Status
from restructure.io.schema import parse_bool
from restructure.plan_io import PLAN_FILES, read_plan
from restructure.planning import no_plan_note

ROOT = Path(__file__).resolve().parents[1]
SCIENCE = ROOT / "scenarios" / "science_bureau.toml"
FIVE_STAGES = Path(__file__).parent / "fixtures" / "science_five_stages" / "scenario.toml"
FIXTURE = Path(__file__).parent / "fixtures" / "small"
FAST = ["--time-limit", "2", "--deterministic", "--workers", "1"]

runner = CliRunner()


def _solve(*args: str):
    return runner.invoke(app, ["solve", *args])


@pytest.fixture(scope="module")
def solved(tmp_path_factory) -> Path:
    """A folder holding a checked plan of the science bureau, and a note of the planner's."""
    out = tmp_path_factory.mktemp("solved")
    result = _solve(str(SCIENCE), "--out", str(out), *FAST)
    assert result.exit_code == 0, result.output
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    return out


def _copy(folder: Path, into: Path) -> Path:
    into.mkdir()
    for p in folder.iterdir():
        (into / p.name).write_bytes(p.read_bytes())
    return into


def test_infeasible_run_leaves_no_plan_of_an_earlier_run(solved, tmp_path):
    out = _copy(solved, tmp_path / "out")
    assert {p.name for p in out.iterdir()} == {*PLAN_FILES, "notes.txt"}
    result = _solve(str(FIVE_STAGES), "--out", str(out), *FAST)
    assert result.exit_code == 3, result.output
    # only plan.json, with the verdict and its reason; the planner's own file stays
    assert {p.name for p in out.iterdir()} == {"plan.json", "notes.txt"}
    plan = read_plan(out)
    assert plan.status is Status.INFEASIBLE and plan.explanation.conflicts
    assert "方案已写入" not in result.output


def test_infeasible_explanation_in_both_languages_primary_first(tmp_path):
    zh = _solve(str(FIVE_STAGES), "--out", str(tmp_path / "zh"), *FAST)
    en = _solve(str(FIVE_STAGES), "--out", str(tmp_path / "en"), *FAST, "--lang", "en")
    for result in (zh, en):
        assert result.exit_code == 3, result.output
        text = " ".join(result.output.split())  # rich wraps long lines
        for words in (
            "结果：无可行方案",
            "保持内设机构个数不变",
            "已由独立的重新求解确认",
            "且为最小冲突",
            "result: infeasible",
            "keeping the section count",
            "Confirmed by an independent re-solve",
            "minimal: without any one of them",
        ):
            assert words in text, words
    assert zh.output.index("结果：无可行方案") < zh.output.index("result: infeasible")
    assert en.output.index("result: infeasible") < en.output.index("结果：无可行方案")
    # each rule in conflict starts on its bullet's line, however long its sentence
    bullets = [line for line in zh.output.splitlines() if line.startswith("  · ")]
    assert len(bullets) == 4 and all(line[4:].strip() for line in bullets), zh.output
    assert "  · 链条「科技项目管理」有5个环节" in zh.output


def _no_plan(status: Status, seconds: float):
    def fake_solve(scenario, **_):
        zh, en = no_plan_note(3.0, seconds, 0.0)
        return Plan(
            scenario=scenario.name,
            department=scenario.department.name,
            status=status,
            sections=(),
            kpis={},
            baseline_kpis={},
            explanation=Explanation(note_zh=zh, note_en=en),
            solver=SolverInfo(status, seconds=seconds),
        )

    return fake_solve


def test_time_out_run_leaves_no_plan_and_says_when_it_stopped(solved, tmp_path, monkeypatch):
    out = _copy(solved, tmp_path / "out")
    monkeypatch.setattr(planning, "solve", _no_plan(Status.UNKNOWN, 0.6))
    result = _solve(str(SCIENCE), "--out", str(out))
    assert result.exit_code == 4, result.output
    assert {p.name for p in out.iterdir()} == {"plan.json", "notes.txt"}
    assert read_plan(out).status is Status.UNKNOWN
    text = " ".join(result.output.split())
    assert "求解器用时0.6秒即停止" in text and "The solver stopped after 0.6 s" in text
    assert "在3秒内" not in text


def test_plan_the_check_rejects_is_not_written_as_a_result(solved, tmp_path, monkeypatch):
    out = _copy(solved, tmp_path / "out")
    real = check.check_plan

    def rejecting(scenario, plan):
        report = real(scenario, plan)
        broken = Finding(
            rule="max_basic_sections", instance="", status="violated", zh="科室过多", en="too many"
        )
        return CheckReport(findings=(*report.findings, broken), kpis=report.kpis, terms=report.terms)

    monkeypatch.setattr(check, "check_plan", rejecting)
    result = _solve(str(SCIENCE), "--out", str(out), *FAST, "--lang", "en")
    assert result.exit_code == 5, result.output
    assert {p.name for p in out.iterdir()} == {"plan.json", "notes.txt"}
    plan = read_plan(out)
    assert plan.status is Status.INVALID and not plan.sections
    assert "too many" in plan.explanation.note_en and "科室过多" in plan.explanation.note_zh
    assert "plan written to" not in result.output
    assert "rejected by the independent check" in result.output


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--time-limit", "-1", "solver.time_limit_s 超出范围：应 > 0"),
        ("--time-limit", "0", "solver.time_limit_s 超出范围：应 > 0"),
        ("--time-limit", "nan", "solver.time_limit_s 应为数字"),
        ("--seed", "-1", "solver.seed 超出范围：应 ≥ 0"),
        ("--workers", "0", "solver.workers 超出范围：应 ≥ 1"),
        ("--workers", "-3", "solver.workers 超出范围：应 ≥ 1"),
    ],
)
def test_solver_options_are_checked_like_the_scenario_file(tmp_path, option, value, message):
    result = runner.invoke(
        app, ["solve", str(SCIENCE), "--out", str(tmp_path), option, value], env={"COLUMNS": "250"}
    )
    assert result.exit_code == 1, result.output
    assert message in result.output and "Traceback" not in result.output
    assert not (tmp_path / "plan.json").exists()


@pytest.mark.parametrize(
    "args",
    [
        ["batch", str(FIXTURE), "--out", "{out}", "--time-limit", "-1"],
        [
            "sweep",
            str(SCIENCE),
            "--vary",
            "rules.max_basic_sections=3,4",
            "--out",
            "{out}",
            "--time-limit",
            "0",
        ],
        ["simulate", str(SCIENCE), "--robust", "0.5", "--time-limit", "nan", "--draws", "100"],
    ],
    ids=["batch", "sweep", "simulate"],
)
def test_time_limit_of_other_commands_is_checked_before_any_work(tmp_path, args):
    out = tmp_path / "out"
    result = runner.invoke(app, [a.replace("{out}", str(out)) for a in args], env={"COLUMNS": "250"})
    assert result.exit_code == 1, result.output
    assert "solver.time_limit_s" in result.output and "Traceback" not in result.output
    assert not out.exists()


def test_simulation_seed_is_checked_too():
    result = runner.invoke(app, ["simulate", str(SCIENCE), "--seed", "-1", "--draws", "100"])
    assert result.exit_code == 2 and "--seed" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_no_plan_note_states_the_seconds_spent_when_well_below_the_limit():
    zh, en = no_plan_note(3, 0.6, 0.0)
    assert "0.6秒" in zh and "时限3秒" in zh and "after 0.6 s" in en and "time limit 3 s" in en
    zh, en = no_plan_note(3, 2.95, None)
    assert zh.startswith("在3秒内未找到方案") and en.startswith("No plan within 3 s")
    # a deterministic limit is not clock time: the wall seconds say nothing about why it stopped
    zh, en = no_plan_note(3, 0.6, None, deterministic=True)
    assert zh.startswith("在3秒内") and en.startswith("No plan within 3 s")


def test_plan_csv_booleans_read_back_as_the_loader_reads_them(solved):
    for name, columns in (("duties", ("moved",)), ("staff", ("moved", "post_changed"))):
        with (solved / f"{name}.csv").open(encoding="utf-8-sig", newline="") as f:
            rows = list(csv.DictReader(f))
        for column in columns:
            values = {r[column] for r in rows}
            assert values <= {"true", "false"} and values, (name, column, values)
            assert all(parse_bool(v) == (v == "true") for v in values)


def test_the_planners_own_columns_are_carried_into_the_plans_duty_table(tmp_path):
    # tests/fixtures/small/duties.csv has a 备注 column, with text (and quotes) on D004 and D007
    import csv

    out = tmp_path / "plan"
    result = _solve(str(FIXTURE), "--out", str(out), *FAST)
    assert result.exit_code == 0, result.output
    with (out / "duties.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = {r["id"]: r for r in csv.DictReader(fh)}
    assert rows["D004"]["备注"] == "依据三定规定"
    assert rows["D007"]["备注"] == '含"双随机"抽查'
    assert rows["D001"]["备注"] == ""


def test_objective_notes_print_whole_below_the_breakdown(tmp_path):
    # as the table's caption they were wrapped to its width mid-word (超出的每人计入“科 / 室规模适度”)
    result = _solve(str(SCIENCE), "--out", str(tmp_path / "out"), *FAST)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    (note,) = [line for line in lines if "科室规模上限" in line and "│" not in line]
    assert note.strip().endswith("超出的每人计入“科室规模适度”")
    assert lines.index(note) > next(i for i, line in enumerate(lines) if "合计（目标值）" in line)


def test_a_plan_no_plan_without_a_new_section_beats_is_reported_so(tmp_path, monkeypatch):
    """The bound search proved the plans without a new section apart and none beats the plan,
    while plans with one stay open: plan.json keeps that bound, and the result line says it."""
    real = planning.search

    def settled_without_new_sections(*args, **kwargs):
        raw = real(*args, **kwargs)
        raw.status, raw.bound = Status.FEASIBLE, raw.objective - 3
        raw.case_bounds = {"kept": raw.objective + 1, "new": raw.objective - 3}
        return raw

    monkeypatch.setattr(planning, "search", settled_without_new_sections)
    result = _solve(str(SCIENCE), "--out", str(tmp_path), *FAST)
    assert result.exit_code == 0, result.output
    info = read_plan(tmp_path).solver
    assert info.status is Status.FEASIBLE and info.bound == pytest.approx(info.objective - 3)
    assert info.bound_without_new_sections == pytest.approx(info.objective)  # at most the plan
    text = "".join(result.output.split())
    assert "已证明不新设科室的方案都不优于本方案；新设科室的方案至多还可改善3分" in text
