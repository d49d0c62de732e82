"""The holds due diligence puts on the money (registered in grants.holds from apps.py): no award
is made and no payment approved or paid while the lead organisation's due diligence is missing,
not yet confirmed, expired, or rates the fraud risk high without a programme manager's decision
to proceed."""

import datetime

from django.db.models import Exists, F, OuterRef, Subquery
from django.utils import timezone

from activity.services import activity_record
from programmes.models import Organisation

from . import selectors
from .models import DueDiligence, FraudRisk
from .workflows import DiligenceStatus, RiskDecision

MISSING = (
    "Due diligence on {org} has not been confirmed: a programme manager must complete the "
    "checklist and a different programme manager confirm it."
)
EXPIRED = "Due diligence on {org} expired on {date}: it must be done again and confirmed."
HIGH_UNDECIDED = (
    "Due diligence on {org} rates the fraud risk high and no programme manager has recorded a "
    "decision to proceed."
)
HIGH_STOPPED = (
    "Due diligence on {org} rates the fraud risk high and a programme manager decided not to "
    "proceed."
)


def standing_reason(organisation, diligence, today: datetime.date) -> str | None:
    """Why money cannot move to `organisation` given its current checklist (None: it can)."""
    if diligence is None:
        return MISSING.format(org=organisation.name)
    if diligence.is_expired(today):
        return EXPIRED.format(org=organisation.name, date=f"{diligence.expires_on:%-d %B %Y}")
    if diligence.fraud_risk == FraudRisk.HIGH and diligence.risk_decision != RiskDecision.PROCEED:
        if diligence.risk_decision == RiskDecision.STOP:
            return HIGH_STOPPED.format(org=organisation.name)
        return HIGH_UNDECIDED.format(org=organisation.name)
    return None


def payment_annotations() -> dict:
    """For a page of payments (grants.selectors.with_four_eyes): the lead organisation's
    name and its current checklist's expiry, rating and decision, on each payment's row."""
    latest = DueDiligence.objects.filter(
        organisation_id=OuterRef("award__area__lead_organisation_id"),
        status=DiligenceStatus.CONFIRMED,
    ).order_by("-confirmed_at")
    return {
        "dd_organisation_name": F("award__area__lead_organisation__name"),
        "dd_found": Exists(latest),
        "dd_expires_on": Subquery(latest.values("expires_on")[:1]),
        "dd_fraud_risk": Subquery(latest.values("fraud_risk")[:1]),
        "dd_risk_decision": Subquery(latest.values("risk_decision")[:1]),
    }


def organisation_hold(organisation) -> str | None:
    current = selectors.current_for(organisation.pk)
    return standing_reason(organisation, current, timezone.localdate())


def award_hold(*, area, stage, amount) -> str | None:
    """grants.holds award hold: the area's lead organisation must have cleared due diligence."""
    return organisation_hold(area.lead_organisation)


def payment_hold(payment) -> str | None:
    """grants.holds payment hold: the award's area's lead organisation must have cleared due
    diligence for a payment to be approved or paid. Reads what ``payment_annotations`` put on a
    page's rows, else asks now."""
    if hasattr(payment, "dd_found"):
        current = (
            DueDiligence(
                expires_on=payment.dd_expires_on,
                fraud_risk=payment.dd_fraud_risk,
                risk_decision=payment.dd_risk_decision,
            )
            if payment.dd_found
            else None
        )
        named = Organisation(name=payment.dd_organisation_name)
        return standing_reason(named, current, timezone.localdate())
    return organisation_hold(payment.award.area.lead_organisation)


def award_record(award, *, actor, occurred_at=None) -> None:
    """grants.holds award recorder: due diligence per award. The area's timeline records, for
    staff, which checklist the award relied on (confirmed when and by whom, its expiry and fraud
    risk), so each award's due diligence can be shown to an auditor as it stood that day."""
    organisation = award.area.lead_organisation
    current = selectors.current_for(organisation.pk)
    if current is None:  # nothing held it: only possible when no hold is registered
        return
    activity_record(
        verb="diligence.award_checked",
        summary=f"Due diligence for the {award.get_stage_display()} award: {organisation.name}'s "
        f"checklist confirmed {current.confirmed_on:%-d %b %Y}"
        f"{f' by {current.confirmed_by}' if current.confirmed_by_id else ''}, expires "
        f"{current.expires_on:%-d %b %Y}, fraud risk {current.get_fraud_risk_display().lower()}",
        actor=actor,
        area=award.area,
        target=current,
        occurred_at=occurred_at,
        data={"award": award.pk, "diligence": current.pk},
    )
