import datetime
import io

import pytest
from django.core.management import CommandError, call_command

from activity.models import ActivityEntry
from applications.models import Application, ApplicationStatus, GateApplication, GateStatus
from plans.models import OperationalPlan
from plans.workflows import PlanStatus
from programmes.models import Area, AreaStatus, Organisation, Round
from programmes.tests.factories import ProgrammeFactory, RoundFactory
from reports import metrics

pytestmark = pytest.mark.django_db

HEADER = (
    "reference,round,area_name,local_authority,lead_organisation,organisation_type,themes,"
    "approach,applied_on,application_outcome,getting_going_outcome,cba_required,"
    "plan_submitted_on,plan_outcome,plan_decided_on"
)
ROWS = [
    "R1-001,r1,Chapeltown,Leeds,Chapeltown Trust,VCS body,Health and wellbeing;housing,general,"
    "2024-01-10,admitted,approved,yes,2024-06-01,approved,2024-09-15",
    "R1-002,r1,Beeston,Leeds,Leeds City Council,Local authority,Young people,specific,"
    "2024-01-12,admitted,rejected,no,,,",
    "R1-003,r1,Holbeck,Leeds,Holbeck Parish Council,Parish or town council,Environment,general,"
    "2024-01-15,rejected,,no,,,",
    "R1-004,r1,Armley,Leeds,Armley Health,Other public service,Older people,general,"
    "2024-01-16,admitted,approved,no,2024-06-20,,",
    "R1-005,r1,Hunslet,Leeds,Hunslet CIC,VCS body,Housing,general,2024-01-20,withdrawn,,no,,,",
]


@pytest.fixture
def rnd():
    return RoundFactory(slug="r1", name="Round One")


def write(tmp_path, rows, name="records.csv"):
    path = tmp_path / name
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def run(path, round_slug="r1"):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_records", str(path), "--round", round_slug, stdout=out, stderr=err)
    return out.getvalue()


def run_failing(path, round_slug="r1") -> str:
    err = io.StringIO()
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command(
            "import_records", str(path), "--round", round_slug, stdout=io.StringIO(), stderr=err
        )
    return err.getvalue()


def snapshot():
    return (
        Organisation.objects.count(),
        Application.objects.count(),
        Area.objects.count(),
        GateApplication.objects.count(),
        OperationalPlan.objects.count(),
        ActivityEntry.objects.count(),
    )


def test_a_good_file_goes_through_the_services(rnd, tmp_path):
    out = run(write(tmp_path, ROWS))
    assert "Rows: 5 created, 0 updated, 0 unchanged." in out
    assert Application.objects.filter(round=rnd).count() == 5
    assert dict(Application.objects.filter(round=rnd).values_list("area_name", "status")) == {
        "Chapeltown": ApplicationStatus.ADMITTED,
        "Beeston": ApplicationStatus.ADMITTED,
        "Holbeck": ApplicationStatus.REJECTED,
        "Armley": ApplicationStatus.ADMITTED,
        "Hunslet": ApplicationStatus.WITHDRAWN,
    }
    areas = {a.reference: a for a in Area.objects.filter(round=rnd)}
    assert sorted(areas) == ["R1-001", "R1-002", "R1-004"]
    assert areas["R1-001"].joined_on == datetime.date(2024, 1, 10)
    assert areas["R1-001"].stage == "implementation"
    assert areas["R1-002"].status == AreaStatus.NOT_PROGRESSED
    assert [t.theme.name for t in areas["R1-001"].area_themes.order_by("position")] == [
        "Health and wellbeing",
        "Housing",
    ]
    gates = GateApplication.objects.filter(area__round=rnd)
    assert sorted(gates.values_list("area__reference", "status", "cba_required")) == [
        ("R1-001", GateStatus.APPROVED, True),
        ("R1-002", GateStatus.REJECTED, False),
        ("R1-004", GateStatus.APPROVED, False),
    ]
    plan = OperationalPlan.objects.get(area=areas["R1-001"])
    assert plan.status == PlanStatus.SIGNED_OFF
    assert plan.final_submitted_at.date() == datetime.date(2024, 6, 1)
    assert plan.sign_offs.count() == 2
    assert OperationalPlan.objects.get(area=areas["R1-004"]).status == PlanStatus.FINAL_SUBMITTED
    assert Organisation.objects.get(name="Leeds City Council").org_type == "local_authority"
    funnel = {s["stage"]: s["count"] for s in metrics.round_metrics(rnd).funnel()}
    assert funnel == {
        "applications": 5,
        "admitted": 3,
        "applied_getting_going": 3,
        "approved_getting_going": 2,
        "plan_submitted": 2,
        "plan_signed_off": 1,
    }
    # Not a step of the funnel: a flag on the approved gates, said apart (issue 25).
    flags = {s["stage"]: s["count"] for s in metrics.round_metrics(rnd).funnel_flags()}
    assert flags == {"cba_required": 1}


def test_activity_entries_are_marked_imported_with_the_files_dates(rnd, tmp_path):
    run(write(tmp_path, ROWS))
    entries = ActivityEntry.objects.filter(area__reference="R1-001")
    admitted = entries.get(verb="application.admitted")
    assert admitted.imported and admitted.occurred_at.date() == datetime.date(2024, 1, 10)
    signed = entries.get(verb="plan.signed_off")
    assert signed.imported and signed.occurred_at.date() == datetime.date(2024, 9, 15)
    final = entries.get(verb="plan.final_submitted")
    assert final.imported and final.occurred_at.date() == datetime.date(2024, 6, 1)
    # Every dated step of the import is history; only set-up entries carry today's date.
    dated_verbs = {
        "application.submitted",
        "application.admitted",
        "gate.submitted",
        "gate.approved",
        "plan.final_submitted",
        "plan.signed_off",
        "area.moved",
    }
    for entry in ActivityEntry.objects.filter(verb__in=dated_verbs):
        assert entry.imported, entry.verb
        assert entry.occurred_at.year == 2024, entry.verb


def test_importing_the_same_file_again_changes_nothing(rnd, tmp_path):
    path = write(tmp_path, ROWS)
    run(path)
    before = snapshot()
    out = run(path)
    assert "Rows: 0 created, 0 updated, 5 unchanged." in out
    assert snapshot() == before


def test_a_later_outcome_updates_the_record(rnd, tmp_path):
    run(write(tmp_path, ROWS))
    later = [*ROWS]
    later[3] = later[3].replace("2024-06-20,,", "2024-06-20,not approved,2024-10-01")
    out = run(write(tmp_path, later, "later.csv"))
    assert "Rows: 0 created, 1 updated, 4 unchanged." in out
    plan = OperationalPlan.objects.get(area__reference="R1-004")
    assert plan.status == PlanStatus.NOT_APPROVED
    assert plan.decided_at.date() == datetime.date(2024, 10, 1)


def test_an_outcome_already_recorded_differently_is_an_error(rnd, tmp_path):
    run(write(tmp_path, ROWS))
    changed = [*ROWS]
    changed[1] = changed[1].replace(",rejected,no,", ",approved,no,")
    before = snapshot()
    err = run_failing(write(tmp_path, changed, "changed.csv"))
    assert "line 3, column getting_going_outcome: the Getting Going application is already" in err
    assert snapshot() == before


def _with_cell(column, value, row=1):
    cells = ROWS[row].split(",")
    index = HEADER.split(",").index(column)
    cells[index] = value
    rows = [*ROWS]
    rows[row] = ",".join(cells)
    return rows


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("organisation_type", "Charity", "“Charity” is not one of: VCS body"),
        ("themes", "", "give one to three themes separated by “;” (found 0)"),
        (
            "themes",
            "Housing;Education;Environment;Older people",
            "give one to three themes separated by “;” (found 4)",
        ),
        ("themes", "Knitting", "“Knitting” is not a theme."),
        ("approach", "both", "“both” is not specific or general."),
        ("applied_on", "12/01/2024", "“12/01/2024” is not a date in the form YYYY-MM-DD."),
        ("applied_on", "2024-02-30", "“2024-02-30” is not a date in the form YYYY-MM-DD."),
        ("application_outcome", "accepted", "“accepted” is not admitted, rejected or withdrawn."),
        ("getting_going_outcome", "pending", "“pending” is not approved, rejected or withdrawn"),
        ("cba_required", "maybe", "“maybe” is not yes or no."),
        ("round", "r2", "“r2” is not the round being imported (r1)."),
        ("plan_outcome", "approved", "needs plan_submitted_on"),
        ("plan_submitted_on", "2024-06-01", "must be empty: there is no approved Getting Going"),
        ("cba_required", "yes", "must be no: only an approved Getting Going gate"),
        ("reference", "r1 2", "“r1 2” must be up to 20 capital letters, digits and hyphens"),
    ],
)
def test_each_bad_cell_is_reported_with_line_and_column(rnd, tmp_path, column, value, message):
    err = run_failing(write(tmp_path, _with_cell(column, value)))
    assert f"line 3, column {column}: {message}" in err
    assert Area.objects.count() == 0 and Application.objects.count() == 0


def test_getting_going_outcome_for_an_application_not_admitted(rnd, tmp_path):
    err = run_failing(write(tmp_path, _with_cell("getting_going_outcome", "approved", row=2)))
    assert (
        "line 4, column getting_going_outcome: must be empty: the application was rejected." in err
    )


def test_every_error_is_listed_and_nothing_is_written(rnd, tmp_path):
    rows = [*ROWS, ROWS[0].replace("R1-001", "R1-009").replace("general", "sideways")]
    rows[2] = rows[2].replace("2024-01-15", "yesterday")
    before = snapshot()
    err = run_failing(write(tmp_path, rows))
    lines = err.strip().splitlines()
    assert "line 4, column applied_on: “yesterday” is not a date in the form YYYY-MM-DD." in lines
    assert "line 7, column approach: “sideways” is not specific or general." in lines
    assert snapshot() == before


def test_a_service_refusal_late_in_the_file_rolls_back_every_row(rnd, tmp_path):
    # Clean cells, but the reference belongs to an area in another round: found while writing.
    from programmes.tests.factories import AreaFactory

    AreaFactory(reference="R1-777")
    rows = [*ROWS, ROWS[0].replace("R1-001", "R1-777").replace("Chapeltown", "Elsewhere")]
    before = snapshot()
    err = run_failing(write(tmp_path, rows))
    assert "line 7, column reference: R1-777 belongs to" in err
    assert snapshot() == before


def test_physical_line_numbers_count_quoted_line_breaks(rnd, tmp_path):
    rows = [
        ROWS[0].replace("Chapeltown,Leeds", '"Chapeltown\nNorth",Leeds'),
        ROWS[1].replace("specific", "neither"),
    ]
    err = run_failing(write(tmp_path, rows))
    assert "line 4, column approach:" in err


@pytest.mark.parametrize(
    ("column", "value", "found"),
    [
        ("area_name", '"Chapeltown\r\nBcc: x@example.org"', "a line break"),
        ("lead_organisation", "Leeds\tCity Council", "a tab"),
        ("local_authority", "Leeds\u2028West", "a line break"),
        ("themes", "Young\x1bpeople", "U+001B"),
    ],
)
def test_a_cell_with_a_control_character_is_reported_with_line_and_column(
    rnd, tmp_path, column, value, found
):
    before = snapshot()
    err = run_failing(write(tmp_path, _with_cell(column, value)))
    assert (
        f"line 3, column {column}: must be one line of text, without line breaks, tabs or other "
        f"control characters (this has {found})." in err
    )
    assert snapshot() == before


def test_a_missing_column_is_reported_on_line_1(rnd, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(HEADER.replace(",approach", "") + "\n", encoding="utf-8")
    err = run_failing(path)
    assert "line 1, column approach: this column is missing from the header." in err


def test_the_round_is_created_when_it_does_not_exist(tmp_path):
    ProgrammeFactory()
    rows = [r.replace(",r1,", ",pilot,") for r in ROWS]
    out = run(write(tmp_path, rows), round_slug="pilot")
    assert "Created round Pilot (pilot) with the standard stage definitions." in out
    rnd = Round.objects.get(slug="pilot")
    assert rnd.stage_definitions.count() > 0
    assert rnd.areas.count() == 3
    again = run(write(tmp_path, rows), round_slug="pilot")
    assert "Created round" not in again and "5 unchanged" in again


def test_imported_money_is_history_not_payable_now(rnd, tmp_path):
    """The CRM's grants went out under the old system: imported payments are recorded as paid on
    the record's dates, so a finished round never shows up on the finance page as payable now."""
    from grants.models import Payment
    from grants.selectors import payable_now
    from grants.services import IMPORTED_PAYMENT_REFERENCE

    run(write(tmp_path, ROWS))
    payments = Payment.objects.filter(award__area__round=rnd)
    assert payments.exists()
    assert not payable_now().filter(award__area__round=rnd).exists()
    assert set(payments.values_list("status", flat=True)) == {Payment.Status.PAID}
    assert set(payments.values_list("reference", flat=True)) == {IMPORTED_PAYMENT_REFERENCE}
    retention = payments.get(award__area__reference="R1-004", kind=Payment.Kind.RETENTION)
    assert retention.paid_on == datetime.date(2024, 6, 20)  # the final plan's submission date
    getting_ready = payments.filter(award__area__reference="R1-002", award__stage="getting_ready")
    assert list(getting_ready.values_list("paid_on", flat=True)) == [datetime.date(2024, 1, 12)]
