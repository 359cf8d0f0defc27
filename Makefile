# One command to run the app with demo data, one to run every test. Both set up what they need:
# a virtualenv, Python packages, Node (from PyPI) and bun (from the npm registry), and for tests
# Debian's Chromium. A second run reuses all of it and keeps the database.
.DEFAULT_GOAL := help
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
BUN_VERSION := 1.4.4
BUN := .tools/node_modules/bun/bin/bun.exe
AXE_VERSION := 4.14.1
AXE := .tools/node_modules/axe-core/axe.min.js
PORT ?= 3000

export REFLEX_TELEMETRY_ENABLED := false
export REFLEX_CHECK_LATEST_VERSION := 0
export REFLEX_BUN_PATH := $(CURDIR)/$(BUN)
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)

.PHONY: help run test test-fast setup chromium lint typecheck typecheck-ui bench bench-county

help:
	@echo "make run   - set up and start culturetool with demo data at http://localhost:$(PORT)"
	@echo "make test  - set up and run the whole test suite (browser tests included)"
	@echo "make test-fast - only the tests that need no database and no browser (seconds)"
	@echo "make lint  - ruff"
	@echo "make typecheck    - mypy on everything but the UI (must report no errors)"
	@echo "make typecheck-ui - mypy on the UI, for information"

run: setup
	$(PY) -m culturetool.cli db upgrade
	$(PY) -m culturetool.cli demo load --if-empty
	$(PY) -m culturetool.cli serve --port $(PORT)

test: setup chromium $(AXE)
	$(PY) -m ruff check culturetool tests bench
	$(PY) -m mypy culturetool --exclude culturetool/ui
	@$(MAKE) --no-print-directory typecheck-ui
	$(PY) -m pytest

# The pure rules and everything else that needs no database and no browser (tests/conftest.py
# marks the others `db` or `browser` from the fixtures they use).
test-fast: $(VENV)/.installed
	$(PY) -m pytest -q -m "not db and not browser" --ignore=tests/browser

setup: $(VENV)/.installed $(BUN)

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

$(BUN): $(VENV)/.installed
	mkdir -p .tools
	$(VENV)/bin/npm install --silent --no-fund --no-audit --prefix .tools bun@$(BUN_VERSION)
	test -x $(BUN)
	touch $(BUN)

# The accessibility browser test runs axe-core (from the npm registry) inside each page.
$(AXE): $(VENV)/.installed
	mkdir -p .tools
	$(VENV)/bin/npm install --silent --no-fund --no-audit --prefix .tools axe-core@$(AXE_VERSION)
	test -f $(AXE)
	touch $(AXE)

# Browser tests use Debian's Chromium (browser downloads are not possible here).
chromium:
	@if command -v chromium >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Installing Debian's chromium for the browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	else \
		echo "Chromium is missing: install it (sudo apt-get install chromium) to run the browser tests"; \
	fi

lint: setup
	$(PY) -m ruff check culturetool tests bench

# Everything below the UI, and culturetool.py, must type-check; the UI's modules are read for
# their types but their own errors are left to typecheck-ui (see [tool.mypy] in pyproject.toml).
typecheck: $(VENV)/.installed
	$(PY) -m mypy culturetool --exclude culturetool/ui

# The UI leans on Reflex's component types, which mypy reads loosely (a state var used in a page
# is a Var, typed as its Python value): its error count is printed and does not fail the build.
typecheck-ui: $(VENV)/.installed
	@$(PY) -m mypy culturetool/ui | tail -n 1 | sed 's|^|mypy on culturetool/ui (informative): |' || true

bench: setup
	$(PY) bench/scoring.py
	$(PY) bench/questionnaire_weight.py
	$(PY) bench/ledger.py
	$(PY) bench/county.py

# The county at scale alone (12 areas, 600 teams, 12,000 respondents; a few minutes).
bench-county: setup
	$(PY) bench/county.py
