"""Views every deployment needs whatever the apps do."""

import datetime
import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import DatabaseError, connection
from django.db.models import Q
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from . import personal_data
from . import search as site_search
from .errors import errors_to_form, message_for
from .forms import HideWorkItemForm
from .health import readiness
from .models import HiddenWorkItem
from .mywork import hidden_keys, work_count, work_for
from .services import work_item_hide, work_item_restore

logger = logging.getLogger(__name__)


@never_cache
@require_GET
def healthz(request):
    """For load balancers and the benchmark's floor: 200 "ok" once the database answers one
    trivial query, 503 when it does not. No login, no templates, no sessions read."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("Health check: the database did not answer")
        return HttpResponse(
            "database unavailable", status=503, content_type="text/plain; charset=utf-8"
        )
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")


def favicon(request):
    """Browsers ask for /favicon.ico whatever the page says: send them to the static file. Its
    address is looked up per request, as production's hashed names exist only after
    collectstatic (a lookup when the URLs load would stop `check` before it)."""
    return HttpResponsePermanentRedirect(static("favicon.ico"))


@never_cache
@require_GET
def readyz(request):
    """Readiness for load balancers and monitoring: one line per check (database, Redis, private
    storage, worker heartbeat, beat tick), 200 when all pass and 503 naming what failed. No
    login; the lines hold no secrets (core/health.py)."""
    results = readiness()
    ready = all(r.ok for r in results)
    body = "\n".join(r.line() for r in results) + "\n"
    return HttpResponse(
        body, status=200 if ready else 503, content_type="text/plain; charset=utf-8"
    )


def _include_finished(request) -> bool:
    return request.GET.get("finished") == "1"


@login_required
@require_GET
def my_work(request):
    """Everyone's start page: what is waiting for them, grouped, overdue first, each item
    linking to where it is done (see core/mywork.py for how apps contribute). Work of finished
    rounds is left out unless asked for (?finished=1); what the person snoozed or dismissed is
    left out and counted under "Hidden"."""
    today = timezone.localdate()
    hidden = hidden_keys(request.user, today)
    include_finished = _include_finished(request)
    groups = work_for(request.user, today=today, hidden=hidden, include_finished=include_finished)
    return render(
        request,
        "core/my_work.html",
        {
            "groups": [g for g in groups if not g.waiting],
            "waiting_groups": [g for g in groups if g.waiting],
            "count": work_count(groups),
            "overdue": sum(g.overdue_count for g in groups if not g.waiting),
            "today": today,
            "hidden_count": len(hidden),
            "include_finished": include_finished,
            "min_snooze": today + datetime.timedelta(days=1),
        },
    )


# A whole group's page lists at most this many (a queue longer than that has its list page).
SEE_ALL_LIMIT = 500


@login_required
@require_GET
def my_work_group(request, kind):
    """Every item of one group of the person's My work ("see all"), with the group's list
    page, when it has one, for filters and bulk actions."""
    today = timezone.localdate()
    include_finished = _include_finished(request)
    groups = work_for(
        request.user,
        today=today,
        limit=SEE_ALL_LIMIT,
        include_finished=include_finished,
        only=kind.split(".", 1)[0],
    )
    group = next((g for g in groups if g.kind == kind), None)
    if group is None:
        raise Http404("Nothing of this kind is waiting for you.")
    return render(
        request,
        "core/my_work_group.html",
        {
            "group": group,
            "today": today,
            "include_finished": include_finished,
            "min_snooze": today + datetime.timedelta(days=1),
        },
    )


HIDDEN_PAGE_SIZE = 50


def safe_next(request, value: str) -> str:
    """`value` (a "next" address a form carried) when it is on this site, else ""."""
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return ""


def _next_url(request, value: str) -> str:
    return safe_next(request, value) or reverse("mywork")


@login_required
@require_POST
def my_work_hide(request):
    """Snooze an item of the person's own My work until a date, or dismiss it with a reason.
    A refusal (a date not in the future, no reason) is shown next to its field."""
    form = HideWorkItemForm(request.POST)
    if not form.is_valid() and ({"kind", "ref"} & set(form.errors) or form.non_field_errors()):
        messages.error(request, "That item could not be put aside.")
        return redirect("mywork")
    if form.is_valid():
        data = form.cleaned_data
        snooze = data["action"] == HideWorkItemForm.SNOOZE
        try:
            work_item_hide(
                actor=request.user,
                kind=data["kind"],
                ref=data["ref"],
                title=data["title"],
                url=data["url"],
                until=data["until"] if snooze else None,
                reason="" if snooze else data["reason"],
            )
        except ValidationError as exc:
            if "until" in getattr(exc, "error_dict", {}) or "reason" in getattr(
                exc, "error_dict", {}
            ):
                errors_to_form(form, exc)
            else:
                messages.error(request, message_for(exc))
                return redirect("mywork")
        else:
            title = data["title"] or "The item"
            if snooze:
                messages.success(
                    request,
                    f"{title} is snoozed until {data['until']:%-d %b %Y}. "
                    "Hidden items are listed under Hidden.",
                )
            else:
                messages.success(request, f"{title} is dismissed from your My work.")
            return redirect(_next_url(request, data["next"]))
    return render(
        request,
        "core/my_work_hide.html",
        {"form": form, "min_snooze": timezone.localdate() + datetime.timedelta(days=1)},
    )


@login_required
@require_GET
def my_work_hidden(request):
    """What the person snoozed (until a day still ahead) or dismissed, each with a way back."""
    today = timezone.localdate()
    rows = (
        HiddenWorkItem.objects.filter(user=request.user)
        .filter(Q(until__isnull=True) | Q(until__gt=today))
        .order_by("until", "-created_at", "pk")
    )
    # Dismissed items stay until restored, so the list can grow: a page at a time.
    page = Paginator(rows, HIDDEN_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "core/my_work_hidden.html",
        {"rows": page.object_list, "page_obj": page, "today": today},
    )


@login_required
@require_POST
def my_work_restore(request, pk):
    """Bring one of the person's own snoozed or dismissed items back (another's: 404)."""
    hidden = get_object_or_404(HiddenWorkItem, pk=pk, user=request.user)
    work_item_restore(actor=request.user, hidden=hidden)
    messages.success(request, f"{hidden.title or 'The item'} is back on your My work.")
    return redirect(_next_url(request, request.POST.get("next", "")))


@login_required
@require_GET
def my_work_count(request):
    """The menu's count, fetched by the menu after the page has loaded (htmx), so that no page
    pays for every app's queue queries but My work itself."""
    count = work_count(work_for(request.user, items=False))
    return render(request, "core/my_work_count.html", {"count": count})


# The retention schedule (settings.RETENTION, pruned nightly by core.retention) as the privacy
# page names each kind of record.
RETENTION_LABELS = {
    "sessions": "Sign-in sessions (after they end)",
    "outbox": "Queued emails and background tasks, once sent",
    "reports": "Generated reports (PDFs)",
    "exports": "Large exports made in the background (spreadsheets, 360Giving files)",
    "imports": "Uploaded import files",
    "notifications": "Notifications in your inbox",
    "signin_attempts": "Records of sign-in attempts (for lockouts)",
    "snoozes": "Items you snoozed on My work, once they are back",
}


def _days(value) -> int | None:
    """A retention period as whole days: settings may give days or a timedelta."""
    if value is None:
        return None
    if hasattr(value, "days"):
        return value.days
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def retention_schedule() -> list[tuple[str, int | None]]:
    """(what, days kept) for each kind of record the retention schedule prunes."""
    configured = settings.RETENTION
    keys = list(RETENTION_LABELS) + [k for k in configured if k not in RETENTION_LABELS]
    return [
        (RETENTION_LABELS.get(key, key.replace("_", " ").capitalize()), _days(configured.get(key)))
        for key in keys
        if key in configured
    ]


@require_GET
def privacy(request):
    """The privacy notice (public): what is kept about people, why, and for how long."""
    return render(
        request,
        "core/privacy.html",
        {"retention": retention_schedule(), "kinds": personal_data.kinds()},
    )


@require_GET
def glossary(request):
    """The programme's terms and what they mean (public, like the privacy notice: nothing in it
    is about anyone). Each term has an anchor that ``{% term %}`` links to."""
    from core.glossary import TERMS

    return render(request, "core/glossary.html", {"terms": TERMS})


@login_required
@require_GET
def search(request):
    """The header's search: an area's exact reference goes straight to the area; anything else
    lists what matches, grouped by kind with how many, each group capped (core/search.py for
    what each app contributes). Each person finds only what they may see."""
    query = site_search.clean(request.GET.get("q", ""))
    jump = site_search.jump_for(request.user, query)
    if jump:
        return redirect(jump)
    groups = site_search.search(request.user, query)
    return render(
        request,
        "core/search.html",
        {
            "query": query,
            "groups": groups,
            "too_short": bool(query) and len(query) < site_search.MIN_LENGTH,
            "total": sum(g.count for g in groups),
            "per_kind": site_search.PER_KIND,
        },
    )
