"""The run store: round trip, look-ups, and several processes writing at once."""

from __future__ import annotations

import json
import multiprocessing
from pathlib import Path

import pytest

from restructure.domain import Plan, SolverInfo, Status
from restructure.plan_io import read_plan
from restructure.store import RunStore, default_store_path

FIXTURE_PLAN = Path(__file__).parent / "fixtures" / "plan_fixture" / "plan.json"


def _tiny_plan(i: int) -> Plan:
    return Plan(
        scenario=f"s{i % 3}",
        department="d",
        status=Status.UNKNOWN,
        sections=(),
        kpis={"duties_moved": float(i)},
        baseline_kpis={},
        solver=SolverInfo(Status.UNKNOWN, seconds=0.01 * i),
        input_hash=f"h{i}",
    )


def _writer(path: str, writer: int, n: int) -> None:
    store = RunStore(path)
    for k in range(n):
        store.add_run(_tiny_plan(writer * 1000 + k), label=f"w{writer}")


def test_round_trip_keeps_plan_and_metadata(tmp_path):
    store = RunStore(tmp_path / "runs.sqlite")
    plan = read_plan(FIXTURE_PLAN)
    rid = store.add_run(
        plan, source="scenarios/x.toml", settings={"solver.time_limit_s": 2}, seconds=1.5, label="第一稿"
    )
    rec = store.get(rid)
    assert rec.plan() == plan
    assert (rec.scenario, rec.source, rec.status, rec.label) == (
        plan.scenario,
        "scenarios/x.toml",
        "feasible",
        "第一稿",
    )
    assert rec.input_hash == "fixture-0001" and rec.seconds == 1.5
    assert rec.settings == {"solver.time_limit_s": 2}
    assert rec.kpis["sections_basic"] == 3
    assert rec.created_at.endswith("+00:00")


def test_list_find_delete_export(tmp_path):
    store = RunStore(tmp_path / "runs.sqlite")
    ids = [store.add_run(_tiny_plan(i)) for i in range(6)]
    assert [r.id for r in store.list_runs()] == ids
    assert [r.id for r in store.list_runs(scenario="s1")] == [ids[1], ids[4]]
    assert [r.id for r in store.find_by_hash("h2")] == [ids[2]]
    out = store.export(ids[3], tmp_path / "out")
    assert read_plan(out).kpis == {"duties_moved": 3.0}
    assert json.loads((tmp_path / "out" / "run.json").read_text(encoding="utf-8"))["id"] == ids[3]
    assert store.delete(ids[0]) is True and store.delete(ids[0]) is False
    with pytest.raises(KeyError):
        store.get(ids[0])
    assert len(store.list_runs()) == 5


def test_if_absent_stores_one_run_per_inputs_and_settings(tmp_path):
    store = RunStore(tmp_path / "runs.sqlite")
    plan = _tiny_plan(1)
    a = store.add_run(plan, settings={"t": 2}, if_absent=True)
    b = store.add_run(plan, settings={"t": 2}, if_absent=True)
    c = store.add_run(plan, settings={"t": 3}, if_absent=True)
    assert a == b != c
    assert len(store.find_by_hash("h1")) == 2
    assert [r.id for r in store.find_by_hash("h1", settings={"t": 3})] == [c]


def test_store_path_from_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("RESTRUCTURE_STORE", str(tmp_path / "elsewhere.sqlite"))
    assert default_store_path() == tmp_path / "elsewhere.sqlite"
    assert RunStore().path == tmp_path / "elsewhere.sqlite"
    monkeypatch.delenv("RESTRUCTURE_STORE")
    assert default_store_path() == Path("runs") / "restructure.sqlite"


def test_four_processes_writing_at_once_lose_nothing(tmp_path):
    path = str(tmp_path / "runs.sqlite")
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(path, w, 20)) for w in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=60)
    assert [p.exitcode for p in procs] == [0, 0, 0, 0]
    runs = RunStore(path).list_runs()
    assert len(runs) == 80
    assert sorted(r.input_hash for r in runs) == sorted(
        f"h{w * 1000 + k}" for w in range(4) for k in range(20)
    )
    assert {r.label: sum(1 for x in runs if x.label == r.label) for r in runs} == {
        f"w{w}": 20 for w in range(4)
    }


def test_runs_commands_list_show_export_delete(tmp_path):
    from typer.testing import CliRunner

    from restructure.cli import app

    runner = CliRunner()
    path = tmp_path / "runs.sqlite"
    rid = RunStore(path).add_run(read_plan(FIXTURE_PLAN), label="第一稿")
    store = ["--store", str(path)]
    listed = runner.invoke(app, ["runs", "list", *store])
    assert listed.exit_code == 0 and "第一稿" in listed.output
    shown = runner.invoke(app, ["runs", "show", str(rid), *store, "--lang", "en"])
    assert shown.exit_code == 0 and "fixture-0001" in shown.output and "basic sections" in shown.output
    exported = runner.invoke(app, ["runs", "export", str(rid), "--out", str(tmp_path / "x"), *store])
    assert exported.exit_code == 0 and read_plan(tmp_path / "x") == read_plan(FIXTURE_PLAN)
    assert runner.invoke(app, ["runs", "delete", str(rid), *store]).exit_code == 0
    assert runner.invoke(app, ["runs", "delete", str(rid), *store]).exit_code == 1
    assert runner.invoke(app, ["runs", "show", str(rid), *store]).exit_code == 1
    assert runner.invoke(app, ["runs", "list", "--store", str(tmp_path / "none.sqlite")]).exit_code == 1


def test_runs_commands_say_statuses_in_words_and_refuse_a_file_as_out(tmp_path):
    from typer.testing import CliRunner

    from restructure.cli import app
    from restructure.terms import STATUS

    runner = CliRunner(env={"COLUMNS": "200"})
    path = tmp_path / "runs.sqlite"
    plan = read_plan(FIXTURE_PLAN)
    rid = RunStore(path).add_run(plan, label="第一稿")
    store = ["--store", str(path)]
    for args in (["runs", "list", *store], ["runs", "show", str(rid), *store]):
        out = runner.invoke(app, args).output
        assert STATUS[plan.status][0] in out and plan.status.value not in out
    blocked = tmp_path / "taken.csv"
    blocked.write_text("x", encoding="utf-8")
    result = runner.invoke(app, ["runs", "export", str(rid), "--out", str(blocked), *store])
    assert result.exit_code == 1 and "已有同名文件" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_runs_commands_show_a_variants_overrides_whole(tmp_path):
    from typer.testing import CliRunner

    from restructure.cli import app

    path = tmp_path / "runs.sqlite"
    name = "示例 [rules.max_basic_sections=3; objective.disruption=0]"
    rid = RunStore(path).add_run(
        read_plan(FIXTURE_PLAN), scenario=name, label="sweep:示例__max_basic_sections-3"
    )
    store = ["--store", str(path)]
    # at 80 columns the list folds the name within its column: not eaten as markup, not cut short
    listed = CliRunner(env={"COLUMNS": "80"}).invoke(app, ["runs", "list", *store]).output
    column = "".join(line.split("│")[3].strip() for line in listed.splitlines() if line.startswith("│"))
    assert column == name.replace(" ", "") or column == name, listed
    shown = CliRunner(env={"COLUMNS": "200"}).invoke(app, ["runs", "show", str(rid), *store]).output
    assert name in shown
