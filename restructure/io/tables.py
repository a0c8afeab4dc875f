"""Reading and writing the department's tables as text: CSV folders and .xlsx workbooks.

Everything is read as text, exactly as written: no type guessing, so "007" stays "007".
Rows keep the number the planner sees in Excel (header = row 1) so that every problem can
point at a cell. Interpreting the text is the validator's job (``restructure.validate``).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from restructure.errors import InputError, Problem
from restructure.io.schema import TABLES, normalize_header

CSV_ENCODINGS = ("utf-8-sig", "gb18030")  # tried in this order, strictly


@dataclass(frozen=True)
class RawRow:
    number: int  # spreadsheet row number (header = 1)
    cells: tuple[str, ...]  # one per header, padded with "" when the row is short
    overflow: tuple[str, ...] = ()  # non-empty cells beyond the last header


@dataclass(frozen=True)
class RawTable:
    name: str  # contract name, e.g. "duties"
    file: str  # how the planner knows it: "duties.csv" or "dept.xlsx:duties"
    headers: tuple[str, ...]  # as written (untrimmed); "" for a column without a header
    rows: tuple[RawRow, ...]
    header_row: int = 1

    def index(self, column: str) -> int | None:
        """Position of a contract column (first match, case-insensitive, trimmed)."""
        for i, h in enumerate(self.headers):
            if normalize_header(h) == column:
                return i
        return None

    def header(self, column: str) -> str:
        """The column's name as written in the file (or the contract name when missing)."""
        i = self.index(column)
        return self.headers[i] if i is not None else column

    def value(self, row: RawRow, column: str) -> str:
        """The trimmed cell text of a contract column; "" when the column or the cell is empty."""
        i = self.index(column)
        return row.cells[i].strip() if i is not None else ""


@dataclass(frozen=True)
class RawTables:
    name: str  # department name: folder name or workbook stem
    source: str  # the path read
    workbook: str | None  # workbook file name, None for a CSV folder
    tables: Mapping[str, RawTable]  # by contract name; only the tables found
    problems: tuple[Problem, ...] = field(default=())  # files that exist but could not be read

    def label(self, table: str) -> str:
        """File label for a table, also when it is missing."""
        if table in self.tables:
            return self.tables[table].file
        return f"{self.workbook}:{table}" if self.workbook else f"{table}.csv"


def read_tables(path: str | Path) -> RawTables:
    """Read a department folder of CSV files or one .xlsx workbook as raw text tables.

    Raises InputError when the path is neither; unreadable files inside are reported in
    ``RawTables.problems`` so that the validator can list them with everything else.
    """
    p = Path(path)
    if p.is_dir():
        return _read_folder(p)
    if p.suffix.lower() == ".xlsx" and p.is_file():
        return _read_workbook(p)
    if not p.exists():
        raise InputError.about(
            str(path),
            "找不到该路径：请指定部门数据文件夹（含 sections.csv 等）或 .xlsx 工作簿。",
            "Path not found: give a department folder (with sections.csv etc.) or an .xlsx workbook.",
        )
    raise InputError.about(
        str(path),
        "无法识别的部门数据：应为含 CSV 文件的文件夹或 .xlsx 工作簿。",
        "Not department data: expected a folder of CSV files or an .xlsx workbook.",
    )


def _read_folder(folder: Path) -> RawTables:
    by_stem: dict[str, Path] = {}
    for f in sorted(folder.iterdir()):
        # Exact lower-case names win over other spellings such as "Duties.CSV".
        if f.is_file() and f.suffix.lower() == ".csv":
            stem = f.stem.strip().lower()
            if stem not in by_stem or f.name == f"{stem}.csv":
                by_stem[stem] = f
    tables: dict[str, RawTable] = {}
    problems: list[Problem] = []
    for spec in TABLES:
        f = by_stem.get(spec.name)
        if f is None:
            continue
        try:
            data = f.read_bytes()
        except OSError as e:
            problems.append(
                Problem(
                    f.name, None, None, None, f"无法读取文件：{e.strerror}", f"Cannot read file: {e.strerror}"
                )
            )
            continue
        text = _decode(data)
        if text is None:
            problems.append(
                Problem(
                    f.name,
                    None,
                    None,
                    None,
                    "文件编码无法识别：请另存为 UTF-8 或 GBK 编码的 CSV。",
                    "Unknown file encoding: save the CSV as UTF-8 or GBK.",
                )
            )
            continue
        try:
            records = list(csv.reader(io.StringIO(text, newline="")))
        except csv.Error as e:
            problems.append(
                Problem(
                    f.name,
                    None,
                    None,
                    None,
                    f"CSV 格式错误（{e}）：请在 Excel 中重新导出。",
                    f"Malformed CSV ({e}): export it again from Excel.",
                )
            )
            continue
        tables[spec.name] = _table(spec.name, f.name, records)
    return RawTables(folder.name, str(folder), None, tables, tuple(problems))


def _decode(data: bytes) -> str | None:
    for encoding in CSV_ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _read_workbook(path: Path) -> RawTables:
    # openpyxl is imported here: reading CSV folders should not pay for it.
    from openpyxl import load_workbook

    try:
        # openpyxl warns about styles and extensions it ignores; they say nothing about the data.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as e:  # a damaged workbook can fail anywhere inside openpyxl or zipfile
        raise InputError.about(
            path.name,
            f"无法打开工作簿（{type(e).__name__}）：请确认是 Excel .xlsx 文件且未损坏。",
            f"Cannot open the workbook ({type(e).__name__}): check it is an undamaged Excel .xlsx file.",
        ) from e
    try:
        sheets = {ws.title.strip().lower(): ws for ws in wb.worksheets}
        tables: dict[str, RawTable] = {}
        problems: list[Problem] = []
        for spec in TABLES:
            ws = sheets.get(spec.name)
            if ws is None:
                continue
            label = f"{path.name}:{ws.title}"
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    records = [[_cell_text(v) for v in row] for row in ws.iter_rows(values_only=True)]
            except Exception as e:  # damaged sheet XML
                problems.append(
                    Problem(
                        label,
                        None,
                        None,
                        None,
                        f"无法读取工作表（{type(e).__name__}）。",
                        f"Cannot read the sheet ({type(e).__name__}).",
                    )
                )
                continue
            tables[spec.name] = _table(spec.name, label, records)
    finally:
        wb.close()
    return RawTables(path.stem, str(path), path.name, tables, tuple(problems))


def _cell_text(value: object) -> str:
    """Text of a workbook cell as the planner reads it on screen."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def _table(name: str, file: str, records: Sequence[Sequence[str]]) -> RawTable:
    """Header = first non-blank record; blank rows are skipped but keep their numbers."""
    numbered = [(i, list(r)) for i, r in enumerate(records, start=1)]
    header_at = next((k for k, (_, r) in enumerate(numbered) if any(c.strip() for c in r)), None)
    if header_at is None:
        return RawTable(name, file, (), ())
    header_row, header = numbered[header_at]
    # Trailing blank header cells (Excel's used range often reaches past the table) are dropped.
    while header and not header[-1].strip():
        header.pop()
    width = len(header)
    rows = []
    for number, record in numbered[header_at + 1 :]:
        if not any(c.strip() for c in record):
            continue
        cells = tuple(record[:width]) + ("",) * max(0, width - len(record))
        overflow = tuple(c for c in record[width:] if c.strip())
        rows.append(RawRow(number, cells, overflow))
    return RawTable(name, file, tuple(header), tuple(rows), header_row)


def write_rows(
    path: Path, sheets: Mapping[str, tuple[Sequence[str], Sequence[Sequence[object]]]], encoding: str
) -> None:
    """Write tables: a folder of CSV files, or an .xlsx workbook when the path ends in .xlsx.

    ``sheets`` maps a table name to (headers, rows). CSV cells are written with str();
    in a workbook, ints and floats stay numbers and everything else is text.
    """
    if path.suffix.lower() == ".xlsx":
        _write_workbook(path, sheets)
        return
    path.mkdir(parents=True, exist_ok=True)
    for name, (headers, rows) in sheets.items():
        with (path / f"{name}.csv").open("w", encoding=encoding, newline="") as f:
            w = csv.writer(f)
            w.writerow(headers)
            w.writerows([["" if v is None else _csv_text(v) for v in row] for row in rows])


def _csv_text(value: object) -> str:
    if isinstance(value, float):
        return format_number(value)
    return str(value)


def format_number(value: float) -> str:
    """Shortest text that reads back to the same float; whole numbers without '.0'."""
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def _write_workbook(
    path: Path, sheets: Mapping[str, tuple[Sequence[str], Sequence[Sequence[object]]]]
) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for name, (headers, rows) in sheets.items():
        ws = wb.create_sheet(name)
        ws.append(list(headers))
        for r, row in enumerate(rows, start=2):
            for c, value in enumerate(row, start=1):
                if value is None or value == "":
                    continue
                cell = ws.cell(row=r, column=c, value=value)
                if isinstance(value, str):
                    cell.data_type = "s"  # text that starts with "=" stays text, never a formula
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
