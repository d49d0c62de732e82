"""The browser harness cleans up after a journey that stops half-way (issue 21): a failed journey
skipped its own `context.close()`, its pages kept the live server's request threads alive, and
when the server stopped they closed a database connection no longer shared with them
("DatabaseWrapper objects created in a thread can only be used in that same thread"; on SQLite
in memory). pytest.ini turns such a thread's exception into an error.

The second test checks what the first left behind: they are in one file, and `make test` hands
pytest-xdist whole files (--dist loadfile), so they run in order in one process."""

import threading

import pytest

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def test_a_journey_that_stops_without_closing_its_tab(browser, live_server):
    tab = browser.new_context(base_url=live_server.url).new_page()
    tab.goto("/accounts/login/")
    assert tab.get_by_role("button", name="Sign in").is_visible()
    # No context.close(): as if an assertion had failed here.


def test_the_next_journey_finds_no_tab_or_request_left_over(browser):
    assert browser.contexts == []
    serving = [t.name for t in threading.enumerate() if "process_request_thread" in t.name]
    assert serving == []
