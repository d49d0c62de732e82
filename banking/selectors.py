"""Reading bank details: an organisation's accounts, the changes awaiting confirmation, who is
told of a change, and what the payment pages need (as annotations, so a list asks no query per
payment)."""

import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from accounts.models import Role, User

from .models import BankAccount

# A payment to an account confirmed (as a change) within this many days is flagged.
RECENT_CHANGE_DAYS = 30


def confirmed_account(organisation) -> BankAccount | None:
    return BankAccount.objects.filter(
        organisation=organisation, status=BankAccount.Status.CONFIRMED
    ).first()


def pending_account(organisation) -> BankAccount | None:
    return (
        BankAccount.objects.filter(organisation=organisation, status=BankAccount.Status.PENDING)
        .select_related("entered_by")
        .first()
    )


def organisation_accounts(organisation) -> list[BankAccount]:
    """Every set of details the organisation has given, newest first, with the people."""
    return list(
        BankAccount.objects.filter(organisation=organisation).select_related(
            "entered_by", "confirmed_by", "rejected_by"
        )
    )


def pending_changes(*, user=None) -> QuerySet[BankAccount]:
    """Details awaiting confirmation, oldest first; for `user`, only those they may confirm (not
    the ones they entered)."""
    qs = BankAccount.objects.filter(status=BankAccount.Status.PENDING).select_related(
        "organisation", "entered_by", "replaces"
    )
    if user is not None:
        qs = qs.exclude(entered_by=user)
    return qs.order_by("entered_at", "pk")


def people_to_tell(organisation) -> list[User]:
    """Who hears of a change of an organisation's bank details: its own users (so a change none
    of them made is noticed) and the programme team who handle money."""
    return list(
        User.objects.filter(is_active=True)
        .filter(
            Q(memberships__organisation=organisation, role=Role.LEAD_ORGANISATION)
            | Q(role__in=[Role.PROGRAMME_MANAGER, Role.FINANCE_OFFICER])
        )
        .distinct()
    )


def recent_since(today: datetime.datetime | None = None) -> datetime.datetime:
    return (today or timezone.now()) - datetime.timedelta(days=RECENT_CHANGE_DAYS)


def payment_annotations(prefix: str = "award__area__lead_organisation") -> dict:
    """What a payment row needs about its organisation's bank details, as subqueries of the
    payment's own query: whether a change awaits confirmation, the confirmed account (its id, its
    last four digits) and when it was confirmed if it replaced another (a change)."""
    org = OuterRef(f"{prefix}_id")
    confirmed = BankAccount.objects.filter(organisation=org, status=BankAccount.Status.CONFIRMED)
    return {
        "bank_pending": Exists(
            BankAccount.objects.filter(organisation=org, status=BankAccount.Status.PENDING)
        ),
        "bank_account_id": Subquery(confirmed.values("pk")[:1]),
        "bank_account_number": Subquery(confirmed.values("account_number")[:1]),
        "bank_changed_at": Subquery(
            confirmed.filter(replaces__isnull=False).values("confirmed_at")[:1]
        ),
    }


def changed_recently_filter(prefix: str = "award__area__lead_organisation"):
    """Payments whose organisation's confirmed account replaced another within the last
    RECENT_CHANGE_DAYS days (a Q for a Payment queryset)."""
    accounts = f"{prefix}__bank_accounts__"
    return Q(
        **{
            f"{accounts}status": BankAccount.Status.CONFIRMED,
            f"{accounts}replaces__isnull": False,
            f"{accounts}confirmed_at__gte": recent_since(),
        }
    )
