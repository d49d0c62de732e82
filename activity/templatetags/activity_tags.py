"""The navigation's notification count."""

from django import template

from activity.selectors import unread_notification_count

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notifications(context) -> int:
    """How many notifications the signed-in user has not read (0 for anyone else)."""
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return 0
    return unread_notification_count(user=user)
