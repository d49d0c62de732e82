"""The round's early-warning list: its active areas worst first, with why each is flagged."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from accounts.permissions import is_relationship_manager
from core.errors import require
from programmes.models import Round

from . import selectors
from .permissions import can_view_round_warnings
from .signals import FLAG_THRESHOLD, SIGNALS


@login_required
def round_list(request, slug):
    require(can_view_round_warnings(request.user))
    rnd = get_object_or_404(Round, slug=slug)
    managers = list(selectors.relationship_managers())
    chosen = None
    if not is_relationship_manager(request.user):
        wanted = request.GET.get("rm", "")
        chosen = next((m for m in managers if str(m.pk) == wanted), None)
    warnings = list(
        selectors.round_warnings(round=rnd, user=request.user, relationship_manager=chosen)
    )
    flagged_only = request.GET.get("flagged") == "1"
    if flagged_only:
        warnings = [w for w in warnings if w.flagged]
    looked_after = selectors.current_managers(area_ids=[w.area_id for w in warnings])
    rows = [{"warning": w, "manager": looked_after.get(w.area_id)} for w in warnings]
    return render(
        request,
        "earlywarning/round_list.html",
        {
            "round": rnd,
            "rows": rows,
            "flagged_count": sum(1 for w in warnings if w.flagged),
            "managers": managers if not is_relationship_manager(request.user) else [],
            "chosen": chosen,
            "flagged_only": flagged_only,
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
