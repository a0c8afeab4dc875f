"""Why each person sits where a plan puts them (人随事走): one plan, every kind of reason, and the
same words after solving, in plan.json and in staff.csv."""

from __future__ import annotations

import csv

from builders import duty, key_task, person, scenario, section

from restructure.domain import PlanSection, SectionKind, Status
from restructure.plan_io import read_plan, write_plan
from restructure.planning import solve
from restructure.reasons import staff_reasons


def _plan_section(sid, name, kind, duties, staff, dept, *, successor_of=(), chief=None, deputies=()):
    return PlanSection(
        id=sid,
        name=name,
        kind=SectionKind(kind),
        duties=tuple(duties),
        staff=tuple(staff),
        chief=chief,
        deputies=tuple(deputies),
        chief_posts=1,
        deputy_posts=len(deputies),
        workload_fte=sum(dept.duty(d).workload_fte for d in duties),
        capacity_fte=sum(dept.person(p).capacity_fte for p in staff),
        successor_of=tuple(successor_of),
    )


def _department():
    secs = [section("S1", "甲科"), section("S2", "乙科"), section("S3", "丙科")]
    duties = [
        duty("D1", "S1", 2.0, group="A"),
        duty("D2", "S2", 1.0, group="B"),
        duty("D3", "S2", 1.0, group="B"),
        duty("D4", "S2", 1.0, group="B", skills=("法律",)),
        duty("D5", "S3", 1.0, group="C"),
        duty("D6", "S1", 1.0, function="key_task", key_task="KT1"),
    ]
    staff = [
        person("P1", "S1", "chief"),
        person("P2", "S1"),
        person("P3", "S1", skills=("法律",)),
        person("P4", "S2", "chief"),
        person("P5", "S2"),
        person("P6", "S3", "chief"),
        person("P7", "S3"),
        person("P8", "S1"),
        person("P9", "S2"),
        person("P10", None),
    ]
    return scenario(secs, duties, staff, key_tasks=[key_task("KT1", "营商环境优化")])


def test_each_person_is_told_why_they_sit_where_the_plan_puts_them():
    dept = _department().department
    sections = [
        # 甲科 continues, takes 乙科's D2 (and P5 with it) and 丙科's D5; 丙科 is set up no more
        _plan_section("K01", "甲科", "basic", ["D1", "D2", "D5"], ["P1", "P2", "P5", "P7"], dept,
                      successor_of=["S1"], chief="P1"),
        # 乙科 continues under 丙科's chief; its own chief becomes a deputy; P3 brings 法律, P8 evens out
        _plan_section("K02", "乙科", "basic", ["D3", "D4"], ["P6", "P4", "P3", "P8", "P10"], dept,
                      successor_of=["S2"], chief="P6", deputies=["P4"]),
        _plan_section("X01", "营商环境优化专班", "dynamic", ["D6"], ["P9"], dept),
    ]  # fmt: skip
    why = staff_reasons(dept, sections)
    zh = {p: z for p, (z, _) in why.items()}
    en = {p: e for p, (_, e) in why.items()}
    assert zh["P1"] == "随原科室「甲科」延续"
    assert zh["P5"] == "人随事走：「乙科」有1项职责划入「甲科」"
    assert en["P5"] == "follows 1 duty that moved from '乙科' to '甲科'"
    # 丙科's D5 moved too, so P7 follows it rather than only losing a section
    assert zh["P7"] == "人随事走：「丙科」有1项职责划入「甲科」"
    assert zh["P6"] == "调任「乙科」科长" and en["P6"] == "moves to lead '乙科'"
    assert zh["P4"] == "随原科室「乙科」延续，改任副科长"
    assert en["P4"] == "stays with its section '乙科', now deputy chief"
    assert zh["P3"] == "补充「乙科」职责所需的专业：法律"
    assert zh["P8"] == "均衡工作量：调整后「甲科」人均工作量1.00，「乙科」0.40"
    assert zh["P9"] == "抽调到动态科室「营商环境优化专班」承担重点工作"
    assert zh["P10"] == "新进人员，安排到「乙科」"
    assert set(why) == {p.id for p in dept.staff}  # everyone placed has a reason


def test_a_person_whose_section_closes_without_duties_following_is_told_so():
    dept = _department().department
    sections = [
        _plan_section("K01", "甲科", "basic", ["D1", "D5", "D6"], ["P1", "P2", "P3", "P8"], dept,
                      successor_of=["S1"], chief="P1"),
        _plan_section("K02", "乙科", "basic", ["D2", "D3", "D4"], ["P4", "P5", "P9", "P6", "P7", "P10"], dept,
                      successor_of=["S2"], chief="P4"),
    ]  # fmt: skip
    why = staff_reasons(dept, sections)
    assert why["P7"] == ("原科室「丙科」不再单设", "'丙科' is no longer a section of its own")
    assert why["P6"][0] == "原科室「丙科」不再单设，改任一般干部"


def test_a_solved_plan_carries_the_reasons_into_plan_json_and_staff_csv(tmp_path):
    sc = _department()
    plan = solve(sc)
    assert plan.status in (Status.OPTIMAL, Status.FEASIBLE)
    assert plan.explanation.staff_reasons == staff_reasons(sc.department, plan.sections)
    write_plan(plan, sc.department, tmp_path)
    back = read_plan(tmp_path / "plan.json")
    assert back.explanation.staff_reasons == plan.explanation.staff_reasons
    with open(tmp_path / "staff.csv", encoding="utf-8-sig") as f:
        rows = {r["id"]: r for r in csv.DictReader(f)}
    for pid, (zh, en) in plan.explanation.staff_reasons.items():
        assert (rows[pid]["reason_zh"], rows[pid]["reason_en"]) == (zh, en)
