"""The area's own next step (issue 14): the relationship manager's list and the area page showed
the round's next milestone, so areas that had already sent their draft plans were told "draft
plans due". Each state of an area gets the step that is really next, with its own date."""

import datetime

import pytest
from django.urls import reverse

from accounts.tests.factories import AreaAssignmentFactory
from applications.tests.factories import ExtensionFactory, GateFactory
from core.testing import today
from delivery.tests.factories import ProgressReturnFactory
from plans.tests.factories import PlanFactory
from programmes.models import Area, AreaStage, AreaStatus, Milestone, Stage
from programmes.tests.factories import AreaFactory, MilestoneFactory, RoundFactory
from programmes.tests.panels import area_panel
from support.next_step import AREA_SIDE, NOBODY, PROGRAMME_SIDE, next_step_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


def days(n):
    return today() + datetime.timedelta(days=n)


@pytest.fixture
def rnd():
    rnd = RoundFactory()
    for name, kind, stage, due in [
        ("Getting Going applications due", "getting_going_application", Stage.GETTING_GOING, 10),
        ("Draft plans due", "draft_plan", Stage.GETTING_GOING, 20),
        ("Final plans due", "final_plan", Stage.GETTING_GOING, 60),
        (
            "Making it Happen applications due",
            "making_it_happen_application",
            "making_it_happen",
            200,
        ),
    ]:
        MilestoneFactory(round=rnd, name=name, kind=kind, stage=stage, due_on=days(due))
    return rnd


def _area(rnd, stage, **extra):
    area = AreaFactory(round=rnd, **extra)
    Area.objects.filter(pk=area.pk).update(stage=stage)
    area.refresh_from_db()
    return area


def test_getting_ready_areas_apply_for_getting_going(rnd):
    area = _area(rnd, AreaStage.GETTING_READY)
    step = next_step_for(area, today=today())
    assert (step.text, step.due_on, step.side) == ("Apply for Getting Going", days(10), AREA_SIDE)
    gate = GateFactory(
        area=area, milestone=Milestone.objects.get(round=rnd, kind="getting_going_application")
    )
    assert next_step_for(area, today=today()).text == "Submit the Getting Going application"
    gate.status = "submitted"
    gate.save()
    step = next_step_for(area, today=today())
    assert step.side == PROGRAMME_SIDE and "waiting for the decision" in step.text


def test_an_area_that_sent_its_draft_is_told_the_final_plan_is_next(rnd):
    area = _area(rnd, AreaStage.GETTING_GOING)
    assert next_step_for(area, today=today()).text == "Submit the draft operational plan"
    PlanFactory(area=area, draft_submitted=True)
    step = next_step_for(area, today=today())
    assert (step.text, step.due_on) == ("Submit the final operational plan", days(60))
    assert "draft" not in step.text.lower()


@pytest.mark.parametrize(
    "trait, expected",
    [("final_submitted", "review to start"), ("under_review", "under review")],
)
def test_a_plan_with_the_programme_waits_for_the_programme(rnd, trait, expected):
    area = _area(rnd, AreaStage.GETTING_GOING)
    PlanFactory(area=area, **{trait: True})
    step = next_step_for(area, today=today())
    assert expected in step.text and step.side == PROGRAMME_SIDE and step.due_on is None


def test_an_extension_moves_the_areas_date(rnd):
    area = _area(rnd, AreaStage.GETTING_READY)
    milestone = Milestone.objects.get(round=rnd, kind="getting_going_application")
    ExtensionFactory(area=area, milestone=milestone, new_due_on=days(25))
    assert next_step_for(area, today=today()).due_on == days(25)


def test_a_passed_deadline_is_shown_overdue(rnd):
    area = _area(rnd, AreaStage.GETTING_GOING)
    step = next_step_for(area, today=days(30))
    assert step.due_on == days(20) and step.is_overdue(days(30))


def test_implementing_areas_are_told_about_their_returns(rnd):
    area = _area(rnd, AreaStage.IMPLEMENTATION)
    upcoming = ProgressReturnFactory(
        area=area, period_start=days(-10), period_end=days(80), due_on=days(110)
    )
    # The return (due in 110 days) comes before Making it Happen (200 days).
    step = next_step_for(area, today=today())
    assert step.text.startswith("Next progress return") and step.due_on == days(110)
    overdue = ProgressReturnFactory(area=area, overdue=True)
    step = next_step_for(area, today=today())
    assert step.text.startswith("Send the overdue progress return")
    assert step.url == reverse("delivery:return_detail", args=[overdue.pk])
    overdue.status, overdue.progress_status = "submitted", "on_schedule"
    overdue.submitted_at = overdue.created_at
    overdue.save()
    step = next_step_for(area, today=today())
    assert "waiting for review" in step.text and step.side == PROGRAMME_SIDE
    overdue.status = "changes_requested"
    overdue.save()
    assert next_step_for(area, today=today()).text.startswith("Answer the review")
    overdue.status = "accepted"
    overdue.save()
    assert next_step_for(area, today=today()).url.endswith(f"/returns/{upcoming.pk}/")


def test_making_it_happen_application_when_it_is_the_soonest(rnd):
    area = _area(rnd, AreaStage.IMPLEMENTATION)
    ProgressReturnFactory(area=area, period_start=days(-10), period_end=days(300), due_on=days(330))
    step = next_step_for(area, today=today())
    assert (step.text, step.due_on) == ("Apply for Making it Happen", days(200))


def test_an_area_that_has_left_has_no_step(rnd):
    area = _area(rnd, AreaStage.GETTING_GOING, status=AreaStatus.WITHDRAWN)
    step = next_step_for(area, today=today())
    assert step.side == NOBODY and "withdrawn" in step.text.lower()


def test_my_areas_shows_each_areas_own_step(client_for, relationship_manager, rnd):
    sent_draft = _area(rnd, AreaStage.GETTING_GOING, name="Sent Draft")
    PlanFactory(area=sent_draft, draft_submitted=True)
    no_draft = _area(rnd, AreaStage.GETTING_GOING, name="No Draft")
    for area in (sent_draft, no_draft):
        AreaAssignmentFactory(area=area, user=relationship_manager)
    page = client_for(relationship_manager).get(reverse("support:my_areas"))
    steps = {row["area"].pk: row["next_step"].text for row in page.context["rows"]}
    assert steps == {
        sent_draft.pk: "Submit the final operational plan",
        no_draft.pk: "Submit the draft operational plan",
    }
    assert "Submit the final operational plan" in page.content.decode()


def test_the_area_page_shows_the_next_step(client_for, programme_manager, rnd):
    area = _area(rnd, AreaStage.GETTING_GOING)
    PlanFactory(area=area, draft_submitted=True)
    text = area_panel(client_for(programme_manager), area, "support")
    assert "Next step" in text and "Submit the final operational plan" in text


def test_after_the_getting_going_milestone_the_step_says_applications_closed(rnd):
    """The gate page refuses applications after the milestone; the next step must not tell the
    area to apply (it says an extension is needed, which is the programme's move)."""
    area = _area(rnd, AreaStage.GETTING_READY)
    milestone = Milestone.objects.get(round=rnd, kind="getting_going_application")
    step = next_step_for(area, today=milestone.due_on + datetime.timedelta(days=1))
    assert step.text.startswith("Getting Going applications closed on")
    assert step.side == PROGRAMME_SIDE and step.due_on is None
