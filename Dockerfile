# One image for every process: `docker run IMAGE web|worker|beat|release` (deploy/entrypoint.sh),
# configured by the environment (deploy/ourplace.env.example, e.g. `--env-file`). Run `release`
# once per new image before starting the others; run exactly one `beat`.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    DJANGO_SETTINGS_MODULE=ourplace.settings.production \
    STATIC_ROOT=/app/staticfiles \
    PRIVATE_STORAGE_ROOT=/data/private \
    BACKUP_DIR=/data/backups \
    GUNICORN_BIND=0.0.0.0:8000

# WeasyPrint's libraries (Pango, HarfBuzz) and fonts; pg_dump/pg_restore for backups.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 \
        fonts-dejavu-core fonts-liberation postgresql-client \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system ourplace \
    && useradd --system --gid ourplace --create-home --home-dir /home/ourplace --shell /usr/sbin/nologin ourplace \
    && mkdir -p /app /data/private /data/backups /data/beat \
    && chown -R ourplace:ourplace /data

WORKDIR /app
COPY requirements.txt .
# Only the runtime half of requirements.txt (the lines above "# Development and tests").
RUN sed '/^# Development and tests/,$d' requirements.txt > /tmp/requirements-runtime.txt \
    && pip install -r /tmp/requirements-runtime.txt && rm /tmp/requirements-runtime.txt
COPY . .
# Static files are collected into the image (the release step collects again; same result).
RUN SECRET_KEY=build DATABASE_URL=sqlite:////tmp/build.sqlite3 ALLOWED_HOSTS=build \
    EMAIL_URL=smtp://127.0.0.1:25 python manage.py collectstatic --noinput --verbosity 0 \
    && chown -R ourplace:ourplace /app/staticfiles

USER ourplace
VOLUME ["/data"]
EXPOSE 8000
# No HEALTHCHECK here: one image runs every kind of process. Probe web containers at
# http://HOST:8000/healthz (liveness) and /readyz; `python manage.py health` works in any of them.
ENTRYPOINT ["deploy/entrypoint.sh"]
CMD ["web"]
