#!/usr/bin/env bash
# The release step, run once per release before web, worker and beat are (re)started: the
# database migrations, the static files under content-hashed names, and Django's deployment
# checks (any warning fails the release). Reads the same environment as the site
# (DJANGO_SETTINGS_MODULE=ourplace.settings.production and deploy/ourplace.env.example's variables).
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-.venv/bin/python}"
[ -x "$PY" ] || PY=python
export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-ourplace.settings.production}"

echo "release: migrate"
"$PY" manage.py migrate --noinput
echo "release: collectstatic ($SECONDS s)"
"$PY" manage.py collectstatic --noinput --verbosity 0
echo "release: check --deploy ($SECONDS s)"
"$PY" manage.py check --deploy --fail-level WARNING
echo "release: done ($SECONDS s)"
