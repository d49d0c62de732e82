"""Who looks after which area: one current relationship manager per area, history kept."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from accounts.models import AreaAssignment, OrganisationMembership
from accounts.tests.factories import AreaAssignmentFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_an_area_has_at_most_one_current_relationship_manager(area):
    AreaAssignmentFactory(area=area)

    with pytest.raises(IntegrityError), transaction.atomic():
        AreaAssignmentFactory(area=area)


def test_ending_an_assignment_lets_another_start_and_keeps_the_history(area):
    first = AreaAssignmentFactory(area=area, started_on=datetime.date(2025, 1, 6))
    first.ended_on = datetime.date(2025, 6, 30)
    first.save()

    second = AreaAssignmentFactory(area=area, started_on=datetime.date(2025, 7, 1))

    assert [a.pk for a in area.assignments.all()] == [second.pk, first.pk]
    assert [a.is_current for a in area.assignments.all()] == [True, False]


def test_an_assignment_cannot_end_before_it_starts(area):
    with pytest.raises(IntegrityError), transaction.atomic():
        AreaAssignmentFactory(
            area=area,
            started_on=datetime.date(2025, 7, 1),
            ended_on=datetime.date(2025, 6, 1),
        )


def test_one_relationship_manager_may_look_after_many_areas(relationship_manager, area, other_area):
    AreaAssignmentFactory(area=area, user=relationship_manager)
    AreaAssignmentFactory(area=other_area, user=relationship_manager)

    assert AreaAssignment.objects.filter(user=relationship_manager).count() == 2


def test_a_user_belongs_to_an_organisation_once(lead_user, area):
    with pytest.raises(IntegrityError), transaction.atomic():
        MembershipFactory(user=lead_user, organisation=area.lead_organisation)

    assert OrganisationMembership.objects.filter(user=lead_user).count() == 1


def test_the_database_refuses_an_unknown_role():
    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(role="superhero")
