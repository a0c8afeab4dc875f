"""Batch runs: many scenarios solved in parallel, each result committed as soon as it finishes.

Local processes by default (a spawn-context process pool), or a Dask cluster when a scheduler
address is given. Every solve runs in the reproducible mode with one CP-SAT worker, so N
processes use N cores and the same batch gives the same plans on any executor.

A result is committed in two steps, each atomic: the plan folder (written to a temporary folder,
then renamed into place) and one row in the run store (a transaction that first looks for the
same inputs and settings). A batch stopped at any moment therefore leaves whole plans only, and
a restart skips every scenario whose result is already there: no solve is repeated, no row doubled.
"""

from __future__ import annotations

import concurrent.futures
import multiprocessing
import os
import shutil
import signal
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from restructure.domain import Department, Plan
from restructure.errors import InputError, Problem
from restructure.plan_io import plan_from_dict, plan_to_dict, read_plan, write_csv_rows, write_plan
from restructure.store import RunStore

SUMMARY_KPIS = (
    "sections_basic",
    "sections_dynamic",
    "chief_posts",
    "deputy_posts",
    "max_load_ratio",
    "min_load_ratio",
    "stage_conflicts",
    "duties_moved",
    "staff_moved",
    "business_staff_share",
    "nonbusiness_section_share",
    "groups_split",
)


@dataclass(frozen=True)
class Job:
    """One solve of a batch: a scenario file, the overrides to apply, and its output folder name."""

    name: str
    path: str
    overrides: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class JobResult:
    name: str
    source: str
    status: str  # the plan's status, or "error" when the scenario could not be loaded or solved
    skipped: bool  # True: a finished result was already there (resume)
    run_id: int | None
    out_dir: Path | None
    kpis: Mapping[str, float]
    objective: float | None
    gap: float | None
    seconds: float | None  # solve seconds as the solver reported them
    input_hash: str = ""
    overrides: Mapping[str, Any] = field(default_factory=dict)
    # why there is no result, in both languages: the front end picks the planner's language
    error_zh: str = ""
    error_en: str = ""

    def error(self, lang: str = "zh") -> str:
        return self.error_en if lang == "en" else self.error_zh


@dataclass(frozen=True)
class BatchResult:
    out: Path
    store_path: Path
    results: tuple[JobResult, ...]
    summary_csv: Path
    summary_xlsx: Path
    seconds: float  # wall seconds of the whole batch

    @property
    def solved(self) -> int:
        """Solves run this time (with or without a plan)."""
        return sum(1 for r in self.results if not r.skipped and r.status != "error")

    def count(self, outcome: str) -> int:
        """Results of one outcome: "plan", "infeasible", "no_plan" (time ran out, or the check
        rejected the plan) or "error" (the scenario could not be loaded or solved)."""
        return sum(1 for r in self.results if outcome_of(r.status) == outcome)

    @property
    def skipped(self) -> int:
        return sum(1 for r in self.results if r.skipped)

    @property
    def failed(self) -> int:
        return sum(1 for r in self.results if r.status == "error")


def outcome_of(status: str) -> str:
    """A result's outcome for counting: a plan, infeasible, no plan in time, or an error."""
    if status in ("optimal", "feasible"):
        return "plan"
    if status in ("infeasible", "error"):
        return status
    return "no_plan"


# ---------------------------------------------------------------------------------------
# Jobs
# ---------------------------------------------------------------------------------------


def expand_scenarios(paths: Iterable[str | Path]) -> list[Path]:
    """Scenario files from files and folders (folders: every *.toml below, sorted)."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out += sorted(q for q in p.rglob("*.toml") if q.is_file())
        else:
            out.append(p)
    return list(dict.fromkeys(out))


def jobs_for(paths: Sequence[Path]) -> list[Job]:
    """One job per scenario; the folder is the file's stem, made unique with its parent's name."""
    jobs: list[Job] = []
    used: set[str] = set()
    for p in paths:
        name = p.stem
        if name in used:
            name = f"{p.parent.name}_{p.stem}"
        k = 2
        base = name
        while name in used:
            name = f"{base}_{k}"
            k += 1
        used.add(name)
        jobs.append(Job(name=name, path=str(p.resolve())))
    return jobs


def stored_name(job: Job, plan: Plan) -> str:
    """The scenario name a run is stored under: a variant's overrides are part of it, so the
    store's scenario column (and ``runs list --scenario``) tells a sweep's variants apart."""
    if not job.overrides:
        return plan.scenario
    return f"{plan.scenario} [" + "; ".join(f"{k}={v}" for k, v in job.overrides.items()) + "]"


def batch_overrides(job: Job, time_limit_s: float | None) -> dict[str, Any]:
    """The job's overrides plus the batch's: reproducible mode, one CP-SAT worker per solve."""
    ov = dict(job.overrides)
    ov["solver.deterministic"] = True
    ov["solver.workers"] = 1
    if time_limit_s is not None:
        ov["solver.time_limit_s"] = float(time_limit_s)
    return ov


def solve_job(path: str, overrides: Mapping[str, Any]) -> dict[str, Any]:
    """Run in a worker process: load, solve, return the plan as plain data (no domain objects cross)."""
    from restructure.planning import solve
    from restructure.scenario import load_scenario

    scenario = load_scenario(path, dict(overrides))
    plan = solve(scenario)
    return {"plan": plan_to_dict(plan)}


# ---------------------------------------------------------------------------------------
# Committing results
# ---------------------------------------------------------------------------------------


def write_plan_atomically(plan: Plan, department: Department, target: Path) -> None:
    """Write the plan folder next to its place, then rename it in: never a half-written plan."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.parent / f".{target.name}.tmp-{os.getpid()}"
    if tmp.exists():
        shutil.rmtree(tmp)
    write_plan(plan, department, tmp)
    old = None
    if target.exists():
        old = target.parent / f".{target.name}.old-{os.getpid()}"
        if old.exists():
            shutil.rmtree(old)
        os.replace(target, old)
    os.replace(tmp, target)
    if old is not None:
        shutil.rmtree(old)


def _remove_leftovers(out_dir: Path) -> None:
    """Temporary plan folders of a batch that was killed: never results, so they go."""
    for p in [*out_dir.glob(".*.tmp-*"), *out_dir.glob(".*.old-*")]:
        if p.is_dir():
            shutil.rmtree(p)
        else:
            p.unlink()


def _finished_plan(folder: Path, input_hash: str) -> Plan | None:
    """The plan in ``folder`` when it is a finished result for these inputs."""
    path = folder / "plan.json"
    if not path.is_file():
        return None
    try:
        plan = read_plan(path)
    except (ValueError, KeyError):
        return None
    return plan if plan.input_hash == input_hash else None


def _result(
    job: Job, plan: Plan, run_id: int, out_dir: Path, skipped: bool, ov: Mapping[str, Any]
) -> JobResult:
    return JobResult(
        name=job.name,
        source=job.path,
        status=plan.status.value,
        skipped=skipped,
        run_id=run_id,
        out_dir=out_dir,
        kpis=dict(plan.kpis),
        objective=plan.solver.objective,
        gap=plan.solver.gap,
        seconds=plan.solver.seconds,
        input_hash=plan.input_hash,
        overrides=dict(ov),
    )


def _error(job: Job, zh: str, en: str, ov: Mapping[str, Any]) -> JobResult:
    return JobResult(
        name=job.name,
        source=job.path,
        status="error",
        skipped=False,
        run_id=None,
        out_dir=None,
        kpis={},
        objective=None,
        gap=None,
        seconds=None,
        overrides=dict(ov),
        error_zh=zh,
        error_en=en,
    )


def _problem_texts(job: Job, problems: Sequence[Problem]) -> tuple[str, str]:
    """The problems in Chinese and in English, kept short for a table cell: the scenario's own
    file and the batch's overrides go without saying (the row names the variant), other files
    (its data, a file it extends) are named; a column the message starts with is not repeated."""
    from restructure.scenario import OVERRIDES

    def where(p: Problem, zh: bool) -> str:
        parts = [] if p.file == OVERRIDES or Path(p.file) == Path(job.path) else [p.file]
        if p.row is not None:
            parts.append(f"第{p.row}行" if zh else f"row {p.row}")
        if p.column and not (p.zh if zh else p.en).startswith(p.column):
            parts.append(f"{p.column}列" if zh else f"column {p.column}")
        return ("，" if zh else ", ").join(parts)

    zh = "；".join(f"{where(p, True)}：{p.zh}" if where(p, True) else p.zh for p in problems)
    en = "; ".join(f"{where(p, False)}: {p.en}" if where(p, False) else p.en for p in problems)
    return zh, en


def summary_rows(results: Sequence[JobResult]) -> list[dict[str, Any]]:
    rows = []
    for r in results:
        row: dict[str, Any] = {"scenario": r.name, "status": r.status}
        for k in SUMMARY_KPIS:
            row[k] = r.kpis.get(k, "")
        row |= {
            "objective": "" if r.objective is None else r.objective,
            "gap": "" if r.gap is None else r.gap,
            "seconds": "" if r.seconds is None else round(r.seconds, 3),
            "run_id": "" if r.run_id is None else r.run_id,
            "source": r.source,
            "error_zh": r.error_zh,
            "error_en": r.error_en,
        }
        rows.append(row)
    return rows


def write_summary(results: Sequence[JobResult], out: Path) -> tuple[Path, Path]:
    """summary.csv and summary.xlsx, each replaced atomically."""
    from restructure.export.tables import Table
    from restructure.export.xlsx import xlsx_from_tables

    rows = summary_rows(sorted(results, key=lambda r: r.name))
    columns = [
        "scenario",
        "status",
        *SUMMARY_KPIS,
        "objective",
        "gap",
        "seconds",
        "run_id",
        "source",
        "error_zh",
        "error_en",
    ]
    csv_path, xlsx_path = out / "summary.csv", out / "summary.xlsx"
    tmp = out / f".summary.csv.tmp-{os.getpid()}"
    write_csv_rows(tmp, rows, columns=columns)
    os.replace(tmp, csv_path)
    table = Table(
        key="summary",
        title="summary",
        columns=tuple(columns),
        headers=tuple(columns),
        rows=tuple(tuple(r[c] for c in columns) for r in rows),
        number_formats={
            "max_load_ratio": "0.000",
            "min_load_ratio": "0.000",
            "seconds": "0.00",
            "gap": "0.0000",
        },
    )
    tmp = out / f".summary.xlsx.tmp-{os.getpid()}"
    tmp.write_bytes(xlsx_from_tables({"summary": table}))
    os.replace(tmp, xlsx_path)
    return csv_path, xlsx_path


# ---------------------------------------------------------------------------------------
# Running
# ---------------------------------------------------------------------------------------


def run_jobs(
    jobs: Sequence[Job],
    out: str | Path,
    *,
    workers: int = 2,
    scheduler: str | None = None,
    time_limit_s: float | None = None,
    store: str | Path | RunStore | None = None,
    show_progress: bool = True,
    console: Console | None = None,
    on_result: Callable[[JobResult], None] | None = None,
    kind: str = "batch",
) -> BatchResult:
    """Solve ``jobs`` (skipping finished ones), committing each result as it arrives;
    ``on_result`` hears of each solved (or failed) job once it is committed to disk. Stored runs
    are labelled ``<kind>:<job name>`` (batch or sweep)."""
    from restructure.scenario import load_scenario, scenario_hash

    t0 = time.perf_counter()
    out_dir = Path(out)
    out_dir.mkdir(parents=True, exist_ok=True)
    run_store = (
        store if isinstance(store, RunStore) else RunStore(Path(store) if store else out_dir / "runs.sqlite")
    )
    _remove_leftovers(out_dir)
    results: dict[str, JobResult] = {}
    pending: dict[str, tuple[Job, dict[str, Any], Department, str]] = {}

    for job in jobs:
        ov = batch_overrides(job, time_limit_s)
        try:
            scenario = load_scenario(job.path, ov)
        except InputError as exc:
            results[job.name] = _error(job, *_problem_texts(job, exc.problems), ov)
            continue
        except OSError as exc:
            reason = exc.strerror or str(exc)
            results[job.name] = _error(job, f"无法读取：{reason}", f"cannot read: {reason}", ov)
            continue
        h = scenario_hash(scenario)
        settings = {"overrides": ov}
        folder = out_dir / job.name
        stored = run_store.find_by_hash(h, settings)
        on_disk = _finished_plan(folder, h)
        if stored and on_disk is None:
            # In the store but the folder is gone or stale: rewrite it from the stored plan.
            write_plan_atomically(stored[0].plan(), scenario.department, folder)
        if stored or on_disk is not None:
            plan = stored[0].plan() if stored else on_disk
            assert plan is not None
            rid = run_store.add_run(
                plan,
                scenario=stored_name(job, plan),
                source=job.path,
                settings=settings,
                label=f"{kind}:{job.name}",
                if_absent=True,
            )
            results[job.name] = _result(job, plan, rid, folder, True, ov)
            continue
        pending[job.name] = (job, ov, scenario.department, h)

    def commit(name: str, payload: dict[str, Any] | None, error: str = "") -> None:
        job, ov, department, _h = pending[name]
        if payload is None:
            # a crash of the solve itself: its own words, the same in both languages
            results[name] = _error(job, f"求解出错：{error}", f"solve failed: {error}", ov)
        else:
            plan = plan_from_dict(payload["plan"])
            folder = out_dir / job.name
            write_plan_atomically(plan, department, folder)
            rid = run_store.add_run(
                plan,
                scenario=stored_name(job, plan),
                source=job.path,
                settings={"overrides": ov},
                seconds=plan.solver.seconds,
                label=f"{kind}:{job.name}",
                if_absent=True,
            )
            results[name] = _result(job, plan, rid, folder, False, ov)
            write_summary(list(results.values()), out_dir)
        if on_result is not None:
            on_result(results[name])

    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        disable=not show_progress or not pending,  # no "0/0" bar when every result was kept
    )
    with progress:
        task = progress.add_task("求解 / solving", total=len(pending))
        if pending and scheduler:
            _run_dask(pending, scheduler, commit, lambda: progress.advance(task))
        elif pending:
            _run_local(pending, workers, commit, lambda: progress.advance(task))

    ordered = tuple(results[j.name] for j in jobs)
    csv_path, xlsx_path = write_summary(ordered, out_dir)
    return BatchResult(
        out=out_dir,
        store_path=run_store.path,
        results=ordered,
        summary_csv=csv_path,
        summary_xlsx=xlsx_path,
        seconds=time.perf_counter() - t0,
    )


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt  # SIGTERM ends the batch the way Ctrl-C does: workers stopped, commits kept


def _run_local(pending, workers: int, commit, advance) -> None:
    ctx = multiprocessing.get_context("spawn")  # no fork: CP-SAT and threads do not survive a fork
    pool = concurrent.futures.ProcessPoolExecutor(max_workers=max(1, workers), mp_context=ctx)
    on_main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _interrupt) if on_main_thread else None
    try:
        futures = {pool.submit(solve_job, job.path, ov): name for name, (job, ov, _d, _h) in pending.items()}
        for fut in concurrent.futures.as_completed(futures):
            name = futures[fut]
            try:
                payload = fut.result()
            except Exception as exc:  # a worker's failure is that scenario's result, not the batch's end
                commit(name, None, f"{type(exc).__name__}: {exc}")
            else:
                commit(name, payload)
            advance()
    except BaseException:
        # Ctrl-C or SIGTERM: drop what has not started and stop the solves that have (a worker
        # left running outlived its batch); what was committed stays committed.
        workers_now = list((pool._processes or {}).values())  # the executor has no public handle
        pool.shutdown(wait=False, cancel_futures=True)
        for proc in workers_now:
            proc.terminate()
        for proc in workers_now:
            proc.join(timeout=5)
        raise
    finally:
        if on_main_thread:
            signal.signal(signal.SIGTERM, previous)
    pool.shutdown()


def _run_dask(pending, scheduler: str, commit, advance) -> None:
    from distributed import Client, as_completed

    with Client(scheduler) as client:
        futures = {
            client.submit(solve_job, job.path, ov, key=f"solve-{name}-{h[:12]}", pure=False): name
            for name, (job, ov, _d, h) in pending.items()
        }
        for fut in as_completed(list(futures)):
            name = futures[fut]
            try:
                payload = fut.result()
            except Exception as exc:
                commit(name, None, f"{type(exc).__name__}: {exc}")
            else:
                commit(name, payload)
            advance()


def run_batch(
    paths: Sequence[str | Path],
    out: str | Path,
    *,
    workers: int = 2,
    scheduler: str | None = None,
    time_limit_s: float | None = None,
    store: str | Path | RunStore | None = None,
    show_progress: bool = False,
    on_result: Callable[[JobResult], None] | None = None,
) -> BatchResult:
    """Solve every scenario in ``paths`` (files, or folders searched for *.toml) into ``out``."""
    scenarios = expand_scenarios(paths)
    if not scenarios:
        raise FileNotFoundError(f"no scenario files in {[str(p) for p in paths]}")
    return run_jobs(
        jobs_for(scenarios),
        out,
        workers=workers,
        scheduler=scheduler,
        time_limit_s=time_limit_s,
        store=store,
        show_progress=show_progress,
        on_result=on_result,
    )
