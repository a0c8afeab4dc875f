"""simulate(), its bilingual tables, the PNG charts and the command function."""

from __future__ import annotations

import io
import json
from dataclasses import replace
from pathlib import Path

import pytest
from fixtures_sim import plan, scenario
from rich.console import Console

from restructure.domain import Status
from restructure.errors import InputError
from restructure.plan_io import plan_to_json
from restructure.simulate import cli as sim_cli
from restructure.simulate import simulate
from restructure.simulate.plots import write_plots


@pytest.fixture(scope="module")
def report():
    return simulate(scenario(), plan(), draws=2_000, seed=1)


def test_report_compares_today_and_plan(report):
    assert report.today.label == "today"
    assert report.plan is not None
    assert {s.section_id for s in report.today.sections} == {"S01", "S02", "S03", "S04"}
    assert {s.section_id for s in report.plan.sections} == {"K01", "K02", "K03", "K04"}
    assert report.tolerance == 0.20
    by_name = {c.name: c for c in report.processes}
    assert by_name["费用报销"].before.handoffs == 1
    assert by_name["费用报销"].after.handoffs == 0
    assert report.timeline.label == "plan"
    assert report.timeline.ok


def test_tolerance_comes_from_the_scenario_rules():
    wide = simulate(scenario(max_load_deviation=0.5), plan(), draws=500, seed=1)
    narrow = simulate(scenario(max_load_deviation=0.05), plan(), draws=500, seed=1)
    assert wide.plan.p_any_over < narrow.plan.p_any_over


def test_without_a_plan_only_today_is_simulated():
    rep = simulate(scenario(), None, draws=500, seed=0)
    assert rep.plan is None
    assert all(c.after is None for c in rep.processes)
    assert rep.timeline.label == "today"
    assert set(rep.tables("en")) == {"workload_today", "processes", "timeline"}


def test_same_seed_gives_the_same_report():
    a = simulate(scenario(), plan(), draws=300, seed=5)
    b = simulate(scenario(), plan(), draws=300, seed=5)
    c = simulate(scenario(), plan(), draws=300, seed=6)
    assert a == b
    assert a.plan != c.plan


def test_tables_have_headers_in_the_chosen_language(report):
    zh = report.tables("zh")
    en = report.tables("en")
    assert "超负荷概率" in zh["workload_plan"].columns
    assert "P(over tolerance)" in en["workload_plan"].columns
    assert "跨科室交接次数" in zh["processes"].columns
    assert set(zh["processes"]["结构"]) == {"现状", "方案"}
    assert "Leadership posts in use" in en["timeline"].columns


def test_a_month_without_a_dynamic_section_says_none_not_blank(report):
    # the fixture plan opens its dynamic section K04 in March: January and February have none
    raw = report.timeline.to_frame()
    assert list(raw["dynamic_open"][:3]) == ["", "", "K04"]  # the data keeps its empty value
    assert list(report.tables("zh")["timeline"]["在设动态科室"][:3]) == ["无", "无", "K04"]
    assert list(report.tables("en")["timeline"]["Dynamic sections open"][:3]) == ["none", "none", "K04"]
    printed = sim_cli._raw_tables(report, "zh")["timeline"]
    assert printed["dynamic_open"].iloc[0] == "无"


def test_people_of_a_closing_dynamic_section_are_listed_with_where_they_go(report):
    # the fixture's 营商环境专班 K04 closes with its key task in 2025-10: P02 goes back to
    # 综合保障科, which continues 办公室, and P04 to 行政许可科, as the timeline decides
    zh = report.tables("zh")["returns"]
    assert list(zh.columns) == ["月份", "撤销的动态科室", "人员", "回到基本科室", "依据"]
    rows = {r["人员"].split()[0]: r for r in zh.to_dict(orient="records")}
    assert set(rows) == {"P02", "P04"}
    assert rows["P02"]["月份"] == "2025-11"
    assert rows["P02"]["回到基本科室"].startswith("K01 ")
    assert rows["P04"]["回到基本科室"].startswith("K02 ")
    assert rows["P02"]["撤销的动态科室"].startswith("K04 ")
    assert rows["P02"]["依据"] == "回到延续其现科室的基本科室"
    en = report.tables("en")["returns"]
    assert set(en["Rule"]) == {"back to the basic section that continues their section today"}
    assert len(en) == len(zh)
    # the printed table has the same rows
    assert len(sim_cli._raw_tables(report, "en")["returns"]) == 2


def test_a_plan_without_sections_is_refused_in_both_languages():
    empty = replace(plan(), status=Status.INFEASIBLE, sections=())
    with pytest.raises(InputError) as err:
        simulate(scenario(), empty)
    assert "no feasible plan" in err.value.problems[0].en
    assert "无可行方案" in err.value.problems[0].zh


def test_a_plan_for_other_data_is_refused():
    p = plan()
    k01 = replace(p.sections[0], duties=(*p.sections[0].duties, "D99"))
    with pytest.raises(InputError) as err:
        simulate(scenario(), replace(p, sections=(k01, *p.sections[1:])))
    assert [pr.value for pr in err.value.problems] == ["D99"]


def test_plots_are_written_as_png(report, tmp_path):
    paths = write_plots(report, tmp_path / "plots")
    assert [p.name for p in paths] == ["load_ratio.png", "processes.png", "timeline.png"]
    for p in paths:
        data = p.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
        assert len(data) > 5_000


def _console() -> tuple[Console, io.StringIO]:
    buf = io.StringIO()
    return Console(file=buf, width=200, color_system=None), buf


def test_command_prints_tables_and_writes_files(monkeypatch, tmp_path):
    toml = tmp_path / "s.toml"
    toml.write_text("name = 'x'\n", encoding="utf-8")
    plan_json = tmp_path / "plan.json"
    plan_json.write_text(plan_to_json(plan()), encoding="utf-8")
    monkeypatch.setattr(sim_cli, "_load_scenario", lambda path: scenario())
    con, buf = _console()
    code = sim_cli.simulate_command(str(toml), 300, 0, tmp_path / "out", "en", str(plan_json), console=con)
    text = buf.getvalue()
    assert code == 0
    assert "Plan: workload risk by section" in text
    assert "K04" in text
    assert "never above the quota of 6" in text
    written = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert "load_ratio.png" in written
    assert "simulation_processes.csv" in written
    assert "simulation_returns.csv" in written
    returns_csv = (tmp_path / "out" / "simulation_returns.csv").read_text(encoding="utf-8-sig")
    assert returns_csv.splitlines()[0] == "Month,Dynamic section closing,Staff,Back to basic section,Rule"
    csv_text = (tmp_path / "out" / "simulation_workload_plan.csv").read_text(encoding="utf-8-sig")
    assert csv_text.splitlines()[0].startswith("Section,Name,Kind")

    con, buf = _console()
    assert sim_cli.simulate_command(str(toml), 300, 0, None, "zh", None, console=con) == 0
    assert "现状:各科室负荷风险" in buf.getvalue()


def test_command_refuses_a_plan_json_alone(tmp_path):
    plan_json = tmp_path / "plan.json"
    plan_json.write_text(json.dumps({"status": "optimal"}), encoding="utf-8")
    con, buf = _console()
    assert sim_cli.simulate_command(str(plan_json), 100, 0, None, "zh", console=con) == 2
    assert "方案文件" in buf.getvalue()


def test_command_reports_input_errors(monkeypatch, tmp_path):
    toml = tmp_path / "s.toml"
    toml.write_text("name = 'x'\n", encoding="utf-8")
    bad = tmp_path / "plan.json"
    bad.write_text(plan_to_json(replace(plan(), status=Status.INFEASIBLE, sections=())), encoding="utf-8")
    monkeypatch.setattr(sim_cli, "_load_scenario", lambda path: scenario())
    con, buf = _console()
    assert sim_cli.simulate_command(str(toml), 100, 0, None, "en", str(bad), console=con) == 1
    assert "no feasible plan" in buf.getvalue()
    con, buf = _console()
    assert (
        sim_cli.simulate_command(str(Path(tmp_path / "missing.toml")), 100, 0, None, "en", console=con) == 1
    )
    assert "file not found" in buf.getvalue()


def test_overloaded_sections_get_a_note_that_their_queue_is_a_floor(report):
    # 行政许可科 carries 3 FTE of work on 2.5 FTE of people: at or above capacity
    zh, en = report.overload_notes("zh"), report.overload_notes("en")
    assert any("「许可办理」（现状）" in n and "行政许可科（S02）" in n and "下限" in n for n in zh)
    assert any("'许可办理' (today)" in n and "行政许可科 (S02)" in n and "a floor" in n for n in en)
    flows = [f for c in report.processes for f in (c.before, c.after) if f is not None]
    assert len(zh) == sum(1 for f in flows if f.overloaded_sections)


def test_command_refuses_a_plan_of_other_data(monkeypatch, tmp_path):
    toml = tmp_path / "s.toml"
    toml.write_text("name = 'x'\n", encoding="utf-8")
    other = plan()
    # the plan's first section claims a duty that is not the data's, and drops one that is
    first = other.sections[0]
    dropped = first.duties[0]
    other = replace(other, sections=(replace(first, duties=(*first.duties[1:], "D999")), *other.sections[1:]))
    plan_json = tmp_path / "plan.json"
    plan_json.write_text(plan_to_json(other), encoding="utf-8")
    monkeypatch.setattr(sim_cli, "_load_scenario", lambda path: scenario())
    con, buf = _console()
    assert sim_cli.simulate_command(str(toml), 100, 0, None, "en", str(plan_json), console=con) == 1
    text = " ".join(buf.getvalue().split())
    assert "does not match the data" in text and "D999" in text and dropped in text
    assert "workload risk" not in text  # nothing was simulated


def test_the_chinese_summary_says_overload_as_the_english_does(monkeypatch, tmp_path):
    toml = tmp_path / "s.toml"
    toml.write_text("name = 'x'\n", encoding="utf-8")
    monkeypatch.setattr(sim_cli, "_load_scenario", lambda path: scenario())
    con, buf = _console()
    assert sim_cli.simulate_command(str(toml), 300, 0, None, "zh", None, console=con) == 0
    assert "至少一个科室超负荷" in buf.getvalue() and "超出容许范围的概率" not in buf.getvalue()
