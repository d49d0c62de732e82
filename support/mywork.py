"""What support puts on a relationship manager's My work (see core/mywork.py): open follow-ups
(the follow-ups page's list), the areas they look after with open risks (the "My areas" list's
risk column), and adviser days booked from today on."""

from django.urls import reverse

from accounts import permissions as account_perms
from core.mywork import WorkGroup, WorkItem, provider

from . import permissions as perms
from . import selectors
from .models import AdviserDay


@provider(order=5)
def followups_due(work):
    user, today = work.user, work.today
    if not account_perms.is_relationship_manager(user):
        return None
    rows, total = work.queue(selectors.followups_open(user=user))
    items = [
        WorkItem(
            title=f.action,
            url=reverse("support:area_support", args=[f.area.reference]),
            due=f.due_on,
            detail=f"{f.area.reference} {f.area.name} · {f.owner}",
            today=today,
            about=f,
        )
        for f in rows
    ]
    return WorkGroup(
        heading="Follow-ups",
        items=items,
        total=total,
        more_url=reverse("support:followup_list"),
    )


@provider(order=55)
def areas_at_risk(work):
    user, today = work.user, work.today
    if not account_perms.is_relationship_manager(user):
        return None
    qs = selectors.rm_areas(user=user, today=today).filter(open_risks__gt=0)
    rows, total = work.queue(qs.order_by("-open_risks", "reference"))
    items = [
        WorkItem(
            title=f"{a.reference} {a.name}",
            url=reverse("support:area_support", args=[a.reference]),
            detail=f"{a.open_risks} open risk{'s' if a.open_risks != 1 else ''}",
            today=today,
            about=a,
        )
        for a in rows
    ]
    return WorkGroup(
        heading="Areas at risk",
        items=items,
        total=total,
        more_url=reverse("support:my_areas"),
    )


@provider(order=60)
def bookings_coming_up(work):
    user, today = work.user, work.today
    if not account_perms.is_relationship_manager(user):
        return None
    qs = (
        AdviserDay.objects.filter(
            area__in=perms.support_areas_visible_to(user), date__gte=today, status="planned"
        )
        .select_related("area", "adviser")
        .order_by("date", "pk")
    )
    rows, total = work.queue(qs)
    items = [
        WorkItem(
            title=f"{b.adviser_name}: {b.days} day{'s' if b.days != 1 else ''} with {b.area.name}",
            url=reverse("support:adviser_days", args=[b.area.reference]),
            due=b.date,
            detail=b.area.reference,
            today=today,
            about=b,
        )
        for b in rows
    ]
    return WorkGroup(heading="Adviser days coming up", items=items, total=total)
