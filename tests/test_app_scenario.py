"""The Scenario page in AppTest: bundled scenarios, uploads (with problems), rule edits, TOML."""

from __future__ import annotations

import io
import tomllib
import zipfile
from pathlib import Path

import pytest
from app_support import (
    SCIENCE,
    by_label,
    capture_downloads,
    last_served,
    load_bundled,
    new_session,
    no_exception,
    prepare,
    submit,
    table,
)

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(autouse=True)
def _app(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    prepare(monkeypatch, tmp_path)


def served_toml(served) -> dict:
    """The scenario TOML the page last offered for download, parsed."""
    return tomllib.loads(last_served(served, "science_bureau.toml").decode("utf-8"))


def metric(at, label: str) -> str:
    return by_label(at.metric, label).value


def upload(at, files: list[tuple[str, bytes]], name: str = ""):
    at.get("file_uploader")[0].set_value([(n, data, "application/octet-stream") for n, data in files])
    at.run()  # choosing files reruns the page, which enables the load button
    if name:
        at.text_input(key="upload_name").set_value(name)
    at.button(key="load_upload").click().run()
    no_exception(at)
    return at


def test_start_page_lists_bundled_scenarios_by_name_in_chinese() -> None:
    at = new_session()
    no_exception(at)
    assert at.title[0].value == "方案与数据"
    names = at.selectbox(key="bundled_pick").options
    assert SCIENCE in names and "市场监管局 9+X" in names
    assert "尚未载入方案" in [c.value for c in at.sidebar.caption]


def test_language_switch_turns_every_label_english() -> None:
    at = new_session()
    at.radio(key="lang").set_value("en").run()
    no_exception(at)
    assert at.title[0].value == "Scenario & data"
    assert at.button(key="load_bundled").label == "Load"
    load_bundled(at, time_limit=None)
    assert metric(at, "Staff") == "13"
    assert "basic sections cap" in [n.label for n in at.number_input]


def test_loading_the_science_bureau_shows_its_summary() -> None:
    at = load_bundled(new_session(), time_limit=None)
    assert metric(at, "现有科室") == "4"
    assert metric(at, "职责事项") == "34"
    assert metric(at, "实名制人员") == "13"
    assert metric(at, "领导职数") == "正4 副0"
    sections = table(at, "代码", "科室", "人数")
    assert list(sections["科室"]) == ["办公室", "科技管理科", "创新发展科", "科技普及科"]
    assert f"当前方案：{SCIENCE}" in [c.value for c in at.sidebar.caption]


def test_rule_edit_reloads_the_scenario_and_the_toml_carries_it(monkeypatch: pytest.MonkeyPatch) -> None:
    served = capture_downloads(monkeypatch)
    at = load_bundled(new_session(), time_limit=None)
    by_label(at.number_input, "基本科室数上限").set_value(7)
    by_label(at.checkbox, "横向分权制衡").uncheck()
    by_label(at.number_input, "求解时间（秒）").set_value(3.0)
    submit(at, "应用修改")
    sc = at.session_state["scenario"]
    assert sc.rules.max_basic_sections == 7
    assert sc.rules.separate_stages is False
    assert sc.solver.time_limit_s == 3
    assert set(at.session_state["overrides"]) == {
        "rules.max_basic_sections",
        "rules.separate_stages",
        "solver.time_limit_s",
    }
    saved = served_toml(served)
    assert saved["rules"]["max_basic_sections"] == 7
    assert saved["rules"]["separate_stages"] is False
    assert saved["data"] == "data/science_bureau"  # next to the bundled scenario, not an absolute path


def test_a_rule_edit_the_data_cannot_meet_is_refused_with_the_reason() -> None:
    at = load_bundled(new_session(), time_limit=None)
    by_label(at.number_input, "科室最少人数").set_value(5)
    submit(at, "应用修改")
    problems = table(at, "文件", "问题")
    assert any("13 人" in m and "每科至少 5 人" in m for m in problems["问题"])
    assert at.session_state["scenario"].rules.min_section_staff == 3  # the old scenario stays in force


def test_number_inputs_keep_rules_within_bounds() -> None:
    at = load_bundled(new_session(), time_limit=None)
    basic = by_label(at.number_input, "基本科室数上限")
    assert (basic.min, basic.max) == (1, 30)
    assert (
        by_label(at.number_input, "求解时间（秒）").min,
        by_label(at.number_input, "求解时间（秒）").max,
    ) == (
        1.0,
        600.0,
    )
    assert by_label(at.number_input, "非业务科室比例上限").max == 1.0


def test_invalid_upload_shows_every_problem_located_never_a_traceback() -> None:
    files = [(p.name, p.read_bytes()) for p in sorted((FIXTURES / "six_faults").glob("*.csv"))]
    at = upload(new_session(), files)
    problems = table(at, "文件", "问题")
    assert len(problems) == 6
    assert list(problems.columns) == ["文件", "行", "列", "值", "问题"]
    row = problems[problems["值"] == "temporary"].iloc[0]
    assert (row["文件"], row["行"], row["列"]) == ("sections.csv", "3", "kind")
    assert "可选值" in row["问题"]
    assert "scenario" not in at.session_state  # nothing was loaded
    at.radio(key="lang").set_value("en").run()
    problems = table(at, "File", "Message")
    assert "allowed values" in problems[problems["Value"] == "temporary"].iloc[0]["Message"]


def test_gbk_csv_zip_loads_and_names_the_department_after_the_zip() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        for p in sorted((FIXTURES / "small_gbk").glob("*.csv")):
            z.writestr(f"导出/{p.name}", p.read_bytes())
    at = upload(new_session(), [("县局数据.zip", buffer.getvalue())])
    sc = at.session_state["scenario"]
    assert sc is not None and sc.department.name == "县局数据"
    assert metric(at, "现有科室") == str(len(sc.department.sections))


def test_xlsx_upload_loads_with_default_rules() -> None:
    at = upload(new_session(), [("small.xlsx", (FIXTURES / "small.xlsx").read_bytes())], name="试点局")
    sc = at.session_state["scenario"]
    assert sc.department.name == "试点局"
    assert sc.rules.max_basic_sections == 9  # the contract's defaults


def test_zip_entries_cannot_write_outside_the_session_upload_folder(tmp_path: Path) -> None:
    from app_pages.uploads import Upload, save_uploads

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        for p in sorted((FIXTURES / "small").glob("*.csv")):
            z.writestr(f"../../{p.name}", p.read_bytes())
        z.writestr("__MACOSX/._sections.csv", b"junk")
    root = tmp_path / "session"
    saved = save_uploads([Upload("dept.zip", buffer.getvalue())], root)
    assert not saved.problems
    assert saved.path == root / "dept"
    assert sorted(p.name for p in saved.path.iterdir()) == sorted(
        p.name for p in (FIXTURES / "small").glob("*.csv")
    )
    assert not list(tmp_path.glob("*.csv"))  # nothing landed beside the session folder


def test_uploads_that_are_not_one_department_are_refused_with_a_reason(tmp_path: Path) -> None:
    from app_pages.uploads import Upload, save_uploads

    xlsx = (FIXTURES / "small.xlsx").read_bytes()
    mixed = save_uploads([Upload("a.xlsx", xlsx), Upload("sections.csv", b"id,name\n")], tmp_path)
    assert mixed.path is None and "一个 .xlsx" in mixed.problems[0].zh
    broken = save_uploads([Upload("d.zip", b"not a zip")], tmp_path)
    assert broken.path is None and broken.problems[0].en == "The .zip file cannot be opened."


def test_submitting_the_rules_unchanged_edits_nothing() -> None:
    at = load_bundled(new_session(), time_limit=None)
    submit(at, "应用修改")
    assert "没有修改。" in [i.value for i in at.info]
    assert at.session_state["overrides"] == {}


def test_an_edit_set_back_to_the_files_value_is_no_longer_a_change() -> None:
    at = load_bundled(new_session(), time_limit=None)
    band = by_label(at.number_input, "均衡容差（±）")
    original = band.value
    band.set_value(0.05)
    submit(at, "应用修改")
    assert set(at.session_state["overrides"]) == {"objective.balance_band"}
    by_label(at.number_input, "均衡容差（±）").set_value(original)
    submit(at, "应用修改")
    assert at.session_state["overrides"] == {}
    assert at.session_state["scenario"].objective.balance_band == pytest.approx(original)


def test_balance_band_edit_becomes_the_one_change_and_reaches_the_toml(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    served = capture_downloads(monkeypatch)
    at = load_bundled(new_session(), time_limit=None)
    band = by_label(at.number_input, "均衡容差（±）")
    assert band.value == pytest.approx(0.10) and band.max == 1.0
    band.set_value(0.05)
    submit(at, "应用修改")
    assert at.session_state["scenario"].objective.balance_band == pytest.approx(0.05)
    assert set(at.session_state["overrides"]) == {"objective.balance_band"}
    saved = served_toml(served)
    assert saved["objective"]["balance_band"] == pytest.approx(0.05)


def test_section_size_and_key_task_weights_reach_the_scenario_and_the_toml(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    served = capture_downloads(monkeypatch)
    at = load_bundled(new_session(), time_limit=None)
    ratio = by_label(at.number_input, "规模上限（倍）")
    assert ratio.value == pytest.approx(2.0) and ratio.min == 1.0
    ratio.set_value(3.0)
    by_label(at.number_input, "科室规模适度").set_value(5.0)
    key_tasks = by_label(at.number_input, "重点工作进专班")
    assert key_tasks.value == pytest.approx(4.0)
    key_tasks.set_value(0.0)
    submit(at, "应用修改")
    objective = at.session_state["scenario"].objective
    assert (objective.span_ratio, objective.span, objective.key_tasks) == (3.0, 5.0, 0.0)
    assert set(at.session_state["overrides"]) == {
        "objective.span_ratio",
        "objective.span",
        "objective.key_tasks",
    }
    saved = served_toml(served)
    assert (saved["objective"]["span_ratio"], saved["objective"]["span"]) == (3.0, 5.0)
    assert saved["objective"]["key_tasks"] == 0.0


def test_related_business_lines_are_typed_one_set_per_line_and_checked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    served = capture_downloads(monkeypatch)
    at = load_bundled(new_session(), time_limit=None)
    box = by_label(at.text_area, "相近业务板块（每行一组，用“、”分隔）")
    assert box.value == "" and "科技普及" in box.help
    box.set_value("科技普及、政策法规\n创新发展、天文")
    submit(at, "应用修改")
    problems = table(at, "问题")
    assert "天文" in " ".join(problems["问题"]) and at.session_state["overrides"] == {}
    by_label(at.text_area, "相近业务板块（每行一组，用“、”分隔）").set_value(
        "科技普及、政策法规\n创新发展，综合保障"
    )
    submit(at, "应用修改")
    assert at.session_state["scenario"].objective.related_groups == (
        ("科技普及", "政策法规"),
        ("创新发展", "综合保障"),
    )
    saved = served_toml(served)
    assert saved["objective"]["related_groups"] == [["科技普及", "政策法规"], ["创新发展", "综合保障"]]


def test_related_groups_text_parses_every_separator() -> None:
    from app_pages.scenario_page import parse_related_groups

    text = "甲、乙\n\n丙,丁；戊\n 己 + 庚 \n孤"
    assert parse_related_groups(text) == [["甲", "乙"], ["丙", "丁", "戊"], ["己", "庚"], ["孤"]]
