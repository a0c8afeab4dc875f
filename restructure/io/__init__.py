"""Reading and writing department data (CSV folders and .xlsx workbooks)."""

from restructure.io.department import build_department, load_department, write_department
from restructure.io.tables import RawRow, RawTable, RawTables, read_tables

__all__ = [
    "RawRow",
    "RawTable",
    "RawTables",
    "build_department",
    "load_department",
    "read_tables",
    "write_department",
]
