"""`restructure export` from the command line: files written, names hidden, bad input refused."""

from __future__ import annotations

import html
import json
import zipfile
from pathlib import Path

from typer.testing import CliRunner

from restructure.cli import app

FIXTURE = Path(__file__).parent / "fixtures" / "plan_fixture"
runner = CliRunner()


def test_export_writes_the_chosen_formats_with_a_checks_sheet(tmp_path):
    result = runner.invoke(
        app,
        [
            "export",
            str(FIXTURE / "plan.json"),
            "--data",
            str(FIXTURE),
            "--out",
            str(tmp_path),
            "--format",
            "xlsx",
            "--format",
            "md",
            "--pseudonymise",
        ],
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.xlsx", "sanding_draft.md"]
    with zipfile.ZipFile(tmp_path / "plan.xlsx") as zf:
        # openpyxl writes non-ASCII text as character references: unescape before looking.
        xml = html.unescape("".join(zf.read(n).decode("utf-8") for n in zf.namelist() if n.endswith(".xml")))
    assert "规则检查" in xml
    assert "人员P006" in xml
    assert "杨帆" not in xml
    assert "杨帆" not in (tmp_path / "sanding_draft.md").read_text(encoding="utf-8")


def test_export_in_english(tmp_path):
    result = runner.invoke(
        app,
        [
            "export",
            str(FIXTURE),
            "--data",
            str(FIXTURE),
            "--out",
            str(tmp_path),
            "--format",
            "md",
            "--lang",
            "en",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "internal sections, duties and staffing (draft)" in (tmp_path / "sanding_draft.md").read_text(
        encoding="utf-8"
    )


def test_export_refuses_bad_input_without_a_traceback(tmp_path):
    bad_format = runner.invoke(
        app, ["export", str(FIXTURE), "--data", str(FIXTURE), "--out", str(tmp_path), "--format", "pdf"]
    )
    assert bad_format.exit_code == 1 and "pdf" in bad_format.output
    missing = runner.invoke(
        app, ["export", str(tmp_path / "nope.json"), "--data", str(FIXTURE), "--out", str(tmp_path)]
    )
    assert missing.exit_code == 1 and "无法读取方案" in missing.output
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    assert (
        runner.invoke(app, ["export", str(broken), "--data", str(FIXTURE), "--out", str(tmp_path)]).exit_code
        == 1
    )
    no_data = runner.invoke(
        app, ["export", str(FIXTURE), "--data", str(tmp_path / "none.toml"), "--out", str(tmp_path)]
    )
    assert no_data.exit_code == 1
    for r in (bad_format, missing, no_data):
        assert r.exception is None or isinstance(r.exception, SystemExit)


def test_export_of_a_plan_naming_unknown_ids_reports_them_in_checks(tmp_path):
    data = json.loads((FIXTURE / "plan.json").read_text(encoding="utf-8"))
    data["sections"][0]["duties"].append("D999")
    data["sections"][0]["staff"].append("P999")
    data["sections"][1]["deputies"].append("P998")
    edited = tmp_path / "plan.json"
    edited.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "out"
    result = runner.invoke(
        app, ["export", str(edited), "--data", str(FIXTURE), "--out", str(out), "--format", "csv"]
    )
    assert result.exit_code == 0, result.output
    checks = (out / "checks.csv").read_text(encoding="utf-8-sig")
    assert "方案列出的职责D999" in checks and "which is not in the department's duties" in checks
    assert "P999" in checks and "P998" in checks


def test_export_refuses_a_plan_of_another_department(tmp_path):
    science = Path(__file__).resolve().parents[1] / "scenarios" / "science_bureau.toml"
    result = runner.invoke(
        app,
        ["export", str(FIXTURE), "--data", str(science), "--out", str(tmp_path / "out"), "--format", "md"],
    )
    assert result.exit_code == 1, result.output
    text = " ".join(result.output.split())
    assert "方案与「" in text and "的数据不符" in text and "不在方案中" in text
    assert not (tmp_path / "out").exists()


def test_export_refuses_a_plan_whose_data_changed_after_solving(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    for p in FIXTURE.glob("*.csv"):
        (data / p.name).write_bytes(p.read_bytes())
    duties = (data / "duties.csv").read_text(encoding="utf-8").splitlines()
    # D001 now counts 1.5 + 5 FTE (its range moved with it): the plan's totals are stale
    duties[1] = duties[1].replace(",1.5,", ",6.5,").replace(",1.2,1.8", ",6.2,6.8")
    (data / "duties.csv").write_text("\n".join(duties) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    result = runner.invoke(
        app, ["export", str(FIXTURE / "plan.json"), "--data", str(data), "--out", str(out), "--lang", "en"]
    )
    assert result.exit_code == 1, result.output
    text = " ".join(result.output.split())
    assert "does not match the data" in text and "changed after solving" in text
    plan = json.loads((FIXTURE / "plan.json").read_text(encoding="utf-8"))
    home = next(sec for sec in plan["sections"] if "D001" in sec["duties"])
    # the section is named with its stated and its recomputed workload
    assert f"{home['name']}': {home['workload_fte']:.2f}/" in text
    assert f"{home['workload_fte'] + 5:.2f}/{home['capacity_fte']:.2f} by the data" in text
    assert not out.exists()
