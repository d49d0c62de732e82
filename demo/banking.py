"""Demo bank details (banking/), in every state, through the services.

Every organisation is paid into a confirmed account: ``ensure_confirmed`` gives one (entered by
the organisation's own user, confirmed by `finance` after a call-back) before the demo's first
payment to it (demo.grants.settle), and ``load`` gives the rest of the areas' organisations theirs.
Then, so each page has something to show:
- the demo lead's organisation changed its account ten days ago (pm confirmed it), so its payments
  are flagged on the finance list, and an earlier change was rejected after the call-back;
- a live-round organisation with payments still to approve has a change awaiting confirmation
  (its payments are held: My work's "Bank details to confirm" for finance and pm);
- an applicant organisation has given its first account, awaiting confirmation.
Deterministic and safe to run again."""

import datetime

from django.utils import timezone

from accounts.models import User
from banking import services
from banking.models import BankAccount
from grants.models import Payment
from programmes.models import Area, Organisation, Round

from .context import at

CALLBACK_NUMBER = "0113 496 0{:03d}"
REJECTED_REASON = (
    "Called the treasurer back on the number we hold: she did not recognise the change, so the "
    "request is treated as suspected fraud."
)


def _sort_code(org_pk: int, n: int = 0) -> str:
    return f"{(200000 + org_pk * 37 + n * 11) % 1000000:06d}"


def _number(org_pk: int, n: int = 0) -> str:
    return f"{(40000000 + org_pk * 7919 + n * 104729) % 100000000:08d}"


def _member(organisation) -> User | None:
    return (
        User.objects.filter(memberships__organisation=organisation, is_active=True)
        .order_by("-memberships__is_primary_contact", "pk")
        .first()
    )


def _enter(organisation, day, n=0, account_name=None):
    actor = _member(organisation) or User.objects.get(username="pm")
    return services.bank_account_enter(
        organisation=organisation,
        actor=actor,
        account_name=(account_name or organisation.name)[:140],
        sort_code=_sort_code(organisation.pk, n),
        account_number=_number(organisation.pk, n),
        occurred_at=at(day, 11),
    )


def _confirm(account, day, by="finance"):
    member = _member(account.organisation)
    called = at(day, 10)
    return services.bank_account_confirm(
        account=account,
        actor=User.objects.get(username=by),
        callback_contact=str(member) if member else "The treasurer",
        callback_number=account.organisation.phone or CALLBACK_NUMBER.format(account.pk % 1000),
        callback_at=called,
        callback_note="Read back the sort code and account number; both confirmed.",
        occurred_at=called,
    )


def ensure_confirmed(organisation, *, by: datetime.date) -> None:
    """Give `organisation` a confirmed account before `by`, unless it has one."""
    if BankAccount.objects.filter(
        organisation=organisation, status=BankAccount.Status.CONFIRMED
    ).exists():
        return
    day = by - datetime.timedelta(days=10)
    _confirm(_enter(organisation, day), day + datetime.timedelta(days=1))


def load(ctx=None):
    if ctx is None or not ctx.areas:
        return ctx
    if BankAccount.objects.filter(status=BankAccount.Status.PENDING).exists():
        return ctx
    today = timezone.localdate()
    for area in ctx.areas:
        ensure_confirmed(area.lead_organisation, by=today - datetime.timedelta(days=60))

    # The demo lead's organisation: a rejected change, then a change confirmed ten days ago.
    lead = ctx.users["lead"]
    mine = (
        Organisation.objects.filter(memberships__user=lead, led_areas__isnull=False)
        .order_by("pk")
        .first()
    )
    if mine is not None:
        rejected = _enter(mine, today - datetime.timedelta(days=40), n=1)
        services.bank_account_reject(
            account=rejected, actor=User.objects.get(username="finance"), reason=REJECTED_REASON
        )
        changed = _enter(mine, today - datetime.timedelta(days=11), n=2)
        _confirm(changed, today - datetime.timedelta(days=10), by="pm")

    # A live-round organisation with payments to approve and none approved: a change waits, and
    # its payments are held until finance or pm calls back.
    live = (
        Area.objects.filter(round=ctx.live_round)
        .exclude(lead_organisation=mine)
        .filter(awards__payments__status=Payment.Status.SCHEDULED)
        .exclude(
            awards__payments__status__in=[Payment.Status.APPROVED, Payment.Status.APPROVED_ONCE]
        )
        .order_by("-reference")
        .select_related("lead_organisation")
        .first()
    )
    if live is not None and live.round.status != Round.Status.FINISHED:
        _enter(live.lead_organisation, today - datetime.timedelta(days=2), n=1)

    # An applicant organisation's first account, given with its application.
    applicant = (
        Organisation.objects.filter(led_areas__isnull=True, memberships__isnull=False)
        .exclude(bank_accounts__isnull=False)
        .order_by("pk")
        .first()
    )
    if applicant is not None:
        _enter(applicant, today - datetime.timedelta(days=3))
    return ctx
