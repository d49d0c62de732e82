from .navigation import nav_for


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    current = getattr(getattr(request, "resolver_match", None), "view_name", "")
    items = nav_for(user)
    for item in items:
        for link in item.get("children", [item]):
            link["active"] = current == link["name"] or request.path.startswith(link["url"])
        if "children" in item:
            item["active"] = any(link["active"] for link in item["children"])
    from activity.models import Notification

    unread = Notification.objects.filter(recipient=user, read_at__isnull=True).count()
    return {"nav_items": items, "unread_notifications": unread}
