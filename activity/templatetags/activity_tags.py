"""The navigation's notification count."""

from django import template

from activity.services import notifications_open_page

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notifications(context) -> int:
    """How many notifications the signed-in user has not read (0 for anyone else). Rendering a
    page is the user opening it: the unread notifications that link to this page are read now
    (so an item opened from an email, a list or My work clears its notification)."""
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return 0
    request = context.get("request")
    path = request.path if request is not None and request.method == "GET" else ""
    return notifications_open_page(user=user, path=path)
