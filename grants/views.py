"""Finance pages: what is payable now, totals by round, and an award with its payments. Views are
thin: the services make every check again, and refusals come back as messages."""

from collections import defaultdict
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from core.confirm import confirmation_page, confirmed
from core.errors import errors_to_form, message_for, require
from core.money import pounds
from core.workflow import MoveRefused
from programmes.permissions import areas_visible_to

from . import bulk, confirmations, selectors, services
from . import permissions as grant_perms
from .filters import PayableFilter
from .forms import CancelForm, PaymentAddForm, PaymentPayForm
from .models import MANAGER_RELEASE, Award, Payment
from .workflows import PAYMENT, payment_context, second_approval_reason

PAGE_SIZE = 50


def _finance_staff(user):
    require(grant_perms.can_view_finance(user))


def _safe_next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


def _back(request, default: str):
    return redirect(_safe_next(request) or default)


def _moves(payment: Payment, user) -> list[str]:
    """The states `user` may move `payment` to, for its buttons ("approved" stands for either
    approval, first or second: the service decides which under the lock)."""
    targets = [m.target for m in PAYMENT.moves_for(payment, user, **payment_context(payment, user))]
    if Payment.Status.APPROVED_ONCE in targets:
        targets.append(Payment.Status.APPROVED)
    return targets


def _second_approval(payment: Payment) -> str:
    """For a payment still to get its first approval: the rule that will ask a second approver
    for it, in figures ("" when one approval is enough). Read from the selectors' annotations, so
    a page asks no query per payment."""
    if payment.status != Payment.Status.SCHEDULED:
        return ""
    return second_approval_reason(payment)


def _row(payment: Payment, user, extra_moves=()) -> dict:
    return {
        "payment": payment,
        "moves": _moves(payment, user) + list(extra_moves),
        "second_approval": _second_approval(payment),
    }


@login_required
def finance(request):
    """What is payable now: the user's own open work first, filters for due this week, overdue
    and awaiting my approval, and checkboxes for bulk approve and mark-paid."""
    _finance_staff(request.user)
    qs = selectors.finance_list(user=request.user, show=request.GET.get("show", ""))
    payable_filter = PayableFilter(request.GET or None, queryset=qs)
    results = payable_filter.qs if payable_filter.is_bound else qs
    totals = selectors.payments_totals(results)
    page = Paginator(results.values_list("pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    can_manage, _ = grant_perms.can_manage_payments(request.user)
    can_act, _ = grant_perms.can_act_on_payments(request.user)
    payments = selectors.finance_page(user=request.user, page_ids=page.object_list)
    rows = [_row(p, request.user) for p in payments]
    return render(
        request,
        "grants/finance.html",
        {
            "filter": payable_filter,
            "page_obj": page,
            "rows": rows,
            "totals": totals,
            "can_manage": can_manage or can_act,
            "can_act": can_act,
            "pay_form": PaymentPayForm(),
        },
    )


def _bulk_preview(payments, action: str, user) -> list[dict]:
    """Each selected payment with the refusal it would meet now (the service's own preview), if
    any, and whether it will need a second approver, for the confirmation page (the services
    decide again when it is confirmed). Payments are approved in this order, so a payment of an award whose earlier
    selected payment will be approved counts that money too, as the service will."""
    rows = []
    approving = defaultdict(Decimal)  # award id -> money this selection approves before
    for p in payments:
        if action == bulk.APPROVE:
            p.award_approved_other += approving[p.award_id]
            preview = services.payment_approve_preview(p, user)
            if preview.allowed and p.status == Payment.Status.SCHEDULED:
                approving[p.award_id] += p.amount
        else:
            preview = services.payment_pay_preview(p, user)
        rows.append(
            {
                "payment": p,
                "refused": preview.reason,
                "second_approval": _second_approval(p) if action == bulk.APPROVE else "",
            }
        )
    return rows


@login_required
@require_POST
def finance_bulk(request):
    """Bulk approve or mark paid: the selected payments and their total on a confirmation page,
    then one result line per payment (each in its own transaction)."""
    _finance_staff(request.user)
    require(grant_perms.can_act_on_payments(request.user))
    action = request.POST.get("action", "")
    if action not in bulk.ACTIONS:
        messages.error(request, "Choose what to do with the selected payments.")
        return _back(request, reverse("grants:finance"))
    ids = [int(x) for x in request.POST.getlist("payment") if x.isdigit()]
    payments = selectors.payments_for_bulk(user=request.user, ids=ids)
    if not payments:
        messages.error(request, "Select at least one payment that is payable now.")
        return _back(request, reverse("grants:finance"))
    is_confirmed = confirmed(request)
    form = PaymentPayForm(request.POST if is_confirmed else None) if action == bulk.PAY else None
    context = {
        "action": action,
        "action_label": bulk.ACTIONS[action],
        "total": sum((p.amount for p in payments), selectors.ZERO),
        "form": form,
        "next": _safe_next(request),
    }
    if is_confirmed and (form is None or form.is_valid()):
        results = bulk.payments_bulk(
            payments=payments,
            action=action,
            actor=request.user,
            paid_on=form.cleaned_data["paid_on"] if form else None,
            reference=form.cleaned_data["reference"] if form else "",
        )
        context["results"] = results
        context["done"] = sum(1 for r in results if r.done)
        return render(request, "grants/finance_bulk_results.html", context)
    context["rows"] = _bulk_preview(payments, action, request.user)
    context["effects"] = confirmations.bulk_effects(
        action=action, payments=payments, total=context["total"]
    )
    return render(request, "grants/finance_bulk_confirm.html", context)


@login_required
def round_summary(request):
    _finance_staff(request.user)
    rounds = list(selectors.round_totals())
    grand = {
        key: sum((getattr(r, key) for r in rounds), selectors.ZERO)
        for key in ("awarded", "paid", "held", "to_pay")
    }
    return render(request, "grants/round_summary.html", {"rounds": rounds, "grand": grand})


@login_required
def award_detail(request, pk):
    award = selectors.award_detail(user=request.user, pk=pk)
    if award is None:
        raise Http404("No such award.")
    can_manage = grant_perms.can_manage_payments(request.user)[0] and award.is_live
    can_act = grant_perms.can_act_on_payments(request.user)[0] and award.is_live
    payments = [
        _row(
            p,
            request.user,
            ["release"]
            if can_manage
            and p.status == Payment.Status.HELD
            and p.release_condition == MANAGER_RELEASE
            else [],
        )
        for p in award.payments.all()
    ]
    can_cancel, _ = grant_perms.can_cancel_award(request.user, award)
    return render(
        request,
        "grants/award_detail.html",
        {
            "award": award,
            "payments": payments,
            "totals": selectors.totals_for_awards([award]),
            "can_cancel": can_cancel and award.is_live,
            "can_act": can_act or can_manage,
            "can_schedule": can_manage and award.amount > award.total_scheduled,
            "unscheduled": award.amount - award.total_scheduled,
            "pay_form": PaymentPayForm(),
        },
    )


def _payment_in_scope(user, pk) -> Payment:
    payment = selectors.payment_in_scope(user=user, pk=pk)
    if payment is None:
        raise Http404("No such payment.")
    return payment


def _payment_label(payment: Payment) -> str:
    return (
        f"{payment.get_kind_display()} payment of {pounds(payment.amount)} "
        f"to {payment.award.area.reference}"
    )


@login_required
@require_POST
def payment_approve(request, pk):
    """Approve one payment, after the confirmation step (core/confirm.py) that says how much,
    to whom, and whether a second approver is still needed."""
    payment = _payment_in_scope(request.user, pk)
    if not confirmed(request):
        # The service's own rules, asked before the page (payment_approve asks them again).
        preview = services.payment_approve_preview(payment, request.user)
        refused = preview.refusal
        if isinstance(refused, MoveRefused):
            messages.error(request, f"Not approved: {refused.reason}")
            return _back(request, reverse("grants:finance"))
        if isinstance(refused, ValidationError):
            messages.error(request, preview.reason)
            return _back(request, reverse("grants:finance"))
        if refused is not None:
            raise refused
        return confirmation_page(
            request,
            title=f"approve {_payment_label(payment)}",
            effects=confirmations.approve_effects(payment),
            button=f"Approve {pounds(payment.amount)}",
            back_url=_safe_next(request) or reverse("grants:finance"),
        )
    try:
        services.payment_approve(payment=payment, actor=request.user)
    except ValidationError as exc:
        messages.error(request, message_for(exc))
    else:
        messages.success(request, f"{_payment_label(payment)} approved.")
    return _back(request, reverse("grants:finance"))


def _pay_confirmation(request, payment, form):
    """The confirmation step before marking paid, once the payer and the date pass the rules
    (the service checks both again); None when the form shows a date refusal instead."""
    paid_on = form.cleaned_data["paid_on"] or timezone.localdate()
    preview = services.payment_pay_preview(payment, request.user, paid_on)
    refusal = preview.refusal
    if isinstance(refusal, MoveRefused):  # the workflow's rules: a message, back to the list
        messages.error(request, f"Not marked as paid: {preview.reason}")
        return _back(request, reverse("grants:finance"))
    if isinstance(refusal, PermissionDenied):
        raise refusal
    if isinstance(refusal, ValidationError):
        errors_to_form(form, refusal)  # the date, by its field
        return None
    return confirmation_page(
        request,
        title=f"mark {_payment_label(payment)} as paid",
        effects=confirmations.pay_effects(
            payment, paid_on=paid_on, reference=form.cleaned_data["reference"]
        ),
        button=f"Mark {pounds(payment.amount)} as paid",
        back_url=_safe_next(request) or reverse("grants:finance"),
    )


@login_required
@require_POST
def payment_pay(request, pk):
    """Mark one payment as paid. A refused date (in the future, before the award or before the
    approval) comes back on a page with the message by the field; other refusals as a message."""
    payment = _payment_in_scope(request.user, pk)
    form = PaymentPayForm(request.POST)
    if form.is_valid() and not confirmed(request):
        answer = _pay_confirmation(request, payment, form)
        if answer is not None:
            return answer
    elif form.is_valid():
        try:
            services.payment_pay(
                payment=payment,
                actor=request.user,
                paid_on=form.cleaned_data["paid_on"],
                reference=form.cleaned_data["reference"],
            )
        except ValidationError as exc:
            if not getattr(exc, "error_dict", None):
                messages.error(request, message_for(exc))
                return _back(request, reverse("grants:finance"))
            errors_to_form(form, exc)
        else:
            messages.success(request, f"{_payment_label(payment)} marked as paid.")
            return _back(request, reverse("grants:finance"))
    return render(
        request,
        "grants/payment_pay.html",
        {"payment": payment, "form": form, "next": _safe_next(request)},
    )


@login_required
@require_POST
def payment_release(request, pk):
    payment = _payment_in_scope(request.user, pk)
    try:
        services.retention_release_by_manager(
            payment=payment, actor=request.user, reason=request.POST.get("reason", "")
        )
    except ValidationError as exc:
        messages.error(request, message_for(exc))
    else:
        messages.success(request, f"{_payment_label(payment)} released: it is now due to be paid.")
    return _back(request, payment.award.get_absolute_url())


@login_required
@require_POST
def payment_cancel(request, pk):
    payment = _payment_in_scope(request.user, pk)
    form = CancelForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Not cancelled: say why the payment is being cancelled.")
        return _back(request, reverse("grants:finance"))
    try:
        services.payment_cancel(
            payment=payment, actor=request.user, reason=form.cleaned_data["reason"]
        )
    except ValidationError as exc:
        messages.error(request, message_for(exc))
    else:
        messages.success(request, f"{_payment_label(payment)} cancelled.")
    return _back(request, reverse("grants:finance"))


@login_required
@require_POST
def award_cancel(request, pk):
    award = (
        Award.objects.filter(area__in=areas_visible_to(request.user))
        .select_related("area")
        .filter(pk=pk)
        .first()
    )
    if award is None:
        raise Http404("No such award.")
    form = CancelForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Not cancelled: say why the award is being cancelled.")
        return redirect(award.get_absolute_url())
    try:
        services.award_cancel(award=award, actor=request.user, reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        messages.error(request, message_for(exc))
    else:
        messages.success(
            request,
            f"{award.get_stage_display()} award to {award.area.reference} cancelled, "
            "with its unpaid payments.",
        )
    return redirect(award.get_absolute_url())


@login_required
def payment_add(request, pk):
    """Schedule another payment on a live award (e.g. money owed after an area is reinstated),
    up to what the award has left unscheduled."""
    award = (
        Award.objects.filter(area__in=areas_visible_to(request.user))
        .select_related("area", "area__round")
        .filter(pk=pk)
        .first()
    )
    if award is None:
        raise Http404("No such award.")
    require(grant_perms.can_manage_payments(request.user))
    if not award.is_live:
        messages.error(request, "This award has been cancelled, so nothing can be scheduled on it.")
        return redirect(award.get_absolute_url())
    room = award.amount - award.total_scheduled
    # Money cancelled after approval: scheduling on this award again needs a reason (four eyes).
    cancelled = selectors.award_cancelled_after_approval(award=award)
    # The service asks for the reason, naming the cancelled payment, by the field.
    form = PaymentAddForm(request.POST or None, initial={"amount": room})
    if request.method == "POST" and form.is_valid():
        try:
            payment = services.payment_add(
                award=award,
                amount=form.cleaned_data["amount"],
                due_on=form.cleaned_data["due_on"],
                reason=form.cleaned_data["reason"],
                actor=request.user,
            )
        except (ValidationError, PermissionDenied) as exc:
            errors_to_form(form, exc)
        else:
            messages.success(
                request, f"{_payment_label(payment)} scheduled: it is now due to be paid."
            )
            return redirect(award.get_absolute_url())
    return render(
        request,
        "grants/payment_form.html",
        {
            "award": award,
            "form": form,
            "room": room,
            "cancelled": cancelled,
            "cancelled_note": services.reschedule_reason_required(cancelled),
        },
    )
