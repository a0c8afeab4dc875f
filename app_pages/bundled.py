"""The scenarios shipped in ``scenarios/*.toml``, listed by their ``name``."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

SCENARIO_DIR = Path(__file__).resolve().parents[1] / "scenarios"


@dataclass(frozen=True)
class BundledScenario:
    name: str  # the scenario's ``name``, as planners know it
    path: Path


def bundled_scenarios(folder: Path = SCENARIO_DIR) -> list[BundledScenario]:
    """Every top-level scenario file in ``folder``; a file without a readable name shows its file name
    (loading it then reports what is wrong, like any other scenario)."""
    found = []
    for path in sorted(folder.glob("*.toml")):
        try:
            name = tomllib.loads(path.read_text(encoding="utf-8")).get("name")
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            name = None
        found.append(BundledScenario(name if isinstance(name, str) and name.strip() else path.stem, path))
    return found
