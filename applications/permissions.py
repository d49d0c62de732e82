"""Who may do what with applications and stage gates. Each check returns (allowed, reason).

The workflow table (workflows.py) says which *role* may make a move; these checks add *scope*:
a lead organisation user acts only for organisations they belong to.
"""

from django.db.models import Q, QuerySet

from accounts import permissions as perms
from programmes.permissions import areas_visible_to

from . import assessed

Decision = tuple[bool, str]


def applications_visible_to(user, queryset: QuerySet | None = None) -> QuerySet:
    from .models import Application

    qs = queryset if queryset is not None else Application.objects.all()
    if perms.is_programme_staff(user):
        return qs
    if perms.is_lead_organisation_user(user):
        return qs.filter(Q(organisation__memberships__user=user) | Q(applicant=user)).distinct()
    return qs.none()


def gates_visible_to(user, queryset: QuerySet | None = None) -> QuerySet:
    from .models import GateApplication

    qs = queryset if queryset is not None else GateApplication.objects.all()
    if perms.is_programme_staff(user):
        return qs
    if perms.is_lead_organisation_user(user):
        return qs.filter(area__in=areas_visible_to(user))
    return qs.none()


def can_apply(user) -> Decision:
    if perms.is_lead_organisation_user(user):
        return True, ""
    return False, "Only lead organisation users can apply to join a round."


def acts_for_application(user, application) -> bool:
    return perms.is_lead_organisation_user(user) and (
        application.applicant_id == user.pk
        or perms.user_belongs_to(user, application.organisation_id)
    )


def can_edit_application(user, application) -> Decision:
    if not acts_for_application(user, application):
        return False, "Only the applying organisation can change this application."
    if application.status != "draft":
        return False, "This application has been sent, so it can no longer be changed."
    return True, ""


def can_assess(user) -> Decision:
    if perms.is_manager_or_admin(user):
        return True, ""
    return False, "Only programme managers can assess applications."


def can_act_for_area(user, area) -> Decision:
    """Prepare and send the area's gate applications: its lead organisation's users."""
    if perms.is_lead_organisation_user(user) and perms.user_belongs_to(
        user, area.lead_organisation_id
    ):
        return True, ""
    return False, "Only the area's lead organisation can apply for the next stage."


def can_decide_gate(user) -> Decision:
    if perms.is_manager_or_admin(user):
        return True, ""
    return False, "Only programme managers can decide stage-gate applications."


def can_grant_extension(user) -> Decision:
    if perms.is_manager_or_admin(user):
        return True, ""
    return False, "Only programme managers can extend deadlines."


def can_change_area_status(user) -> Decision:
    """Recording that an area has left the programme, or reinstating it."""
    if perms.is_manager_or_admin(user):
        return True, ""
    return False, "Only programme managers can record that an area has left the programme."


# --- Assessors and conflicts of interest ---------------------------------------------------------
# An application to join, a stage-gate application or a final plan (the "subject") is assessed by
# the people a programme manager assigns; each declares any conflict before seeing it.


def subject_filter(subject) -> dict:
    """The keyword that finds an assignment or declaration about `subject` (the kinds of subject
    are registered in ``applications.assessed``)."""
    return {assessed.kind_for(subject).field: subject}


def subject_noun(subject) -> str:
    name = next(iter(subject_filter(subject)))
    return {
        "application": "this application",
        "gate": "this stage-gate application",
        "plan": "this plan",
    }[name]


def can_assign_assessors(user) -> Decision:
    if perms.is_manager_or_admin(user):
        return True, ""
    return False, "Only programme managers can assign assessors."


def can_be_assessor(user) -> Decision:
    if perms.is_manager_or_admin(user) and user.is_active:
        return True, ""
    return False, "Only programme managers can be assigned to assess."


def can_view_declarations(user) -> Decision:
    """The declaration register and the moderation view: the programme team and the funder."""
    if perms.is_manager_or_admin(user) or perms.is_funder_officer(user):
        return True, ""
    return False, "Only programme managers, funder officers and admins can see the declarations."


def assignment_of(user, subject):
    """`user`'s live (not removed) assignment to `subject`, or None."""
    from .models import AssessorAssignment, AssessorStatus

    if not getattr(user, "is_authenticated", False):
        return None
    cached = getattr(subject, "_assignments_by_assessor", None)
    if cached is not None:
        return cached.get(user.pk)
    return (
        AssessorAssignment.objects.filter(assessor=user, **subject_filter(subject))
        .exclude(status=AssessorStatus.REMOVED)
        .first()
    )


def declaration_of(user, subject):
    """What `user` declared about `subject` (whatever became of their assignment), or None."""
    from .models import ConflictDeclaration

    if not getattr(user, "is_authenticated", False):
        return None
    return ConflictDeclaration.objects.filter(assessor=user, **subject_filter(subject)).first()


def must_declare(user, subject) -> bool:
    """An assigned assessor who has not declared yet: they see the declaration form, not the
    subject."""
    from .models import AssessorStatus

    assignment = assignment_of(user, subject)
    return assignment is not None and assignment.status == AssessorStatus.AWAITING


def not_conflicted(user, subject, verb: str) -> Decision:
    """Refused if `user` declared a conflict of interest in `subject`: they may not `verb` it."""
    declared = declaration_of(user, subject)
    if declared is not None and declared.is_conflict:
        return (
            False,
            f"You declared a conflict of interest in {subject_noun(subject)}, so you cannot "
            f"{verb} it.",
        )
    return True, ""


def can_score_application(user, application) -> Decision:
    """Only an assessor assigned to the application, who has declared no conflict, scores it."""
    from .models import AssessorStatus

    allowed, reason = can_assess(user)
    if not allowed:
        return allowed, reason
    assignment = assignment_of(user, application)
    if assignment is None:
        allowed, reason = not_conflicted(user, application, "score")
        if not allowed:
            return allowed, reason
        return False, "Only assessors assigned to this application can score it."
    if assignment.status == AssessorStatus.AWAITING:
        return (
            False,
            "Declare any conflict of interest in this application before you assess it.",
        )
    if assignment.status == AssessorStatus.CONFLICTED:
        return not_conflicted(user, application, "score")
    return True, ""


def can_decide_subject(user, subject) -> Decision:
    """A decision (admit or reject, approve or reject a gate, sign off or return a plan) is
    refused to anyone who declared a conflict in it."""
    return not_conflicted(user, subject, "decide")


def can_peer_review(user, plan) -> Decision:
    """A peer reviewer declares before reviewing a draft plan, and one who declared a conflict
    does not review it."""
    declared = declaration_of(user, plan)
    if declared is None:
        return False, "Declare any conflict of interest in this plan before you review it."
    if declared.is_conflict:
        return False, "You declared a conflict of interest in this plan, so you cannot review it."
    return True, ""
