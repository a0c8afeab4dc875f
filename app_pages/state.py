"""Per-session state of the app, all of it in ``st.session_state``.

What a planner has loaded, edited and solved lives only in their own browser session: two
sessions never share unsaved work. Saved plans go to the run store (``restructure.store``).

The scenario is always rebuilt by ``restructure.scenario.load_scenario`` from its source plus
the planner's edits (dotted overrides), so every edit is validated exactly like a TOML file.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import streamlit as st

from app_pages.solving import SolveJob
from restructure.domain import Plan, Scenario
from restructure.errors import InputError, Problem
from restructure.scenario import effective_settings, load_department_as_scenario, load_scenario, scenario_hash
from restructure.store import RunStore

# Session-state keys. LANG is the sidebar widget's own key.
LANG = "lang"
SOURCE = "source"
OVERRIDES = "overrides"
SCENARIO = "scenario"
PROBLEMS = "problems"  # problems of the last load attempt that failed
PLAN = "plan"
PLAN_SCENARIO = "plan_scenario"  # the scenario the plan was solved for
JOB = "job"
SOLVE_ERROR = "solve_error"
SAVED_RUN = "saved_run"  # run id the current plan was saved under
LOAD_GENERATION = "load_generation"  # bumps on every load so edit widgets start from the new values
UPLOAD_DIR = "upload_dir"
SIM_REPORT = "simulation"
SOLVE_COUNT = "solve_count"  # plans this session has received, so a planner sees a new one arrive
# Tests set this flag: the solve then runs in the script thread (AppTest runs scripts synchronously).
SYNC_SOLVE = "sync_solve"
EXPORT_LANG = "export_lang"  # the export page's language radio; follows the sidebar until changed there
# Widgets whose values a planner sets once and expects to find again after visiting other pages.
KEPT_WIDGETS = (
    EXPORT_LANG,
    "pseudonymise",
    "compare_department",
    "compare_runs",
    "compare_ref",
    "diff_other",
)

SCENARIO_KIND = "scenario"  # a TOML file
DEPARTMENT_KIND = "department"  # a bare data folder or .xlsx, with the contract's default rules


@dataclass(frozen=True)
class Source:
    """Where the scenario comes from."""

    path: str  # scenario TOML, department folder or .xlsx
    kind: str  # SCENARIO_KIND or DEPARTMENT_KIND
    label: str  # what the planner picked: a bundled scenario's name or the uploaded file's name
    data_name: str  # how a saved TOML refers to the data (relative path or the uploaded name)


def keep_widget_values() -> None:
    """Streamlit drops a widget's value when its page is not drawn in a run. Assigning each kept
    key to itself every run keeps it: pseudonymise must not silently switch off on a page change."""
    for key in KEPT_WIDGETS:
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]


def language_changed() -> None:
    """The sidebar's language changed: exports follow it (a planner may still pick the other one)."""
    st.session_state[EXPORT_LANG] = lang()


def lang() -> str:
    value = st.session_state.get(LANG, "zh")
    return value if value in ("zh", "en") else "zh"


def scenario() -> Scenario | None:
    return st.session_state.get(SCENARIO)


def source() -> Source | None:
    return st.session_state.get(SOURCE)


def overrides() -> dict[str, Any]:
    return dict(st.session_state.get(OVERRIDES, {}))


def problems() -> list[Problem]:
    return list(st.session_state.get(PROBLEMS, []))


def generation() -> int:
    return int(st.session_state.get(LOAD_GENERATION, 0))


def _load(src: Source, edits: Mapping[str, Any]) -> Scenario:
    if src.kind == DEPARTMENT_KIND:
        return load_department_as_scenario(src.path, edits)
    return load_scenario(src.path, edits)


def load(src: Source, edits: Mapping[str, Any] | None = None, *, remember: bool = True) -> list[Problem]:
    """Load a source with edits. On success it becomes the session's scenario and [] is returned;
    otherwise the problems are returned and the session keeps what it had. With ``remember`` the
    problems are also kept for the scenario page to show (a failed upload); edits show their own."""
    edits = dict(edits or {})
    try:
        loaded = _load(src, edits)
    except InputError as e:
        if remember:
            st.session_state[PROBLEMS] = e.problems
        return e.problems
    st.session_state[SOURCE] = src
    st.session_state[OVERRIDES] = edits
    st.session_state[SCENARIO] = loaded
    st.session_state[PROBLEMS] = []
    st.session_state[LOAD_GENERATION] = generation() + 1
    st.session_state.pop(SIM_REPORT, None)
    return []


def switch_source(src: Source) -> list[Problem]:
    """A new department or scenario: edits, plan and simulation of the old one are dropped."""
    found = load(src, {})
    if not found:
        for key in (PLAN, PLAN_SCENARIO, SAVED_RUN, SOLVE_ERROR):
            st.session_state.pop(key, None)
    return found


def edit(changes: Mapping[str, Any]) -> list[Problem]:
    """Apply edits (dotted keys) on top of the current ones and reload. An edit that sets a key
    back to the file's own value is dropped: the list of changed settings shows real changes only."""
    src = source()
    if src is None:
        return []
    merged = overrides() | dict(changes)
    try:
        in_file = effective_settings(_load(src, {}))
    except InputError:
        in_file = {}
    kept = {key: value for key, value in merged.items() if not _same(_setting(in_file, key), value)}
    return load(src, kept, remember=False)


_ABSENT = object()


def _setting(settings: Mapping[str, Any], dotted: str) -> Any:
    value: Any = settings
    for part in dotted.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return _ABSENT
        value = value[part]
    return value


def _same(a: Any, b: Any) -> bool:
    """Equal as settings: 2 and 2.0, a list and a tuple of the same items."""
    if a is _ABSENT:
        return False
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return float(a) == float(b)
    return a == b


def reset_edits() -> list[Problem]:
    src = source()
    return load(src, {}) if src is not None else []


def plan() -> Plan | None:
    return st.session_state.get(PLAN)


def plan_scenario() -> Scenario | None:
    return st.session_state.get(PLAN_SCENARIO)


def plan_is_stale() -> bool:
    """True when the rules or data changed since the plan was solved."""
    current, solved = scenario(), plan_scenario()
    if current is None or solved is None:
        return False
    return scenario_hash(current) != scenario_hash(solved)


def solve_count() -> int:
    return int(st.session_state.get(SOLVE_COUNT, 0))


def job() -> SolveJob | None:
    return st.session_state.get(JOB)


def solving() -> bool:
    running = job()
    return running is not None and not running.done


def start_solve(hint: Plan | None = None) -> None:
    """Solve the session's scenario off the UI thread (or in it, when a test set SYNC_SOLVE)."""
    current = scenario()
    if current is None or solving():
        return
    st.session_state.pop(SOLVE_ERROR, None)
    new_job = SolveJob(current, hint=hint)
    st.session_state[JOB] = new_job
    if st.session_state.get(SYNC_SOLVE):
        new_job.run()
        collect_job()
    else:
        new_job.start()


def collect_job() -> bool:
    """Take a finished job's plan into the session; True when there was one to take."""
    finished = job()
    if finished is None or not finished.done:
        return False
    st.session_state.pop(JOB, None)
    if finished.error is not None:
        st.session_state[SOLVE_ERROR] = finished.error
        return True
    st.session_state[PLAN] = finished.plan
    st.session_state[PLAN_SCENARIO] = finished.scenario
    st.session_state[SOLVE_COUNT] = solve_count() + 1
    st.session_state.pop(SAVED_RUN, None)
    st.session_state.pop(SIM_REPORT, None)
    return True


def run_store() -> RunStore:
    """The shared run store ($RESTRUCTURE_STORE or runs/restructure.sqlite); opened per use."""
    return RunStore()


def upload_root() -> Path:
    """This session's folder for uploads, made on first use."""
    folder = st.session_state.get(UPLOAD_DIR)
    if folder is None or not os.path.isdir(folder):
        folder = tempfile.mkdtemp(prefix="restructure-upload-")
        st.session_state[UPLOAD_DIR] = folder
    return Path(folder)
