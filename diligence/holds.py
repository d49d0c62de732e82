"""The holds due diligence puts on the money (registered in grants.holds from apps.py): no award
is made and no payment approved or paid while the lead organisation's due diligence is missing,
not yet confirmed, expired, or rates the fraud risk high without a programme manager's decision
to proceed."""

import datetime

from django.utils import timezone

from . import selectors
from .models import FraudRisk
from .workflows import RiskDecision

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


def preload_payments(payments) -> None:
    """For a page of payments (grants.holds.payment_holds_preload): each payment's lead
    organisation and its current checklist, read in two queries for the whole page."""
    from grants.models import Payment

    rows = Payment.objects.filter(pk__in=[p.pk for p in payments]).values_list(
        "pk", "award__area__lead_organisation_id", "award__area__lead_organisation__name"
    )
    orgs = {pk: (org_id, name) for pk, org_id, name in rows}
    found = selectors.current_for_many(org_id for org_id, _ in orgs.values())
    for payment in payments:
        if payment.pk in orgs:
            org_id, name = orgs[payment.pk]
            payment.__dict__.setdefault("_memo", {})["diligence"] = (name, found.get(org_id))


def organisation_hold(organisation) -> str | None:
    current = selectors.current_for(organisation.pk)
    return standing_reason(organisation, current, timezone.localdate())


def award_hold(*, area, stage, amount) -> str | None:
    """grants.holds award hold: the area's lead organisation must have cleared due diligence."""
    return organisation_hold(area.lead_organisation)


def payment_hold(payment) -> str | None:
    """grants.holds payment hold: the award's area's lead organisation must have cleared due
    diligence for a payment to be approved or paid. Reads what ``preload_payments`` read for a
    page, else asks now (never kept: a decision made since must count at once)."""
    preloaded = payment.__dict__.get("_memo", {}).get("diligence")
    if preloaded is not None:
        name, current = preloaded
        return standing_reason(_Named(name), current, timezone.localdate())
    return organisation_hold(payment.award.area.lead_organisation)


class _Named:
    """An organisation as the reason needs it: its name."""

    def __init__(self, name):
        self.name = name
