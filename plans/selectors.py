"""Reads for the plan pages, shaped so each page runs a fixed number of queries."""

import datetime

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    FilteredRelation,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Window,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts import permissions as perms
from accounts.models import Role, User
from core.area_figures import figures_of

from .models import (
    LogicModelRow,
    OperationalPlan,
    PeerReviewAssignment,
    PlanSectionDraft,
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
            Prefetch(
                "sign_offs",
                queryset=SignOff.objects.filter(superseded_at__isnull=True).select_related("user"),
            ),
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


def logic_model_row_count(area) -> int:
    """From the area page's figures when the area came with them (`core.area_figures`)."""
    figures = figures_of(area, "plans")
    if figures is not None:
        return figures["logic_rows"]
    return LogicModelRow.objects.filter(logic_model__area=area).count()


def area_figures(user) -> dict:
    """The plan panel's figure, a correlated subquery on the area: its logic model's rows."""
    rows = (
        LogicModelRow.objects.filter(logic_model__area=OuterRef("pk"))
        .order_by()
        .values("logic_model__area")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return {"logic_rows": Coalesce(Subquery(rows, output_field=IntegerField()), 0)}


def sign_off_state(plan) -> list[dict]:
    """Each party, who signed and when, or that they are awaited."""
    signed = {s.party: s for s in plan.sign_offs.all() if s.superseded_at is None}
    return [
        {"party": party, "label": party.label, "sign_off": signed.get(party.value)}
        for party in SignOffParty
    ]


def _signed(party, name: str, *, joined: bool) -> dict:
    """Whether the party's signature still counts (not superseded by the plan being returned),
    as ``<name>_signed``. An EXISTS, which a count leaves out when nothing filters on it; or,
    `joined`, a left join on the sign-off (at most one row a party: sign_off_once_per_party)
    for the queue's "mine" filter, which reads it inside an OR: there PostgreSQL could only run
    the EXISTS as a hashed scan of every sign-off, where the join reads the first page's few
    through the constraint's index (19 ms -> under 1 ms at 20,000 areas)."""
    current = Q(party=party, superseded_at__isnull=True)
    if not joined:
        return {f"{name}_signed": Exists(SignOff.objects.filter(current, plan=OuterRef("pk")))}
    relation = f"{name}_sign_off"
    return {
        relation: FilteredRelation(
            "sign_offs",
            condition=Q(sign_offs__party=party, sign_offs__superseded_at__isnull=True),
        ),
        f"{name}_signed": ExpressionWrapper(
            Q(**{f"{relation}__isnull": False}), output_field=BooleanField()
        ),
    }


def _overdue(rounds, today) -> Q:
    """Plans waiting longer than their round's target: final submission (local date) more than
    `review_target_days` before today, one condition per round."""
    q = Q(pk__in=[])
    for rnd in rounds:
        since = today - datetime.timedelta(days=rnd.review_target_days)
        # Before the local midnight that starts `since`: the same plans as "local date before
        # `since`", as a range the queue's index can read (the date of each row could not).
        before = timezone.make_aware(datetime.datetime.combine(since, datetime.time.min))
        q |= Q(area__round_id=rnd.pk, final_submitted_at__lt=before)
    return q


def _awaiting_user(user) -> Q:
    """What `_awaiting` names the user for: the programme manager while the review has not
    started or they have not signed; the funder once it has started and they have not signed."""
    q = Q(pk__in=[])
    if perms.is_programme_manager(user):
        q |= Q(status=PlanStatus.FINAL_SUBMITTED) | Q(pm_signed=False)
    if perms.is_funder_officer(user):
        q |= ~Q(status=PlanStatus.FINAL_SUBMITTED) & Q(funder_signed=False)
    return q


def review_queue(*, user, rounds=(), status="", round_slug="", show="", today=None) -> QuerySet:
    """Plans awaiting review, oldest final submission first, filtered in the database: by
    status, by round slug, and `show` "overdue" (against each of `rounds`' targets: pass every
    round) or "mine" (awaiting this user). Page it, then call `annotate_queue_page`."""
    today = today or timezone.localdate()
    if not (
        perms.is_programme_manager(user) or perms.is_funder_officer(user) or perms.is_admin(user)
    ):
        return OperationalPlan.objects.none()
    plans = (
        OperationalPlan.objects.filter(status__in=AWAITING_REVIEW)
        .select_related("area", "area__round", "area__lead_organisation")
        .annotate(**_signed(SignOffParty.PROGRAMME_MANAGER, "pm", joined=show == "mine"))
        .annotate(**_signed(SignOffParty.FUNDER, "funder", joined=show == "mine"))
        .order_by("final_submitted_at", "id")
    )
    if status:
        plans = plans.filter(status=status)
    if round_slug:
        plans = plans.filter(area__round__slug=round_slug)
    if show == "overdue":
        plans = plans.filter(_overdue(rounds, today))
    elif show == "mine":
        plans = plans.filter(_awaiting_user(user))
    return plans


def review_queue_overdue_count(plans: QuerySet, *, rounds, today=None) -> int:
    """How many of the (filtered) queue are overdue. One query."""
    return plans.filter(_overdue(rounds, today or timezone.localdate())).count()


def annotate_queue_page(plans, *, user, today=None) -> list[OperationalPlan]:
    """One page of `review_queue` with days waiting, the round's target, who it awaits and
    whether that is this user."""
    today = today or timezone.localdate()
    plans = list(plans)
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


def open_final_plans_in_round(*, round) -> list[OperationalPlan]:
    """The round's final plans still open: submitted, neither signed off nor refused (in review,
    part-approved or returned for changes), longest-waiting first, with their areas."""
    return list(
        final_submitted_plans()
        .filter(area__round=round)
        .exclude(status__in=[PlanStatus.SIGNED_OFF, PlanStatus.NOT_APPROVED])
        .select_related("area")
        .order_by("final_submitted_at", "area__reference")
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


def unsaved_drafts(*, area, plan) -> list[PlanSectionDraft]:
    """The plan editor's drafts that hold changes the plan does not: those kept after the plan was
    last written (a draft older than that was overtaken by a save, a submission or a return)."""
    drafts = PlanSectionDraft.objects.filter(area=area).select_related("saved_by")
    if plan is not None:
        drafts = drafts.filter(saved_at__gt=plan.updated_at)
    return list(drafts.order_by("saved_at"))


# --- Reviewers' comments, where they belong -------------------------------------------------------
def section_comments(plan) -> dict:
    """The reviewers' comments of the plan's latest return, by section key (each shown beside the
    section it concerns, with the lead organisation's answer), and the earlier returns' comments
    as history: ``{"by_section": {key: [comment, ...]}, "earlier": [comment, ...]}``. One
    query."""
    comments = list(
        plan.comments.select_related("author", "responded_by", "version").order_by(
            "-created_at", "id"
        )
    )
    latest = comments[0].version_id if comments else None
    by_section: dict[str, list] = {}
    earlier = []
    for comment in comments:
        if comment.version_id == latest:
            by_section.setdefault(comment.section, []).append(comment)
        else:
            earlier.append(comment)
    return {"by_section": by_section, "earlier": earlier}
