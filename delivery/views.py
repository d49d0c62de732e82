"""Delivery pages: the staff returns list, an area's returns, funding secured, CBA outturn and
Making it Happen. Views are thin: the services check everything again and refusals come back as
messages or field errors. Objects outside the user's areas are 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from core.errors import errors_to_form, message_for, require
from core.text import NOTE_CHARS
from programmes.permissions import areas_visible_to, visible_area_or_404

from . import permissions as delivery_perms
from . import selectors, services
from .filters import ReturnsFilter
from .forms import (
    CommitmentForm,
    FinalReportForm,
    FundingRecordForm,
    OutturnForm,
    ReceiveForm,
    ReturnForm,
    ReviewForm,
    SustainabilityForm,
    WithdrawForm,
    posted_answers,
)
from .indicators import indicators_due
from .models import (
    DELIVERY_STAGES,
    CbaOutturnLine,
    FundingRecord,
    MatchFundingCommitment,
    ReturnSection,
    ReviewDecision,
)
from .workflows import COMMITMENT, MOVE_NAMES, RETURN, ReturnStatus

PAGE_SIZE = 50


_area = visible_area_or_404


def _can_edit(user, area) -> bool:
    return delivery_perms.can_edit_delivery(user, area)[0]


def _require_edit(user, area):
    require(delivery_perms.can_edit_delivery(user, area))


# Returns ----------------------------------------------------------------------------------------


@login_required
def returns_list(request):
    require(delivery_perms.can_view_returns_list(request.user))
    today = timezone.localdate()
    qs = selectors.returns_list(user=request.user, today=today)
    returns_filter = ReturnsFilter(request.GET or None, queryset=qs, today=today)
    page = Paginator(returns_filter.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = []
    for r in page.object_list:
        assignments = r.area.current_assignments
        rows.append(
            {
                "r": r,
                "state": r.state_on(today),
                "rm": assignments[0].user if assignments else None,
                "days_late": (today - r.due_on).days,
            }
        )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "delivery/returns_list.html",
        {
            "filter": returns_filter,
            "page_obj": page,
            "rows": rows,
            "today": today,
            "query": query.urlencode(),
        },
    )


@login_required
def area_returns(request, reference):
    area = _area(request.user, reference)
    today = timezone.localdate()
    # Idempotent: fills in any period the schedule has not created yet.
    services.returns_schedule(area=area)
    returns = selectors.area_returns(area=area)
    return render(
        request,
        "delivery/area_returns.html",
        {
            "area": area,
            "rows": [{"r": r, "state": r.state_on(today)} for r in returns],
            "can_edit": _can_edit(request.user, area),
            "today": today,
        },
    )


def _comments(progress_return) -> list:
    return [c for review in progress_return.reviews.all() for c in review.comments.all()]


def _can_review(user, progress_return) -> bool:
    return (
        progress_return.status == ReturnStatus.SUBMITTED
        and RETURN.allows(
            progress_return,
            ReturnStatus.ACCEPTED,
            user,
            **delivery_perms.return_review_context(user, progress_return.area),
        )[0]
    )


def _sections(reviews, review_form) -> dict:
    """What sits beside each section of the return, by section key: the latest review's comment
    on it when that review asked for changes (with the lead organisation's answer), and the
    reviewer's comment box for a new review. The review history lists the other reviews'
    comments."""
    latest = reviews[-1] if reviews else None
    asked = latest if latest and latest.decision == ReviewDecision.CHANGES_REQUESTED else None
    comments = {c.section: c for c in asked.comments.all()} if asked else {}
    return {
        "inline_review": asked,
        "sections": {
            s.value: {
                "comment": comments.get(s.value),
                "box": review_form[f"comment_{s.value}"]
                if review_form and s in review_form.sections
                else None,
            }
            for s in ReturnSection
        },
    }


def _save_return(request, progress_return, form) -> bool:
    """Save the draft (and the answers to reviewers' comments), then submit if asked. False
    with the form's errors set when a service refused."""
    try:
        # The answers first: one refused (too long) leaves the return as it was.
        answers = posted_answers(request.POST, _comments(progress_return))
        if answers:
            services.return_comments_answer(
                progress_return=progress_return, actor=request.user, answers=answers
            )
        services.return_save(
            progress_return=progress_return, actor=request.user, **form.service_kwargs()
        )
        if "submit" in request.POST:
            services.return_submit(progress_return=progress_return, actor=request.user)
    except ValidationError as exc:
        errors_to_form(form, exc)
        return False
    return True


@login_required
def return_detail(request, pk):
    progress_return = selectors.return_detail(user=request.user, pk=pk)
    if progress_return is None:
        raise Http404("No such return.")
    area = progress_return.area
    today = timezone.localdate()
    can_edit, _ = delivery_perms.can_edit_return(request.user, progress_return)
    due = indicators_due(progress_return)
    form = None
    if can_edit:
        form_class = FinalReportForm if progress_return.is_final else ReturnForm
        form = form_class(
            request.POST or None, initial=form_class.initial_for(progress_return), due=due
        )
    if request.method == "POST":
        if not can_edit:
            require(delivery_perms.can_edit_return(request.user, progress_return))
        if form.is_valid() and _save_return(request, progress_return, form):
            if "submit" in request.POST:
                messages.success(request, "Return submitted. Thank you.")
                return redirect("delivery:area_returns", area.reference)
            messages.success(request, "Draft saved.")
            return redirect("delivery:return_detail", progress_return.pk)
    posted = posted_answers(request.POST, _comments(progress_return))
    for comment in _comments(progress_return):
        # What the answer box shows: what was just typed when the page comes back with errors.
        comment.draft_answer = posted.get(comment.pk, comment.response)
    reviews = list(progress_return.reviews.all())
    review_form = (
        ReviewForm(final=progress_return.is_final)
        if _can_review(request.user, progress_return)
        else None
    )
    return render(
        request,
        "delivery/return_detail.html",
        {
            "area": area,
            "r": progress_return,
            "answer_limit": NOTE_CHARS,
            "state": progress_return.state_on(today),
            "form": form,
            "submit_refusal": services.return_submit_preview(
                progress_return=progress_return, actor=request.user, today=today
            )
            if can_edit and progress_return.status == ReturnStatus.DRAFT
            else None,
            "reviews": reviews,
            **_sections(reviews, review_form),
            "review_form": review_form,
            "due": due,
            "obstacles": [f for f in progress_return.factors.all() if f.kind == "obstacle"],
            "enablers": [f for f in progress_return.factors.all() if f.kind == "enabler"],
        },
    )


@login_required
@require_POST
def return_review(request, pk):
    """A reviewer accepts a submitted return or asks for changes (the form is on the return's
    page); refusals come back as messages."""
    progress_return = selectors.return_detail(user=request.user, pk=pk)
    if progress_return is None:
        raise Http404("No such return.")
    require(delivery_perms.can_review_returns(request.user, progress_return.area))
    form = ReviewForm(request.POST, final=progress_return.is_final)
    back = redirect("delivery:return_detail", progress_return.pk)
    if not form.is_valid():
        messages.error(request, "Accept the return or ask for changes.")
        return back
    try:
        review = services.return_review(
            progress_return=progress_return,
            actor=request.user,
            decision=form.cleaned_data["decision"],
            note=form.cleaned_data["note"],
            comments=form.comments(),
        )
    except ValidationError as exc:
        messages.error(request, message_for(exc))
        return back
    if review.decision == "accepted":
        messages.success(request, "Return accepted. The lead organisation has been told.")
    else:
        messages.success(request, "Changes requested. The lead organisation has been told.")
    return back


# Funding ----------------------------------------------------------------------------------------


@login_required
def area_funding(request, reference):
    area = _area(request.user, reference)
    can_edit = _can_edit(request.user, area)
    form = FundingRecordForm(request.POST or None) if can_edit else None
    if request.method == "POST":
        _require_edit(request.user, area)
        if form.is_valid():
            try:
                services.funding_record_save(area=area, actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                errors_to_form(form, exc)
            else:
                messages.success(request, "Funding secured recorded.")
                return redirect("delivery:area_funding", area.reference)
    return render(
        request,
        "delivery/area_funding.html",
        {
            "area": area,
            "comparison": selectors.funding_planned_vs_secured(area),
            "records": selectors.funding_records(area=area),
            "form": form,
            "can_edit": can_edit,
        },
    )


def _record(user, pk) -> FundingRecord:
    record = (
        FundingRecord.objects.filter(area__in=areas_visible_to(user), pk=pk)
        .select_related("area")
        .first()
    )
    if record is None:
        raise Http404("No such funding record.")
    return record


@login_required
def funding_edit(request, pk):
    record = _record(request.user, pk)
    _require_edit(request.user, record.area)
    form = FundingRecordForm(request.POST or None, instance=FundingRecord.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.funding_record_save(
                area=record.area, actor=request.user, record=record, **form.cleaned_data
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, "Funding record updated.")
            return redirect("delivery:area_funding", record.area.reference)
    return render(
        request, "delivery/funding_form.html", {"area": record.area, "form": form, "record": record}
    )


@login_required
@require_POST
def funding_delete(request, pk):
    record = _record(request.user, pk)
    services.funding_record_delete(record=record, actor=request.user)
    messages.success(request, "Funding record removed.")
    return redirect("delivery:area_funding", record.area.reference)


# CBA outturn ------------------------------------------------------------------------------------


@login_required
def area_outturn(request, reference):
    area = _area(request.user, reference)
    cba = selectors.area_cba(area)
    can_edit = _can_edit(request.user, area) and cba is not None
    form = OutturnForm(request.POST or None, cba=cba) if can_edit else None
    if request.method == "POST":
        _require_edit(request.user, area)
        if form is None:
            raise Http404("This area has no cost benefit analysis.")
        if form.is_valid():
            try:
                services.outturn_line_save(area=area, actor=request.user, **form.service_kwargs())
            except ValidationError as exc:
                errors_to_form(form, exc)
            else:
                messages.success(request, "Outturn recorded.")
                return redirect("delivery:area_outturn", area.reference)
    return render(
        request,
        "delivery/area_outturn.html",
        {
            "area": area,
            "cba": cba,
            "comparison": selectors.cba_forecast_vs_outturn(area, cba) if cba else None,
            "form": form,
            "can_edit": can_edit,
        },
    )


def _outturn(user, pk) -> CbaOutturnLine:
    line = (
        CbaOutturnLine.objects.filter(area__in=areas_visible_to(user), pk=pk)
        .select_related("area")
        .first()
    )
    if line is None:
        raise Http404("No such outturn line.")
    return line


@login_required
def outturn_edit(request, pk):
    line = _outturn(request.user, pk)
    area = line.area
    _require_edit(request.user, area)
    cba = selectors.area_cba(area)
    if cba is None:
        raise Http404("This area has no cost benefit analysis.")
    form = OutturnForm(request.POST or None, cba=cba, initial=OutturnForm.initial_for(line))
    if request.method == "POST" and form.is_valid():
        try:
            services.outturn_line_save(
                area=area, actor=request.user, line=line, **form.service_kwargs()
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, "Outturn updated.")
            return redirect("delivery:area_outturn", area.reference)
    return render(request, "delivery/outturn_form.html", {"area": area, "form": form, "line": line})


@login_required
@require_POST
def outturn_delete(request, pk):
    line = _outturn(request.user, pk)
    services.outturn_line_delete(line=line, actor=request.user)
    messages.success(request, "Outturn line removed.")
    return redirect("delivery:area_outturn", line.area.reference)


# Making it Happen -------------------------------------------------------------------------------


@login_required
def area_making_it_happen(request, reference):
    area = _area(request.user, reference)
    application = selectors.making_it_happen(area=area)
    can_edit = _can_edit(request.user, area) and area.stage in DELIVERY_STAGES
    plan_form = commitment_form = None
    if can_edit:
        plan_form = SustainabilityForm(
            request.POST or None,
            initial={"sustainability_plan": application.sustainability_plan if application else ""},
        )
        commitment_form = CommitmentForm()
    if request.method == "POST":
        _require_edit(request.user, area)
        if plan_form is None:
            raise PermissionDenied("Making it Happen is prepared once the area is implementing.")
        if plan_form.is_valid():
            try:
                services.mih_application_save(
                    area=area, actor=request.user, **plan_form.cleaned_data
                )
            except ValidationError as exc:
                errors_to_form(plan_form, exc)
            else:
                messages.success(request, "Sustainability plan saved.")
                return redirect("delivery:area_making_it_happen", area.reference)
    return _mih_page(request, area, application, can_edit, plan_form, commitment_form)


def _mih_page(request, area, application, can_edit, plan_form, commitment_form, status=200):
    commitments = list(application.commitments.all()) if application else []
    return render(
        request,
        "delivery/area_making_it_happen.html",
        {
            "area": area,
            "application": application,
            "rows": [{"c": c, "moves": COMMITMENT.moves_for(c, request.user)} for c in commitments]
            if can_edit
            else [{"c": c, "moves": []} for c in commitments],
            "totals": selectors.match_funding_totals(commitments),
            "plan_form": plan_form,
            "commitment_form": commitment_form,
            "receive_form": ReceiveForm(initial={"received_on": timezone.localdate()}),
            "withdraw_form": WithdrawForm(),
            "can_edit": can_edit,
        },
        status=status,
    )


@login_required
@require_POST
def commitment_add(request, reference):
    area = _area(request.user, reference)
    _require_edit(request.user, area)
    form = CommitmentForm(request.POST)
    if form.is_valid():
        try:
            services.commitment_add(area=area, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, "Match-funding commitment added.")
            return redirect(
                reverse("delivery:area_making_it_happen", args=[area.reference]) + "#commitments"
            )
    application = selectors.making_it_happen(area=area)
    plan_form = SustainabilityForm(
        initial={"sustainability_plan": application.sustainability_plan if application else ""}
    )
    return _mih_page(request, area, application, True, plan_form, form, status=400)


@login_required
@require_POST
def commitment_move(request, pk, move):
    commitment = (
        MatchFundingCommitment.objects.filter(
            application__area__in=areas_visible_to(request.user), pk=pk
        )
        .select_related("application__area")
        .first()
    )
    if commitment is None or move not in MOVE_NAMES:
        raise Http404("No such commitment.")
    area = commitment.application.area
    back = reverse("delivery:area_making_it_happen", args=[area.reference]) + "#commitments"
    try:
        if move == "confirm":
            services.commitment_confirm(commitment=commitment, actor=request.user)
        elif move == "receive":
            form = ReceiveForm(request.POST)
            if not form.is_valid():
                messages.error(request, "Enter the date and the amount received.")
                return redirect(back)
            services.commitment_receive(
                commitment=commitment, actor=request.user, **form.cleaned_data
            )
        else:
            services.commitment_withdraw(
                commitment=commitment, actor=request.user, reason=request.POST.get("reason", "")
            )
    except ValidationError as exc:
        messages.error(request, message_for(exc))
    except PermissionDenied as exc:
        if not delivery_perms.can_edit_delivery(request.user, area)[0]:
            raise
        messages.error(request, str(exc))
    else:
        messages.success(request, f"{commitment.public_body}: {commitment.get_status_display()}.")
    return redirect(back)
