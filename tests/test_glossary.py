"""docs/glossary.md lists every term the tool shows: it cannot fall behind restructure/terms.py."""

from __future__ import annotations

from pathlib import Path

from restructure.terms import FUNCTION_EN, FUNCTION_ZH, KPIS, RULES, STATUS, TERMS

GLOSSARY = (Path(__file__).resolve().parents[1] / "docs" / "glossary.md").read_text(encoding="utf-8")


def _row(key: str) -> str:
    return next((line for line in GLOSSARY.splitlines() if line.startswith(f"| `{key}` |")), "")


def test_every_coded_term_has_its_row_with_both_languages():
    expected = {f.value: (FUNCTION_ZH[f], FUNCTION_EN[f]) for f in FUNCTION_ZH}
    expected |= {s.value: words for s, words in STATUS.items()}
    expected |= dict(RULES) | {k: v[:2] for k, v in TERMS.items()} | dict(KPIS)
    missing = {key: words for key, words in expected.items() if not all(w in _row(key) for w in words)}
    assert not missing, f"docs/glossary.md lacks or misstates: {missing}"
