"""Two final submissions at the same moment (a double click, two colleagues): the plan row lock
makes one wait, and the second then finds the plan already submitted. PostgreSQL only: SQLite
serialises writers anyway and has no row locks."""

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections

from accounts.tests.factories import UserFactory
from grants.models import Payment
from grants.services import award_grant
from plans import services
from plans.models import PlanVersion
from programmes.models import Stage

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]


def test_concurrent_final_submissions_freeze_one_version_and_release_once(ready_plan, author, pm):
    award_grant(area=ready_plan.area, stage=Stage.GETTING_GOING, amount=Decimal("10000"), actor=pm)
    services.plan_submit_draft(plan=ready_plan, actor=author)
    barrier = threading.Barrier(2)
    outcomes = []

    def submit():
        try:
            barrier.wait()
            services.plan_submit_final(plan=ready_plan, actor=author)
            outcomes.append("ok")
        except ValidationError as exc:
            outcomes.append(exc.messages[0])
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert sorted(outcomes)[-1] == "ok" and outcomes.count("ok") == 1
    assert PlanVersion.objects.filter(plan=ready_plan, kind="final").count() == 1
    retention = Payment.objects.get(award__area=ready_plan.area, kind=Payment.Kind.RETENTION)
    assert retention.status == Payment.Status.SCHEDULED


# --- Sign-off while the area leaves the programme (issue 21) ----------------------------------


def _backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def _waiting_for_a_lock(pid) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid])
        row = cursor.fetchone()
    return row is not None and row[0] == "Lock"


class Pair:
    """Two services run in two threads (two connections). `first` is held at a point inside its
    transaction until `second` has finished or is waiting for a row lock, so the interleaving is
    the same on every run: no sleeps decide it."""

    def __init__(self):
        self.pids: dict = {}
        self.done = {"first": threading.Event(), "second": threading.Event()}
        self.first_paused = threading.Event()
        self.outcomes: dict = {}
        self.errors: list = []

    def pause_first(self) -> None:
        """Called inside the first service: let the second start, and wait for it to finish or
        to queue behind a lock this transaction holds."""
        self.first_paused.set()
        for _ in range(6000):  # a safety stop (60 s), never reached when the services work
            if self.done["second"].is_set():
                return
            pid = self.pids.get("second")
            if pid is not None and _waiting_for_a_lock(pid):
                return
            threading.Event().wait(0.01)
        raise AssertionError("the second service neither finished nor waited for a lock")

    def run(self, first, second) -> None:
        def body(name, call):
            try:
                if name == "second":
                    assert self.first_paused.wait(60), "the first service never paused"
                self.pids[name] = _backend_pid()
                call()
                self.outcomes[name] = "done"
            except (PermissionDenied, ValidationError) as exc:
                self.outcomes[name] = f"refused: {exc.messages[0]}"
            except Exception as exc:  # a deadlock would land here
                self.errors.append(repr(exc))
            finally:
                self.done[name].set()
                connections.close_all()

        threads = [
            threading.Thread(target=body, args=("first", first)),
            threading.Thread(target=body, args=("second", second)),
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()


@pytest.fixture
def pm_signed_plan(ready_plan, author, pm):
    """A final plan the programme manager has signed: the funder's signature signs it off."""
    services.plan_submit_draft(plan=ready_plan, actor=author)
    services.plan_submit_final(plan=ready_plan, actor=author)
    services.plan_start_review(plan=ready_plan, actor=pm)
    services.plan_sign_off(plan=ready_plan, actor=pm)
    return ready_plan


def _area_moves(area) -> list[str]:
    from activity.models import ActivityEntry

    return list(
        ActivityEntry.objects.filter(area=area, verb="area.moved")
        .order_by("occurred_at", "id")
        .values_list("summary", flat=True)
    )


def test_an_area_leaving_while_its_plan_is_signed_off_waits_for_the_sign_off(
    pm_signed_plan, funder, monkeypatch
):
    """Sign-off has checked that the area is in the programme when area_leave starts: the area
    is locked by then, so the leaving waits and comes after the move into implementation
    (before the fix it committed first, and sign-off then moved a withdrawn area on)."""
    from applications.services import area_leave
    from plans.services import sign_off as sign_off_module
    from plans.workflows import PlanStatus
    from programmes.models import AreaStage, AreaStatus

    pair = Pair()
    real_check = sign_off_module.require_in_programme

    def checked_then_paused(*args, **kwargs):
        real_check(*args, **kwargs)
        pair.pause_first()

    monkeypatch.setattr(sign_off_module, "require_in_programme", checked_then_paused)
    area = pm_signed_plan.area
    manager = UserFactory(programme_manager=True)
    pair.run(
        lambda: services.plan_sign_off(plan=pm_signed_plan, actor=funder),
        lambda: area_leave(area=area, outcome="withdrawn", reasons="Closed.", actor=manager),
    )

    assert pair.errors == []
    assert pair.outcomes == {"first": "done", "second": "done"}
    area.refresh_from_db()
    pm_signed_plan.refresh_from_db()
    assert pm_signed_plan.status == PlanStatus.SIGNED_OFF
    assert (area.status, area.stage) == (AreaStatus.WITHDRAWN, AreaStage.IMPLEMENTATION)
    # Into implementation while still in the programme, and only then withdrawn.
    assert _area_moves(area)[-2:] == [
        "Plan signed off: the area is now in implementation",
        "Withdrew from the programme",
    ]


def test_a_plan_signed_off_while_its_area_leaves_is_refused(pm_signed_plan, funder, monkeypatch):
    """area_leave holds the area when sign-off starts: sign-off waits for it, then finds the
    area gone and signs nothing (before the fix it read the area unlocked, went on, and moved
    the withdrawn area into implementation, or deadlocked on the audit trail's chain)."""
    from applications.services import area_leave
    from applications.services import leaving as leaving_module
    from plans.workflows import PlanStatus
    from programmes.models import AreaStage, AreaStatus

    pair = Pair()
    real_effects = leaving_module.area_leaving_effects

    def locked_then_paused(area):
        pair.pause_first()
        return real_effects(area)

    monkeypatch.setattr(leaving_module, "area_leaving_effects", locked_then_paused)
    area = pm_signed_plan.area
    manager = UserFactory(programme_manager=True)
    pair.run(
        lambda: area_leave(area=area, outcome="withdrawn", reasons="Closed.", actor=manager),
        lambda: services.plan_sign_off(plan=pm_signed_plan, actor=funder),
    )

    assert pair.errors == []
    assert pair.outcomes["first"] == "done"
    assert pair.outcomes["second"].startswith("refused: ")
    assert "has left the programme" in pair.outcomes["second"]
    area.refresh_from_db()
    pm_signed_plan.refresh_from_db()
    assert (area.status, area.stage) == (AreaStatus.WITHDRAWN, AreaStage.GETTING_GOING)
    assert pm_signed_plan.status == PlanStatus.PM_APPROVED
    assert not pm_signed_plan.sign_offs.filter(party="funder").exists()
