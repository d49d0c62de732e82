"""What the plan pages share: finding the area (404 outside the user's scope), its plan, and
showing a service's refusal."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect

from programmes.permissions import areas_visible_to

from .. import permissions as plan_perms
from ..models import OperationalPlan


def area_for(user, reference):
    """The area with this reference, if the user may see it; otherwise 404."""
    area = (
        areas_visible_to(user)
        .select_related("round", "lead_organisation")
        .filter(reference=reference)
        .first()
    )
    if area is None:
        raise Http404("No such area.")
    return area


def plan_of(area):
    return OperationalPlan.objects.filter(area=area).select_related("area", "area__round").first()


def editable_or_leave(request, area, plan):
    """None when the user may edit; otherwise a redirect (for the area's own users) or a 403."""
    allowed, reason = plan_perms.can_edit_documents(request.user, area, plan)
    if allowed:
        return None
    if plan_perms.is_area_lead_member(request.user, area):
        messages.warning(request, reason)
        return redirect("plans:workspace", area.reference)
    raise PermissionDenied(reason)


def refusal_messages(request, exc):
    """A service's refusal as page messages: a refused move or permission as its reason, a
    ValidationError as one message per problem."""
    if isinstance(exc, PermissionDenied):
        messages.error(request, str(exc) or "You cannot do this.")
        return
    for message in exc.messages:
        messages.error(request, message)
