"""Saving to the run store, comparing saved plans, exports and the simulation page, in AppTest;
and that two sessions share saved plans but never unsaved ones."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from app_support import (
    by_label,
    capture_downloads,
    go,
    last_served,
    load_bundled,
    new_session,
    no_exception,
    prepare,
    solve,
    submit,
    table,
)
from openpyxl import load_workbook

from restructure.store import RunStore


@pytest.fixture
def store(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    return prepare(monkeypatch, tmp_path)


def save(at, label: str) -> int:
    at.text_input(key="run_label").set_value(label)
    at.button(key="save_plan").click().run()
    no_exception(at)
    return at.session_state["saved_run"]


def test_compare_two_saved_plans_with_deltas_and_duty_diff(store: Path) -> None:
    at = solve(load_bundled(new_session()))
    assert save(at, "分权") == 1
    assert by_label(at.button, "已保存 #1").disabled  # saved once, not twice
    go(at, "scenario_page")
    by_label(at.checkbox, "横向分权制衡").uncheck()
    submit(at, "应用修改")
    solve(at)
    assert save(at, "不分权") == 2
    assert [r.label for r in RunStore(store).list_runs()] == ["分权", "不分权"]

    go(at, "compare_page")
    kpis = table(at, "指标", "#1 分权", "#2 不分权", "Δ #2 不分权")
    conflicts = kpis[kpis["指标"] == "同科室环节冲突"].iloc[0]
    plans = [r.plan() for r in RunStore(store).list_runs()]
    assert conflicts["#1 分权"] == str(int(plans[0].kpis["stage_conflicts"]))
    delta = plans[1].kpis["stage_conflicts"] - plans[0].kpis["stage_conflicts"]
    assert conflicts["Δ #2 不分权"] == f"{delta:+g}"  # signed, as on the Plan page
    # shares in percent, as on the Plan page (they read 0.7967 before)
    share = kpis[kpis["指标"] == "业务科室人员占比"].iloc[0]
    assert share["#1 分权"] == f"{plans[0].kpis['business_staff_share']:.0%}"
    change = plans[1].kpis["business_staff_share"] - plans[0].kpis["business_staff_share"]
    assert share["Δ #2 不分权"] == f"{change:+.0%}"
    assert len(at.get("vega_lite_chart")) == 8  # one chart per main KPI
    moved = table(at, "代码", "名称", "#1 分权", "#2 不分权")
    assert moved["代码"].str.startswith(("D", "P")).all()
    # the reference decides the sign of the change
    at.selectbox(key="compare_ref").set_value(2).run()
    assert "Δ #1 分权" in table(at, "指标").columns
    # the choice survives a visit to another page, without Streamlit's "set twice" warning
    go(go(at, "export_page"), "compare_page")
    assert at.selectbox(key="compare_ref").value == 2 and "Δ #1 分权" in table(at, "指标").columns
    assert not [w.value for w in at.warning if "Session State" in str(w.value)]
    # in English the KPI names start with a capital, as on the Plan page's cards
    at.sidebar.radio[0].set_value("en").run()
    names = table(at, "KPI")["KPI"].tolist()
    assert "Status" in names and "Business staff share" in names
    assert all(n[:1] == n[:1].upper() for n in names)


def test_exports_are_files_a_planner_can_open(store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    served = capture_downloads(monkeypatch)
    at = go(solve(load_bundled(new_session())), "export_page")
    labels = {b.label for b in at.get("download_button")}
    assert labels == {"Excel 工作簿", "CSV 压缩包", "plan.json", "三定草稿（Word）"}
    wb = load_workbook(io.BytesIO(last_served(served, "plan.xlsx")), read_only=True)
    try:
        assert wb.sheetnames == ["科室", "职责", "人员与岗位", "变更清单", "指标", "目标分解", "规则检查"]
    finally:
        wb.close()
    with zipfile.ZipFile(io.BytesIO(last_served(served, "plan_tables.zip"))) as z:
        assert {"sections.csv", "duties.csv", "staff.csv", "changes.csv"} <= set(z.namelist())
    plan = json.loads(last_served(served, "plan.json"))
    assert plan["status"] == at.session_state["plan"].status.value
    assert zipfile.is_zipfile(io.BytesIO(last_served(served, "sanding_draft.docx")))
    # Pseudonymised: no real name is left in plan.json.
    name = at.session_state["scenario"].department.staff[0].name
    at.checkbox(key="pseudonymise").check().run()
    assert name.encode("utf-8") not in last_served(served, "plan.json")
    # Both choices survive a visit to another page: a page change must not switch pseudonyms off.
    at.radio(key="export_lang").set_value("en").run()
    go(go(at, "plan_page"), "export_page")
    assert at.checkbox(key="pseudonymise").value and at.radio(key="export_lang").value == "en"
    assert name.encode("utf-8") not in last_served(served, "plan.json")
    wb = load_workbook(io.BytesIO(last_served(served, "plan.xlsx")), read_only=True)
    try:
        assert wb.sheetnames[0] == "Sections"
    finally:
        wb.close()
    # The export language follows the sidebar's when that changes.
    at.sidebar.radio[0].set_value("zh").run()
    at.sidebar.radio[0].set_value("en").run()
    assert at.radio(key="export_lang").value == "en"
    at.sidebar.radio[0].set_value("zh").run()
    assert at.radio(key="export_lang").value == "zh"
    assert not [w.value for w in at.warning if "Session State" in str(w.value)]


def test_saved_plans_are_shared_but_unsaved_work_stays_in_its_session(store: Path) -> None:
    first = solve(load_bundled(new_session()))
    save(first, "第一个会话")
    second = new_session()
    go(second, "plan_page")
    assert "plan" not in second.session_state
    assert any("请先在「方案与数据」页" in i.value for i in second.info)
    go(second, "compare_page")
    assert second.multiselect(key="compare_runs").options[0].startswith("#1 第一个会话")


def test_simulation_page_shows_risk_today_and_under_the_plan(store: Path) -> None:
    at = go(solve(load_bundled(new_session())), "simulation_page")
    by_label(at.number_input, "抽样次数").set_value(1000)
    submit(at, "运行仿真")
    cards = {m.label: m.value for m in at.metric}
    assert cards["抽样次数"] == "1,000"
    assert cards["现状：任一科室超负荷的概率"].endswith("%")
    assert len(at.get("vega_lite_chart")) == 4  # distribution and overload, today and plan
    # the tables name section kinds in Chinese
    kinds = set(table(at, "类型", "负荷比均值")["类型"])
    assert kinds and kinds <= {"基本科室", "动态科室"}


def test_simulation_page_lists_where_the_people_of_a_closing_dynamic_section_go(store: Path) -> None:
    # 住建局's 专班 closes with its key task; the science bureau above has no dynamic section
    at = go(solve(load_bundled(new_session(), "住建局 9+X 集中许可")), "simulation_page")
    by_label(at.number_input, "抽样次数").set_value(1000)
    submit(at, "运行仿真")
    back = table(at, "撤销的动态科室", "回到基本科室")
    assert len(back) > 0
    assert all("专班" in s for s in back["撤销的动态科室"])
    assert all(v.startswith("K") for v in back["回到基本科室"])
    at.radio(key="lang").set_value("en").run()
    assert len(table(at, "Dynamic section closing", "Back to basic section")) == len(back)


@pytest.mark.parametrize(
    ("probabilities", "digits"),
    [((0.5, 0.2), 0), ((1.0, 0.0), 0), ((0.996, 0.004), 1), ((0.9996, 0.0004), 2), ((0.3, 0.001), 1)],
)
def test_probabilities_never_read_certain_or_nil_unless_they_are(probabilities, digits) -> None:
    from app_pages.widgets import probability_digits

    assert probability_digits(*probabilities) == digits
    for p in probabilities:
        shown = f"{p:.{digits}%}"
        assert (shown in ("0%", "100%")) == (p in (0.0, 1.0))


def test_plan_tables_show_text_in_the_pages_language_only(store: Path) -> None:
    at = solve(load_bundled(new_session()))
    duties = table(at, "职责代码", "新科室")
    assert "理由" in duties.columns and "理由（英文）" not in duties.columns
    sections = table(at, "科室代码", "科长")
    assert "科长代码" not in sections.columns
    assert all(v == "" or "（P" in v for v in sections["科长"])  # 王五（P001）
    at.radio(key="lang").set_value("en").run()
    duties = table(at, "Duty code", "Plan section")
    assert "Reason" in duties.columns and "Reason (zh)" not in duties.columns


def test_compare_lists_post_differences_and_never_calls_them_the_same(store: Path) -> None:
    import dataclasses

    at = solve(load_bundled(new_session()))
    assert save(at, "原方案") == 1
    runs = RunStore(store)
    first = runs.get(1)
    plan = first.plan()
    # The same placement of every duty and person, but another of the section's people is chief.
    sec = next(s for s in plan.sections if s.chief and len(s.staff) > 1)
    swapped = dataclasses.replace(sec, chief=next(p for p in sec.staff if p != sec.chief))
    other = dataclasses.replace(plan, sections=tuple(swapped if s is sec else s for s in plan.sections))
    runs.add_run(other, source=first.source, label="换人")
    go(at, "compare_page")
    assert not [s for s in at.success if "完全相同" in s.value]
    assert any("1 个科室的领导职数或正副职人选不同" in c.value for c in at.caption)
    posts = table(at, "科室", "方案", "正职", "副职")
    assert len(posts) == 2 and set(posts["方案"]) == {"#1 原方案", "#2 换人"}
    assert posts.iloc[0]["正职"] != posts.iloc[1]["正职"]
