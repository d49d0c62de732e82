"""The holds due diligence puts on the money (registered in grants.holds from apps.py): no award
is made and no payment approved or paid while the lead organisation's due diligence is missing,
not yet confirmed, expired, or rates the fraud risk high without a programme manager's decision
to proceed."""

import datetime

from django.utils import timezone

from core.memo import per_object

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


def _current(organisation):
    """The organisation's current checklist: what ``preload`` read for a page of payments, else
    read now (never kept: a decision made since must count at once)."""
    memo = organisation.__dict__.get("_memo", {})
    if "diligence_current" in memo:
        return memo["diligence_current"]
    return selectors.current_for(organisation.pk)


def preload(organisations) -> None:
    """Read the current checklists of many organisations in one query, for a list of payments."""
    todo = [o for o in organisations if "diligence_current" not in o.__dict__.get("_memo", {})]
    if not todo:
        return
    found = selectors.current_for_many(o.pk for o in todo)
    for o in todo:
        per_object(o, "diligence_current", lambda o=o: found.get(o.pk))


def organisation_hold(organisation) -> str | None:
    return standing_reason(organisation, _current(organisation), timezone.localdate())


def award_hold(*, area, stage, amount) -> str | None:
    """grants.holds award hold: the area's lead organisation must have cleared due diligence."""
    return organisation_hold(area.lead_organisation)


def payment_hold(payment) -> str | None:
    """grants.holds payment hold: the award's area's lead organisation must have cleared due
    diligence for a payment to be approved or paid."""
    return organisation_hold(payment.award.area.lead_organisation)
