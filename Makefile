# SIZes: `make run` serves the demo; `make test` runs the whole test suite.
# Only Python 3.11+, pip, venv and make are needed; everything else comes from the lock files.

PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: run install test test-install lint format lock demo clean

run: install
	$(BIN)/sizes demo --port $(PORT)

install: $(VENV)/.installed

$(VENV)/.installed: requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

test-install: $(VENV)/.installed-dev

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.lock
	$(BIN)/python -m pip install --quiet -r requirements-dev.lock
	touch $@

# The whole suite: unit, page and browser tests (browser tests skip, saying why, when no
# Chromium is installed; CI installs it). DATABASE_URL=postgres://... runs it on PostgreSQL.
test: test-install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: test-install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run

format: test-install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Regenerate the lock files from requirements*.in (needs the package index).
lock: test-install
	$(BIN)/pip-compile --quiet --strip-extras --no-emit-index-url --no-emit-find-links -o requirements.lock requirements.in
	$(BIN)/pip-compile --quiet --strip-extras --no-emit-index-url --no-emit-find-links -o requirements-dev.lock requirements-dev.in

clean:
	rm -rf $(VENV) var .pytest_cache
