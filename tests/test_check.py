"""The checker on plans edited by hand: what only a plan.json can get wrong is named, not a crash."""

from __future__ import annotations

from dataclasses import replace

from builders import duty, scenario, section, staff_for

from restructure.check import check_plan, compute_kpis, today_sections
from restructure.domain import Pins, Plan, Rules, Status

LOOSE = dict(
    min_section_staff=1, max_load_deviation=1.0, max_nonbusiness_section_share=1.0, single_section=()
)


def two_sections():
    secs = [section("S1", "甲科", deputy=1), section("S2", "乙科", deputy=1)]
    duties = [duty("D1", "S1"), duty("D2", "S1"), duty("D3", "S2")]
    staff = staff_for("S1", 3, deputies=1) + staff_for("S2", 3, deputies=1)
    return scenario(secs, duties, staff, rules=Rules(**LOOSE))


def plan_of(sc, sections) -> Plan:
    dept = sc.department
    return Plan(
        scenario=sc.name,
        department=dept.name,
        status=Status.FEASIBLE,
        sections=tuple(sections),
        kpis=compute_kpis(dept, sections),
        baseline_kpis=compute_kpis(dept, today_sections(dept)),
    )


def edited(sc, **changes_by_section):
    """Today's layout as a plan, with some fields of some sections replaced."""
    secs = [replace(s, **changes_by_section.get(s.id, {})) for s in today_sections(sc.department)]
    return plan_of(sc, secs)


def violated(report) -> dict[tuple[str, str], tuple[str, str]]:
    return {(f.rule, f.instance): (f.zh, f.en) for f in report.violations}


def test_today_as_a_plan_is_clean():
    sc = two_sections()
    report = check_plan(sc, edited(sc))
    assert report.ok, (report.violations, report.kpi_mismatches)
    assert not {f.rule for f in report.findings} & {
        "known_ids",
        "unique_section_ids",
        "one_post_per_person",
        "post_counts",
    }


def test_unknown_duty_and_person_are_findings_and_the_rest_is_still_checked():
    sc = two_sections()
    secs = today_sections(sc.department)
    s1 = replace(secs[0], duties=(*secs[0].duties, "D999"), staff=(*secs[0].staff, "P999"))
    # and S2 loses its duty: a real breach the check must still find
    s2 = replace(secs[1], duties=(), deputies=("P888",))
    # the plan's own KPIs are today's: compute_kpis cannot count ids the department lacks
    report = check_plan(sc, replace(edited(sc), sections=(s1, s2)))
    v = violated(report)
    assert v[("known_ids", "D999")] == (
        "方案列出的职责D999（科室S1）不在本部门的职责清单中",
        "plan names duty D999 (section S1), which is not in the department's duties",
    )
    assert "P999" in v[("known_ids", "P999")][1] and "department's staff" in v[("known_ids", "P999")][1]
    assert ("known_ids", "P888") in v
    assert "D3" in v[("one_section_per_duty", "")][1]
    assert report.kpis["sections_basic"] == 2  # KPIs recomputed on the known ids


def test_two_sections_with_one_code_are_flagged():
    sc = two_sections()
    report = check_plan(sc, edited(sc, S2={"id": "S1"}))
    assert "S1" in violated(report)[("unique_section_ids", "")][1]


def test_one_person_in_two_posts_is_flagged():
    sc = two_sections()
    # the deputy of S1 fills both its deputy posts
    twice = edited(sc, S1={"deputy_posts": 2, "deputies": ("PS1_1", "PS1_1")})
    assert "PS1_1 holds 2 posts (S1, S1)" in violated(check_plan(sc, twice))[("one_post_per_person", "")][1]
    # S1's chief is also listed as chief of S2 (besides not being a member there)
    both = edited(sc, S2={"chief": "PS1_0"})
    v = violated(check_plan(sc, both))
    assert "PS1_0 holds 2 posts (S1, S2)" in v[("one_post_per_person", "")][1]


def test_a_negative_post_count_is_an_invalid_count():
    sc = two_sections()
    report = check_plan(sc, edited(sc, S1={"deputy_posts": -1, "deputies": ()}, S2={"deputy_posts": 3}))
    zh, en = violated(report)[("post_counts", "")]
    assert en == "post counts must not be negative; problems: S1 deputy posts -1"
    assert zh == "职数须为非负整数；问题：S1副职-1个"


def named():
    """two_sections with names, and every pin of the breach tests below."""
    sc = two_sections()
    dept = sc.department
    duties = tuple(replace(d, name=f"职责{d.id[1:]}") for d in dept.duties)
    staff = tuple(replace(p, name="尹军国") if p.id == "PS1_2" else p for p in dept.staff)
    return replace(sc, department=replace(dept, duties=duties, staff=staff))


def test_a_broken_together_or_apart_pin_says_where_each_item_is():
    sc = named()
    sc = replace(sc, rules=replace(sc.rules, together=(("D1", "D3"),), apart=(("PS1_2", "D1"),)))
    v = violated(check_plan(sc, edited(sc)))
    assert v[("together", "1")] == (
        "职责1（D1）、职责3（D3）在同一科室；现在：职责1（D1）在甲科（S1）、职责3（D3）在乙科（S2）",
        "职责1 (D1), 职责3 (D3) in one section; now: 职责1 (D1) in 甲科 (S1), 职责3 (D3) in 乙科 (S2)",
    )
    assert v[("apart", "1")][1] == (
        "尹军国 (PS1_2), 职责1 (D1) in different sections; now: 尹军国 (PS1_2) in 甲科 (S1), 职责1 (D1) in 甲科 (S1)"
    )


def test_a_broken_keep_section_pin_says_what_moved():
    sc = replace(named(), pins=Pins(keep_sections=("S1",)))
    secs = today_sections(sc.department)
    s1 = replace(secs[0], duties=("D1",))
    s2 = replace(secs[1], duties=("D3", "D2"))
    zh, en = violated(check_plan(sc, plan_of(sc, [s1, s2])))[("keep_section", "S1")]
    assert zh == "科室「甲科」保持原样；职责2（D2）在乙科（S2）"
    assert en == "section '甲科' kept as it is; 职责2 (D2) in 乙科 (S2)"


def test_a_load_outside_the_band_names_the_sections_and_their_load():
    sc = two_sections()  # today S1 holds 2 FTE for 3 people, S2 1 FTE for 3: 4/3 and 2/3 of the average
    sc = replace(sc, rules=replace(sc.rules, max_load_deviation=0.2))
    zh, en = violated(check_plan(sc, edited(sc)))[("max_load_deviation", "")]
    assert en.endswith("; outside: S1 at 1.33x the average, S2 at 0.67x the average")
    assert zh.endswith("；超出：S1为平均的1.33倍、S2为平均的0.67倍")


def test_a_conflict_names_the_items_of_an_apart_pin():
    from restructure.planning import solve

    sc = named()
    sc = replace(sc, rules=replace(sc.rules, together=(("PS1_2", "D1"),), apart=(("PS1_2", "D1"),)))
    plan = solve(sc)
    assert plan.status is Status.INFEASIBLE
    sentences = {f.rule: (f.zh, f.en) for f in plan.explanation.conflicts}
    assert sentences["apart"] == (
        "尹军国（PS1_2）、职责1（D1）须分设在不同科室",
        "尹军国 (PS1_2), 职责1 (D1) must sit in different sections",
    )
    assert sentences["together"][0] == "尹军国（PS1_2）、职责1（D1）须在同一科室"


def test_balance_is_counted_in_the_models_steps_and_the_objective_adds_up():
    # S1 holds 2.05 FTE of work for 3 FTE of people, S2 1 FTE: each lies 0.525 FTE off the even
    # share, 0.3725 FTE beyond the ±10 % inner band; the objective counts 0.4 for each.
    from restructure.check import balance_counted, soft_terms, term_points
    from restructure.domain import SolverInfo

    sc = two_sections()
    dept = sc.department
    sc = replace(
        sc, department=replace(dept, duties=(replace(dept.duties[0], workload_fte=1.05), *dept.duties[1:]))
    )
    secs = today_sections(sc.department)
    units = soft_terms(sc.department, secs, sc)
    assert units["balance"] == 0.745
    assert balance_counted(sc.department, secs, sc) == 0.8
    points = term_points(sc, secs, units)
    assert points["balance"] == 8.0  # 10 points per FTE, on the counted 0.8
    plan = replace(plan_of(sc, secs), terms=points, term_units=units)
    good = replace(plan, solver=SolverInfo(Status.FEASIBLE, objective=sum(points.values())))
    assert check_plan(sc, good).ok, check_plan(sc, good).kpi_mismatches
    off = replace(plan, solver=SolverInfo(Status.FEASIBLE, objective=sum(points.values()) + 1))
    assert any(m.startswith("objective:") for m in check_plan(sc, off).kpi_mismatches)
    wrong_term = replace(good, terms={**points, "balance": 7.45})
    assert any("objective term balance" in m for m in check_plan(sc, wrong_term).kpi_mismatches)


def test_whole_fte_data_counts_balance_in_whole_fte():
    sc = two_sections()  # every workload and capacity a whole FTE: the model's unit is 1 FTE
    secs = today_sections(sc.department)
    from restructure.check import balance_counted, soft_terms

    assert soft_terms(sc.department, secs, sc)["balance"] == 0.7
    assert balance_counted(sc.department, secs, sc) == 2.0


def test_a_kpi_the_plan_does_not_record_claims_nothing_but_a_wrong_one_is_flagged():
    # a plan.json written before vacant_deputy_posts existed still re-checks clean; a figure it
    # does record must be right
    sc = two_sections()
    plan = plan_of(sc, today_sections(sc.department))
    assert check_plan(sc, plan).ok
    older = replace(
        plan,
        kpis={k: v for k, v in plan.kpis.items() if k != "vacant_deputy_posts"},
        baseline_kpis={k: v for k, v in plan.baseline_kpis.items() if k != "vacant_deputy_posts"},
    )
    assert check_plan(sc, older).ok, check_plan(sc, older).kpi_mismatches
    wrong = replace(plan, kpis={**plan.kpis, "vacant_deputy_posts": 1})
    assert check_plan(sc, wrong).kpi_mismatches == ("kpi vacant_deputy_posts: plan says 1, recomputed 0",)


def merged(sc, parts: dict[str, tuple[str, ...]]) -> list:
    """Today's sections merged as ``parts`` says: new id -> the sections it continues."""
    today = {s.id: s for s in today_sections(sc.department)}
    out = []
    for new_id, olds in parts.items():
        first = today[olds[0]]
        out.append(
            replace(
                first,
                id=new_id,
                duties=tuple(d for o in olds for d in today[o].duties),
                staff=tuple(p for o in olds for p in today[o].staff),
                deputies=tuple(p for o in olds for p in today[o].deputies)
                + tuple(today[o].chief for o in olds[1:]),
                deputy_posts=sum(today[o].deputy_posts for o in olds) + len(olds) - 1,
                workload_fte=sum(today[o].workload_fte for o in olds),
                capacity_fte=sum(today[o].capacity_fte for o in olds),
                successor_of=olds,
            )
        )
    return out


def test_merges_of_lines_not_named_akin_are_listed_and_noted():
    """甲 and 乙 are named akin. Merging them is what the planner asked for; folding 丁 into the
    office, or 甲 with 丙, is a choice the goals made blind, and the notes below the objective
    say so, naming the section and the lines, akin lines together."""
    from restructure.check import unrelated_merges
    from restructure.domain import Weights
    from restructure.export.tables import objective_notes

    lines = {"S2": "甲", "S3": "乙", "S4": "丙", "S5": "丁"}
    secs = [section("S1", "办公室")] + [section(s, f"{g}科") for s, g in lines.items()]
    duties = [duty("D1", "S1", 1.0, "support"), duty("D1b", "S1", 0.5, "policy")]
    duties += [duty(f"D{s}", s, 1.0, group=g) for s, g in lines.items()]
    duties += [duty("D6", "S4", 0.2, group="甲")]  # 丙科 also does a little of 甲: its line stays 丙
    staff = [p for s in ["S1", *lines] for p in staff_for(s, 2)]
    sc = scenario(
        secs, duties, staff, rules=Rules(**LOOSE), objective=Weights(related_groups=(("甲", "乙"),))
    )

    wanted = merged(sc, {"K1": ("S1",), "K2": ("S2", "S3"), "K3": ("S4",), "K4": ("S5",)})
    assert unrelated_merges(sc, wanted) == []
    assert not [n for n in objective_notes(plan_of(sc, wanted), sc, "zh") if "相近" in n]

    blind = merged(sc, {"K1": ("S1", "S5"), "K2": ("S2", "S3", "S4")})
    blind[1] = replace(blind[1], name="甲乙丙科")
    assert [(s.id, families) for s, families in unrelated_merges(sc, blind)] == [
        ("K1", (("综合保障",), ("丁",))),
        ("K2", (("甲", "乙"), ("丙",))),
    ]
    notes = [n for n in objective_notes(plan_of(sc, blind), sc, "zh") if "相近" in n]
    assert notes[0].startswith("「办公室」合并了未列为相近的板块：综合保障 与 丁；")
    assert notes[1].startswith("「甲乙丙科」合并了未列为相近的板块：甲、乙 与 丙；")
    (en,) = [n for n in objective_notes(plan_of(sc, blind), sc, "en") if "甲" in n]
    assert en.startswith("甲乙丙科 merges lines not named akin: 甲, 乙 with 丙;")
