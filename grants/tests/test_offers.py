"""Grant offers: issued with every award, accepted by the lead organisation before any payment of
the award is approved, withdrawn or reissued (as a new version) by a programme manager."""

import datetime
import shutil
import subprocess
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import MembershipFactory, UserFactory
from activity.models import ActivityEntry
from core.workflow import MoveRefused
from grants.models import GrantOffer, Payment
from grants.offers.services import offer_accept, offer_pdf, offer_reissue, offer_withdraw
from grants.services import award_grant, payment_approve
from programmes.models import Stage

pytestmark = pytest.mark.django_db


@pytest.fixture
def award(area, programme_manager):
    return award_grant(
        area=area, stage=Stage.GETTING_GOING, amount=Decimal("10000"), actor=programme_manager
    )


def _accept(offer, user, **kw):
    return offer_accept(
        offer=offer,
        actor=user,
        name=kw.get("name", "Jo Bloggs"),
        role=kw.get("role", "Chief executive"),
        terms_sha256=kw.get("terms", offer.terms_sha256),
    )


def _pdf_text(data: bytes, tmp_path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    path = tmp_path / "offer.pdf"
    path.write_bytes(data)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_an_award_issues_an_offer_whose_pdf_has_the_amount_schedule_and_terms(award, tmp_path):
    offer = award.offers.get()
    assert offer.status == GrantOffer.Status.ISSUED and offer.version == 1
    assert offer.amount == Decimal("10000.00") and len(offer.terms_sha256) == 64
    data = offer_pdf(offer)
    assert data.startswith(b"%PDF")
    text = " ".join(_pdf_text(data, tmp_path).split())
    assert "Offer of a Getting Going grant of £10,000.00" in text
    assert "£9,000.00" in text and "£1,000.00" in text  # the advance and the retention
    assert "final operational plan" in text  # the retention's condition
    assert "Terms of the grant" in text and "Keep records of spending" in text
    assert "Reporting" in text
    offer.refresh_from_db()
    assert offer.pdf.name  # kept in private storage for the next download
    assert ActivityEntry.objects.filter(verb="offer.issued", area=award.area).exists()


def test_each_stage_has_its_own_letter(area, programme_manager):
    ready = award_grant(
        area=area, stage=Stage.GETTING_READY, amount=Decimal("3000"), actor=programme_manager
    )
    html = ready.offers.get().letter_html
    assert "development strategy" in html and "operational plan by the round deadline" not in html


def test_payment_approval_is_refused_before_acceptance_and_allowed_after(
    award, lead_user, programme_manager
):
    advance = award.payments.get(kind=Payment.Kind.ADVANCE)
    with pytest.raises(ValidationError) as refused:
        payment_approve(payment=advance, actor=programme_manager)
    assert "The grant offer has not been accepted yet" in str(refused.value)
    advance.refresh_from_db()
    assert advance.status == Payment.Status.SCHEDULED

    offer = _accept(award.offers.get(), lead_user)
    offer.refresh_from_db()
    assert offer.status == GrantOffer.Status.ACCEPTED
    assert (offer.accepted_name, offer.accepted_role) == ("Jo Bloggs", "Chief executive")
    assert offer.accepted_by == lead_user and offer.accepted_at is not None
    assert offer.accepted_terms_sha256 == offer.terms_sha256
    payment_approve(payment=advance, actor=programme_manager)
    advance.refresh_from_db()
    assert advance.status == Payment.Status.APPROVED


def test_only_the_areas_lead_organisation_accepts(award, other_area, programme_manager):
    stranger = UserFactory(username="stranger")
    MembershipFactory(user=stranger, organisation=other_area.lead_organisation)
    for user in (stranger, programme_manager):
        with pytest.raises(MoveRefused):
            _accept(award.offers.get(), user)
    assert award.offers.get().status == GrantOffer.Status.ISSUED


def test_accepting_needs_a_name_a_role_and_the_current_text(award, lead_user):
    offer = award.offers.get()
    with pytest.raises(ValidationError) as refused:
        _accept(offer, lead_user, name=" ", role="")
    assert set(refused.value.message_dict) == {"name", "role"}
    with pytest.raises(ValidationError, match="changed since you opened it"):
        _accept(offer, lead_user, terms="0" * 64)
    assert GrantOffer.objects.get(pk=offer.pk).status == GrantOffer.Status.ISSUED


def test_reissue_makes_a_new_version_and_the_old_one_cannot_be_accepted(
    award, lead_user, programme_manager
):
    old = award.offers.get()
    new = offer_reissue(offer=old, actor=programme_manager, reason="Schedule corrected.")
    old.refresh_from_db()
    assert (old.status, new.version, new.status) == ("superseded", 2, "issued")
    assert old.superseded_by == new and new.issue_reason == "Schedule corrected."
    with pytest.raises(MoveRefused, match="superseded"):
        _accept(old, lead_user)
    _accept(new, lead_user)
    payment_approve(payment=award.payments.get(kind=Payment.Kind.ADVANCE), actor=programme_manager)
    assert ActivityEntry.objects.filter(verb="offer.reissued", reason="Schedule corrected.")
    assert ActivityEntry.objects.filter(verb="offer.accepted", area=award.area).count() == 1


def test_reissuing_an_accepted_offer_stops_approvals_until_the_new_one_is_accepted(
    award, lead_user, programme_manager
):
    accepted = _accept(award.offers.get(), lead_user)
    offer_reissue(offer=accepted, actor=programme_manager, reason="Terms changed.")
    with pytest.raises(ValidationError, match="version 2"):
        payment_approve(
            payment=award.payments.get(kind=Payment.Kind.ADVANCE), actor=programme_manager
        )


def test_withdrawn_offer_blocks_payments_and_needs_a_reason(award, lead_user, programme_manager):
    offer = award.offers.get()
    with pytest.raises(ValidationError):
        offer_withdraw(offer=offer, actor=programme_manager, reason="")
    with pytest.raises(MoveRefused):
        offer_withdraw(offer=offer, actor=lead_user, reason="No")
    offer_withdraw(offer=offer, actor=programme_manager, reason="Area left the programme.")
    with pytest.raises(MoveRefused):
        _accept(offer, lead_user)
    with pytest.raises(ValidationError, match="withdrawn"):
        payment_approve(
            payment=award.payments.get(kind=Payment.Kind.ADVANCE), actor=programme_manager
        )
    entry = ActivityEntry.objects.get(verb="offer.withdrawn")
    assert entry.reason == "Area left the programme." and entry.area == award.area


def test_imported_awards_get_an_offer_accepted_before_our_place(area):
    award = award_grant(
        area=area, stage=Stage.GETTING_GOING, amount=Decimal("10000"), actor=None, imported=True
    )
    offer = award.offers.get()
    assert offer.status == GrantOffer.Status.ACCEPTED and offer.imported
    assert offer.accepted_name == "Accepted before Our Place"


# --- pages -----------------------------------------------------------------------------------


def test_offer_pages_in_layers(client, client_for, award, lead_user, other_area):
    offer = award.offers.get()
    detail = reverse("grants:offer_detail", args=[offer.pk])
    pdf = reverse("grants:offer_pdf", args=[offer.pk])
    for url in (detail, pdf):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response.url
    other_lead = UserFactory(username="other-lead")
    MembershipFactory(user=other_lead, organisation=other_area.lead_organisation)
    client_for(other_lead)
    assert client.get(detail).status_code == 404
    assert client.get(pdf).status_code == 404
    assert client.post(detail, {"name": "X", "role": "Y", "confirm": "on"}).status_code == 404
    client_for(lead_user)
    response = client.get(detail)
    assert response.status_code == 200
    assert "Accept the offer" in response.content.decode()
    response = client.get(pdf)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content).startswith(b"%PDF")  # streamed from storage


def test_lead_accepts_on_the_page_and_the_award_page_shows_it(client_for, award, lead_user):
    offer = award.offers.get()
    client = client_for(lead_user)
    url = reverse("grants:offer_detail", args=[offer.pk])
    missing = client.post(url, {"name": "", "role": "", "terms_sha256": offer.terms_sha256})
    assert missing.status_code == 200 and "This field is required" in missing.content.decode()
    response = client.post(
        url,
        {
            "name": "Jo Bloggs",
            "role": "Chair of trustees",
            "confirm": "on",
            "terms_sha256": offer.terms_sha256,
        },
        follow=True,
    )
    assert "Grant offer accepted" in response.content.decode()
    offer.refresh_from_db()
    assert offer.status == "accepted" and offer.accepted_role == "Chair of trustees"
    page = client.get(award.get_absolute_url()).content.decode()
    assert "Accepted" in page and "Jo Bloggs, Chair of trustees" in page


def test_manager_reissues_from_the_page_and_the_lead_cannot(
    client_for, award, lead_user, programme_manager
):
    offer = award.offers.get()
    url = reverse("grants:offer_reissue", args=[offer.pk])
    client = client_for(lead_user)
    client.post(url, {"reason": "Mine"})
    assert award.offers.count() == 1
    client = client_for(programme_manager)
    response = client.post(url, {"reason": "Amount corrected."}, follow=True)
    assert "reissued as version 2" in response.content.decode()
    assert list(award.offers.values_list("version", "status")) == [
        (2, "issued"),
        (1, "superseded"),
    ]


def test_area_panel_links_the_lead_to_the_offer(client_for, award, lead_user):
    page = client_for(lead_user).get(award.area.get_absolute_url()).content.decode()
    assert "Read and accept the offer" in page
    assert reverse("grants:offer_detail", args=[award.offers.get().pk]) in page


def test_versions_show_when_each_was_issued_and_accepted(
    client_for, award, lead_user, programme_manager
):
    first = award.offers.get()
    second = offer_reissue(offer=first, actor=programme_manager, reason="Schedule corrected.")
    GrantOffer.objects.filter(pk=second.pk).update(
        issued_at=second.issued_at - datetime.timedelta(days=3)
    )
    accepted = _accept(second, lead_user)
    GrantOffer.objects.filter(pk=accepted.pk).update(accepted_at=timezone.now())
    accepted.refresh_from_db()
    page = client_for(lead_user).get(accepted.get_absolute_url()).content.decode()
    versions = page[page.index('id="h-versions"') :]
    local = timezone.localtime
    issued = f"Issued {local(accepted.issued_at):%-d %b %Y}"
    assert f"{issued} · accepted {local(accepted.accepted_at):%-d %b %Y}" in versions
    assert f"Issued {local(first.issued_at):%-d %b %Y}" in versions


def test_the_text_fingerprint_is_for_staff_only(client_for, award, lead_user, programme_manager):
    offer = award.offers.get()
    lead_page = client_for(lead_user).get(offer.get_absolute_url()).content.decode()
    # (The accept form still posts the full fingerprint back in a hidden field, unseen.)
    assert "Text fingerprint" not in lead_page and f"{offer.terms_sha256[:16]}…" not in lead_page
    staff_page = client_for(programme_manager).get(offer.get_absolute_url()).content.decode()
    assert "Text fingerprint" in staff_page and f"{offer.terms_sha256[:16]}…" in staff_page
