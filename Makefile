# The README's two commands: `make serve` and `make test`. Both build .venv on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
TSTAMP := $(VENV)/.installed-test

.PHONY: serve test lint parse index bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(TSTAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@ $(STAMP)

# Until the web app lands, serving means building the index and saying so.
serve: $(STAMP)
	$(BIN)/xxgk index
	@echo "xxgk: index built in var/index; search it with .venv/bin/xxgk search 更新不及时 (the web app is not built yet)."

index: $(STAMP)
	$(BIN)/xxgk index

# Not part of `make test`: builds a 10,000-report synthetic corpus (override with REPORTS=…).
REPORTS ?= 10000
bench: $(STAMP)
	$(BIN)/python -m bench --reports $(REPORTS)

parse: $(STAMP)
	$(BIN)/xxgk parse corpus/*

lint: $(TSTAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: lint
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) var tests/artifacts
