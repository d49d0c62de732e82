"""Assessors and conflicts of interest (GovS 015): the assessors of an application, a stage gate
or a final plan and who declared what; the declaration an assessor makes before seeing it; the
assessment queue's bulk assignment; a round's declaration register (with its CSV) and its
moderation view."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST, require_safe

from accounts import permissions as perms
from core.errors import errors_to_form, message_for, require
from core.spreadsheets import csv_lines
from programmes.models import Round

from .. import assessed, selectors, services
from .. import permissions as app_perms
from ..forms import AssignAssessorForm, DeclarationForm
from ..models import AssessorAssignment, AssessorStatus
from ..services.assessors import subject_name
from ..workflows import ASSESSOR

REFUSED = (ValidationError, PermissionDenied)


def subject_for(user, kind, pk):
    """The application, gate or plan, for the programme team only (404 for anyone else, and for
    anything that is not there)."""
    registered = assessed.get(kind)
    if registered is None or not perms.is_programme_staff(user):
        raise Http404("No such thing to assess.")
    found = registered.load(user, pk)
    if found is None:
        raise Http404("No such thing to assess.")
    return found


def subject_url(user, subject) -> str:
    getter = getattr(subject, "get_absolute_url_for", None)
    return getter(user) if getter else subject.get_absolute_url()


def kind_of(subject) -> str:
    return assessed.kind_for(subject).kind


def assessors_url(subject) -> str:
    return reverse("applications:assessors", args=[kind_of(subject), subject.pk])


def declare_url(subject) -> str:
    return reverse("applications:declare", args=[kind_of(subject), subject.pk])


def declaration_needed(request, subject):
    """The redirect to the declaration form for an assigned assessor who has not declared yet,
    or None: the detail pages ask it before showing anything."""
    if app_perms.must_declare(request.user, subject):
        messages.warning(
            request,
            "You are assigned to assess this. Declare any conflict of interest before you see it.",
        )
        return redirect(declare_url(subject))
    return None


def _round_of(subject):
    return getattr(subject, "round", None) or subject.area.round


@login_required
def assessors(request, kind, pk):
    """Who assesses this and what each declared; programme managers assign and remove here."""
    subject = subject_for(request.user, kind, pk)
    can_assign = app_perms.can_assign_assessors(request.user)[0]
    form = AssignAssessorForm(
        request.POST or None, assessors=selectors.possible_assessors(), prefix="assign"
    )
    if request.method == "POST":
        require(app_perms.can_assign_assessors(request.user))
        if form.is_valid():
            assessor = form.cleaned_data["assessor"]
            try:
                services.assessor_assign(subject=subject, assessor=assessor, actor=request.user)
            except REFUSED as exc:
                errors_to_form(form, exc)
                messages.error(request, message_for(exc))
            else:
                messages.success(
                    request,
                    f"{assessor.get_full_name() or assessor.username} is assigned; they declare "
                    "any conflict of interest before they see it.",
                )
                return redirect(assessors_url(subject))
    rows = selectors.assessors_of(subject)
    for row in rows:
        row.can_remove = (
            can_assign
            and row.pk is not None
            and ASSESSOR.refusal(row, AssessorStatus.REMOVED, request.user) is None
        )
    mine = app_perms.assignment_of(request.user, subject)
    return render(
        request,
        "applications/assessors.html",
        {
            "subject": subject,
            "subject_name": subject_name(subject),
            "subject_url": subject_url(request.user, subject),
            "round": _round_of(subject),
            "rows": rows,
            "form": form,
            "can_assign": can_assign,
            "must_declare": mine is not None and mine.status == AssessorStatus.AWAITING,
            "declare_url": declare_url(subject),
        },
    )


@login_required
@require_POST
def assessor_remove(request, pk):
    assignment = get_object_or_404(AssessorAssignment, pk=pk)
    subject = subject_for(request.user, kind_of(assignment.subject), assignment.subject.pk)
    require(app_perms.can_assign_assessors(request.user))
    try:
        services.assessor_remove(assignment=assignment, actor=request.user)
    except REFUSED as exc:
        messages.error(request, message_for(exc))
    else:
        messages.success(request, "The assessor has been removed; their declaration stays.")
    return redirect(assessors_url(subject))


@login_required
def declare(request, kind, pk):
    """The assigned assessor's declaration, before they see the application, gate or plan."""
    subject = subject_for(request.user, kind, pk)
    assignment = app_perms.assignment_of(request.user, subject)
    if assignment is None:
        raise PermissionDenied(
            f"You are not assigned to assess {app_perms.subject_noun(subject)}, so you have "
            "nothing to declare."
        )
    if assignment.status != AssessorStatus.AWAITING:
        messages.info(request, "You have already declared your interests in this.")
        return redirect(subject_url(request.user, subject))
    form = DeclarationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            made = services.conflict_declare(
                subject=subject,
                actor=request.user,
                declaration=form.cleaned_data["declaration"],
                nature=form.cleaned_data["nature"],
            )
        except REFUSED as exc:
            errors_to_form(form, exc)
            messages.error(request, message_for(exc))
        else:
            if made.is_conflict:
                messages.warning(
                    request,
                    "Your conflict of interest is recorded. You may read this, but you cannot "
                    "score or decide it.",
                )
            else:
                messages.success(request, "Recorded: no conflict of interest.")
            return redirect(subject_url(request.user, subject))
    return render(
        request,
        "applications/declare.html",
        {
            "subject_name": subject_name(subject),
            "round": _round_of(subject),
            "form": form,
            "assignment": assignment,
        },
    )


@login_required
@require_POST
def assessors_assign_bulk(request):
    """The assessment queue's "Assign to the ticked applications": one assessor to each."""
    require(app_perms.can_assign_assessors(request.user))
    back = request.POST.get("next") or reverse("applications:assessment_queue")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = reverse("applications:assessment_queue")
    form = AssignAssessorForm(
        request.POST, assessors=selectors.possible_assessors(), prefix="assign"
    )
    ids = [int(i) for i in request.POST.getlist("selected") if i.isdigit()]
    if not ids:
        messages.error(request, "Tick at least one application first.")
        return redirect(back)
    if not form.is_valid():
        messages.error(request, "Choose the assessor to assign.")
        return redirect(back)
    chosen = list(
        selectors.application_list(user=request.user).filter(pk__in=ids).order_by("area_name")
    )
    assessor = form.cleaned_data["assessor"]
    result = services.assessors_assign_bulk(subjects=chosen, assessor=assessor, actor=request.user)
    name = assessor.get_full_name() or assessor.username
    if result.succeeded:
        count = len(result.succeeded)
        messages.success(
            request,
            f"{name} assigned to {count} application{pluralize(count)}: "
            + ", ".join(a.area_name for a in result.succeeded),
        )
    for application, reason in result.failed:
        messages.error(request, f"{application.area_name}: not assigned. {reason}")
    return redirect(back)


def _visible_round(request, slug):
    require(app_perms.can_view_declarations(request.user))
    return get_object_or_404(Round, slug=slug)


REGISTER_HEADER = [
    "Declared at",
    "Assessor",
    "Assessing",
    "Subject",
    "Area or applicant",
    "Declaration",
    "Nature of the conflict",
]


def _register_row(d):
    subject = d.subject
    where = (
        subject.area_name if d.application_id else f"{subject.area.reference} {subject.area.name}"
    )
    return [
        timezone.localtime(d.declared_at).strftime("%Y-%m-%d %H:%M"),
        d.assessor.get_full_name() or d.assessor.username,
        "Peer reviewer" if d.as_peer_reviewer else "Assessor",
        d.get_subject_kind_display(),
        where,
        d.get_declaration_display(),
        d.nature,
    ]


@login_required
@require_safe
def declaration_register(request, slug):
    """Every declaration about the round's applications, gates and plans; ?format=csv for the
    funder's copy (formula-safe: core.spreadsheets)."""
    rnd = _visible_round(request, slug)
    declarations = selectors.round_declarations(round=rnd)
    if request.GET.get("format") == "csv":
        rows = [REGISTER_HEADER, *(_register_row(d) for d in declarations.iterator())]
        response = StreamingHttpResponse(csv_lines(rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="declarations-{rnd.slug}-{timezone.localdate():%Y-%m-%d}.csv"'
        )
        return response
    declarations = list(declarations)
    return render(
        request,
        "applications/declaration_register.html",
        {
            "round": rnd,
            "declarations": declarations,
            "rows": [(d, _register_row(d)) for d in declarations],
            "conflicts": sum(1 for d in declarations if d.is_conflict),
            "rounds": Round.objects.order_by("-starts_on"),
        },
    )


@login_required
@require_safe
def moderation(request, slug):
    """The round's applications whose assessors' total scores differ by more than the round's
    threshold, with the totals side by side (the others, agreeing, below)."""
    rnd = _visible_round(request, slug)
    return render(
        request,
        "applications/moderation.html",
        {
            "round": rnd,
            "rounds": Round.objects.order_by("-starts_on"),
            **selectors.round_moderation(round=rnd),
        },
    )
