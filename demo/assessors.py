"""Assessors and conflicts of interest (GovS 015) in every state: the demo's programme manager
assessed, and declared no conflict in, everything it scored (demo/applications.py); here a
second programme manager, Joanna Price (no login), declares no conflict and scores apart from the
first (so the moderation view flags it), declares a conflict with its nature, and has not yet
declared; the demo programme manager is assigned to an application still waiting to be declared
about, to a stage gate and to a final plan, so My work and the declaration form have something
to show."""

from applications import permissions as app_perms
from applications import services as app_services
from applications.models import (
    Application,
    ApplicationStatus,
    AssessorAssignment,
    GateApplication,
    GateStatus,
)
from plans.models import OperationalPlan, PeerReviewAssignment

from .applications import assess_as
from .people import second_approver

# (application, declaration, nature, scores): a declaration of None leaves it to be made.
SECOND_ASSESSOR = [
    ("Keyham", "none", "", 5),  # far above the first assessor's: flagged for moderation
    ("Rose Hill", "none", "", None),  # the first assessor's scores, give or take: agreed
    (
        "Canvey Island",
        "conflict",
        "I live two doors from the applicant's chair of trustees.",
        None,
    ),
    ("Moulsecoomb", None, "", None),
]


def load(ctx):
    pm, second = ctx.users["pm"], second_approver()
    if AssessorAssignment.objects.filter(assessor=second).exists():
        return ctx
    live = ctx.live_round
    criteria = list(live.assessment_criteria.order_by("order"))
    for name, declaration, nature, lean in SECOND_ASSESSOR:
        application = Application.objects.filter(round=live, area_name=name).first()
        if application is None or application.status != ApplicationStatus.UNDER_ASSESSMENT:
            continue
        assess_as(application, second, actor=pm, declaration=declaration, nature=nature)
        if declaration == "none":
            mine = {s.criterion_id: s.score for s in application.scores.filter(assessor=pm)}
            # The same criteria as the first assessor, so their totals compare like with like.
            for n, c in enumerate(c for c in criteria if c.pk in mine):
                given = lean if lean is not None else min(5, mine[c.pk] + (n == 0))
                app_services.application_score(
                    application=application,
                    criterion=c,
                    assessor=second,
                    score=given,
                    comment="Second assessment.",
                )
    # The demo programme manager: asked to assess an application and to declare first.
    waiting = Application.objects.filter(
        round=live, area_name="Southmead", status=ApplicationStatus.SUBMITTED
    ).first()
    if waiting is not None:
        # Assigned by the second programme manager, so the demo one is told (My work, inbox).
        app_services.assessor_assign(subject=waiting, assessor=pm, actor=second)
    # A stage gate: the programme manager clear, the second one conflicted.
    gate = GateApplication.objects.filter(status=GateStatus.SUBMITTED).order_by("pk").first()
    if gate is not None:
        _assign_and_declare(gate, pm, pm, "none", "")
        _assign_and_declare(
            gate, second, pm, "conflict", "A former colleague chairs the area's partnership board."
        )
    # A final plan under review: the programme manager clear, the second one still to declare.
    plan = (
        OperationalPlan.objects.filter(status__in=["final_submitted", "under_review"])
        .order_by("pk")
        .first()
    )
    if plan is not None:
        _assign_and_declare(plan, pm, pm, "none", "")
        app_services.assessor_assign(subject=plan, assessor=second, actor=pm)
    # A peer reviewer who declared a conflict, and so does not review that draft plan (the lead
    # user's own organisation is left to declare in the demo itself).
    lead_orgs = ctx.users["lead"].memberships.values("organisation")
    peer = (
        PeerReviewAssignment.objects.filter(review__isnull=True)
        .exclude(reviewer_organisation__in=lead_orgs)
        .order_by("pk")
        .first()
    )
    member = peer and peer.reviewer_organisation.memberships.order_by("pk").first()
    if member is not None:
        app_services.peer_conflict_declare(
            assignment=peer,
            actor=member.user,
            declaration="conflict",
            nature="Our chief officer is a trustee of the reviewed area's lead organisation.",
        )
    return ctx


def _assign_and_declare(subject, assessor, actor, declaration, nature):
    if app_perms.assignment_of(assessor, subject) is None:
        app_services.assessor_assign(subject=subject, assessor=assessor, actor=actor)
    if app_perms.declaration_of(assessor, subject) is None:
        app_services.conflict_declare(
            subject=subject, actor=assessor, declaration=declaration, nature=nature
        )
