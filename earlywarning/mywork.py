"""What the early warning puts on My work (core/mywork.py): a relationship manager's flagged
areas, worst first, with the reasons; for programme managers, every flagged area of the rounds
still running, with the round's list behind "see all"."""

from django.urls import reverse

from accounts import permissions as account_perms
from core.mywork import WorkGroup, WorkItem, provider

from .models import AreaWarning
from .selectors import flagged_for


def _items(rows, today):
    return [
        WorkItem(
            title=f"{w.area.reference} {w.area.name}",
            url=w.area.get_absolute_url(),
            detail=f"Score {w.score}: " + "; ".join(r["reason"] for r in w.reasons),
            today=today,
            about=w.area,
        )
        for w in rows
    ]


@provider(order=8)
def areas_to_call(work):
    user, today = work.user, work.today
    if account_perms.is_relationship_manager(user):
        rows, total = work.queue(flagged_for(user=user))
        more_url = reverse("support:my_areas") + "?sort=warning"
    elif account_perms.is_programme_manager(user):
        qs = (
            AreaWarning.objects.filter(flagged=True, area__status="active")
            .exclude(area__round__status="finished")
            .select_related("area")
            .order_by("-score", "area__reference")
        )
        rows, total = work.queue(qs)
        more_url = reverse("earlywarning:index")
    else:
        return None
    return WorkGroup(
        heading="Areas to call this week",
        items=_items(rows, today),
        total=total,
        more_url=more_url,
    )
