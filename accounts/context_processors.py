"""What every page needs: the menu for the user's role. (The unread notification count comes
from activity's `unread_notifications` tag in base.html, so accounts need not import activity.)"""

from .navigation import nav_for
from .two_factor import second_factor_owed


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    if second_factor_owed(request):
        # Every page but the second-factor ones redirects there until the code is given, so the
        # menu would only lead back (and its counts, fetched after the page, would load the code
        # page into the menu).
        return {"nav_items": [], "second_factor_owed": True}
    current = getattr(getattr(request, "resolver_match", None), "view_name", "")
    items = nav_for(user)
    for item in items:
        for link in item.get("children", [item]):
            link["active"] = current == link["name"] or request.path.startswith(link["url"])
        if "children" in item:
            item["active"] = any(link["active"] for link in item["children"])
    return {"nav_items": items}
