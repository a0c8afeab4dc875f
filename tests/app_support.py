"""Driving the Streamlit app in AppTest: a fresh session, loading a scenario, finding widgets by
label, switching pages, and catching what download buttons serve."""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "app.py"
SCIENCE = "科技局 横向分权制衡"
RUN_TIMEOUT_S = 60


def new_session(sync: bool = True) -> AppTest:
    """A new browser session on the app; with ``sync`` the solve runs in the script thread."""
    at = AppTest.from_file(str(APP), default_timeout=RUN_TIMEOUT_S)
    if sync:
        at.session_state["sync_solve"] = True
    return at.run()


def prepare(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """The app's package importable and its run store in ``tmp_path``; returns the store path."""
    monkeypatch.syspath_prepend(str(ROOT))
    # Streamlit runs the app as sys.modules["__main__"]; put the real one back afterwards, or later
    # tests that spawn processes (batch runs) would start app.py in every child.
    monkeypatch.setitem(sys.modules, "__main__", sys.modules["__main__"])
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # session upload folders land here
    store = tmp_path / "runs.sqlite"
    monkeypatch.setenv("RESTRUCTURE_STORE", str(store))
    return store


def by_label(widgets: Sequence[Any], label: str) -> Any:
    found = [w for w in widgets if w.label == label]
    assert found, f"no widget labelled {label!r} among {[w.label for w in widgets]}"
    return found[0]


def table(at: AppTest, *columns: str) -> Any:
    """The first dataframe or static table on the page that has all these columns (as pandas)."""
    shown = [*at.dataframe, *at.table]
    for df in shown:
        value = df.value
        if all(c in value.columns for c in columns):
            return value
    raise AssertionError(f"no table with columns {columns}; tables: {[list(d.value.columns) for d in shown]}")


def no_exception(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def load_bundled(at: AppTest, name: str = SCIENCE, time_limit: float | None = 2) -> AppTest:
    """Pick a bundled scenario on the Scenario page; optionally set the solve time in the form."""
    at.switch_page("app_pages/scenario_page.py").run()
    at.selectbox(key="bundled_pick").set_value(name)
    at.button(key="load_bundled").click().run()
    no_exception(at)
    if time_limit is not None:
        by_label(at.number_input, "求解时间（秒）").set_value(float(time_limit))
        submit(at, "应用修改")
    return at


def submit(at: AppTest, label: str) -> AppTest:
    """Press a form's submit button by its label."""
    by_label(at.button, label).click().run()
    no_exception(at)
    return at


def go(at: AppTest, page: str) -> AppTest:
    at.switch_page(f"app_pages/{page}.py").run()
    no_exception(at)
    return at


def solve(at: AppTest) -> AppTest:
    go(at, "plan_page")
    at.button(key="solve").click().run()
    no_exception(at)
    return at


@dataclass(frozen=True)
class Served:
    file_name: str | None
    mimetype: str
    data: bytes


def capture_downloads(monkeypatch: pytest.MonkeyPatch) -> list[Served]:
    """Every file handed to the browser (download buttons) during the runs that follow."""
    served: list[Served] = []
    original = MediaFileManager.add

    def add(self, path_or_data, mimetype, coordinates, file_name=None, is_for_static_download=False):
        data = path_or_data.encode("utf-8") if isinstance(path_or_data, str) else bytes(path_or_data)
        served.append(Served(file_name, mimetype, data))
        return original(self, path_or_data, mimetype, coordinates, file_name, is_for_static_download)

    monkeypatch.setattr(MediaFileManager, "add", add)
    return served


def last_served(served: list[Served], file_name: str) -> bytes:
    found = [s for s in served if s.file_name == file_name]
    assert found, f"{file_name} was not served; served: {sorted({s.file_name for s in served})}"
    return found[-1].data
