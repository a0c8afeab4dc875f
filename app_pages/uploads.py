"""Uploaded files onto disk, where ``restructure``'s loaders read them.

Nothing is parsed here: an .xlsx is written as is, CSV files (or the CSV files inside a .zip)
go into one folder; GBK or UTF-8 decoding, columns and values are the loader's business.
"""

from __future__ import annotations

import shutil
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path, PurePosixPath

from restructure.errors import Problem

MAX_UNZIPPED_BYTES = 100 * 2**20  # a department's CSV files are a few MB; more is not department data
DEFAULT_NAME = "department"


@dataclass(frozen=True)
class Upload:
    name: str  # file name as uploaded
    data: bytes


@dataclass(frozen=True)
class Saved:
    path: Path | None  # folder or .xlsx to load; None when the upload cannot be used
    label: str  # the department's name (folder or workbook name)
    problems: tuple[Problem, ...] = ()


def safe_name(text: str) -> str:
    """A file or folder name from what the planner uploaded: letters (any script), digits, - and _."""
    kept = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in text.strip())
    kept = kept.strip("_.")[:60]
    return kept or DEFAULT_NAME


def _problem(file: str, zh: str, en: str) -> Problem:
    return Problem(file, None, None, None, zh, en)


def _fresh(root: Path) -> Path:
    """Empty the session's upload folder: only the latest upload is kept."""
    root.mkdir(parents=True, exist_ok=True)
    for child in root.iterdir():
        if child.is_dir():
            shutil.rmtree(child)
        else:
            child.unlink()
    return root


def _zip_members(upload: Upload) -> tuple[list[Upload], list[Problem]]:
    try:
        archive = zipfile.ZipFile(BytesIO(upload.data))
    except zipfile.BadZipFile:
        return [], [_problem(upload.name, "无法打开该 .zip 文件。", "The .zip file cannot be opened.")]
    with archive:
        infos = [
            i
            for i in archive.infolist()
            if not i.is_dir()
            and not i.filename.startswith("__MACOSX/")
            and not PurePosixPath(i.filename).name.startswith(".")
            and PurePosixPath(i.filename).suffix.lower() in (".csv", ".xlsx")
        ]
        if sum(i.file_size for i in infos) > MAX_UNZIPPED_BYTES:
            return [], [
                _problem(
                    upload.name,
                    "压缩包解压后超过 100 MB，不像部门数据。",
                    "The .zip unpacks to more than 100 MB: not department data.",
                )
            ]
        members: list[Upload] = []
        seen: set[str] = set()
        problems: list[Problem] = []
        for info in infos:
            # Only the base name is used: no path in the archive can write outside the upload folder.
            name = PurePosixPath(info.filename.replace("\\", "/")).name
            if name.lower() in seen:
                problems.append(
                    _problem(
                        upload.name,
                        f"压缩包中有多个 {name}：请只放一个部门的数据。",
                        f"The .zip holds more than one {name}: put one department in it.",
                    )
                )
                continue
            seen.add(name.lower())
            try:
                members.append(Upload(name, archive.read(info)))
            except (zipfile.BadZipFile, OSError, RuntimeError) as e:
                problems.append(_problem(upload.name, f"无法解压 {name}：{e}", f"Cannot unpack {name}: {e}"))
    return members, problems


def save_uploads(files: Sequence[Upload], root: Path, name: str = "") -> Saved:
    """Write one .xlsx, CSV files, or one .zip of CSV files under ``root`` (emptied first).

    ``name`` names the department (the folder or workbook the loader reads); by default the
    workbook's or the .zip's name.
    """
    if not files:
        return Saved(None, "", (_problem("", "请先选择文件。", "Choose files first."),))
    label = DEFAULT_NAME
    members = list(files)
    problems: list[Problem] = []
    zips = [f for f in files if f.name.lower().endswith(".zip")]
    if zips:
        if len(files) > 1:
            return Saved(
                None,
                "",
                (
                    _problem(
                        ", ".join(f.name for f in files),
                        "请只上传一个 .zip，或不打包直接上传 CSV 文件。",
                        "Upload one .zip alone, or the CSV files without a .zip.",
                    ),
                ),
            )
        label = safe_name(Path(zips[0].name).stem)
        members, problems = _zip_members(zips[0])
        if problems:
            return Saved(None, label, tuple(problems))
    workbooks = [f for f in members if f.name.lower().endswith(".xlsx")]
    csvs = [f for f in members if f.name.lower().endswith(".csv")]
    others = [f.name for f in members if f not in workbooks and f not in csvs]
    if others or (workbooks and csvs) or len(workbooks) > 1 or not (workbooks or csvs):
        return Saved(
            None,
            label,
            (
                _problem(
                    ", ".join(f.name for f in files),
                    "应上传一个 .xlsx 工作簿，或 sections.csv、duties.csv、staff.csv（及可选的 key_tasks.csv），"
                    "或装有这些 CSV 的一个 .zip。",
                    "Upload one .xlsx workbook, or sections.csv, duties.csv, staff.csv (and optionally "
                    "key_tasks.csv), or one .zip holding those CSV files.",
                ),
            ),
        )
    folder = _fresh(root)
    if workbooks:
        label = safe_name(Path(workbooks[0].name).stem)
    if name.strip():
        label = safe_name(name)
    if workbooks:
        path = folder / f"{label}.xlsx"
        path.write_bytes(workbooks[0].data)
        return Saved(path, label)
    target = folder / label
    target.mkdir()
    for f in csvs:
        (target / safe_name(Path(f.name).stem)).with_suffix(".csv").write_bytes(f.data)
    return Saved(target, label)
