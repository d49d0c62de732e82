"""Variation pages: asking for one (from the award's page), the programme's list, and each
variation with its decision, co-signature, refusal and withdrawal. Views are thin: the services
check everything again."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.selectors import lead_members
from core.confirm import Effect, confirmation_page, confirmed, people_told
from core.errors import errors_to_form, message_for, require
from core.money import pounds
from core.workflow import MoveRefused
from grants.models import Award, Payment
from programmes.permissions import areas_visible_to

from . import selectors, services
from .filters import VariationFilter
from .forms import VariationNoteForm, VariationRefuseForm, VariationRequestForm
from .models import Variation
from .workflows import VARIATION

PAGE_SIZE = 50


def _award_in_scope(user, pk) -> Award:
    award = (
        Award.objects.filter(area__in=areas_visible_to(user), pk=pk)
        .select_related("area", "area__round", "area__round__programme", "area__lead_organisation")
        .first()
    )
    if award is None:
        raise Http404("No such award.")
    return award


def _variation(user, pk) -> Variation:
    variation = selectors.variation_in_scope(user=user, pk=pk)
    if variation is None:
        raise Http404("No such variation.")
    return variation


@login_required
def variation_new(request, pk):
    """The lead organisation asks for a variation of its grant."""
    award = _award_in_scope(request.user, pk)
    require(services.can_request_variation(request.user, award))
    if not award.is_live:
        messages.error(request, "This award has been cancelled, so it cannot be varied.")
        return redirect(award.get_absolute_url())
    form = VariationRequestForm(request.POST or None, award=award)
    if request.method == "POST" and form.is_valid():
        try:
            variation = services.variation_request(
                award=award,
                actor=request.user,
                reasons=form.cleaned_data["reasons"],
                changes=form.cleaned_data["changes"],
            )
        except (ValidationError, PermissionDenied) as exc:
            errors_to_form(form, exc)
        else:
            messages.success(
                request,
                f"Variation {variation.reference} sent: the programme will decide it, and you "
                "will be told.",
            )
            return redirect(variation.get_absolute_url())
    return render(
        request,
        "grants/variations/variation_form.html",
        {
            "award": award,
            "form": form,
            "payments": award.payments.exclude(status=Payment.Status.CANCELLED).order_by("id"),
        },
    )


@login_required
def variation_list(request):
    """Every variation the programme has been asked for, newest first, with filters."""
    require(services.can_view_variations(request.user))
    qs = selectors.variations_visible_to(request.user)
    flt = VariationFilter(request.GET or None, queryset=qs)
    rows = list(flt.qs[:PAGE_SIZE])
    return render(
        request,
        "grants/variations/variation_list.html",
        {"filter": flt, "rows": rows, "more": flt.qs.count() > PAGE_SIZE if rows else False},
    )


@login_required
def variation_detail(request, pk):
    variation = _variation(request.user, pk)
    award = variation.award
    moves = {
        m.name
        for m in VARIATION.moves_for(
            variation, request.user, area=award.area, variation=variation, by=request.user
        )
    }
    return render(
        request,
        "grants/variations/variation_detail.html",
        {
            "variation": variation,
            "award": award,
            "changes": list(variation.changes.all()),
            "moves": moves,
            "note_form": VariationNoteForm(),
            "refuse_form": VariationRefuseForm(),
        },
    )


def _approval_effects(request, variation, preview) -> list:
    """What approving (or co-signing) does, for the confirmation page: the changes, and either
    the grant's new figures and reissued offer or the wait for a co-signature."""
    award = variation.award
    final = preview.target == Variation.Status.APPROVED
    effects = [Effect.record(c.describe()) for c in variation.changes.all()]
    if final:
        plan = preview.plan
        effects.append(
            Effect.money(
                f"The grant becomes {pounds(plan.amount)}, its payments add up to "
                f"{pounds(plan.total_scheduled)}; the round's budget figures follow."
            )
        )
        current = award.offers.exclude(status="superseded").order_by("-version").first()
        if current is not None:
            effects.append(
                Effect.lock(
                    f"The grant offer is reissued as version {current.version + 1}: no more "
                    "of this grant's payments can be approved until the lead organisation "
                    "accepts it."
                )
            )
        effects.append(
            people_told(
                lead_members(award.area),
                what="the variation is approved and the offer reissued",
                actor=request.user,
            )
        )
    else:
        effects.append(
            Effect.record(
                f"It changes {pounds(variation.money)}, over the programme's "
                f"{pounds(variation.cosign_over)}: it waits for a funder officer's "
                "co-signature, and nothing about the grant changes until then."
            )
        )
    return effects


def _decide(request, pk, *, cosign: bool):
    variation = _variation(request.user, pk)
    award = variation.award
    form = VariationNoteForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    if cosign != (variation.status == Variation.Status.AWAITING_COSIGN):
        messages.error(
            request,
            "Not approved: this variation waits for a funder officer's co-signature."
            if not cosign
            else "Not co-signed: only a variation approved for co-signature can be co-signed.",
        )
        return redirect(variation.get_absolute_url())
    if not confirmed(request):
        preview = services.variation_approve_preview(variation, request.user)
        if preview.refusal is not None:
            messages.error(request, f"Not approved: {message_for(preview.refusal)}")
            return redirect(variation.get_absolute_url())
        effects = _approval_effects(request, variation, preview)
        verb = "co-sign" if cosign else "approve"
        return confirmation_page(
            request,
            title=f"{verb} variation {variation.reference} of {award.area.reference}'s "
            f"{award.get_stage_display()} grant",
            effects=effects,
            button="Co-sign" if cosign else VARIATION.move(variation.status, preview.target).label,
            back_url=variation.get_absolute_url(),
        )
    service = services.variation_cosign if cosign else services.variation_approve
    try:
        service(variation=variation, actor=request.user, note=note)
    except ValidationError as exc:  # MoveRefused is one too
        messages.error(request, f"Not approved: {message_for(exc)}")
    else:
        variation.refresh_from_db()
        if variation.status == Variation.Status.AWAITING_COSIGN:
            messages.success(
                request,
                f"Variation {variation.reference} approved: it now waits for a funder officer's "
                "co-signature.",
            )
        else:
            messages.success(
                request,
                f"Variation {variation.reference} approved: the grant is changed and its offer "
                "reissued for the lead organisation to accept.",
            )
    return redirect(variation.get_absolute_url())


@login_required
@require_POST
def variation_approve(request, pk):
    return _decide(request, pk, cosign=False)


@login_required
@require_POST
def variation_cosign(request, pk):
    return _decide(request, pk, cosign=True)


@login_required
@require_POST
def variation_refuse(request, pk):
    variation = _variation(request.user, pk)
    form = VariationRefuseForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Nothing changed: give a reason for refusing.")
        return redirect(variation.get_absolute_url())
    try:
        services.variation_refuse(
            variation=variation, actor=request.user, reason=form.cleaned_data["reason"]
        )
    except ValidationError as exc:
        messages.error(request, f"Not refused: {message_for(exc)}")
    else:
        messages.success(request, f"Variation {variation.reference} refused.")
    return redirect(variation.get_absolute_url())


@login_required
@require_POST
def variation_withdraw(request, pk):
    variation = _variation(request.user, pk)
    try:
        services.variation_withdraw(variation=variation, actor=request.user)
    except (ValidationError, MoveRefused) as exc:
        messages.error(request, f"Not withdrawn: {message_for(exc)}")
    else:
        messages.success(request, f"Variation {variation.reference} withdrawn.")
    return redirect(variation.get_absolute_url())
