"""The xlsx workbook: one sheet per display table, readable as it opens."""

from __future__ import annotations

import io
import unicodedata
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from restructure.export.tables import Table, for_people
from restructure.plan_io import FORMULA_PREFIXES
from restructure.terms import SHARE_KPIS

MIN_WIDTH = 6
MAX_WIDTH = 60  # wider text wraps instead
HEADER_FILL = PatternFill("solid", fgColor="DDE7F0")


def display_width(value: Any) -> int:
    """Width in Excel character units: a CJK character takes two."""
    text = f"{value:.3f}" if isinstance(value, float) else str(value)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _write_cell(ws, row: int, col: int, value: Any, number_format: str | None) -> None:
    cell = ws.cell(row=row, column=col)
    if isinstance(value, bool):
        cell.value = value
    elif isinstance(value, int | float):
        cell.value = value  # a negative number is a number, never text
        if number_format:
            # A count in a column of ratios (a KPI table row) shows as 3, not 3.000.
            cell.number_format = "0" if isinstance(value, int) else number_format
    elif value is None:
        cell.value = None
    else:
        text = str(value)
        cell.value = text
        if text.startswith(FORMULA_PREFIXES):
            # openpyxl took it for a formula: force a plain string, and tell Excel to keep it text
            # when the cell is edited.
            cell.data_type = "s"
            cell.quotePrefix = True


SHARE_FORMAT = "0.0%"


def _share_rows(table: Table) -> set[int]:
    """Rows of the KPI table whose KPI is a share (its code column says which)."""
    if table.key != "kpis" or "kpi" not in table.columns:
        return set()
    at = table.columns.index("kpi")
    return {i for i, row in enumerate(table.rows) if row[at] in SHARE_KPIS}


def add_table_sheet(wb: Workbook, table: Table) -> None:
    ws = wb.create_sheet(title=table.title[:31])  # Excel's sheet-name limit
    bold = Font(bold=True)
    for j, header in enumerate(table.headers, start=1):
        _write_cell(ws, 1, j, header, None)
        cell = ws.cell(row=1, column=j)
        cell.font = bold
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    share_rows = _share_rows(table)
    for i, row in enumerate(table.rows, start=2):
        for j, (key, value) in enumerate(zip(table.columns, row, strict=True), start=1):
            fmt = table.number_formats.get(key)
            if i - 2 in share_rows and fmt:  # a share KPI's figures (today, plan, change) in %
                fmt = SHARE_FORMAT
            _write_cell(ws, i, j, value, fmt)
    wrap = Alignment(wrap_text=True, vertical="top")
    for j in range(1, len(table.columns) + 1):
        widest = max([display_width(table.headers[j - 1])] + [display_width(r[j - 1]) for r in table.rows])
        ws.column_dimensions[get_column_letter(j)].width = max(MIN_WIDTH, min(MAX_WIDTH, widest + 2))
        if widest > MAX_WIDTH:
            for i in range(2, len(table.rows) + 2):
                ws.cell(row=i, column=j).alignment = wrap
    ws.freeze_panes = "A2"
    if table.rows:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(table.columns))}{len(table.rows) + 1}"


def workbook_from_tables(tables: dict[str, Table]) -> Workbook:
    wb = Workbook()
    wb.remove(wb.active)
    for table in tables.values():
        add_table_sheet(wb, for_people(table))
    wb.properties.creator = "restructure"
    return wb


def xlsx_from_tables(tables: dict[str, Table]) -> bytes:
    buf = io.BytesIO()
    workbook_from_tables(tables).save(buf)
    return buf.getvalue()
