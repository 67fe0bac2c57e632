# SIZes: `make run` serves the demo; `make test` runs the whole test suite.
# Only Python 3.11+, pip, venv and make are needed; everything else comes from the lock files.

PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: run install test test-install lint format lock demo clean soak bench bench-install

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

# Load, soak and a database outage (issue 10 items 5 and 8; docs/reliability.md): gunicorn with
# 2 workers on a private PostgreSQL cluster (made if missing, on SOAK_PG_PORT=5439; never the
# machine's main cluster), SOAK_SECONDS=600 at SOAK_RATE=5 requests a second; see soak/run.py.
soak: install
	$(BIN)/python soak/run.py

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

# Benchmarks (issue 9; not part of `make test`): installs GeoPandas & co. and, when missing,
# PostGIS from Debian's packages for the local PostgreSQL, then runs every benchmark and
# regenerates docs/performance.md. BENCH_ARGS=--quick for a short run; names select some.
BENCH_ARGS ?=
bench: bench-install
	$(BIN)/python -m bench.run $(BENCH_ARGS)

bench-install: $(VENV)/.installed-bench
	@pg=$$(ls /etc/postgresql 2>/dev/null | sort -n | tail -1); \
	if [ -z "$$pg" ]; then echo "No PostgreSQL in /etc/postgresql: install and start it first." >&2; exit 1; fi; \
	if [ ! -f /usr/share/postgresql/$$pg/extension/postgis.control ]; then \
	  echo "Installing PostGIS for PostgreSQL $$pg"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-$$pg-postgis-3; \
	fi
	@command -v wrk >/dev/null || { echo "Installing wrk (HTTP load generator, bench/b_http.py)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; }

$(VENV)/.installed-bench: $(VENV)/.installed-dev requirements-bench.lock
	$(BIN)/python -m pip install --quiet -r requirements-bench.lock
	touch $@

# Regenerate requirements-bench.lock (kept consistent with the dev lock).
lock-bench: test-install
	$(BIN)/pip-compile --quiet --strip-extras --no-emit-index-url --no-emit-find-links -c requirements-dev.lock -o requirements-bench.lock requirements-bench.in

clean:
	rm -rf $(VENV) var .pytest_cache
