from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from .kinds import KINDS, Delivery
from .models import Notification
from .selectors import notifications_for, redacted
from .services import (
    notification_mark_read,
    notification_preferences,
    notification_preferences_set,
    notifications_mark_all_read,
    notifications_mark_selected_read,
)

SHOW = {"open": "Still open", "unread": "Unread", "all": "All, including resolved"}


class NotificationFilterForm(forms.Form):
    show = forms.ChoiceField(label="Show", choices=list(SHOW.items()), required=False)
    kind = forms.ChoiceField(
        label="Kind", choices=[("", "Every kind"), *KINDS.items()], required=False
    )


class PreferencesForm(forms.Form):
    def __init__(self, *args, current: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        for kind, label in KINDS.items():
            self.fields[kind] = forms.ChoiceField(
                label=label, choices=Delivery.CHOICES, initial=current[kind]
            )


@login_required
def notification_list(request):
    """The inbox: open notifications first (not resolved), filtered by kind or unread, newest
    first, each linking to its item; mark all read."""
    form = NotificationFilterForm(request.GET or None)
    show, kind = "open", ""
    if form.is_valid():
        show = form.cleaned_data["show"] or "open"
        kind = form.cleaned_data["kind"]
    qs = notifications_for(user=request.user, show=show, kind=kind)
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    redacted([n.entry for n in page])
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "activity/notification_list.html",
        {
            "page_obj": page,
            "form": form,
            "show": show,
            "kind": kind,
            "filtered": bool(kind or request.GET.get("show")),
            "query": query.urlencode(),
        },
    )


@login_required
@require_POST
def notification_read(request, pk):
    """Mark one notification read and open its item."""
    notification = get_object_or_404(
        Notification.objects.select_related("entry", "entry__area"), pk=pk, recipient=request.user
    )
    notification_mark_read(notification=notification, user=request.user)
    return redirect(notification.link or reverse("activity:notifications"))


@login_required
@require_POST
def notifications_read_all(request):
    kind = request.POST.get("kind", "")
    kind = kind if kind in KINDS else ""
    done = notifications_mark_all_read(user=request.user, kind=kind)
    label = f" about {KINDS[kind].lower()}" if kind else ""
    messages.success(request, f"{done} notification{'s' if done != 1 else ''}{label} marked read.")
    url = reverse("activity:notifications")
    return redirect(f"{url}?kind={kind}" if kind else url)


@login_required
@require_POST
def notifications_read_selected(request):
    """Mark the ticked notifications read (only the person's own), back to the same view."""
    ids = [int(v) for v in request.POST.getlist("notification") if v.isdigit()][:1000]
    url = reverse("activity:notifications")
    query = request.POST.get("query", "")
    back = f"{url}?{query}" if query and "//" not in query else url
    if not ids:
        messages.warning(request, "Tick the notifications to mark read.")
        return redirect(back)
    done = notifications_mark_selected_read(actor=request.user, ids=ids)
    messages.success(request, f"{done} notification{'s' if done != 1 else ''} marked read.")
    return redirect(back)


@login_required
def notification_preferences_page(request):
    """Each person chooses, per kind, to be emailed straight away, in a daily digest, or not."""
    current = notification_preferences(user=request.user)
    form = PreferencesForm(request.POST or None, current=current)
    if request.method == "POST" and form.is_valid():
        notification_preferences_set(user=request.user, choices=form.cleaned_data)
        messages.success(request, "Your email preferences are saved.")
        return redirect("activity:preferences")
    return render(request, "activity/preferences.html", {"form": form})
