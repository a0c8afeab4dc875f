"""Errors a planner can see. No traceback ever reaches a planner: front ends catch these."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, located as the planner sees it in Excel."""

    file: str  # file name (or workbook:sheet) as the planner knows it
    row: int | None  # spreadsheet row: the header is row 1, the first data row is 2
    column: str | None  # column name as written in the file
    value: str | None  # the offending value, verbatim
    zh: str  # message in Chinese
    en: str  # message in English

    def where(self) -> str:
        parts = [self.file]
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column {self.column}")
        return ", ".join(parts)


class InputError(Exception):
    """The input could not be used; carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        head = self.problems[0] if self.problems else None
        summary = f"{len(self.problems)} problem(s) in the input"
        if head is not None:
            summary += f"; first: {head.where()}: {head.en}"
        super().__init__(summary)

    @classmethod
    def about(cls, file: str, zh: str, en: str) -> InputError:
        """One problem with a whole file or path (no row or column to point at)."""
        return cls([Problem(str(file), None, None, None, zh, en)])


class SolveError(Exception):
    """The solver rejected the model: a bug in restructure, reported as such."""
