"""Variations of an award (GovS 015): a lead organisation asks for more time, to move money
between payments or to change the amount; a programme manager approves or refuses, with a funder
officer's co-signature over the programme's threshold; approval changes the schedule and
reissues the offer, which the lead accepts."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from accounts.tests.factories import MembershipFactory, UserFactory
from activity.models import ActivityEntry
from core.workflow import MoveRefused
from grants.budgets.selectors import round_budget
from grants.models import Award, GrantOffer, Payment, Variation
from grants.offers.services import offer_accept
from grants.services import award_grant, payment_approve, payment_pay
from grants.tests.factories import accept_offer
from grants.variations.services import (
    variation_approve,
    variation_cosign,
    variation_refuse,
    variation_request,
    variation_withdraw,
)
from programmes.models import Stage

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def award(area, programme_manager):
    """A Getting Going grant of £10,000: £9,000 advance (scheduled), £1,000 held back."""
    award = award_grant(
        area=area, stage=Stage.GETTING_GOING, amount=D("10000"), actor=programme_manager
    )
    return accept_offer(award)


def _payments(award):
    advance = award.payments.get(kind=Payment.Kind.ADVANCE)
    retention = award.payments.get(kind=Payment.Kind.RETENTION)
    return advance, retention


def _move(award, amount, to=None, new_date=None):
    advance, retention = _payments(award)
    return {
        "kind": "move",
        "payment": advance,
        "to_payment": to,
        "amount": D(amount),
        "new_date": new_date,
    }


def _time(new_date, payment=None):
    return {"kind": "time", "payment": payment, "new_date": new_date}


def _ask(award, actor, *changes, reasons="Our venue closed for repairs."):
    return variation_request(award=award, actor=actor, reasons=reasons, changes=list(changes))


def _code(exc) -> set[str]:
    err = exc.value
    if hasattr(err, "error_dict"):
        return {e.code for errors in err.error_dict.values() for e in errors}
    return {e.code for e in err.error_list}


# --- the happy path ---------------------------------------------------------------------------


def test_time_and_money_move_approved_reissues_the_offer_and_changes_the_schedule(
    award, lead_user, programme_manager
):
    advance, retention = _payments(award)
    due = datetime.date(2030, 5, 1)
    later = award.ends + datetime.timedelta(days=90)
    variation = _ask(
        award,
        lead_user,
        _time(later),
        _move(award, "2000", new_date=due),
    )
    assert variation.status == "requested" and variation.money == D("2000.00")
    assert not variation.needs_cosign  # £2,000 is within the programme's £5,000
    variation_approve(variation=variation, actor=programme_manager)
    variation.refresh_from_db()
    award.refresh_from_db()
    assert variation.status == "approved" and variation.decided_by == programme_manager
    advance.refresh_from_db()
    assert advance.amount == D("7000.00")
    new = award.payments.get(kind=Payment.Kind.INSTALMENT)
    assert new.amount == D("2000.00") and new.due_on == due and new.status == "scheduled"
    assert award.amount == D("10000.00") and award.total_scheduled == D("10000.00")
    assert award.ends_on == later
    # The offer is reissued as version 2 for the lead to accept; no payment waits on version 1.
    offer = variation.offer
    assert offer.version == 2 and offer.status == GrantOffer.Status.ISSUED
    assert award.offers.get(version=1).status == GrantOffer.Status.SUPERSEDED
    assert "£7,000.00" in offer.letter_html and "£2,000.00" in offer.letter_html
    offer_accept(
        offer=offer,
        actor=lead_user,
        name="Jo Lead",
        role="Director",
        terms_sha256=offer.terms_sha256,
    )
    offer.refresh_from_db()
    assert offer.status == GrantOffer.Status.ACCEPTED
    # The area's timeline has the request and the decision.
    verbs = set(
        ActivityEntry.objects.filter(area=award.area, verb__startswith="variation.").values_list(
            "verb", flat=True
        )
    )
    assert verbs == {"variation.requested", "variation.approved"}
    # The budget's financial years now count the moved £2,000 in 2030-31.
    budget = round_budget(award.area.round)
    year = next(r for r in budget.years if r.key == 2030)
    assert year.forecast == D("2000.00")


def test_an_increase_over_the_threshold_waits_for_the_funders_cosignature(
    award, lead_user, programme_manager, funder_officer
):
    variation = _ask(award, lead_user, {"kind": "amount", "amount": D("16000")})
    assert variation.money == D("6000.00") and variation.needs_cosign
    variation_approve(variation=variation, actor=programme_manager)
    variation.refresh_from_db()
    award.refresh_from_db()
    assert variation.status == "awaiting_cosign"
    assert award.amount == D("10000.00")  # nothing changes before the co-signature
    variation_cosign(variation=variation, actor=funder_officer)
    variation.refresh_from_db()
    award.refresh_from_db()
    assert variation.status == "approved" and variation.cosigned_by == funder_officer
    assert award.amount == D("16000.00") and award.total_scheduled == D("16000.00")
    assert award.payments.get(kind=Payment.Kind.INSTALMENT).amount == D("6000.00")
    assert variation.offer.amount == D("16000.00") and variation.offer.version == 2


def test_a_decrease_taken_from_the_retention(award, lead_user, programme_manager):
    advance, retention = _payments(award)
    variation = _ask(
        award, lead_user, {"kind": "amount", "amount": D("9500"), "payment": retention}
    )
    variation_approve(variation=variation, actor=programme_manager)
    award.refresh_from_db()
    retention.refresh_from_db()
    assert award.amount == D("9500.00") and retention.amount == D("500.00")
    assert award.total_scheduled == D("9500.00")


# --- the refusals the issue lists -------------------------------------------------------------


def test_refused_over_the_threshold_without_the_cosignature(
    award, lead_user, programme_manager, finance_officer
):
    variation = _ask(award, lead_user, {"kind": "amount", "amount": D("16000")})
    from grants.variations.workflows import VARIATION

    # A programme manager cannot make it approved alone...
    with pytest.raises(MoveRefused) as exc:
        VARIATION.check(
            variation, "approved", programme_manager, variation=variation, by=programme_manager
        )
    assert "co-signature" in exc.value.reason
    variation_approve(variation=variation, actor=programme_manager)
    # ... and once approved for co-signature, nobody but a funder officer finishes it.
    for person in (programme_manager, finance_officer, UserFactory(programme_manager=True)):
        with pytest.raises(MoveRefused):
            variation_cosign(variation=variation, actor=person)
    award.refresh_from_db()
    assert award.amount == D("10000.00")
    variation.refresh_from_db()
    assert variation.status == "awaiting_cosign"


def test_the_lead_of_another_area_cannot_ask(award, other_area):
    other_lead = UserFactory(username="otherlead")
    MembershipFactory(user=other_lead, organisation=other_area.lead_organisation)
    with pytest.raises(PermissionDenied):
        _ask(award, other_lead, _time(award.ends + datetime.timedelta(days=30)))
    assert not Variation.objects.exists()


def test_the_lead_of_another_area_cannot_withdraw(award, lead_user, other_area):
    variation = _ask(award, lead_user, _time(award.ends + datetime.timedelta(days=30)))
    other_lead = UserFactory(username="otherlead")
    MembershipFactory(user=other_lead, organisation=other_area.lead_organisation)
    with pytest.raises(MoveRefused):
        variation_withdraw(variation=variation, actor=other_lead)
    variation_withdraw(variation=variation, actor=lead_user)
    variation.refresh_from_db()
    assert variation.status == "withdrawn"


def test_the_lead_cannot_approve_its_own_request(award, lead_user):
    variation = _ask(award, lead_user, _time(award.ends + datetime.timedelta(days=30)))
    with pytest.raises(MoveRefused):
        variation_approve(variation=variation, actor=lead_user)


def test_a_programme_manager_does_not_decide_a_request_they_recorded(award, programme_manager):
    variation = _ask(award, programme_manager, _time(award.ends + datetime.timedelta(days=30)))
    with pytest.raises(MoveRefused) as exc:
        variation_approve(variation=variation, actor=programme_manager)
    assert "You asked for this variation" in exc.value.reason
    with pytest.raises(MoveRefused):
        variation_refuse(variation=variation, actor=programme_manager, reason="No")
    # The database refuses it too.
    with pytest.raises(IntegrityError), transaction.atomic():
        Variation.objects.filter(pk=variation.pk).update(decided_by=programme_manager)
    other = UserFactory(programme_manager=True)
    variation_approve(variation=variation, actor=other)
    variation.refresh_from_db()
    assert variation.status == "approved"


def test_the_cosigner_is_not_the_programme_manager_who_approved(
    award, lead_user, programme_manager
):
    variation = _ask(award, lead_user, {"kind": "amount", "amount": D("16000")})
    variation_approve(variation=variation, actor=programme_manager)
    with pytest.raises(IntegrityError), transaction.atomic():
        Variation.objects.filter(pk=variation.pk).update(cosigned_by=programme_manager)


def test_refused_when_payments_would_exceed_the_award(award, lead_user):
    # A smaller grant with nothing chosen to give up the difference.
    with pytest.raises(ValidationError) as exc:
        _ask(award, lead_user, {"kind": "amount", "amount": D("9500")})
    assert _code(exc) == {"above_award"}


def test_refused_below_what_has_been_paid(award, lead_user, programme_manager, finance_officer):
    advance, retention = _payments(award)
    payment_approve(payment=advance, actor=UserFactory(programme_manager=True))
    payment_pay(payment=advance, actor=finance_officer, reference="BACS 1")
    with pytest.raises(ValidationError) as exc:
        _ask(award, lead_user, {"kind": "amount", "amount": D("8000"), "payment": retention})
    assert _code(exc) == {"below_paid"}
    # Nor can money be moved out of, or a date moved on, a paid payment.
    with pytest.raises(ValidationError) as exc:
        _ask(award, lead_user, _move(award, "100", to=retention))
    assert _code(exc) == {"not_variable"}


def test_refused_when_the_schedule_changed_before_approval(award, lead_user, programme_manager):
    advance, retention = _payments(award)
    variation = _ask(award, lead_user, _move(award, "1000", to=retention))
    # The advance is approved before the decision.
    payment_approve(payment=advance, actor=UserFactory(programme_manager=True))
    with pytest.raises(ValidationError) as exc:
        variation_approve(variation=variation, actor=programme_manager)
    assert _code(exc) == {"not_variable"}
    variation.refresh_from_db()
    assert variation.status == "requested"


def test_refused_moving_all_of_a_payment_or_to_an_earlier_date(award, lead_user):
    advance, retention = _payments(award)
    with pytest.raises(ValidationError) as exc:
        _ask(award, lead_user, _move(award, "9000", to=retention))
    assert _code(exc) == {"would_empty"}
    with pytest.raises(ValidationError) as exc:
        _ask(award, lead_user, _time(award.ends - datetime.timedelta(days=1)))
    assert _code(exc) == {"not_later"}


def test_one_open_variation_at_a_time_and_a_reason_is_required(award, lead_user):
    with pytest.raises(ValidationError):
        _ask(award, lead_user, _time(award.ends + datetime.timedelta(days=3)), reasons=" ")
    _ask(award, lead_user, _time(award.ends + datetime.timedelta(days=3)))
    with pytest.raises(ValidationError) as exc:
        _ask(award, lead_user, _time(award.ends + datetime.timedelta(days=9)))
    assert _code(exc) == {"already_open"}


def test_a_refusal_changes_nothing_and_needs_a_reason(award, lead_user, programme_manager):
    variation = _ask(award, lead_user, _move(award, "500", to=_payments(award)[1]))
    with pytest.raises(ValidationError):
        variation_refuse(variation=variation, actor=programme_manager, reason="")
    variation_refuse(variation=variation, actor=programme_manager, reason="Not needed yet.")
    variation.refresh_from_db()
    assert variation.status == "refused" and variation.refused_reason == "Not needed yet."
    assert award.offers.get().version == 1
    assert _payments(award)[0].amount == D("9000.00")


def test_the_database_keeps_payments_within_the_award(award):
    with pytest.raises(IntegrityError), transaction.atomic():
        Award.objects.filter(pk=award.pk).update(amount=D("9000"))


# --- pages, the list's queries and the 360Giving export ---------------------------------------


def test_pages_by_role(award, lead_user, programme_manager, funder_officer, other_area, client_for):
    from django.urls import reverse

    other_lead = UserFactory(username="otherlead")
    MembershipFactory(user=other_lead, organisation=other_area.lead_organisation)
    new_url = reverse("grants:variation_new", args=[award.pk])
    assert client_for(other_lead).get(new_url).status_code == 404
    assert client_for(funder_officer).get(new_url).status_code == 403
    client = client_for(lead_user)
    assert "Ask for a variation" in client.get(award.get_absolute_url()).content.decode()
    later = award.ends + datetime.timedelta(days=40)
    response = client.post(
        new_url, {"reasons": "Later start.", "time_date": later.isoformat()}, follow=True
    )
    variation = Variation.objects.get(award=award)
    assert response.redirect_chain[-1][0] == variation.get_absolute_url()
    assert "Waiting for the programme" in response.content.decode()
    # A refusal is shown next to its field.
    variation_withdraw(variation=variation, actor=lead_user)
    response = client.post(
        new_url,
        {
            "reasons": "All of it.",
            "move_from": _payments(award)[0].pk,
            "move_amount": "9000",
            "move_date": "2030-05-01",
        },
    )
    assert response.status_code == 200
    assert "would leave a payment of nothing" in response.content.decode()
    assert client_for(other_lead).get(variation.get_absolute_url()).status_code == 404
    # The programme manager's approval goes through the confirmation page first.
    variation = _ask(award, lead_user, _time(later))
    pm = client_for(programme_manager)
    url = reverse("grants:variation_approve", args=[variation.pk])
    page = pm.post(url, {"note": ""})
    assert page.status_code == 200 and "reissued as version 2" in page.content.decode()
    variation.refresh_from_db()
    assert variation.status == "requested"
    pm.post(url, {"note": "", "confirm": "1"})
    variation.refresh_from_db()
    assert variation.status == "approved"


def _many(n, area_factory):
    from grants.tests.factories import AwardFactory

    for i in range(n):
        award = AwardFactory(area=area_factory(), amount=D("10000"))
        lead = UserFactory()
        v = Variation.objects.create(
            award=award,
            reasons="x",
            requested_by=lead,
            requested_at=award.created_at,
            status="refused",
        )
        v.changes.create(kind="time", new_date=datetime.date(2031, 1, i + 1))


@pytest.mark.parametrize("n", [2, 12])
def test_the_list_asks_a_fixed_number_of_queries(
    n, programme_manager, client_for, django_assert_max_num_queries
):
    from django.urls import reverse

    from programmes.tests.factories import AreaFactory

    _many(n, AreaFactory)
    client = client_for(programme_manager)
    client.get(reverse("grants:variation_list"))  # warm the session and caches
    with django_assert_max_num_queries(14):
        response = client.get(reverse("grants:variation_list"))
    assert response.content.decode().count("Move the grant end date") == n


def test_the_360giving_export_shows_the_amended_grant(
    award, lead_user, programme_manager, funder_officer
):
    from reports.exports import threesixtygiving

    later = award.ends + datetime.timedelta(days=60)
    variation = _ask(award, lead_user, _time(later), {"kind": "amount", "amount": D("16000")})
    (before,) = threesixtygiving.package()["grants"]
    assert "amendments" not in before
    variation_approve(variation=variation, actor=programme_manager)
    variation_cosign(variation=variation, actor=funder_officer)
    (grant,) = threesixtygiving.package()["grants"]
    assert grant["id"] == before["id"]  # the same grant, amended
    assert grant["amountAwarded"] == 16000.0
    assert grant["plannedDates"][0]["endDate"] == later.isoformat()
    assert grant["amendments"]["count"] == 1 and grant["amendments"]["amendedOn"]
    header, row = list(threesixtygiving.csv_rows())[:2]
    assert header[-2:] == ["Last modified", "Data Source"]
    assert header[:9][-1] == "Planned Dates:End Date"
    values = dict(zip(header, row, strict=True))
    assert values["Amendments"] == 1 and values["Planned Dates:End Date"] == later.isoformat()
