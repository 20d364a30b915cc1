# The two commands: `make run` (the assistant) and `make test` (the whole suite).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export ANONYMIZED_TELEMETRY := False

.PHONY: run test install install-test ingest serve ui eval eval-dev bench bench-scale system clean lint

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(TEST_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'
	touch $(STAMP) $@

install: $(STAMP)

install-test: $(TEST_STAMP)

ingest: $(STAMP)
	$(BIN)/egov ingest

## The assistant: API on :8000 and the Streamlit app on :8501, over a fresh-or-updated index.
run: ingest
	$(BIN)/egov run

serve: ingest
	$(BIN)/egov serve

ui: ingest
	$(BIN)/egov ui

## Debian's Chromium (the real-browser test), nginx (the reverse-proxy test) and PostgreSQL (the feedback
## database test), installed only where missing.
system:
	@command -v chromium >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq chromium >/dev/null)
	@command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq postgresql >/dev/null)
	@command -v nginx >/dev/null 2>&1 || test -x /usr/sbin/nginx || (apt-get update -qq && apt-get install -y -qq nginx-light >/dev/null)

## Lint, format and types (ruff, mypy; configured in pyproject.toml), then the suite.
lint: $(TEST_STAMP)
	$(BIN)/ruff check core ingest rag app evals tests benchmarks
	$(BIN)/ruff format --check core ingest rag app evals tests benchmarks
	$(BIN)/mypy

test: $(TEST_STAMP) system lint
	$(BIN)/python -m pytest -q

## The sealed test set (what the gate and the README report) and the dev set (what changes are tuned on).
eval: $(STAMP) ingest
	$(BIN)/egov eval --set test --out evals/reports/test

eval-dev: $(STAMP) ingest
	$(BIN)/egov eval --set dev --out evals/reports/dev

bench: $(STAMP) ingest
	$(BIN)/python benchmarks/ingest.py
	$(BIN)/python benchmarks/ask.py

## Cost as the corpus grows (1x, 4x, 16x of notes and memos; about 10 minutes on 2 cores).
bench-scale: $(STAMP)
	$(BIN)/python benchmarks/scale.py --sizes 1 4 16

clean:
	rm -rf .egov
