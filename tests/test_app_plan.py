"""The Plan and Pins pages in AppTest: solve, today vs proposed, checks, infeasible with one-click
relaxations, pins and a re-solve from the previous plan, and the solve really running off-thread."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from app_support import (
    SCIENCE,
    by_label,
    go,
    load_bundled,
    new_session,
    no_exception,
    prepare,
    solve,
    submit,
    table,
)

from restructure.domain import Status
from restructure.scenario import load_scenario


@pytest.fixture(autouse=True)
def _app(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    prepare(monkeypatch, tmp_path)


def graphviz_specs(at) -> list[str]:
    return [g.proto.spec for g in at.get("graphviz_chart")]


def test_solve_shows_today_and_the_plan_side_by_side_with_checks() -> None:
    at = solve(load_bundled(new_session()))
    plan = at.session_state["plan"]
    assert plan.has_plan
    captions = [c.value for c in at.caption]
    assert any(c.startswith("第 1 次求解 · 结果：") for c in captions)
    today, proposed = graphviz_specs(at)
    for name in ("办公室", "科技管理科", "创新发展科", "科技普及科"):
        assert name in today
    for s in plan.sections:
        assert f'"{s.name}\\n' in proposed  # each box starts with the section's name
    assert "科长：" in proposed and "人数：" in proposed
    cards = {m.label: m for m in at.metric}
    conflicts = cards["同科室环节冲突"]
    assert conflicts.value == "0" and conflicts.delta == "-13"  # 13 stage conflicts today, none in the plan
    checks = table(at, "规则", "结果", "问题")
    assert "横向分权制衡" in set(checks["规则"])
    assert "不符合" not in set(checks["结果"])
    duties = table(at, "职责代码", "新科室")
    assert len(duties) == 34 and (duties["新科室"] != "").all()


def test_infeasible_rules_are_explained_and_one_click_relaxes_and_resolves() -> None:
    at = load_bundled(new_session())
    go(at, "pins_page")
    by_label(at.multiselect, "职责或人员（至少两项）").set_value(
        ["D010", "D012"]
    )  # guideline and review together
    submit(at, "添加")
    assert at.session_state["scenario"].rules.together == (("D010", "D012"),)
    solve(at)
    plan = at.session_state["plan"]
    assert plan.status is Status.INFEASIBLE
    assert any(
        "但县级科技计划项目指南编制和发布（D010）、科技项目专家评审组织（D012）须在同一科室" in e.value
        for e in at.error
    )
    conflicts = table(at, "规则", "对象", "问题")
    assert set(conflicts["规则"]) == {"横向分权制衡", "须同设"}
    assert set(conflicts["对象"]) == {"科技项目管理", "第1组"}
    assert not at.get("graphviz_chart")  # no empty chart for a plan that does not exist
    assert set(plan.explanation.relaxations) == {"separate_stages:科技项目管理", "together:1"}
    assert any(c.value.startswith("突出显示的按钮") for c in at.caption)  # either change alone gives a plan
    relax = by_label(at.button, "取消“横向分权制衡”")
    assert by_label(at.button, "取消“须同设”：D010、D012")
    relax.click().run()
    no_exception(at)
    assert at.session_state["scenario"].rules.separate_stages is False
    assert at.session_state["plan"].has_plan


def test_relaxations_are_explained_in_english_too() -> None:
    at = load_bundled(new_session())
    go(at, "pins_page")
    by_label(at.multiselect, "职责或人员（至少两项）").set_value(["D010", "D012"])
    submit(at, "添加")
    solve(at)
    at.radio(key="lang").set_value("en").run()
    assert any("must sit in one section" in e.value for e in at.error)
    assert by_label(at.button, "Drop “checks and balances”")


def test_pins_and_low_disruption_resolve_from_the_previous_plan(monkeypatch: pytest.MonkeyPatch) -> None:
    import app_pages.solving as solving

    hints = []
    real_solve = solving.solve

    def recording_solve(scenario, **kw):
        hints.append(kw.get("hint"))
        return real_solve(scenario, **kw)

    monkeypatch.setattr(solving, "solve", recording_solve)
    at = solve(load_bundled(new_session()))
    first = at.session_state["plan"]
    go(at, "pins_page")
    by_label(at.multiselect, "保持原样的科室").set_value(["S01"])
    submit(at, "应用")
    by_label(at.selectbox, "职责").set_value("D010")
    by_label(at.selectbox, "归入延续该科室的新科室").set_value("S04")
    submit(at, "固定")
    sc = at.session_state["scenario"]
    assert sc.pins.keep_sections == ("S01",) and dict(sc.pins.duty_sections) == {"D010": "S04"}
    at.checkbox(key="low_disruption").check()
    at.button(key="resolve").click().run()
    no_exception(at)
    assert hints == [None, first]  # the re-solve starts from the first plan
    assert at.session_state["scenario"].objective.disruption == 10
    plan = at.session_state["plan"]
    assert plan.has_plan and plan is not first
    kept = next(s for s in plan.sections if "S01" in s.successor_of)
    dept = sc.department
    assert set(kept.duties) == {d.id for d in dept.duties if d.current_section == "S01"}
    assert set(kept.staff) == {p.id for p in dept.staff if p.current_section == "S01"}
    holder = next(s for s in plan.sections if "D010" in s.duties)
    assert "S04" in holder.successor_of
    # Ticking the box again does not raise the weight again.
    go(at, "pins_page")
    assert at.checkbox(key="low_disruption").label == "少调整（调整幅度权重已为 10）"


def test_the_app_solves_off_the_ui_thread_and_shows_progress() -> None:
    at = load_bundled(new_session(sync=False), time_limit=3)
    go(at, "plan_page")
    started = time.monotonic()
    at.button(key="solve").click().run()
    assert time.monotonic() - started < 2.5  # the page came back while the solver works
    no_exception(at)
    job = at.session_state["job"]
    assert not job.done
    assert at.button(key="solve").disabled
    assert by_label(at.button, "停止并保留当前最好方案")
    assert "当前最好目标值" in [m.label for m in at.metric]
    assert job.wait(timeout=30)
    at.run()
    no_exception(at)
    assert at.session_state["plan"].has_plan
    assert "job" not in at.session_state


def test_stop_keeps_the_best_plan_so_far() -> None:
    from app_pages.solving import SolveJob

    sc = load_scenario(
        Path(__file__).resolve().parents[1] / "scenarios" / "public_security.toml",
        {"solver.time_limit_s": 60},
    )
    job = SolveJob(sc)
    job.start()
    assert job.wait_for_progress(timeout=30), "no solution within 30 s"
    job.stop()
    assert job.wait(timeout=20), "the solve did not stop"
    assert job.error is None
    assert job.plan.has_plan and job.plan.status is Status.FEASIBLE
    assert job.elapsed() < 50


def test_a_solver_crash_reaches_the_planner_as_a_message(monkeypatch: pytest.MonkeyPatch) -> None:
    import app_pages.solving as solving

    def broken(scenario, **kw):
        raise RuntimeError("model rejected")

    monkeypatch.setattr(solving, "solve", broken)
    at = solve(load_bundled(new_session()))
    assert any("model rejected" in e.value for e in at.error)
    assert "plan" not in at.session_state


def test_scenario_name_is_shown_with_the_time_limit() -> None:
    at = load_bundled(new_session(), time_limit=2)
    go(at, "plan_page")
    assert f"「{SCIENCE}」，求解时间上限 2 秒" in [c.value for c in at.caption]


def test_reproducible_mode_says_its_limit_is_in_deterministic_units() -> None:
    at = load_bundled(new_session(), time_limit=2)
    by_label(at.checkbox, "可复现模式").check()
    submit(at, "应用修改")
    go(at, "plan_page")
    captions = [c.value for c in at.caption]
    assert f"「{SCIENCE}」，可复现模式：上限 2 个确定性时间单位，实际用时约为其1–3倍" in captions
    assert not any("求解时间上限" in c for c in captions)


def test_the_objective_breakdown_adds_up_to_the_objective() -> None:
    at = solve(load_bundled(new_session()))
    plan = at.session_state["plan"]
    breakdown = table(at, "目标", "数量", "计分")
    assert list(breakdown["目标"])[-1] == "合计（目标值）"
    points = dict(zip(breakdown["目标"], breakdown["计分"], strict=True))
    assert points["合计（目标值）"] == plan.solver.objective
    assert sum(v for k, v in points.items() if k != "合计（目标值）") == plan.solver.objective
    assert points["科室规模适度"] == plan.terms["span"]
    assert any(c.value.startswith("科室规模上限7人（平均科室人数的2倍）") for c in at.caption)


def test_the_live_bound_rises_without_counting_as_a_plan() -> None:
    """A rise of the bound alone (the bound search's root LP) shows at once, and the count of
    plans found stays the count of plans."""
    from app_pages.solving import SolveJob
    from restructure.model.solve import Progress

    at = load_bundled(new_session(sync=False))
    job = SolveJob(load_scenario(Path(__file__).resolve().parents[1] / "scenarios" / "science_bureau.toml"))
    job._record(Progress(0.4, 52.0, 0.0, 1))
    job._record(Progress(0.9, 50.0, 0.0, 2))
    job._record(Progress(3.1, 50.0, 44.0, 2, new_plan=False))
    at.session_state["job"] = job
    go(at, "plan_page")
    cards = {m.label: m.value for m in at.metric}
    assert cards["当前最好目标值"] == "50.0"
    assert cards["已证明下界"] == "44.0"
    assert cards["已找到方案数"] == "2"
