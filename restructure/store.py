"""The run store: every solve kept in one embedded SQLite file, safe for several processes at once.

Each call opens its own connection (threads and processes never share one), the file runs in
WAL mode so readers never block the writer, and a busy timeout makes concurrent writers wait
their turn instead of failing. The CLI, batch runs and the app all use this one store.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from restructure.domain import Plan
from restructure.plan_io import plan_from_dict, plan_to_json

DEFAULT_STORE = Path("runs") / "restructure.sqlite"
STORE_ENV = "RESTRUCTURE_STORE"
WAL_ATTEMPTS = 60
BUSY_TIMEOUT_MS = 30_000

SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at TEXT NOT NULL,
    scenario TEXT NOT NULL,
    source TEXT NOT NULL DEFAULT '',
    input_hash TEXT NOT NULL DEFAULT '',
    settings_json TEXT NOT NULL DEFAULT '{}',
    plan_json TEXT NOT NULL,
    status TEXT NOT NULL,
    kpis_json TEXT NOT NULL DEFAULT '{}',
    seconds REAL,
    tool_version TEXT NOT NULL DEFAULT '',
    label TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS runs_input_hash ON runs (input_hash);
CREATE INDEX IF NOT EXISTS runs_scenario ON runs (scenario);
"""


def default_store_path() -> Path:
    """``$RESTRUCTURE_STORE`` if set, else runs/restructure.sqlite (relative to the working folder)."""
    env = os.environ.get(STORE_ENV)
    return Path(env) if env else DEFAULT_STORE


def tool_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("restructure")
    except PackageNotFoundError:
        return ""


def canonical_settings(settings: Mapping[str, Any] | None) -> str:
    """Settings as canonical JSON, so equal settings compare equal as text."""
    return json.dumps(
        dict(settings or {}), ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str
    )


@dataclass(frozen=True)
class RunRecord:
    """One stored run."""

    id: int
    created_at: str  # ISO 8601, UTC
    scenario: str
    source: str  # the scenario file it came from
    input_hash: str
    settings: Mapping[str, Any]
    status: str
    kpis: Mapping[str, float]
    seconds: float | None
    tool_version: str
    label: str
    plan_json: str

    def plan(self) -> Plan:
        return plan_from_dict(json.loads(self.plan_json))


class RunStore:
    """Runs in a SQLite file. Every method opens and closes its own connection."""

    def __init__(self, path: str | Path | None = None):
        self.path = Path(path) if path is not None else default_store_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._ensure_wal()
        with self._connect() as con:
            con.executescript(SCHEMA)

    def _ensure_wal(self) -> None:
        """Put the file in WAL mode once (the mode is stored in the file). SQLite does not wait
        on a busy lock for this switch (waiting could deadlock), so when several processes
        open a new store at the same moment, the losers try again, a bounded number of times."""
        for attempt in range(WAL_ATTEMPTS):
            con = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
            try:
                con.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
                if con.execute("PRAGMA journal_mode").fetchone()[0].lower() == "wal":
                    return
                if con.execute("PRAGMA journal_mode = WAL").fetchone()[0].lower() == "wal":
                    return
            except sqlite3.OperationalError as error:
                if "locked" not in str(error) and "busy" not in str(error):
                    raise
            finally:
                con.close()
            time.sleep(0.01 * (attempt + 1))
        raise sqlite3.OperationalError(f"{self.path}: could not switch the run store to WAL mode")

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        # isolation_level=None: we issue BEGIN ourselves, so "check then insert" is one transaction.
        con = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        try:
            con.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            con.execute("PRAGMA synchronous = NORMAL")
            con.row_factory = sqlite3.Row
            yield con
        finally:
            con.close()

    def add_run(
        self,
        plan: Plan,
        *,
        scenario: str | None = None,
        source: str = "",
        input_hash: str | None = None,
        settings: Mapping[str, Any] | None = None,
        seconds: float | None = None,
        label: str = "",
        version: str | None = None,
        if_absent: bool = False,
    ) -> int:
        """Store a plan; returns the run id. With ``if_absent``, a run with the same input hash and
        settings is not stored twice: its id is returned instead (batch resume relies on this)."""
        h = plan.input_hash if input_hash is None else input_hash
        settings_json = canonical_settings(settings)
        row = (
            datetime.now(UTC).isoformat(timespec="seconds"),
            scenario if scenario is not None else plan.scenario,
            str(source),
            h,
            settings_json,
            plan_to_json(plan),
            plan.status.value,
            json.dumps(dict(plan.kpis), ensure_ascii=False),
            plan.solver.seconds if seconds is None else seconds,
            tool_version() if version is None else version,
            label,
        )
        with self._connect() as con:
            con.execute("BEGIN IMMEDIATE")  # take the write lock before looking, so no one slips in between
            try:
                if if_absent:
                    found = con.execute(
                        "SELECT id FROM runs WHERE input_hash = ? AND settings_json = ? ORDER BY id LIMIT 1",
                        (h, settings_json),
                    ).fetchone()
                    if found is not None:
                        con.execute("COMMIT")
                        return int(found["id"])
                cur = con.execute(
                    "INSERT INTO runs (created_at, scenario, source, input_hash, settings_json, plan_json, status,"
                    " kpis_json, seconds, tool_version, label) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                    row,
                )
                run_id = int(cur.lastrowid)
                con.execute("COMMIT")
                return run_id
            except BaseException:
                con.execute("ROLLBACK")
                raise

    def has(self, run_id: int) -> bool:
        with self._connect() as con:
            return con.execute("SELECT 1 FROM runs WHERE id = ?", (int(run_id),)).fetchone() is not None

    def get(self, run_id: int) -> RunRecord:
        with self._connect() as con:
            row = con.execute("SELECT * FROM runs WHERE id = ?", (int(run_id),)).fetchone()
        if row is None:
            raise KeyError(f"no run {run_id} in {self.path}")
        return _record(row)

    def list_runs(self, scenario: str | None = None) -> list[RunRecord]:
        with self._connect() as con:
            if scenario is None:
                rows = con.execute("SELECT * FROM runs ORDER BY id").fetchall()
            else:
                rows = con.execute(
                    "SELECT * FROM runs WHERE scenario = ? ORDER BY id", (scenario,)
                ).fetchall()
        return [_record(r) for r in rows]

    def find_by_hash(self, input_hash: str, settings: Mapping[str, Any] | None = None) -> list[RunRecord]:
        """Runs of the same inputs; with ``settings``, only those run with exactly these settings."""
        with self._connect() as con:
            if settings is None:
                rows = con.execute(
                    "SELECT * FROM runs WHERE input_hash = ? ORDER BY id", (input_hash,)
                ).fetchall()
            else:
                rows = con.execute(
                    "SELECT * FROM runs WHERE input_hash = ? AND settings_json = ? ORDER BY id",
                    (input_hash, canonical_settings(settings)),
                ).fetchall()
        return [_record(r) for r in rows]

    def delete(self, run_id: int) -> bool:
        """Delete a run; False when there was none."""
        with self._connect() as con:
            cur = con.execute("DELETE FROM runs WHERE id = ?", (int(run_id),))
        return cur.rowcount > 0

    def export(self, run_id: int, out: str | Path) -> Path:
        """Write the run's plan.json (and a run.json with the stored metadata) into the folder ``out``."""
        rec = self.get(run_id)
        folder = Path(out)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "plan.json").write_text(rec.plan_json, encoding="utf-8")
        meta = {
            "id": rec.id,
            "created_at": rec.created_at,
            "scenario": rec.scenario,
            "source": rec.source,
            "input_hash": rec.input_hash,
            "settings": dict(rec.settings),
            "status": rec.status,
            "kpis": dict(rec.kpis),
            "seconds": rec.seconds,
            "tool_version": rec.tool_version,
            "label": rec.label,
        }
        (folder / "run.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8")
        return folder / "plan.json"


def _record(row: sqlite3.Row) -> RunRecord:
    return RunRecord(
        id=int(row["id"]),
        created_at=row["created_at"],
        scenario=row["scenario"],
        source=row["source"],
        input_hash=row["input_hash"],
        settings=json.loads(row["settings_json"]),
        status=row["status"],
        kpis=json.loads(row["kpis_json"]),
        seconds=row["seconds"],
        tool_version=row["tool_version"],
        label=row["label"],
        plan_json=row["plan_json"],
    )
