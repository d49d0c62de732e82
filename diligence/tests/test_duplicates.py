"""Possible duplicate organisations, one test per matching rule, flagged whenever an organisation
is saved and shown to the person signing up."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from diligence.duplicates import email_domain, normalised_name
from diligence.models import DuplicateFlag
from programmes.models import Organisation
from programmes.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def _flags(org):
    return {(f.matches_id, f.rule) for f in DuplicateFlag.objects.filter(organisation=org)}


def test_names_are_compared_normalised():
    assert normalised_name("The Acme  Community-Trust Ltd.") == "acme community trust"
    assert normalised_name("Acme & Sons CIC") == normalised_name("acme and sons")


def test_same_normalised_name_is_flagged():
    first = OrganisationFactory(name="Acme Community Trust", charity_number="", email="")
    second = OrganisationFactory(name="The ACME Community Trust Ltd", charity_number="", email="")
    assert _flags(second) == {(first.pk, "name")}


def test_a_different_name_is_not_flagged():
    OrganisationFactory(name="Acme Community Trust", charity_number="", email="")
    other = OrganisationFactory(name="Acme Youth Trust", charity_number="", email="")
    assert _flags(other) == set()


def test_same_charity_number_is_flagged():
    # The first keeps another register's identifier, so the number itself is all they share.
    first = OrganisationFactory(
        name="Riverside Trust", charity_number="1123456", org_identifier="GB-MPR-99", email=""
    )
    second = OrganisationFactory(name="Riverside Arts", charity_number="1123456", email="")
    assert _flags(second) == {(first.pk, "number")}


def test_same_company_number_is_flagged():
    first = OrganisationFactory(
        name="North CIC",
        charity_number="",
        company_number="12345678",
        org_identifier="GB-MPR-98",
        email="",
    )
    second = OrganisationFactory(
        name="South CIC", charity_number="", company_number="12345678", email=""
    )
    assert _flags(second) == {(first.pk, "number")}


def test_same_email_domain_is_flagged_but_not_webmail():
    first = OrganisationFactory(name="One", charity_number="", email="info@hillside.org.uk")
    second = OrganisationFactory(name="Two", charity_number="", email="chair@Hillside.org.uk")
    assert _flags(second) == {(first.pk, "domain")}
    OrganisationFactory(name="Three", charity_number="", email="a@gmail.com")
    fourth = OrganisationFactory(name="Four", charity_number="", email="b@gmail.com")
    assert _flags(fourth) == set()
    assert email_domain("x@GMAIL.com") == ""


def test_sign_up_warns_the_applicant_and_records_the_flag(client):
    existing = OrganisationFactory(name="Hillside Community Trust", email="")
    response = client.post(
        reverse("applications:register"),
        {
            "username": "newlead",
            "email": "newlead@hillside.example.net",
            "first_name": "Nia",
            "last_name": "O'Neill",
            "password1": "a-long-pass-phrase-9",
            "password2": "a-long-pass-phrase-9",
            "organisation_name": "The Hillside Community Trust",
            "org_type": "vcs",
            "job_title": "Chair",
        },
        follow=True,
    )
    assert response.status_code == 200
    new = Organisation.objects.get(name="The Hillside Community Trust")
    assert (existing.pk, "name") in _flags(new)
    assert "looks like an organisation already registered" in response.content.decode()


def test_the_admin_filters_possible_duplicates(client_for, admin_user):
    admin_client = client_for(admin_user)
    OrganisationFactory(name="Acme Community Trust", charity_number="", email="")
    OrganisationFactory(name="The Acme Community Trust", charity_number="", email="")
    alone = OrganisationFactory(name="Zeta Hall", charity_number="", email="")
    url = reverse("admin:programmes_organisation_changelist")
    flagged = admin_client.get(url + "?duplicate=yes").content.decode()
    assert "Acme Community Trust" in flagged and "Zeta Hall" not in flagged
    assert alone.name in admin_client.get(url + "?duplicate=no").content.decode()


def test_a_programme_manager_resolves_a_flag_from_either_organisations_page(
    client_for, programme_manager, funder_officer
):
    """Looking at a possible duplicate ends in a decision on record: the warning goes from both
    organisations' pages, the decision (who, what, why) stays, and a second decision or one
    without a note is refused beside its field."""
    older = OrganisationFactory(name="Acme Community Trust", charity_number="", email="")
    newer = OrganisationFactory(name="The Acme Community Trust", charity_number="", email="")
    flag = DuplicateFlag.objects.get(organisation=newer)
    client = client_for(programme_manager)
    older_page = reverse("diligence:organisation", args=[older.pk])
    page = client.get(older_page).content.decode()
    assert "Possible duplicate" in page and "The Acme Community Trust" in page
    assert "Record the decision" in page
    # A funder officer sees the warning but cannot decide it.
    funder_page = client_for(funder_officer).get(older_page).content.decode()
    assert "Possible duplicate" in funder_page and "Record the decision" not in funder_page
    client = client_for(programme_manager)  # client_for logs the one test client in
    url = reverse("diligence:duplicate_resolve", args=[older.pk, flag.pk])
    prefix = f"dup{flag.pk}"
    refused = client.post(url, {f"{prefix}-resolution": "different", f"{prefix}-note": " "})
    assert refused.status_code == 400
    assert "This field is required." in refused.content.decode()
    flag.refresh_from_db()
    assert flag.resolved_at is None
    done = client.post(
        url,
        {
            f"{prefix}-resolution": "different",
            f"{prefix}-note": "Different charity numbers on the register; different towns.",
        },
        follow=True,
    )
    assert "Decision recorded: not the same organisation." in done.content.decode()
    flag.refresh_from_db()
    assert flag.resolution == "different" and flag.resolved_by == programme_manager
    for org in (older, newer):
        page = client.get(reverse("diligence:organisation", args=[org.pk])).content.decode()
        assert "Possible duplicate" not in page
    again = client.post(
        url, {f"{prefix}-resolution": "same", f"{prefix}-note": "On reflection"}, follow=True
    )
    assert "already decided this" in again.content.decode()
    flag.refresh_from_db()
    assert flag.resolution == "different"
    assert client_for(funder_officer).post(url, {}).status_code == 403
    assert not DuplicateFlag.objects.filter(resolved_at__isnull=True).exists()


def test_a_second_decision_is_refused_by_the_service(programme_manager, pm2):
    from diligence import services

    OrganisationFactory(name="Acme Community Trust", charity_number="", email="")
    newer = OrganisationFactory(name="The Acme Community Trust", charity_number="", email="")
    flag = DuplicateFlag.objects.get(organisation=newer)
    services.duplicate_resolve(
        flag=flag, actor=programme_manager, resolution="same", note="An admin merges them."
    )
    with pytest.raises(ValidationError, match="already decided"):
        services.duplicate_resolve(flag=flag, actor=pm2, resolution="different", note="No")
