"""The due-diligence pages: who may see them, the checklist through the pages with a second
programme manager confirming, and a list whose queries do not grow with its rows."""

import datetime

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from core.testing import today
from diligence.models import DueDiligence
from diligence.tests.conftest import pdf_file
from diligence.tests.factories import cleared
from programmes.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def org(db):
    return OrganisationFactory(diligence=False, name="Brookside Community Trust")


def test_anonymous_is_sent_to_sign_in(client, org):
    response = client.get(reverse("diligence:organisation", args=[org.pk]))
    assert response.status_code == 302 and "login" in response["Location"]


@pytest.mark.parametrize("role", ["lead_organisation", "relationship_manager"])
def test_leads_and_relationship_managers_are_refused(client_for, org, role):
    user = UserFactory(role=role)
    assert client_for(user).get(reverse("diligence:list")).status_code == 403
    assert client_for(user).get(reverse("diligence:organisation", args=[org.pk])).status_code == 403


def test_funder_officers_read_but_cannot_start(client_for, funder_officer, org):
    client = client_for(funder_officer)
    page = client.get(reverse("diligence:organisation", args=[org.pk]))
    assert page.status_code == 200 and "has not been confirmed" in page.content.decode()
    assert "Start due diligence" not in page.content.decode()
    assert client.post(reverse("diligence:start", args=[org.pk])).status_code == 403


def test_the_checklist_through_the_pages_then_a_second_pm_confirms(
    client_for, programme_manager, pm2, org
):
    client = client_for(programme_manager)
    client.post(reverse("diligence:start", args=[org.pk]))
    dd = DueDiligence.objects.get(organisation=org)
    client.post(
        reverse("diligence:register_check", args=[dd.pk]),
        {
            "register": "charity",
            "identifier": org.charity_number,
            "checked_on": today().isoformat(),
            "outcome": "clear",
            "finding": "Registered, accounts on time.",
        },
    )
    for kind in ("board", "safeguarding", "financial_controls"):
        client.post(
            reverse("diligence:document", args=[dd.pk]),
            {
                "kind": kind,
                "file": pdf_file(f"{kind}.pdf"),
                "review_on": (today() + datetime.timedelta(days=90)).isoformat(),
            },
        )
    client.post(
        reverse("diligence:details", args=[dd.pk]),
        {
            "accounts_year_end": (today() - datetime.timedelta(days=90)).isoformat(),
            "accounts_income": "64000",
            "conflicts_answered": "on",
            "fraud_risk": "low",
            "fraud_risk_reasons": "Clean filings.",
        },
    )
    client.post(reverse("diligence:move", args=[dd.pk, "submit"]))
    dd.refresh_from_db()
    assert dd.status == "submitted"
    # The preparer is told why they cannot confirm, and is refused if they try.
    page = client.get(reverse("diligence:organisation", args=[org.pk])).content.decode()
    assert "You prepared this checklist" in page
    client.post(reverse("diligence:move", args=[dd.pk, "confirm"]))
    dd.refresh_from_db()
    assert dd.status == "submitted"
    client_for(pm2).post(reverse("diligence:move", args=[dd.pk, "confirm"]))
    dd.refresh_from_db()
    assert dd.status == "confirmed" and dd.confirmed_by == pm2


def test_a_form_error_shows_next_to_its_field(client_for, programme_manager, org):
    client = client_for(programme_manager)
    client.post(reverse("diligence:start", args=[org.pk]))
    dd = DueDiligence.objects.get(organisation=org)
    response = client.post(
        reverse("diligence:register_check", args=[dd.pk]),
        {
            "register": "other",
            "identifier": "X1",
            "checked_on": today().isoformat(),
            "outcome": "clear",
            "finding": "Fine.",
        },
    )
    assert response.status_code == 400
    assert "Name the register that was checked." in response.content.decode()


@pytest.mark.parametrize("n", [2, 12])
def test_the_list_queries_do_not_grow(
    client_for, programme_manager, django_assert_max_num_queries, n
):
    for i in range(n):
        cleared(OrganisationFactory(diligence=False, name=f"Org {n}-{i}"))
    client = client_for(programme_manager)
    client.get(reverse("diligence:list"))
    with django_assert_max_num_queries(14):
        response = client.get(reverse("diligence:list"))
    assert response.status_code == 200
    assert f"Org {n}-{n - 1}" in response.content.decode()


def test_the_list_filters_expired_and_expiring(client_for, programme_manager):
    cleared(
        OrganisationFactory(diligence=False, name="Gone Trust"),
        expires_on=today() - datetime.timedelta(days=1),
    )
    cleared(
        OrganisationFactory(diligence=False, name="Soon Trust"),
        expires_on=today() + datetime.timedelta(days=30),
    )
    cleared(OrganisationFactory(diligence=False, name="Later Trust"))
    client = client_for(programme_manager)
    expired = client.get(reverse("diligence:list") + "?state=expired").content.decode()
    assert "Gone Trust" in expired and "Soon Trust" not in expired
    soon = client.get(reverse("diligence:list") + "?expiring=on").content.decode()
    assert "Soon Trust" in soon and "Later Trust" not in soon and "Gone Trust" not in soon
