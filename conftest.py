"""Fixtures shared by every app's tests."""

import pytest

from accounts.tests.factories import MembershipFactory, UserFactory
from programmes.reference import standard_programme_seed, themes_seed
from programmes.tests.factories import AreaFactory

# What this process's test database holds between tests, so reference data is put back only after
# a transactional test emptied it (not before each of the ~1,400 database tests). With pytest-xdist
# each worker process has a database of its own (test_<name>_gw0, ...) and its own copy of this.
PRISTINE = "as the migrations left it"  # themes, the standard programme, content types
SEEDED = "themes and the standard programme put back after a flush"
FLUSHED = "flushed: content types and permissions recreated, no reference data"
FLUSHED_BARE = "flushed without post_migrate (after serialized rollback): every table empty"
UNKNOWN = "kept from an earlier run (--reuse-db)"
_database = {"state": UNKNOWN}


def pytest_sessionstart(session):
    reused = session.config.getoption("reuse_db", False) and not session.config.getoption(
        "create_db", False
    )
    _database["state"] = UNKNOWN if reused else PRISTINE


@pytest.fixture
def _django_db_helper(_reference_data, _django_db_helper):
    """pytest-django's fixture behind `db`, `transactional_db`, `live_server` and the django_db
    mark (pinned version: requirements.txt), with the reference data made ready before it opens
    the test's transaction."""
    yield


@pytest.fixture
def _reference_data(request, django_db_setup, django_db_blocker):
    """Themes and the standard programme are reference data seeded by migrations; every database
    test may rely on them (and on content types). A transactional test empties every table when
    it ends, so they are put back, once, before the next database test that needs them, in
    whatever order the tests run. A test with serialized rollback restores the migrated rows
    itself, which only works on an empty (or untouched) database, so it gets one."""
    marker = request.node.get_closest_marker("django_db")
    transactional = _wants_transaction(request, marker)
    serialized = transactional and _wants_serialized_rollback(request, marker)
    with django_db_blocker.unblock():
        # Before the test's own transaction: what is put back is committed and stays for the
        # database tests after this one.
        _prepare(serialized=serialized)
    if transactional:
        # The test's teardown flushes every table (and recreates content types unless it used
        # serialized rollback). Set now, so a test failing half-way leaves the truth behind.
        _database["state"] = FLUSHED_BARE if serialized else FLUSHED


def _prepare(*, serialized: bool) -> None:
    from django.db import connection

    state = _database["state"]
    if serialized:
        # Serialized rollback inserts the migrated rows with their original keys: rows recreated
        # since (content types after a flush, themes put back) would collide with them.
        if state not in (PRISTINE, FLUSHED_BARE):
            _flush(connection)
        return
    if state in (PRISTINE, SEEDED):
        return
    if state in (FLUSHED_BARE, UNKNOWN):
        snapshot = getattr(connection, "_test_serialized_contents", None)
        if snapshot:
            _flush(connection)
            connection.creation.deserialize_db_from_string(snapshot)
            _database["state"] = PRISTINE
            return
        from django.core.management.sql import emit_post_migrate_signal

        emit_post_migrate_signal(verbosity=0, interactive=False, db=connection.alias)
    themes_seed()
    standard_programme_seed()
    _database["state"] = SEEDED


def _flush(connection) -> None:
    from django.core.management import call_command

    call_command(
        "flush",
        verbosity=0,
        interactive=False,
        database=connection.alias,
        reset_sequences=False,
        inhibit_post_migrate=True,
    )
    _database["state"] = FLUSHED_BARE


def _wants_transaction(request, marker) -> bool:
    names = set(request.fixturenames)
    if {"transactional_db", "live_server", "django_db_reset_sequences"} & names:
        return True
    if marker is None:
        return False
    return bool(
        marker.kwargs.get("transaction")
        or marker.kwargs.get("reset_sequences")
        or (marker.args and marker.args[0])
    )


def _wants_serialized_rollback(request, marker) -> bool:
    if "django_db_serialized_rollback" in request.fixturenames:
        return True
    return bool(marker and marker.kwargs.get("serialized_rollback"))


@pytest.fixture(autouse=True)
def _empty_cache():
    """Rate-limit counts (core/ratelimits.py) live in Django's cache, keyed by user ids and
    addresses that later tests reuse: each test starts with none."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def programme_manager(db):
    return UserFactory(username="pm", programme_manager=True)


@pytest.fixture
def funder_officer(db):
    return UserFactory(username="funder", funder_officer=True)


@pytest.fixture
def finance_officer(db):
    return UserFactory(username="finance", finance_officer=True)


@pytest.fixture
def relationship_manager(db):
    return UserFactory(username="rm", relationship_manager=True)


@pytest.fixture
def admin_user(db):
    return UserFactory(username="admin", admin=True)


@pytest.fixture
def area(db):
    return AreaFactory()


@pytest.fixture
def lead_user(db, area):
    """A lead organisation user who belongs to `area`'s lead organisation."""
    user = UserFactory(username="lead")
    MembershipFactory(user=user, organisation=area.lead_organisation)
    return user


@pytest.fixture
def other_area(db):
    return AreaFactory()


@pytest.fixture
def client_for(client):
    """Log the test client in as the given user and return it."""

    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture
def one_user_per_role(db):
    """A real user for each role, and an anonymous visitor, keyed by role name: the people a
    workflow table test walks (``core.testing.walk_expected``). Every role of the project is
    here, so a new role is walked through every workflow and refused wherever no table names
    it."""
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import Role

    people = {
        "programme_manager": UserFactory(programme_manager=True),
        "funder_officer": UserFactory(funder_officer=True),
        "finance_officer": UserFactory(finance_officer=True),
        "relationship_manager": UserFactory(relationship_manager=True),
        "lead_organisation": UserFactory(),
        "admin": UserFactory(admin=True),
        "anonymous": AnonymousUser(),
    }
    assert set(Role.values) <= set(people), "Add the new role to one_user_per_role."
    return people


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory):
    """A real S3-compatible server (moto's server mode) on a free port of 127.0.0.1, for the
    session; each test that uses it gets a bucket of its own (`s3_private_storage`)."""
    from core.tests.s3_server import moto_server

    with moto_server(tmp_path_factory.mktemp("moto")) as url:
        yield url


@pytest.fixture
def s3_private_storage(s3_server, settings, monkeypatch, tmp_path):
    """The private storage in a fresh bucket on the S3 server, configured from AWS_* variables
    as a deployment configures it. Returns the bucket (its keys, its objects)."""
    from core.tests.s3_server import configure_environment, new_bucket, private_storage_settings

    bucket = new_bucket(s3_server)
    configure_environment(monkeypatch, bucket)
    private_storage_settings(settings, root=tmp_path / "this-machine")
    return bucket


# --- The test clock (issue 21): one day for every test, London's -----------------------------
# `clock` moves time on to the next midday in London (ticking on from there), so a test that
# depends on "today" cannot see the date change under it; `clock.shift(...)`/`clock.move_to(...)`
# move it. OURPLACE_TEST_CLOCK (an ISO instant with its offset, e.g. 2026-07-01T22:59:30Z) starts
# the whole run at that moment, ticking, to show the suite passes across midnight; with
# OURPLACE_TEST_TZ (e.g. UTC) the process's own zone is set too, like a machine whose clock is
# not London's. time-machine rather than freezegun: it patches the clock at the C level (so
# date.today(), time.time() and C code agree) without scanning every loaded module on each start.
import datetime as _dt  # noqa: E402
import os as _os  # noqa: E402
import random as _random  # noqa: E402
from zoneinfo import ZoneInfo as _ZoneInfo  # noqa: E402

import factory.random  # noqa: E402
import time_machine  # noqa: E402

from core.testing import next_london_noon  # noqa: E402

_session_clock = None


def pytest_configure(config):
    global _session_clock
    # The names, dates and amounts the factories make come from one seed per run, printed in the
    # header: OURPLACE_TEST_SEED=<it> makes the same ones again. Set here, in the first process,
    # so the xdist processes it starts inherit it.
    _os.environ.setdefault("OURPLACE_TEST_SEED", str(_random.randrange(1, 1_000_000)))
    at = _os.environ.get("OURPLACE_TEST_CLOCK")
    if not at:
        return
    moment = _dt.datetime.fromisoformat(at)
    if moment.tzinfo is None:
        raise pytest.UsageError("OURPLACE_TEST_CLOCK needs an offset, e.g. 2026-07-01T22:59:30Z")
    zone = _os.environ.get("OURPLACE_TEST_TZ")
    # A timestamp leaves the process's zone alone; a ZoneInfo destination sets it (TZ + tzset).
    destination = moment.astimezone(_ZoneInfo(zone)) if zone else moment.timestamp()
    _session_clock = time_machine.travel(destination, tick=True)
    _session_clock.start()


def pytest_unconfigure(config):
    if _session_clock is not None:
        _session_clock.stop()


def pytest_report_header(config):
    lines = [f"test seed: OURPLACE_TEST_SEED={_os.environ['OURPLACE_TEST_SEED']}"]
    if _session_clock is not None:
        zone = _os.environ.get("OURPLACE_TEST_TZ", "unchanged")
        lines.append(
            f"test clock: started at {_os.environ['OURPLACE_TEST_CLOCK']} (process zone {zone})"
        )
    return lines


@pytest.fixture(autouse=True)
def _factory_seed(request):
    """Each test's fake data comes from the run's seed and the test's own id, so a test makes
    the same names wherever it runs in the order, in whichever process."""
    factory.random.reseed_random(f"{_os.environ['OURPLACE_TEST_SEED']}:{request.node.nodeid}")


@pytest.fixture
def clock():
    """Time moved on to the next midday in London and ticking from there; yields the traveller."""
    with time_machine.travel(next_london_noon().timestamp(), tick=True) as traveller:
        yield traveller


# The files that take longest (real browsers, real worker processes, the whole access matrix, the
# load test) are handed out first: `make test` gives whole files to each xdist process in
# collection order, so a long file collected last would keep one process busy while the other
# sits idle at the end. Within a file the order is unchanged.
SLOW_FIRST = (
    "tests_access/",
    "core/tests/test_load.py",
    "reports/tests/test_worker",
    "core/tests/test_beat.py",
    "tests_browser/",
)


def pytest_collection_modifyitems(session, config, items):
    def rank(item) -> int:
        path = item.nodeid.split("::", 1)[0]
        for number, prefix in enumerate(SLOW_FIRST):
            if path.startswith(prefix):
                return number
        return len(SLOW_FIRST)

    order = {id(item): index for index, item in enumerate(items)}
    items.sort(key=lambda item: (rank(item), order[id(item)]))
