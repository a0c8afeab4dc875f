"""Exports of the fixed fixture plan: golden files, formats agree, formulas neutralised, names hidden."""

from __future__ import annotations

import dataclasses
import html
import io
import json
import os
import zipfile
from pathlib import Path

import openpyxl
import pytest
from docx import Document

from restructure.check import check_plan
from restructure.domain import Explanation, Finding, Plan, SolverInfo, Status
from restructure.export import (
    csv_zip_bytes,
    display_tables,
    docx_bytes,
    export_plan,
    markdown_text,
    xlsx_bytes,
)
from restructure.io import load_department
from restructure.plan_io import read_plan, write_csv_rows
from restructure.planning import solve
from restructure.scenario import load_department_as_scenario

FIXTURE = Path(__file__).parent / "fixtures" / "plan_fixture"
GOLDEN = Path(__file__).parent / "golden"
# Set RESTRUCTURE_UPDATE_GOLDEN=1 to rewrite the golden files after a deliberate change of wording.
UPDATE = os.environ.get("RESTRUCTURE_UPDATE_GOLDEN") == "1"


@pytest.fixture(scope="module")
def dept():
    return load_department(FIXTURE)


@pytest.fixture(scope="module")
def plan():
    return read_plan(FIXTURE / "plan.json")


def _golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.write_bytes(text.encode("utf-8"))
    assert text == path.read_bytes().decode("utf-8")


def test_the_fixture_plan_keeps_every_rule_and_states_true_figures(plan):
    """The golden exports show what a planner would see of a real plan: a hand-made draft that
    keeps every rule under the default rules, whose KPIs, goal points and objective are what the
    checker recomputes, and whose bound is no higher than the proven optimum of its data."""
    scenario = load_department_as_scenario(FIXTURE)
    report = check_plan(scenario, plan)
    assert [f.zh for f in report.violations] == [] and report.kpi_mismatches == ()
    assert plan.status is Status.FEASIBLE and plan.solver.objective == sum(plan.terms.values())
    best = solve(scenario, time_limit_s=10, seed=0, deterministic=True, workers=1, explain=False)
    assert (
        best.status is Status.OPTIMAL and plan.solver.bound <= best.solver.objective < plan.solver.objective
    )


@pytest.mark.parametrize("table", ["sections", "duties", "staff", "changes", "kpis", "objective"])
def test_csv_set_matches_golden(tmp_path, dept, plan, table):
    export_plan(plan, dept, tmp_path, formats=("csv",))
    _golden(f"zh_{table}.csv", (tmp_path / f"{table}.csv").read_bytes().decode("utf-8-sig"))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_markdown_draft_matches_golden(dept, plan, lang):
    _golden(f"sanding_draft_{lang}.md", markdown_text(plan, dept, lang=lang))


def test_pseudonymised_plan_json_matches_golden(tmp_path, dept, plan):
    (path,) = export_plan(plan, dept, tmp_path, formats=("json",), pseudonymise=True)
    _golden("plan_pseudonymised.json", path.read_text(encoding="utf-8"))


def test_draft_lists_sections_in_order_with_formal_wording(dept, plan):
    md = markdown_text(plan, dept)
    assert md.startswith("# 示例县市场监督管理局内设机构、职责和人员编制方案（草案）")
    # Support section first, the dynamic one last and marked as such.
    first = md.index("（一）综合保障科。负责机关日常运转和文电会务；")
    last = md.index("（四）营商环境优化专班。动态科室，随重点工作结束而撤销")
    assert first < md.index("（二）行政许可科。") < last
    assert "领导职数8名，其中科长（主任）4名、副科长（副主任）4名" in md
    assert "行政编制14名（14.0人年）、事业编制1名（0.8人年）、其他1名（1.0人年）" in md
    assert md.count("| 职责调整 |") == 5


def test_draft_names_the_heads_titles_where_units_are_not_all_sections(dept, plan):
    # a police bureau's units are 大队 and 中心: 科长（主任） would misname their heads
    renamed = dataclasses.replace(
        plan,
        sections=tuple(
            dataclasses.replace(
                s, name={"行政许可科": "治安管理大队", "市场监管科": "指挥中心"}.get(s.name, s.name)
            )
            for s in plan.sections
        ),
    )
    md = markdown_text(renamed, dept)
    assert "领导职数8名，其中正职（科长、大队长、主任）4名、副职4名。" in md


# The fixture's register: 14 on 行政编制, 1 on 事业编制 and 1 other. Only the 14 count against
# the approved administrative staffing.
@pytest.mark.parametrize(
    ("approved", "zh", "en"),
    [(16, "空编2名", "2 vacant"), (14, "满编", "fully staffed"), (13, "超编1名", "1 over it")],
)
def test_draft_states_main_duties_and_approved_staffing_when_the_scenario_gives_them(
    dept, plan, approved, zh, en
):
    duties = ("负责市场综合监督管理。", "负责市场主体统一登记注册。")
    told = dataclasses.replace(dept, main_duties=duties, approved_staffing=approved)
    md = markdown_text(plan, told)
    # 主要职责 first, in the scenario's words; the parts after it renumbered
    assert "## 一、主要职责\n\n（一）负责市场综合监督管理。\n\n（二）负责市场主体统一登记注册。" in md
    assert md.index("## 二、内设机构") < md.index("## 三、领导职数和人员编制")
    assert (
        f"现有实名制人员16名，折合全时当量15.8人年，其中行政编制14名（14.0人年）、事业编制1名（0.8人年）、其他1名（1.0人年）。核定行政编制{approved}名，{zh}。"
        in md
    )
    english = markdown_text(plan, told, lang="en")
    assert "## 1. Main duties" in english and "(2) 负责市场主体统一登记注册。" in english
    assert "## 2. Internal sections" in english and "## 3. Leadership posts and staffing" in english
    assert f"Approved administrative staffing: {approved}; {en}" in english
    docx = [p.text for p in Document(io.BytesIO(docx_bytes(plan, told))).paragraphs]
    assert docx[docx.index("一、主要职责") + 1] == "（一）负责市场综合监督管理。"
    # without them, the draft is as before (the golden files): no empty part, no approved figure
    assert "主要职责" not in markdown_text(plan, dept) and "核定行政编制" not in markdown_text(plan, dept)


def test_docx_draft_has_title_sections_and_annex(dept, plan):
    doc = Document(io.BytesIO(docx_bytes(plan, dept)))
    texts = [p.text for p in doc.paragraphs]
    assert texts[0] == "示例县市场监督管理局内设机构、职责和人员编制方案（草案）"
    assert any(t.startswith("（一）综合保障科。负责") for t in texts)
    assert any(t.startswith("（四）营商环境优化专班。动态科室，随重点工作结束而撤销") for t in texts)
    staffing, annex = doc.tables
    assert [c.text for c in staffing.rows[-1].cells][:3] == ["合计", "", "16"]
    assert len(annex.rows) == 1 + len(plan.changes)
    assert annex.rows[0].cells[1].text == "类型"


def test_xlsx_is_readable_as_opened(dept, plan):
    wb = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(plan, dept)))
    # every sheet name in Chinese, the KPI sheet too
    assert wb.sheetnames == ["科室", "职责", "人员与岗位", "变更清单", "指标", "目标分解"]
    ws = wb["科室"]
    assert ws.freeze_panes == "A2"
    assert all(c.font.bold for c in ws[1])
    assert [c.value for c in ws[1]][:3] == ["科室代码", "科室名称", "类型"]
    assert ws["C2"].value == "基本科室"
    # Workload stays a number with a number format; columns are wide enough for their header.
    wl_col = [c.value for c in ws[1]].index("工作量（FTE）") + 1
    cell = ws.cell(row=2, column=wl_col)
    assert cell.data_type == "n" and cell.value == pytest.approx(4.4) and cell.number_format == "0.00"
    assert ws.column_dimensions["B"].width >= 10
    kpi = wb["指标"]
    deltas = {r[0].value: r[4] for r in kpi.iter_rows(min_row=2)}
    assert deltas["sections_basic"].value == -3 and deltas["sections_basic"].data_type == "n"


def test_xlsx_english_headers(dept, plan):
    wb = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(plan, dept, lang="en")))
    assert wb.sheetnames == ["Sections", "Duties", "Staff & posts", "Changes", "KPI", "Objective breakdown"]
    assert [c.value for c in wb["Sections"][1]][:2] == ["Section code", "Section name"]
    assert wb["Sections"]["C2"].value == "basic section"


def test_all_formats_say_the_same_section_of_each_duty(tmp_path, dept, plan):
    export_plan(plan, dept, tmp_path, formats=("csv", "xlsx"))
    csv_rows = (tmp_path / "duties.csv").read_bytes().decode("utf-8-sig").splitlines()[1:]
    from_csv = {r.split(",")[0]: r.split(",")[10] for r in csv_rows}
    ws = openpyxl.load_workbook(tmp_path / "plan.xlsx")["职责"]
    from_xlsx = {r[0].value: r[10].value for r in ws.iter_rows(min_row=2)}
    by_plan = {d: s.name for s in plan.sections for d in s.duties}
    assert from_csv == from_xlsx == by_plan


def _hostile_plan(dept, plan):
    """The fixture with formula-like text in a duty name, a section name and a change detail."""
    duties = tuple(
        dataclasses.replace(d, name='=HYPERLINK("http://evil.example","点击")') if d.id == "D001" else d
        for d in dept.duties
    )
    sections = tuple(
        dataclasses.replace(s, name="+综合保障科") if s.id == "K01" else s for s in plan.sections
    )
    changes = (
        dataclasses.replace(plan.changes[0], detail_zh="@SUM(A1:A9)", detail_en="-2+3"),
        *plan.changes[1:],
    )
    return dataclasses.replace(dept, duties=duties), dataclasses.replace(
        plan, sections=sections, changes=changes
    )


def test_formula_like_text_never_runs_in_csv(dept, plan):
    hdept, hplan = _hostile_plan(dept, plan)
    with zipfile.ZipFile(io.BytesIO(csv_zip_bytes(hplan, hdept))) as zf:
        duties = zf.read("duties.csv").decode("utf-8-sig")
        changes = zf.read("changes.csv").decode("utf-8-sig")
        sections = zf.read("sections.csv").decode("utf-8-sig")
    assert "D001,\"'=HYPERLINK(" in duties
    assert ",'+综合保障科," in sections
    assert "'@SUM(A1:A9)" in changes and "'-2+3" in changes
    # Numbers, negative ones included, are written as numbers.
    kpis = csv_zip_bytes(hplan, hdept)
    with zipfile.ZipFile(io.BytesIO(kpis)) as zf:
        assert "sections_basic,基本科室数,6,3,-3" in zf.read("kpis.csv").decode("utf-8-sig")


def test_formula_like_text_is_a_plain_string_in_xlsx(dept, plan):
    hdept, hplan = _hostile_plan(dept, plan)
    data = xlsx_bytes(hplan, hdept)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        sheets = [zf.read(n).decode("utf-8") for n in zf.namelist() if n.startswith("xl/worksheets/sheet")]
    assert not any("<f>" in s or "<f " in s for s in sheets)
    wb = openpyxl.load_workbook(io.BytesIO(data))
    name_cell = wb["职责"]["B2"]
    assert name_cell.value == '=HYPERLINK("http://evil.example","点击")'
    assert name_cell.data_type == "s"
    assert wb["科室"]["B2"].value == "+综合保障科"


def test_plan_io_csv_writer_neutralises_formulas(tmp_path):
    path = tmp_path / "t.csv"
    write_csv_rows(path, [{"a": "=1+1", "b": -5, "c": "\tcmd", "d": "ok"}])
    assert path.read_bytes().decode("utf-8-sig").splitlines() == ["a,b,c,d", "'=1+1,-5,'\tcmd,ok"]


def test_pseudonymised_exports_hold_no_real_name_anywhere(tmp_path, dept, plan):
    files = export_plan(
        plan, dept, tmp_path, formats=("csv", "zip", "xlsx", "json", "docx", "md"), pseudonymise=True
    )
    texts = []
    for f in files:
        if f.suffix in (".zip", ".xlsx", ".docx"):
            with zipfile.ZipFile(f) as zf:
                # openpyxl writes non-ASCII text as character references: unescape before looking.
                texts += [html.unescape(zf.read(n).decode("utf-8", "replace")) for n in zf.namelist()]
        else:
            texts.append(f.read_bytes().decode("utf-8-sig"))
    blob = "\n".join(texts)
    assert len(dept.staff) == 16
    for person in dept.staff:
        assert person.name not in blob
    assert "人员P006由登记注册科调至营商环境优化专班" in blob
    # Stable: the same person gets the same pseudonym in every export and every run.
    again = markdown_text(plan, dept, pseudonymise=True)
    assert again == (tmp_path / "sanding_draft.md").read_text(encoding="utf-8")
    ws = openpyxl.load_workbook(tmp_path / "plan.xlsx")["人员与岗位"]
    assert {r[0].value: r[1].value for r in ws.iter_rows(min_row=2)}["P006"] == "人员P006"


def test_plain_export_keeps_names(dept, plan):
    assert "| P006 | 杨帆 | 登记注册科 | 营商环境优化专班 | 调任「营商环境优化专班」科长 |" in markdown_text(
        plan, dept
    )


def test_a_staff_move_in_the_draft_says_why(dept, plan):
    # from and to have their own columns; the detail is the person's reason (人随事走)
    text = markdown_text(plan, dept)
    assert (
        "| P007 | 赵敏 | 登记注册科 | 营商环境优化专班 | 人随事走：「登记注册科」有1项职责划入「营商环境优化专班」 |"
        in text
    )
    assert "赵敏由登记注册科调至" not in text


def test_infeasible_plan_exports_an_honest_draft(tmp_path, dept):
    finding = Finding(
        "max_basic_sections",
        "",
        "conflict",
        "基本科室数上限3个过低。",
        "A cap of 3 basic sections is too low.",
    )
    plan = Plan(
        scenario="过严",
        department="示例县市场监督管理局",
        status=Status.INFEASIBLE,
        sections=(),
        kpis={},
        baseline_kpis={"sections_basic": 6},
        explanation=Explanation(conflicts=(finding,), note_zh="规则相互冲突。", note_en="Rules conflict."),
        solver=SolverInfo(Status.INFEASIBLE),
    )
    files = export_plan(plan, dept, tmp_path, formats=("csv", "xlsx", "json", "docx", "md"))
    assert all(f.exists() for f in files)
    md = (tmp_path / "sanding_draft.md").read_text(encoding="utf-8")
    assert "在现有规则下未能形成方案" in md and "基本科室数上限3个过低" in md
    assert (tmp_path / "sections.csv").read_bytes().decode("utf-8-sig").strip() == (
        "科室代码,科室名称,类型,主要职能,重点工作代码,重点工作,承接现有科室代码,承接现有科室,职责事项数,人数,"
        "工作量（FTE）,人力（FTE）,人均工作量,正科职数,副科职数,科长代码,科长,副科长代码,副科长"
    )
    assert json.loads((tmp_path / "plan.json").read_text(encoding="utf-8"))["status"] == "infeasible"


def test_checks_sheet_lists_findings(dept, plan):
    class Report:  # the shape of restructure.check.CheckReport
        findings = (
            Finding("separate_stages", "食品生产监管", "met", "分设。", "Apart."),
            Finding("max_load_deviation", "K03", "violated", "市场监管科过忙。", "市场监管科 is overloaded."),
        )
        kpi_mismatches = ("kpi groups_split: plan says 2, recomputed 3",)
        ok = False

    wb = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(plan, dept, checks=Report())))
    rows = [[c.value for c in r] for r in wb["规则检查"].iter_rows(min_row=1)]
    # a workbook is for people: the message in the workbook's language only
    assert rows[0] == ["规则", "对象", "结果", "说明"]
    assert rows[1][:3] == ["横向分权制衡", "食品生产监管", "符合"]
    assert rows[2][2] == "不符合"
    assert rows[3][0] == "指标复核" and "groups_split" in rows[3][3]


def test_unknown_format_and_language_are_refused(tmp_path, dept, plan):
    with pytest.raises(ValueError, match="pdf"):
        export_plan(plan, dept, tmp_path, formats=("pdf",))
    with pytest.raises(ValueError, match="lang"):
        xlsx_bytes(plan, dept, lang="fr")


def _rule_names_emitted() -> set[str]:
    """Every rule key the checker (``out.add("key", ...)``) or the model (``guard("key", ...)``)
    can put in a checks table or a conflict, read from their source."""
    import ast

    import restructure

    root = Path(restructure.__file__).parent
    files = [root / "check.py", *sorted((root / "model" / "rules").glob("*.py"))]
    names = set()
    for f in files:
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant)):
                continue
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            if called in ("add", "guard") and isinstance(node.args[0].value, str):
                names.add(node.args[0].value)
    return names


def test_every_rule_the_checker_or_model_names_has_a_label(dept, plan):
    from restructure.terms import RULES

    names = _rule_names_emitted()
    assert {"successors", "posts_need_people", "max_load_deviation", "apart"} <= names  # the scan works
    assert sorted(names - set(RULES)) == []
    checks = [Finding(rule, "", "met", "", "") for rule in sorted(names)]
    # in a Chinese checks table no row shows a raw key
    zh = display_tables(plan, dept, checks=checks)["checks"]
    assert all(row[0] != rule for row, rule in zip(zh.rows, sorted(names), strict=True))


def test_changes_csv_of_a_plan_without_changes_has_the_full_header(tmp_path, dept, plan):
    from restructure.plan_io import write_plan

    write_plan(plan, dept, tmp_path / "some")
    write_plan(dataclasses.replace(plan, changes=()), dept, tmp_path / "none")
    header = (tmp_path / "some" / "changes.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert header == (
        "kind,item,name,from_section,from_section_name,to_section,to_section_name,detail_zh,detail_en"
    )
    assert (tmp_path / "none" / "changes.csv").read_text(encoding="utf-8-sig").splitlines() == [header]


def _sheet(wb, name):
    rows = [[c.value for c in r] for r in wb[name].iter_rows()]
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


def test_csv_names_beside_codes(tmp_path, dept, plan):
    # The data files keep the codes (round trips) and add the names a planner reads.
    export_plan(plan, dept, tmp_path, formats=("csv",), lang="en")
    sections = (tmp_path / "sections.csv").read_bytes().decode("utf-8-sig").splitlines()
    assert sections[0].endswith("Chief code,Chief,Deputy codes,Deputies")
    assert "Key task code,Key task," in sections[0]
    assert sections[1].endswith("P001,王建国,P002;P004,李秀英;刘洋")
    assert ",KT01,营商环境优化," in sections[4]
    changes = (tmp_path / "changes.csv").read_bytes().decode("utf-8-sig").splitlines()
    assert changes[0].startswith("Kind,Item,Name,From (code),From,To (code),To,")
    assert ",S03,登记注册科,K02,行政许可科," in changes[1]


def test_xlsx_shows_names_with_their_codes(dept, plan):
    wb = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(plan, dept)))
    sections = _sheet(wb, "科室")
    assert "科长代码" not in sections[0] and "副科长代码" not in sections[0]
    assert sections[0]["科长"] == "王建国（P001）"
    assert sections[0]["副科长"] == "李秀英（P002）；刘洋（P004）"
    assert sections[3]["重点工作"] == "营商环境优化（KT01）"
    changes = _sheet(wb, "变更清单")
    assert (changes[0]["原科室"], changes[0]["新科室"]) == ("登记注册科（S03）", "行政许可科（K02）")
    en = _sheet(openpyxl.load_workbook(io.BytesIO(xlsx_bytes(plan, dept, lang="en"))), "Sections")
    assert en[0]["Chief"] == "王建国 (P001)" and en[0]["Deputies"] == "李秀英 (P002); 刘洋 (P004)"


@pytest.mark.parametrize(
    ("lang", "shown", "hidden"), [("zh", "理由", "理由（英文）"), ("en", "Reason", "Reason (zh)")]
)
def test_xlsx_text_only_in_its_language(dept, plan, lang, shown, hidden):
    wb = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(plan, dept, lang=lang)))
    duties = [c.value for c in wb.worksheets[1][1]]
    changes = [c.value for c in wb.worksheets[3][1]]
    assert shown in duties and hidden not in duties
    assert not any("英文" in h or "(zh)" in h for h in changes)


def test_checks_name_a_function_in_the_planners_words(tmp_path, dept, plan):
    class Report:
        findings = (Finding("single_section", "support", "binding", "集中。", "In one."),)
        kpi_mismatches = ()
        ok = True

    export_plan(plan, dept, tmp_path, formats=("csv", "xlsx"), checks=Report())
    row = (tmp_path / "checks.csv").read_bytes().decode("utf-8-sig").splitlines()[1]
    assert row.startswith("职能集中在一个科室,综合保障,")
    assert _sheet(openpyxl.load_workbook(tmp_path / "plan.xlsx"), "规则检查")[0]["对象"] == "综合保障"
    en = csv_zip_bytes(plan, dept, lang="en", checks=Report())
    assert b",comprehensive support," in zipfile.ZipFile(io.BytesIO(en)).read("checks.csv")


def test_docx_headings_use_the_named_fonts_in_black_on_a4(dept, plan):
    from docx.oxml.ns import qn

    doc = Document(io.BytesIO(docx_bytes(plan, dept)))
    theme = [qn(a) for a in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")]
    for name, east_asian in (("Title", "宋体"), ("Heading 1", "黑体")):
        for style in (doc.styles[name], doc.styles[f"{name} Char"]):
            fonts = style.element.rPr.rFonts
            # a theme font attribute would win over 宋体/黑体 in Word
            assert not [a for a in theme if fonts.get(a) is not None], style.name
            assert fonts.get(qn("w:eastAsia")) == east_asian
            color = style.element.rPr.find(qn("w:color"))
            assert color.get(qn("w:val")) == "000000" and color.get(qn("w:themeColor")) is None
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    assert [round(m.mm) for m in margins] == [37, 35, 28, 26]  # GB/T 9704


def test_share_kpis_read_as_percentages_in_the_workbook(dept, plan):
    ws = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(plan, dept)))["指标"]
    headers = [c.value for c in ws[1]]
    code, today = headers.index("指标代码") + 1, headers.index("现状") + 1
    formats = {
        ws.cell(row=r, column=code).value: ws.cell(row=r, column=today).number_format
        for r in range(2, ws.max_row + 1)
    }
    assert formats["business_staff_share"] == "0.0%"
    assert formats["nonbusiness_section_share"] == "0.0%"
    assert formats["max_load_ratio"] != "0.0%"  # a ratio of loads is not a share


def test_objective_notes_name_the_rule_that_keeps_key_task_work_in_basic_sections(dept, plan):
    """A 专班 costs a standing section under 内设机构个数不变, and none can be added at the cap:
    the notes under the objective say which rule it is, with the plan's count of duties."""
    from restructure.export.tables import objective_notes

    sc = load_department_as_scenario(FIXTURE)
    outside = dataclasses.replace(plan, term_units={**plan.term_units, "key_tasks": 2.0})
    kept = dataclasses.replace(sc, rules=dataclasses.replace(sc.rules, keep_section_count=True))
    (zh,) = [n for n in objective_notes(outside, kept, "zh") if "重点工作" in n]
    assert (
        zh.startswith("内设机构个数不变：每设一个动态科室须相应撤并一个基本科室")
        and "有2项重点工作职责" in zh
    )
    (en,) = [n for n in objective_notes(outside, kept, "en") if "key-task" in n]
    assert en.startswith("section count kept") and "leaves 2 key-task duties" in en
    # without that rule, at the cap of dynamic sections: the cap is named
    dynamic = int(plan.kpis["sections_dynamic"])
    capped = dataclasses.replace(
        sc, rules=dataclasses.replace(sc.rules, keep_section_count=False, max_dynamic_sections=dynamic)
    )
    (zh,) = [n for n in objective_notes(outside, capped, "zh") if "重点工作" in n]
    assert zh.startswith(f"动态科室已达上限{dynamic}个")
    # below the cap, or with every key-task duty in a dynamic section, no such note
    roomy = dataclasses.replace(
        capped, rules=dataclasses.replace(capped.rules, max_dynamic_sections=dynamic + 1)
    )
    assert not [n for n in objective_notes(outside, roomy, "zh") if "重点工作" in n]
    inside = dataclasses.replace(plan, term_units={**plan.term_units, "key_tasks": 0.0})
    assert not [n for n in objective_notes(inside, kept, "zh") if "重点工作" in n]
