"""The round's budget page: figures by financial year and stage for programme staff (funder
officers included), and forms for programme managers to set the budget or allow an award
beyond it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from core.errors import errors_to_form, require
from grants import permissions as grant_perms
from programmes.models import Area, Round

from . import services
from .forms import BudgetLineForm, BudgetOverrideForm, BudgetTotalForm
from .models import BudgetOverride
from .selectors import financial_year, round_budget


def _years(round_) -> list[int]:
    return list(range(financial_year(round_.starts_on), financial_year(round_.ends_on) + 2))


def _forms(round_, data=None, action=None):
    areas = Area.objects.filter(round=round_).order_by("reference")
    bind = {name: (data if action == name else None) for name in ("total", "line", "override")}
    return {
        "total": BudgetTotalForm(bind["total"], initial={"total": round_.budget_total}),
        "line": BudgetLineForm(bind["line"], years=_years(round_)),
        "override": BudgetOverrideForm(bind["override"], areas=areas),
    }


def _save(request, round_, action, form):
    data = form.cleaned_data
    if action == "total":
        services.budget_set(round_=round_, total=data["total"], actor=request.user)
    elif action == "line":
        services.budget_line_set(
            round_=round_,
            stage=data["stage"],
            financial_year=data["financial_year"],
            amount=data["amount"],
            actor=request.user,
        )
    else:
        services.budget_override_grant(
            area=data["area"], stage=data["stage"], reason=data["reason"], actor=request.user
        )


@login_required
def round_budget_page(request, slug):
    require(grant_perms.can_view_finance(request.user))
    round_ = get_object_or_404(Round.objects.select_related("programme"), slug=slug)
    can_edit, _ = services.can_set_budget(request.user)
    action = request.POST.get("action") if request.method == "POST" else None
    forms = _forms(round_, request.POST, action)
    if action:
        require((can_edit, services.can_set_budget(request.user)[1]))
        form = forms.get(action)
        if form is None:
            raise PermissionDenied("Unknown budget action.")
        if form.is_valid():
            try:
                _save(request, round_, action, form)
            except (ValidationError, PermissionDenied) as exc:
                errors_to_form(form, exc)
            else:
                messages.success(
                    request,
                    "Budget updated."
                    if action != "override"
                    else "Override recorded: the area's next award at that stage may go "
                    "beyond the budget.",
                )
                return redirect(reverse("grants:round_budget", args=[round_.slug]))
    overrides = BudgetOverride.objects.filter(area__round=round_).select_related(
        "area", "granted_by", "award"
    )[:20]
    return render(
        request,
        "grants/budgets/round_budget.html",
        {
            "round": round_,
            "budget": round_budget(round_),
            "can_edit": can_edit,
            "forms": forms,
            "overrides": overrides,
            "rounds": Round.objects.order_by("-starts_on"),
        },
    )
