"""Each workflow's whole table, walked with one real user per role and an anonymous visitor:
every listed move allowed only for its roles, everything else refused."""

import pytest
from django.contrib.auth.models import AnonymousUser

from accounts.tests.factories import UserFactory
from applications.workflows import APPLICATION, GATE
from core.testing import walk_table
from programmes.workflows import AREA

pytestmark = pytest.mark.django_db


@pytest.fixture
def users_by_role():
    return {
        "programme_manager": UserFactory(programme_manager=True),
        "funder_officer": UserFactory(funder_officer=True),
        "relationship_manager": UserFactory(relationship_manager=True),
        "lead_organisation": UserFactory(),
        "admin": UserFactory(admin=True),
        "anonymous": AnonymousUser(),
    }


def test_application_table(users_by_role):
    # 6 states, so 36 (from, to) pairs, each tried by 6 people.
    assert walk_table(APPLICATION, users_by_role) == 216


def test_gate_table(users_by_role):
    # 5 states: 25 pairs x 6 people.
    assert walk_table(GATE, users_by_role) == 150


def test_area_table(users_by_role):
    # 4 states: 16 pairs x 6 people.
    assert walk_table(AREA, users_by_role) == 96
