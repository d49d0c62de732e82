"""What grants put on people's My work (see core/mywork.py): payments this person may approve, or
mark paid, under four eyes (the finance list's own conditions, so the counts agree with it), and
a lead organisation's grant offers to accept."""

from django.urls import reverse

from accounts import permissions as perms
from core.money import pounds
from core.mywork import WorkGroup, WorkItem, provider
from programmes.permissions import areas_visible_to

from . import selectors
from .offers.models import GrantOffer
from .offers.services import current_offer_subqueries


def _payment_items(rows, today, verb):
    # Each item is about its payment: approving and paying it are separate groups (kinds).
    return [
        WorkItem(
            title=f"{verb} {pounds(p.amount)}: {p.award.area.reference} {p.award.area.name}",
            url=p.award.get_absolute_url(),
            due=p.due_on,
            detail=f"{p.get_kind_display()} · {p.award}",
            today=today,
            about=p,
        )
        for p in rows
    ]


@provider(order=40)
def payments_to_approve_or_pay(work):
    user, today = work.user, work.today
    if not (perms.is_manager_or_admin(user) or perms.is_finance_officer(user)):
        return None
    # The finance list's rows, with only what an item shows joined (not the people who scheduled
    # or approved them, nor the round and programme).
    payable = selectors.payable_now(user=user).select_related(None).select_related("award__area")
    to_approve, approve_total = work.queue(
        payable.filter(selectors.awaiting_approval_by(user)), part="approve"
    )
    to_pay, pay_total = work.queue(payable.filter(selectors.awaiting_payment_by(user)), part="pay")
    finance = reverse("grants:finance")
    return [
        WorkGroup(
            heading="Payments to approve",
            items=_payment_items(to_approve, today, "Approve"),
            total=approve_total,
            more_url=finance + "?show=mine",
        ),
        WorkGroup(
            heading="Payments to mark paid",
            items=_payment_items(to_pay, today, "Pay"),
            total=pay_total,
            more_url=finance,
        ),
    ]


@provider(order=12)
def offers_to_accept(work):
    user, today = work.user, work.today
    if not perms.is_lead_organisation_user(user):
        return None
    offers = (
        GrantOffer.objects.filter(
            status=GrantOffer.Status.ISSUED, award__area__in=areas_visible_to(user)
        )
        .select_related("award", "award__area")
        .order_by("issued_at", "pk")
    )
    items = [
        WorkItem(
            title=f"Accept your grant offer of {pounds(o.amount)}",
            url=reverse("grants:offer_detail", args=[o.pk]),
            detail=f"{o.award.area.reference} {o.award.area.name} · issued {o.issued_at:%-d %b %Y}",
            today=today,
            about=o,
        )
        for o in offers[: work.limit]
    ]
    return WorkGroup(heading="Grant offers to accept", items=items)


@provider(order=70)
def payments_on_their_way(work):
    """What a lead organisation is waiting for from the programme: its scheduled and approved
    payments, with the date each is due. Only waiting: the menu's count does not read it.
    Payments of an award whose current offer is not accepted are not on their way (none is
    approved before acceptance): the offer waits under "Grant offers to accept" instead."""
    user, today = work.user, work.today
    if not perms.is_lead_organisation_user(user) or not work.items_wanted:
        return None
    qs = (
        selectors.payable_now(user=user)
        .annotate(**current_offer_subqueries())
        .filter(current_offer_status=GrantOffer.Status.ACCEPTED)
    )
    items = [
        WorkItem(
            title=f"{p.get_kind_display()} of {pounds(p.amount)}",
            url=p.award.get_absolute_url(),
            due=p.due_on,
            detail=f"{p.award.area.reference} {p.award.area.name} · {p.get_status_display()}",
            waiting=True,
            today=today,
        )
        for p in qs[: work.limit]
    ]
    return WorkGroup(heading="Payments on their way", items=items, waiting=True)


@provider(order=35)
def variations_to_decide(work):
    """Variations a programme manager may decide (not their own requests), and, over the
    programme's threshold, those a funder officer may co-sign: the variation list's rows."""
    from .variations.models import Variation
    from .variations.selectors import variations_visible_to

    user, today = work.user, work.today
    if perms.is_manager_or_admin(user):
        status, heading, verb = Variation.Status.REQUESTED, "Variations to decide", "Decide"
    elif perms.is_funder_officer(user):
        status, heading, verb = (
            Variation.Status.AWAITING_COSIGN,
            "Variations to co-sign",
            "Co-sign",
        )
    else:
        return None
    qs = (
        variations_visible_to(user)
        .prefetch_related(None)
        .filter(status=status)
        .exclude(requested_by=user)
        .exclude(decided_by=user)
        .order_by("requested_at", "pk")
    )
    rows, total = work.queue(qs)
    items = [
        WorkItem(
            title=f"{verb} variation {v.reference}: {v.award.area.reference} {v.award.area.name}",
            url=v.get_absolute_url(),
            detail=f"{v.award.get_stage_display()} grant · {pounds(v.money)} · asked "
            f"{v.requested_at:%-d %b %Y}",
            today=today,
            about=v,
        )
        for v in rows
    ]
    return WorkGroup(
        heading=heading,
        items=items,
        total=total,
        more_url=reverse("grants:variation_list") + f"?status={status}",
    )
