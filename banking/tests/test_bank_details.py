"""Bank details with fraud controls (issue 23): UK formats only; a change waits for a second
person's confirmation with a call-back, is announced to the organisation's other users and the
programme team, and holds the organisation's payments until confirmed; a paid payment records the
account it went to; full numbers only for finance officers, each look recorded."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.tests.factories import MembershipFactory, UserFactory
from activity.models import ActivityEntry, Notification
from banking import services
from banking.holds import CHANGE_PENDING, NO_CONFIRMED_ACCOUNT
from banking.models import BankAccount
from banking.tests.factories import BankAccountFactory
from banking.workflows import ENTERER_MAY_NOT_CONFIRM
from core.workflow import MoveRefused
from grants.models import Payment
from grants.services import payment_approve, payment_pay
from grants.tests.factories import AwardFactory, PaymentFactory
from programmes.tests.factories import AreaFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

CALLBACK = {
    "callback_contact": "Jo Treasurer",
    "callback_number": "0113 496 0000",
    "callback_note": "Confirmed the new sort code and account number.",
}


def _called():
    return {**CALLBACK, "callback_at": timezone.now() - datetime.timedelta(hours=1)}


def _enter(org, actor, **over):
    details = {"account_name": "Hope Trust", "sort_code": "12-34-56", "account_number": "8765 4321"}
    return services.bank_account_enter(organisation=org, actor=actor, **{**details, **over})


@pytest.fixture
def org_area():
    return AreaFactory(lead_organisation=OrganisationFactory(bank_account=False))


@pytest.fixture
def lead(org_area):
    user = UserFactory()
    MembershipFactory(user=user, organisation=org_area.lead_organisation)
    return user


# --- UK formats ------------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["12-34-56", "12 34 56", "123456", " 12-34 56 "])
def test_a_sort_code_is_stored_as_six_digits(typed):
    assert services.normalise_sort_code(typed) == "123456"


@pytest.mark.parametrize("typed", ["12-34-5", "1234567", "12-34-5A", "", "12.34.56"])
def test_a_bad_sort_code_is_refused_by_its_field(org_area, lead, typed):
    with pytest.raises(ValidationError) as refused:
        _enter(org_area.lead_organisation, lead, sort_code=typed)
    assert refused.value.error_dict["sort_code"][0].code == "bad_sort_code"
    assert not BankAccount.objects.exists()


@pytest.mark.parametrize("typed", ["1234567", "123456789", "1234 567X", ""])
def test_a_bad_account_number_is_refused_by_its_field(org_area, lead, typed):
    with pytest.raises(ValidationError) as refused:
        _enter(org_area.lead_organisation, lead, account_number=typed)
    assert refused.value.error_dict["account_number"][0].code == "bad_account_number"
    assert not BankAccount.objects.exists()


def test_the_form_shows_a_bad_sort_code_next_to_its_field(client_for, org_area, lead):
    org = org_area.lead_organisation
    response = client_for(lead).post(
        f"/bank-details/organisations/{org.pk}/new/",
        {"account_name": "Hope Trust", "sort_code": "12-34", "account_number": "1234567"},
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["sort_code"] == [services.BAD_SORT_CODE]
    assert form.errors["account_number"] == [services.BAD_ACCOUNT_NUMBER]
    assert not BankAccount.objects.exists()


# --- holds -----------------------------------------------------------------------------------


def test_payment_to_an_organisation_with_no_confirmed_account_is_refused(org_area):
    finance = UserFactory(finance_officer=True)
    payment = PaymentFactory(award=AwardFactory(area=org_area))
    with pytest.raises(MoveRefused) as refused:
        payment_approve(payment=payment, actor=finance)
    assert refused.value.reason == NO_CONFIRMED_ACCOUNT.format(org=org_area.lead_organisation.name)
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SCHEDULED


def test_payment_to_an_unconfirmed_account_is_refused_until_a_second_person_confirms(
    org_area, lead
):
    org = org_area.lead_organisation
    old = BankAccountFactory(organisation=org)
    pm, finance, finance2 = (
        UserFactory(programme_manager=True),
        UserFactory(finance_officer=True),
        UserFactory(finance_officer=True),
    )
    payment = PaymentFactory(
        award=AwardFactory(area=org_area), status=Payment.Status.APPROVED, approved_by=pm
    )
    new = _enter(org, lead)
    assert (new.status, new.replaces) == ("pending", old)
    with pytest.raises(MoveRefused) as refused:
        payment_pay(payment=payment, actor=finance, reference="BACS-1")
    assert refused.value.reason == CHANGE_PENDING.format(org=org.name)
    payment.refresh_from_db()
    assert payment.status == Payment.Status.APPROVED and payment.paid_to is None

    services.bank_account_confirm(account=new, actor=finance2, **_called())
    old.refresh_from_db()
    new.refresh_from_db()
    assert (old.status, new.status) == ("superseded", "confirmed")
    assert new.confirmed_by == finance2 and new.callback_contact == "Jo Treasurer"

    payment_pay(payment=payment, actor=finance, reference="BACS-1")
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PAID
    assert payment.paid_to == new


def test_approving_is_held_too_while_a_change_waits(org_area, lead):
    org = org_area.lead_organisation
    BankAccountFactory(organisation=org)
    payment = PaymentFactory(award=AwardFactory(area=org_area), amount=Decimal("500"))
    _enter(org, lead)
    with pytest.raises(MoveRefused, match="await confirmation by a call-back"):
        payment_approve(payment=payment, actor=UserFactory(finance_officer=True))


# --- four eyes and the call-back -------------------------------------------------------------


def test_confirming_your_own_change_is_refused(org_area):
    finance = UserFactory(finance_officer=True)
    account = _enter(org_area.lead_organisation, finance)
    with pytest.raises(MoveRefused) as refused:
        services.bank_account_confirm(account=account, actor=finance, **_called())
    assert refused.value.reason == ENTERER_MAY_NOT_CONFIRM
    account.refresh_from_db()
    assert account.status == "pending" and account.confirmed_by is None


def test_a_lead_organisation_user_cannot_confirm(org_area, lead):
    account = _enter(org_area.lead_organisation, UserFactory(finance_officer=True))
    with pytest.raises(PermissionDenied):
        services.bank_account_confirm(account=account, actor=lead, **_called())


def test_confirming_needs_the_call_back(org_area, lead):
    account = _enter(org_area.lead_organisation, lead)
    with pytest.raises(ValidationError) as refused:
        services.bank_account_confirm(
            account=account,
            actor=UserFactory(finance_officer=True),
            callback_contact="",
            callback_number="",
            callback_at=None,
        )
    assert set(refused.value.error_dict) == {"callback_contact", "callback_number", "callback_at"}
    account.refresh_from_db()
    assert account.status == "pending"


def test_one_change_waits_at_a_time(org_area, lead):
    _enter(org_area.lead_organisation, lead)
    with pytest.raises(ValidationError) as refused:
        _enter(org_area.lead_organisation, lead, account_number="11112222")
    assert refused.value.code == "change_pending"


def test_a_rejected_change_leaves_the_old_account_paid_into(org_area, lead):
    org = org_area.lead_organisation
    old = BankAccountFactory(organisation=org)
    new = _enter(org, lead)
    services.bank_account_reject(
        account=new, actor=UserFactory(programme_manager=True), reason="Nobody asked for it."
    )
    new.refresh_from_db()
    old.refresh_from_db()
    assert (new.status, old.status) == ("rejected", "confirmed")
    assert new.rejected_reason == "Nobody asked for it."


def test_the_database_refuses_a_confirmation_by_whoever_entered_it(org_area):
    from django.db import IntegrityError, transaction

    finance = UserFactory(finance_officer=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        BankAccountFactory(
            organisation=org_area.lead_organisation, entered_by=finance, confirmed_by=finance
        )


# --- announcements and the record ------------------------------------------------------------


def test_a_change_is_announced_to_the_other_users_and_the_programme_team(org_area, lead):
    colleague = UserFactory()
    MembershipFactory(user=colleague, organisation=org_area.lead_organisation)
    pm, finance = UserFactory(programme_manager=True), UserFactory(finance_officer=True)
    stranger, rm = UserFactory(), UserFactory(relationship_manager=True)
    account = _enter(org_area.lead_organisation, lead)
    told = set(
        Notification.objects.filter(entry__verb="bank_account.entered").values_list(
            "recipient", flat=True
        )
    )
    assert told == {colleague.pk, pm.pk, finance.pk}
    assert stranger.pk not in told and rm.pk not in told and lead.pk not in told
    entry = ActivityEntry.objects.get(verb="bank_account.entered")
    # The entry names the account by its last four digits only.
    assert "****4321" in entry.summary and "87654321" not in entry.summary
    assert entry.target_id == str(account.pk)


def test_a_finance_officer_s_look_at_the_full_number_is_recorded(org_area, lead):
    account = BankAccountFactory(organisation=org_area.lead_organisation)
    finance = UserFactory(finance_officer=True)
    assert services.bank_account_reveal(account=account, actor=finance) == account.account_number
    entry = ActivityEntry.objects.get(verb="bank_account.viewed")
    assert entry.actor == finance and account.account_number not in entry.summary
    for not_finance in (lead, UserFactory(programme_manager=True)):
        with pytest.raises(PermissionDenied):
            services.bank_account_reveal(account=account, actor=not_finance)
    assert ActivityEntry.objects.filter(verb="bank_account.viewed").count() == 1
