"""What applications and stage gates put on people's My work (see core/mywork.py): programme
managers' applications to assess and gates to decide, the same sets as the assessment queue's
"Waiting for a decision" and the stage-gate queue's "Submitted"; a lead organisation's Getting
Going application to send by its milestone, and the decisions it is waiting for."""

from django.db.models import Q
from django.urls import reverse

from accounts import permissions as perms
from core.mywork import WorkGroup, WorkItem, provider
from programmes.models import AreaStage, AreaStatus, Milestone
from programmes.permissions import areas_visible_to

from . import permissions as app_perms
from . import selectors
from .models import ApplicationStatus, AssessorStatus, GateStage, GateStatus

OPEN = [ApplicationStatus.SUBMITTED, ApplicationStatus.UNDER_ASSESSMENT]


@provider(order=10)
def applications_to_assess(work):
    user, today = work.user, work.today
    if not app_perms.can_assess(user)[0]:
        return None
    qs = app_perms.applications_visible_to(user).filter(status__in=OPEN)
    rows, total = work.queue(
        qs.select_related("round", "organisation").order_by("submitted_at", "pk")
    )
    items = [
        WorkItem(
            title=f"{a.area_name} ({a.organisation.name})",
            url=a.get_absolute_url(),
            detail=f"{a.get_status_display()} · {a.round.name} · sent "
            + (f"{a.submitted_at:%-d %b %Y}" if a.submitted_at else "(date unknown)"),
            today=today,
            about=a,
        )
        for a in rows
    ]
    return WorkGroup(
        heading="Applications to assess",
        items=items,
        total=total,
        more_url=reverse("applications:assessment_queue"),
    )


@provider(order=20)
def gates_to_decide(work):
    user, today = work.user, work.today
    if not app_perms.can_decide_gate(user)[0]:
        return None
    qs = selectors.gate_list(user=user).filter(status=GateStatus.SUBMITTED)
    # Only the area is shown: the other joins of the gate list are left out.
    rows, total = work.queue(
        qs.select_related(None).select_related("area").order_by("submitted_at", "pk")
    )
    items = [
        WorkItem(
            title=f"{g.area.reference} {g.area.name}: {g.get_target_stage_display()}",
            url=g.get_absolute_url(),
            detail="Sent " + (f"{g.submitted_at:%-d %b %Y}" if g.submitted_at else ""),
            today=today,
            about=g,
        )
        for g in rows
    ]
    return WorkGroup(
        heading="Stage gates to decide",
        items=items,
        total=total,
        more_url=reverse("applications:gate_queue") + "?status=submitted",
    )


def _lead_gate_items(user, today, areas, gates, milestones):
    """A draft gate application to finish, or a Getting Going application still to start for an
    area at Getting Ready whose milestone is ahead."""
    items = []
    by_area = {}
    for g in gates:
        by_area.setdefault(g.area_id, []).append(g)
    for g in gates:
        if g.status == GateStatus.DRAFT:
            items.append(
                WorkItem(
                    title=f"Finish and send your {g.get_target_stage_display()} application",
                    url=reverse("applications:gate_edit", args=[g.pk]),
                    due=g.milestone.due_on if g.milestone else None,
                    detail=f"{g.area.reference} {g.area.name}",
                    today=today,
                )
            )
    for area in areas:
        if area.stage != AreaStage.GETTING_READY or by_area.get(area.pk):
            continue
        milestone = milestones.get(area.round_id)
        if milestone is None:
            continue
        items.append(
            WorkItem(
                title="Apply for the Getting Going grant",
                url=reverse("applications:gate_new", args=[area.reference]),
                due=milestone.due_on,
                detail=f"{area.reference} {area.name} · {milestone.name}",
                today=today,
            )
        )
    return items


@provider(order=30)
def lead_gate_applications(work):
    user, today = work.user, work.today
    if not perms.is_lead_organisation_user(user):
        return None
    areas = list(areas_visible_to(user).filter(status=AreaStatus.ACTIVE).order_by("reference"))
    gates = list(
        selectors.gate_list(user=user)
        .filter(area__in=[a.pk for a in areas])
        .exclude(status=GateStatus.WITHDRAWN)
        .filter(Q(status=GateStatus.DRAFT) | Q(target_stage=GateStage.GETTING_GOING))
    )
    milestones = {}
    for m in Milestone.objects.filter(
        round_id__in={a.round_id for a in areas},
        kind=Milestone.Kind.GETTING_GOING_APPLICATION,
        due_on__gte=today,
    ).order_by("-due_on"):
        milestones[m.round_id] = m  # the soonest ahead wins (read last)
    todo = WorkGroup(
        heading="Stage-gate applications to send",
        items=_lead_gate_items(user, today, areas, gates, milestones),
    )
    waiting = [
        WorkItem(
            title=f"A decision on your {g.get_target_stage_display()} application",
            url=g.get_absolute_url(),
            detail=f"{g.area.reference} {g.area.name} · sent "
            + (f"{g.submitted_at:%-d %b %Y}" if g.submitted_at else ""),
            waiting=True,
            today=today,
        )
        for g in gates
        if g.status == GateStatus.SUBMITTED
    ]
    applications = app_perms.applications_visible_to(user).filter(status__in=OPEN)
    waiting += [
        WorkItem(
            title=f"A decision on your application to join: {a.area_name}",
            url=a.get_absolute_url(),
            detail=a.get_status_display(),
            waiting=True,
            today=today,
        )
        for a in applications.order_by("submitted_at", "pk")[: work.limit]
    ]
    return [todo, WorkGroup(heading="Decisions on your applications", items=waiting, waiting=True)]


@provider(order=5)
def assigned_to_assess(work):
    """Applications, stage gates and final plans a programme manager has been assigned to
    assess and has not declared a conflict in: declare first, then score or decide."""
    user, today = work.user, work.today
    if not app_perms.can_assess(user)[0]:
        return None
    rows, total = work.queue(selectors.assigned_to_assess(user))
    items = []
    for assignment in rows:
        subject = assignment.subject
        if assignment.application_id:
            title = f"Assess the application for {subject.area_name}"
            where = subject.round.name
        elif assignment.gate_id:
            title = f"Assess {subject.area.reference}'s {subject.get_target_stage_display()} application"
            where = subject.area.name
        else:
            title = f"Assess {subject.area.reference}'s final plan"
            where = subject.area.name
        url = (
            subject.get_absolute_url_for(user) if assignment.plan_id else subject.get_absolute_url()
        )
        awaiting = assignment.status == AssessorStatus.AWAITING
        items.append(
            WorkItem(
                title=title,
                url=url,
                detail=where
                + (
                    " · declare any conflict of interest first"
                    if awaiting
                    else " · declared: no conflict"
                )
                + f" · assigned {assignment.assigned_at:%-d %b %Y}",
                today=today,
                about=assignment,
            )
        )
    return WorkGroup(heading="Assigned to you to assess", items=items, total=total)
