"""Pages about an area's place in the programme: extending a deadline for it, recording that it
has left, and reinstating it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize

from core.confirm import confirmation_page, confirmed
from core.errors import errors_to_form, require
from core.money import pounds
from programmes.models import AreaStatus

from .. import confirmations, services
from .. import permissions as app_perms
from ..forms import AreaLeaveForm, AreaReinstateForm, ExtensionForm
from .scope import visible_area


@login_required
def extension_new(request, reference):
    require(app_perms.can_grant_extension(request.user))
    area = visible_area(request.user, reference)
    form = ExtensionForm(request.POST or None, area=area)
    if request.method == "POST" and form.is_valid():
        try:
            services.extension_grant(area=area, actor=request.user, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            errors_to_form(form, exc)
        else:
            messages.success(
                request,
                f"{area.reference} may answer {form.cleaned_data['milestone'].name} until "
                f"{form.cleaned_data['new_due_on']:%-d %B %Y}.",
            )
            return redirect(area.get_absolute_url())
    return render(request, "applications/extension_form.html", {"form": form, "area": area})


@login_required
def area_leave(request, reference):
    require(app_perms.can_change_area_status(request.user))
    area = visible_area(request.user, reference)
    if area.status != AreaStatus.ACTIVE:
        messages.error(
            request, f"{area.name} has already left the programme ({area.get_status_display()})."
        )
        return redirect(area.get_absolute_url())
    form = AreaLeaveForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and not confirmed(request):
        # The form's own button confirms (the page lists the effects); anything else posting
        # here gets the confirmation step first.
        outcome = AreaStatus(form.cleaned_data["outcome"]).label
        return confirmation_page(
            request,
            title=f"record that {area.name} has left the programme",
            effects=confirmations.leave_effects(
                area,
                services.area_leaving_effects(area),
                outcome_label=outcome,
                actor=request.user,
            ),
            button="Record and apply",
            back_url=area.get_absolute_url(),
            danger=True,
        )
    if request.method == "POST" and form.is_valid():
        try:
            result = services.area_leave(area=area, actor=request.user, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            errors_to_form(form, exc)
        else:
            done = [f"{area.name} is recorded as {area.get_status_display().lower()}."]
            gates, payments = len(result.gates_withdrawn), len(result.payments_cancelled)
            if gates:
                done.append(f"{gates} open stage-gate application{pluralize(gates)} withdrawn.")
            if payments:
                done.append(
                    f"{payments} unpaid payment{pluralize(payments)} totalling "
                    f"{pounds(result.money_cancelled)} cancelled."
                )
            messages.success(request, " ".join(done))
            return redirect(area.get_absolute_url())
    effects = services.area_leaving_effects(area)
    return render(
        request,
        "applications/area_leave_form.html",
        {
            "area": area,
            "form": form,
            "effects": confirmations.leave_effects(area, effects, actor=request.user),
        },
    )


@login_required
def area_reinstate(request, reference):
    require(app_perms.can_change_area_status(request.user))
    area = visible_area(request.user, reference)
    if area.status == AreaStatus.ACTIVE:
        messages.info(request, f"{area.name} is already active in the programme.")
        return redirect(area.get_absolute_url())
    form = AreaReinstateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.area_reinstate(area=area, actor=request.user, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            errors_to_form(form, exc)
        else:
            messages.success(
                request,
                f"{area.name} is active again at {area.get_stage_display()}. Payments cancelled "
                "when it left stay cancelled: schedule what is owed on its awards.",
            )
            return redirect(area.get_absolute_url())
    return render(request, "applications/area_reinstate_form.html", {"area": area, "form": form})
