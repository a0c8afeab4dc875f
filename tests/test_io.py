"""Reading and writing department data: every format gives the same department."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES, SMALL, edit_csv
from hypothesis import given
from hypothesis import strategies as st

from restructure.domain import Department, Function, Rank
from restructure.errors import InputError
from restructure.generate import generate_department
from restructure.io import load_department, read_tables, write_department


def same_data(a: Department, b: Department) -> bool:
    """Equal apart from where the data came from."""
    return dataclasses.replace(a, name="", source="") == dataclasses.replace(b, name="", source="")


def test_small_fixture_loads_with_its_values():
    dept = load_department(SMALL)
    assert dept.name == "small"
    assert len(dept.sections) == 4 and len(dept.duties) == 15 and len(dept.staff) == 13
    d001 = dept.duty("D001")
    assert d001.function == Function.SUPPORT and d001.workload_fte == 0.8
    assert (d001.workload_low, d001.workload_high) == (0.6, 1.0)
    assert dept.duty("D004").skills == ("法律", "文字综合")
    assert dept.duty("D014").current_section is None and dept.duty("D014").key_task == "KT1"
    assert dept.duty("D008").chain == "食品抽检" and dept.duty("D008").stage == "guideline"
    assert dept.person("P006").movable is False and dept.person("P012").movable is False  # "false", "否"
    assert dept.person("P009").movable is True  # "yes"
    assert dept.person("P003").capacity_fte == 0.5 and dept.person("P001").rank == Rank.CHIEF
    assert (dept.chief_posts, dept.deputy_posts) == (4, 2)
    assert dept.key_tasks[0].start == "2025-01" and dept.key_tasks[0].end == "2026-12"


@pytest.mark.parametrize("variant", ["small_bom", "small_gbk", "small.xlsx"])
def test_every_format_loads_to_the_same_department(variant):
    # small_gbk also has shuffled columns and headers in other cases with spaces around them;
    # small.xlsx holds numbers as numbers, a month typed as a date and capitalised sheet names.
    reference = load_department(SMALL)
    other = load_department(FIXTURES / variant)
    assert same_data(reference, other)
    assert other.name == Path(variant).stem


def test_extra_columns_are_kept_verbatim_and_written_back(tmp_path):
    dept = load_department(SMALL)
    assert dept.duty("D004").extra == {"备注": "依据三定规定"}
    assert dept.duty("D007").extra == {"备注": '含"双随机"抽查'}
    assert dept.duty("D001").extra == {}  # an empty cell is "not given"
    for target in (tmp_path / "csv", tmp_path / "dept.xlsx"):
        write_department(dept, target)
        again = load_department(target)
        assert same_data(dept, again)
        assert again.duty("D004").extra == {"备注": "依据三定规定"}


def test_ids_and_text_stay_as_written(small_copy):
    folder = small_copy(("staff.csv", 2, "id", "007"), ("staff.csv", 3, "name", "  李 强 "))
    dept = load_department(folder)
    assert dept.staff[0].id == "007"
    assert dept.staff[1].name == "李 强"  # contract values are trimmed, inner spaces kept


def test_write_gbk_and_read_back(tmp_path):
    dept = load_department(SMALL)
    write_department(dept, tmp_path / "gbk", encoding="gbk")
    raw = (tmp_path / "gbk" / "duties.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    assert same_data(dept, load_department(tmp_path / "gbk"))


def test_read_tables_keeps_spreadsheet_row_numbers(tmp_path):
    folder = tmp_path / "d"
    shutil.copytree(SMALL, folder)
    text = (folder / "staff.csv").read_text(encoding="utf-8").splitlines()
    text.insert(3, ",,,,,,,,")  # a blank row as Excel exports it: row 4 stays row 4
    (folder / "staff.csv").write_text("\n".join(text) + "\n", encoding="utf-8")
    raw = read_tables(folder)
    staff = raw.tables["staff"]
    assert [r.number for r in staff.rows][:4] == [2, 3, 5, 6]
    assert staff.file == "staff.csv"
    assert read_tables(FIXTURES / "small.xlsx").tables["duties"].file == "small.xlsx:Duties"


def test_key_tasks_table_is_optional(tmp_path):
    folder = tmp_path / "d"
    shutil.copytree(SMALL, folder)
    (folder / "key_tasks.csv").unlink()
    for f in ("duties.csv",):
        for row in (15, 16):
            edit_csv(folder / f, row, "function", "business")
            edit_csv(folder / f, row, "key_task", "")
    dept = load_department(folder)
    assert dept.key_tasks == ()


def test_missing_path_and_wrong_file_raise_input_error(tmp_path):
    with pytest.raises(InputError) as e:
        load_department(tmp_path / "nowhere")
    assert e.value.problems[0].file.endswith("nowhere")
    (tmp_path / "notes.txt").write_text("x", encoding="utf-8")
    with pytest.raises(InputError):
        load_department(tmp_path / "notes.txt")


def test_damaged_workbook_raises_input_error(tmp_path):
    bad = tmp_path / "dept.xlsx"
    bad.write_bytes(b"PK\x03\x04 this is not really a workbook")
    with pytest.raises(InputError) as e:
        load_department(bad)
    assert e.value.problems[0].file == "dept.xlsx"


def test_undecodable_csv_is_a_problem_not_a_crash(tmp_path):
    folder = tmp_path / "d"
    shutil.copytree(SMALL, folder)
    (folder / "staff.csv").write_bytes(b"id,rank\n\xff\xfe\x81\x30,chief\n")
    with pytest.raises(InputError) as e:
        load_department(folder)
    assert any(p.file == "staff.csv" and "encoding" in p.en for p in e.value.problems)


def test_text_starting_with_equals_stays_text_in_a_workbook(tmp_path):
    dept = load_department(SMALL)
    duty = dataclasses.replace(dept.duties[0], name="=1+1")
    dept = dataclasses.replace(dept, duties=(duty, *dept.duties[1:]))
    write_department(dept, tmp_path / "d.xlsx")
    assert load_department(tmp_path / "d.xlsx").duties[0].name == "=1+1"


@given(
    n_sections=st.integers(1, 5),
    extra_staff=st.integers(0, 6),
    n_chains=st.integers(0, 2),
    seed=st.integers(0, 2**32 - 1),
)
def test_generated_departments_round_trip_through_csv(
    tmp_path_factory, n_sections, extra_staff, n_chains, seed
):
    n_staff = 3 * n_sections + extra_staff
    n_duties = max(4 * n_chains + n_sections + 3, n_staff) + 4
    dept = generate_department(n_duties, n_staff, n_sections, n_chains, seed)
    folder = tmp_path_factory.mktemp("gen")
    write_department(dept, folder)
    assert same_data(dept, load_department(folder))


def test_generated_department_round_trips_through_xlsx(tmp_path):
    dept = generate_department(60, 24, 6, 2, seed=11, n_key_tasks=1)
    write_department(dept, tmp_path / "gen.xlsx")
    assert same_data(dept, load_department(tmp_path / "gen.xlsx"))
