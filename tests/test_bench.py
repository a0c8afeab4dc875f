"""The benchmark's rivals solve the same model: on a small department the shipped planner,
the straightforward formulation and HiGHS on the translated MIP agree on the optimum."""

from __future__ import annotations

from builders import duty, scenario, section, staff_for

from restructure.bench.run import Row, bench_instances, render_markdown
from restructure.domain import Rules, SolverSettings


def small():
    secs = [
        section("S1", "办公室"),
        section("S2", "财务科"),
        section("S3", "业务一科", deputy=1),
        section("S4", "业务二科"),
    ]
    duties = [
        duty("D1", "S1", 1.0, "support"),
        duty("D2", "S2", 1.0, "support"),
        duty("D3", "S3", 2.0, group="A"),
        duty("D4", "S3", 1.0, group="A", chain="C", stage="review"),
        duty("D5", "S4", 2.0, group="B", chain="C", stage="guideline"),
        duty("D6", "S4", 1.0, "policy"),
    ]
    staff = staff_for("S1", 2) + staff_for("S2", 1) + staff_for("S3", 3, deputies=1) + staff_for("S4", 2)
    rules = Rules(min_section_staff=2, max_load_deviation=0.3, max_nonbusiness_section_share=0.5)
    return scenario(
        secs, duties, staff, rules=rules, solver=SolverSettings(time_limit_s=20, seed=0, workers=1)
    )


def test_three_methods_agree_on_the_optimum():
    rows = bench_instances([small()], workers=1)
    by = {r.method: r for r in rows}
    assert set(by) == {"cp-sat shipped", "cp-sat naive", "highs mip"}
    assert all(r.status == "optimal" for r in rows), [(r.method, r.status, r.note) for r in rows]
    assert by["cp-sat naive"].objective == by["cp-sat shipped"].objective
    assert abs(by["highs mip"].objective - by["cp-sat shipped"].objective) < 1e-6
    assert by["highs mip"].time_to_target_s is not None


def test_markdown_table_states_ratios_and_never_reached():
    rows = [
        Row("x", "cp-sat shipped", 6, 8, "optimal", 0.1, 5.0, 5.0, 0.0, 0.0, 0.0, 0.2, time_to_target_s=0.1),
        Row("x", "highs mip", 6, 8, "feasible", 1.0, 9.0, 1.0, 8.0, 0.8, 4.0, 10.0, time_to_target_s=None),
        Row("x", "cp-sat naive", 6, 8, "optimal", 0.3, 5.0, 5.0, 0.0, 0.0, 0.0, 0.9, time_to_target_s=0.6),
    ]
    md = render_markdown(rows, {"machine": "test", "workers": 2})
    assert "| x | cp-sat naive |" in md and "6.0x" in md
    assert "> 100.0x (never)" in md
