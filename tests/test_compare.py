"""Comparing plans: KPI deltas and which duties and people sit differently."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from restructure.compare import (
    LabeledPlan,
    comparison_columns,
    comparison_csv,
    comparison_markdown,
    duty_diff,
    kpi_comparison,
    load_plans,
)
from restructure.io import load_department
from restructure.plan_io import read_plan
from restructure.store import RunStore
from restructure.terms import STATUS

FIXTURE = Path(__file__).parent / "fixtures" / "plan_fixture"


@pytest.fixture(scope="module")
def dept():
    return load_department(FIXTURE)


@pytest.fixture(scope="module")
def plan():
    return read_plan(FIXTURE / "plan.json")


def _renumbered(plan):
    """The same structure with section ids shuffled: K01<->K03."""
    swap = {"K01": "K03", "K03": "K01"}
    return dataclasses.replace(
        plan, sections=tuple(dataclasses.replace(s, id=swap.get(s.id, s.id)) for s in plan.sections)
    )


def _move(plan, duty, person, to):
    """Move one duty and one person into section ``to``."""
    secs = []
    for s in plan.sections:
        duties = tuple(d for d in s.duties if d != duty) + ((duty,) if s.id == to else ())
        staff = tuple(p for p in s.staff if p != person) + ((person,) if s.id == to else ())
        secs.append(dataclasses.replace(s, duties=duties, staff=staff))
    kpis = dict(plan.kpis) | {"duties_moved": plan.kpis["duties_moved"] + 1}
    return dataclasses.replace(plan, sections=tuple(secs), kpis=kpis)


def test_renumbered_sections_are_not_a_difference(dept, plan):
    diff = duty_diff(plan, _renumbered(plan), dept)
    assert diff.same
    assert diff.section_match == {"K03": "K01", "K02": "K02", "K01": "K03", "K04": "K04"}


def test_moved_duty_and_person_are_reported_with_both_sections(dept, plan):
    other = _move(_renumbered(plan), "D012", "P014", "K02")  # 市场监管综合执法 into 行政许可科
    diff = duty_diff(plan, other, dept)
    assert [(p.id, p.section_a_name, p.section_b_name) for p in diff.duties] == [
        ("D012", "市场监管科", "行政许可科")
    ]
    assert [p.id for p in diff.staff] == []  # P014 already sat in 行政许可科
    other = _move(plan, "D001", "P001", "K03")
    diff = duty_diff(plan, other, dept)
    assert [(p.id, p.name, p.section_a, p.section_b) for p in diff.staff] == [
        ("P001", "王建国", "K01", "K03")
    ]


def _with_k01(plan, **changes):
    secs = tuple(dataclasses.replace(s, **changes) if s.id == "K01" else s for s in plan.sections)
    return dataclasses.replace(plan, sections=secs)


def test_posts_differ_even_where_everyone_sits_alike(dept, plan):
    # K01's chief and a deputy swap posts: same sections, same people, another plan.
    swapped = _renumbered(_with_k01(plan, chief="P002", deputies=("P001", "P004")))
    diff = duty_diff(plan, swapped, dept)
    assert not diff.duties and not diff.staff and not diff.same
    [post] = diff.posts
    assert (post.section_a, post.section_b) == ("K01", "K03")
    assert (post.chief_a, post.chief_b) == ("王建国", "李秀英")
    assert post.deputies_b == ("王建国", "刘洋")
    # One deputy post fewer is a difference too; the order deputies are listed in is not.
    fewer = _with_k01(plan, deputies=("P002",), deputy_posts=1)
    assert [(p.deputy_posts_a, p.deputy_posts_b) for p in duty_diff(plan, fewer, dept).posts] == [(2, 1)]
    assert duty_diff(plan, _with_k01(plan, deputies=("P004", "P002")), dept).same


def test_a_renamed_section_is_a_difference(dept, plan):
    diff = duty_diff(plan, _with_k01(plan, name="办公室"), dept)
    assert not diff.same
    assert [(c.section_a_name, c.section_b_name) for c in diff.sections] == [("综合保障科", "办公室")]


def test_kpi_comparison_gives_deltas_against_the_reference(plan):
    other = _move(plan, "D012", "P014", "K02")
    plans = [LabeledPlan("A", plan), LabeledPlan("B", other)]
    rows = {r["kpi"]: r for r in kpi_comparison(plans)}
    assert rows["duties_moved"]["A"] == 5 and rows["duties_moved"]["B"] == 6
    assert rows["duties_moved"]["Δ B"] == 1
    assert rows["status"]["A"] == "feasible"
    assert rows["duties_moved"]["label"] == "调整职责数"
    against_b = {r["kpi"]: r for r in kpi_comparison(plans, reference=1, lang="en")}
    assert against_b["duties_moved"]["Δ A"] == -1 and against_b["duties_moved"]["label"] == "duties moved"
    assert comparison_columns(plans, reference=1) == ["kpi", "label", "A", "Δ A", "B"]


def test_kpi_comparison_shows_where_two_objectives_differ(plan):
    other = dataclasses.replace(plan, terms={**plan.terms, "disruption": plan.terms["disruption"] + 4})
    rows = {r["kpi"]: r for r in kpi_comparison([LabeledPlan("A", plan), LabeledPlan("B", other)])}
    assert rows["points:disruption"]["label"] == "计分：调整幅度"
    assert rows["points:disruption"]["Δ B"] == 4 and rows["points:balance"]["Δ B"] == 0
    # the points of the goals add up to each plan's objective
    assert sum(r["A"] for k, r in rows.items() if k.startswith("points:")) == plan.solver.objective


def test_plans_load_from_file_folder_and_store(tmp_path, plan):
    store = RunStore(tmp_path / "runs.sqlite")
    rid = store.add_run(plan, label="第一稿")
    loaded = load_plans([str(FIXTURE / "plan.json"), str(FIXTURE), str(rid)], store)
    assert [lp.label for lp in loaded] == ["plan_fixture", "plan_fixture (2)", f"#{rid} 第一稿"]
    assert all(lp.plan == plan for lp in loaded)
    with pytest.raises(FileNotFoundError):
        load_plans([str(tmp_path / "nope.json")], store)


def test_csv_and_markdown_outputs(plan):
    plans = [LabeledPlan("A", plan), LabeledPlan("B", _move(plan, "D012", "P014", "K02"))]
    rows, cols = kpi_comparison(plans), comparison_columns(plans)
    text = comparison_csv(rows, cols)
    assert text.splitlines()[0] == "kpi,label,A,B,Δ B"
    assert "duties_moved,调整职责数,5,6,1" in text
    md = comparison_markdown(rows, cols)
    assert md.splitlines()[1] == "|---|---|---|---|---|"
    assert "| duties_moved | 调整职责数 | 5 | 6 | 1 |" in md


def test_compare_command_markdown_csv_and_run_ids(tmp_path, plan):
    from typer.testing import CliRunner

    from restructure.cli import app

    store = RunStore(tmp_path / "runs.sqlite")
    rid = store.add_run(_move(plan, "D012", "P014", "K02"), label="B")
    runner = CliRunner()
    out_csv = tmp_path / "cmp.csv"
    result = runner.invoke(
        app,
        ["compare", str(FIXTURE), str(rid), "--store", str(store.path), "--markdown", "--csv", str(out_csv)],
    )
    assert result.exit_code == 0, result.output
    assert "| duties_moved | 调整职责数 | 5 | 6 | 1 |" in result.output
    assert (
        out_csv.read_text(encoding="utf-8-sig").splitlines()[0]
        == f"kpi,label,plan_fixture,#{rid} B,Δ #{rid} B"
    )
    against = runner.invoke(
        app, ["compare", str(FIXTURE), "--reference", str(rid), "--store", str(store.path), "--markdown"]
    )
    assert "| duties_moved | 调整职责数 | 6 | 5 | -1 |" in against.output
    missing = runner.invoke(app, ["compare", str(FIXTURE), "999", "--store", str(store.path)])
    assert missing.exit_code == 1
    assert "没有编号为 999 的运行记录" in " ".join(missing.output.split())
    # a mistyped path is named as such, with no store given (none exists at the default path)
    typo = runner.invoke(app, ["compare", str(FIXTURE), str(tmp_path / "plan.jsn"), "--lang", "en"])
    text = " ".join(typo.output.split())
    assert typo.exit_code == 1 and "plan.jsn is neither a plan.json" in text and "run store" not in text


def test_compare_command_speaks_the_planners_language_and_writes_into_new_folders(tmp_path, plan):
    from typer.testing import CliRunner

    from restructure.cli import app

    runner = CliRunner(env={"COLUMNS": "200"})
    out_csv = tmp_path / "new" / "folder" / "cmp.csv"
    result = runner.invoke(app, ["compare", str(FIXTURE), str(FIXTURE), "--csv", str(out_csv)])
    assert result.exit_code == 0, result.output
    status = plan.status.value
    assert "指标" in result.output and "label" not in result.output
    assert STATUS[plan.status][0] in result.output and status not in result.output
    assert f"status,状态,{status},{status}" in out_csv.read_text(encoding="utf-8-sig")  # codes kept
    english = runner.invoke(app, ["compare", str(FIXTURE), "--lang", "en"])
    assert "KPI" in english.output and STATUS[plan.status][1] in english.output
    # the reference is marked, and the caption says what Δ is against
    assert "plan_fixture（参照）" in result.output and "Δ = 方案 − 参照方案「plan_fixture」" in result.output
    assert "plan_fixture (reference)" in english.output
    assert "不同部门" not in result.output  # one department: no warning
    other = tmp_path / "other"
    other.mkdir()
    data = json.loads((FIXTURE / "plan.json").read_text(encoding="utf-8"))
    (other / "plan.json").write_text(
        json.dumps(data | {"department": "另一局"}, ensure_ascii=False), encoding="utf-8"
    )
    mixed = runner.invoke(app, ["compare", str(FIXTURE), str(other)])
    assert mixed.exit_code == 0 and "这些方案属于不同部门" in mixed.output and "另一局" in mixed.output
    blocked = tmp_path / "file"
    blocked.write_text("x", encoding="utf-8")
    refused = runner.invoke(app, ["compare", str(FIXTURE), "--csv", str(blocked / "cmp.csv")])
    assert refused.exit_code == 1 and "无法写入" in refused.output
    assert refused.exception is None or isinstance(refused.exception, SystemExit)
