"""The admin shows a checklist read only, with its register checks and governance documents."""

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from diligence.models import GovernanceDocument
from diligence.tests.factories import DueDiligenceFactory, RegisterCheckFactory

pytestmark = pytest.mark.django_db


def test_a_checklist_opens_in_the_admin_with_its_checks_and_documents_read_only(client):
    check = RegisterCheckFactory(identifier="1234567")
    diligence = check.diligence
    GovernanceDocument.objects.create(
        diligence=diligence,
        kind=GovernanceDocument.Kind.SAFEGUARDING,
        title="Safeguarding policy 2026",
        file="diligence/x/safeguarding.pdf",
        filename="safeguarding.pdf",
        size=1000,
        review_on="2027-03-31",
        uploaded_by=diligence.prepared_by,
    )
    client.force_login(UserFactory(is_superuser=True, is_staff=True, admin=True))
    url = reverse("admin:diligence_duediligence_change", args=[diligence.pk])

    page = client.get(url)

    assert page.status_code == 200
    text = page.content.decode()
    assert "1234567" in text and "Safeguarding policy 2026" in text
    assert 'name="documents-0-title"' not in text  # shown, never offered for editing
    assert client.post(url, {}).status_code == 403


def test_a_draft_checklist_with_nothing_in_it_opens_in_the_admin(client):
    diligence = DueDiligenceFactory()
    client.force_login(UserFactory(is_superuser=True, is_staff=True, admin=True))
    url = reverse("admin:diligence_duediligence_change", args=[diligence.pk])
    assert client.get(url).status_code == 200
