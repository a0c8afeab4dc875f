"""The CSV set: one UTF-8 (with BOM) CSV per display table, in a folder or a .zip."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

from restructure.export.tables import Table
from restructure.plan_io import neutralise_formula

# A fixed timestamp inside the zip: the same plan gives the same bytes (golden files, hashes).
ZIP_DATE = (2020, 1, 1, 0, 0, 0)


def table_csv_text(table: Table) -> str:
    """CSV text of a table; formula-like text gets a leading apostrophe so no spreadsheet runs it."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow([neutralise_formula(h) for h in table.headers])
    for row in table.rows:
        w.writerow([neutralise_formula(v) for v in row])
    return buf.getvalue()


def write_csv_set(tables: dict[str, Table], out_dir: str | Path) -> list[Path]:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for key, table in tables.items():
        path = out / f"{key}.csv"
        # BOM: Excel on Chinese Windows then opens the file as UTF-8.
        path.write_bytes(table_csv_text(table).encode("utf-8-sig"))
        written.append(path)
    return written


def csv_zip_from_tables(tables: dict[str, Table]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for key, table in tables.items():
            info = zipfile.ZipInfo(f"{key}.csv", date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, table_csv_text(table).encode("utf-8-sig"))
    return buf.getvalue()
