"""restructure: redesign a department's internal sections under 9+X staffing rules.

Public API (everything a front end needs)::

    from restructure import load_scenario, solve, check_plan
    scenario = load_scenario("scenarios/market_regulation.toml")
    plan = solve(scenario)           # a Plan: status, sections, KPIs, explanation
    report = check_plan(scenario, plan)   # solver-free re-check of every rule and KPI
"""

__version__ = "0.1.0"

__all__ = ["__version__", "check_plan", "load_scenario", "solve"]


def __getattr__(name: str):
    # Lazy, so that `import restructure` stays cheap for the CLI and the app.
    if name == "solve":
        from restructure.planning import solve

        return solve
    if name == "check_plan":
        from restructure.check import check_plan

        return check_plan
    if name == "load_scenario":
        from restructure.scenario import load_scenario

        return load_scenario
    raise AttributeError(name)
