# restructure: common tasks. Each target creates .venv when missing and reinstalls the
# project only when pyproject.toml changed (stamp file .venv/.installed).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint app bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/restructure validate scenarios/market_regulation.toml
	$(BIN)/restructure solve scenarios/market_regulation.toml --out out/market_regulation

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

app: $(STAMP)
	$(BIN)/streamlit run app.py --server.address 127.0.0.1

bench: $(STAMP)
	$(BIN)/restructure bench --seed 0 --seed 1
