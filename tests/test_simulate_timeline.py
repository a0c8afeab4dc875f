"""Dynamic sections over time: opening, closing, where people go, leadership posts per month."""

from __future__ import annotations

from dataclasses import replace

import pytest
from fixtures_sim import department, plan, plan_section
from hypothesis import given, settings
from hypothesis import strategies as st

from restructure.domain import KeyTask, SectionKind
from restructure.simulate import Structure, build_timeline
from restructure.simulate.timeline import format_month, parse_month


def test_month_arithmetic():
    assert parse_month("2025-12") + 1 == parse_month("2026-01")
    assert format_month(parse_month("2024-07")) == "2024-07"
    with pytest.raises(ValueError):
        parse_month("2025-13")


def test_dynamic_section_opens_and_closes_with_its_key_task():
    tl = build_timeline(Structure.from_plan(plan()), department(), plan_month="2025-01")
    # Horizon: plan month to the key task's end.
    assert tl.months[0] == "2025-01"
    assert tl.months[-1] == "2025-10"
    (span,) = tl.spans
    assert (span.section_id, span.key_task, span.opens, span.closes) == ("K04", "KT1", "2025-03", "2025-10")
    # the horizon ends with the key task, and where its people go then is part of the plan
    assert {(r.staff_id, r.to_section, r.month) for r in span.returns} == {
        ("P02", "K01", "2025-11"),
        ("P04", "K02", "2025-11"),
    }
    # a horizon cut before the key task ends leaves the section open: nobody returns yet
    short = build_timeline(Structure.from_plan(plan()), department(), plan_month="2025-01", months=6)
    assert short.spans[0].closes == "2025-06" and short.spans[0].returns == ()


def test_people_return_to_the_section_continuing_their_own_when_it_closes():
    tl = build_timeline(Structure.from_plan(plan()), department(), plan_month="2025-01", months=24)
    (span,) = tl.spans
    assert len(tl.months) == 24
    back = {r.staff_id: (r.to_section, r.month, r.rule) for r in span.returns}
    assert back == {
        "P02": ("K01", "2025-11", "continues_today"),  # 办公室 today -> 综合保障科
        "P04": ("K02", "2025-11", "continues_today"),  # 行政许可科 today -> 行政许可科
    }
    frame = tl.to_frame().set_index("month")
    assert frame.loc["2025-02", "dynamic_open"] == ""
    assert frame.loc["2025-03", "dynamic_open"] == "K04"
    assert frame.loc["2025-11", "dynamic_open"] == ""
    events = tl.events_frame()
    assert list(events["event"]) == ["open", "close", "return", "return"]


def test_people_without_a_continued_section_go_to_the_business_line_then_the_largest():
    dept = department()
    # P10 has no section today; D07 belongs to the 许可 line, held by K02 in the plan.
    p = plan()
    k04 = replace(p.sections[3], staff=("P02", "P04", "P10"))
    k02 = replace(p.sections[1], staff=("P03", "P05"))
    p = replace(p, sections=(p.sections[0], k02, p.sections[2], k04))
    tl = build_timeline(Structure.from_plan(p), dept, plan_month="2025-01", months=12)
    back = {r.staff_id: (r.to_section, r.rule) for r in tl.spans[0].returns}
    assert back["P10"] == ("K02", "group")
    # Without a group on the key-task duty: the largest basic section by capacity (执法科, 3 FTE).
    duties = tuple(replace(d, group=None) if d.id == "D07" else d for d in dept.duties)
    tl = build_timeline(Structure.from_plan(p), replace(dept, duties=duties), plan_month="2025-01", months=12)
    back = {r.staff_id: (r.to_section, r.rule) for r in tl.spans[0].returns}
    assert back["P10"] == ("K03", "largest")


def test_posts_in_use_never_exceed_the_quota_for_the_fixture_plan():
    tl = build_timeline(Structure.from_plan(plan()), department(), plan_month="2025-01", months=24)
    assert tl.quota == 6
    assert tl.ok
    assert max(tl.posts_used) <= tl.quota
    assert tl.posts_used[tl.months.index("2025-02")] == 5  # before the dynamic section opens
    assert tl.posts_used[tl.months.index("2025-05")] == 6


def test_a_plan_above_the_quota_is_reported_month_by_month():
    p = plan()
    k04 = replace(p.sections[3], deputy_posts=1)  # one deputy post more than the department has
    p = replace(p, sections=(*p.sections[:3], k04))
    tl = build_timeline(Structure.from_plan(p), department(), plan_month="2025-01", months=12)
    assert not tl.ok
    assert [v.month for v in tl.violations] == [format_month(parse_month("2025-03") + i) for i in range(8)]
    first = tl.violations[0]
    assert (first.used, first.quota) == (7, 6)
    assert "超过" in first.zh
    assert "above the quota" in first.en


def test_key_task_is_inferred_from_the_duties_when_not_declared():
    p = plan()
    k04 = replace(p.sections[3], key_task=None)
    p = replace(p, sections=(*p.sections[:3], k04))
    tl = build_timeline(Structure.from_plan(p), department(), plan_month="2025-01")
    assert tl.spans[0].key_task == "KT1"
    assert tl.spans[0].opens == "2025-03"


def test_without_any_date_months_are_relative_and_sections_open_throughout():
    dept = department()
    dept = replace(dept, key_tasks=(KeyTask("KT1", "营商环境优化"),))
    tl = build_timeline(Structure.from_plan(plan()), dept)
    assert tl.months[0] == "M01"
    assert len(tl.months) == 36
    assert tl.spans[0].open_from == 0
    assert tl.spans[0].open_to == 35


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 30), st.integers(0, 30), st.integers(0, 2)),
        min_size=1,
        max_size=3,
    )
)
def test_posts_in_use_stay_within_the_plans_own_total(tasks):
    """Opening and closing sections never adds posts: at most the plan's total, reported above the quota."""
    dept = department()
    key_tasks = []
    sections = list(plan().sections[:3])
    for k, (a, b, deputies) in enumerate(tasks):
        start, end = sorted((a, b))
        kt = f"KT{k + 9}"
        key_tasks.append(
            KeyTask(
                kt,
                kt,
                format_month(parse_month("2025-01") + start),
                format_month(parse_month("2025-01") + end),
            )
        )
        sections.append(
            plan_section(
                f"X{k}", f"专班{k}", (), (), kind=SectionKind.DYNAMIC, deputy_posts=deputies, key_task=kt
            )
        )
    p = replace(plan(), sections=tuple(sections))
    tl = build_timeline(
        Structure.from_plan(p), replace(dept, key_tasks=tuple(key_tasks)), plan_month="2025-01"
    )
    plan_total = sum(s.chief_posts + s.deputy_posts for s in p.sections)
    assert max(tl.posts_used) <= plan_total
    assert all(u >= 5 for u in tl.posts_used)  # basic sections' posts are always in use
    assert tl.ok == (max(tl.posts_used) <= tl.quota)
    assert [v.month for v in tl.violations] == [
        m for m, u in zip(tl.months, tl.posts_used, strict=True) if u > tl.quota
    ]
