"""Imports write history, never over live work (issue 10), and a fresh installation can import
straight after `migrate` (issue 15)."""

import importlib

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from accounts.models import User
from accounts.tests.factories import MembershipFactory, UserFactory
from grants.models import Payment
from plans import services as plan_services
from plans.models import OperationalPlan, SignOff
from programmes.models import Programme, Round
from programmes.tests.factories import AreaFactory, OrganisationFactory, RoundFactory, theme

from .test_import import ROWS, run, run_failing, snapshot, write

pytestmark = pytest.mark.django_db

LIVE_ROW = (
    "R2-041,round-2,Chapeltown,Leeds,Chapeltown Community Trust,VCS body,Housing,general,"
    "2026-01-10,admitted,approved,no,2026-11-20,approved,2026-11-21"
)


def _everything():
    return (
        *snapshot(),
        SignOff.objects.count(),
        Payment.objects.count(),
        User.objects.count(),
        list(Payment.objects.order_by("pk").values_list("status", flat=True)),
    )


@pytest.fixture
def live_area():
    """R2-041 in the live round-2, whose lead has written a draft plan in the app."""
    rnd = RoundFactory(slug="round-2", name="Round 2", status=Round.Status.LIVE)
    org = OrganisationFactory(name="Chapeltown Community Trust")
    area = AreaFactory(
        round=rnd,
        reference="R2-041",
        name="Chapeltown",
        lead_organisation=org,
        themes=[theme("housing")],
    )
    lead = UserFactory(username="lead")
    MembershipFactory(user=lead, organisation=org)
    plan_services.plan_save(area=area, actor=lead, sections={"issues_and_why": "Our own words."})
    return area


def test_a_row_for_a_live_area_is_refused_and_nothing_changes(live_area, tmp_path):
    before = _everything()
    err = run_failing(write(tmp_path, [LIVE_ROW]), round_slug="round-2")
    assert "line 2, column reference: R2-041 has work done in the app" in err
    assert "by lead" in err and "never changes a live area" in err
    assert _everything() == before
    plan = OperationalPlan.objects.get(area=live_area)
    assert plan.issues_and_why == "Our own words."
    assert plan.status == "draft"
    live_area.refresh_from_db()
    assert live_area.stage != "implementation"


def test_a_support_log_entry_makes_an_area_live(tmp_path):
    """Work kept outside the activity log counts too (here, a support log entry written
    straight to its table)."""
    from support.models import ContactKind, SupportContact

    rnd = RoundFactory(slug="r1")
    org = OrganisationFactory(name="Chapeltown Trust")
    area = AreaFactory(round=rnd, reference="R1-001", name="Chapeltown", lead_organisation=org)
    SupportContact.objects.create(area=area, kind=ContactKind.values[0], notes="Met the lead.")
    err = run_failing(write(tmp_path, [ROWS[0]]))
    assert "line 2, column reference: R1-001 has work done in the app (a support log entry)" in err


def test_re_importing_an_imported_round_changes_nothing(tmp_path):
    RoundFactory(slug="r1")
    path = write(tmp_path, ROWS)
    run(path)
    before = _everything()
    out = run(path)
    assert "Rows: 0 created, 0 updated, 5 unchanged." in out
    assert _everything() == before


def test_imported_sign_offs_are_history_not_a_users_signature(tmp_path):
    RoundFactory(slug="r1")
    run(write(tmp_path, ROWS, name="crm-2024.csv"))
    sign_offs = SignOff.objects.filter(plan__area__reference="R1-001")
    assert sign_offs.count() == 2
    for sign_off in sign_offs:
        assert sign_off.imported and sign_off.user is None
        assert sign_off.source == "crm-2024.csv"
        assert sign_off.signer == "imported record (crm-2024.csv)"
    # No account holding a role stands behind imported history.
    assert not User.objects.filter(username__in=["records-import", "records-import-funder"])
    assert not User.objects.filter(role__in=["programme_manager", "funder_officer"]).exists()
    from applications.models import Application

    assert not Application.objects.exclude(decided_by=None).exists()


def test_a_header_only_file_is_refused(tmp_path):
    RoundFactory(slug="r1")
    before = _everything()
    err = run_failing(write(tmp_path, []))
    assert "line 2, column reference: the file has no records." in err
    assert _everything() == before


def test_fresh_install_imports_straight_after_migrate(tmp_path):
    """Empty the programme table, then run the data migration's own function on the migrated
    schema: the import then creates its round in the standard programme."""
    Programme.objects.all().delete()
    err = run_failing(write(tmp_path, ROWS), round_slug="r1")
    assert "there is no programme to add round r1 to" in err
    migration = importlib.import_module("programmes.migrations.0004_standard_programme")
    state = MigrationExecutor(connection).loader.project_state(
        ("programmes", "0004_standard_programme")
    )
    migration.seed(state.apps, None)
    programme = Programme.objects.get()
    assert (programme.slug, programme.name) == ("our-place", "Our Place")
    assert programme.funder_name == "Department for Communities"
    assert programme.manager_name == "Locality"
    out = run(write(tmp_path, ROWS), round_slug="r1")
    assert "Created round R1 (r1) with the standard stage definitions." in out
    assert Round.objects.get(slug="r1").programme == programme


def test_labels_and_codes_are_accepted_in_any_case(tmp_path):
    RoundFactory(slug="r1")
    rows = [
        ROWS[0]
        .replace(",general,", ",General Neighbourhood Approach,")
        .replace(",admitted,approved,yes,", ",ADMITTED,Approved,Yes,")
        .replace(",approved,2024-09-15", ",Signed off,2024-09-15"),
        ROWS[1].replace("Local authority", "local_authority").replace(",specific,", ",SPECIFIC,"),
        # cba_required means nothing for a rejected applicant: it may be left empty.
        ROWS[2].replace(",rejected,,no,", ",Rejected,,,"),
    ]
    out = run(write(tmp_path, rows))
    assert "Rows: 3 created" in out
    plan = OperationalPlan.objects.get(area__reference="R1-001")
    assert plan.status == "signed_off"


def test_cba_required_is_still_needed_after_an_approved_gate(tmp_path):
    RoundFactory(slug="r1")
    err = run_failing(write(tmp_path, [ROWS[0].replace(",approved,yes,", ",approved,,")]))
    assert "line 2, column cba_required: “” is not yes or no." in err


def test_progress_moves_while_records_are_written(tmp_path, monkeypatch):
    from reports.imports import Importer, bulk, read_records

    # New records are written a chunk at a time (a thousand); progress is heard after each.
    monkeypatch.setattr(bulk, "CHUNK", 2)
    RoundFactory(slug="r1")
    seen = []
    records = read_records(write(tmp_path, ROWS), round_slug="r1")
    Importer(records=records, round_slug="r1", progress=lambda d, t: seen.append((d, t))).run()
    assert seen == [(2, 5), (4, 5), (5, 5)]


def test_progress_moves_while_the_file_is_checked(tmp_path, monkeypatch):
    from reports.imports import read_records, reading

    monkeypatch.setattr(reading, "CHECK_STEP", 2)
    seen = []
    read_records(write(tmp_path, ROWS), round_slug="r1", progress=lambda d, t: seen.append((d, t)))
    assert seen == [(2, 5), (4, 5), (5, 5)]


def test_sign_offs_of_earlier_imports_become_imported_history():
    from plans.tests.factories import PlanFactory

    old_import_user = UserFactory(username="records-import", programme_manager=True)
    person = UserFactory(username="pm", programme_manager=True)
    by_import = SignOff.objects.create(
        plan=PlanFactory(), party="programme_manager", user=old_import_user, signed_at=_now()
    )
    by_person = SignOff.objects.create(
        plan=PlanFactory(), party="programme_manager", user=person, signed_at=_now()
    )
    migration = importlib.import_module(
        "plans.migrations.0003_imported_sign_offs_without_system_users"
    )
    state = MigrationExecutor(connection).loader.project_state(
        ("plans", "0003_imported_sign_offs_without_system_users")
    )
    migration.mark_imported(state.apps, None)
    by_import.refresh_from_db()
    by_person.refresh_from_db()
    assert by_import.imported and by_import.user is None
    assert not by_person.imported and by_person.user == person


def _now():
    from django.utils import timezone

    return timezone.now()


def test_a_name_longer_than_its_column_is_reported_before_anything_is_written(tmp_path):
    RoundFactory(slug="r1")
    err = run_failing(write(tmp_path, [ROWS[0].replace("Chapeltown,Leeds", "C" * 201 + ",Leeds")]))
    assert "line 2, column area_name: at most 200 characters (this has 201)." in err
