"""A solve running off the UI thread, with progress the page can poll.

The job object is kept in the session's ``st.session_state`` (never module-global), so two
browser sessions never see each other's solves. The worker thread touches no Streamlit API:
it only writes into the job under a lock, and the page reads snapshots.
"""

from __future__ import annotations

import threading
import time

from restructure.domain import Plan, Scenario
from restructure.model.solve import Progress, StopSignal
from restructure.planning import solve


class SolveJob:
    """One call of ``restructure.planning.solve`` for one scenario (optionally with a hint)."""

    def __init__(self, scenario: Scenario, hint: Plan | None = None):
        self.scenario = scenario
        self.hint = hint
        self.time_limit_s = float(scenario.solver.time_limit_s)
        self._stop = StopSignal()
        self._lock = threading.Lock()
        self._progress: list[Progress] = []
        self._plan: Plan | None = None
        self._error: str | None = None
        self._done = threading.Event()
        self._first_or_end = threading.Event()  # the first plan came, or the solve ended
        self._started = time.monotonic()
        self._stop_requested = False

    def run(self) -> None:
        """Solve in the calling thread (the worker's target; tests call it directly)."""
        self._started = time.monotonic()
        try:
            plan = solve(self.scenario, hint=self.hint, on_progress=self._record, stop=self._stop)
        except (
            Exception
        ) as exc:  # a bug in the solver must reach the planner as a message, not kill the thread
            with self._lock:
                self._error = f"{type(exc).__name__}: {exc}"
        else:
            with self._lock:
                self._plan = plan
        finally:
            self._done.set()
            self._first_or_end.set()

    def start(self) -> None:
        """Solve on a daemon thread; the script thread returns at once."""
        threading.Thread(target=self.run, name="restructure-solve", daemon=True).start()

    def stop(self) -> None:
        """Ask the solver to stop; it returns the best plan found so far."""
        with self._lock:
            self._stop_requested = True
        self._stop.stop()

    def _record(self, progress: Progress) -> None:
        with self._lock:
            self._progress.append(progress)
        self._first_or_end.set()

    @property
    def done(self) -> bool:
        return self._done.is_set()

    @property
    def stop_requested(self) -> bool:
        with self._lock:
            return self._stop_requested

    @property
    def plan(self) -> Plan | None:
        with self._lock:
            return self._plan

    @property
    def error(self) -> str | None:
        with self._lock:
            return self._error

    def progress(self) -> list[Progress]:
        """Every report so far (a copy): each better plan, and each rise of the bound alone."""
        with self._lock:
            return list(self._progress)

    def elapsed(self) -> float:
        return time.monotonic() - self._started

    def wait(self, timeout: float | None = None) -> bool:
        return self._done.wait(timeout)

    def wait_for_progress(self, timeout: float | None = None) -> bool:
        """Until the first plan is reported (or the solve ends without one); True if there is one."""
        self._first_or_end.wait(timeout)
        return bool(self.progress())
