"""Finance pages: what is payable now, totals by round, and an award with its payments. Views are
thin: the services make every check again, and refusals come back as messages."""

from collections import defaultdict
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from core.confirm import confirmation_page, confirmed, selection_fingerprint
from core.errors import errors_to_form, message_for, require
from core.money import pounds
from core.views import safe_next
from core.workflow import MoveRefused
from programmes.models import Round
from programmes.permissions import areas_visible_to

from . import bulk, confirmations, selectors, services
from . import permissions as grant_perms
from .filters import SHOW_CHOICES, STATUS_CHOICES, PayableFilter, bank_changed_since
from .forms import BulkPayForm, CancelForm, PaymentAddForm, PaymentPayForm
from .models import MANAGER_RELEASE, Award, Payment
from .variations import selectors as variation_selectors
from .variations import services as variation_services
from .workflows import PAYMENT, payment_context, second_approval_reason

PAGE_SIZE = 50


def _finance_staff(user):
    require(grant_perms.can_view_finance(user))


def _safe_next(request) -> str:
    return safe_next(request, request.POST.get("next") or request.GET.get("next"))


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
            "bank_changed_since": bank_changed_since(),
            # "All N matching this filter" posts the filter itself (finance_bulk resolves it).
            "bulk_filter": list(_filter_params(request.GET).items()),
        },
    )


def _bulk_preview(payments, action: str, user, paid_on=None) -> tuple[list[dict], list[dict]]:
    """The selected payments split into what will be done and what will be refused, each refused
    one with the reason the service will give (its own preview), and whether an approval will
    need a second approver (the services decide again when it is confirmed). Payments are
    approved in this order, so a payment of an award whose earlier selected payment will be
    approved counts that money too, as the service will."""
    will_do, refused = [], []
    approving = defaultdict(Decimal)  # award id -> money this selection approves before
    for p in payments:
        if action == bulk.APPROVE:
            p.award_approved_other += approving[p.award_id]
            preview = services.payment_approve_preview(p, user)
            if preview.allowed and p.status == Payment.Status.SCHEDULED:
                approving[p.award_id] += p.amount
        else:
            preview = services.payment_pay_preview(p, user, paid_on)
        row = {
            "payment": p,
            "refused": preview.reason,
            "second_approval": _second_approval(p) if action == bulk.APPROVE else "",
        }
        (will_do if preview.allowed else refused).append(row)
    return will_do, refused


# "Select all N matching this filter" carries the finance list's filter, not ids, and the server
# resolves it; a selection bigger than this is refused (narrow the filter), so a confirmation
# page stays readable and its form stays under Django's 1,000-field limit.
BULK_LIMIT = 500
SCOPE_FILTER = "filter"
FILTER_FIELDS = ("show", "round", "status", "bank")


def _filter_params(data) -> QueryDict:
    params = QueryDict(mutable=True)
    for name in FILTER_FIELDS:
        if data.get(name):
            params[name] = data[name]
    return params


def _describe_filter(params) -> str:
    """The filter in the list's own words: "Round: Round 1; Status: Approved (to pay)"."""
    labels = {
        "show": dict(SHOW_CHOICES),
        "status": dict(STATUS_CHOICES),
        "bank": dict(PayableFilter.base_filters["bank"].extra["choices"]),
    }
    parts = []
    for name, value in params.items():
        if name == "round":
            found = Round.objects.filter(slug=value).values_list("name", flat=True).first()
            parts.append(f"Round: {found or value}")
        else:
            field = PayableFilter.base_filters[name]
            parts.append(f"{field.label or name.title()}: {labels[name].get(value, value)}")
    return "; ".join(parts)


def _matching_ids(user, params) -> list[int]:
    """The ids of the finance list's payments matching `params`, as the list shows them (the
    list's own selector and filter), at most BULK_LIMIT + 1 of them."""
    qs = selectors.finance_list(user=user, show=params.get("show", ""))
    results = PayableFilter(params or None, queryset=qs).qs
    return list(results.values_list("pk", flat=True)[: BULK_LIMIT + 1])


def _fingerprint(rows) -> str:
    """Names the payments a filter confirmation showed as to be done."""
    return selection_fingerprint(r["payment"].pk for r in rows)


def _bulk_form(request, action, payments, *, bound: bool):
    if action != bulk.PAY:
        return None
    if request.POST.get("fill_references"):
        # The batch reference copied into every payment's own field, without any script.
        data = request.POST.copy()
        for p in payments:
            data[BulkPayForm.reference_name(p)] = data.get("reference", "")
        return BulkPayForm(data, payments=payments)
    return BulkPayForm(request.POST if bound else None, payments=payments)


@login_required
@require_POST
def finance_bulk(request):
    """Bulk approve or mark paid: the selected payments (ticked, or every one matching the list's
    filter) on a confirmation page that lists what will be done, with its total, apart from what
    will be refused and why; then one result line per payment (each in its own transaction)."""
    _finance_staff(request.user)
    require(grant_perms.can_act_on_payments(request.user))
    back = reverse("grants:finance")
    action = request.POST.get("action", "")
    if action not in bulk.ACTIONS:
        messages.error(request, "Choose what to do with the selected payments.")
        return _back(request, back)
    by_filter = request.POST.get("scope") == SCOPE_FILTER
    params = _filter_params(request.POST)
    if by_filter:
        ids = _matching_ids(request.user, params)
        if len(ids) > BULK_LIMIT:
            messages.error(
                request,
                f"More than {BULK_LIMIT} payments match this filter: narrow it (by round or "
                "status) and select them again.",
            )
            return _back(request, back)
    else:
        ids = [int(x) for x in request.POST.getlist("payment") if x.isdigit()]
    payments = selectors.payments_for_bulk(user=request.user, ids=ids)
    if not payments:
        messages.error(request, "Select at least one payment that is payable now.")
        return _back(request, back)
    is_confirmed = confirmed(request)
    form = _bulk_form(request, action, payments, bound=is_confirmed)
    valid = form is None or form.is_valid()
    # The date typed, when it is itself valid, even if another field was refused: the lists
    # are judged against the date that will be used, not today's.
    paid_on = form.cleaned_data.get("paid_on") if form is not None and form.is_bound else None
    will_do, refused = _bulk_preview(payments, action, request.user, paid_on)
    context = {
        "action": action,
        "action_label": bulk.ACTIONS[action],
        "rows": will_do,
        "refused": refused,
        "total": sum((r["payment"].amount for r in will_do), selectors.ZERO),
        "form": form,
        "next": _safe_next(request),
        "by_filter": by_filter,
        "filter_params": list(params.items()),
        "filter_described": _describe_filter(params) if by_filter else "",
        "fingerprint": _fingerprint(will_do),
    }
    changed = by_filter and request.POST.get("fingerprint") != context["fingerprint"]
    if is_confirmed and changed:
        context["changed"] = True
    elif is_confirmed and valid and will_do:
        results = bulk.payments_bulk(
            payments=[r["payment"] for r in will_do],
            action=action,
            actor=request.user,
            paid_on=paid_on,
            reference=form.cleaned_data["reference"] if form else "",
            references=form.references() if form else None,
        )
        # What the confirmation listed as refused is reported with its reason too.
        results += [bulk.BulkResult(r["payment"], False, r["refused"]) for r in refused]
        context["results"] = results
        context["done"] = sum(1 for r in results if r.done)
        return render(request, "grants/finance_bulk_results.html", context)
    if form is not None:
        for row in will_do:
            row["reference_field"] = form[BulkPayForm.reference_name(row["payment"])]
    context["effects"] = confirmations.bulk_effects(
        action=action, payments=[r["payment"] for r in will_do], total=context["total"]
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
    variations = variation_selectors.award_variations(award)
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
            "variations": variations,
            "can_vary": award.is_live
            and variation_services.can_request_variation(request.user, award)[0]
            and not any(v.is_open for v in variations),
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
