"""The app's helpers without a running page: labels in both languages, DOT escaping, relaxations."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest
from app_support import ROOT, prepare

from restructure.domain import Finding, PlanSection, SectionKind
from restructure.scenario import load_scenario

SCIENCE_TOML = ROOT / "scenarios" / "science_bureau.toml"


@pytest.fixture(autouse=True)
def _app(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    prepare(monkeypatch, tmp_path)


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_label_the_pages_use_exists_in_chinese_and_english() -> None:
    from app_pages.i18n import TEXT

    used: set[str] = set()
    for source in [ROOT / "app.py", *sorted((ROOT / "app_pages").glob("*.py"))]:
        text = source.read_text(encoding="utf-8")
        used |= set(re.findall(r"\bt\(\s*[\"']([a-z0-9_]+)[\"']", text))
        # keys built at run time: t(f"status_{...}"), t(f"weight_{...}")
        for prefix in re.findall(r"\bt\(\s*f[\"']([a-z0-9_]+)\{", text):
            assert any(k.startswith(prefix) for k in TEXT), prefix
    missing = sorted(used - set(TEXT))
    assert not missing, f"labels used but not defined: {missing}"
    for key, (zh, en) in TEXT.items():
        assert zh.strip() and en.strip(), key
        assert placeholders(zh) == placeholders(en), key
    for status in ("optimal", "feasible", "infeasible", "unknown", "invalid"):
        assert f"status_{status}" in TEXT


def _empty_section(sid: str, name: str, successor_of: tuple[str, ...] = ()) -> PlanSection:
    """A basic section with a name and nothing in it: what the org chart draws is its label."""
    return PlanSection(
        id=sid,
        name=name,
        kind=SectionKind.BASIC,
        duties=(),
        staff=(),
        chief=None,
        deputies=(),
        chief_posts=1,
        deputy_posts=0,
        workload_fte=0.0,
        capacity_fte=0.0,
        successor_of=successor_of,
    )


def test_dot_labels_cannot_break_out_of_their_string() -> None:
    from app_pages.widgets import dot_string, org_chart_dot

    assert dot_string('科"室\\n') == '"科\\"室\\\\n"'
    assert dot_string("第一行\n第二行") == '"第一行\\n第二行"'
    sc = load_scenario(SCIENCE_TOML)
    hostile = _empty_section("K01", '办公室"]; evil [label="x', successor_of=("S01",))
    dot = org_chart_dot("部门", [hostile], sc.department, 0.2)
    # The whole name sits inside the one quoted label of node n0: no new node or attribute starts.
    node = re.search(r'^  n0 \[label="((?:[^"\\]|\\.)*)", fillcolor="[^"]*", width=[0-9.]+\];$', dot, re.M)
    assert node is not None, dot
    assert node.group(1).replace('\\"', '"').startswith(hostile.name + "\\n")
    assert len(re.findall(r"^  \w+ \[label=", dot, re.M)) == 2  # root and n0 only


def test_a_long_chinese_section_name_gets_a_box_wide_enough_for_it() -> None:
    from app_pages.widgets import org_chart_dot

    sc = load_scenario(SCIENCE_TOML)
    names = ("科技科", "经济犯罪侦查、禁毒和食药环侦大队")
    sections = [_empty_section(f"K0{i}", name) for i, name in enumerate(names, start=1)]
    dot = org_chart_dot("部门", sections, sc.department, 0.2)
    widths = [float(w) for w in re.findall(r"^  n\d \[.*, width=([0-9.]+)\];$", dot, re.M)]
    # 16 characters of 11 points need 16 x 11 / 72 = 2.44 inches; the short name's box is set by
    # its other lines (科长：空缺, 人数：0（0 FTE）) and stays narrower
    assert widths[1] >= 16 * 11 / 72
    assert widths[0] < widths[1]


def test_relaxations_name_one_change_per_rule_in_conflict() -> None:
    from app_pages.relax import more_time, relaxations

    sc = load_scenario(SCIENCE_TOML, {"rules.together": [["D010", "D012"]], "rules.max_basic_sections": 30})
    conflicts = [
        Finding("separate_stages", "科技项目管理", "conflict", "", ""),
        Finding("separate_stages", "科技计划资金", "conflict", "", ""),
        Finding("together", "1", "conflict", "", ""),
        Finding("max_basic_sections", "", "conflict", "", ""),  # already at the app's cap of 30
        Finding("immovable", "P001", "conflict", "", ""),  # data, not a rule the app can relax
        Finding("single_section", "support", "conflict", "", ""),
        Finding("people_per_deputy_post", "", "conflict", "", ""),
    ]
    found = relaxations(conflicts, sc)
    assert [dict(r.overrides) for r in found] == [
        {"rules.separate_stages": False},
        {"rules.together": []},
        {"rules.single_section": []},
        {"rules.people_per_deputy_post": 1},
    ]
    assert found[3].text("zh") == "副职配备放宽到除科长外每1人1名"
    assert not any(r.sufficient for r in found)
    assert found[2].text("zh") == "不再要求综合保障职责集中在一个科室"
    # Changes the solver found sufficient on their own come first.
    ranked = relaxations(conflicts, sc, sufficient=("together:1", "separate_stages:科技计划资金"))
    assert [(dict(r.overrides), r.sufficient) for r in ranked] == [
        ({"rules.separate_stages": False}, True),
        ({"rules.together": []}, True),
        ({"rules.single_section": []}, False),
        ({"rules.people_per_deputy_post": 1}, False),
    ]
    assert found[2].text("en") == "Let comprehensive support duties sit in several sections"
    longer = more_time(sc)
    assert longer is not None and dict(longer.overrides) == {"solver.time_limit_s": 20.0}
    assert more_time(load_scenario(SCIENCE_TOML, {"solver.time_limit_s": 600})) is None


def test_mixed_columns_become_text_so_the_browser_shows_them_as_written() -> None:
    from app_pages.widgets import uniform_frame

    frame = uniform_frame([{"a": 1, "b": 0.5, "c": None}, {"a": 2, "b": "", "c": "x"}])
    assert frame["a"].tolist() == [1, 2]
    assert frame["b"].tolist() == ["0.5", ""]
    assert frame["c"].tolist() == ["", "x"]


def test_bundled_scenarios_are_listed_by_their_names() -> None:
    from app_pages.bundled import bundled_scenarios

    listed = {b.name: b.path.name for b in bundled_scenarios()}
    assert listed["科技局 横向分权制衡"] == "science_bureau.toml"
    assert len(listed) == len(list((ROOT / "scenarios").glob("*.toml")))


def test_org_chart_boxes_call_the_head_after_the_unit_word() -> None:
    from app_pages.widgets import section_label_lines

    sc = load_scenario(SCIENCE_TOML)
    lines = [
        section_label_lines(_empty_section("K01", name), sc.department)[1]
        for name in ("法制大队", "办公室", "科技科")
    ]
    assert lines == ["大队长：空缺", "主任：空缺", "科长：空缺"]
