# ISI – the commands a person runs. `make demo` and `make test` are the two that matter.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV    := .venv
BIN     := $(VENV)/bin
ISI     := $(BIN)/isi
# Django 6 needs Python >= 3.12; scripts/find-python picks one (PATH, then pyenv) or explains.
PYTHON  ?= $(shell scripts/find-python)

.PHONY: help install demo test test-sqlite test-postgres test-browser lint messages bench clean

help:
	@echo "make demo     – set up and start the demo on http://127.0.0.1:8000 (isi serve + isi worker)"
	@echo "make test     – set up and run all tests (SQLite, PostgreSQL, browser), lint and checks"
	@echo "make install  – create .venv/ with the isi command"
	@echo "make lint     – ruff, mypy, makemigrations --check"
	@echo "make messages – update and compile the translation files"

$(BIN)/isi: pyproject.toml requirements/lock.txt
	@test -n "$(PYTHON)" || { echo "No Python >= 3.12 found (Django 6 needs it). Install python3.12 or set PYTHON=/path/to/python3.12."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements/lock.txt
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	@touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

install: $(BIN)/isi node_modules/.package-lock.json
	@scripts/ensure-weasyprint-libs
	@# hashed, gzipped static files for isi serve (WhiteNoise); ISI_VAR_DIR/static, default var/static
	$(ISI) collectstatic --noinput --verbosity 0

demo: install
	$(ISI) demo

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy
	DATABASE_URL=sqlite:///:memory: $(ISI) makemigrations --check --dry-run

test: install lint
	scripts/ensure-test-tools
	$(BIN)/pytest --cov --cov-report=term -p no:cacheprovider
	@# own_database tests ignore DATABASE_URL: the SQLite pass above ran them already.
	scripts/with-postgres $(BIN)/pytest -p no:cacheprovider -m "not browser and not own_database"
	$(BIN)/python bench/generate_insert.py --measures 2000
	$(BIN)/python bench/search_vs_datasette.py --measures 2000 --queries 20
	$(BIN)/python bench/similarity_allpairs.py --measures 2000
	$(BIN)/python bench/similar_latency.py --measures 2000 --queries 20
	$(BIN)/python bench/load.py --measures 500 --seconds 5 --queries 20

test-sqlite: install
	$(BIN)/pytest -m "not browser"

test-postgres: install
	scripts/with-postgres $(BIN)/pytest -m "not browser"

# Every language of settings.LANGUAGES but German (the source), with the finder's data texts
# (isi/portal/management/commands/makemessages.py).
messages: install
	cd src/isi && ../../$(ISI) makemessages --no-obsolete && ../../$(ISI) compilemessages

bench: install
	$(BIN)/python bench/generate_insert.py --measures 100000
	$(BIN)/python bench/search_vs_datasette.py --measures 100000
	$(BIN)/python bench/similarity_allpairs.py --measures 10000
	$(BIN)/python bench/similarity_allpairs.py --measures 100000
	$(BIN)/python bench/similar_latency.py --measures 100000
	$(BIN)/python bench/similarity_quality.py

clean:
	rm -rf $(VENV) node_modules .pytest_cache .mypy_cache .ruff_cache var/
