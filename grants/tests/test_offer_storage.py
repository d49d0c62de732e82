"""Offer letters in a shared bucket (issue 22): the PDF rendered on the first download is kept in
the private storage's bucket (a real S3-compatible server) and later downloads, by any web
process, stream it from there through the permission-checked page."""

from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.tests.factories import MembershipFactory, UserFactory
from core.tests.s3_server import private_storage_settings
from grants.services import award_grant
from programmes.models import Stage

pytestmark = pytest.mark.django_db


def test_an_offer_letter_is_kept_in_the_bucket_and_streamed_from_it(
    s3_private_storage,
    settings,
    tmp_path,
    area,
    other_area,
    lead_user,
    programme_manager,
    client_for,
):
    award = award_grant(
        area=area, stage=Stage.GETTING_GOING, amount=Decimal("10000"), actor=programme_manager
    )
    offer = award.offers.get()
    pdf = reverse("grants:offer_pdf", args=[offer.pk])

    first = b"".join(client_for(lead_user).get(pdf).streaming_content)
    assert first.startswith(b"%PDF")
    offer.refresh_from_db()
    key = f"private/{offer.pdf.name}"
    assert s3_private_storage.keys() == [key] and s3_private_storage.read(key) == first

    # Another web process, on its own disk: the same letter, from the bucket (not made again).
    private_storage_settings(settings, root=tmp_path / "second-web-disk")
    response = client_for(programme_manager).get(pdf)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == first
    assert s3_private_storage.keys() == [key]

    outsider = UserFactory(username="outsider")
    MembershipFactory(user=outsider, organisation=other_area.lead_organisation)
    assert client_for(outsider).get(pdf).status_code == 404
