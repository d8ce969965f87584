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

.PHONY: help install install-dev run migrate load superuser lint format test bench clean

help:
	@echo "make run        serve the API at http://127.0.0.1:$(PORT)/ with the content loaded"
	@echo "make test       lint, check migrations and run the tests"
	@echo "make superuser  create an admin login for http://127.0.0.1:$(PORT)/admin/"
	@echo "make load       load fixtures/ again (keeps editors' changes; see README)"
	@echo "make format     format the code with ruff"
	@echo "make bench      benchmark gunicorn + PostgreSQL + Redis with wrk (see BENCHMARKS.md)"

# `make run` needs the runtime dependencies only; `make test` adds the test tools.
$(VENV)/bin/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Python 3.11 or newer is required")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(DEV_STAMP): pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $(STAMP) $@

install: $(STAMP)

install-dev: $(DEV_STAMP)

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

# The suite includes ruff and `makemigrations --check` (tests/test_project.py).
test: install-dev $(CHROMIUM)
	$(BIN)/python -m pytest

# Needs PostgreSQL and Redis on 127.0.0.1 (BENCH_DATABASE_URL, BENCH_REDIS_URL) and wrk.
bench: install-dev
	$(BIN)/python -m bench.run $(BENCH_ARGS)

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
