"""Explaining a plan in words: each duty's short reason for its section (``explain.duty_reasons``)
and the names proposed for sections; both must say what the plan does."""

from __future__ import annotations

from dataclasses import replace

from builders import duty, person, scenario, section

from restructure.domain import Function, PlanSection, Scenario, SectionKind
from restructure.explain import duty_reasons
from restructure.generate import generate_department
from restructure.model.extract import _distinct, _name_and_number, _propose_name, _unshared
from restructure.model.instance import prepare
from restructure.terms import STAGE_EN, STAGE_ZH


def _basic(duties, successor_of, main: Function = Function.BUSINESS) -> dict:
    """A basic section as the extraction sees it before naming it."""
    return {
        "kind": SectionKind.BASIC,
        "key_task": None,
        "main": main,
        "duties": duties,
        "successor_of": successor_of,
    }


def _with_workload(sc: Scenario, index: int, fte: float) -> Scenario:
    """The scenario with its ``index``-th duty at ``fte``."""
    duties = sc.department.duties
    return replace(
        sc,
        department=replace(
            sc.department,
            duties=(*duties[:index], replace(duties[index], workload_fte=fte), *duties[index + 1 :]),
        ),
    )


def _one_line_per_unit(*units: tuple[str, str, float]) -> Scenario:
    """Today's units (name, business line, workload), each with one duty of its line and a chief:
    S1, S2, ... hold D1, D2, ... and P1, P2, ...."""
    n = range(1, len(units) + 1)
    return scenario(
        [section(f"S{i}", name) for i, (name, _, _) in zip(n, units, strict=True)],
        [duty(f"D{i}", f"S{i}", fte, group=line) for i, (_, line, fte) in zip(n, units, strict=True)],
        [person(f"P{i}", f"S{i}", "chief") for i in n],
    )


def _section(sid: str, kind: SectionKind, duties, dept) -> PlanSection:
    return PlanSection(
        id=sid,
        name=f"{sid}科",
        kind=kind,
        duties=tuple(duties),
        staff=(),
        chief=None,
        deputies=(),
        chief_posts=1,
        deputy_posts=0,
        workload_fte=sum(dept.duty(d).workload_fte for d in duties),
        capacity_fte=0.0,
        successor_of=(),
    )


def test_a_key_task_duty_outside_its_dynamic_section_names_that_section():
    dept = generate_department(30, 12, 4, 0, 5, n_key_tasks=1)
    kt = [d for d in dept.duties if d.function is Function.KEY_TASK]
    assert len(kt) >= 2
    others = [d.id for d in dept.duties if d.function is not Function.KEY_TASK]
    sections = [
        _section("K01", SectionKind.BASIC, [*others, kt[0].id], dept),
        _section("X01", SectionKind.DYNAMIC, [d.id for d in kt[1:]], dept),
    ]
    reasons = duty_reasons(prepare(Scenario(name="t", department=dept)), sections)
    zh, en = reasons[kt[0].id]
    assert "X01科" in zh and "X01科" in en and "without a dynamic section" not in en
    assert reasons[kt[1].id][1] == f"key task '{kt[1].key_task}' is run by a dynamic section"


def test_a_key_task_without_a_dynamic_section_says_so():
    dept = generate_department(30, 12, 4, 0, 5, n_key_tasks=1)
    kt = next(d for d in dept.duties if d.function is Function.KEY_TASK)
    sections = [_section("K01", SectionKind.BASIC, [d.id for d in dept.duties], dept)]
    reasons = duty_reasons(prepare(Scenario(name="t", department=dept)), sections)
    assert reasons[kt.id][1] == "key task without a dynamic section, run by a basic section"


def test_a_basic_section_mostly_running_a_key_task_is_named_after_it():
    dept = generate_department(30, 12, 4, 0, 5, n_key_tasks=1)
    kt = [d for d in dept.duties if d.function is Function.KEY_TASK and not d.group]
    line = next(d for d in dept.duties if d.group and d.function is Function.BUSINESS)
    assert sum(d.workload_fte for d in kt) > line.workload_fte
    section = _basic((line.id, *(d.id for d in kt)), (), Function.KEY_TASK)
    name = _propose_name(prepare(Scenario(name="t", department=dept)), section)
    assert name == f"{dept.key_tasks[0].name.removesuffix('专班')}科" != f"{line.group}科"


def test_a_basic_section_is_not_named_after_a_key_task_that_has_its_own_dynamic_section():
    # 体育局's plan: the basic section with one of 营商环境优化's duties and a sliver of a line was
    # 营商环境优化科, beside 营商环境优化专班; the 专班 holds the task's name, the line names the other
    dept = generate_department(30, 12, 4, 0, 5, n_key_tasks=1)
    kt = [d for d in dept.duties if d.function is Function.KEY_TASK and not d.group]
    line = next(d for d in dept.duties if d.group and d.function is Function.BUSINESS)
    assert kt[0].workload_fte > line.workload_fte and len(kt) >= 2
    raw = [
        {**_basic((line.id, kt[0].id), (), Function.KEY_TASK), "slot": 0},
        {
            **_basic(tuple(d.id for d in kt[1:]), ()),
            "kind": SectionKind.DYNAMIC,
            "key_task": kt[0].key_task,
            "slot": 1,
        },
    ]
    raw = [{**r, "staff": (), "chief": None, "deputies": (), "deputy_posts": 0} for r in raw]
    task = dept.key_tasks[0].name.removesuffix("专班")
    names = {s.kind: s.name for s in _name_and_number(prepare(Scenario(name="t", department=dept)), raw)}
    assert names == {SectionKind.BASIC: f"{line.group}科", SectionKind.DYNAMIC: f"{task}专班"}
    # without the 专班, the same section runs the task in the plan and is named after it
    names = [s.name for s in _name_and_number(prepare(Scenario(name="t", department=dept)), raw[:1])]
    assert names == [f"{task}科"]


def test_a_stage_is_named_in_the_reasons_language():
    dept = generate_department(30, 12, 4, 1, 5)
    staged = next(d for d in dept.duties if d.chain and d.stage)
    bigger = max(
        (
            d
            for d in dept.duties
            if d.group != staged.group and not d.chain and d.function is Function.BUSINESS
        ),
        key=lambda d: d.workload_fte,
    )
    assert bigger.workload_fte > staged.workload_fte
    rest = [d.id for d in dept.duties if d.id not in (staged.id, bigger.id)]
    sections = [
        _section("K01", SectionKind.BASIC, [staged.id, bigger.id], dept),
        _section("K02", SectionKind.BASIC, rest, dept),
    ]
    zh, en = duty_reasons(prepare(Scenario(name="t", department=dept)), sections)[staged.id]
    assert f"「{STAGE_ZH[staged.stage]}」环节" in zh and staged.stage not in zh
    assert f"stage '{STAGE_EN[staged.stage]}'" in en


def test_every_stage_has_a_label_in_both_languages():
    from restructure.export.tables import value_label

    for stage, zh in STAGE_ZH.items():
        assert value_label(stage, "zh") == zh and value_label(stage, "en") == STAGE_EN[stage]


def test_two_related_lines_name_a_section_with_one_conjunction():
    # 森林防火 brings the most work; the forestry line, whose own name has a 和, comes second
    sc = scenario(
        [section("S1", "森林防火科"), section("S2", "林业资源管理科")],
        [
            duty("D1", "S1", 1.2, group="森林草原防火"),
            duty("D2", "S2", 1.0, group="林业资源和湿地保护"),
        ],
        [person("P1", "S1", "chief"), person("P2", "S2", "chief")],
    )
    sc = replace(
        sc, objective=replace(sc.objective, related_groups=(("森林草原防火", "林业资源和湿地保护"),))
    )
    merged = _basic(("D1", "D2"), ("S1", "S2"))
    assert _propose_name(prepare(sc), merged) == "森林草原防火、林业资源和湿地保护科"


def test_a_section_with_the_smaller_part_of_a_line_is_named_after_where_that_part_came_from():
    # 湿地保护科 joins 森林防火科 while 林业资源管理科 keeps most of the 林业资源和湿地保护 line: the
    # merged section must not claim 林业资源 beside the section that holds it
    sc = scenario(
        [section("S1", "森林防火科"), section("S2", "林业资源管理科"), section("S3", "湿地保护科")],
        [
            duty("D1", "S1", 1.2, group="森林草原防火"),
            duty("D2", "S2", 3.0, group="林业资源和湿地保护"),
            duty("D3", "S3", 1.0, group="林业资源和湿地保护"),
        ],
        [person("P1", "S1", "chief"), person("P2", "S2", "chief"), person("P3", "S3", "chief")],
    )
    sc = replace(
        sc, objective=replace(sc.objective, related_groups=(("森林草原防火", "林业资源和湿地保护"),))
    )
    inst = prepare(sc)
    assert _propose_name(inst, _basic(("D1", "D3"), ("S1", "S3"))) == "森林草原防火和湿地保护科"
    # with most of the line, the section names the line itself
    assert _propose_name(inst, _basic(("D1", "D2"), ("S1", "S2"))) == "林业资源和湿地保护科"


def test_related_lines_together_outweigh_a_larger_single_line_in_the_name():
    # 监所管理 is the largest line, but 经济犯罪侦查 and 禁毒, which the planner calls related,
    # bring more work together: they lead the name. 监所管理大队, taken in whole, still shows:
    # 经济犯罪侦查和禁毒大队 alone hid the detention unit
    sc = _one_line_per_unit(
        ("监所管理大队", "监所管理", 1.0),
        ("经济犯罪侦查大队", "经济犯罪侦查", 0.8),
        ("禁毒大队", "禁毒", 0.6),
    )
    merged = _basic(("D1", "D2", "D3"), ("S1", "S2", "S3"))
    akin = replace(sc, objective=replace(sc.objective, related_groups=(("经济犯罪侦查", "禁毒"),)))
    assert _propose_name(prepare(akin), merged) == "经济犯罪侦查、禁毒和监所管理大队"
    # a unit under half the size of the leading line is a sliver of the section: left out
    small = _with_workload(akin, 0, 0.35)
    assert _propose_name(prepare(small), merged) == "经济犯罪侦查和禁毒大队"


def test_every_unit_a_section_took_in_whole_shows_in_its_name():
    # 刑事侦查大队 and 指挥中心 merged into 监所管理大队, no two of them named akin: the largest line
    # alone (监所管理大队) left a planner asking where criminal investigation went
    sc = _one_line_per_unit(
        ("监所管理大队", "监所管理", 1.0),
        ("刑事侦查大队", "刑事侦查", 0.9),
        ("指挥中心", "指挥调度", 0.8),
        ("禁毒大队", "禁毒", 0.7),
    )
    inst = prepare(sc)
    assert (
        _propose_name(inst, _basic(("D1", "D2", "D3"), ("S1", "S2", "S3")))
        == "监所管理、刑事侦查和指挥调度大队"
    )
    # three lines at most, the largest
    four = _basic(("D1", "D2", "D3", "D4"), ("S1", "S2", "S3", "S4"))
    assert _propose_name(inst, four) == "监所管理、刑事侦查和指挥调度大队"
    # work of a line that came without its unit (the unit goes on elsewhere) is not a merge
    assert _propose_name(inst, _basic(("D1", "D2"), ("S1",))) == "监所管理大队"


def test_the_licensing_home_that_took_in_whole_units_names_them():
    # 行政许可科 took in 网络安全保卫科 and 科技信息化科 whole, no 集中许可 in the scenario: a
    # quarter of its licensing work or more from each, so both show beside the function
    sc = scenario(
        [section("S1", "行政许可科"), section("S2", "网络安全保卫科"), section("S3", "科技信息化科")],
        [
            duty("D1", "S1", 2.0, function="licensing"),
            duty("D2", "S1", 2.0, function="licensing"),
            duty("D3", "S2", 1.2, group="网络安全保卫"),
            duty("D4", "S3", 1.0, group="科技信息化"),
        ],
        [person(f"P{i}", f"S{i}", "chief") for i in (1, 2, 3)],
    )
    home = _basic(("D1", "D2", "D3", "D4"), ("S1", "S2", "S3"), Function.LICENSING)
    assert _propose_name(prepare(sc), home) == "网络安全保卫、科技信息化和行政许可科"
    # under a quarter of the licensing work, a merged unit is a sliver of the licensing section
    small = _with_workload(_with_workload(sc, 2, 0.9), 3, 0.5)
    assert _propose_name(prepare(small), home) == "行政许可科"


def test_only_a_section_with_most_of_the_licensing_work_is_named_after_licensing():
    # licensing is spread over 户政 and 交警 (车驾管): most of the 户政 section's work is licensing,
    # but only 40 % of the department's, so the section keeps its name; three such sections used
    # to come out as 行政许可一科、二科、三科
    sc = scenario(
        [section("S1", "户政管理大队"), section("S2", "交通警察大队")],
        [
            duty("D1", "S1", 0.8, group="户政管理", function="licensing"),
            duty("D2", "S1", 0.5, group="户政管理"),
            duty("D3", "S2", 1.2, group="道路交通管理", function="licensing"),
            duty("D4", "S2", 2.0, group="道路交通管理"),
        ],
        [person("P1", "S1", "chief"), person("P2", "S2", "chief")],
    )
    inst = prepare(sc)

    assert _propose_name(inst, _basic(("D1", "D2"), ("S1",), Function.LICENSING)) == "户政管理大队"
    assert _propose_name(inst, _basic(("D1", "D3"), ("S1",), Function.LICENSING)) == "行政许可科"
    # all the licensing, but half the section's work is traffic policing: still the traffic unit,
    # unless the scenario gathers licensing in one section (集中许可); then this is its home and
    # the traffic line's as well, and the name says both (行政许可科 alone hid the traffic work)
    traffic = _basic(("D1", "D3", "D4"), ("S2",), Function.LICENSING)
    assert _propose_name(inst, traffic) == "交通警察大队"
    gathered = prepare(replace(sc, rules=replace(sc.rules, single_section=("support", "licensing"))))
    assert _propose_name(gathered, traffic) == "道路交通管理和行政许可大队"
    # the gathered licences alone, every line's other work elsewhere: the licensing section
    assert _propose_name(gathered, _basic(("D1", "D3"), ("S1",), Function.LICENSING)) == "行政许可科"


def test_the_gathered_licensing_home_that_took_in_whole_lines_is_named_after_them_as_well():
    # the police 集中许可 plan: the licensing section took in all of 治安管理 and 户政管理 (related
    # lines) and the traffic licences; 行政许可科 among 大队 hid most of its work
    sc = scenario(
        [section("S1", "治安管理大队"), section("S2", "户政管理大队"), section("S3", "交通警察大队")],
        [
            duty("D1", "S1", 3.0, group="治安管理", function="enforcement"),
            duty("D2", "S1", 0.5, group="治安管理", function="licensing"),
            duty("D3", "S2", 1.5, group="户政管理", function="licensing"),
            duty("D4", "S2", 1.0, group="户政管理"),
            duty("D5", "S3", 2.0, group="道路交通管理", function="licensing"),
            duty("D6", "S3", 3.0, group="道路交通管理", function="enforcement"),
        ],
        [person(f"P{i}", f"S{i}", "chief") for i in (1, 2, 3)],
    )
    sc = replace(
        sc,
        rules=replace(sc.rules, single_section=("support", "licensing")),
        objective=replace(sc.objective, related_groups=(("治安管理", "户政管理"),)),
    )
    home = _basic(("D1", "D2", "D3", "D4", "D5"), ("S1", "S2"), Function.LICENSING)
    traffic = _basic(("D6",), ("S3",), Function.ENFORCEMENT)
    assert _names(sc, home, traffic) == ["治安管理、户政管理和行政许可大队", "交通警察大队"]


def test_a_line_section_that_took_in_the_policy_work_says_so_in_its_name():
    # 政策法规科 merged into 登记注册科: registration names the section, and the department's
    # legal review, all of it here and more than a quarter of the registration work, is named too
    sc = scenario(
        [section("S1", "政策法规科"), section("S2", "登记注册科"), section("S3", "执法稽查科")],
        [
            duty("D1", "S1", 0.6, group="政策法规", function="policy"),
            duty("D2", "S2", 1.5, group="登记注册", function="licensing"),
            duty("D3", "S3", 2.0, group="执法稽查", function="licensing"),
            duty("D4", "S3", 0.3, group="执法稽查", function="policy"),
        ],
        [person("P1", "S1", "chief"), person("P2", "S2", "chief"), person("P3", "S3", "chief")],
    )

    merged = _basic(("D1", "D2"), ("S1", "S2"), Function.LICENSING)
    assert _propose_name(prepare(sc), merged) == "登记注册和政策法规科"
    # without most of the policy work (D4 is more of it than D1 in this variant), no claim to it
    more_elsewhere = _with_workload(sc, 3, 0.9)
    assert _propose_name(prepare(more_elsewhere), merged) == "登记注册科"


def test_three_related_lines_of_similar_size_all_name_the_section():
    # 大治安: 治安、户政、出入境 merged, each at least half the largest; naming two of them left
    # 出入境 out of a section that runs it
    sc = _one_line_per_unit(
        ("治安管理大队", "治安管理", 1.0),
        ("户政管理大队", "户政管理", 0.8),
        ("出入境管理大队", "出入境管理", 0.6),
    )
    sc = replace(
        sc, objective=replace(sc.objective, related_groups=(("治安管理", "户政管理", "出入境管理"),))
    )
    merged = _basic(("D1", "D2", "D3"), ("S1", "S2", "S3"))
    assert _propose_name(prepare(sc), merged) == "治安管理、户政管理和出入境管理大队"
    # a third line under half the largest stays out of the name
    small = _with_workload(sc, 2, 0.4)
    assert _propose_name(prepare(small), merged) == "治安管理和户政管理大队"


def test_a_merged_section_keeps_the_unit_word_of_the_units_its_lines_come_from():
    # police units are 大队 and 中心: merging two 大队 gives a 大队, not a 科; the unit word follows
    # the units the named lines' work comes from, so 指挥中心's work in a 特巡警 section keeps 大队
    sc = _one_line_per_unit(
        ("特巡警大队", "特巡警", 1.5),
        ("指挥中心", "指挥调度", 0.5),
        ("禁毒大队", "禁毒", 0.6),
    )
    inst = prepare(sc)
    assert _propose_name(inst, _basic(("D1", "D2"), ("S1", "S2"))) == "特巡警大队"
    # a line from 指挥中心 alone keeps 中心
    assert _propose_name(inst, _basic(("D2", "D3"), ())) == "禁毒大队"
    heavier = _one_line_per_unit(
        ("特巡警大队", "特巡警", 1.5), ("指挥中心", "指挥调度", 2.0), ("禁毒大队", "禁毒", 0.6)
    )
    assert _propose_name(prepare(heavier), _basic(("D2", "D3"), ())) == "指挥调度中心"
    # two related 大队 of similar size: both lines, one unit word
    akin = _one_line_per_unit(("特巡警大队", "特巡警", 1.0), ("禁毒大队", "禁毒", 0.8))
    akin = replace(akin, objective=replace(akin.objective, related_groups=(("特巡警", "禁毒"),)))
    assert _propose_name(prepare(akin), _basic(("D1", "D2"), ("S1", "S2"))) == "特巡警和禁毒大队"
    # 科 where today's sections are 科, and where a line's name ends in 所 (公共场所), 科 is added
    plain = _one_line_per_unit(("公共场所卫生科", "公共场所", 1.0), ("职业卫生科", "职业卫生", 0.9))
    assert _propose_name(prepare(plain), _basic(("D1", "D2"), ())) == "公共场所科"


def test_sections_that_would_share_a_line_name_take_the_names_of_the_sections_they_continue():
    # both new sections run mostly 国民经济综合 work; the one continuing 投资管理科 is called so, not
    # 国民经济综合二科. A 行政许可科 of today gives no name to a section that is no licensing section,
    # and a section that continues nothing is numbered.
    sc = scenario(
        [
            section("S1", "国民经济综合科"),
            section("S2", "投资管理科"),
            section("S3", "行政许可科"),
            section("S4", "价格管理科"),
            section("S5", "收费管理科"),
        ],
        [
            duty("D1", "S1", 1.0, group="国民经济综合"),
            duty("D2", "S2", 0.4, group="投资管理"),
            duty("D3", "S1", 0.8, group="国民经济综合"),
            # 行政许可科 holds less than half of the licensing: its name still claims the function
            duty("D4", "S3", 0.5, group="项目审批", function="licensing"),
            # mostly licensing, but less than half of the department's: a line's name, not a claim
            duty("D5", "S4", 0.45, group="价格管理", function="licensing"),
            duty("D6", "S4", 0.4, group="价格管理"),
            duty("D7", "S5", 0.4, group="收费管理", function="licensing"),
        ],
        [person(f"P{i}", f"S{i}", "chief") for i in range(1, 6)],
    )
    dept = prepare(sc).dept
    line = "国民经济综合科"
    kept, moved = _basic(("D1",), ("S1",)), _basic(("D2", "D3"), ("S2",))
    assert _distinct(dept, [kept, moved], [line, line]) == ["国民经济综合科", "投资管理科"]
    # in either order, and whichever section is first
    assert _distinct(dept, [moved, kept], [line, line]) == ["投资管理科", "国民经济综合科"]
    from_licensing = _basic(("D3", "D4"), ("S3",))
    # what is still shared is numbered, both alike
    assert _distinct(dept, [kept, from_licensing], [line, line]) == ["国民经济综合一科", "国民经济综合二科"]
    from_pricing = _basic(("D3", "D5"), ("S4",))
    assert _distinct(dept, [kept, from_pricing], [line, line]) == ["国民经济综合科", "价格管理科"]
    new = _basic(("D3",), ())
    assert _distinct(dept, [new, from_licensing], [line, line]) == ["国民经济综合一科", "国民经济综合二科"]
    # a name another section already has is not taken twice
    assert _distinct(dept, [kept, moved, _basic(("D2",), ("S2",))], [line, line, "投资管理科"]) == [
        "国民经济综合一科",
        "国民经济综合二科",
        "投资管理科",
    ]


def _names(sc: Scenario, *sections: dict) -> list[str]:
    """The names ``_name_and_number`` gives these sections before exact duplicates are told apart."""
    inst = prepare(sc)
    return _unshared(inst, list(sections), [_propose_name(inst, r) for r in sections])


def _relief_and_place_names() -> Scenario:
    """社会救助科 (D1, D2), 区划地名科 (D3, D5) and an 办公室 with the policy work (D4)."""
    return scenario(
        [section("S1", "社会救助科"), section("S2", "区划地名科"), section("S3", "办公室")],
        [
            duty("D1", "S1", 1.5, group="社会救助"),
            duty("D2", "S1", 1.0, group="社会救助"),
            duty("D3", "S2", 0.8, group="区划地名"),
            duty("D4", "S3", 0.8, function="policy"),
            duty("D5", "S2", 1.0, group="区划地名"),
        ],
        [person(f"P{i}", f"S{i}", "chief") for i in range(1, 4)],
    )


def test_a_line_or_function_word_names_one_section_only():
    sc = _relief_and_place_names()
    relief = _basic(("D1",), ("S1",))
    mixed = _basic(("D2", "D3", "D4"), ("S2",))
    # alone, the mixed section is named after its largest line and the policy work it holds
    assert _propose_name(prepare(sc), mixed) == "社会救助和政策法规科"
    # beside 社会救助科, the line names that section only; the next line and the function name this one
    assert _names(sc, relief, mixed) == ["社会救助科", "区划地名和政策法规科"]
    # with no other line of its own, the function it holds most of names it
    assert _names(sc, relief, _basic(("D2", "D4"), ("S3",))) == ["社会救助科", "政策法规科"]
    # nor a line that names a third section: 区划地名科 keeps its own
    mixed_new = _basic(("D2", "D3", "D4"), ())
    place_names = _basic(("D5",), ("S2",))
    assert _names(sc, relief, mixed_new, place_names) == ["社会救助科", "政策法规科", "区划地名科"]
    # without the policy work there is no other name: the shared line stays (``_distinct`` is next)
    assert _names(sc, relief, _basic(("D2",), ())) == ["社会救助科", "社会救助科"]


def test_the_plan_s_sections_are_named_with_one_home_per_line():
    # the same two sections as above, named as a plan names them (ids, overrides and all)
    sc = _relief_and_place_names()
    raw = [
        {**_basic(duties, succ), "slot": k, "staff": (), "chief": None, "deputies": (), "deputy_posts": 0}
        for k, (duties, succ) in enumerate(((("D1",), ("S1",)), (("D2", "D3", "D4"), ("S2",))))
    ]
    named = {s.successor_of: s.name for s in _name_and_number(prepare(sc), raw)}
    assert named == {("S1",): "社会救助科", ("S2",): "区划地名和政策法规科"}


def test_two_joined_names_share_a_line_with_the_section_holding_more_of_it():
    # 户政管理科 takes the 出入境 work of 出入境服务科 and 出入境签证科, under half of that line: its name,
    # made alone, claims the line; beside the section holding the rest, it gives the line up
    sc = _one_line_per_unit(
        ("治安管理科", "治安管理", 2.0),
        ("出入境管理科", "出入境管理", 1.5),
        ("户政管理科", "户政管理", 2.0),
        ("出入境服务科", "出入境管理", 1.2),
        ("出入境签证科", "出入境管理", 0.2),
    )
    sc = replace(
        sc, objective=replace(sc.objective, related_groups=(("治安管理", "户政管理", "出入境管理"),))
    )
    public_order = _basic(("D1", "D2"), ("S1", "S2"))
    residence = _basic(("D3", "D4", "D5"), ("S3", "S4", "S5"))
    assert _propose_name(prepare(sc), residence) == "户政管理和出入境管理科"
    assert _names(sc, public_order, residence) == ["治安管理和出入境管理科", "户政管理科"]
    # whichever comes first
    assert _names(sc, residence, public_order) == ["户政管理科", "治安管理和出入境管理科"]
    # the smaller part from one section of today is named after that section instead
    from_one = _basic(("D3", "D4"), ("S3", "S4"))
    assert _names(sc, public_order, from_one) == ["治安管理和出入境管理科", "户政管理和出入境服务科"]


def test_a_function_section_that_merged_nothing_keeps_today_s_name():
    # 法制大队 goes on alone as the department's legal unit: it stays 法制大队 (a planner at a public
    # security bureau would not call it 政策法规科); where the scenario gathers the function into one
    # section (single_section), the reform's name is used
    sc = scenario(
        [section("S1", "法制大队"), section("S2", "治安管理大队")],
        [
            duty("D1", "S1", 1.0, group="法制", function="policy"),
            duty("D2", "S1", 0.3, group="法制"),
            duty("D3", "S2", 1.5, group="治安管理"),
        ],
        [person("P1", "S1", "chief"), person("P2", "S2", "chief")],
    )
    alone = _basic(("D1", "D2"), ("S1",), Function.POLICY)
    assert _propose_name(prepare(sc), alone) == "法制大队"
    gathered = replace(sc, rules=replace(sc.rules, single_section=("support", "policy")))
    assert _propose_name(prepare(gathered), alone) == "政策法规科"
    # where most of the department's legal work is elsewhere today (D4), 法制大队 was not its legal
    # unit, and the section that gathers that work is named after the function
    more = replace(
        sc,
        department=replace(
            sc.department, duties=(*sc.department.duties, duty("D4", "S2", 1.2, function="policy"))
        ),
    )
    merged = _basic(("D1", "D2", "D4"), ("S1",), Function.POLICY)
    assert _propose_name(prepare(more), merged) == "政策法规科"
    # an 办公室 that today does most of the legal work is still no name for the policy section: the
    # plan's 综合保障科 is the office
    office = scenario(
        [section("S1", "办公室"), section("S2", "治安管理大队")],
        [duty("D1", "S1", 1.0, group="法制", function="policy"), duty("D2", "S2", 1.5, group="治安管理")],
        [person("P1", "S1", "chief"), person("P2", "S2", "chief")],
    )
    assert _propose_name(prepare(office), _basic(("D1",), ("S1",), Function.POLICY)) == "政策法规科"


def test_a_line_section_that_took_in_today_s_legal_unit_names_it_by_its_own_words():
    # 法制大队 merged into 监所管理大队: the legal unit shows in the name as 法制, the words the
    # bureau uses for it, unless the scenario gathers the policy work (then the reform's 政策法规)
    sc = scenario(
        [section("S1", "法制大队"), section("S2", "监所管理大队")],
        [
            duty("D1", "S1", 0.8, group="法制", function="policy"),
            duty("D2", "S2", 1.5, group="监所管理", function="enforcement"),
        ],
        [person("P1", "S1", "chief"), person("P2", "S2", "chief")],
    )
    merged = _basic(("D1", "D2"), ("S1", "S2"), Function.ENFORCEMENT)
    assert _propose_name(prepare(sc), merged) == "监所管理和法制大队"
    gathered = replace(sc, rules=replace(sc.rules, single_section=("support", "policy")))
    assert _propose_name(prepare(gathered), merged) == "监所管理和政策法规大队"
    # support keeps the reform's words even where it is not gathered: 办公室 less its unit word
    # would read 办公 (登记注册和办公科)
    office = scenario(
        [section("S1", "办公室"), section("S2", "登记注册科")],
        [
            duty("D1", "S1", 0.8, group="综合", function="support"),
            duty("D2", "S2", 1.5, group="登记注册"),
        ],
        [person("P1", "S1", "chief"), person("P2", "S2", "chief")],
    )
    office = replace(office, rules=replace(office.rules, single_section=()))
    both = _basic(("D1", "D2"), ("S1", "S2"))
    assert _propose_name(prepare(office), both) == "登记注册和综合保障科"
