"""Sweeps: the override grid, the Pareto front of balance against disruption, table and plot."""

from __future__ import annotations

from pathlib import Path

import pytest

from restructure.plan_io import read_plan
from restructure.store import RunStore
from restructure.sweep import grid_overrides, pareto_flags, parse_vary, run_sweep, variant_name

FIXTURE = Path(__file__).parent / "fixtures" / "plan_fixture"


def test_vary_specs_parse_into_a_grid():
    grid = parse_vary(
        ["rules.max_basic_sections=3,4", "objective.disruption=0,2.5", "rules.separate_stages=true"]
    )
    assert grid == {
        "rules.max_basic_sections": [3, 4],
        "objective.disruption": [0, 2.5],
        "rules.separate_stages": [True],
    }
    combos = grid_overrides(grid)
    assert len(combos) == 4
    assert combos[1] == {
        "rules.max_basic_sections": 3,
        "objective.disruption": 2.5,
        "rules.separate_stages": True,
    }
    assert variant_name("mr", combos[1]) == "mr__max_basic_sections-3__disruption-2.5__separate_stages-True"
    for bad in ["max_basic_sections=3", "rules.max_basic_sections", "rules.x="]:
        with pytest.raises(ValueError, match="--vary"):
            parse_vary([bad])


def test_pareto_flags_mark_the_non_dominated():
    points = [(0.2, 10), (0.1, 12), (0.3, 8), (0.25, 10), (0.1, 12), None, (0.4, 30)]
    assert pareto_flags(points) == [True, True, True, False, True, False, False]


def test_sweep_runs_the_grid_and_marks_the_front(tmp_path):
    scenario = tmp_path / "fixture.toml"
    scenario.write_text(f'name = "示例"\ndata = "{FIXTURE.as_posix()}"\n', encoding="utf-8")
    vary = parse_vary(["rules.max_basic_sections=3,4", "objective.disruption=0,5"])
    result = run_sweep(scenario, vary, tmp_path / "out", workers=2, time_limit_s=0.5)
    assert len(result.points) == 4 and result.batch.failed == 0
    for p in result.points:
        plan = read_plan(tmp_path / "out" / p.name / "plan.json")
        assert plan.kpis["sections_basic"] <= p.overrides["rules.max_basic_sections"]
        assert p.balance == pytest.approx(plan.kpis["max_load_ratio"] - plan.kpis["min_load_ratio"])
        assert p.disruption == plan.kpis["duties_moved"] + plan.kpis["staff_moved"]
    assert result.front
    expected = pareto_flags([(p.balance, p.disruption) for p in result.points])
    assert [p.pareto for p in result.points] == expected
    lines = result.table_csv.read_bytes().decode("utf-8-sig").splitlines()
    assert (
        lines[0]
        == "no,variant,rules.max_basic_sections,objective.disruption,status,balance,disruption,pareto,run_id"
    )
    assert sum(line.split(",")[7] == "true" for line in lines[1:]) == len(result.front)
    assert result.plot_png is not None and result.plot_png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # the store tells the variants apart by scenario name, not only by label
    runs = RunStore(tmp_path / "out" / "runs.sqlite").list_runs()
    assert {r.label for r in runs} == {f"sweep:{p.name}" for p in result.points}
    names = {r.scenario for r in runs}
    assert names == {
        f"示例 [rules.max_basic_sections={n}; objective.disruption={d}]" for n in (3, 4) for d in (0, 5)
    }


def test_sweep_command_refuses_a_bad_grid(tmp_path):
    from typer.testing import CliRunner

    from restructure.cli import app

    result = CliRunner().invoke(
        app,
        ["sweep", str(FIXTURE), "--vary", "max_basic_sections=3,4", "--out", str(tmp_path), "--lang", "en"],
    )
    assert result.exit_code == 1 and "--vary" in result.output
    assert not list(tmp_path.iterdir())


def test_sweep_command_checks_every_key_before_solving(tmp_path):
    from typer.testing import CliRunner

    from restructure.cli import app

    out = tmp_path / "out"
    args = ["sweep", str(FIXTURE), "--vary", "rules.max_basic_secions=3,4", "--out", str(out)]
    result = CliRunner(env={"COLUMNS": "250"}).invoke(app, args)
    assert result.exit_code == 1, result.output
    assert "是否想写 max_basic_sections" in result.output and "--vary" in result.output
    assert not out.exists()  # nothing solved
    wrong = CliRunner().invoke(app, ["sweep", str(FIXTURE), "--vary", "rules.x", "--out", str(out)])
    assert wrong.exit_code == 1 and "应写作" in wrong.output and "needs" not in wrong.output


def test_sweep_shows_why_a_variant_has_no_result(tmp_path):
    from typer.testing import CliRunner

    from restructure.cli import app

    args = ["sweep", str(FIXTURE), "--vary", "rules.max_section_staff=2,30", "--out", str(tmp_path)]
    args += ["--time-limit", "0.5"]
    runner = CliRunner(env={"COLUMNS": "250"})
    result = runner.invoke(app, args)
    assert result.exit_code == 1, result.output
    assert "出错：" in result.output and "小于 min_section_staff" in result.output
    english = runner.invoke(app, [*args, "--lang", "en"])
    assert "error: " in english.output and "is below min_section_staff" in english.output


def test_sweep_exits_like_batch_and_says_what_it_reused(tmp_path):
    from typer.testing import CliRunner

    from restructure.cli import app

    five = Path(__file__).parent / "fixtures" / "science_five_stages" / "scenario.toml"
    args = ["sweep", str(five), "--vary", "rules.keep_section_count=true,false", "--out", str(tmp_path)]
    args += ["--time-limit", "1", "--lang", "en"]
    runner = CliRunner(env={"COLUMNS": "250"})
    first = runner.invoke(app, args)
    assert first.exit_code == 3, first.output  # one variant infeasible: as batch and solve say
    assert "Plan 1, infeasible 1" in first.output and "(solved 2, resumed 0)" in first.output
    again = runner.invoke(app, args)
    assert again.exit_code == 3 and "(solved 0, resumed 2)" in again.output
