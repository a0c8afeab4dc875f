"""Scenario files: extends, overrides, settings problems, hash and TOML output."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from conftest import FIXTURES, SMALL
from hypothesis import given
from hypothesis import strategies as st

from restructure.domain import Pins, Process, Rules, Scenario, SolverSettings, Weights
from restructure.errors import InputError
from restructure.scenario import (
    load_department_as_scenario,
    load_scenario,
    scenario_hash,
    scenario_to_toml,
)
from restructure.validate import OBJECTIVE_SETTINGS, PIN_SETTINGS, RULE_SETTINGS, SOLVER_SETTINGS

BASE = FIXTURES / "scenarios" / "base.toml"
CHILD = FIXTURES / "scenarios" / "variants" / "licensing.toml"


def problems_of(path, overrides=None):
    with pytest.raises(InputError) as e:
        load_scenario(path, overrides)
    return e.value.problems


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_base_scenario_loads_every_table():
    sc = load_scenario(BASE)
    assert sc.name == "小型市场监管局 9+X"
    assert sc.department.name == "small" and len(sc.department.duties) == 15
    assert sc.rules.together == (("D005", "D006"),) and sc.rules.max_load_deviation == 0.2
    assert sc.pins == Pins(keep_sections=("S04",), duty_sections={"D012": "S04"})
    assert sc.processes == (Process("食品生产许可", ("D005", "D007"), 300.0, (5.0, 3.0), 2.0),)
    assert sc.objective == Weights(balance=10.0, disruption=2.0)
    assert sc.solver == SolverSettings(time_limit_s=5.0, seed=7)
    assert sc.source == str(BASE)
    assert sc.settings["data"] == os.path.abspath(SMALL)
    assert "extends" not in sc.settings


def test_extends_merges_deeply_and_keeps_data_relative_to_its_file():
    child = load_scenario(CHILD)
    base = load_scenario(BASE)
    assert child.name == "小型市场监管局（集中许可）"
    assert child.description == base.description  # inherited
    assert child.rules.single_section == ("support", "licensing")  # overridden
    assert child.rules.together == base.rules.together  # inherited from the same table
    assert child.pins.duty_sections == {"D012": "S04", "D013": "S04"}  # sub-table merged key by key
    assert child.solver.seed == 8 and child.solver.time_limit_s == 5.0
    assert child.processes == base.processes
    # data was set by base.toml, so it is relative to base.toml, not to variants/.
    assert child.department == base.department


def test_department_name_names_the_department_and_is_inherited_and_overridable(tmp_path):
    # Without it the department is called after its folder (small); with it, by its full name,
    # which a scenario extending this one inherits and an override replaces.
    assert load_scenario(BASE).department.name == "small"
    base = write(
        tmp_path, "base.toml", f'department_name = "某县市场监督管理局"\ndata = "{SMALL.as_posix()}"\n'
    )
    child = write(tmp_path, "child.toml", 'extends = "base.toml"\nname = "c"\n')
    assert load_scenario(base).department.name == "某县市场监督管理局"
    assert load_scenario(child).department.name == "某县市场监督管理局"
    assert load_scenario(child, {"department_name": "另一局"}).department.name == "另一局"
    # Saved as one file, it keeps the name.
    again = load_scenario(write(tmp_path, "copy.toml", scenario_to_toml(load_scenario(child))))
    assert again.department.name == "某县市场监督管理局"


def test_department_duties_and_approved_staffing_are_read_inherited_and_saved(tmp_path):
    base = write(
        tmp_path,
        "base.toml",
        f'department_duties = ["负责市场综合监督管理。", "负责登记注册。"]\napproved_staffing = 16\ndata = "{SMALL.as_posix()}"\n',
    )
    child = write(tmp_path, "child.toml", 'extends = "base.toml"\nname = "c"\napproved_staffing = 18\n')
    d = load_scenario(child).department
    assert d.main_duties == ("负责市场综合监督管理。", "负责登记注册。") and d.approved_staffing == 18
    again = load_scenario(write(tmp_path, "copy.toml", scenario_to_toml(load_scenario(child))))
    assert (again.department.main_duties, again.department.approved_staffing) == (d.main_duties, 18)
    # they are the scenario's settings: they count in its hash; a scenario without them keeps its own
    assert scenario_hash(load_scenario(base)) != scenario_hash(load_scenario(child))
    plain = load_scenario(BASE)
    assert (plain.department.main_duties, plain.department.approved_staffing) == ((), None)


def test_every_bundled_scenario_names_its_department():
    root = Path(__file__).resolve().parent.parent / "scenarios"
    for path in [*root.glob("*.toml"), *(root / "city").glob("*.toml")]:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
        while "department_name" not in doc and "extends" in doc:
            doc = tomllib.loads((path.parent / doc["extends"]).read_text(encoding="utf-8"))
        name = doc.get("department_name", "")
        assert name.endswith(("局", "办公室")), path


def test_extends_cycle_is_reported(tmp_path):
    write(tmp_path, "a.toml", 'extends = "b.toml"\nname = "a"\n')
    write(tmp_path, "b.toml", 'extends = "a.toml"\ndata = "x"\n')
    problems = problems_of(tmp_path / "a.toml")
    assert problems[0].column == "extends" and "cycle" in problems[0].en
    assert "a.toml → b.toml → a.toml" in problems[0].value


def test_extends_missing_file(tmp_path):
    path = write(tmp_path, "a.toml", 'name = "a"\nextends = "nowhere.toml"\n')
    [p] = problems_of(path)
    assert (p.file, p.row, p.column) == (str(path), 2, "extends")


def test_overrides_apply_after_extends_and_are_checked():
    sc = load_scenario(
        CHILD,
        {"rules.max_basic_sections": 7, "objective.disruption": 5, "solver.time_limit_s": 2, "name": "x"},
    )
    assert sc.rules.max_basic_sections == 7 and sc.objective.disruption == 5.0
    assert sc.solver.time_limit_s == 2.0 and isinstance(sc.solver.time_limit_s, float)
    assert sc.name == "x" and sc.settings["rules"]["max_basic_sections"] == 7
    assert sc.rules.single_section == ("support", "licensing")
    problems = problems_of(CHILD, {"rules.max_basic_sections": 0, "solver.wokers": 2, "name.first": "x"})
    assert sorted((p.file, p.column) for p in problems) == [
        ("overrides", "name.first"),
        ("overrides", "rules.max_basic_sections"),
        ("overrides", "solver.wokers"),
    ]
    assert any("did you mean workers" in p.en for p in problems)
    # a question ends the message, without a full stop after it
    assert any(
        p.zh.endswith("是否想写 workers？") and p.en.endswith("did you mean workers?") for p in problems
    )


def test_overrides_built_by_programs_tuples_and_numpy_numbers():
    import numpy as np

    sc = load_scenario(BASE, {"rules.max_basic_sections": np.int64(7), "rules.apart": (("D001", "D002"),)})
    assert sc.rules.max_basic_sections == 7 and type(sc.rules.max_basic_sections) is int
    assert sc.rules.apart == (("D001", "D002"),)
    assert scenario_hash(sc) == scenario_hash(
        load_scenario(BASE, {"rules.max_basic_sections": 7, "rules.apart": [["D001", "D002"]]})
    )


def test_bare_department_as_scenario_uses_the_default_rules():
    for path in (SMALL, FIXTURES / "small.xlsx"):
        sc = load_department_as_scenario(path)
        assert sc.rules == Rules() and sc.objective == Weights() and sc.solver == SolverSettings()
        assert sc.name == path.stem
    with pytest.raises(InputError):
        load_department_as_scenario(BASE)


def test_syntax_error_has_a_line(tmp_path):
    path = write(tmp_path, "s.toml", 'name = "s"\ndata = "../x"\n[rules]\nmax_basic_sections = = 3\n')
    [p] = problems_of(path)
    assert (p.file, p.row) == (str(path), 4) and "TOML" in p.en
    # the Chinese says what is wrong in Chinese, with the line and column; the English keeps the parser's words
    assert (
        p.zh == "TOML 语法错误：取值的写法不对（文字要加引号，true/false 小写，列表用 [ ]）（第4行第22列）。"
    )
    assert "Invalid value (at line 4, column 22)" in p.en
    [twice] = problems_of(write(tmp_path, "t.toml", 'name = "s"\nname = "t"\n'))
    assert "同一个设置写了两次" in twice.zh and "Cannot overwrite" not in twice.zh


SETTING_CASES = [
    ("[rules]\nmax_nonbusiness_section_share = -0.1", "rules.max_nonbusiness_section_share", "≥ 0"),
    ("[rules]\nmin_business_staff_share = 1.5", "rules.min_business_staff_share", "≤ 1"),
    ("[rules]\nmax_staff_moves = 2", "rules.max_staff_moves", "≤ 1"),
    ("[rules]\nmax_basic_sections = 0", "rules.max_basic_sections", "≥ 1"),
    ("[rules]\nmax_dynamic_sections = -1", "rules.max_dynamic_sections", "≥ 0"),
    ("[rules]\nmin_section_staff = 0", "rules.min_section_staff", "≥ 1"),
    ("[rules]\nmin_section_staff = 4\nmax_section_staff = 3", "rules.max_section_staff", "below"),
    ("[rules]\nmax_load_deviation = -0.2", "rules.max_load_deviation", "≥ 0"),
    ('[rules]\nsingle_section = ["support", "office"]', "rules.single_section", "office"),
    ("[rules]\nmax_deputies_per_section = -1", "rules.max_deputies_per_section", "≥ 0"),
    ("[rules]\nmax_basic_sections = 9.5", "rules.max_basic_sections", "integer"),
    ('[rules]\nkeep_section_count = "yes"', "rules.keep_section_count", "true or false"),
    ('[rules]\ntogether = [["D001"]]', "rules.together", "two ids"),
    ('[rules]\nplan_month = "2025/06"', "rules.plan_month", "YYYY-MM"),
    ("[rules]\nmax_basic_section = 8", "rules.max_basic_section", "did you mean max_basic_sections"),
    ("[solver]\ntime_limit_s = 0", "solver.time_limit_s", "> 0"),
    ("[solver]\nworkers = 0", "solver.workers", "≥ 1"),
    ("[solver]\nthreads = 4", "solver.threads", "not a known setting"),
    ("[objective]\nbalance = -1", "objective.balance", "≥ 0"),
    ("[objective]\nfairness = 1", "objective.fairness", "not a known setting"),
    ('[objective]\nrelated_groups = [["食品安全", "食品安全"]]', "objective.related_groups", "two different"),
    ('[objective]\nrelated_groups = ["食品安全"]', "objective.related_groups", "list"),
    ('[pins]\nkeep_sections = "S01"', "pins.keep_sections", "list"),
    ("[section_names]\nK01 = 1", "section_names.K01", "quoted text"),
    ('[pins.duty_sections]\nD001 = ["S01"]', "pins.duty_sections.D001", "quoted text"),
    ('section_names = "K01"', "section_names", "table"),
    ('department_name = "  "', "department_name", "non-empty"),
    ("department_name = 3", "department_name", "non-empty"),
    ('department_duties = "负责市场监管"', "department_duties", "list"),
    ('department_duties = ["负责市场监管", " "]', "department_duties", "item 2 is empty"),
    ("approved_staffing = -1", "approved_staffing", "≥ 0"),
    ("approved_staffing = 2.5", "approved_staffing", "integer"),
    (
        '[[processes]]\nname = "p"\nsteps = ["D001", "D002"]\ndays_per_step = [1]',
        "processes[1].days_per_step",
        "2 steps",
    ),
    ('[[processes]]\nsteps = ["D001"]', "processes[1].name", "missing"),
    ("[rulez]\nx = 1", "rulez", "did you mean rules"),
]


@pytest.mark.parametrize(("body", "column", "word"), SETTING_CASES, ids=[c[1] for c in SETTING_CASES])
def test_each_settings_rule_reports_file_line_and_key(tmp_path, body, column, word):
    text = f'name = "s"\ndata = "{SMALL.as_posix()}"\n\n{body}\n'
    path = write(tmp_path, "s.toml", text)
    [p] = problems_of(path)
    assert (p.file, p.column) == (str(path), column)
    assert word in p.en, p.en
    # A missing key or an unknown table is shown at its table's header, anything else at its own line.
    key_line = body.splitlines()[0 if column in ("rulez", "processes[1].name") else -1]
    assert text.splitlines()[p.row - 1] == key_line
    assert p.zh


def test_data_missing_or_not_found(tmp_path):
    [p] = problems_of(write(tmp_path, "a.toml", 'name = "a"\n'))
    assert p.column == "data"
    [p] = problems_of(write(tmp_path, "b.toml", 'name = "b"\ndata = "nowhere"\n'))
    assert (p.column, p.row, p.value) == ("data", 2, str(tmp_path / "nowhere"))


def test_ids_in_settings_are_checked_against_the_data(tmp_path):
    text = (
        f'data = "{SMALL.as_posix()}"\n[rules]\napart = [["D001", "D404"]]\n[pins]\nkeep_sections = ["S09"]\n'
    )
    path = write(tmp_path, "s.toml", text)
    # each at the line of its key
    assert sorted((p.file, p.row, p.column, p.value) for p in problems_of(path)) == [
        (str(path), 3, "rules.apart", "D404"),
        (str(path), 5, "pins.keep_sections", "S09"),
    ]


def test_related_business_lines_are_checked_against_the_data(tmp_path):
    text = f'data = "{SMALL.as_posix()}"\n[objective]\nrelated_groups = [["食品安全", "特种设备"], ["食品安全", "药品"]]\n'
    path = write(tmp_path, "s.toml", text)
    [p] = problems_of(path)
    assert (p.file, p.row, p.column, p.value) == (str(path), 3, "objective.related_groups", "药品")
    assert "set 2" in p.en and "duties.csv" in p.en and "第2组" in p.zh
    ok = load_scenario(BASE, {"objective.related_groups": [["食品安全", "特种设备"]]})
    assert ok.objective.related_groups == (("食品安全", "特种设备"),)
    # a new setting left unused does not change the hash of a scenario written before it existed
    assert scenario_hash(ok) != scenario_hash(load_scenario(BASE))
    assert "related_groups" not in scenario_to_toml(load_scenario(BASE), data=".")
    again = load_scenario(write(tmp_path, "copy.toml", scenario_to_toml(ok, data=str(SMALL))))
    assert again.objective == ok.objective and scenario_hash(again) == scenario_hash(ok)


def test_settings_and_data_problems_come_together(tmp_path):
    text = f'data = "{(FIXTURES / "six_faults").as_posix()}"\n[solver]\nworkers = 0\n'
    problems = problems_of(write(tmp_path, "s.toml", text))
    assert len(problems) == 7 and {p.file for p in problems} >= {str(tmp_path / "s.toml"), "duties.csv"}


def test_domain_fields_all_have_a_setting():
    # A field added to domain.py must be readable from TOML, or this fails.
    for cls, specs in ((Rules, RULE_SETTINGS), (Pins, PIN_SETTINGS), (Weights, OBJECTIVE_SETTINGS)):
        assert {f.name for f in dataclasses.fields(cls)} == set(specs), cls
    assert {f.name for f in dataclasses.fields(SolverSettings)} == set(SOLVER_SETTINGS)


# ---------------------------------------------------------------------------------------
# Hash and TOML output
# ---------------------------------------------------------------------------------------


def test_hash_depends_on_settings_in_force_and_data_content_only(tmp_path):
    base = load_scenario(BASE)
    h = scenario_hash(base)
    assert len(h) == 64
    # Writing a default explicitly does not change what is in force.
    assert scenario_hash(load_scenario(BASE, {"rules.max_load_deviation": 0.2, "objective.skills": 1})) == h
    assert scenario_hash(load_scenario(BASE, {"rules.max_basic_sections": 8})) != h
    assert scenario_hash(load_scenario(BASE, {"solver.seed": 1})) != h
    # The same data as GBK CSV (other column order) or as a workbook: same content, same hash.
    for variant in ("small_gbk", "small.xlsx"):
        other = load_scenario(BASE, {"data": str(FIXTURES / variant)})
        renamed = dataclasses.replace(other, department=dataclasses.replace(other.department, name="small"))
        assert scenario_hash(renamed) == h
    other = load_scenario(BASE, {"data": str(FIXTURES / "small_bom")})
    assert scenario_hash(other) != h  # the folder name is part of the department


def test_hash_is_the_same_in_another_process_and_directory(tmp_path):
    code = (
        "import sys; from restructure.scenario import load_scenario, scenario_hash; "
        "print(scenario_hash(load_scenario(sys.argv[1])))"
    )
    env = {**os.environ, "PYTHONHASHSEED": "123"}
    out = subprocess.run(
        [sys.executable, "-c", code, str(BASE.resolve())],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == scenario_hash(load_scenario(BASE))


def test_scenario_to_toml_is_self_contained_and_loads_back_the_same(tmp_path):
    child = load_scenario(CHILD, {"rules.plan_month": "2025-07", "section_names.K01": '综合"保障"科\\'})
    text = scenario_to_toml(child)
    assert "extends" not in tomllib.loads(text)
    path = write(tmp_path, "copy.toml", text)
    again = load_scenario(path)
    assert again.department == child.department
    for field in (
        "name",
        "description",
        "rules",
        "pins",
        "processes",
        "objective",
        "solver",
        "section_names",
    ):
        assert getattr(again, field) == getattr(child, field), field
    assert scenario_hash(again) == scenario_hash(child)
    # A given data path is written as given.
    assert 'data = "../small"' in scenario_to_toml(child, data="../small")


text_strategy = st.text(st.characters(blacklist_categories=("Cs",)), max_size=20)


@given(
    name=text_strategy,
    description=text_strategy,
    key=text_strategy.filter(bool),
    value=text_strategy.filter(str.strip),
)
def test_toml_strings_survive_any_text(name, description, key, value):
    base = load_scenario(BASE)
    sc = dataclasses.replace(base, name=name, description=description, section_names={key: value})
    doc = tomllib.loads(scenario_to_toml(sc, data="."))
    assert (doc["name"], doc["description"], doc["section_names"]) == (name, description, {key: value})


def test_programmatic_scenario_can_be_written(tmp_path):
    dept = load_scenario(BASE).department
    sc = Scenario(name="手工", department=dept, rules=Rules(apart=(("D001", "D002"),)))
    path = write(tmp_path, "s.toml", scenario_to_toml(sc, data=str(SMALL)))
    assert load_scenario(path).rules.apart == (("D001", "D002"),)


def test_department_name_is_what_the_plan_and_the_draft_say():
    from restructure.export import markdown_text
    from restructure.planning import solve

    sc = load_scenario(BASE, {"department_name": "某县市场监督管理局", "solver.time_limit_s": 2})
    plan = solve(sc, explain=False)
    assert plan.department == "某县市场监督管理局"
    title = markdown_text(plan, sc.department).splitlines()[0]
    assert title == "# 某县市场监督管理局内设机构、职责和人员编制方案（草案）"


def test_police_legal_review_and_inspection_are_kept_from_every_case_handling_unit():
    # 法制审核 and 督察 check case handling; a unit that investigates cases but has no duty in
    # the 执法办案 chain's implementation stage would let the solver merge 法制 into it
    # (it merged 法制大队 into 交通警察大队 when only 治安、刑侦、经侦 were listed)
    root = Path(__file__).resolve().parent.parent / "scenarios"
    dept = load_scenario(root / "public_security.toml").department
    handles_cases = {
        d.current_section for d in dept.duties if "案件" in d.name and d.function.value == "enforcement"
    }
    in_chain = {
        d.current_section for d in dept.duties if d.chain == "执法办案" and d.stage == "implementation"
    }
    review = {d.current_section for d in dept.duties if d.chain == "执法办案" and d.stage != "implementation"}
    assert handles_cases - review <= in_chain, [
        dept.section(s).name for s in handles_cases - review - in_chain
    ]
    # 督察 inspects street enforcement on duty (执勤执法) too: 特巡警 is in the chain, or the solver
    # folds 督察大队 into 特巡警大队, the unit it inspects most
    patrol = next(s.id for s in dept.sections if s.name == "特巡警大队")
    assert patrol in in_chain
