import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts import permissions as account_perms
from core.errors import errors_to_form, message_for, require
from programmes.models import Area, AreaStatus, Round

from . import permissions as perms
from . import selectors, services
from .filters import SupportAreaFilter, sort_areas
from .forms import (
    AdviserForm,
    AssignmentForm,
    AttendanceFormSet,
    BookingForm,
    ContactForm,
    EventForm,
    FollowUpFormSet,
    InviteForm,
    RaiseForm,
)
from .models import Adviser, AdviserDay, Event, FollowUp, SupportContact
from .next_step import next_steps
from .workflows import BOOKING_MOVE_NAMES

PAGE_SIZE = 50


def _area_for_record(user, reference) -> Area:
    """The area, if the user may see its support record; 404 for areas outside their scope (a
    relationship manager's former or other areas, any area for a lead organisation user)."""
    area = get_object_or_404(
        Area.objects.select_related("round", "lead_organisation"), reference=reference
    )
    allowed, reason = perms.can_view_support_record(user, area)
    if not allowed:
        if account_perms.is_funder_officer(user) or account_perms.is_manager_or_admin(user):
            raise PermissionDenied(reason)
        raise Http404("No such area.")
    return area


def _area_for_adviser_days(user, reference) -> Area:
    area = get_object_or_404(
        Area.objects.select_related("round", "lead_organisation"), reference=reference
    )
    if not perms.can_view_adviser_days(user, area)[0]:
        raise Http404("No such area.")
    return area


def _posted(request):
    """The POST data, or None for a GET (an empty POST still binds the form, so it shows errors)."""
    return request.POST if request.method == "POST" else None


def _staff_only(user):
    if not perms.is_support_staff(user):
        raise PermissionDenied("This page is for programme staff.")


@login_required
def my_areas(request):
    """The relationship manager's start page: their current areas and how each is doing."""
    _staff_only(request.user)
    today = timezone.localdate()
    qs = selectors.rm_areas(user=request.user, today=today)
    area_filter = SupportAreaFilter(request.GET or None, queryset=qs, today=today)
    results = area_filter.qs if area_filter.is_bound and area_filter.is_valid() else qs
    # Relationship managers see the areas to call first: worst early-warning score first.
    is_rm = account_perms.is_relationship_manager(request.user)
    default_sort = "-warning" if is_rm else "reference"
    results = sort_areas(results, request.GET.get("sort", default_sort)).select_related("warning")
    page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
    cutoff = today - datetime.timedelta(days=selectors.CONTACT_OVERDUE_DAYS)
    steps = next_steps(page.object_list, today=today)
    rows = []
    for area in page:
        since = (today - area.last_contact_on).days if area.last_contact_on else None
        rows.append(
            {
                "area": area,
                "days_since_contact": since,
                "contact_overdue": area.last_contact_on is None or area.last_contact_on < cutoff,
                "remaining_days": area.entitlement_days - area.used_days,
                "next_step": steps[area.pk],
            }
        )
    return render(
        request,
        "support/my_areas.html",
        {
            "filter": area_filter,
            "page_obj": page,
            "rows": rows,
            "total": page.paginator.count,
            "is_rm": account_perms.is_relationship_manager(request.user),
            "overdue_days": selectors.CONTACT_OVERDUE_DAYS,
            "today": today,
        },
    )


@login_required
def followup_list(request):
    _staff_only(request.user)
    mine = request.GET.get("mine") == "1"
    followups = list(selectors.followups_open(user=request.user, mine_only=mine))
    today = timezone.localdate()
    return render(
        request,
        "support/followup_list.html",
        {
            "followups": followups,
            "overdue_count": sum(1 for f in followups if f.is_overdue(today)),
            "today": today,
            "mine": mine,
        },
    )


@login_required
@require_POST
def followup_done(request, pk):
    followup = get_object_or_404(FollowUp.objects.select_related("area"), pk=pk)
    _area_for_record(request.user, followup.area.reference)
    try:
        services.followup_complete(followup=followup, actor=request.user)
    except ValidationError as exc:
        messages.error(request, message_for(exc))
    else:
        messages.success(request, f"Marked done: {followup.action}")
    next_url = request.POST.get("next")
    if next_url and next_url.startswith("/") and not next_url.startswith("//"):
        return redirect(next_url)
    return redirect("support:followup_list")


@login_required
def area_support(request, reference):
    """An area's support record: contacts, open risks and follow-ups."""
    area = _area_for_record(request.user, reference)
    contacts = selectors.area_contacts(area=area)
    page = Paginator(contacts, 20).get_page(request.GET.get("page"))
    return render(
        request,
        "support/area_support.html",
        {
            "area": area,
            "page_obj": page,
            "open_risks": list(contacts.filter(selectors.open_risks_filter())),
            "can_log": perms.can_log_contact(request.user, area)[0],
            "can_resolve": perms.can_resolve_risk(request.user, SupportContact(area=area))[0],
            "today": timezone.localdate(),
        },
    )


@login_required
def contact_log(request, reference):
    area = _area_for_record(request.user, reference)
    require(perms.can_log_contact(request.user, area))
    form = ContactForm(_posted(request))
    formset = FollowUpFormSet(
        _posted(request), prefix="followups", form_kwargs={"user": request.user}
    )
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        followups = [
            {
                "action": f.cleaned_data["action"],
                "due_on": f.cleaned_data["due_on"],
                "owner": f.cleaned_data.get("owner"),
            }
            for f in formset
            if f.cleaned_data and (f.cleaned_data.get("action") or "").strip()
        ]
        try:
            services.contact_log(
                area=area, actor=request.user, followups=followups, **form.cleaned_data
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, f"Contact with {area.name} logged.")
            return redirect("support:area_support", reference=area.reference)
    return render(
        request,
        "support/contact_form.html",
        {"area": area, "form": form, "formset": formset},
    )


@login_required
@require_POST
def risk_resolve(request, reference, pk):
    area = _area_for_record(request.user, reference)
    contact = get_object_or_404(SupportContact, pk=pk, area=area)
    try:
        services.risk_resolve(
            contact=contact, actor=request.user, note=request.POST.get("note", "")
        )
    except ValidationError as exc:
        messages.error(request, message_for(exc))
    else:
        messages.success(request, "Risk marked as resolved.")
    return redirect("support:area_support", reference=area.reference)


@login_required
def adviser_days(request, reference):
    """Entitlement rows, bookings and what is left; booking and raise forms for those allowed."""
    area = _area_for_adviser_days(request.user, reference)
    can_book = perms.can_book_adviser_days(request.user, area)[0]
    can_raise = perms.can_raise_entitlement(request.user, area)[0]
    booking_form = BookingForm(prefix="book")
    raise_form = RaiseForm(prefix="raise")
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "book":
            require(perms.can_book_adviser_days(request.user, area))
            booking_form = BookingForm(request.POST, prefix="book")
            if booking_form.is_valid():
                try:
                    booking = services.adviser_days_book(
                        area=area, actor=request.user, **booking_form.cleaned_data
                    )
                except ValidationError as exc:
                    errors_to_form(booking_form, exc)
                else:
                    messages.success(
                        request,
                        f"{services.days_phrase(booking.days)} with {booking.adviser_name} "
                        f"planned for {booking.date:%-d %b %Y}. Mark them delivered once they "
                        "have happened.",
                    )
                    return redirect("support:adviser_days", reference=area.reference)
        elif action == "raise":
            require(perms.can_raise_entitlement(request.user, area))
            raise_form = RaiseForm(request.POST, prefix="raise")
            if raise_form.is_valid():
                try:
                    services.entitlement_raise(
                        area=area,
                        days=raise_form.cleaned_data["raise_days"],
                        reason=raise_form.cleaned_data["reason"],
                        actor=request.user,
                    )
                except ValidationError as exc:
                    errors_to_form(raise_form, exc, {"days": "raise_days"})
                else:
                    messages.success(
                        request,
                        f"Entitlement raised by {services.days_phrase(raise_form.cleaned_data['raise_days'])}.",
                    )
                    return redirect("support:adviser_days", reference=area.reference)
        else:
            raise Http404("Unknown action.")
    return render(
        request,
        "support/adviser_days.html",
        {
            "area": area,
            **selectors.area_adviser_days(area=area),
            "booking_form": booking_form,
            "raise_form": raise_form,
            "today": timezone.localdate(),
            "can_book": can_book,
            "can_raise": can_raise,
        },
    )


def _booking(user, pk) -> AdviserDay:
    booking = get_object_or_404(
        AdviserDay.objects.select_related("area", "area__round", "adviser"), pk=pk
    )
    _area_for_adviser_days(user, booking.area.reference)
    return booking


@login_required
def booking_edit(request, pk):
    """Change a planned booking: adviser, date, days, what for."""
    booking = _booking(request.user, pk)
    area = booking.area
    require(perms.can_book_adviser_days(request.user, area))
    initial = {
        "adviser": booking.adviser,
        "date": booking.date,
        "days": booking.days,
        "description": booking.description,
    }
    form = BookingForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.adviser_day_update(booking=booking, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, "Booking changed.")
            return redirect("support:adviser_days", reference=area.reference)
    return render(
        request, "support/booking_form.html", {"area": area, "booking": booking, "form": form}
    )


@login_required
@require_POST
def booking_move(request, pk, move):
    """Mark a planned booking delivered, or cancel it."""
    booking = _booking(request.user, pk)
    if move not in BOOKING_MOVE_NAMES:
        raise Http404("No such action.")
    require(perms.can_book_adviser_days(request.user, booking.area))
    try:
        if move == "deliver":
            services.adviser_day_deliver(booking=booking, actor=request.user)
            messages.success(
                request, f"{booking.adviser_name}, {booking.date:%-d %b %Y}: delivered."
            )
        else:
            services.adviser_day_cancel(
                booking=booking, actor=request.user, reason=request.POST.get("reason", "")
            )
            messages.success(
                request, f"{booking.adviser_name}, {booking.date:%-d %b %Y}: cancelled."
            )
    except ValidationError as exc:
        messages.error(request, message_for(exc))
    return redirect("support:adviser_days", reference=booking.area.reference)


@login_required
def adviser_list(request):
    """The list of external advisers bookings choose from; programme managers and admins add
    advisers and take them off the list."""
    _staff_only(request.user)
    can_manage = perms.can_manage_advisers(request.user)[0]
    form = AdviserForm(_posted(request)) if can_manage else None
    if request.method == "POST":
        require(perms.can_manage_advisers(request.user))
        if form.is_valid():
            try:
                adviser = services.adviser_save(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                errors_to_form(form, exc)
            else:
                messages.success(request, f"{adviser.name} added to the list.")
                return redirect("support:adviser_list")
    return render(
        request,
        "support/adviser_list.html",
        {"advisers": selectors.advisers(), "form": form, "can_manage": can_manage},
    )


@login_required
def adviser_edit(request, pk):
    require(perms.can_manage_advisers(request.user))
    adviser = get_object_or_404(Adviser, pk=pk)
    initial = {
        "name": adviser.name,
        "organisation": adviser.organisation,
        "email": adviser.email,
        "active": adviser.active,
    }
    form = AdviserForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.adviser_save(actor=request.user, adviser=adviser, **form.cleaned_data)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, f"{form.cleaned_data['name']} saved.")
            return redirect("support:adviser_list")
    return render(request, "support/adviser_form.html", {"adviser": adviser, "form": form})


@login_required
def assignment(request, reference):
    """Reassign an area's relationship manager; shows who has looked after it."""
    _staff_only(request.user)
    area = get_object_or_404(Area, reference=reference)
    can_change = perms.can_change_assignment(request.user, area)[0]
    form = AssignmentForm(_posted(request))
    if request.method == "POST":
        require(perms.can_change_assignment(request.user, area))
        if form.is_valid():
            try:
                new = services.assignment_change(area=area, actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                errors_to_form(form, exc)
            else:
                messages.success(request, f"{new.user} now looks after {area.name}.")
                return redirect("support:assignment", reference=area.reference)
    return render(
        request,
        "support/assignment.html",
        {
            "area": area,
            "history": selectors.assignment_history(area=area),
            "form": form,
            "can_change": can_change,
        },
    )


@login_required
def event_list(request):
    require(perms.can_view_events(request.user))
    events = selectors.event_list(user=request.user)
    now = timezone.now()
    return render(
        request,
        "support/event_list.html",
        {
            "upcoming": events.filter(starts_at__gte=now).order_by("starts_at"),
            "past": events.filter(starts_at__lt=now).order_by("-starts_at"),
            "can_manage": perms.can_manage_events(request.user)[0],
        },
    )


@login_required
def event_create(request):
    require(perms.can_manage_events(request.user))
    form = EventForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            event = services.event_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, f"{event.title} created. Now invite areas.")
            return redirect("support:event_invite", pk=event.pk)
    return render(request, "support/event_form.html", {"form": form})


@login_required
def event_detail(request, pk):
    require(perms.can_view_events(request.user))
    event = get_object_or_404(Event.objects.select_related("round", "created_by"), pk=pk)
    return render(
        request,
        "support/event_detail.html",
        {
            "event": event,
            "invitations": selectors.event_invitations(event=event),
            "can_manage": perms.can_manage_events(request.user)[0],
        },
    )


@login_required
def event_invite(request, pk):
    require(perms.can_manage_events(request.user))
    event = get_object_or_404(Event.objects.select_related("round"), pk=pk)
    slug = request.GET.get("round") or (event.round.slug if event.round_id else "")
    chosen_round = Round.objects.filter(slug=slug).first() if slug else None
    local_authority = request.GET.get("la", "").strip()
    form = InviteForm(
        _posted(request), round=chosen_round, event=event, local_authority=local_authority
    )
    if request.method == "POST" and form.is_valid():
        created = services.event_invite(event=event, areas=form.chosen_areas(), actor=request.user)
        messages.success(
            request,
            f"{len(created)} area{'s' if len(created) != 1 else ''} invited to {event.title}.",
        )
        return redirect("support:event_detail", pk=event.pk)
    return render(
        request,
        "support/event_invite.html",
        {
            "event": event,
            "form": form,
            "rounds": Round.objects.order_by("-starts_on"),
            "chosen_round": chosen_round,
            "local_authorities": Area.objects.filter(status=AreaStatus.ACTIVE)
            .order_by("local_authority")
            .values_list("local_authority", flat=True)
            .distinct(),
            "chosen_la": local_authority,
        },
    )


@login_required
def attendance(request, pk):
    require(perms.can_manage_events(request.user))
    event = get_object_or_404(Event, pk=pk)
    invitations = list(selectors.event_invitations(event=event))
    by_id = {i.pk: i for i in invitations}
    initial = [
        {
            "invitation": i.pk,
            "attended": {True: "yes", False: "no"}.get(i.attended, ""),
            "attendee_names": i.attendee_names,
        }
        for i in invitations
    ]
    formset = AttendanceFormSet(_posted(request), initial=initial, prefix="att")
    if request.method == "POST" and formset.is_valid():
        errors = False
        for form in formset:
            invitation = by_id.get(form.cleaned_data.get("invitation"))
            if invitation is None:
                continue
            try:
                services.attendance_record(
                    invitation=invitation,
                    attended=form.attended_value(),
                    attendee_names=form.cleaned_data.get("attendee_names", ""),
                    actor=request.user,
                )
            except ValidationError as exc:
                errors_to_form(form, exc)
                errors = True
        if not errors:
            messages.success(request, "Attendance saved.")
            return redirect("support:event_detail", pk=event.pk)
    rows = [(form, by_id.get(form.initial.get("invitation"))) for form in formset]
    return render(
        request,
        "support/attendance_form.html",
        {"event": event, "formset": formset, "rows": rows},
    )
