"""Shared test set-up: a deterministic hypothesis profile and the small fixture department."""

from __future__ import annotations

import csv
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# Property tests are part of the regular suite: same examples on every run, and quick.
settings.register_profile(
    "restructure",
    max_examples=30,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("restructure")

FIXTURES = Path(__file__).parent / "fixtures"
SMALL = FIXTURES / "small"

DROP = object()  # edit value: remove the column


def edit_csv(path: Path, row: int | None, column: str, value: object) -> None:
    """Set one cell (row as in Excel, header = 1) or, with DROP, remove a whole column."""
    with path.open(encoding="utf-8", newline="") as f:
        records = list(csv.reader(f))
    col = records[0].index(column)
    if value is DROP:
        records = [r[:col] + r[col + 1 :] for r in records]
    else:
        assert row is not None
        records[row - 1][col] = str(value)
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(records)


@pytest.fixture
def small_copy(tmp_path: Path) -> Callable[..., Path]:
    """A fresh copy of tests/fixtures/small, optionally with cells edited: (file, row, column, value)."""

    def make(*edits: tuple[str, int | None, str, object], name: str = "dept") -> Path:
        folder = tmp_path / name
        shutil.copytree(SMALL, folder)
        for file, row, column, value in edits:
            edit_csv(folder / file, row, column, value)
        return folder

    return make
