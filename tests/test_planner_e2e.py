"""End to end on the bundled scenarios and on generated departments, with the validator as
the oracle: every plan keeps every hard rule and its KPIs add up."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from restructure.check import check_plan
from restructure.cli import app
from restructure.domain import Rules, Scenario, SolverSettings, Status
from restructure.generate import generate_department
from restructure.plan_io import plan_from_dict, plan_to_dict, read_plan
from restructure.planning import solve
from restructure.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[1]
BUNDLED = sorted((ROOT / "scenarios").glob("*.toml"))
FIVE_STAGES = Path(__file__).parent / "fixtures" / "science_five_stages" / "scenario.toml"
FAST = {"solver.time_limit_s": 4, "solver.deterministic": True, "solver.workers": 1}


@pytest.mark.parametrize("path", BUNDLED, ids=[p.stem for p in BUNDLED])
def test_every_bundled_scenario_solves_and_passes_the_validator(path):
    sc = load_scenario(path, FAST)
    plan = solve(sc)
    assert plan.status in (Status.OPTIMAL, Status.FEASIBLE), plan.explanation.note_en
    report = check_plan(sc, plan)
    assert report.ok, (report.violations, report.kpi_mismatches)
    # a plan a planner would accept: as many sections as the posts and caps pay for
    assert report.terms["structure"] == 0
    if sc.rules.separate_stages:
        assert plan.kpis["stage_conflicts"] == 0
    # the model scores the plan as the checker does (balance is rounded up to 0.1 FTE a section)
    slack = sc.objective.balance * 0.1 * len(plan.sections)
    assert 0 <= plan.solver.objective - sum(plan.terms.values()) <= slack + 1e-6
    assert plan.baseline_kpis["sections_basic"] + plan.baseline_kpis["sections_dynamic"] == len(
        sc.department.sections
    )


def test_plan_json_round_trips():
    sc = load_scenario(ROOT / "scenarios" / "science_bureau.toml", FAST)
    plan = solve(sc)
    again = plan_from_dict(plan_to_dict(plan))
    assert plan_to_dict(again) == plan_to_dict(plan)
    assert again.sections == plan.sections and again.explanation == plan.explanation
    assert check_plan(sc, again).ok


def test_five_stage_chain_with_four_sections_is_a_minimal_conflict():
    sc = load_scenario(FIVE_STAGES, FAST)
    plan = solve(sc)
    assert plan.status is Status.INFEASIBLE and not plan.sections
    ex = plan.explanation
    assert ex.confirmed and ex.minimal
    assert set(ex.relaxations) == {"keep_section_count:", "separate_stages:科技项目管理"}
    assert {(f.rule, f.instance) for f in ex.conflicts} == {
        ("keep_section_count", ""),
        ("separate_stages", "科技项目管理"),
    }
    assert "5个环节" in ex.note_zh and "4个科室" in ex.note_zh
    assert "5 stages" in ex.note_en and "4 sections" in ex.note_en
    # minimal: without either member, a plan exists
    for override in ({"rules.keep_section_count": False}, {"rules.separate_stages": False}):
        relaxed = solve(load_scenario(FIVE_STAGES, {**FAST, **override}))
        assert relaxed.status in (Status.OPTIMAL, Status.FEASIBLE), override
        assert check_plan(load_scenario(FIVE_STAGES, {**FAST, **override}), relaxed).ok


def test_cli_solve_exit_codes(tmp_path):
    runner = CliRunner()
    ok = runner.invoke(
        app,
        [
            "solve",
            str(ROOT / "scenarios" / "science_bureau.toml"),
            "--out",
            str(tmp_path / "a"),
            "--time-limit",
            "2",
            "--lang",
            "en",
        ],
    )
    assert ok.exit_code == 0, ok.output
    assert "Independent check: every rule and KPI confirmed" in ok.output
    assert {p.name for p in (tmp_path / "a").iterdir()} == {
        "plan.json",
        "sections.csv",
        "duties.csv",
        "staff.csv",
        "changes.csv",
    }
    assert read_plan(tmp_path / "a").has_plan
    bad = runner.invoke(app, ["solve", str(FIVE_STAGES), "--out", str(tmp_path / "b"), "--time-limit", "2"])
    assert bad.exit_code == 3, bad.output
    assert "保持内设机构个数不变" in bad.output
    assert read_plan(tmp_path / "b").status is Status.INFEASIBLE
    missing = runner.invoke(app, ["solve", str(tmp_path / "nope.toml")])
    assert missing.exit_code == 1 and "Traceback" not in missing.output


def test_time_out_without_a_plan_says_so():
    # 10 ms is not enough to presolve the 250-person bureau's straightforward model
    sc = load_scenario(ROOT / "scenarios" / "public_security.toml")
    plan = solve(sc, time_limit_s=0.01, deterministic=False, workers=1, formulation="naive")
    assert plan.status is Status.UNKNOWN
    assert not plan.sections and not plan.kpis and not plan.has_plan
    assert "No plan within 0.01 s" in plan.explanation.note_en
    assert plan.baseline_kpis["sections_basic"] > 0  # today's figures are still reported


def test_reproducible_mode_gives_the_same_plan():
    sc = load_scenario(ROOT / "scenarios" / "market_regulation.toml", FAST)
    a, b = solve(sc, seed=3), solve(sc, seed=3)
    assert [(s.duties, s.staff, s.chief, s.deputies) for s in a.sections] == [
        (s.duties, s.staff, s.chief, s.deputies) for s in b.sections
    ]
    assert a.solver.objective == b.solver.objective


_PLAN_IN_A_FRESH_PROCESS = """
import hashlib, sys
from pathlib import Path
from restructure.model import hints
from restructure.model.build import build
from restructure.model.instance import prepare
from restructure.planning import solve
from restructure.scenario import load_scenario
digest = lambda text: hashlib.sha256(text.encode()).hexdigest()[:16]
root = Path(sys.argv[1])
for path in sorted([*root.glob("*.toml"), *root.glob("city/*.toml")]):
    sc = load_scenario(path)
    for inst in (prepare(sc), prepare(sc, explain=True), prepare(sc, aggregate_staff=False)):
        model = str(build(inst).model.Proto())
        print(path.stem, inst.layout.value, digest(model), digest(repr(hints.from_today(inst))))
sc = load_scenario(root / "city" / "gzw.toml", {"solver.time_limit_s": 1, "solver.deterministic": True, "solver.workers": 1})
plan = solve(sc, seed=0, explain=False)
print(plan.solver.objective, [(s.duties, s.staff, s.chief, s.deputies) for s in plan.sections])
"""


def test_reproducible_mode_gives_the_same_plan_in_another_process():
    # Python salts string hashes per process, and with them the order in which a set of enum
    # members iterates: 国资委 (gzw) came out at 53 or 56 points by PYTHONHASHSEED when a set
    # ordered the model's rows. Two solves in one process cannot see this; two processes can.
    # Every bundled scenario's models (the planner's, the explanation's, the straightforward one)
    # and starting sketch are compared too: a plan may survive a reordering that a longer solve
    # or another department won't.
    out = []
    for hash_seed in ("0", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        run = subprocess.run(
            [sys.executable, "-c", _PLAN_IN_A_FRESH_PROCESS, str(ROOT / "scenarios")],
            env=env,
            capture_output=True,
            text=True,
            check=True,
            timeout=600,
        )
        out.append(run.stdout.splitlines())
    *models, plan = out[0]
    scenarios = [*(ROOT / "scenarios").glob("*.toml"), *(ROOT / "scenarios").glob("city/*.toml")]
    assert len(models) == 3 * len(scenarios)
    differ = [a.split()[:2] for a, b in zip(models, out[1][:-1], strict=True) if a != b]
    assert not differ, f"{len(differ)} models built in another order in another process, e.g. {differ[:4]}"
    assert plan == out[1][-1]


def test_previous_plan_as_hint_keeps_the_plan_when_nothing_changed():
    sc = load_scenario(ROOT / "scenarios" / "science_bureau.toml", FAST)
    first = solve(sc)
    again = solve(sc, hint=first)
    assert again.solver.objective <= first.solver.objective  # starts from the previous plan, never worse
    assert check_plan(sc, again).ok


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)
@given(
    n_sections=st.integers(3, 6),
    per_section=st.integers(3, 5),
    n_chains=st.integers(0, 2),
    seed=st.integers(0, 10_000),
)
def test_generated_departments_every_plan_passes_the_validator(n_sections, per_section, n_chains, seed):
    n_staff = n_sections * per_section
    dept = generate_department(2 * n_staff, n_staff, n_sections, n_chains, seed)
    sc = Scenario(
        name="gen",
        department=dept,
        rules=Rules(),
        solver=SolverSettings(time_limit_s=1.5, seed=0, workers=1, deterministic=True),
        settings={"seed": seed},
    )
    plan = solve(sc)
    if plan.has_plan:
        report = check_plan(sc, plan)
        assert report.ok, (report.violations, report.kpi_mismatches)
    else:
        assert plan.status in (Status.INFEASIBLE, Status.UNKNOWN) and not plan.kpis
        if plan.status is Status.INFEASIBLE:
            assert plan.explanation.conflicts or plan.explanation.note_en


@st.composite
def planner_rules(draw, dept) -> Rules:
    """Rules a planner might set, tight ones included: caps below today's count, a cap on
    section size, fewer moves, items kept together or apart."""
    duties = [d.id for d in dept.duties]
    people = [p.id for p in dept.staff]
    return Rules(
        max_basic_sections=draw(st.sampled_from([3, 4, 9])),
        max_dynamic_sections=draw(st.sampled_from([0, 1, 3])),
        keep_section_count=draw(st.booleans()),
        keep_leadership_posts=draw(st.booleans()),
        max_deputies_per_section=draw(st.sampled_from([0, 1, 3])),
        single_section=draw(st.sampled_from([(), ("support",), ("support", "licensing")])),
        separate_stages=draw(st.booleans()),
        min_section_staff=draw(st.sampled_from([1, 3])),
        max_section_staff=draw(st.sampled_from([None, 6])),
        max_load_deviation=draw(st.sampled_from([0.15, 0.3])),
        max_staff_moves=draw(st.sampled_from([1.0, 0.3])),
        together=draw(st.sampled_from([(), (tuple(duties[:2]),)])),
        apart=draw(st.sampled_from([(), ((duties[-1], people[0]),)])),
    )


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)
@given(n_sections=st.integers(3, 4), seed=st.integers(0, 10_000), data=st.data())
def test_under_any_rules_the_plan_holds_and_the_straightforward_model_agrees(n_sections, seed, data):
    """Random rules on small generated bureaus, with a second formulation as a second oracle:
    the straightforward model (a boolean per person and section, no aggregation, no slot
    order, no hint) must never find a plan where the planner says there is none, nor a better
    plan with as few sections short where it says its plan is optimal. An infeasible verdict
    comes with a confirmed, minimal conflict that names each rule instance once."""
    n_staff = 3 * n_sections
    dept = generate_department(2 * n_staff, n_staff, n_sections, 1, seed)
    sc = Scenario(
        name="gen",
        department=dept,
        rules=data.draw(planner_rules(dept)),
        solver=SolverSettings(time_limit_s=1.0, seed=0, workers=1, deterministic=True),
    )
    plan = solve(sc, explain=False)
    naive = solve(sc, formulation="naive", explain=False)
    for p in (plan, naive):
        assert p.status is not Status.INVALID, p.explanation.note_en
        if p.has_plan:
            report = check_plan(sc, p)
            assert report.ok, (report.violations, report.kpi_mismatches)
    if plan.status is Status.INFEASIBLE:
        assert not naive.has_plan
        ex = solve(sc).explanation  # with the explanation this time
        assert ex.confirmed and ex.minimal
        named = [(f.rule, f.instance) for f in ex.conflicts]
        assert len(named) == len(set(named)), named  # each rule instance named once
    if naive.status is Status.INFEASIBLE:
        assert not plan.has_plan
    for p in (plan, naive):
        if p.has_plan:  # the objective is its breakdown, balance counted in the model's steps
            assert abs(p.solver.objective - sum(p.terms.values())) < 1e-6
    if (
        plan.status is Status.OPTIMAL
        and naive.has_plan
        and naive.terms["structure"] == plan.terms["structure"]
    ):
        assert naive.solver.objective >= plan.solver.objective - 1e-6


def test_structure_term_prevents_degenerate_merges():
    sc = load_scenario(ROOT / "scenarios" / "housing_construction.toml", FAST)
    plan = solve(sc)
    assert len(plan.sections) >= 9
    flat = replace(sc, objective=replace(sc.objective, structure=0))
    merged = solve(flat)
    assert len(merged.sections) <= len(plan.sections)


def test_reproducible_mode_gives_the_same_plan_in_every_process(tmp_path):
    # Python salts str hashes per process; nothing about the model may depend on it
    # (str() of a frozenset of skills once ordered the staff classes differently, and this
    # bureau's plan came out differently under two hash seeds).
    import json
    import os
    import subprocess
    import sys

    plans = []
    for hash_seed in ("1", "2"):
        out = tmp_path / hash_seed
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        code = (
            "import sys; from restructure.cli import app; "
            "sys.argv = ['restructure', 'solve', sys.argv[1], '--out', sys.argv[2], '--time-limit', '1',"
            " '--seed', '3', '--deterministic']; app()"
        )
        done = subprocess.run(
            [sys.executable, "-c", code, str(ROOT / "scenarios" / "natural_resources.toml"), str(out)],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        plan = json.loads((out / "plan.json").read_text(encoding="utf-8"))
        plans.append([(s["duties"], s["staff"], s["chief"], s["deputies"]) for s in plan["sections"]])
    assert plans[0] == plans[1]


def test_one_reproducible_worker_proves_a_small_department():
    """Batch runs and tests solve with one deterministic worker; its bound phase must still
    prove a 34-duty department (CP-SAT's lone default search left the bound at 0 here)."""
    sc = load_scenario(ROOT / "scenarios" / "science_bureau_no_separation.toml")
    plan = solve(sc, time_limit_s=2, seed=0, workers=1, deterministic=True, explain=False)
    assert plan.status is Status.OPTIMAL, (plan.solver.objective, plan.solver.bound)
    assert plan.solver.bound == plan.solver.objective
    assert check_plan(sc, plan).ok


def test_bound_phase_puts_every_worker_on_the_full_problem():
    from restructure.model.solve import parameters

    two = SolverSettings(workers=2, seed=0)
    p = parameters(two, bound_only=True).parameters
    assert (p.num_full_subsolvers, list(p.subsolvers)) == (2, ["max_lp", "lb_tree_search"])
    assert not p.use_lns_only
    # other phases leave CP-SAT's own mix alone; one reproducible worker interleaves the two searches
    assert parameters(two).parameters.num_full_subsolvers == 0
    one = parameters(SolverSettings(workers=2, deterministic=True), bound_only=True).parameters
    assert (one.num_workers, one.interleave_search) == (1, True)
    # one worker on the clock runs the search it is given: alone CP-SAT would run its base
    # parameters, whose bound on 市场监管局 集中许可 was 24 where max_lp's is 82
    alone = parameters(SolverSettings(workers=1, seed=0), bound_only=True, bound_subsolvers=("max_lp",))
    assert (alone.parameters.num_workers, list(alone.parameters.subsolvers)) == (1, ["max_lp"])
    assert alone.parameters.num_full_subsolvers == 1
