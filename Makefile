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

# Index corpus/ (incrementally), then serve on http://127.0.0.1:8000/
serve: $(STAMP)
	$(BIN)/xxgk index --corpus corpus
	$(BIN)/xxgk serve

index: $(STAMP)
	$(BIN)/xxgk index

# Not part of `make test`: builds a 10,000-report synthetic corpus (override with REPORTS=…); installs the bench extra (tantivy).
REPORTS ?= 10000
bench: $(TSTAMP)
	$(BIN)/pip install --quiet -e '.[test,bench]'
	$(BIN)/python -m bench --reports $(REPORTS)

parse: $(STAMP)
	$(BIN)/xxgk parse corpus

lint: $(TSTAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: lint
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) var tests/artifacts
