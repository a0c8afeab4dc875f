"""Batch runs: parallel solves, resume after a kill, and the same plans through a Dask cluster."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
from dataclasses import replace
from pathlib import Path

import pytest

from restructure.batch import expand_scenarios, jobs_for, run_batch
from restructure.check import check_plan
from restructure.plan_io import read_plan
from restructure.scenario import load_scenario
from restructure.store import RunStore

FIXTURE = Path(__file__).parent / "fixtures" / "plan_fixture"
TIME_LIMIT = 0.5


def write_scenarios(folder: Path, caps: list[int]) -> list[Path]:
    """Small scenarios on the fixture department that differ in their cap on basic sections."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for cap in caps:
        path = folder / f"cap{cap}.toml"
        path.write_text(
            f'name = "示例 基本科室≤{cap}"\ndata = "{FIXTURE.as_posix()}"\n'
            f"[rules]\nmax_basic_sections = {cap}\n[solver]\ntime_limit_s = 5\n",
            encoding="utf-8",
        )
        paths.append(path)
    return paths


@pytest.fixture(scope="module")
def local_batch(tmp_path_factory):
    root = tmp_path_factory.mktemp("batch")
    write_scenarios(root / "scenarios", [3, 4, 5])
    result = run_batch([root / "scenarios"], root / "out", workers=2, time_limit_s=TIME_LIMIT)
    return root, result


def test_batch_solves_every_scenario_and_records_it(local_batch):
    root, result = local_batch
    assert (result.solved, result.skipped, result.failed) == (3, 0, 0)
    store = RunStore(root / "out" / "runs.sqlite")
    assert len(store.list_runs()) == 3
    for r in result.results:
        plan = read_plan(root / "out" / r.name / "plan.json")
        assert plan.has_plan and (root / "out" / r.name / "duties.csv").is_file()
        assert plan.solver.deterministic and plan.solver.workers == 1
        scenario = load_scenario(r.source, {"solver.deterministic": True, "solver.workers": 1})
        assert check_plan(scenario, plan).violations == ()
        assert store.get(r.run_id).plan() == plan
    lines = result.summary_csv.read_bytes().decode("utf-8-sig").splitlines()
    assert lines[0].startswith("scenario,status,sections_basic")
    assert [line.split(",")[0] for line in lines[1:]] == ["cap3", "cap4", "cap5"]
    assert result.summary_xlsx.is_file()


def test_rerun_solves_nothing(local_batch):
    root, _ = local_batch
    again = run_batch([root / "scenarios"], root / "out", workers=2, time_limit_s=TIME_LIMIT)
    assert (again.solved, again.skipped) == (0, 3)
    assert len(RunStore(root / "out" / "runs.sqlite").list_runs()) == 3


def test_scenario_folders_expand_recursively(tmp_path):
    write_scenarios(tmp_path / "a", [3])
    write_scenarios(tmp_path / "a" / "deeper", [3, 4])
    found = expand_scenarios([tmp_path / "a"])
    assert [p.name for p in found] == ["cap3.toml", "cap3.toml", "cap4.toml"]
    assert [j.name for j in jobs_for(found)] == ["cap3", "deeper_cap3", "cap4"]


def finished(out: Path) -> list[str]:
    """Result folders with a plan; a batch's temporary ``.name.tmp-PID`` folders are not results
    (pathlib's ``*`` matches hidden names too: counting them made this test flaky)."""
    return sorted(p.parent.name for p in out.glob("*/plan.json") if not p.parent.name.startswith("."))


def test_killed_batch_resumes_without_losing_or_doubling(tmp_path):
    write_scenarios(tmp_path / "scenarios", [3, 4, 5, 6])
    out = tmp_path / "out"
    # The child says each result's name once it is committed; the test reads that line (a
    # blocking read, bounded by a timer that kills the child) instead of polling the folder.
    code = (
        "from restructure.batch import run_batch; "
        f"run_batch([{str(tmp_path / 'scenarios')!r}], {str(out)!r}, workers=1, time_limit_s={TIME_LIMIT}, "
        "on_result=lambda r: print(r.name, flush=True))"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code], start_new_session=True, stdout=subprocess.PIPE, text=True
    )

    def kill() -> None:  # the batch and its worker processes, mid-run (or already gone)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)

    guard = threading.Timer(90, kill)
    guard.start()
    try:
        first = proc.stdout.readline().strip()
    finally:
        guard.cancel()
        kill()
        proc.wait()
        proc.stdout.close()
    assert first, "the batch ended (or hung 90 s) before any result was committed"
    assert first in finished(out)
    done_before = len(finished(out))
    assert 1 <= done_before < 4

    result = run_batch([tmp_path / "scenarios"], out, workers=2, time_limit_s=TIME_LIMIT)
    assert result.failed == 0
    assert result.skipped == done_before and result.solved == 4 - done_before
    assert finished(out) == ["cap3", "cap4", "cap5", "cap6"]
    assert not list(out.glob(".*"))  # no temporary folder left behind
    runs = RunStore(out / "runs.sqlite").list_runs()
    assert len(runs) == 4 and len({r.input_hash for r in runs}) == 4


def test_dask_cluster_gives_the_same_plans(local_batch, tmp_path):
    from distributed import LocalCluster

    root, local = local_batch
    with LocalCluster(n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None) as cluster:
        remote = run_batch(
            [root / "scenarios"],
            tmp_path / "dask",
            scheduler=cluster.scheduler_address,
            time_limit_s=TIME_LIMIT,
        )
    assert (remote.solved, remote.failed) == (3, 0)
    for a, b in zip(local.results, remote.results, strict=True):
        plan_a = read_plan(root / "out" / a.name / "plan.json")
        plan_b = read_plan(tmp_path / "dask" / b.name / "plan.json")
        assert plan_a.input_hash == plan_b.input_hash
        assert plan_a.section_of_duty() == plan_b.section_of_duty()
        assert plan_a.section_of_person() == plan_b.section_of_person()


def test_generated_city_is_reproducible_and_loads(tmp_path):
    from restructure.citygen import CITY_DEPARTMENTS, build_city

    written = build_city(tmp_path / "city")
    assert len(written) == len(CITY_DEPARTMENTS) == 36
    bundled = Path(__file__).parent.parent / "scenarios" / "city"
    for path in sorted((tmp_path / "city").rglob("*.*")):
        rel = path.relative_to(tmp_path / "city")
        assert path.read_bytes() == (bundled / rel).read_bytes(), f"scenarios/city/{rel} is out of date"
    sizes = [len(load_scenario(p).department.staff) for p in written]
    assert min(sizes) == 20 and max(sizes) == 300
    # the police bureau's akin lines reach the objective (相近科室合并), the chain's stages stay apart
    police = load_scenario(tmp_path / "city" / "gaj.toml")
    assert ("刑事侦查", "经济犯罪侦查", "禁毒") in police.objective.related_groups
    assert not any({"法制", "警务督察"} & set(s) for s in police.objective.related_groups)


def test_city_related_lines_must_be_business_lines():
    from restructure.citygen import CITY_DEPARTMENTS, RELATED_LINES, city_department, related_groups

    spec = next(s for s in CITY_DEPARTMENTS if s.slug == "jyj")
    dept = city_department(spec, 2025)
    assert related_groups(spec, dept) == [["基础教育", "学前教育"]]
    bad = replace(spec, slug="gaj")  # the police bureau's lines are not the education bureau's
    with pytest.raises(ValueError, match="治安管理"):
        related_groups(bad, dept)
    assert set(RELATED_LINES) <= {s.slug for s in CITY_DEPARTMENTS}


def test_city_generator_command_line(tmp_path, monkeypatch, capsys):
    from restructure.citygen import main

    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as help_exit:
        main(["--help"])
    assert help_exit.value.code == 0 and list(tmp_path.iterdir()) == []  # --help writes nothing
    assert main(["city", "--seed", "7", "--time-limit", "3"]) == 0
    assert "36 scenarios written to city" in capsys.readouterr().out
    one = load_scenario(tmp_path / "city" / sorted(p.name for p in (tmp_path / "city").glob("*.toml"))[0])
    assert one.solver.time_limit_s == 3


def test_batch_command_resumes_and_reports(local_batch):
    from typer.testing import CliRunner

    from restructure.cli import app

    root, _ = local_batch
    args = ["batch", str(root / "scenarios"), "--out", str(root / "out"), "--time-limit", str(TIME_LIMIT)]
    result = CliRunner().invoke(app, [*args, "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "resumed 3" in result.output and result.output.count("resumed") == 4
    empty = CliRunner().invoke(app, ["batch", str(root / "out" / "cap3"), "--out", str(root / "x")])
    assert empty.exit_code == 1


def test_batch_command_counts_outcomes_and_exits_like_solve(tmp_path):
    """An infeasible scenario is not a success (exit 3, counted as such); a scenario that cannot
    be loaded is an input error (exit 1), explained in the chosen language, both in summary.csv."""
    from typer.testing import CliRunner

    from restructure.cli import app

    (ok,) = write_scenarios(tmp_path / "s", [4])
    tight = tmp_path / "s" / "tight.toml"
    tight.write_text(
        f'name = "tight"\ndata = "{FIXTURE.as_posix()}"\n[rules]\nmin_section_staff = 2\nmax_section_staff = 2\n',
        encoding="utf-8",
    )
    wide = CliRunner(env={"COLUMNS": "250"})
    result = wide.invoke(
        app, ["batch", str(ok), str(tight), "--out", str(tmp_path / "o"), "--time-limit", "1"]
    )
    assert result.exit_code == 3, result.output
    assert "有方案 1 个，无可行方案 1 个" in result.output and "无可行方案" in result.output
    assert "备注" in result.output and "infeasible" not in result.output

    bad = tmp_path / "bad.toml"
    bad.write_text(
        f'name = "x"\ndata = "{FIXTURE.as_posix()}"\n[rules]\nmax_section_staff = 2\n', encoding="utf-8"
    )
    missing = tmp_path / "missing.toml"
    result = wide.invoke(app, ["batch", str(bad), str(missing), "--out", str(tmp_path / "b")])
    assert result.exit_code == 1, result.output
    assert "小于 min_section_staff" in result.output and "文件不存在" in result.output
    assert "is below" not in result.output and "No such file" not in result.output
    summary = (tmp_path / "b" / "summary.csv").read_text(encoding="utf-8-sig")
    assert "error_zh,error_en" in summary.splitlines()[0]
    assert "小于 min_section_staff" in summary and "is below min_section_staff" in summary
    english = wide.invoke(app, ["batch", str(bad), "--out", str(tmp_path / "b"), "--lang", "en"])
    assert "is below" in english.output and "error 1" in english.output
