"""Structured logs (issue 22): one JSON line per request and per task with the ids a person
tracing a problem needs, the request id kept from the proxy or made and returned, and a refused
request (403/404) logged as one line, never a traceback."""

import io
import json
import logging

import pytest
from django.http import HttpResponse
from django.urls import reverse

from core import tasks
from core.logs import REQUEST_ID_HEADER, ContextFilter, JsonFormatter, RequestLogMiddleware

REQUEST_FIELDS = {"request_id", "user_id", "method", "path", "status", "duration_ms"}


@pytest.fixture
def json_lines():
    """Everything logged while the test runs, formatted as production formats it, through the
    logger levels the settings configure."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(ContextFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    previous = root.level
    root.setLevel(logging.INFO)

    def lines() -> list[dict]:
        return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]

    yield lines
    root.removeHandler(handler)
    root.setLevel(previous)


def _request_lines(lines):
    return [line for line in lines if line.get("logger") == "ourplace.request"]


@pytest.mark.django_db
def test_a_request_writes_one_json_line_with_its_id_user_and_timing(
    client, programme_manager, json_lines
):
    client.force_login(programme_manager)

    response = client.get(reverse("mywork"), HTTP_X_REQUEST_ID="proxy-id-123")

    assert response.status_code == 200
    assert response[REQUEST_ID_HEADER] == "proxy-id-123"
    [line] = _request_lines(json_lines())
    assert set(line) >= REQUEST_FIELDS
    assert line["request_id"] == "proxy-id-123"
    assert line["user_id"] == programme_manager.pk
    assert (line["method"], line["path"], line["status"]) == ("GET", "/my-work/", 200)
    assert isinstance(line["duration_ms"], float)
    assert line["level"] == "INFO" and "time" in line


@pytest.mark.django_db
@pytest.mark.parametrize("given", [None, "has spaces and <angle> brackets", "x" * 300])
def test_a_request_without_a_usable_id_gets_a_new_one_in_the_log_and_the_header(
    client, json_lines, given
):
    headers = {} if given is None else {"HTTP_X_REQUEST_ID": given}

    response = client.get(reverse("login"), **headers)

    made = response[REQUEST_ID_HEADER]
    assert made and made != given and len(made) == 32
    [line] = _request_lines(json_lines())
    assert line["request_id"] == made
    assert line["user_id"] is None


def test_lines_logged_during_a_request_carry_its_id_and_others_do_not(rf, json_lines):
    def view(request):
        logging.getLogger("core.tests").info("inside the request")
        return HttpResponse("ok")

    logging.getLogger("core.tests").info("outside any request")
    RequestLogMiddleware(view)(rf.get("/somewhere", HTTP_X_REQUEST_ID="trace-me"))

    lines = json_lines()
    by_message = {line["message"]: line for line in lines}
    assert by_message["inside the request"]["request_id"] == "trace-me"
    assert "request_id" not in by_message["outside any request"]
    assert [line["request_id"] for line in _request_lines(lines)] == ["trace-me"]


@pytest.mark.django_db
def test_a_403_is_one_line_without_a_traceback(client, lead_user, json_lines):
    client.force_login(lead_user)

    response = client.get(reverse("lockout_list"))

    assert response.status_code == 403
    lines = json_lines()
    assert [(line["path"], line["status"]) for line in _request_lines(lines)] == [
        (reverse("lockout_list"), 403)
    ]
    assert not any("exc_info" in line or "Traceback" in json.dumps(line) for line in lines)
    assert [line for line in lines if line["logger"] == "django.request"] == []


@pytest.mark.django_db
def test_a_404_is_one_line_without_a_traceback(client, lead_user, json_lines):
    client.force_login(lead_user)

    response = client.get("/areas/NO-SUCH-AREA/")

    assert response.status_code == 404
    lines = json_lines()
    assert [line["status"] for line in _request_lines(lines)] == [404]
    # Django's own "Not Found" warning would be a second line for the same request.
    assert [line for line in lines if line["logger"] == "django.request"] == []
    assert not any("exc_info" in line for line in lines)


@pytest.mark.django_db
def test_a_task_writes_one_json_line_with_its_id_name_state_and_timing(json_lines):
    result = tasks.health_heartbeat.apply(task_id="task-id-1")

    assert result.successful()
    [line] = [line for line in json_lines() if line.get("logger") == "ourplace.task"]
    assert line["task_id"] == "task-id-1"
    assert line["task_name"] == "core.tasks.health_heartbeat"
    assert line["state"] == "SUCCESS"
    assert isinstance(line["duration_ms"], float)
