"""Robust balance: enforced by the model, re-checked by the validator, and worth it in the
simulation (the same seeded draws for both plans)."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from restructure.check import check_plan
from restructure.cli import app
from restructure.robust import compare_robust
from restructure.scenario import load_scenario

SCIENCE = Path(__file__).resolve().parents[1] / "scenarios" / "science_bureau.toml"
FAST = {"solver.time_limit_s": 3, "solver.deterministic": True, "solver.workers": 1}


def test_robust_plan_keeps_the_rule_and_lowers_overload_risk():
    sc = load_scenario(SCIENCE, FAST)
    c = compare_robust(sc, 0.35, draws=4000, seed=1)
    robust_sc = load_scenario(SCIENCE, {**FAST, "rules.robust_margin": 0.35})
    assert c.robust.has_plan, c.robust.explanation.note_en
    report = check_plan(robust_sc, c.robust)
    assert report.ok, report.violations
    assert any(f.rule == "robust_load" and f.status != "violated" for f in report.findings)
    # the robust plan is no riskier than the point plan on the same draws
    assert c.robust_risk.p_any_over <= c.point_risk.p_any_over + 1e-9
    rows = {r["plan"]: r for r in c.rows()}
    assert set(rows) == {"point", "robust"}


def test_validator_flags_a_point_plan_that_is_not_robust():
    sc = load_scenario(SCIENCE, FAST)
    c = compare_robust(sc, 1.0, draws=1000, seed=0)
    strict = load_scenario(SCIENCE, {**FAST, "rules.robust_margin": 1.0})
    finding = next(f for f in check_plan(strict, c.point).findings if f.rule == "robust_load")
    robust_finding = (
        next(f for f in check_plan(strict, c.robust).findings if f.rule == "robust_load")
        if c.robust.has_plan
        else None
    )
    assert finding.status in ("met", "binding", "violated")
    if robust_finding is not None:
        assert robust_finding.status != "violated"


def test_cli_simulate_robust(tmp_path):
    result = CliRunner(env={"COLUMNS": "200"}).invoke(
        app,
        [
            "simulate",
            str(SCIENCE),
            "--draws",
            "500",
            "--robust",
            "0.3",
            "--time-limit",
            "2",
            "--lang",
            "en",
            "--out",
            str(tmp_path),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "Robust plan" in result.output and "P(any section over)" in result.output


def test_cli_simulate_robust_says_what_the_margin_means_in_the_chosen_language():
    result = CliRunner(env={"COLUMNS": "250"}).invoke(
        app, ["simulate", str(SCIENCE), "--draws", "200", "--robust", "0.5", "--time-limit", "1"]
    )
    assert result.exit_code == 0, result.output
    assert "工作量上浮50%" not in result.output and "向高估值上浮50%" in result.output
    table = result.output[result.output.index("稳健方案（") :]
    assert "点估计方案" in table and "point" not in table and "robust" not in table
    assert not any(word in table for word in ("optimal", "feasible", "unknown"))
    row = next(line for line in table.splitlines() if line.startswith("│ 点估计方案"))
    assert "%" in row  # probabilities as percentages


def test_cli_simulate_refuses_a_time_limit_without_robust_and_a_file_as_out(tmp_path):
    runner = CliRunner(env={"COLUMNS": "200"})
    alone = runner.invoke(app, ["simulate", str(SCIENCE), "--draws", "100", "--time-limit", "1"])
    assert alone.exit_code == 1 and "--robust" in alone.output
    taken = tmp_path / "taken.csv"
    taken.write_text("x", encoding="utf-8")
    result = runner.invoke(app, ["simulate", str(SCIENCE), "--draws", "100", "--out", str(taken)])
    assert result.exit_code == 1 and "已有的文件" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
