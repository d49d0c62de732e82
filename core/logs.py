"""Structured logs: one line per request and per Celery task, each log line carrying the request
id (or task id) it was written under, as JSON in production (LOG_FORMAT=json) or text on a laptop.

The JSON comes from python-json-logger (a formatter for the standard logging module, so every
library's log lines come out in the same shape with no change to how the code logs); the request
id is our own small middleware rather than another dependency: it takes the proxy's X-Request-ID
when it is a sensible token, makes one otherwise, and returns it in the response header.
"""

import logging
import re
import time
import uuid
from contextvars import ContextVar

from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter as _JsonFormatter

request_id_var: ContextVar[str] = ContextVar("request_id", default="")
task_id_var: ContextVar[str] = ContextVar("task_id", default="")

request_logger = logging.getLogger("ourplace.request")
task_logger = logging.getLogger("ourplace.task")

REQUEST_ID_HEADER = "X-Request-ID"
# A proxy's id is kept only when it is a plain token: it goes into every log line and a header.
_ACCEPTABLE_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


class ContextFilter(logging.Filter):
    """Puts the current request id and task id on every record, so any line logged while a
    request or task runs can be tied back to it."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", ""):
            record.request_id = request_id_var.get()
        if not getattr(record, "task_id", ""):
            record.task_id = task_id_var.get()
        return True


class JsonFormatter(_JsonFormatter):
    """One JSON object per line: time, level, logger, message, then whatever the record carries
    (request_id, user_id, method, path, status, duration_ms, task_id, task_name, state)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("fmt", "{asctime}{levelname}{name}{message}")
        kwargs.setdefault("style", "{")
        kwargs.setdefault(
            "rename_fields", {"asctime": "time", "levelname": "level", "name": "logger"}
        )
        # Django puts the request object itself on django.request records: not for the log.
        kwargs.setdefault("reserved_attrs", [*RESERVED_ATTRS, "request"])
        super().__init__(*args, **kwargs)

    def process_log_record(self, log_record):
        # Empty ids (a line logged outside any request or task) are left out.
        for key in ("request_id", "task_id"):
            if not log_record.get(key):
                log_record.pop(key, None)
        return super().process_log_record(log_record)


def incoming_request_id(request) -> str:
    given = request.headers.get(REQUEST_ID_HEADER, "")
    return given if _ACCEPTABLE_ID.match(given) else uuid.uuid4().hex


class RequestLogMiddleware:
    """Early in MIDDLEWARE: gives the request its id and writes one line when it is answered
    (method, path, status, duration, user id when the request signed someone in). The user is
    read only if something already loaded them, so logging costs no query."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = incoming_request_id(request)
        token = request_id_var.set(request.request_id)
        started = time.monotonic()
        try:
            response = self.get_response(request)
            response[REQUEST_ID_HEADER] = request.request_id
            user = getattr(request, "_cached_user", None)
            duration_ms = round((time.monotonic() - started) * 1000, 1)
            request_logger.info(
                "%s %s %s %s ms",
                request.method,
                request.path,
                response.status_code,
                duration_ms,
                extra={
                    "request_id": request.request_id,
                    "user_id": user.pk if user is not None and user.is_authenticated else None,
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": duration_ms,
                },
            )
            return response
        finally:
            request_id_var.reset(token)


def logging_config(*, log_format: str, level: str) -> dict:
    """The LOGGING dict for LOG_FORMAT (json or text) and LOG_LEVEL."""
    formatter = "json" if log_format == "json" else "text"
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"context": {"()": "core.logs.ContextFilter"}},
        "formatters": {
            "json": {"()": "core.logs.JsonFormatter"},
            "text": {
                "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s%(task_id)s] "
                "%(message)s"
            },
        },
        "handlers": {
            # Standard output, where systemd's journal and `docker logs` collect it (gunicorn's
            # and Celery's own start-up lines go to standard error).
            "console": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stdout",
                "formatter": formatter,
                "filters": ["context"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # Django logs every 4xx here with the exception's traceback (a 403 or 404 raised in
            # a view); the request line above already records them, so only 5xx come through.
            "django.request": {"level": "ERROR"},
            # The development server's own access log would repeat the request line.
            "django.server": {"level": "WARNING"},
        },
    }


_task_started_at: dict[str, float] = {}


def task_prerun(task_id: str) -> None:
    task_id_var.set(task_id or "")
    _task_started_at[task_id] = time.monotonic()


def task_postrun(*, task_id: str, task_name: str, state: str | None) -> None:
    started = _task_started_at.pop(task_id, None)
    duration_ms = round((time.monotonic() - started) * 1000, 1) if started is not None else None
    task_logger.info(
        "task %s %s %s ms",
        task_name,
        state,
        duration_ms,
        extra={
            "task_id": task_id,
            "task_name": task_name,
            "state": state,
            "duration_ms": duration_ms,
        },
    )
    task_id_var.set("")
