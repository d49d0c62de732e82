"""Grant closure pages: the programme's list of closures and an area's closure page, where the
programme starts the closure, reconciles each award, settles unspent money and closes the
grant. Forms come back on the page with their errors beside the fields."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from core.confirm import Effect, confirmation_page, confirmed, people_told
from core.errors import errors_to_form, message_for, require
from core.money import pounds
from programmes.models import Area
from programmes.permissions import visible_area_or_404

from . import permissions as closure_perms
from . import selectors, services
from .forms import ReasonForm, ReceiveForm, ReconcileForm
from .models import AwardReconciliation, GrantClosure, UnspentMoney
from .workflows import CLOSURE, UNSPENT, ClosureStatus

_area = visible_area_or_404
PAGE_SIZE = 50


@login_required
def closure_list(request):
    require(closure_perms.can_view_closures(request.user))
    status = request.GET.get("status", "")
    if status and status not in CLOSURE.states:
        status = ""
    page = Paginator(selectors.closure_list(status=status), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "closure/closure_list.html",
        {
            "closures": page.object_list,
            "page_obj": page,
            "status": status,
            "states": CLOSURE.states.values(),
        },
    )


def _ids(kind: str, pk: int) -> str:
    """Each award's card has its own forms: their fields' ids (and so their labels) differ."""
    return f"id_{kind}{pk}_%s"


def _page(request, area, *, bound=None, correction_form=None, status=200):
    closure = selectors.closure_for_area(area)
    user = request.user
    can_manage = closure_perms.can_manage_closure(user)[0]
    can_receive = closure_perms.can_receive_unspent(user)[0]
    bound = bound or {}
    rows = []
    if closure is not None:
        for rec in selectors.reconciliations(closure):
            unspent = getattr(rec, "unspent", None) if hasattr(rec, "unspent") else None
            # Reconciling again replaces unspent money nobody has acted on yet.
            editable = (
                can_manage
                and closure.status != ClosureStatus.CLOSED
                and (
                    unspent is None
                    or (unspent.status == "to_return" and not unspent.received_amount)
                )
            )
            rows.append(
                {
                    "rec": rec,
                    "unspent": unspent,
                    "reconcile_form": bound.get(("reconcile", rec.pk))
                    or (
                        ReconcileForm(initial={"spent": rec.spent}, auto_id=_ids("rec", rec.pk))
                        if editable
                        else None
                    ),
                    "receive_form": bound.get(("receive", unspent.pk if unspent else None))
                    or (
                        ReceiveForm(
                            initial={"amount": unspent.outstanding},
                            auto_id=_ids("unspent", unspent.pk),
                        )
                        if unspent and can_receive and unspent.status == "to_return"
                        else None
                    ),
                    "moves": UNSPENT.moves_for(unspent, user, unspent=unspent, approver=user)
                    if unspent
                    else [],
                }
            )
    blockers = services.closure_blockers(closure) if closure and closure.status != "closed" else []
    return render(
        request,
        "closure/area_closure.html",
        {
            "area": area,
            "closure": closure,
            "rows": rows,
            "blockers": blockers,
            "can_manage": can_manage,
            "close_move": closure is not None
            and can_manage
            and closure.status != ClosureStatus.CLOSED,
            "correction_form": correction_form
            or (ReasonForm() if closure and closure.status == "closed" and can_manage else None),
        },
        status=status,
    )


@login_required
def area_closure(request, reference):
    area = _area(request.user, reference)
    require(closure_perms.can_view_closure(request.user, area))
    return _page(request, area)


@login_required
@require_POST
def closure_start(request, reference):
    area = _area(request.user, reference)
    require(closure_perms.can_manage_closure(request.user))
    try:
        services.closure_start(area=area, actor=request.user)
    except ValidationError as exc:
        messages.error(request, message_for(exc))
    else:
        messages.success(
            request, "Closure started. The lead organisation has been asked for the final report."
        )
    return redirect("closure:area_closure", area.reference)


@login_required
@require_POST
def reconcile(request, pk):
    rec = get_object_or_404(AwardReconciliation.objects.select_related("closure__area"), pk=pk)
    area = _area(request.user, rec.closure.area.reference)
    require(closure_perms.can_manage_closure(request.user))
    form = ReconcileForm(request.POST, auto_id=_ids("rec", rec.pk))
    if form.is_valid():
        try:
            services.reconciliation_record(
                reconciliation=rec,
                actor=request.user,
                spent=form.cleaned_data["spent"],
                returned_by=form.cleaned_data["returned_by"],
                write_off_reason=form.cleaned_data["write_off_reason"],
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, "Award reconciled.")
            return redirect("closure:area_closure", area.reference)
    return _page(request, area, bound={("reconcile", rec.pk): form}, status=400)


def _unspent(request, pk) -> tuple[UnspentMoney, Area]:
    unspent = get_object_or_404(
        UnspentMoney.objects.select_related("reconciliation__closure__area"), pk=pk
    )
    return unspent, _area(request.user, unspent.reconciliation.closure.area.reference)


@login_required
@require_POST
def unspent_receive(request, pk):
    unspent, area = _unspent(request, pk)
    require(closure_perms.can_receive_unspent(request.user))
    form = ReceiveForm(request.POST, auto_id=_ids("unspent", unspent.pk))
    if form.is_valid():
        try:
            services.unspent_receive(
                unspent=unspent,
                actor=request.user,
                amount=form.cleaned_data["amount"],
                received_on=form.cleaned_data["received_on"],
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, "Money received recorded.")
            return redirect("closure:area_closure", area.reference)
    return _page(request, area, bound={("receive", unspent.pk): form}, status=400)


@login_required
@require_POST
def unspent_move(request, pk, move):
    """Propose, approve or refuse a write-off; refusals come back as messages."""
    unspent, area = _unspent(request, pk)
    require(closure_perms.can_manage_closure(request.user))
    if move == "approve_write_off" and not confirmed(request):
        refused = UNSPENT.refusal(
            unspent, "written_off", request.user, unspent=unspent, approver=request.user
        )
        if refused:
            messages.error(request, f"Not approved: {refused.reason}")
            return redirect("closure:area_closure", area.reference)
        return confirmation_page(
            request,
            title=f"write off {pounds(unspent.outstanding)} of {area.reference}'s grant",
            intro="Written-off money is no longer owed: it is not asked back from the lead "
            "organisation.",
            effects=[
                Effect.money(
                    f"Writes off {pounds(unspent.outstanding)} unspent of the "
                    f"{unspent.reconciliation.award.get_stage_display()} award, for the reason "
                    f"given: “{unspent.write_off_reason}”"
                ),
                people_told(
                    [unspent.proposed_by],
                    what="the write-off they proposed is approved",
                    actor=request.user,
                ),
                Effect.record("Records you as its second approver, on the area's timeline."),
            ],
            button=f"Write off {pounds(unspent.outstanding)}",
            back_url=reverse("closure:area_closure", args=[area.reference]),
            danger=True,
        )
    try:
        if move == "propose_write_off":
            services.unspent_propose_write_off(
                unspent=unspent, actor=request.user, reason=request.POST.get("reason", "")
            )
        elif move in ("approve_write_off", "refuse_write_off"):
            services.unspent_decide_write_off(
                unspent=unspent, actor=request.user, approve=move == "approve_write_off"
            )
        else:
            raise Http404("No such move.")
    except ValidationError as exc:
        messages.error(request, message_for(exc))
    else:
        messages.success(request, "Done.")
    return redirect("closure:area_closure", area.reference)


@login_required
@require_POST
def closure_close(request, reference):
    area = _area(request.user, reference)
    require(closure_perms.can_manage_closure(request.user))
    closure = get_object_or_404(GrantClosure, area=area)
    if not confirmed(request):
        blockers = services.closure_blockers(closure)
        if blockers:
            messages.error(request, "Not closed: " + " ".join(blockers))
            return redirect("closure:area_closure", area.reference)
        return confirmation_page(
            request,
            title=f"close {area.reference} {area.name}'s grant",
            effects=[
                Effect.money("Freezes each award's figures: awarded, paid and spent."),
                Effect.lock(
                    "Makes the area's records read-only, except for a correction a programme "
                    "manager opens with a reason."
                ),
                Effect.record(
                    'Moves the area to "Completed" and out of every open queue.'
                    if area.status == "active"
                    else "Records the closure on the area's timeline."
                ),
            ],
            button="Close the grant",
            back_url=reverse("closure:area_closure", args=[area.reference]),
        )
    try:
        services.closure_close(closure=closure, actor=request.user)
    except ValidationError as exc:
        messages.error(request, message_for(exc))
    else:
        messages.success(request, "Grant closed.")
    return redirect("closure:area_closure", area.reference)


@login_required
@require_POST
def closure_correct(request, reference):
    area = _area(request.user, reference)
    require(closure_perms.can_manage_closure(request.user))
    closure = get_object_or_404(GrantClosure, area=area)
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            services.closure_open_correction(
                closure=closure, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, "The grant is open for correction.")
            return redirect("closure:area_closure", area.reference)
    return _page(request, area, correction_form=form, status=400)
