# The two set-up commands: `make run` and `make test`. Everything else is a helper for them.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# Links in emails point at the site `make run` serves, on whatever port it was given, unless
# SITE_URL is set (e.g. behind a proxy). Exported to both the site and the Celery worker, which
# sends the emails.
SITE_URL ?= http://$(HOST):$(PORT)

.PHONY: run test venv migrate demo worker lint check bench lighthouse clean backup restore prod-check

# pip lists each package as it installs it: the first run takes a few minutes, and says so.
$(VENV)/.installed: requirements.txt
	@echo "== Creating $(VENV) and installing the Python packages (first run: a few minutes)"
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	set -o pipefail; $(PY) -m pip install --progress-bar off -r requirements.txt \
		| { grep --line-buffered -E '^(Collecting|Successfully)' || true; }
	touch $@

venv: $(VENV)/.installed

migrate: venv
	mkdir -p var
	@echo "== Migrating the database"
	$(PY) manage.py migrate --noinput

demo: migrate
	@echo "== Loading the demo programme (about a minute the first time)"
	$(PY) manage.py load_demo

# Set up everything, then serve the site on http://$(HOST):$(PORT) with a Celery worker (and its
# beat scheduler) beside it. Ctrl-C stops both. e.g. `make run PORT=8001`.
run: export SITE_URL := $(SITE_URL)
run: demo
	@$(PY) manage.py demo_logins
	@$(VENV)/bin/celery -A ourplace worker -B --loglevel=INFO --concurrency=2 \
		--schedule=var/celerybeat-schedule > var/celery.log 2>&1 & \
	worker=$$!; \
	trap 'kill -TERM $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; \
	echo "Celery worker started (log: var/celery.log)"; \
	echo "Our Place is at http://$(HOST):$(PORT)/  (Ctrl-C stops the site and the worker)"; \
	echo "Links in emails use SITE_URL=$$SITE_URL"; \
	$(PY) manage.py runserver $(HOST):$(PORT)

worker: venv
	$(VENV)/bin/celery -A ourplace worker -B --loglevel=INFO --schedule=var/celerybeat-schedule

# The whole suite. Uses SQLite and the filesystem broker unless DATABASE_URL / REDIS_URL are set.
# It runs in TEST_WORKERS processes (pytest-xdist; each with its own test database, broker folder
# or Redis keys, and private files): `make test TEST_WORKERS=0` runs it in one, e.g. to debug.
# Each process takes whole test files (--dist loadfile): a file's tests run in order, together.
# Files are handed out in collection order (--no-loadscope-reorder, not xdist's "most tests
# first"), which the root conftest.py arranges so the longest files (browsers, workers) go first.
TEST_WORKERS ?= auto
test: venv
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder $(PYTEST_ARGS)

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

check: venv
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run

# Issue 13's benchmark on PostgreSQL (ourplace_bench* databases) under gunicorn: writes
# bench/results/latest.json and latest.md. Settings are BENCH_* variables (bench/README.md), e.g.
# `BENCH_SIZES=200,1000 make bench` for a quick run.
bench: venv
	$(PY) bench/run.py

# Lighthouse (mobile) on the key pages of the demo, as a phone would load them: writes
# bench/results/lighthouse.json and lighthouse.md (bench/lighthouse.py; needs Chromium and npm).
lighthouse: venv
	$(PY) bench/lighthouse.py

# One archive of the database (pg_dump on PostgreSQL, SQLite's backup API on the default) and every
# private file, encrypted with BACKUP_KEY, in BACKUP_DIR (var/backups/); `make restore` puts back
# the newest (or FILE=var/backups/...). Stop the site first. See README "Backups".
backup: venv
	$(PY) manage.py database_backup $(if $(FILE),--output $(FILE))

restore: venv
	$(PY) manage.py database_restore $(FILE)

# The deployment in deploy/ run for real and used (deploy/prod_check.py): a fresh PostgreSQL
# database (PRODCHECK_DATABASE_URL, default ourplace_prodcheck, dropped first), Redis database 13
# (PRODCHECK_REDIS_URL, emptied), nginx with TLS, two gunicorn, a worker, beat and an SMTP server.
# Needs nginx and openssl on the machine; installs nothing. About a minute.
prod-check: venv
	$(PY) deploy/prod_check.py

clean:
	rm -rf var/broker var/private staticfiles
