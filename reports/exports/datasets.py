"""Data exports beyond the areas list: applications, grants and payments, the support log and
progress returns. Each reads the same selector (and filter, where the list page has one) as its
list page, so an export link carries the list's query string and gives the same rows.

Rows are read with ``.iterator(chunk_size=...)`` (prefetches run once per chunk) and written as CSV
by a StreamingHttpResponse or as XLSX by openpyxl's write-only mode (see `core.spreadsheets`).
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from applications import selectors as application_selectors
from applications.filters import ApplicationFilter
from applications.models import ApplicationStatus
from delivery import selectors as delivery_selectors
from delivery.filters import ReturnsFilter
from grants import selectors as grant_selectors
from grants.filters import PayableFilter
from support import selectors as support_selectors

CHUNK_SIZE = 500


def _date(value):
    return timezone.localdate(value) if value and hasattr(value, "tzinfo") else value


def _money(value):
    # A number, not text: CSV writes it with its two places, XLSX as a numeric cell in pounds.
    return Decimal(value).quantize(Decimal("0.01")) if value is not None else ""


@dataclass(frozen=True)
class Dataset:
    slug: str
    title: str
    queryset: Callable  # (user, params, today) -> QuerySet
    columns: list[tuple[str, Callable]]

    def rows(self, *, user, params, today=None) -> Iterator[list]:
        today = today or timezone.localdate()
        yield [name for name, _ in self.columns]
        for obj in self.queryset(user, params, today).iterator(chunk_size=CHUNK_SIZE):
            yield [value(obj, today) for _, value in self.columns]


# Applications ------------------------------------------------------------------------------------


def _applications(user, params, today):
    qs = application_selectors.application_list(user=user).exclude(status=ApplicationStatus.DRAFT)
    return ApplicationFilter(params or None, queryset=qs).qs.order_by("round__name", "pk")


APPLICATIONS = Dataset(
    "applications",
    "Applications",
    _applications,
    [
        ("Round", lambda a, t: a.round.name),
        ("Neighbourhood", lambda a, t: a.area_name),
        ("Lead organisation", lambda a, t: a.organisation.name),
        ("Organisation type", lambda a, t: a.organisation.get_org_type_display()),
        ("Local authority", lambda a, t: a.local_authority),
        ("Themes", lambda a, t: "; ".join(at.theme.name for at in a.application_themes.all())),
        ("Approach", lambda a, t: a.get_approach_display()),
        ("Status", lambda a, t: a.get_status_display()),
        ("Submitted", lambda a, t: _date(a.submitted_at)),
        ("Decided", lambda a, t: _date(a.decided_at)),
        ("Average score", lambda a, t: round(a.average_score, 2) if a.average_score else ""),
        ("Area reference", lambda a, t: a.area.reference if a.area_id else ""),
    ],
)


# Grants and payments -----------------------------------------------------------------------------


def _payments(user, params, today):
    qs = grant_selectors.payments_visible_to(user=user)
    return PayableFilter(params or None, queryset=qs).qs.order_by(
        "award__area__reference", "award__awarded_on", "award_id", "pk"
    )


PAYMENTS = Dataset(
    "payments",
    "Grants and payments",
    _payments,
    [
        ("Area reference", lambda p, t: p.award.area.reference),
        ("Area", lambda p, t: p.award.area.name),
        ("Round", lambda p, t: p.award.area.round.name),
        ("Lead organisation", lambda p, t: p.award.area.lead_organisation.name),
        ("Grant", lambda p, t: p.award.get_stage_display()),
        ("Grant amount (£)", lambda p, t: _money(p.award.amount)),
        ("Grant status", lambda p, t: p.award.get_status_display()),
        ("Awarded on", lambda p, t: p.award.awarded_on),
        ("Payment", lambda p, t: p.get_kind_display()),
        ("Payment amount (£)", lambda p, t: _money(p.amount)),
        ("Payment status", lambda p, t: p.get_status_display()),
        ("Due on", lambda p, t: p.due_on or ""),
        ("Paid on", lambda p, t: p.paid_on or ""),
        ("Payment reference", lambda p, t: p.reference or ""),
    ],
)


def _payment_run(user, params, today):
    return grant_selectors.payment_run(user=user, round_slug=params.get("round", ""))


def _person(user) -> str:
    return (user.get_full_name() or user.get_username()) if user else ""


def _approvers(p) -> str:
    names = [_person(u) for u in (p.approved_by, p.second_approved_by) if u]
    return " and ".join(names)


# No bank details are held: the payee's account reference is its organisation identifier
# (a charity or company number's org-id, or the programme's own 360G- id), then its id.
ACCOUNT_REFERENCE = "Account reference (organisation identifier)"

# The next payment run, for the bank: approved payments ready to pay. Its own URLs and permission
# (finance officers and programme managers: reports:export_payment_run_*), not DATASETS'.
PAYMENT_RUN = Dataset(
    "payment-run",
    "Payment run",
    _payment_run,
    [
        ("Payment id", lambda p, t: p.pk),
        ("Area reference", lambda p, t: p.award.area.reference),
        ("Payee", lambda p, t: p.award.area.lead_organisation.name),
        (
            ACCOUNT_REFERENCE,
            lambda p, t: (
                p.award.area.lead_organisation.org_identifier
                or f"Organisation {p.award.area.lead_organisation_id}"
            ),
        ),
        ("Amount (£)", lambda p, t: _money(p.amount)),
        ("Due on", lambda p, t: p.due_on or ""),
        ("Approved by", lambda p, t: _approvers(p)),
    ],
)


# Support log -------------------------------------------------------------------------------------


def _support(user, params, today):
    qs = support_selectors.support_log(user=user)
    if params.get("round"):
        qs = qs.filter(area__round__slug=params["round"])
    if params.get("area"):
        qs = qs.filter(area__reference=params["area"])
    return qs.order_by("-date", "area__reference", "-pk")


SUPPORT = Dataset(
    "support",
    "Support log",
    _support,
    [
        ("Date", lambda c, t: c.date),
        ("Area reference", lambda c, t: c.area.reference),
        ("Area", lambda c, t: c.area.name),
        ("Round", lambda c, t: c.area.round.name),
        ("Type", lambda c, t: c.get_kind_display()),
        ("Duration (minutes)", lambda c, t: c.duration_minutes or ""),
        ("Participants", lambda c, t: c.participants),
        ("Notes", lambda c, t: c.notes),
        ("Logged by", lambda c, t: c.logged_by.get_full_name() if c.logged_by else ""),
        ("Risk", lambda c, t: c.get_risk_level_display()),
        ("Risk description", lambda c, t: c.risk_description),
        ("Risk resolved", lambda c, t: _date(c.risk_resolved_at) or ""),
    ],
)


# Progress returns --------------------------------------------------------------------------------


def _returns(user, params, today):
    qs = delivery_selectors.returns_list(user=user, today=today).prefetch_related(None)
    return ReturnsFilter(params or None, queryset=qs, today=today).qs


def _yes_no(value):
    return "Yes" if value else "No"


RETURNS = Dataset(
    "returns",
    "Progress returns",
    _returns,
    [
        ("Area reference", lambda r, t: r.area.reference),
        ("Area", lambda r, t: r.area.name),
        ("Round", lambda r, t: r.area.round.name),
        ("Lead organisation", lambda r, t: r.area.lead_organisation.name),
        ("Period start", lambda r, t: r.period_start),
        ("Period end", lambda r, t: r.period_end),
        ("Due on", lambda r, t: r.due_on),
        ("State", lambda r, t: r.state_on(t)),
        ("Submitted", lambda r, t: _date(r.submitted_at) or ""),
        ("Progress", lambda r, t: r.get_progress_status_display() if r.progress_status else ""),
        ("Steering group met", lambda r, t: _yes_no(r.steering_group_meeting)),
        ("Mainstream resources in place", lambda r, t: _yes_no(r.mainstream_resources)),
        ("Paid staff in place", lambda r, t: _yes_no(r.paid_staff)),
        ("Service users reached", lambda r, t: r.service_users_reached or ""),
        ("Main achievements", lambda r, t: r.achievements),
    ],
)

# Grant closure ------------------------------------------------------------------------------------


class ClosureDataset(Dataset):
    """The round's closure report (``?round=<slug>``; every round without it): one row per award,
    the rows of ``report closure``."""

    def rows(self, *, user, params, today=None) -> Iterator[list]:
        from closure.report import closure_rows
        from programmes.models import Round

        slug = (params or {}).get("round")
        rounds = Round.objects.filter(slug=slug) if slug else Round.objects.order_by("pk")
        header = True
        for round_ in rounds:
            rows = closure_rows(round_)
            first = next(rows)
            if header:
                yield first
                header = False
            yield from rows
        if header:
            from closure.report import COLUMNS

            yield list(COLUMNS)


CLOSURE = ClosureDataset("closure", "Closure report", lambda user, params, today: None, [])

DATASETS = {d.slug: d for d in (APPLICATIONS, PAYMENTS, SUPPORT, RETURNS, CLOSURE)}
