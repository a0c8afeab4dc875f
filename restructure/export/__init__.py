"""Exports of a plan: CSV set (folder or .zip), xlsx workbook, plan.json, 三定 draft (.md, .docx).

All formats start from ``display_tables`` (itself from ``plan_io.plan_tables``), so they agree.
``pseudonymise=True`` replaces personal names by stable pseudonyms (人员P001) in every format;
``lang`` picks Chinese (default) or English headers and wording. Text that a spreadsheet would
run as a formula is neutralised in CSV (leading apostrophe) and xlsx (plain string cell).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from restructure.domain import Department, Plan
from restructure.export.csv_files import csv_zip_from_tables, write_csv_set
from restructure.export.draft import draft_blocks, render_docx, render_markdown
from restructure.export.tables import Table, display_tables, make_redactor, pseudonym, redact_tree
from restructure.export.xlsx import xlsx_from_tables
from restructure.plan_io import plan_to_dict

FORMATS = ("csv", "zip", "xlsx", "json", "docx", "md")
DEFAULT_FORMATS = ("csv", "xlsx", "json", "docx", "md")
FILE_NAMES = {
    "zip": "plan_tables.zip",
    "xlsx": "plan.xlsx",
    "json": "plan.json",
    "docx": "sanding_draft.docx",
    "md": "sanding_draft.md",
}

__all__ = [
    "DEFAULT_FORMATS",
    "FORMATS",
    "Table",
    "csv_zip_bytes",
    "display_tables",
    "docx_bytes",
    "export_plan",
    "json_text",
    "markdown_text",
    "pseudonym",
    "xlsx_bytes",
]


def xlsx_bytes(
    plan: Plan, department: Department, *, lang: str = "zh", pseudonymise: bool = False, checks: Any = None
) -> bytes:
    return xlsx_from_tables(
        display_tables(plan, department, lang=lang, pseudonymise=pseudonymise, checks=checks)
    )


def csv_zip_bytes(
    plan: Plan, department: Department, *, lang: str = "zh", pseudonymise: bool = False, checks: Any = None
) -> bytes:
    return csv_zip_from_tables(
        display_tables(plan, department, lang=lang, pseudonymise=pseudonymise, checks=checks)
    )


def docx_bytes(plan: Plan, department: Department, *, lang: str = "zh", pseudonymise: bool = False) -> bytes:
    return render_docx(draft_blocks(plan, department, lang=lang, pseudonymise=pseudonymise))


def markdown_text(plan: Plan, department: Department, *, lang: str = "zh", pseudonymise: bool = False) -> str:
    return render_markdown(draft_blocks(plan, department, lang=lang, pseudonymise=pseudonymise))


def json_text(plan: Plan, department: Department, *, lang: str = "zh", pseudonymise: bool = False) -> str:
    """plan.json; pseudonymised, every string in it (change names and details, reasons) is redacted."""
    data = plan_to_dict(plan)
    if pseudonymise:
        data = redact_tree(data, make_redactor(department, lang))
    return json.dumps(data, ensure_ascii=False, indent=2)


def export_plan(
    plan: Plan,
    department: Department,
    out: str | Path,
    *,
    formats: tuple[str, ...] | list[str] = DEFAULT_FORMATS,
    lang: str = "zh",
    pseudonymise: bool = False,
    checks: Any = None,
) -> list[Path]:
    """Write the chosen formats into the folder ``out``; returns the files written."""
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise ValueError(f"unknown export format(s) {unknown}; choose from {list(FORMATS)}")
    out_dir = Path(out)
    out_dir.mkdir(parents=True, exist_ok=True)
    tables = display_tables(plan, department, lang=lang, pseudonymise=pseudonymise, checks=checks)
    written: list[Path] = []
    for fmt in dict.fromkeys(formats):  # keep order, drop repeats
        if fmt == "csv":
            written += write_csv_set(tables, out_dir)
            continue
        path = out_dir / FILE_NAMES[fmt]
        if fmt == "zip":
            path.write_bytes(csv_zip_from_tables(tables))
        elif fmt == "xlsx":
            path.write_bytes(xlsx_from_tables(tables))
        elif fmt == "json":
            path.write_text(
                json_text(plan, department, lang=lang, pseudonymise=pseudonymise), encoding="utf-8"
            )
        elif fmt == "docx":
            path.write_bytes(docx_bytes(plan, department, lang=lang, pseudonymise=pseudonymise))
        else:
            path.write_text(
                markdown_text(plan, department, lang=lang, pseudonymise=pseudonymise), encoding="utf-8"
            )
        written.append(path)
    return written
