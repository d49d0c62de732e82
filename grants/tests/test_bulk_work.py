"""Issue 25, bulk work on the finance list: the confirmation lists only what will be done (the
refused apart, each with its reason, and no confirm button when nothing can be done), a
reference per payment that is refused, never cut, when too long, and "select all N matching
this filter", which carries the filter to the confirmation and resolves it on the server."""

import datetime
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from core.testing import today
from grants.models import Payment
from grants.services import payment_approve, payment_pay
from grants.tests.factories import AwardFactory, PaymentFactory
from programmes.tests.factories import AreaFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]

S = Payment.Status
FINANCE = reverse("grants:finance")
BULK = reverse("grants:finance_bulk")


@pytest.fixture
def pm2(db):
    return UserFactory(username="pm2", programme_manager=True)


def _payment(amount="1000", **kwargs):
    award = AwardFactory(
        area=AreaFactory(),
        amount=Decimal("20000"),
        awarded_on=today() - datetime.timedelta(days=7),
    )
    return PaymentFactory(award=award, amount=Decimal(amount), due_on=today(), **kwargs)


def _approved(amount, approver):
    payment = _payment(amount)
    payment_approve(payment=payment, actor=approver)
    return payment


def _text(response) -> str:
    return " ".join(response.content.decode().split())


def _confirm_button(response) -> str | None:
    match = re.search(
        r'<button[^>]*name="confirm"[^>]*>([^<]*)</button>', response.content.decode()
    )
    return " ".join(match.group(1).split()) if match else None


class TestConfirmationListsOnlyWhatWillBeDone:
    def test_nothing_can_be_done_offers_no_confirm_button(self, client_for, finance_officer):
        """Reproduction: the only payment selected is one the finance officer approved, so it
        will be refused; the page offered "Mark as paid 1 payment (£9,000.00)" all the same."""
        mine = _approved("9000", finance_officer)
        response = client_for(finance_officer).post(BULK, {"action": "pay", "payment": [mine.pk]})
        assert response.status_code == 200
        page = _text(response)
        assert "You approved this payment" in page
        assert _confirm_button(response) is None
        assert "Nothing can be done" in page
        assert "£9,000.00" not in page.split('id="bulk-refused"')[0]

    def test_refused_are_listed_apart_and_left_out_of_the_total(
        self, client_for, finance_officer, pm2
    ):
        mine = _approved("9000", finance_officer)
        ready = _approved("1000", pm2)
        not_approved = _payment("3000")
        response = client_for(finance_officer).post(
            BULK, {"action": "pay", "payment": [mine.pk, ready.pk, not_approved.pk]}
        )
        assert [r["payment"].pk for r in response.context["rows"]] == [ready.pk]
        refused = {r["payment"].pk: r["refused"] for r in response.context["refused"]}
        assert set(refused) == {mine.pk, not_approved.pk}
        assert refused[mine.pk].startswith("You approved this payment")
        assert "cannot be moved to paid" in refused[not_approved.pk]
        page = _text(response)
        assert 'id="bulk-total">£1,000.00<' in response.content.decode()
        assert "Records 1 payment totalling £1,000.00" in page
        assert _confirm_button(response) == "Mark as paid 1 payment (£1,000.00)"
        assert "Will not be done: 2 payments" in page

    def test_approve_counts_only_what_will_be_approved(self, client_for, pm2):
        from grants.services import payment_add

        mine = payment_add(
            award=AwardFactory(awarded_on=today() - datetime.timedelta(days=7)),
            amount=Decimal("700"),
            actor=pm2,
        )
        plain = _payment("1000")
        response = client_for(pm2).post(BULK, {"action": "approve", "payment": [mine.pk, plain.pk]})
        assert response.context["total"] == Decimal("1000")
        assert _confirm_button(response) == "Approve 1 payment (£1,000.00)"


class TestReferencePerPayment:
    def test_the_service_refuses_a_reference_longer_than_60_and_never_cuts_it(
        self, finance_officer, pm2
    ):
        """Reproduction: a 305-character reference was saved cut to its first 60 characters."""
        payment = _approved("1000", pm2)
        with pytest.raises(ValidationError) as refused:
            payment_pay(payment=payment, actor=finance_officer, reference="R" * 305)
        assert "reference" in refused.value.message_dict
        assert "60" in refused.value.message_dict["reference"][0]
        payment.refresh_from_db()
        assert payment.status == S.APPROVED and payment.reference == ""

    def test_each_payment_gets_its_own_reference_or_the_batch_one(
        self, client_for, finance_officer, pm2
    ):
        first, second, third = (_approved(a, pm2) for a in ("1000", "2000", "3000"))
        ids = [first.pk, second.pk, third.pk]
        client = client_for(finance_officer)
        page = client.post(BULK, {"action": "pay", "payment": ids}).content.decode()
        for p in (first, second, third):
            assert f'name="reference_{p.pk}"' in page
        response = client.post(
            BULK,
            {
                "action": "pay",
                "payment": ids,
                "confirm": "1",
                "reference": "BACS-RUN-7",
                f"reference_{first.pk}": "BACS-RUN-7/1",
                f"reference_{second.pk}": "",
            },
        )
        assert response.context["done"] == 3
        refs = dict(Payment.objects.filter(pk__in=ids).values_list("pk", "reference"))
        assert refs == {first.pk: "BACS-RUN-7/1", second.pk: "BACS-RUN-7", third.pk: "BACS-RUN-7"}

    def test_the_batch_reference_fills_every_row_without_a_script(
        self, client_for, finance_officer, pm2
    ):
        first, second = _approved("1000", pm2), _approved("2000", pm2)
        response = client_for(finance_officer).post(
            BULK,
            {
                "action": "pay",
                "payment": [first.pk, second.pk],
                "reference": "RUN-9",
                "fill_references": "1",
            },
        )
        page = response.content.decode()
        for p in (first, second):
            assert re.search(rf'name="reference_{p.pk}"[^>]*value="RUN-9"', page)
        assert Payment.objects.filter(status=S.PAID).count() == 0

    def test_a_reference_too_long_is_refused_next_to_its_field_and_nothing_is_paid(
        self, client_for, finance_officer, pm2
    ):
        first, second = _approved("1000", pm2), _approved("2000", pm2)
        response = client_for(finance_officer).post(
            BULK,
            {
                "action": "pay",
                "payment": [first.pk, second.pk],
                "confirm": "1",
                f"reference_{second.pk}": "X" * 305,
            },
        )
        assert "results" not in response.context
        errors = response.context["form"].errors
        assert list(errors) == [f"reference_{second.pk}"]
        assert "at most 60 characters (it has 305)" in errors[f"reference_{second.pk}"][0]
        page = response.content.decode()
        # Shown as typed, by its field, so the person can shorten it (no maxlength to cut it).
        assert "X" * 305 in page
        assert 'maxlength="60"' not in page
        assert Payment.objects.filter(status=S.PAID).count() == 0

    def test_a_batch_reference_too_long_is_refused_too(self, client_for, finance_officer, pm2):
        payment = _approved("1000", pm2)
        response = client_for(finance_officer).post(
            BULK,
            {"action": "pay", "payment": [payment.pk], "confirm": "1", "reference": "B" * 305},
        )
        assert "reference" in response.context["form"].errors
        payment.refresh_from_db()
        assert payment.status == S.APPROVED

    def test_a_refusal_elsewhere_on_the_form_keeps_the_lists_for_the_date_typed(
        self, client_for, finance_officer, pm2
    ):
        """With one reference too long, the page came back judged against today rather than
        the payment date typed: a payment approved after that date moved from "will not be
        done" into the list to pay, and the total with it."""
        earlier, later = _approved("1000", pm2), _approved("2000", pm2)
        Payment.objects.filter(pk=earlier.pk).update(
            approved_at=timezone.now() - datetime.timedelta(days=5)
        )
        paid_on = today() - datetime.timedelta(days=2)
        response = client_for(finance_officer).post(
            BULK,
            {
                "action": "pay",
                "payment": [earlier.pk, later.pk],
                "confirm": "1",
                "paid_on": paid_on.isoformat(),
                f"reference_{earlier.pk}": "X" * 305,
            },
        )
        assert "results" not in response.context
        assert list(response.context["form"].errors) == [f"reference_{earlier.pk}"]
        assert [r["payment"].pk for r in response.context["rows"]] == [earlier.pk]
        refused = {r["payment"].pk: r["refused"] for r in response.context["refused"]}
        assert list(refused) == [later.pk]
        assert "before the payment was approved" in refused[later.pk]
        assert response.context["total"] == Decimal("1000")
        assert Payment.objects.filter(status=S.PAID).count() == 0


class TestSelectAllMatchingTheFilter:
    def test_the_list_offers_every_match_and_the_page_box(self, client_for, finance_officer):
        _payment("1000")
        page = client_for(finance_officer).get(FINANCE, {"status": "scheduled"}).content.decode()
        assert re.search(r'type="checkbox" name="scope" value="filter"', page)
        assert "All 1 payment matching this filter" in page
        # The filter travels with the bulk form, not a list of ids.
        assert re.search(
            r'<input type="hidden" name="status" value="scheduled" form="bulk-form">', page
        )
        # The page's own select-all box is drawn by static/js (hidden until the script shows it).
        assert 'data-select-all="payment"' in page

    def test_the_filter_is_resolved_on_the_server_and_carried_to_the_confirmation(
        self, client_for, finance_officer, pm2
    ):
        wanted = [_approved(a, pm2) for a in ("1000", "2000")]
        mine = _approved("4000", finance_officer)
        elsewhere = _approved("8000", pm2)  # in a round of its own
        scheduled = _payment("16000")
        rnd = wanted[0].award.area.round.slug
        for p in (*wanted, mine, scheduled):
            p.award.area.round = wanted[0].award.area.round
            p.award.area.save()
        client = client_for(finance_officer)
        data = {"action": "pay", "scope": "filter", "round": rnd, "status": "approved"}
        response = client.post(BULK, {**data, "payment": [elsewhere.pk]})
        assert {r["payment"].pk for r in response.context["rows"]} == {p.pk for p in wanted}
        assert [r["payment"].pk for r in response.context["refused"]] == [mine.pk]
        assert response.context["total"] == Decimal("3000")
        page = response.content.decode()
        assert 'name="payment"' not in page
        assert '<input type="hidden" name="scope" value="filter">' in page
        assert f'<input type="hidden" name="round" value="{rnd}">' in page
        fingerprint = response.context["fingerprint"]

        response = client.post(
            BULK, {**data, "confirm": "1", "fingerprint": fingerprint, "reference": "RUN-1"}
        )
        assert response.context["done"] == 2
        paid = set(Payment.objects.filter(status=S.PAID).values_list("pk", flat=True))
        assert paid == {p.pk for p in wanted}

    def test_nothing_is_done_when_the_matches_changed_since_the_confirmation(
        self, client_for, finance_officer, pm2
    ):
        first = _approved("1000", pm2)
        client = client_for(finance_officer)
        data = {"action": "pay", "scope": "filter", "status": "approved"}
        fingerprint = client.post(BULK, data).context["fingerprint"]
        second = _approved("2000", pm2)  # approved meanwhile: it now matches too
        response = client.post(BULK, {**data, "confirm": "1", "fingerprint": fingerprint})
        assert "results" not in response.context
        assert response.context["changed"]
        assert "have changed since this page was shown" in _text(response)
        assert {r["payment"].pk for r in response.context["rows"]} == {first.pk, second.pk}
        assert Payment.objects.filter(status=S.PAID).count() == 0

    def test_too_many_matches_are_refused(self, client_for, finance_officer, pm2, monkeypatch):
        from grants import views

        monkeypatch.setattr(views, "BULK_LIMIT", 2)
        for amount in ("1000", "2000", "3000"):
            _payment(amount)
        response = client_for(finance_officer).post(
            BULK, {"action": "approve", "scope": "filter"}, follow=True
        )
        assert "More than 2 payments match this filter" in _text(response)
        assert Payment.objects.filter(status=S.SCHEDULED).count() == 3


@pytest.mark.parametrize("n", [2, 12])
def test_a_filter_confirmation_runs_the_same_queries_however_many_match(
    client_for, finance_officer, pm2, django_assert_max_num_queries, n
):
    for _ in range(n):
        _approved("1000", pm2)
        _approved("2000", finance_officer)  # refused: the officer approved it
    client = client_for(finance_officer)
    with django_assert_max_num_queries(12):
        response = client.post(BULK, {"action": "pay", "scope": "filter", "status": "approved"})
    assert len(response.context["rows"]) == len(response.context["refused"]) == n
