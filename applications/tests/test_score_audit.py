"""Assessment scores are audit records: each score given or changed writes a staff-only entry."""

import pytest

from activity.models import ActivityEntry, Visibility
from applications import services
from applications.tests.factories import (
    ApplicationFactory,
    CriterionFactory,
    ScaleFactory,
    assigned,
)

pytestmark = pytest.mark.django_db


def test_scoring_writes_a_staff_only_activity_entry(programme_manager):
    application = ApplicationFactory(under_assessment=True)
    ScaleFactory(round=application.round, score_min=1, score_max=5)
    criterion = CriterionFactory(round=application.round)
    assigned(application, programme_manager)

    row = services.application_score(
        application=application,
        criterion=criterion,
        assessor=programme_manager,
        score=4,
        comment="Strong partnership",
    )

    entry = ActivityEntry.objects.get(verb="application.scored")
    assert entry.actor == programme_manager
    assert entry.visibility == Visibility.STAFF
    assert entry.target_id == str(row.pk)
    assert entry.data["score"] == 4 and entry.data["previous_score"] is None
    assert entry.reason == "Strong partnership"
    assert criterion.name in entry.summary


def test_a_changed_score_is_recorded_with_what_it_was_and_an_unchanged_one_is_not(
    programme_manager,
):
    application = ApplicationFactory(under_assessment=True)
    ScaleFactory(round=application.round, score_min=1, score_max=5)
    criterion = CriterionFactory(round=application.round)
    assigned(application, programme_manager)
    kwargs = {"application": application, "criterion": criterion, "assessor": programme_manager}

    services.application_score(score=4, **kwargs)
    services.application_score(score=2, **kwargs)
    services.application_score(score=2, **kwargs)

    entries = list(ActivityEntry.objects.filter(verb="application.scored").order_by("id"))
    assert [e.data["score"] for e in entries] == [4, 2]
    assert entries[1].data["previous_score"] == 4
    assert "(was 4)" in entries[1].summary
