"""Generated departments: deterministic, plausible, and plannable under the default rules."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from restructure.cli import app
from restructure.domain import Function, Rank, Rules
from restructure.generate import generate_department
from restructure.io import read_tables, write_department
from restructure.scenario import load_scenario
from restructure.validate import validate_tables


def test_same_seed_same_department_other_seed_other_department():
    a = generate_department(120, 48, 12, 2, seed=5)
    assert a == generate_department(120, 48, 12, 2, seed=5)
    assert a != generate_department(120, 48, 12, 2, seed=6)


@pytest.mark.parametrize(
    ("n_duties", "n_staff", "n_sections", "n_chains", "seed"), [(120, 48, 12, 2, 0), (200, 80, 16, 3, 1)]
)
def test_sizes_and_the_shape_of_a_bureau_before_reform(n_duties, n_staff, n_sections, n_chains, seed):
    dept = generate_department(n_duties, n_staff, n_sections, n_chains, seed)
    assert (len(dept.duties), len(dept.staff), len(dept.sections)) == (n_duties, n_staff, n_sections)
    names = [s.name for s in dept.sections]
    assert {"办公室", "财务科", "人事科", "政策法规科", "行政许可科", "执法监督科"} <= set(names)
    assert len(set(names)) == len(names)

    share = Counter(d.function for d in dept.duties)
    assert 0.12 <= share[Function.SUPPORT] / n_duties <= 0.18
    assert 0.07 <= share[Function.POLICY] / n_duties <= 0.13
    assert 0.10 <= share[Function.LICENSING] / n_duties <= 0.18
    assert 0.15 <= share[Function.ENFORCEMENT] / n_duties <= 0.25
    assert 0.25 <= share[Function.BUSINESS] / n_duties <= 0.45
    assert share[Function.KEY_TASK] > 0
    # Support work sits in three sections today: the merge into one is what the reform does.
    support_homes = {d.current_section for d in dept.duties if d.function == Function.SUPPORT}
    assert len(support_homes) == 3

    by_section = Counter(p.current_section for p in dept.staff)
    for s in dept.sections:
        people = [p for p in dept.staff if p.current_section == s.id]
        assert s.chief_posts == 1 and [p.rank for p in people].count(Rank.CHIEF) == 1
        assert [p.rank for p in people].count(Rank.DEPUTY) == s.deputy_posts <= 2
        assert by_section[s.id] >= 3
        assert any(d.current_section == s.id for d in dept.duties)

    ratio = dept.total_workload / dept.total_capacity
    assert 0.9 <= ratio <= 1.0
    assert all(0.1 <= d.workload_fte <= 1.5 for d in dept.duties)
    ranged = [d for d in dept.duties if d.workload_low is not None]
    assert len(ranged) >= 0.6 * n_duties
    assert all(d.workload_low <= d.workload_fte <= d.workload_high for d in ranged)
    assert any(not p.movable for p in dept.staff)
    assert all(0 < p.capacity_fte <= 1 for p in dept.staff)
    assert sum(p.capacity_fte == 1.0 for p in dept.staff) >= 0.7 * n_staff
    assert any(d.skills for d in dept.duties) and any(p.skills for p in dept.staff)


def test_chains_have_four_stages_often_in_one_section():
    dept = generate_department(200, 80, 16, 6, seed=2)
    chains: dict[str, list] = {}
    for d in dept.duties:
        if d.chain:
            chains.setdefault(d.chain, []).append(d)
    assert len(chains) == 6
    for duties in chains.values():
        assert sorted(d.stage for d in duties) == ["guideline", "implementation", "review", "supervision"]
        assert len({d.group for d in duties}) == 1
    assert sum(len({d.current_section for d in duties}) == 1 for duties in chains.values()) >= 2


def test_key_tasks_carry_enough_work_for_a_dynamic_section():
    dept = generate_department(160, 60, 12, 2, seed=3)
    assert len(dept.key_tasks) == 3
    for kt in dept.key_tasks:
        fte = sum(d.workload_fte for d in dept.duties if d.key_task == kt.id)
        assert 2.9 <= fte <= 6.1
        assert kt.start < kt.end
        assert all(d.function == Function.KEY_TASK for d in dept.duties if d.key_task == kt.id)


@given(
    n_sections=st.integers(1, 14),
    extra_staff=st.integers(0, 30),
    n_chains=st.integers(0, 4),
    n_key_tasks=st.integers(0, 3),
    seed=st.integers(0, 2**32 - 1),
)
def test_generated_departments_pass_validation_with_default_rules(
    tmp_path_factory, n_sections, extra_staff, n_chains, n_key_tasks, seed
):
    n_staff = 3 * n_sections + extra_staff
    n_duties = max(4 * n_chains + 3 * n_key_tasks + n_sections + 3, n_staff)
    dept = generate_department(n_duties, n_staff, n_sections, n_chains, seed, n_key_tasks=n_key_tasks)
    assert len(dept.duties) == n_duties and len(dept.staff) == n_staff
    folder = tmp_path_factory.mktemp("gen")
    write_department(dept, folder)
    # Default rules include the leadership-post and staffing checks: a plan is not ruled out.
    assert validate_tables(read_tables(folder), Rules()) == []
    assert {s.chief_posts for s in dept.sections} == {1}
    assert all(any(d.current_section == s.id for d in dept.duties) for s in dept.sections)


def test_generated_department_is_valid_as_written(tmp_path):
    dept = generate_department(300, 120, 18, 4, seed=9)
    write_department(dept, tmp_path / "d")
    assert validate_tables(read_tables(tmp_path / "d"), Rules()) == []


@pytest.mark.parametrize(
    ("args", "word"),
    [
        ((60, 8, 3, 0, 0), "3 per section"),
        ((10, 30, 10, 0, 0), "n_duties"),
        ((60, 30, 0, 0, 0), "n_sections"),
        ((60, 30, 30, 0, 0), "n_sections"),
        ((40, 90, 5, 0, 0), "n_duties"),
    ],
)
def test_impossible_sizes_are_refused(args, word):
    with pytest.raises(ValueError, match=word):
        generate_department(*args)


def test_generate_command_writes_a_loadable_scenario(tmp_path):
    runner = CliRunner()
    for fmt in ("csv", "xlsx"):
        out = tmp_path / f"dept_{fmt}"
        sizes = ["--duties", "60", "--staff", "24", "--sections", "6", "--chains", "1", "--seed", "4"]
        result = runner.invoke(app, ["generate", *sizes, "--out", str(out), "--format", fmt, "--lang", "en"])
        assert result.exit_code == 0, result.output
        assert "written" in result.output
        sc = load_scenario(out / "scenario.toml")
        expected = generate_department(60, 24, 6, 1, 4)
        # the generated department's own name, not its folder's: the draft is titled with it
        assert len(sc.department.duties) == 60 and sc.department.name == expected.name != out.name
        assert sc.department.duties == expected.duties and sc.department.staff == expected.staff
    assert (tmp_path / "dept_xlsx" / "dept_xlsx.xlsx").is_file()
    assert 'data = "."' in (tmp_path / "dept_csv" / "scenario.toml").read_text(encoding="utf-8")


def test_generate_command_refuses_bad_sizes_without_traceback(tmp_path):
    result = CliRunner().invoke(
        app, ["generate", "--staff", "5", "--sections", "4", "--out", str(tmp_path / "x")]
    )
    assert result.exit_code == 1
    assert "无法生成" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "x").exists()
