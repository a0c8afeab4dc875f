"""Every validation rule, each with its own small failing department, located as in Excel."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import DROP, FIXTURES, SMALL
from hypothesis import given
from hypothesis import strategies as st

from restructure.domain import Pins, Process, Rules
from restructure.errors import InputError
from restructure.io import load_department, read_tables
from restructure.validate import validate_tables

# (case, edits, expected file, row, column, a word the English message must contain)
TABLE_CASES = [
    (
        "missing required column",
        [("duties.csv", None, "function", DROP)],
        "duties.csv",
        1,
        "function",
        "column",
    ),
    ("missing required value", [("duties.csv", 3, "name", "")], "duties.csv", 3, "name", "missing"),
    ("missing rank", [("staff.csv", 5, "rank", " ")], "staff.csv", 5, "rank", "missing"),
    ("duplicate duty id", [("duties.csv", 4, "id", "D001")], "duties.csv", 4, "id", "row 2"),
    ("duplicate staff id", [("staff.csv", 3, "id", "P001")], "staff.csv", 3, "id", "Duplicate"),
    (
        "non-numeric workload",
        [("duties.csv", 2, "workload_fte", "abc")],
        "duties.csv",
        2,
        "workload_fte",
        "number",
    ),
    ("zero workload", [("duties.csv", 2, "workload_fte", "0")], "duties.csv", 2, "workload_fte", "> 0"),
    ("negative workload", [("duties.csv", 6, "workload_fte", "-1")], "duties.csv", 6, "workload_fte", "> 0"),
    (
        "workload with underscore",
        [("duties.csv", 2, "workload_fte", "1_0")],
        "duties.csv",
        2,
        "workload_fte",
        "number",
    ),
    ("capacity zero", [("staff.csv", 2, "capacity_fte", "0")], "staff.csv", 2, "capacity_fte", "(0, 1]"),
    (
        "capacity above one",
        [("staff.csv", 2, "capacity_fte", "1.2")],
        "staff.csv",
        2,
        "capacity_fte",
        "(0, 1]",
    ),
    (
        "unknown duty section",
        [("duties.csv", 2, "current_section", "S99")],
        "duties.csv",
        2,
        "current_section",
        "S99",
    ),
    (
        "unknown staff section",
        [("staff.csv", 9, "current_section", "S9")],
        "staff.csv",
        9,
        "current_section",
        "S9",
    ),
    ("unknown key task", [("duties.csv", 15, "key_task", "KT9")], "duties.csv", 15, "key_task", "KT9"),
    ("chain without stage", [("duties.csv", 9, "stage", "")], "duties.csv", 9, "stage", "stage"),
    ("stage without chain", [("duties.csv", 2, "stage", "review")], "duties.csv", 2, "chain", "chain"),
    ("unknown function", [("duties.csv", 2, "function", "office")], "duties.csv", 2, "function", "key_task"),
    (
        "unknown rank",
        [("staff.csv", 2, "rank", "director")],
        "staff.csv",
        2,
        "rank",
        "chief/科长/正科, deputy/副科长/副科, staff/一般干部/科员",
    ),
    ("unknown kind", [("sections.csv", 2, "kind", "temporary")], "sections.csv", 2, "kind", "basic, dynamic"),
    (
        "unknown establishment",
        [("staff.csv", 2, "establishment", "contract")],
        "staff.csv",
        2,
        "establishment",
        "administrative, institution, other",
    ),
    (
        "low above workload",
        [("duties.csv", 2, "workload_low", "0.9")],
        "duties.csv",
        2,
        "workload_low",
        "above",
    ),
    (
        "workload above high",
        [("duties.csv", 2, "workload_high", "0.7")],
        "duties.csv",
        2,
        "workload_high",
        "below",
    ),
    (
        "non-numeric low",
        [("duties.csv", 3, "workload_low", "low")],
        "duties.csv",
        3,
        "workload_low",
        "number",
    ),
    (
        "non-numeric high",
        [("duties.csv", 3, "workload_high", "x")],
        "duties.csv",
        3,
        "workload_high",
        "number",
    ),
    ("bad movable", [("staff.csv", 2, "movable", "maybe")], "staff.csv", 2, "movable", "是"),
    (
        "negative years in post",
        [("staff.csv", 2, "years_in_post", "-1")],
        "staff.csv",
        2,
        "years_in_post",
        "0 or more",
    ),
    (
        "text years in post",
        [("staff.csv", 2, "years_in_post", "five")],
        "staff.csv",
        2,
        "years_in_post",
        "number",
    ),
    ("bad start month", [("key_tasks.csv", 2, "start", "2025-13")], "key_tasks.csv", 2, "start", "YYYY-MM"),
    ("bad end month", [("key_tasks.csv", 2, "end", "Dec 2026")], "key_tasks.csv", 2, "end", "YYYY-MM"),
    ("end before start", [("key_tasks.csv", 2, "end", "2024-12")], "key_tasks.csv", 2, "end", "before"),
    (
        "negative chief posts",
        [("sections.csv", 3, "chief_posts", "-1")],
        "sections.csv",
        3,
        "chief_posts",
        "0 or more",
    ),
    (
        "fractional deputy posts",
        [("sections.csv", 2, "deputy_posts", "1.5")],
        "sections.csv",
        2,
        "deputy_posts",
        "whole",
    ),
    (
        "key_task duty without id",
        [("duties.csv", 16, "key_task", "")],
        "duties.csv",
        16,
        "key_task",
        "key task",
    ),
]


@pytest.mark.parametrize(
    ("edits", "file", "row", "column", "word"),
    [pytest.param(*case[1:], id=case[0]) for case in TABLE_CASES],
)
def test_each_table_rule_reports_file_row_and_column(small_copy, edits, file, row, column, word):
    folder = small_copy(*edits)
    problems = validate_tables(read_tables(folder))
    assert [(p.file, p.row, p.column) for p in problems] == [(file, row, column)], problems
    assert word in problems[0].en + problems[0].zh
    assert problems[0].zh and problems[0].en


def test_the_small_fixture_is_valid():
    assert validate_tables(read_tables(SMALL), Rules(), pins=Pins(keep_sections=("S01",))) == []


def test_accepted_spellings(small_copy):
    folder = small_copy(
        ("staff.csv", 2, "movable", "FALSE"),
        ("staff.csv", 3, "movable", "No"),
        ("staff.csv", 4, "movable", "1"),
        ("duties.csv", 2, "function", " Support "),
        ("sections.csv", 2, "chief_posts", "1.0"),
        ("key_tasks.csv", 2, "start", "2025-1"),
    )
    dept = load_department(folder)
    assert [p.movable for p in dept.staff[:3]] == [False, False, True]
    assert dept.key_tasks[0].start == "2025-01"


def test_rank_accepts_the_chinese_names(small_copy):
    # a register kept in Chinese says 科长, as movable may say 是/否
    folder = small_copy(
        ("staff.csv", 2, "rank", "科长"),
        ("staff.csv", 3, "rank", " 副科长 "),
        ("staff.csv", 4, "rank", "科员"),
        ("staff.csv", 5, "rank", "正科"),
    )
    assert validate_tables(read_tables(folder)) == []
    dept = load_department(folder)
    assert [p.rank.value for p in dept.staff[:4]] == ["chief", "deputy", "staff", "chief"]
    bad = validate_tables(read_tables(small_copy(("staff.csv", 2, "rank", "处长"), name="bad")))
    assert [p.column for p in bad] == ["rank"]
    for text in (bad[0].zh, bad[0].en):
        assert "chief/科长" in text and "deputy/副科长" in text and "staff/一般干部" in text


def test_missing_table_file(small_copy):
    folder = small_copy()
    (folder / "staff.csv").unlink()
    problems = validate_tables(read_tables(folder))
    assert [(p.file, p.row, p.column) for p in problems] == [("staff.csv", None, None)]


def test_an_empty_sections_table_is_one_problem_not_one_per_reference(small_copy):
    folder = small_copy()
    (folder / "sections.csv").write_text("", encoding="utf-8")
    problems = validate_tables(read_tables(folder))
    assert [(p.file, p.row, p.column) for p in problems] == [("sections.csv", None, None)]
    assert "没有表头行" in problems[0].zh


def test_workbook_problems_name_the_sheet(tmp_path):
    from openpyxl import load_workbook

    book = tmp_path / "dept.xlsx"
    shutil.copy(FIXTURES / "small.xlsx", book)
    wb = load_workbook(book)
    wb["Staff"]["F3"] = 7  # capacity_fte of P002
    wb.save(book)
    problems = validate_tables(read_tables(book))
    assert [(p.file, p.row, p.column, p.value) for p in problems] == [
        ("dept.xlsx:Staff", 3, "capacity_fte", "7")
    ]


def test_column_names_are_reported_as_written(tmp_path):
    folder = tmp_path / "d"
    shutil.copytree(FIXTURES / "small_gbk", folder)
    text = (
        (folder / "duties.csv")
        .read_bytes()
        .decode("gbk")
        .replace(",机关日常运转,0.8,", ",机关日常运转,zero,", 1)
    )
    (folder / "duties.csv").write_bytes(text.encode("gbk"))
    problems = validate_tables(read_tables(folder))
    assert [(p.file, p.row, p.column) for p in problems] == [("duties.csv", 2, " Workload_Fte ")]


def test_more_cells_than_headers_and_duplicate_columns(small_copy):
    folder = small_copy()
    lines = (folder / "sections.csv").read_text(encoding="utf-8").splitlines()
    lines[0] = lines[0] + ",ID"
    lines[2] = lines[2] + ",S02,surplus"
    (folder / "sections.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    found = {(p.file, p.row, p.column) for p in validate_tables(read_tables(folder))}
    assert found == {("sections.csv", 1, "ID"), ("sections.csv", 3, None)}


# ---------------------------------------------------------------------------------------
# Rules and pins against the data
# ---------------------------------------------------------------------------------------


def where(problems):
    return [(p.file, p.row, p.column) for p in problems]


def test_unknown_ids_in_together_apart_and_pins():
    raw = read_tables(SMALL)
    rules = Rules(together=(("D001", "P001"), ("D001", "X1")), apart=(("D002", "P404"),))
    pins = Pins(keep_sections=("S01", "S77"), duty_sections={"D001": "S02", "D999": "S01", "D002": "S88"})
    processes = (Process("许可流程", ("D005", "D404")),)
    lines = {"rules.together": 3, "rules.apart": 4, "pins.keep_sections": 6, "pins.duty_sections": 7}
    lines["processes[1].steps"] = 9
    problems = validate_tables(
        raw, rules, pins=pins, processes=processes, locate=lambda key: ("s.toml", lines[key])
    )
    # each at the line of the key that names the id
    assert sorted((p.file, p.row, p.column, p.value) for p in problems) == sorted(
        [
            ("s.toml", 3, "rules.together", "X1"),
            ("s.toml", 4, "rules.apart", "P404"),
            ("s.toml", 6, "pins.keep_sections", "S77"),
            ("s.toml", 7, "pins.duty_sections", "D999"),
            ("s.toml", 7, "pins.duty_sections", "S88"),
            ("s.toml", 9, "processes[1].steps", "D404"),
        ]
    )


def test_leadership_posts_no_plan_could_hold(small_copy):
    # 4 chief + 20 deputy posts: at most 4 sections (no new chief posts) hold 4 + 4 x 3 = 16 posts.
    folder = small_copy(("sections.csv", 2, "deputy_posts", "19"))
    problems = validate_tables(read_tables(folder), Rules())
    assert where(problems) == [("sections.csv", None, "deputy_posts")]
    assert "24" in problems[0].en and "4 chief" in problems[0].en and "24" in problems[0].zh
    # Without keep_leadership_posts the posts may change: no problem.
    assert validate_tables(read_tables(folder), Rules(keep_leadership_posts=False)) == []
    # More deputies per section make room for the posts, but not people to fill them: 13 people in
    # 4 sections leave 9 besides the chiefs for 20 deputy posts, even at one deputy per person.
    for span in (1, 2):
        problems = validate_tables(
            read_tables(folder), Rules(max_deputies_per_section=5, people_per_deputy_post=span)
        )
        assert where(problems) == [("sections.csv", None, "deputy_posts")]
        assert "people_per_deputy_post" in problems[0].en and "管理幅度" in problems[0].zh


def test_deputy_posts_beyond_the_span_of_control(small_copy):
    # 4 chief + 4 deputy posts in 4 sections: 13 people leave 9 besides the chiefs, room for 4
    # deputies at one per two people, not at one per three.
    folder = small_copy(("sections.csv", 2, "deputy_posts", "3"))
    tables = read_tables(folder)
    assert validate_tables(tables, Rules(people_per_deputy_post=2)) == []
    problems = validate_tables(tables, Rules(people_per_deputy_post=3))
    assert where(problems) == [("sections.csv", None, "deputy_posts")]
    assert "need 4 deputy posts" in problems[0].en and "(people_per_deputy_post): 3." in problems[0].en


def test_no_chief_posts_at_all(small_copy):
    folder = small_copy(*[("sections.csv", r, "chief_posts", "0") for r in (2, 3, 4, 5)])
    assert where(validate_tables(read_tables(folder), Rules())) == [("sections.csv", None, "chief_posts")]


def test_too_few_staff_for_one_section():
    problems = validate_tables(read_tables(SMALL), Rules(min_section_staff=14))
    assert where(problems) == [("staff.csv", None, None)]
    assert "13" in problems[0].en and "14" in problems[0].en


def test_keep_section_count_above_the_limit():
    rules = Rules(keep_section_count=True, max_basic_sections=2, max_dynamic_sections=1)
    problems = validate_tables(read_tables(SMALL), rules)
    assert ("sections.csv", None, None) in where(problems)
    assert any("keep_section_count" in p.en and "4" in p.en for p in problems)


def test_keep_section_count_needs_staff_for_every_section():
    problems = validate_tables(read_tables(SMALL), Rules(keep_section_count=True, min_section_staff=4))
    assert where(problems) == [("staff.csv", None, None)]
    assert "16" in problems[0].en


def test_max_section_staff_too_small_for_everyone():
    problems = validate_tables(read_tables(SMALL), Rules(max_section_staff=1, min_section_staff=1))
    assert where(problems) == [("staff.csv", None, None)]


# ---------------------------------------------------------------------------------------
# All at once, and never anything but InputError
# ---------------------------------------------------------------------------------------


def test_six_faults_are_reported_at_once():
    with pytest.raises(InputError) as e:
        load_department(FIXTURES / "six_faults")
    assert where(e.value.problems) == [
        ("sections.csv", 3, "kind"),
        ("duties.csv", 3, "workload_fte"),
        ("duties.csv", 5, "function"),
        ("staff.csv", 4, "capacity_fte"),
        ("staff.csv", 7, "current_section"),
        ("key_tasks.csv", 2, "end"),
    ]


SMALL_FILES = {f.name: f.read_bytes() for f in sorted(SMALL.iterdir())}


def _corrupt(data: bytes, how: str, at: int, payload: bytes) -> bytes:
    if how == "bytes":
        k = at % max(1, len(data))
        return data[:k] + payload + data[k + len(payload) :]
    if how == "truncate":
        return data[: at % max(1, len(data))]
    lines = data.split(b"\n")
    if how == "cell":
        line = at % len(lines)
        cells = lines[line].split(b",")
        cells[(at // 7) % len(cells)] = payload
        lines[line] = b",".join(cells)
        return b"\n".join(lines)
    # delete a column
    header = lines[0].split(b",")
    col = at % len(header)
    return b"\n".join(b",".join(c for i, c in enumerate(line.split(b",")) if i != col) for line in lines)


@given(
    file=st.sampled_from(sorted(SMALL_FILES)),
    how=st.sampled_from(["bytes", "cell", "column", "truncate"]),
    at=st.integers(0, 10_000),
    payload=st.one_of(
        st.binary(min_size=1, max_size=6),
        st.sampled_from(
            [b"", b'"', b'"a\nb', b"\x00", b"-1", b"nan", b"inf", b"1e309", b"\xef\xbb\xbf", b",,,,"]
        ),
    ),
)
def test_corrupted_csv_only_ever_raises_input_error(tmp_path_factory, file, how, at, payload):
    folder: Path = tmp_path_factory.mktemp("corrupt")
    for name, data in SMALL_FILES.items():
        (folder / name).write_bytes(_corrupt(data, how, at, payload) if name == file else data)
    try:
        dept = load_department(folder)
    except InputError as e:
        assert e.problems and all(p.zh and p.en and p.file for p in e.problems)
    else:
        assert len(dept.sections) >= 1 and all(d.workload_fte > 0 for d in dept.duties)
