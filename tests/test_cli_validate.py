"""`restructure validate`: summaries for valid input, a problem table otherwise, never a traceback."""

from __future__ import annotations

import json

from conftest import FIXTURES, SMALL
from typer.testing import CliRunner

from restructure.cli import app

SIX = FIXTURES / "six_faults"
BASE = FIXTURES / "scenarios" / "base.toml"


def run(*args: str):
    return CliRunner().invoke(app, ["validate", *args])


def test_six_faults_exit_one_with_every_problem_and_no_traceback():
    result = run(str(SIX), "--lang", "en")
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit)  # a clean exit, not a crash
    assert "Traceback" not in result.output
    assert "6 problem(s) found" in result.output
    for file in ("sections.csv", "duties.csv", "staff.csv", "key_tasks.csv"):
        assert file in result.output
    for value in ("temporary", "abc", "regulation", "1.5", "S09", "2024-12"):
        assert value in result.output


def test_chinese_is_the_default_language():
    result = run(str(SIX))
    assert result.exit_code == 1
    assert "发现 6 个问题" in result.output and "文件" in result.output


def test_json_lists_problems_with_their_location():
    result = run(str(SIX), str(SMALL), "--json")
    assert result.exit_code == 1
    out = json.loads(result.output)
    assert [r["valid"] for r in out] == [False, True]
    located = [(p["file"], p["row"], p["column"]) for p in out[0]["problems"]]
    assert ("duties.csv", 3, "workload_fte") in located and len(located) == 6
    assert all(p["zh"] and p["en"] for p in out[0]["problems"])
    summary = out[1]["summary"]
    assert (summary["sections"], summary["duties"], summary["staff"]) == (4, 15, 13)
    assert summary["duties_by_function"]["enforcement"] == 4
    assert (summary["chief_posts"], summary["deputy_posts"]) == (4, 2)
    assert summary["workload_fte"] == 12.7 and summary["capacity_fte"] == 12.3


def test_valid_inputs_exit_zero_with_a_summary():
    result = run(str(BASE), str(SMALL), str(FIXTURES / "small.xlsx"), "--lang", "en")
    assert result.exit_code == 0, result.output
    assert result.output.count(": valid") == 3
    assert "小型市场监管局 9+X" in result.output
    assert "12.7 FTE" in result.output and "4 chief, 2 deputy" in result.output


def test_unreadable_or_wrong_paths_are_clear_messages(tmp_path):
    (tmp_path / "notes.csv").write_text("a,b\n", encoding="utf-8")
    bad_toml = tmp_path / "s.toml"
    bad_toml.write_text("name = \n", encoding="utf-8")
    result = run(str(tmp_path / "missing.toml"), str(tmp_path / "notes.csv"), str(bad_toml), "--lang", "en")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "Cannot read" in result.output or "Path not found" in result.output
    assert "Expected a scenario file" in result.output
    assert "TOML syntax error" in result.output


def test_values_with_markup_characters_are_printed_verbatim(small_copy):
    folder = small_copy(("duties.csv", 2, "function", "[bold]x[/bold]"))
    result = run(str(folder), "--lang", "en")
    assert result.exit_code == 1
    assert "[bold]x[/bold]" in result.output
