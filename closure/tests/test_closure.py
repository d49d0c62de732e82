"""Grant closure (issue 23): the refusals the issue lists, the journey through the services, the
read-only area after closure, and closed areas leaving the queues."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.tests.factories import MembershipFactory, UserFactory
from closure import services
from closure.models import GrantClosure
from closure.report import award_row
from closure.selectors import closure_report_awards, open_closures
from closure.workflows import PROPOSER_MAY_NOT_APPROVE
from core.workflow import MoveRefused
from delivery.models import ReturnStatus
from delivery.services import return_review, return_save, return_submit
from delivery.tests.factories import ImplementingAreaFactory, ProgressReturnFactory
from grants.tests.factories import AwardFactory, payment_in_state
from programmes.models import AreaStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def pm2(db):
    return UserFactory(username="pm2", programme_manager=True)


@pytest.fixture
def grant(programme_manager):
    """An implementing area with a £3,000 award, £3,000 of it paid, and its closure started."""
    area = ImplementingAreaFactory()
    award = AwardFactory(area=area, amount=Decimal("3000"))
    payment_in_state(award=award, status="paid", amount=Decimal("3000"))
    lead = UserFactory(username="lead")
    MembershipFactory(user=lead, organisation=area.lead_organisation)
    closure = services.closure_start(area=area, actor=programme_manager)
    return {"area": area, "award": award, "lead": lead, "closure": closure}


def _final_report(closure, lead, pm, *, spent=Decimal("2500"), accept=True):
    report = closure.final_report
    return_save(
        progress_return=report,
        actor=lead,
        progress_status="on_schedule",
        factors=[{"factor": "residents", "kind": "enabler", "other_text": ""}],
        final={"outcomes_achieved": "The advice service runs.", "spent": spent, "lessons": "x"},
    )
    return_submit(progress_return=report, actor=lead, today=timezone.localdate())
    if accept:
        return_review(progress_return=report, actor=pm, decision="accepted", note="", comments={})
    report.refresh_from_db()
    return report


def _rec(grant):
    return grant["closure"].reconciliations.get()


def test_a_lead_submits_the_final_report_and_the_programme_closes_with_500_returned(
    grant, programme_manager, finance_officer
):
    report = _final_report(grant["closure"], grant["lead"], programme_manager)
    assert report.status == ReturnStatus.ACCEPTED and report.spent == Decimal("2500")
    services.reconciliation_record(
        reconciliation=_rec(grant),
        actor=programme_manager,
        spent=Decimal("2500"),
        returned_by=timezone.localdate() + datetime.timedelta(days=28),
    )
    unspent = _rec(grant).unspent
    assert unspent.amount == Decimal("500.00") and unspent.status == "to_return"
    services.unspent_receive(
        unspent=unspent,
        actor=finance_officer,
        amount=Decimal("500"),
        received_on=timezone.localdate(),
    )
    unspent.refresh_from_db()
    assert unspent.status == "returned" and unspent.received_by == finance_officer
    services.closure_close(closure=grant["closure"], actor=programme_manager)
    grant["area"].refresh_from_db()
    assert grant["area"].status == AreaStatus.COMPLETED
    row = award_row(closure_report_awards(grant["area"].round).get(pk=grant["award"].pk))
    assert (row["awarded"], row["paid"], row["unspent"], row["returned"], row["status"]) == (
        Decimal("3000.00"),
        Decimal("3000.00"),
        Decimal("500.00"),
        Decimal("500.00"),
        "Closed",
    )


def test_closing_with_money_unreconciled_is_refused(grant, programme_manager):
    _final_report(grant["closure"], grant["lead"], programme_manager)
    with pytest.raises(MoveRefused, match="Record what was spent"):
        services.closure_close(closure=grant["closure"], actor=programme_manager)
    services.reconciliation_record(
        reconciliation=_rec(grant),
        actor=programme_manager,
        spent=Decimal("2500"),
        returned_by=timezone.localdate(),
    )
    with pytest.raises(MoveRefused, match="must be returned or written off"):
        services.closure_close(closure=grant["closure"], actor=programme_manager)
    grant["area"].refresh_from_db()
    assert grant["area"].status == AreaStatus.ACTIVE


def test_closing_with_a_payment_still_to_pay_is_refused(grant, programme_manager):
    _final_report(grant["closure"], grant["lead"], programme_manager)
    award = AwardFactory(area=grant["area"], stage="making_it_happen", amount=Decimal("1000"))
    services.reconciliation_record(
        reconciliation=_rec(grant), actor=programme_manager, spent=Decimal("3000")
    )
    payment_in_state(award=award, status="scheduled", amount=Decimal("1000"))
    grant["closure"].reconciliations.create(award=award, spent=Decimal("0"))
    with pytest.raises(MoveRefused, match="still to pay or cancel"):
        services.closure_close(closure=grant["closure"], actor=programme_manager)


def test_a_write_off_is_not_approved_by_the_person_who_proposed_it(grant, programme_manager, pm2):
    _final_report(grant["closure"], grant["lead"], programme_manager)
    services.reconciliation_record(
        reconciliation=_rec(grant),
        actor=programme_manager,
        spent=Decimal("2500"),
        write_off_reason="Recovering it would cost more than it is worth.",
    )
    unspent = _rec(grant).unspent
    assert unspent.status == "write_off_proposed"
    with pytest.raises(MoveRefused) as refused:
        services.unspent_decide_write_off(unspent=unspent, actor=programme_manager, approve=True)
    assert refused.value.reason == PROPOSER_MAY_NOT_APPROVE
    services.unspent_decide_write_off(unspent=unspent, actor=pm2, approve=True)
    unspent.refresh_from_db()
    assert unspent.status == "written_off" and unspent.approved_by == pm2
    services.closure_close(closure=grant["closure"], actor=programme_manager)
    row = award_row(closure_report_awards(grant["area"].round).get(pk=grant["award"].pk))
    assert row["written_off"] == Decimal("500.00") and row["returned"] == Decimal("0.00")


def test_closing_before_the_final_report_is_accepted_is_refused(grant, programme_manager):
    _final_report(grant["closure"], grant["lead"], programme_manager, accept=False)
    services.reconciliation_record(
        reconciliation=_rec(grant), actor=programme_manager, spent=Decimal("3000")
    )
    with pytest.raises(MoveRefused, match="final report has not been accepted"):
        services.closure_close(closure=grant["closure"], actor=programme_manager)


def _closed(grant, pm):
    _final_report(grant["closure"], grant["lead"], pm)
    services.reconciliation_record(reconciliation=_rec(grant), actor=pm, spent=Decimal("3000"))
    services.closure_close(closure=grant["closure"], actor=pm)


def test_a_closed_areas_records_cannot_be_edited(grant, programme_manager):
    _closed(grant, programme_manager)
    area = grant["area"]
    area.refresh_from_db()
    later = ProgressReturnFactory(area=area)
    for who in (grant["lead"], programme_manager):
        with pytest.raises(PermissionDenied, match="This grant is closed"):
            return_save(progress_return=later, actor=who, progress_status="ahead")
    from support import permissions as support_perms

    allowed, reason = support_perms.can_log_contact(programme_manager, area)
    assert not allowed and "This grant is closed" in reason
    # A correction, with a reason, lets programme managers (only) change the records again.
    services.closure_open_correction(
        closure=grant["closure"], actor=programme_manager, reason="Wrong reach figure."
    )
    area = type(area).objects.get(pk=area.pk)
    later.area = area
    return_save(progress_return=later, actor=programme_manager, progress_status="ahead")
    with pytest.raises(PermissionDenied, match="This grant is closed"):
        return_save(progress_return=later, actor=grant["lead"], progress_status="ahead")


def test_no_payment_moves_on_a_closed_grant(grant, programme_manager):
    from grants.holds import payment_hold_reason

    payment = grant["award"].payments.get()
    assert payment_hold_reason(payment) is None
    _closed(grant, programme_manager)
    assert "This grant is closed" in payment_hold_reason(payment)


def test_a_closed_grant_leaves_the_open_queues(grant, programme_manager):
    assert list(open_closures()) == [grant["closure"]]
    _closed(grant, programme_manager)
    assert list(open_closures()) == []
    assert GrantClosure.objects.get().status == "closed"


def test_only_programme_managers_close_grants(grant, finance_officer):
    with pytest.raises(ValidationError):
        services.closure_close(closure=grant["closure"], actor=finance_officer)


def test_closing_and_writing_off_ask_for_confirmation_first(
    client_for, grant, programme_manager, pm2
):
    """Closing a grant and approving a write-off are irreversible: each POST without confirm=1
    answers with the confirmation page saying what will happen, and does nothing."""
    from django.urls import reverse

    _final_report(grant["closure"], grant["lead"], programme_manager)
    services.reconciliation_record(
        reconciliation=_rec(grant),
        actor=programme_manager,
        spent=Decimal("2500"),
        write_off_reason="Recovering it would cost more than it is worth.",
    )
    unspent = _rec(grant).unspent
    url = reverse("closure:unspent_move", args=[unspent.pk, "approve_write_off"])
    # The proposer is refused before any confirmation page.
    refused = client_for(programme_manager).post(url, follow=True).content.decode()
    assert "Not approved: You proposed this write-off" in refused
    second = client_for(pm2)
    page = second.post(url).content.decode()
    assert "Writes off £500.00 unspent" in page and 'name="confirm" value="1"' in page
    unspent.refresh_from_db()
    assert unspent.status == "write_off_proposed"
    second.post(url, {"confirm": "1"})
    unspent.refresh_from_db()
    assert unspent.status == "written_off" and unspent.approved_by == pm2

    close = reverse("closure:closure_close", args=[grant["area"].reference])
    page = second.post(close).content.decode()
    assert "read-only" in page and "Completed" in page and 'name="confirm" value="1"' in page
    grant["closure"].refresh_from_db()
    assert grant["closure"].status == "closing"
    second.post(close, {"confirm": "1"})
    grant["closure"].refresh_from_db()
    grant["area"].refresh_from_db()
    assert grant["closure"].status == "closed" and grant["area"].status == AreaStatus.COMPLETED


def test_closing_with_money_unreconciled_is_refused_before_the_confirmation(
    client_for, grant, programme_manager
):
    from django.urls import reverse

    close = reverse("closure:closure_close", args=[grant["area"].reference])
    page = client_for(programme_manager).post(close, follow=True).content.decode()
    assert "Not closed:" in page and 'name="confirm"' not in page
