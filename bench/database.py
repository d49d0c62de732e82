"""The benchmark's own PostgreSQL databases: a migrated template, and one copy of it per size.

Only names starting with ``ourplace_bench`` are ever created or dropped, so a mistyped setting
cannot reach a database that matters. The server is ``BENCH_POSTGRES`` (default
``postgres://postgres@127.0.0.1:5432``); no Django is imported here.
"""

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse

import psycopg2
from psycopg2 import sql

ROOT = Path(__file__).resolve().parent.parent
PREFIX = "ourplace_bench"
SERVER = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")


def _checked(name: str) -> str:
    if not name.startswith(PREFIX):
        raise SystemExit(f"Refusing to touch database {name!r}: bench names start with {PREFIX}.")
    return name


def url(name: str) -> str:
    return f"{SERVER.rstrip('/')}/{_checked(name)}"


def _admin():
    parts = urlparse(SERVER)
    conn = psycopg2.connect(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
        user=parts.username or "postgres",
        password=parts.password,
        dbname="postgres",
    )
    conn.autocommit = True
    return conn


def exists(name: str) -> bool:
    with _admin() as conn, conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        return cur.fetchone() is not None


def drop(name: str) -> None:
    conn = _admin()
    try:
        with conn.cursor() as cur:
            cur.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                    sql.Identifier(_checked(name))
                )
            )
    finally:
        conn.close()


def create(name: str, template: str | None = None) -> str:
    """A fresh database (dropped first if it exists), copied from `template` when given."""
    drop(name)
    statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(_checked(name)))
    if template:
        statement += sql.SQL(" TEMPLATE {}").format(sql.Identifier(_checked(template)))
    conn = _admin()
    try:
        with conn.cursor() as cur:
            cur.execute(statement)
    finally:
        conn.close()
    return url(name)


def _applied(name: str) -> set[tuple[str, str]]:
    parts = urlparse(SERVER)
    conn = psycopg2.connect(
        host=parts.hostname, port=parts.port or 5432, user=parts.username or "postgres",
        password=parts.password, dbname=name,
    )  # fmt: skip
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT app, name FROM django_migrations")
            return set(cur.fetchall())
    except psycopg2.Error:
        return set()
    finally:
        conn.close()


def _on_disk() -> set[tuple[str, str]]:
    return {
        (path.parent.parent.name, path.stem)
        for path in ROOT.glob("*/migrations/[0-9]*.py")
        if ".venv" not in path.parts
    }


def template(name: str, env: dict) -> tuple[str, bool]:
    """A migrated database to copy per size; migrated again only when the code has migrations the
    template lacks. Returns its name and whether it was (re)built."""
    if exists(name) and _on_disk() <= _applied(name):
        return name, False
    create(name)
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env={**env, "DATABASE_URL": url(name)},
        check=True,
        timeout=1800,
    )
    return name, True
