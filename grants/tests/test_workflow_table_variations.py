"""The variation workflow against a table written out here, by hand: programme managers and
admins approve (alone, or for a funder officer's co-signature), or refuse, a requested variation;
funder officers co-sign or refuse one awaiting co-signature; the area's own lead organisation
withdraws it while it is open. Nobody decides a variation they asked for."""

from types import SimpleNamespace

import pytest

from accounts.tests.factories import MembershipFactory, UserFactory
from core.testing import RoleTable, walk_expected
from grants.variations.models import Variation
from grants.variations.workflows import OWN_REQUEST, VARIATION

pytestmark = pytest.mark.django_db

MANAGERS = {"programme_manager", "admin"}
FUNDERS = {"funder_officer"}
STATES = ("requested", "awaiting_cosign", "approved", "refused", "withdrawn")

VARIATION_TABLE = RoleTable(
    workflow="variation",
    states=STATES,
    moves={
        ("requested", "approved"): MANAGERS,
        ("requested", "awaiting_cosign"): MANAGERS,
        ("requested", "refused"): MANAGERS,
        ("awaiting_cosign", "approved"): FUNDERS,
        ("awaiting_cosign", "refused"): FUNDERS,
        # "own_lead": a member of the area's lead organisation ("lead_organisation" is another
        # organisation's lead, who may not).
        ("requested", "withdrawn"): {"own_lead"},
        ("awaiting_cosign", "withdrawn"): {"own_lead"},
    },
    context="the variation's area; no variation, so the guards have nothing to judge and allow",
)


@pytest.fixture
def people(one_user_per_role, area):
    own_lead = UserFactory(username="own-lead")
    MembershipFactory(user=own_lead, organisation=area.lead_organisation)
    return {**one_user_per_role, "own_lead": own_lead}


def test_every_move_of_the_table(people, area):
    # 5 states x 5 states x 8 people.
    assert walk_expected(VARIATION, VARIATION_TABLE, people, area=area) == 200


def test_nobody_decides_a_variation_they_asked_for(people, area):
    pm = people["programme_manager"]
    asked = SimpleNamespace(requested_by_id=pm.pk, needs_cosign=False)
    refused = VARIATION.refusal("requested", "refused", pm, area=area, variation=asked, by=pm)
    assert refused is not None and refused.why == "condition" and refused.reason == OWN_REQUEST
    # ... and whoever asked may take it back.
    assert VARIATION.refusal("requested", "withdrawn", pm, area=area, variation=asked) is None


def test_the_model_choices_are_the_workflow_states():
    assert Variation.Status.choices == VARIATION.choices
