"""The refusals issue 23 lists for due diligence: no award and no payment approval without it,
nobody confirms their own checklist, a high fraud risk needs a programme manager's decision, and
an expired checklist counts as none. Each rule is stated here, not read from the code."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from accounts.tests.factories import UserFactory
from core.testing import today
from core.workflow import MoveRefused
from diligence import services
from diligence.models import DueDiligence, FraudRisk, GovernanceDocument, RegisterCheck
from diligence.tests.conftest import pdf_file
from diligence.tests.factories import cleared
from diligence.workflows import DILIGENCE, OWN_CHECKLIST
from grants.models import Award, Payment
from grants.services import award_grant, payment_approve, payment_approve_preview
from grants.tests.factories import PaymentFactory
from programmes.models import Stage
from programmes.tests.factories import AreaFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def bare_area(db):
    """An area whose lead organisation has no due diligence at all."""
    return AreaFactory(lead_organisation=OrganisationFactory(diligence=False))


def _award(area, actor):
    return award_grant(area=area, stage=Stage.GETTING_READY, amount=Decimal("3000"), actor=actor)


def _complete_checklist(org, preparer, *, risk=FraudRisk.LOW) -> DueDiligence:
    """A checklist filled in through the services, ready to send."""
    dd = services.diligence_start(organisation=org, actor=preparer)
    services.register_check_add(
        diligence=dd,
        actor=preparer,
        register=RegisterCheck.Register.CHARITY,
        identifier=org.charity_number,
        checked_on=today(),
        outcome=RegisterCheck.Outcome.CLEAR,
        finding="Registered since 2009; accounts filed on time.",
    )
    for kind in GovernanceDocument.REQUIRED:
        services.document_add(
            diligence=dd,
            actor=preparer,
            kind=kind,
            uploaded_file=pdf_file(f"{kind}.pdf"),
            review_on=today() + datetime.timedelta(days=200),
        )
    services.diligence_update(
        diligence=dd,
        actor=preparer,
        accounts_year_end=today() - datetime.timedelta(days=100),
        accounts_income=Decimal("84000"),
        conflicts_answered=True,
        fraud_risk=risk,
        fraud_risk_reasons="Clean filings." if risk == FraudRisk.LOW else "Late accounts twice.",
        fraud_mitigations="" if risk == FraudRisk.LOW else "Payments in arrears against receipts.",
    )
    return dd


# --- refusals ---------------------------------------------------------------------------------


def test_an_award_is_refused_without_due_diligence(bare_area, programme_manager):
    with pytest.raises(ValidationError, match="has not been confirmed") as refused:
        _award(bare_area, programme_manager)
    assert refused.value.code == "award_held"
    assert not Award.objects.filter(area=bare_area).exists()


def test_an_award_is_refused_while_the_checklist_awaits_confirmation(bare_area, programme_manager):
    dd = _complete_checklist(bare_area.lead_organisation, programme_manager)
    services.diligence_submit(diligence=dd, actor=programme_manager)
    with pytest.raises(ValidationError, match="has not been confirmed"):
        _award(bare_area, programme_manager)


def test_payment_approval_is_refused_without_due_diligence(area):
    finance = UserFactory(finance_officer=True)
    payment = PaymentFactory(award__area=area)
    DueDiligence.objects.filter(organisation=area.lead_organisation).delete()
    preview = payment_approve_preview(payment, finance)
    assert not preview.allowed and "has not been confirmed" in preview.reason
    with pytest.raises(MoveRefused, match="has not been confirmed"):
        payment_approve(payment=payment, actor=finance)
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SCHEDULED


def test_nobody_confirms_their_own_checklist(bare_area, programme_manager, pm2):
    dd = _complete_checklist(bare_area.lead_organisation, programme_manager)
    services.diligence_submit(diligence=dd, actor=programme_manager)
    with pytest.raises(MoveRefused, match=OWN_CHECKLIST):
        services.diligence_confirm(diligence=dd, actor=programme_manager)
    with pytest.raises(MoveRefused, match=OWN_CHECKLIST):
        services.diligence_return(diligence=dd, actor=programme_manager, reason="No.")
    dd.refresh_from_db()
    assert dd.status == "submitted"
    services.diligence_confirm(diligence=dd, actor=pm2)
    assert dd.status == "confirmed" and dd.confirmed_by == pm2
    assert dd.expires_on == today() + datetime.timedelta(days=365)
    assert _award(bare_area, pm2).pk


def test_high_risk_without_a_decision_holds_the_award_until_a_pm_decides(
    bare_area, programme_manager, pm2
):
    dd = _complete_checklist(bare_area.lead_organisation, programme_manager, risk=FraudRisk.HIGH)
    services.diligence_submit(diligence=dd, actor=programme_manager)
    services.diligence_confirm(diligence=dd, actor=pm2)
    assert dd.risk_decision == "pending"
    with pytest.raises(ValidationError, match="rates the fraud risk high and no programme manager"):
        _award(bare_area, pm2)
    services.risk_decide(diligence=dd, actor=pm2, decision="stop", reason="Wait for audit.")
    with pytest.raises(ValidationError, match="decided not to proceed"):
        _award(bare_area, pm2)
    services.risk_decide(
        diligence=dd, actor=programme_manager, decision="proceed", reason="Audit came back clean."
    )
    assert _award(bare_area, pm2).pk


def test_only_programme_managers_record_the_high_risk_decision(bare_area, programme_manager, pm2):
    dd = _complete_checklist(bare_area.lead_organisation, programme_manager, risk=FraudRisk.HIGH)
    services.diligence_submit(diligence=dd, actor=programme_manager)
    services.diligence_confirm(diligence=dd, actor=pm2)
    funder = UserFactory(funder_officer=True)
    with pytest.raises(Exception, match="Only programme managers"):
        services.risk_decide(diligence=dd, actor=funder, decision="proceed", reason="Fine.")


def test_expired_due_diligence_holds_awards_and_payments(programme_manager):
    org = OrganisationFactory(diligence=False)
    cleared(org, expires_on=today() - datetime.timedelta(days=1))
    area = AreaFactory(lead_organisation=org)
    with pytest.raises(ValidationError, match="expired on"):
        _award(area, programme_manager)
    payment = PaymentFactory(award__area=area)
    finance = UserFactory(finance_officer=True)
    with pytest.raises(MoveRefused, match="expired on"):
        payment_approve(payment=payment, actor=finance)


def test_due_diligence_in_date_lets_the_award_and_payment_go_ahead(area, programme_manager):
    award = _award(area, programme_manager)
    # Due diligence per award: the area's timeline says which checklist the award relied on.
    from activity.models import ActivityEntry

    current = DueDiligence.objects.get(organisation=area.lead_organisation, status="confirmed")
    entry = ActivityEntry.objects.get(verb="diligence.award_checked", area=area)
    assert entry.data == {"award": award.pk, "diligence": current.pk}
    assert f"checklist confirmed {current.confirmed_on:%-d %b %Y}" in entry.summary
    assert "fraud risk low" in entry.summary
    payment = PaymentFactory(award__area=AreaFactory())
    finance = UserFactory(finance_officer=True)
    assert payment_approve(payment=payment, actor=finance).status == "approved"


def test_an_incomplete_checklist_cannot_be_sent(bare_area, programme_manager):
    dd = services.diligence_start(organisation=bare_area.lead_organisation, actor=programme_manager)
    with pytest.raises(MoveRefused, match="not complete: record at least one register check"):
        services.diligence_submit(diligence=dd, actor=programme_manager)


def test_a_medium_risk_needs_its_mitigations(bare_area, programme_manager):
    dd = _complete_checklist(bare_area.lead_organisation, programme_manager)
    services.diligence_update(
        diligence=dd,
        actor=programme_manager,
        accounts_year_end=dd.accounts_year_end,
        accounts_income=dd.accounts_income,
        conflicts_answered=True,
        fraud_risk=FraudRisk.MEDIUM,
        fraud_risk_reasons="New organisation.",
    )
    with pytest.raises(MoveRefused, match="medium or high fraud risk is mitigated"):
        services.diligence_submit(diligence=dd, actor=programme_manager)


def test_a_returned_checklist_is_mended_and_sent_again(bare_area, programme_manager, pm2):
    dd = _complete_checklist(bare_area.lead_organisation, programme_manager)
    services.diligence_submit(diligence=dd, actor=programme_manager)
    services.diligence_return(diligence=dd, actor=pm2, reason="Add the 2025 accounts.")
    assert dd.status == "returned" and dd.returned_reason == "Add the 2025 accounts."
    services.diligence_submit(diligence=dd, actor=programme_manager)
    assert dd.status == "submitted"


def test_a_confirmed_checklist_can_no_longer_be_changed(bare_area, programme_manager, pm2):
    dd = _complete_checklist(bare_area.lead_organisation, programme_manager)
    services.diligence_submit(diligence=dd, actor=programme_manager)
    services.diligence_confirm(diligence=dd, actor=pm2)
    with pytest.raises(ValidationError, match="can no longer be changed"):
        services.register_check_add(
            diligence=dd,
            actor=pm2,
            register=RegisterCheck.Register.COMPANY,
            identifier="12345678",
            checked_on=today(),
            outcome=RegisterCheck.Outcome.CLEAR,
            finding="Fine.",
        )


def test_one_checklist_in_preparation_at_a_time(bare_area, programme_manager):
    services.diligence_start(organisation=bare_area.lead_organisation, actor=programme_manager)
    with pytest.raises(ValidationError, match="already has a checklist in preparation"):
        services.diligence_start(organisation=bare_area.lead_organisation, actor=programme_manager)


# --- who may do what: the expected table, written out ------------------------------------------

EXPECTED = {
    # (source, target): roles that may make the move (four eyes aside)
    ("draft", "submitted"): {"programme_manager", "admin"},
    ("returned", "submitted"): {"programme_manager", "admin"},
    ("submitted", "confirmed"): {"programme_manager", "admin"},
    ("submitted", "returned"): {"programme_manager", "admin"},
}
ROLES = [
    "programme_manager",
    "funder_officer",
    "finance_officer",
    "relationship_manager",
    "lead_organisation",
    "admin",
]


def test_the_workflow_table_is_as_expected():
    assert set(DILIGENCE.moves) == set(EXPECTED)
    for (source, target), allowed in EXPECTED.items():
        for role in ROLES:
            user = UserFactory.build(role=role, is_superuser=role == "admin")
            refused = DILIGENCE.refusal(source, target, user)
            assert (refused is None) == (role in allowed), (source, target, role)
