# Quick start: `make run` serves the app with demo data on SQLite; `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app app
HOST ?= 127.0.0.1
PORT ?= 5000
# Test processes (pytest-xdist): one per core of the machines here; each test file stays in one process.
TEST_WORKERS ?= 2

.PHONY: run test setup lint bench clean translations cluster-check

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed")'
	@$(PYTHON) -m venv $(VENV) 2>/dev/null || { rm -rf $(VENV) && $(PYTHON) -m venv --without-pip $(VENV) \
		&& $(BIN)/python .ci/bootstrap_pip.py; } || { echo "Could not create a virtual environment"; exit 1; }
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	@touch $@

node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "npm not found: the browser tests' accessibility checks will be skipped"; fi

setup: $(VENV)/.installed

# Translations: the .po catalogue is committed, the compiled .mo is built here (it is git-ignored).
TRANSLATIONS := seconding/translations

$(TRANSLATIONS)/pl/LC_MESSAGES/messages.mo: $(TRANSLATIONS)/pl/LC_MESSAGES/messages.po | $(VENV)/.installed
	$(BIN)/pybabel compile -d $(TRANSLATIONS)

# Re-extract the wrapped strings and merge them into the catalogues; then translate the new entries.
translations: setup
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k lazy_pgettext:1c,2 --ignore-dirs '.* node_modules tests bench' \
		--project seconding --add-comments TRANSLATORS: -o $(TRANSLATIONS)/messages.pot .
	$(BIN)/pybabel update -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS)

run: setup $(TRANSLATIONS)/pl/LC_MESSAGES/messages.mo
	$(FLASK) db upgrade
	$(FLASK) seed-demo
	@echo "Serving on http://$(HOST):$(PORT) (Ctrl+C to stop)"
	SCHEDULER_ENABLED=$${SCHEDULER_ENABLED:-1} JOBS_IN_PROCESS=$${JOBS_IN_PROCESS:-1} BASE_URL="$${BASE_URL:-http://$(HOST):$(PORT)}" \
		$(FLASK) run --host $(HOST) --port $(PORT)

test: setup node_modules/.installed $(TRANSLATIONS)/pl/LC_MESSAGES/messages.mo
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check .

bench: setup
	$(BIN)/python -m bench $(BENCH_ARGS)

# Two application hosts behind HAProxy and one PostgreSQL, as network namespaces of this machine, with real faults
# under load (issue 28; README, "Several hosts"). Needs root, iproute2, HAProxy; skipped with the reason otherwise,
# or fails when CI or REQUIRE_CLUSTER=1 is set.
cluster-check: setup
	$(BIN)/python -m bench.cluster $(CLUSTER_ARGS)

clean:
	rm -rf $(VENV) node_modules .pytest_cache test-artifacts
