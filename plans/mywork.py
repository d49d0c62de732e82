"""What plans put on people's My work (see core/mywork.py): plans waiting for this programme
manager's review or signature, or this funder officer's co-signature (the plan review queue's
"Awaiting me"); for a lead organisation, the plan to send by the round's milestone, the peer
reviews it owes, and the sign-off it is waiting for."""

import datetime

from django.urls import reverse

from accounts import permissions as perms
from core.mywork import WorkGroup, WorkItem, provider
from programmes.models import AreaStage, AreaStatus, Milestone
from programmes.permissions import areas_visible_to

from . import selectors
from .models import OperationalPlan
from .workflows import AWAITING_REVIEW, PlanStatus


def review_due(plan) -> datetime.date | None:
    """When the review should be done: the round's target after the final submission."""
    if plan.final_submitted_at is None:
        return None
    return plan.final_submitted_at.date() + datetime.timedelta(
        days=plan.area.round.review_target_days
    )


@provider(order=15)
def plans_to_review(work):
    user, today = work.user, work.today
    if not (perms.is_programme_manager(user) or perms.is_funder_officer(user)):
        return None
    # "mine" needs no rounds (only "overdue" reads their targets; the item's due date reads the
    # plan's own round, joined).
    qs = selectors.review_queue(user=user, show="mine", today=today)
    # The item shows the area and reads its round's review target; not the lead organisation.
    rows, total = work.queue(qs.select_related(None).select_related("area__round"))
    funder = perms.is_funder_officer(user)
    items = [
        WorkItem(
            title=f"{p.area.reference} {p.area.name}",
            url=reverse("plans:review", args=[p.area.reference]),
            due=review_due(p),
            detail=(
                "Co-sign for the funder"
                if funder
                else (
                    "Start the review"
                    if p.status == PlanStatus.FINAL_SUBMITTED
                    else "Review and sign for the programme manager"
                )
            )
            + f" · {p.get_status_display()}",
            today=today,
            about=p,
        )
        for p in rows
    ]
    return WorkGroup(
        heading="Plans to co-sign" if funder else "Plans to review or sign",
        items=items,
        total=total,
        more_url=reverse("plans:review_queue") + "?show=mine",
    )


def _milestone(milestones, round_id, kind, today):
    """The round's next milestone of this kind; the last one when all have passed."""
    mine = [m for m in milestones if m.round_id == round_id and m.kind == kind]
    ahead = [m for m in mine if m.due_on >= today]
    return (ahead or mine[-1:] or [None])[0]


NEXT_STEP = {
    None: ("Write and submit your draft operational plan", Milestone.Kind.DRAFT_PLAN),
    PlanStatus.DRAFT: ("Submit your draft operational plan", Milestone.Kind.DRAFT_PLAN),
    PlanStatus.DRAFT_SUBMITTED: ("Submit your final operational plan", Milestone.Kind.FINAL_PLAN),
    PlanStatus.RETURNED: (
        "Make the changes asked for and resubmit your final plan",
        Milestone.Kind.FINAL_PLAN,
    ),
}


@provider(order=25)
def lead_plans(work):
    user, today = work.user, work.today
    if not perms.is_lead_organisation_user(user):
        return None
    areas = list(
        areas_visible_to(user)
        .filter(status=AreaStatus.ACTIVE, stage=AreaStage.GETTING_GOING)
        .select_related("round")
        .order_by("reference")
    )
    plans = {
        p.area_id: p
        for p in OperationalPlan.objects.filter(area__in=[a.pk for a in areas]).select_related(
            "area", "area__round"
        )
    }
    milestones = list(
        Milestone.objects.filter(
            round_id__in={a.round_id for a in areas},
            kind__in=[Milestone.Kind.DRAFT_PLAN, Milestone.Kind.FINAL_PLAN],
        ).order_by("due_on", "pk")
    )
    todo, waiting = [], []
    for area in areas:
        plan = plans.get(area.pk)
        status = plan.status if plan else None
        url = reverse("plans:workspace", args=[area.reference])
        if status in AWAITING_REVIEW:
            waiting.append(
                WorkItem(
                    title="Sign-off of your operational plan",
                    url=url,
                    due=review_due(plan),
                    detail=f"{area.reference} {area.name} · {plan.get_status_display()}",
                    waiting=True,
                    today=today,
                )
            )
        elif status in NEXT_STEP:
            title, kind = NEXT_STEP[status]
            milestone = _milestone(milestones, area.round_id, kind, today)
            todo.append(
                WorkItem(
                    title=title,
                    url=url,
                    due=milestone.due_on if milestone else None,
                    detail=f"{area.reference} {area.name}"
                    + (f" · {milestone.name}" if milestone else ""),
                    today=today,
                )
            )
    reviews = [
        WorkItem(
            title=f"Peer review the draft plan of {a.plan.area.name}",
            url=reverse("plans:peer_review_detail", args=[a.pk]),
            due=a.due_on,
            detail=f"For {a.reviewer_organisation.name}",
            today=today,
            about=a,
        )
        for a in selectors.peer_reviews_for(user=user).filter(review__isnull=True)[: work.limit]
    ]
    return [
        WorkGroup(heading="Your operational plan", items=todo),
        WorkGroup(
            heading="Peer reviews to send",
            items=reviews,
            more_url=reverse("plans:peer_review_list"),
        ),
        WorkGroup(heading="Plans waiting for sign-off", items=waiting, waiting=True),
    ]
