# SSP Lägesbild — the two commands are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
FLASK := $(VENV)/bin/flask --app wsgi
INSTANCE := $(or $(SSP_INSTANCE_PATH),instance)
HOST ?= 127.0.0.1
PORT ?= 8050
WORKERS ?= 2
# apt needs root; use sudo only when we are not root already.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test lint pytest bench bench-national demo clean browser-deps help translations
.DEFAULT_GOAL := help

help:
	@echo "make run   - install, build the demo database if absent, serve on http://$(HOST):$(PORT)"
	@echo "make test  - install test tools (and Debian chromium when missing), lint, run the whole suite with branch coverage"
	@echo "make lint  - ruff check, ruff format --check, mypy (also the pre-commit hooks)"
	@echo "make bench - performance figures (bench/)"
	@echo "make bench-national - the count store on a synthetic national database (ROWS=10000000; first build ~25 min)"
	@echo "make translations - extract the UI texts, update the catalogues, compile them (CONTRIBUTING.md, Translate)"

$(PY):
	@$(PYTHON) -m venv $(VENV) 2>/dev/null || { \
	  echo "python3 -m venv failed; installing Debian's python3-venv"; \
	  $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q python3-venv && $(PYTHON) -m venv $(VENV); }
	@$(PIP) install -q --upgrade pip

$(VENV)/.stamp-run: requirements.txt | $(PY)
	@echo "Installerar beroenden i $(VENV) (första gången: ett par minuter) …"
	$(PIP) install -q -r requirements.txt
	@touch $@

$(VENV)/.stamp-dev: requirements.txt requirements-dev.txt | $(PY)
	$(PIP) install -q -r requirements-dev.txt
	@touch $@ $(VENV)/.stamp-run

# The demo database is built once; delete instance/ to rebuild it.
$(INSTANCE)/ssp.sqlite: | $(VENV)/.stamp-run
	@echo "Bygger demodatabasen i $(INSTANCE)/ (en gång; ungefär en halv minut) …"
	$(FLASK) ssp init-db
	$(FLASK) ssp demo

demo: $(VENV)/.stamp-run
	$(FLASK) ssp init-db
	$(FLASK) ssp demo --force

run: $(VENV)/.stamp-run
	@if [ -z "$$DATABASE_URL" ]; then $(MAKE) --no-print-directory $(INSTANCE)/ssp.sqlite; fi
	@$(FLASK) ssp init-db
	@$(FLASK) ssp demo-accounts
	@echo "Serving SSP Lägesbild on http://$(HOST):$(PORT) (Ctrl+C stops)"
	SSP_DEMO=$${SSP_DEMO:-1} $(VENV)/bin/gunicorn --bind $(HOST):$(PORT) --workers $(WORKERS) --access-logfile - wsgi:app

browser-deps:
	@if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null || ! command -v pdftoppm >/dev/null; then \
	  echo "Installing Debian chromium + chromium-driver (browser tests) and poppler-utils (pdftoppm: PDF tests)"; \
	  $(SUDO) apt-get update -q && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium chromium-driver poppler-utils; \
	fi

lint: $(VENV)/.stamp-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

# Branch coverage of dashboard/, data/ and geo/ (settings in pyproject.toml); `make pytest COV=`
# runs without it. pytest-randomly shuffles the order and prints the seed it used.
COV ?= --cov --cov-branch --cov-report=term

# TEST_DATABASE_URL is set when PostgreSQL answers on loopback (CI always has it).
# The whole suite runs in random order on the tests' frozen date (tests/clock.py,
# SSP_TEST_TODAY); then the date-sensitive tests run again at each other test date.
pytest: $(VENV)/.stamp-dev browser-deps
	@url="$${TEST_DATABASE_URL:-$$($(PY) tests/pg_probe.py)}"; \
	if [ -n "$$url" ]; then echo "PostgreSQL tests use $$url"; else echo "PostgreSQL not reachable: its tests will skip"; fi; \
	TEST_DATABASE_URL="$$url" $(PY) -m pytest $(COV) $(PYTEST_ARGS) && \
	for day in $$($(PY) -m tests.clock); do \
	  echo "Date-sensitive tests with the clock frozen at $$day"; \
	  SSP_TEST_TODAY=$$day TEST_DATABASE_URL="$$url" $(PY) -m pytest -q -m date_sensitive -p no:cacheprovider || exit 1; \
	done

test: lint pytest

bench: $(VENV)/.stamp-dev
	$(PY) bench/bench_map_query.py
	$(PY) bench/bench_count_store.py --rows 1000000
	$(PY) bench/bench_assign.py
	$(PY) bench/bench_layer_size.py
	$(PY) bench/bench_import.py
	$(PY) bench/bench_disclosure.py
	$(PY) bench/bench_forecast.py
	$(PY) bench/load.py
	$(PY) bench/bench_pii_names.py
	$(PY) bench/bench_lagesbild_pdf.py

# Issue 19: the count store at national scale (bench/README.md). The synthetic database is
# built once per ROWS into $(NATIONAL)/ (gitignored; delete it to rebuild); the figures
# go to $(NATIONAL)/figures.json. ROWS=200000 is a quick run (~2 min to build).
ROWS ?= 10000000
NATIONAL = bench/.national/$(ROWS)
bench-national: $(VENV)/.stamp-dev
	$(PY) bench/national.py --out $(NATIONAL) --rows $(ROWS)
	$(PY) bench/bench_national.py --db $(NATIONAL) --json $(NATIONAL)/figures.json $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache

# The UI's catalogues: extract every marked text into messages.pot, merge it into each
# language's messages.po (translate the new entries there), compile messages.mo.
TRANSLATIONS := dashboard/translations
translations: $(VENV)/.stamp-run
	$(VENV)/bin/pybabel extract -F babel.cfg --add-location=file --sort-by-file \
	  --project="SSP Lägesbild" --copyright-holder="SSP Lägesbild" -o $(TRANSLATIONS)/messages.pot .
	$(VENV)/bin/pybabel update -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS) --no-fuzzy-matching
	$(VENV)/bin/pybabel compile -d $(TRANSLATIONS) --statistics
