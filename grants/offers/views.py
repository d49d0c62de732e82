"""Grant offer pages: the offer with its versions, the PDF letter, and accepting, withdrawing or
reissuing it. Views are thin: the services check everything again."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from core.errors import errors_to_form, message_for
from programmes.permissions import areas_visible_to

from . import services
from .forms import OfferAcceptForm, OfferReasonForm
from .models import GrantOffer
from .workflows import OFFER


def _offer_in_scope(user, pk) -> GrantOffer:
    """The offer, if the user may see its area; 404 otherwise (another area's lead never learns
    that it exists)."""
    offer = (
        GrantOffer.objects.filter(award__area__in=areas_visible_to(user), pk=pk)
        .select_related(
            "award",
            "award__area",
            "award__area__round",
            "award__area__lead_organisation",
            "accepted_by",
            "issued_by",
        )
        .first()
    )
    if offer is None:
        raise Http404("No such grant offer.")
    return offer


@login_required
def offer_detail(request, pk):
    offer = _offer_in_scope(request.user, pk)
    award = offer.award
    moves = {m.name for m in OFFER.moves_for(offer, request.user, area=award.area)}
    accept_form = OfferAcceptForm(
        request.POST or None,
        initial={
            "name": request.user.get_full_name(),
            "role": getattr(request.user, "job_title", ""),
            "terms_sha256": offer.terms_sha256,
        },
    )
    if request.method == "POST":
        if "accept" not in moves:
            raise PermissionDenied("This grant offer cannot be accepted by you now.")
        if accept_form.is_valid():
            data = accept_form.cleaned_data
            try:
                services.offer_accept(
                    offer=offer,
                    actor=request.user,
                    name=data["name"],
                    role=data["role"],
                    terms_sha256=data["terms_sha256"],
                )
            except (ValidationError, PermissionDenied) as exc:
                errors_to_form(accept_form, exc)
            else:
                messages.success(
                    request,
                    f"Grant offer accepted: version {offer.version} of the "
                    f"{award.get_stage_display()} offer. Its payments can now be approved.",
                )
                return redirect(offer.get_absolute_url())
    versions = list(award.offers.order_by("-version"))
    return render(
        request,
        "grants/offers/offer_detail.html",
        {
            "offer": offer,
            "award": award,
            "versions": versions,
            "moves": moves,
            "accept_form": accept_form,
            "reason_form": OfferReasonForm(),
        },
    )


@login_required
def offer_pdf(request, pk):
    offer = _offer_in_scope(request.user, pk)
    filename = f"grant-offer-{offer.award.area.reference}-{offer.award.stage}-v{offer.version}.pdf"
    response = FileResponse(
        services.offer_pdf_open(offer),
        as_attachment=True,
        filename=filename,
        content_type="application/pdf",
    )
    response["Cache-Control"] = "private, no-store"
    return response


def _with_reason(request, pk, service, done: str):
    offer = _offer_in_scope(request.user, pk)
    form = OfferReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Nothing changed: give a reason.")
        return redirect(offer.get_absolute_url())
    try:
        result = service(offer=offer, actor=request.user, reason=form.cleaned_data["reason"])
    except ValidationError as exc:  # MoveRefused is one too
        messages.error(request, message_for(exc))
        return redirect(offer.get_absolute_url())
    messages.success(request, done.format(version=result.version))
    return redirect(result.get_absolute_url())


@login_required
@require_POST
def offer_withdraw(request, pk):
    return _with_reason(
        request, pk, services.offer_withdraw, "Grant offer version {version} withdrawn."
    )


@login_required
@require_POST
def offer_reissue(request, pk):
    return _with_reason(
        request,
        pk,
        services.offer_reissue,
        "Grant offer reissued as version {version}: the lead organisation must accept it.",
    )
