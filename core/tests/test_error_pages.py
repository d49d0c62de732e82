"""Failures show a page in the site's style; an unreachable database says nothing was half-saved."""

import pytest
from django.db import OperationalError, connection
from django.test import RequestFactory

from core.error_pages import server_error


def _during(exc):
    try:
        raise exc
    except Exception:
        return server_error(RequestFactory().get("/"))


def test_an_unreachable_database_gives_a_503_that_says_nothing_was_half_saved():
    response = _during(OperationalError('connection to server at "127.0.0.1" failed'))
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    body = response.content.decode()
    assert "temporarily unavailable" in body and "Nothing you submitted was half-saved" in body
    assert "bootstrap.min.css" in body  # the site's style, not Django's bare page


def test_any_other_failure_gives_the_styled_500_page():
    response = _during(ValueError("a bug"))
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()
    assert "a bug" not in response.content.decode()  # no internals shown


@pytest.mark.django_db(transaction=True)
def test_a_real_request_while_postgresql_is_down_gets_the_503(client, settings):
    if connection.vendor != "postgresql":
        pytest.skip("needs a database server that can be made unreachable")
    settings.DEBUG = False
    client.raise_request_exception = False
    saved = connection.settings_dict["PORT"]
    connection.close()
    connection.settings_dict["PORT"] = "1"  # nothing listens there: the server is "down"
    try:
        client.cookies["sessionid"] = "x" * 32  # the session lookup needs the database
        response = client.get("/areas/")
    finally:
        connection.close()
        connection.settings_dict["PORT"] = saved
    assert response.status_code == 503
    assert "Nothing you submitted was half-saved" in response.content.decode()
