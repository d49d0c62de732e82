"""What messaging puts on My work (see core/mywork.py): the areas whose conversation waits for
this person's reply (for staff, the lead organisation wrote last; for a lead, staff did), longest
waiting first."""

from django.urls import reverse
from django.utils import timezone

from core.mywork import WorkGroup, WorkItem, provider

from . import selectors


@provider(order=15)
def messages_awaiting_reply(work):
    areas, total = work.queue(selectors.threads_awaiting_reply_for(work.user))
    items = [
        WorkItem(
            title=f"{a.reference} {a.name}",
            url=reverse("messaging:thread", args=[a.reference]),
            detail="Last message "
            + timezone.localtime(a.last_message_at).strftime("%-d %b %Y, %H:%M"),
            today=work.today,
            about=a,
        )
        for a in areas
    ]
    return WorkGroup(heading="Messages awaiting your reply", items=items, total=total)
