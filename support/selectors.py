"""Reads for the support pages, shaped so each list runs a fixed number of queries whatever the
number of areas: per-area figures come from correlated subqueries, never per-row queries."""

import datetime
from decimal import Decimal

from django.db.models import (
    BooleanField,
    Count,
    DecimalField,
    ExpressionWrapper,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts import permissions as account_perms
from accounts.models import AreaAssignment
from core.area_figures import figures_of
from programmes.models import Area, AreaStatus
from programmes.permissions import areas_visible_to

from . import permissions as perms
from .models import (
    Adviser,
    AdviserDay,
    AdviserEntitlement,
    Event,
    EventInvitation,
    FollowUp,
    RiskLevel,
    SupportContact,
)
from .totals import DayTotals
from .workflows import BookingStatus

CONTACT_OVERDUE_DAYS = 30
DAYS = DecimalField(max_digits=6, decimal_places=1)


def _sum_days(model, field="days", **conditions):
    rows = (
        model.objects.filter(area=OuterRef("pk"), **conditions)
        .order_by()
        .values("area")
        .annotate(total=Sum(field))
        .values("total")
    )
    return Coalesce(Subquery(rows, output_field=DAYS), Decimal("0"), output_field=DAYS)


def _count(qs):
    rows = qs.order_by().values("area").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def open_risks_filter() -> Q:
    return ~Q(risk_level=RiskLevel.NONE) & Q(risk_resolved_at__isnull=True)


def with_support_figures(qs: QuerySet[Area], *, today: datetime.date | None = None):
    """Annotate areas with the figures the relationship manager's list shows and sorts by."""
    last_contact = (
        SupportContact.objects.filter(area=OuterRef("pk")).order_by("-date").values("date")[:1]
    )
    return qs.annotate(
        last_contact_on=Subquery(last_contact),
        open_risks=_count(SupportContact.objects.filter(open_risks_filter(), area=OuterRef("pk"))),
        **area_figures(None),
    )


def area_figures(user) -> dict:
    """Adviser-day totals and open follow-ups as correlated subqueries on the area: the
    relationship manager's list shows them, and so does the area page's support panel (as
    `core.area_figures`). The same for every user: the panel checks who may see them."""
    return {
        "open_followups": _count(
            FollowUp.objects.filter(area=OuterRef("pk"), done_at__isnull=True)
        ),
        "entitlement_days": _sum_days(AdviserEntitlement),
        # Used means delivered; planned bookings are counted apart (issue 14).
        "used_days": _sum_days(AdviserDay, status=BookingStatus.DELIVERED),
        "planned_days": _sum_days(AdviserDay, status=BookingStatus.PLANNED),
    }


def rm_areas(*, user, today: datetime.date | None = None) -> QuerySet[Area]:
    """The areas on the support start page: the active areas a relationship manager looks after
    now; every active area for programme managers, admins and funder officers. (Areas that did
    not progress, withdrew or completed need no more support.)"""
    qs = perms.support_areas_visible_to(user, Area.objects.all()).filter(status=AreaStatus.ACTIVE)
    return with_support_figures(qs.select_related("round", "lead_organisation"), today=today)


def contact_overdue_q(today: datetime.date | None = None) -> Q:
    today = today or timezone.localdate()
    cutoff = today - datetime.timedelta(days=CONTACT_OVERDUE_DAYS)
    return Q(last_contact_on__isnull=True) | Q(last_contact_on__lt=cutoff)


def followups_open(*, user, mine_only: bool = False) -> QuerySet[FollowUp]:
    """Open follow-up actions the user may see, soonest due first: for a relationship manager,
    the ones they own and the ones on areas they look after."""
    qs = FollowUp.objects.filter(done_at__isnull=True).select_related("area", "owner", "contact")
    if account_perms.is_relationship_manager(user):
        qs = qs.filter(
            Q(owner=user) | Q(area__in=perms.support_areas_visible_to(user, Area.objects.all()))
        )
    elif not (account_perms.is_manager_or_admin(user) or account_perms.is_funder_officer(user)):
        return qs.none()
    if mine_only:
        qs = qs.filter(owner=user)
    return qs.order_by("due_on", "area__reference", "pk")


def area_contacts(*, area) -> QuerySet[SupportContact]:
    return (
        SupportContact.objects.filter(area=area)
        .select_related("logged_by", "risk_resolved_by")
        .prefetch_related(
            Prefetch("followups", queryset=FollowUp.objects.select_related("owner", "done_by"))
        )
        .order_by("-date", "-pk")
    )


def area_adviser_days(*, area) -> dict:
    """Entitlement rows, bookings (soonest first: planned ones, then the record) and the totals:
    entitled, used (delivered), planned, remaining (entitled less used) and available (what can
    still be booked)."""
    entitlements = list(
        AdviserEntitlement.objects.filter(area=area)
        .select_related("granted_by")
        .order_by("granted_at", "pk")
    )
    bookings = list(
        AdviserDay.objects.filter(area=area)
        .select_related("booked_by", "adviser")
        .order_by("-date", "-pk")
    )

    def total(status):
        return sum((b.days for b in bookings if b.status == status), Decimal("0"))

    totals = DayTotals(
        sum((e.days for e in entitlements), Decimal("0")),
        total(BookingStatus.DELIVERED),
        total(BookingStatus.PLANNED),
    )
    return {
        "entitlements": entitlements,
        "bookings": bookings,
        "planned_bookings": sorted(
            (b for b in bookings if b.status == BookingStatus.PLANNED), key=lambda b: b.date
        ),
        "past_bookings": [b for b in bookings if b.status != BookingStatus.PLANNED],
        "entitled": totals.entitled,
        "used": totals.delivered,
        "planned": totals.planned,
        "remaining": totals.remaining,
        "available": totals.available,
    }


def advisers(*, active_only: bool = False) -> QuerySet[Adviser]:
    """The list of advisers, with how many days each has delivered and has planned."""
    qs = Adviser.objects.annotate(
        delivered_days=Coalesce(
            Sum("bookings__days", filter=Q(bookings__status=BookingStatus.DELIVERED)),
            Decimal("0"),
            output_field=DAYS,
        ),
        planned_days=Coalesce(
            Sum("bookings__days", filter=Q(bookings__status=BookingStatus.PLANNED)),
            Decimal("0"),
            output_field=DAYS,
        ),
    )
    if active_only:
        qs = qs.filter(active=True)
    return qs.order_by("-active", "name", "pk")


def area_support_summary(*, area, user) -> dict:
    """What the area page's support panel shows, filtered to what the user may see, in two
    queries: the latest events, the latest contacts with the open risks. The figures
    (adviser-day totals, open follow-ups: the panel shows numbers, not rows) come with the
    area (`core.area_figures`), or in a third query."""
    figures = figures_of(area, "support")
    if figures is None:  # the area was read without the area page's figures: one query
        figures = Area.objects.filter(pk=area.pk).values(**area_figures(user)).get()
    totals = DayTotals(figures["entitlement_days"], figures["used_days"], figures["planned_days"])
    summary = {
        "entitled": totals.entitled,
        "used": totals.delivered,
        "planned": totals.planned,
        "remaining": totals.remaining,
        "events": list(
            EventInvitation.objects.filter(area=area)
            .select_related("event")
            .order_by("-event__starts_at")[:5]
        ),
        "can_view_record": perms.can_view_support_record(user, area)[0],
        "can_log": perms.can_log_contact(user, area)[0],
        "can_view_days": perms.can_view_adviser_days(user, area)[0],
        "can_change_assignment": perms.can_change_assignment(user, area)[0],
    }
    if summary["can_view_record"]:
        summary["recent_contacts"], summary["open_risks"] = _recent_contacts_and_open_risks(area)
        summary["open_followups"] = figures["open_followups"]
        summary["today"] = timezone.localdate()
    return summary


RECENT_CONTACTS = 5


def _recent_contacts_and_open_risks(area):
    """The five latest contacts and the contacts with open risks, newest first, in one query:
    the latest five or an open risk. The first five rows are the latest five, as every row
    not among them comes after them in the same order. The panels show contacts and risks,
    not each contact's follow-ups (only how many are open, counted with the day totals)."""
    contacts = area_contacts(area=area).prefetch_related(None)
    latest = contacts.values("pk")[:RECENT_CONTACTS]
    rows = list(
        contacts.filter(Q(pk__in=latest) | open_risks_filter()).annotate(
            is_open_risk=ExpressionWrapper(open_risks_filter(), output_field=BooleanField())
        )
    )
    return rows[:RECENT_CONTACTS], [c for c in rows if c.is_open_risk]


def assignment_history(*, area) -> QuerySet[AreaAssignment]:
    return (
        AreaAssignment.objects.filter(area=area)
        .select_related("user")
        .order_by("-started_on", "-pk")
    )


def event_list(*, user) -> QuerySet[Event]:
    if not perms.can_view_events(user)[0]:
        return Event.objects.none()
    return Event.objects.select_related("round").annotate(
        invited=Count("invitations", distinct=True),
        attended_count=Count("invitations", filter=Q(invitations__attended=True), distinct=True),
    )


def event_invitations(*, event) -> QuerySet[EventInvitation]:
    return event.invitations.select_related("area", "area__round").order_by("area__reference")


# --- Read by reports ------------------------------------------------------------------------------
# What the reports app (area report, support log export) reads from support.


def area_open_followups(*, area) -> list[FollowUp]:
    """The area's follow-up actions not done yet, soonest due first, with their owners."""
    return list(
        FollowUp.objects.filter(area=area, done_at__isnull=True)
        .select_related("owner")
        .order_by("due_on")
    )


def support_log(*, user) -> QuerySet[SupportContact]:
    """Contacts logged with the areas the user may see, with the area, its round and who logged
    them (unordered)."""
    return SupportContact.objects.filter(area__in=areas_visible_to(user)).select_related(
        "area", "area__round", "logged_by"
    )
