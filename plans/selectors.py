"""Reads for the plan pages, shaped so each page runs a fixed number of queries."""

from django.db.models import Count, Prefetch, Q, QuerySet, Window
from django.utils import timezone

from accounts import permissions as perms
from accounts.models import Role, User

from .models import (
    LogicModelRow,
    OperationalPlan,
    PeerReviewAssignment,
    PlanVersion,
    SignOff,
    SignOffParty,
)
from .workflows import AWAITING_REVIEW, PlanStatus


def area_requires_cba(area) -> bool:
    """Whether the Getting Going decision said this area must produce a CBA.

    The decision lives in the applications app; imported lazily so plans works (and says no CBA is
    required) while that app has no such selector."""
    try:
        from applications.selectors import area_requires_cba as decided
    except ImportError:
        return False
    return bool(decided(area))


# People to tell about a change -------------------------------------------------------------------


def organisation_members(organisation_id) -> list[User]:
    return list(
        User.objects.filter(memberships__organisation_id=organisation_id, is_active=True).distinct()
    )


def programme_managers() -> list[User]:
    return list(User.objects.filter(role=Role.PROGRAMME_MANAGER, is_active=True))


def funder_officers() -> list[User]:
    return list(User.objects.filter(role=Role.FUNDER_OFFICER, is_active=True))


# Pages -------------------------------------------------------------------------------------------


def plan_for_area(area) -> OperationalPlan | None:
    return (
        OperationalPlan.objects.filter(area=area)
        .select_related("area", "area__round", "submitted_by", "decided_by")
        .prefetch_related(
            "budget_arrangements",
            "resourcing_lines",
            Prefetch("sign_offs", queryset=SignOff.objects.select_related("user")),
            Prefetch("versions", queryset=PlanVersion.objects.select_related("submitted_by")),
            "comments__author",
            Prefetch(
                "peer_review_assignments",
                queryset=PeerReviewAssignment.objects.select_related(
                    "reviewer_organisation", "review"
                ),
            ),
        )
        .first()
    )


def logic_model_rows(area) -> list[LogicModelRow]:
    return list(LogicModelRow.objects.filter(logic_model__area=area).order_by("order", "id"))


def sign_off_state(plan) -> list[dict]:
    """Each party, who signed and when, or that they are awaited."""
    signed = {s.party: s for s in plan.sign_offs.all()}
    return [
        {"party": party, "label": party.label, "sign_off": signed.get(party.value)}
        for party in SignOffParty
    ]


def review_queue(*, user, today=None) -> list[OperationalPlan]:
    """Plans awaiting review, oldest final submission first, with days waiting and the round's
    target. The list is computed in Python after one query, so its length never adds queries."""
    today = today or timezone.localdate()
    if not (
        perms.is_programme_manager(user) or perms.is_funder_officer(user) or perms.is_admin(user)
    ):
        return []
    plans = list(
        OperationalPlan.objects.filter(status__in=AWAITING_REVIEW)
        .select_related("area", "area__round", "area__lead_organisation")
        .annotate(
            pm_signed=Count("sign_offs", filter=Q(sign_offs__party=SignOffParty.PROGRAMME_MANAGER)),
            funder_signed=Count("sign_offs", filter=Q(sign_offs__party=SignOffParty.FUNDER)),
        )
        .order_by("final_submitted_at", "id")
    )
    for plan in plans:
        annotate_waiting(plan, today)
        plan.awaiting = _awaiting(plan)
        plan.awaiting_me = (
            perms.is_programme_manager(user) and "programme manager" in plan.awaiting
        ) or (perms.is_funder_officer(user) and "funder" in plan.awaiting)
    return plans


def annotate_waiting(plan, today=None):
    today = today or timezone.localdate()
    if plan.final_submitted_at:
        plan.days_waiting = (today - timezone.localdate(plan.final_submitted_at)).days
    else:
        plan.days_waiting = 0
    plan.target_days = plan.area.round.review_target_days
    plan.is_overdue = plan.days_waiting > plan.target_days
    return plan


def _awaiting(plan) -> str:
    if plan.status == PlanStatus.FINAL_SUBMITTED:
        return "programme manager to start the review"
    parties = []
    if not plan.pm_signed:
        parties.append("programme manager")
    if not plan.funder_signed:
        if plan.area.round.sign_off_order == "parallel" or plan.pm_signed:
            parties.append("funder")
        else:
            parties.append("funder (after the programme manager)")
    return " and ".join(parties)


def peer_reviews_for(*, user) -> QuerySet[PeerReviewAssignment]:
    """Assignments for the user's organisations: a reviewer sees only plans assigned to them."""
    if not perms.is_lead_organisation_user(user):
        return PeerReviewAssignment.objects.none()
    return (
        PeerReviewAssignment.objects.filter(reviewer_organisation__memberships__user=user)
        .select_related("plan", "plan__area", "reviewer_organisation", "review")
        .distinct()
        .order_by("due_on", "id")
    )


def latest_version(plan, kind: str | None = None) -> PlanVersion | None:
    qs = plan.versions.order_by("-number")
    if kind:
        qs = qs.filter(kind=kind)
    return qs.first()


# --- Read by reports ------------------------------------------------------------------------------
# What the reports app (funnel, dashboard, programme report, records import) reads from plans.


def final_submitted_plans() -> QuerySet[OperationalPlan]:
    """Plans whose final version was ever submitted."""
    return OperationalPlan.objects.filter(final_submitted_at__isnull=False)


def signed_off_plans() -> QuerySet[OperationalPlan]:
    """Plans signed off by both parties (imported "approved" outcomes included)."""
    return OperationalPlan.objects.filter(status=PlanStatus.SIGNED_OFF)


def signed_off_plans_in_round(*, round) -> list[OperationalPlan]:
    """The round's signed-off plans with both their final submission and decision dates, with
    their areas, by area reference."""
    return list(
        signed_off_plans()
        .filter(area__round=round, final_submitted_at__isnull=False, decided_at__isnull=False)
        .select_related("area")
        .order_by("area__reference")
    )


def plans_awaiting_sign_off(*, round, today=None) -> list[OperationalPlan]:
    """The round's plans awaiting review or sign-off, oldest final submission first, each with
    its days waiting and the round's target (`annotate_waiting`). One query."""
    plans = list(
        OperationalPlan.objects.filter(area__round=round, status__in=AWAITING_REVIEW)
        .select_related("area", "area__round", "area__lead_organisation")
        .order_by("final_submitted_at", "pk")
    )
    for plan in plans:
        annotate_waiting(plan, today)
    return plans


def plans_awaiting_sign_off_first(*, round, today=None, limit: int) -> tuple[list, int]:
    """The round's `limit` longest-waiting plans awaiting review or sign-off (as
    `plans_awaiting_sign_off`) and how many there are in all, in one query (a window count)."""
    qs = (
        OperationalPlan.objects.filter(area__round=round, status__in=AWAITING_REVIEW)
        .select_related("area", "area__round", "area__lead_organisation")
        .annotate(total_awaiting=Window(Count("pk")))
        .order_by("final_submitted_at", "pk")
    )
    plans = list(qs[:limit])
    for plan in plans:
        annotate_waiting(plan, today)
    return plans, (plans[0].total_awaiting if plans else 0)


def area_plan(*, area) -> OperationalPlan | None:
    """The area's plan with nothing related loaded, for writers that only read its status and
    dates (the records import)."""
    return OperationalPlan.objects.filter(area=area).first()
