"""docs/data-contract.md keeps up with the code: every scenario key the validator accepts is
described in its section 2, every plan.json key in section 3."""

from __future__ import annotations

import re
from pathlib import Path

from restructure.domain import Plan, SolverInfo, Status
from restructure.plan_io import TABLE_NAMES, plan_to_dict
from restructure.validate import PROCESS_SETTINGS, TABLE_SETTINGS, TOP_SETTINGS

DOC = Path(__file__).resolve().parents[1] / "docs" / "data-contract.md"


def _section(number: int) -> str:
    text = DOC.read_text(encoding="utf-8")
    start = text.index(f"\n## {number}.")
    end = text.find(f"\n## {number + 1}.", start)
    return text[start : end if end > 0 else None]


def _mentioned(key: str, text: str) -> bool:
    return re.search(rf"(?<![\w.]){re.escape(key)}(?!\w)", text) is not None


def test_every_scenario_key_the_validator_accepts_is_in_the_contract():
    text = _section(2)
    keys = [*TOP_SETTINGS, "extends", "processes", *PROCESS_SETTINGS]
    for table, settings in TABLE_SETTINGS.items():
        keys += [f"[{table}]", *settings]
    missing = [k for k in keys if not _mentioned(k, text)]
    assert not missing, f"docs/data-contract.md section 2 does not describe {missing}"


def test_every_plan_json_key_is_in_the_contract():
    text = _section(3)
    d = plan_to_dict(Plan("s", "d", Status.UNKNOWN, (), {}, {}, solver=SolverInfo(Status.UNKNOWN)))
    keys = [*d, *d["explanation"], *d["solver"], *(f"{t}.csv" for t in TABLE_NAMES)]
    missing = [k for k in keys if not _mentioned(k, text)]
    assert not missing, f"docs/data-contract.md section 3 does not describe {missing}"
