from unittest import mock

import pytest
from django.db import OperationalError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse


@pytest.mark.django_db
def test_healthz_answers_ok_without_login_after_asking_the_database(client):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/healthz")
    assert reverse("healthz") == "/healthz"
    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Content-Type"].startswith("text/plain")
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    assert [q["sql"] for q in ctx.captured_queries] == ["SELECT 1"]


@pytest.mark.django_db
def test_healthz_says_503_when_the_database_does_not_answer(client):
    with mock.patch("core.views.connection.cursor", side_effect=OperationalError("down")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.content == b"database unavailable"


@pytest.mark.django_db
def test_healthz_only_answers_get(client):
    assert client.post("/healthz").status_code == 405
