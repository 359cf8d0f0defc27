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

.PHONY: help run test test-fast setup chromium services lint typecheck typecheck-ui bench bench-county

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

test: setup chromium services $(AXE)
	$(PY) -m ruff check culturetool tests bench
	$(PY) -m ruff format --check culturetool tests bench
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
	@# The scaled-mode browser test runs the app behind Debian's nginx (culturetool serve --workers).
	@if command -v nginx >/dev/null || [ -x /usr/sbin/nginx ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Installing Debian's nginx for the scaled-mode test"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx; \
	else \
		echo "nginx is missing: install it (sudo apt-get install nginx) for the scaled-mode test"; \
	fi

# The store and service tests run on PostgreSQL as well as SQLite (tests/conftest.py), at
# 127.0.0.1:5432 with trust auth and a database `test`; Redis at 127.0.0.1:6379. Where they
# answer (CI, the project's machines) this does nothing and restarts nothing. On a fresh Debian
# machine, as root, it installs them from Debian and starts them; elsewhere the PostgreSQL
# tests skip with the reason (and fail in CI).
PG_UP := if command -v pg_isready >/dev/null; then pg_isready -q -h 127.0.0.1 -p 5432; \
	else (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null; fi
REDIS_UP := if command -v redis-cli >/dev/null; then redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; \
	else (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null; fi
AS_ROOT_WITH_APT := [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null

services:
	@if $(PG_UP); then :; \
	elif $(AS_ROOT_WITH_APT); then \
		echo "Installing Debian's PostgreSQL for the store and service tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql; \
		version=$$(ls /etc/postgresql | sort -V | tail -n 1); \
		hba=/etc/postgresql/$$version/main/pg_hba.conf; \
		grep -q '^host all all 127.0.0.1/32 trust' $$hba || sed -i '1i host all all 127.0.0.1/32 trust' $$hba; \
		if pg_ctlcluster $$version main status >/dev/null; then pg_ctlcluster $$version main reload; \
		else pg_ctlcluster $$version main start; fi; \
		runuser -u postgres -- psql -Atc "select 1 from pg_database where datname = 'test'" | grep -q 1 \
			|| runuser -u postgres -- createdb test; \
		$(PG_UP) || { echo "PostgreSQL did not start on 127.0.0.1:5432"; exit 1; }; \
	else \
		echo "PostgreSQL is not running on 127.0.0.1:5432: its tests will skip (Debian: apt-get install postgresql, then see the Makefile's services target)"; \
	fi
	@if $(REDIS_UP); then :; \
	elif $(AS_ROOT_WITH_APT); then \
		echo "Installing Debian's Redis"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server; \
		$(REDIS_UP) || redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --dir /var/lib/redis; \
		sleep 1; $(REDIS_UP) || { echo "Redis did not start on 127.0.0.1:6379"; exit 1; }; \
	else \
		echo "Redis is not running on 127.0.0.1:6379 (Debian: apt-get install redis-server)"; \
	fi

lint: setup
	$(PY) -m ruff check culturetool tests bench
	$(PY) -m ruff format --check culturetool tests bench

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
	$(PY) bench/load.py

# The county at scale alone (12 areas, 600 teams, 12,000 respondents; a few minutes).
bench-county: setup
	$(PY) bench/county.py
