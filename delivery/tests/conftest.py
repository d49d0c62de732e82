import pytest

from accounts.tests.factories import AreaAssignmentFactory, MembershipFactory, UserFactory

from .factories import ImplementingAreaFactory


@pytest.fixture
def impl_area(db):
    return ImplementingAreaFactory()


@pytest.fixture
def impl_lead(impl_area):
    user = UserFactory(username="impl-lead")
    MembershipFactory(user=user, organisation=impl_area.lead_organisation)
    return user


@pytest.fixture
def other_lead(db):
    """A lead organisation user of a different area."""
    area = ImplementingAreaFactory()
    user = UserFactory(username="other-lead")
    MembershipFactory(user=user, organisation=area.lead_organisation)
    return user


@pytest.fixture
def impl_rm(impl_area):
    assignment = AreaAssignmentFactory(area=impl_area)
    return assignment.user
