"""Due diligence pages: the list across organisations, and one organisation's checklist (the
one in preparation with its forms, the current confirmed one and the history). Every write is a
POST to a service; a refused one shows its reason on the page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from core.errors import errors_to_form, message_for, require
from programmes.models import Organisation

from . import permissions as perms
from . import selectors, services
from .filters import DiligenceFilter
from .forms import (
    DetailsForm,
    DocumentForm,
    DuplicateResolveForm,
    ReasonForm,
    RegisterCheckForm,
    RiskDecisionForm,
)
from .holds import standing_reason
from .models import DueDiligence, DuplicateFlag, FraudRisk, GovernanceDocument, RegisterCheck
from .workflows import DILIGENCE, DILIGENCE_MOVE_NAMES, RISK_DECISION

PAGE_SIZE = 50


@login_required
def diligence_list(request):
    """Each organisation's latest checklist, filtered by state, risk and expiry."""
    require(perms.can_view_diligence(request.user))
    today = timezone.localdate()
    diligence_filter = DiligenceFilter(
        request.GET or None, queryset=selectors.diligence_list(), today=today
    )
    qs = diligence_filter.qs
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "diligence/list.html",
        {
            "filter": diligence_filter,
            "page_obj": page,
            "today": today,
            "missing": selectors.organisations_without_diligence()[:50],
            "can_prepare": perms.can_prepare_diligence(request.user)[0],
        },
    )


def _organisation(user, org_pk) -> Organisation:
    require(perms.can_view_diligence(user))
    return get_object_or_404(Organisation, pk=org_pk)


def _checklist(user, pk) -> DueDiligence:
    require(perms.can_view_diligence(user))
    try:
        return selectors.checklist_for_page(pk)
    except DueDiligence.DoesNotExist:
        raise Http404("No such checklist.") from None


def _to_prepare(user, pk) -> DueDiligence:
    """A checklist for a write: only those who prepare checklists (403 for readers)."""
    require(perms.can_prepare_diligence(user))
    return _checklist(user, pk)


def _page(request, organisation, *, status=200, **forms):
    user = request.user
    today = timezone.localdate()
    history = list(selectors.history_for(organisation))
    open_one = next((d for d in history if d.is_open), None)
    current = next(
        (
            d
            for d in sorted(
                (d for d in history if d.status == "confirmed"),
                key=lambda d: d.confirmed_at,
                reverse=True,
            )
        ),
        None,
    )
    can_prepare = perms.can_prepare_diligence(user)[0]
    editable = open_one is not None and open_one.status in services.EDITABLE and can_prepare
    moves = DILIGENCE.moves_for(open_one, user, diligence=open_one, by=user) if open_one else []
    # Why a move is not offered, for the one person who may not make it: the preparer.
    refusals = []
    if open_one is not None and can_prepare:
        for move in DILIGENCE.moves_from(open_one.status):
            refused = DILIGENCE.refusal(open_one, move.target, user, diligence=open_one, by=user)
            # An incomplete checklist's refusal is the "Still to do" list the page shows.
            if refused is not None and refused.why == "condition" and open_one.missing_parts():
                continue
            if refused is not None and refused.reason not in refusals:
                refusals.append(refused.reason)
    risk_moves = []
    if current is not None and current.fraud_risk == FraudRisk.HIGH and can_prepare:
        risk_moves = RISK_DECISION.moves_for(current.risk_decision, user)
    if open_one is not None and "details_form" not in forms:
        forms["details_form"] = DetailsForm(
            initial={
                f: getattr(open_one, f)
                for f in (
                    "accounts_year_end",
                    "accounts_income",
                    "accounts_notes",
                    "conflicts_answered",
                    "conflicts_declared",
                    "fraud_risk",
                    "fraud_risk_reasons",
                    "fraud_mitigations",
                )
            }
        )
    forms.setdefault("check_form", RegisterCheckForm(initial=_register_initial(organisation)))
    forms.setdefault("document_form", DocumentForm())
    forms.setdefault("reason_form", ReasonForm())
    forms.setdefault("risk_form", RiskDecisionForm())
    return render(
        request,
        "diligence/organisation.html",
        {
            "organisation": organisation,
            "open": open_one,
            "current": current,
            "past": [d for d in history if d is not open_one and d is not current],
            "hold": standing_reason(organisation, current, today),
            "today": today,
            "can_prepare": can_prepare,
            "editable": editable,
            "moves": moves,
            "refusals": refusals,
            "risk_moves": risk_moves,
            "missing_parts": open_one.missing_parts() if open_one else [],
            "flags": _open_flags(organisation, user, forms.pop("duplicate_forms", {})),
            **forms,
        },
        status=status,
    )


def _open_flags(organisation, user, bound: dict) -> list[dict]:
    """The organisation's possible duplicates nobody has decided yet, either way round, each
    with the other organisation and (for those who prepare due diligence) the decision form."""
    flags = DuplicateFlag.objects.filter(
        Q(organisation=organisation) | Q(matches=organisation), resolved_at__isnull=True
    ).select_related("organisation", "matches")
    can_resolve = perms.can_prepare_diligence(user)[0]
    return [
        {
            "flag": f,
            "other": f.matches if f.organisation_id == organisation.pk else f.organisation,
            "form": bound.get(f.pk)
            or (DuplicateResolveForm(prefix=f"dup{f.pk}") if can_resolve else None),
        }
        for f in flags
    ]


def _register_initial(organisation) -> dict:
    if organisation.charity_number:
        return {
            "register": RegisterCheck.Register.CHARITY,
            "identifier": organisation.charity_number,
        }
    if organisation.company_number:
        return {
            "register": RegisterCheck.Register.COMPANY,
            "identifier": organisation.company_number,
        }
    return {
        "register": RegisterCheck.Register.OTHER,
        "identifier": organisation.org_identifier or "",
    }


@login_required
def organisation_page(request, org_pk):
    return _page(request, _organisation(request.user, org_pk))


@login_required
@require_POST
def start(request, org_pk):
    require(perms.can_prepare_diligence(request.user))
    organisation = _organisation(request.user, org_pk)
    try:
        services.diligence_start(organisation=organisation, actor=request.user)
    except ValidationError as exc:
        messages.error(request, message_for(exc))
    else:
        messages.success(request, f"Checklist started for {organisation.name}.")
    return redirect("diligence:organisation", org_pk=organisation.pk)


@login_required
@require_POST
def details(request, pk):
    diligence = _to_prepare(request.user, pk)
    form = DetailsForm(request.POST)
    if form.is_valid():
        try:
            services.diligence_update(diligence=diligence, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, "Accounts, conflicts and fraud risk saved.")
            return redirect("diligence:organisation", org_pk=diligence.organisation_id)
    return _page(request, diligence.organisation, status=400, details_form=form)


@login_required
@require_POST
def register_check(request, pk):
    diligence = _to_prepare(request.user, pk)
    form = RegisterCheckForm(request.POST)
    if form.is_valid():
        try:
            services.register_check_add(
                diligence=diligence, actor=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, "Register check recorded.")
            return redirect("diligence:organisation", org_pk=diligence.organisation_id)
    return _page(request, diligence.organisation, status=400, check_form=form)


@login_required
@require_POST
def register_check_remove(request, pk, check_pk):
    diligence = _to_prepare(request.user, pk)
    check = get_object_or_404(RegisterCheck, pk=check_pk, diligence=diligence)
    try:
        services.register_check_remove(check=check, actor=request.user)
    except ValidationError as exc:
        messages.error(request, message_for(exc))
    else:
        messages.success(request, "Register check removed.")
    return redirect("diligence:organisation", org_pk=diligence.organisation_id)


@login_required
@require_POST
def document(request, pk):
    diligence = _to_prepare(request.user, pk)
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            data = dict(form.cleaned_data)
            services.document_add(
                diligence=diligence,
                actor=request.user,
                uploaded_file=data.pop("file"),
                **data,
            )
        except ValidationError as exc:
            errors_to_form(form, exc, field_map={"uploaded_file": "file"})
        else:
            messages.success(request, "Document added.")
            return redirect("diligence:organisation", org_pk=diligence.organisation_id)
    return _page(request, diligence.organisation, status=400, document_form=form)


@login_required
def document_download(request, pk, doc_pk):
    diligence = _checklist(request.user, pk)
    doc = get_object_or_404(GovernanceDocument, pk=doc_pk, diligence=diligence)
    try:
        handle = doc.file.open("rb")
    except FileNotFoundError:
        raise Http404("The file is missing.") from None
    response = FileResponse(handle, as_attachment=True, filename=doc.filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def document_remove(request, pk, doc_pk):
    diligence = _to_prepare(request.user, pk)
    doc = get_object_or_404(GovernanceDocument, pk=doc_pk, diligence=diligence)
    try:
        services.document_remove(document=doc, actor=request.user)
    except ValidationError as exc:
        messages.error(request, message_for(exc))
    else:
        messages.success(request, "Document removed.")
    return redirect("diligence:organisation", org_pk=diligence.organisation_id)


@login_required
@require_POST
def move(request, pk, move):
    """Send for confirmation, confirm, or return for changes (with a reason)."""
    if move not in DILIGENCE_MOVE_NAMES:
        raise Http404("No such action.")
    diligence = _to_prepare(request.user, pk)
    org = diligence.organisation
    try:
        if move == "submit":
            services.diligence_submit(diligence=diligence, actor=request.user)
            messages.success(request, f"Checklist for {org.name} sent for confirmation.")
        elif move == "confirm":
            services.diligence_confirm(diligence=diligence, actor=request.user)
            messages.success(request, f"Due diligence on {org.name} confirmed.")
        else:
            form = ReasonForm(request.POST)
            if not form.is_valid():
                return _page(request, org, status=400, reason_form=form)
            services.diligence_return(
                diligence=diligence, actor=request.user, reason=form.cleaned_data["reason"]
            )
            messages.success(request, f"Checklist for {org.name} returned for changes.")
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, message_for(exc))
    return redirect("diligence:organisation", org_pk=org.pk)


@login_required
@require_POST
def risk_decision(request, pk):
    diligence = _to_prepare(request.user, pk)
    org = diligence.organisation
    form = RiskDecisionForm(request.POST)
    if form.is_valid():
        try:
            services.risk_decide(diligence=diligence, actor=request.user, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            errors_to_form(form, exc)
        else:
            label = RISK_DECISION.label(form.cleaned_data["decision"])
            messages.success(request, f"Decision recorded: {label.lower()}.")
            return redirect("diligence:organisation", org_pk=org.pk)
    return _page(request, org, status=400, risk_form=form)


@login_required
@require_POST
def duplicate_resolve(request, pk, org_pk):
    """Record the decision on a possible duplicate, from the page of either organisation."""
    require(perms.can_prepare_diligence(request.user))
    organisation = _organisation(request.user, org_pk)
    flag = get_object_or_404(
        DuplicateFlag.objects.filter(Q(organisation=organisation) | Q(matches=organisation)), pk=pk
    )
    form = DuplicateResolveForm(request.POST, prefix=f"dup{flag.pk}")
    if form.is_valid():
        try:
            services.duplicate_resolve(flag=flag, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            if getattr(exc, "code", None) == "already_resolved":  # its form is gone: say so
                messages.error(request, message_for(exc))
                return redirect("diligence:organisation", org_pk=organisation.pk)
            errors_to_form(form, exc)
        else:
            messages.success(
                request, f"Decision recorded: {flag.get_resolution_display().lower()}."
            )
            return redirect("diligence:organisation", org_pk=organisation.pk)
    return _page(request, organisation, status=400, duplicate_forms={flag.pk: form})
