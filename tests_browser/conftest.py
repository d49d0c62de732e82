"""Browser tests: headless Chromium, driven by Playwright's sync API, against pytest-django's live
server.

The tests are skipped with a reason when Chromium is missing, unless OURPLACE_REQUIRE_BROWSER=1
(CI sets it), in which case a missing browser is a failure. Screenshots go to var/screenshots/
(gitignored) so people can look at the pages the tests visited.
"""

import importlib
import os
import re
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings

from core.tests.demo_snapshot import load_demo_for_test

# Playwright's sync API runs an event loop in this thread; Django would otherwise refuse ORM calls
# made from the test (loading demo data, checking results) while the browser is open.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path(os.environ.get("OURPLACE_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOT_DIR = Path(settings.BASE_DIR) / "var" / "screenshots"
DEMO_PASSWORD = "ourplace-demo"


def _unavailable(reason):
    if os.environ.get("OURPLACE_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason} (OURPLACE_REQUIRE_BROWSER=1)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def _playwright():
    if not CHROMIUM.exists():
        _unavailable(f"browser tests need Chromium at {CHROMIUM}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("browser tests need the playwright package")
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def live_server(django_db_setup, live_server):
    """pytest-django's live server, started once the test database exists: on SQLite in memory
    its request threads then share the test's connection (as Django's LiveServerTestCase does)
    instead of opening others onto the same memory database, whose table locks fail requests
    ("database table is locked"). It stops only when no request is left in flight: a request
    thread finishing after the stop closes a connection that is no longer shared ("DatabaseWrapper
    objects created in a thread can only be used in that same thread")."""
    yield live_server
    _wait_for_requests()


@pytest.fixture(scope="session")
def browser(_playwright, live_server):
    # Needs the live server so that it is closed before the server stops (the reverse order).
    browser = _playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


@pytest.fixture(autouse=True)
def _tabs_closed_and_requests_done(request):
    """After each browser test, before its database is flushed: close every browser context it
    left open (a test that fails half-way skips its own `context.close()`, and the pages it left
    keep asking the server, e.g. htmx's counts and polls), and let the requests still being
    served finish, so none runs against the tables being emptied."""
    if "browser" not in request.fixturenames:
        yield
        return
    browser = request.getfixturevalue("browser")
    yield
    for context in list(browser.contexts):
        context.close()
    _wait_for_requests()


def _wait_for_requests(seconds: float = 15) -> None:
    """Wait for the live server's request threads (one per connection a browser opened, kept
    while the browser keeps the connection alive) to end."""
    deadline = time.monotonic() + seconds
    for thread in threading.enumerate():
        if thread.name.endswith("(process_request_thread)"):
            thread.join(timeout=max(0.0, deadline - time.monotonic()))


@pytest.fixture
def page(browser, live_server):
    """A fresh browser tab (own cookies) pointed at the live server."""
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1366, "height": 900}, locale="en-GB"
    )
    context.set_default_timeout(15_000)
    tab = context.new_page()
    # The Content-Security-Policy is on in every journey: a page that breaks it (an inline script
    # or style) fails the journey that visited it.
    violations = []

    def on_console(message):
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            violations.append(f"{tab.url}: {message.text}")

    tab.on("console", on_console)
    yield tab
    context.close()
    assert not violations, "CSP violations:\n" + "\n".join(violations)


@pytest.fixture
def demo_data(transactional_db):
    """The demo programme (64 areas, one user per role), loaded through the real command (once per
    process: later journeys get its rows back, core.tests.demo_snapshot)."""
    from django.apps import apps

    from programmes.models import Theme

    if not Theme.objects.exists():
        # A transactional test before this one flushed the themes the migrations seed (serialized
        # rollback does not always restore them, e.g. under xdist), so seed them again.
        importlib.import_module("programmes.migrations.0002_seed_themes").seed(apps, None)
    load_demo_for_test()


def login(page, username, password=DEMO_PASSWORD):
    """Sign in through the real form, as a person would."""
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    assert "/accounts/login/" not in page.url, f"{username} could not sign in"


def logout(page):
    """Sign out through the user menu."""
    page.locator("#user-menu").click()
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r"/accounts/login/"))


def flash(page):
    """The page's messages that say what just happened (role=status), not the "Loading…" status
    of each area page panel that arrives after the page (core.area_panels)."""
    return page.locator(".messages").get_by_role("status")


def screenshot(page, name):
    """Save the whole page to var/screenshots/<name>.png and return the path."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOT_DIR / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.fixture
def eager_tasks(settings):
    """Run Celery tasks inline (emails into the locmem outbox, reports in this process)."""
    from ourplace.celery import app

    # Read the app's config before changing the settings: the first read loads it from them, and
    # restoring a value read after the change would leave every later test eager.
    previous = app.conf.task_always_eager, app.conf.task_eager_propagates
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.CELERY_TASK_EAGER_PROPAGATES = True
    app.conf.task_always_eager = app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = previous


def whole_timeline(page):
    """The area page's Timeline region with every entry: it shows a page of entries (issue 25),
    so "Show older" is pressed until there is none left."""
    from playwright.sync_api import expect

    timeline = page.get_by_role("region", name="Timeline")
    expect(timeline.locator(".timeline")).to_be_attached()
    older = timeline.get_by_role("link", name="Show older")
    while older.count():
        shown = timeline.locator(".timeline > li").count()
        older.click()
        expect(timeline.locator(".timeline > li")).not_to_have_count(shown)
    return timeline
