#!/bin/sh
# The container's entrypoint: one process kind per container, the same commands as the systemd
# units (deploy/systemd/).
set -e
cd "$(dirname "$0")/.."
case "${1:-web}" in
  web)
    shift 2>/dev/null || true
    exec gunicorn -c deploy/gunicorn.conf.py ourplace.wsgi:application "$@" ;;
  worker)
    shift
    exec celery -A ourplace worker --loglevel=INFO --concurrency="${CELERY_CONCURRENCY:-2}" "$@" ;;
  beat)
    shift
    exec celery -A ourplace beat --loglevel=INFO --schedule=/data/beat/celerybeat-schedule "$@" ;;
  release)
    shift
    exec deploy/release.sh "$@" ;;
  *)
    # Anything else runs as given: `docker run IMAGE python manage.py createsuperuser`.
    exec "$@" ;;
esac
