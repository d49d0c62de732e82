"""The stored warnings (service, on-change refresh), the round's list, the area page's panel,
My work, My areas, and the command's output."""

import datetime
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import AreaAssignmentFactory, MembershipFactory, UserFactory
from activity.services import activity_record
from core.mywork import work_for
from earlywarning.models import AreaWarning
from earlywarning.services import warnings_recompute
from programmes.models import AreaStatus
from programmes.tests.factories import AreaFactory, MilestoneFactory, RoundFactory
from support.tests.factories import SupportContactFactory

pytestmark = pytest.mark.django_db


def days_ago(n):
    return timezone.localdate() - datetime.timedelta(days=n)


@pytest.fixture
def world(clock):
    """A round whose Getting Going applications were due a week ago: one area never applied
    and was never contacted (flagged), one is in touch (not flagged)."""
    rnd = RoundFactory(slug="ew-round")
    MilestoneFactory(round=rnd, due_on=days_ago(7))
    rm = UserFactory(relationship_manager=True, username="rm-ew")
    other_rm = UserFactory(relationship_manager=True, username="rm-other")
    at_risk = AreaFactory(round=rnd, joined_on=days_ago(60), name="Quiet Hollow")
    fine = AreaFactory(round=rnd, joined_on=days_ago(60), name="Busy Green")
    SupportContactFactory(area=fine, date=days_ago(3))
    from applications.models import GateApplication

    GateApplication.objects.create(
        area=fine,
        target_stage="getting_going",
        amount_requested=10000,
        milestone=rnd.milestones.get(),
        status="submitted",
        submitted_at=timezone.now() - datetime.timedelta(days=8),
    )
    AreaAssignmentFactory(area=at_risk, user=rm)
    AreaAssignmentFactory(area=fine, user=other_rm)
    warnings_recompute(round=rnd)
    return {"round": rnd, "rm": rm, "other_rm": other_rm, "at_risk": at_risk, "fine": fine}


def test_recompute_stores_one_row_per_active_area(world):
    rows = {w.area_id: w for w in AreaWarning.objects.all()}
    at_risk = rows[world["at_risk"].pk]
    assert at_risk.flagged and at_risk.score == 6
    assert [r["reason"] for r in at_risk.reasons][1] == "no contact since joining 60 days ago"
    assert not rows[world["fine"].pk].flagged
    # Again, the same rows; an area that left loses its row.
    type(world["fine"]).objects.filter(pk=world["fine"].pk).update(status=AreaStatus.WITHDRAWN)
    warnings_recompute(round=world["round"])
    assert list(AreaWarning.objects.values_list("area_id", flat=True)) == [world["at_risk"].pk]


def test_an_input_changing_queues_one_refresh_of_the_round(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        for _ in range(2):
            activity_record(verb="support.contact_logged", summary="Call", area=world["at_risk"])
        activity_record(verb="partner.added", summary="Partner", area=world["fine"])
    refreshes = [c for c in callbacks if getattr(c, "is_earlywarning_refresh", False)]
    assert len(refreshes) == 1 and refreshes[0].round_ids == {world["round"].pk}


def test_the_round_list_worst_first_with_reasons(world, client_for, programme_manager):
    page = client_for(programme_manager).get(reverse("earlywarning:round_list", args=["ew-round"]))
    text = page.content.decode()
    assert page.status_code == 200
    assert text.index("Quiet Hollow") < text.index("Busy Green")
    assert "no contact since joining 60 days ago" in text
    assert "1 of 2 areas flagged" in text
    only = client_for(programme_manager).get(
        reverse("earlywarning:round_list", args=["ew-round"]), {"rm": world["other_rm"].pk}
    )
    assert "Quiet Hollow" not in only.content.decode()


def test_a_relationship_manager_sees_only_their_areas(world, client_for):
    text = (
        client_for(world["rm"])
        .get(reverse("earlywarning:round_list", args=["ew-round"]))
        .content.decode()
    )
    assert "Quiet Hollow" in text and "Busy Green" not in text


def test_the_list_refuses_lead_organisations(world, client_for):
    lead = UserFactory(username="lead-ew")
    MembershipFactory(user=lead, organisation=world["at_risk"].lead_organisation)
    page = client_for(lead).get(reverse("earlywarning:round_list", args=["ew-round"]))
    assert page.status_code == 403


@pytest.mark.parametrize("more", [0, 12])
def test_the_list_runs_a_fixed_number_of_queries(
    world, client_for, programme_manager, django_assert_max_num_queries, more
):
    for _ in range(more):
        area = AreaFactory(round=world["round"], joined_on=days_ago(60))
        AreaAssignmentFactory(area=area, user=world["rm"])
    warnings_recompute(round=world["round"])
    client = client_for(programme_manager)
    with django_assert_max_num_queries(14):
        page = client.get(reverse("earlywarning:round_list", args=["ew-round"]))
    assert page.content.decode().count('class="ref"') == 2 + more


def test_the_area_panel_says_why(world, client_for):
    url = reverse("programmes:area_panel", args=[world["at_risk"].reference, "early_warning"])
    text = client_for(world["rm"]).get(url).content.decode()
    assert "Flagged" in text and "no contact since joining 60 days ago" in text
    # Another relationship manager does not see this area's support record.
    other = client_for(world["other_rm"]).get(url).content.decode()
    assert "no contact since joining" not in other


def test_my_work_lists_the_areas_to_call(world):
    groups = {g.heading: g for g in work_for(world["rm"])}
    group = groups["Areas to call this week"]
    assert [i.title for i in group.items] == [f"{world['at_risk'].reference} Quiet Hollow"]
    assert "no contact since joining 60 days ago" in group.items[0].detail
    assert "Areas to call this week" not in {g.heading for g in work_for(world["other_rm"])}


def test_my_areas_orders_by_the_score(world, client_for):
    page = client_for(world["rm"]).get(reverse("support:my_areas"), {"sort": "-warning"})
    assert page.status_code == 200
    assert "Quiet Hollow" in page.content.decode()


def test_the_command_lists_worst_first_with_reasons(world):
    out = StringIO()
    call_command("early_warning", "--round", "ew-round", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("Ew Round as of ")
    assert "1 of 2 active areas flagged (threshold 4)" in lines[0]
    assert re.match(
        r"^\s+6 FLAGGED OP-\d+ Quiet Hollow: Getting Going application not in by ", lines[1]
    )
    assert lines[1].endswith("; no contact since joining 60 days ago")
    assert "Busy Green: nothing of note" in lines[2]


def test_the_command_backtest_ends_with_precision_and_recall(world):
    out = StringIO()
    call_command(
        "early_warning", "--round", "ew-round", "--as-of", f"{timezone.localdate():%Y-%m-%d}",
        "--backtest",
    )  # fmt: skip
    call_command("early_warning", "--round", "ew-round", "--backtest", stdout=out)
    assert re.fullmatch(r"precision \d\.\d\d recall \d\.\d\d", out.getvalue().splitlines()[-1])


def test_the_command_refuses_a_bad_date(world):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("early_warning", "--round", "ew-round", "--as-of", "12/10/2026")
