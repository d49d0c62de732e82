"""The daily round: people are invited when the opening rule reaches their area (nine months
after its plan was signed off), and a survey past its closing date closes."""

import datetime

import pytest
from django.utils import timezone

from activity.models import ActivityEntry
from core.testing import today
from plans.tests.factories import PlanFactory
from surveys import services

from .conftest import implementing_area

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


def _signed_off(area, days_ago):
    decided = timezone.now() - datetime.timedelta(days=days_ago)
    PlanFactory(
        area=area,
        status="signed_off",
        version_number=1,
        final_submitted_at=decided,
        decided_at=decided,
    )


def test_areas_are_invited_nine_months_after_sign_off(lead_survey, programme_manager):
    early = implementing_area(lead_survey.round)
    late = implementing_area(lead_survey.round)
    _signed_off(early, days_ago=300)
    _signed_off(late, days_ago=200)
    services.survey_settings_update(
        survey=lead_survey,
        fields={"opening_rule": "after_sign_off", "opens_on": None, "months_after_sign_off": 9},
        reminder_days=[7],
        actor=programme_manager,
    )
    assert services.survey_open(survey=lead_survey, actor=programme_manager) == 1
    assert list(lead_survey.invitations.values_list("area", flat=True)) == [early.pk]

    in_90_days = today() + datetime.timedelta(days=90)
    lead_survey.closes_on = in_90_days + datetime.timedelta(days=30)
    lead_survey.save()
    assert services.surveys_daily(today=in_90_days)["invited"] == 1
    assert services.surveys_daily(today=in_90_days)["invited"] == 0  # once only
    assert lead_survey.invitations.count() == 2


def test_a_survey_past_its_closing_date_closes(open_survey):
    after = open_survey.closes_on + datetime.timedelta(days=1)
    assert services.surveys_daily(today=after)["closed"] == 1
    open_survey.refresh_from_db()
    assert open_survey.status == "closed"


def test_the_daily_close_is_written_down_like_a_managers_close(open_survey):
    """The close is a move like any other (issue 21): its entry says the closing date did it."""
    after = open_survey.closes_on + datetime.timedelta(days=1)
    services.surveys_daily(today=after)
    entry = ActivityEntry.objects.get(verb="survey.closed", target_id=str(open_survey.pk))
    assert entry.actor is None
    assert entry.summary == f"Survey closed on its closing date: {open_survey.title}"
    assert services.surveys_daily(today=after)["closed"] == 0  # closed once, written once
    assert ActivityEntry.objects.filter(verb="survey.closed").count() == 1
