"""The round's early-warning list: its active areas worst first, with why each is flagged."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from accounts.permissions import is_relationship_manager
from core.errors import require
from programmes.models import Round

from . import selectors
from .filters import WarningFilter
from .permissions import can_view_round_warnings
from .signals import FLAG_THRESHOLD, SIGNALS


@login_required
def round_list(request, slug):
    require(can_view_round_warnings(request.user))
    rnd = get_object_or_404(Round, slug=slug)
    # A relationship manager sees only their own areas: they have nobody else's to choose.
    managers = [] if is_relationship_manager(request.user) else selectors.relationship_managers()
    warning_filter = WarningFilter(
        request.GET or None,
        queryset=selectors.round_warnings(round=rnd, user=request.user),
        managers=managers,
    )
    warnings = list(warning_filter.qs)
    looked_after = selectors.current_managers(area_ids=[w.area_id for w in warnings])
    rows = [{"warning": w, "manager": looked_after.get(w.area_id)} for w in warnings]
    return render(
        request,
        "earlywarning/round_list.html",
        {
            "round": rnd,
            "rows": rows,
            "filter": warning_filter,
            "flagged_count": sum(1 for w in warnings if w.flagged),
            "threshold": FLAG_THRESHOLD,
            "signals": SIGNALS,
            "as_of": warnings[0].as_of if warnings else None,
        },
    )


@login_required
def index(request):
    """The list of the round running now (the latest one started, else the latest)."""
    require(can_view_round_warnings(request.user))
    rnd = (
        Round.objects.exclude(status=Round.Status.FINISHED).order_by("-starts_on").first()
        or Round.objects.order_by("-starts_on").first()
    )
    if rnd is None:
        raise Http404("There are no rounds yet.")
    return redirect("earlywarning:round_list", slug=rnd.slug)
