# The two commands a newcomer needs:
#   make run   - set everything up and serve the API with the content loaded (SQLite, no services)
#   make test  - set everything up and run lint, migration check and the test suite
# DATABASE_URL switches either to PostgreSQL; PORT changes the port `make run` listens on.

PYTHON ?= python3
VENV ?= .venv
PORT ?= 8000
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
# The lock files: every package, direct or not, pinned with its hashes (see `make lock`).
RUNTIME_LOCK := requirements/runtime.txt
DEV_LOCK := requirements/dev.txt

.PHONY: help install install-dev lock audit run migrate load superuser lint format test bench clean

help:
	@echo "make run        serve the API at http://127.0.0.1:$(PORT)/ with the content loaded"
	@echo "make test       lint, check migrations and run the tests"
	@echo "make superuser  create an admin login for http://127.0.0.1:$(PORT)/admin/"
	@echo "make load       load fixtures/ again (keeps editors' changes; see README)"
	@echo "make format     format the code with ruff"
	@echo "make bench      benchmark gunicorn + PostgreSQL + Redis with wrk (see BENCHMARKS.md)"
	@echo "make lock       regenerate requirements/*.txt from pyproject.toml (LOCK_ARGS=--upgrade ...)"
	@echo "make audit      check the locked dependencies for known vulnerabilities (pip-audit)"

# `make run` needs the runtime dependencies only; `make test` adds the test tools. Both install
# exactly the locked versions, each file checked against its hash, then the project itself.
$(VENV)/bin/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Python 3.11 or newer is required")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml $(RUNTIME_LOCK) | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet --require-hashes -r $(RUNTIME_LOCK)
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@touch $@

# The dev lock holds the runtime lock's versions plus the test tools.
$(DEV_STAMP): pyproject.toml $(RUNTIME_LOCK) $(DEV_LOCK) | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet --require-hashes -r $(DEV_LOCK)
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@touch $(STAMP) $@

install: $(STAMP)

install-dev: $(DEV_STAMP)

# After changing a pin in pyproject.toml: `make lock`, then commit pyproject.toml and both locks.
# Versions already in the locks are kept; LOCK_ARGS="--upgrade-package NAME" (or --upgrade) moves
# indirect dependencies on. uv is in the dev lock; the dev lock is resolved within the runtime one.
LOCK_ARGS ?=
UV_COMPILE = $(BIN)/uv pip compile --quiet --generate-hashes --universal --python-version 3.11 \
	--custom-compile-command "make lock" $(LOCK_ARGS) pyproject.toml
lock: install-dev
	$(UV_COMPILE) --output-file $(RUNTIME_LOCK)
	$(UV_COMPILE) --extra dev --constraint $(RUNTIME_LOCK) --output-file $(DEV_LOCK)

# pip-audit asks the vulnerability service (AUDIT_SERVICE: pypi, PyPI's JSON API, or osv) about
# every locked version; any finding fails, as does a package it could not check (--strict).
# A finding that does not apply is ignored only through requirements/audit-ignore.txt, with why.
# AUDIT_ARGS passes more options, e.g. AUDIT_SERVICE=osv AUDIT_ARGS="--osv-url URL" for a mirror.
AUDIT_SERVICE ?= pypi
AUDIT_ARGS ?=
AUDIT_IGNORE := requirements/audit-ignore.txt
HASH := \#
AUDIT_IGNORED = $(shell awk '$$1 !~ /^$(HASH)/ {print $$1}' $(AUDIT_IGNORE))
AUDIT = $(BIN)/pip-audit --strict --disable-pip --require-hashes --progress-spinner off \
	--vulnerability-service $(AUDIT_SERVICE) $(addprefix --ignore-vuln ,$(AUDIT_IGNORED)) $(AUDIT_ARGS)
audit: install-dev
	@echo "Auditing $(RUNTIME_LOCK) (what ships) against $(AUDIT_SERVICE)"
	$(AUDIT) -r $(RUNTIME_LOCK)
	@echo "Auditing $(DEV_LOCK) (runtime + test tools) against $(AUDIT_SERVICE)"
	$(AUDIT) -r $(DEV_LOCK)

migrate: install
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py migrate --noinput

load: migrate
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py load_content

run: load
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# Asks at the terminal; with DJANGO_SUPERUSER_USERNAME, _EMAIL and _PASSWORD set it asks nothing.
superuser: migrate
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py createsuperuser \
		$$( [ -n "$${DJANGO_SUPERUSER_USERNAME:-}" ] && echo --noinput )

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# The browser tests drive Debian's Chromium; install it if it is missing (needs root).
CHROMIUM ?= /usr/bin/chromium
$(CHROMIUM):
	@if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get install -y -qq chromium >/dev/null; \
	else \
		echo "The browser tests need Chromium at $(CHROMIUM): sudo apt-get install chromium"; \
		exit 1; \
	fi

# The proxy tests start Debian's nginx; install it if it is missing (needs root). The package may
# start a system nginx on port 80 where services are allowed to start: stop it, the tests run
# their own.
NGINX ?= /usr/sbin/nginx
$(NGINX):
	@if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get install -y -qq nginx >/dev/null \
			|| { apt-get update -qq && apt-get install -y -qq nginx >/dev/null; }; \
		if [ -s /run/nginx.pid ]; then $(NGINX) -s quit 2>/dev/null || true; fi; \
	else \
		echo "The proxy tests need nginx at $(NGINX): sudo apt-get install nginx"; \
		exit 1; \
	fi

# The suite includes ruff and `makemigrations --check` (tests/test_project.py).
test: install-dev $(CHROMIUM) $(NGINX)
	$(BIN)/python -m pytest

# Needs PostgreSQL and Redis on 127.0.0.1 (BENCH_DATABASE_URL, BENCH_REDIS_URL) and wrk.
bench: install-dev
	$(BIN)/python -m bench.run $(BENCH_ARGS)

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
