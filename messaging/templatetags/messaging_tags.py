"""The area page's messages panel (the area page is composed of panels each app renders)."""

from django import template

from messaging import permissions as perms
from messaging import selectors

register = template.Library()


@register.inclusion_tag("messaging/includes/area_panel.html", takes_context=True)
def area_messages_panel(context, area):
    """The latest messages, the unread count and a link to the thread, for those who may read it.
    The staff-note count is given only to people who may read the notes; both counts are one
    query."""
    user = context.get("user")
    can_read = bool(user and user.is_authenticated and perms.can_read_thread(user, area)[0])
    panel = {"can_read": can_read}
    if can_read:
        counts = selectors.thread_counts(area=area, user=user)
        unread = counts["unread"]
        latest = list(selectors.thread_messages(area=area).order_by("-created_at", "-id")[:3])
        panel.update(
            can_post=perms.can_post_message(user, area)[0],
            unread=unread,
            unread_label=f"{unread} new",
            latest=latest[::-1],
            note_count=counts["notes"],
        )
    return {"area": area, "p": panel}
