"""Issue 23's due diligence in a real browser: the programme manager finds a checklist another
person prepared on their My work, confirms it on its page (which then says money may move), and
an award to an area the organisation leads goes ahead; before the confirmation it was held."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from playwright.sync_api import expect

from accounts.models import User
from diligence.models import DueDiligence
from grants.services import award_grant
from programmes.models import Stage
from programmes.tests.factories import AreaFactory, RoundFactory

from .conftest import login, screenshot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_due_diligence_confirmed_then_an_award(page, live_server, demo_data):
    waiting = DueDiligence.objects.select_related("organisation").get(status="submitted")
    org = waiting.organisation
    area = AreaFactory(lead_organisation=org, round=RoundFactory(slug="journey-round"))
    pm = User.objects.get(username="pm")
    with pytest.raises(ValidationError, match="has not been confirmed"):
        award_grant(area=area, stage=Stage.GETTING_READY, amount=Decimal("3000"), actor=pm)

    login(page, "pm")
    page.goto("/my-work/")
    page.get_by_role("link", name=org.name).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(org.name)
    expect(page.locator("[data-diligence-hold]")).to_contain_text("has not been confirmed")
    screenshot(page, "diligence-to-confirm")
    page.get_by_role("button", name="Confirm").click()
    expect(page.locator(".messages")).to_contain_text(f"Due diligence on {org.name} confirmed")
    expect(
        page.get_by_role("status").filter(has_text="awards and payments may go ahead")
    ).to_be_visible()
    screenshot(page, "diligence-confirmed")

    award = award_grant(area=area, stage=Stage.GETTING_READY, amount=Decimal("3000"), actor=pm)
    page.goto(f"/areas/{area.reference}/")
    expect(page.locator("#h-diligence")).to_be_visible()
    assert award.pk
