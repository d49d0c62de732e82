"""The hold banking puts on the money (registered in grants/holds.py by banking.apps): no
payment is approved or paid while its organisation's bank details are unconfirmed, that is while
a change awaits its call-back confirmation, or when the organisation has no confirmed account at
all. Pages read the answer from annotations (``payment_annotations``) so a list asks no query per
payment; the payment services lock the payment and read it afresh."""

from .models import BankAccount

CHANGE_PENDING = (
    "Payment to an unconfirmed account: {org}'s new bank details await confirmation by a "
    "call-back, and its payments are held until then."
)
NO_CONFIRMED_ACCOUNT = (
    "Payment to an unconfirmed account: {org} has no confirmed bank account yet, so its payments "
    "are held until one is confirmed."
)

_UNREAD = object()


def bank_state(payment) -> tuple[bool, int | None]:
    """(a change awaits confirmation, the confirmed account's id) for the payment's organisation:
    from the annotations where a selector put them, otherwise read now."""
    pending = getattr(payment, "bank_pending", _UNREAD)
    account_id = getattr(payment, "bank_account_id", _UNREAD)
    if pending is _UNREAD or account_id is _UNREAD:
        org_id = payment.award.area.lead_organisation_id
        rows = list(
            BankAccount.objects.filter(
                organisation_id=org_id,
                status__in=[BankAccount.Status.PENDING, BankAccount.Status.CONFIRMED],
            ).values_list("status", "pk")
        )
        pending = any(status == BankAccount.Status.PENDING for status, _ in rows)
        account_id = next(
            (pk for status, pk in rows if status == BankAccount.Status.CONFIRMED), None
        )
    return bool(pending), account_id


def bank_payment_hold(payment) -> str | None:
    pending, account_id = bank_state(payment)
    if not pending and account_id is not None:
        return None
    org = payment.award.area.lead_organisation.name
    return (CHANGE_PENDING if pending else NO_CONFIRMED_ACCOUNT).format(org=org)


def paid_to_changes(payment) -> dict:
    """What the pay service records as it marks `payment` paid: the organisation's confirmed
    account, read afresh under the payment's lock (the hold has just allowed the move, so there
    is one)."""
    account = (
        BankAccount.objects.filter(
            organisation_id=payment.award.area.lead_organisation_id,
            status=BankAccount.Status.CONFIRMED,
        )
        .values_list("pk", flat=True)
        .first()
    )
    return {"paid_to_id": account}
