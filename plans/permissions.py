"""Who may do what with an area's plan documents. Plain functions returning (allowed, reason),
used by views, services and templates alike."""

from accounts import permissions as perms

from .workflows import EDITABLE, PlanStatus

Decision = tuple[bool, str]


def is_area_lead_member(user, area) -> bool:
    return perms.is_lead_organisation_user(user) and perms.user_belongs_to(
        user, area.lead_organisation_id
    )


def can_edit_documents(user, area, plan=None) -> Decision:
    """The lead organisation writes the strategy, logic model, CBA and plan, while the plan is
    still open to changes (a plan under review is frozen until it is returned)."""
    if not is_area_lead_member(user, area):
        return False, "Only the area's lead organisation can change its plan documents."
    if plan is not None and plan.pk and plan.status not in EDITABLE:
        return False, (
            f"The plan is {PlanStatus(plan.status).label.lower()}, so it cannot be changed now."
        )
    return True, ""


def can_submit_plan(user, plan) -> Decision:
    if not is_area_lead_member(user, plan.area):
        return False, "Only the area's lead organisation can submit its plan."
    return True, ""


def can_review_plans(user) -> Decision:
    if perms.is_programme_manager(user) or perms.is_funder_officer(user):
        return True, ""
    return False, "Only programme managers and funder officers review plans."


def can_assign_peer_reviews(user) -> Decision:
    if perms.is_programme_manager(user):
        return True, ""
    return False, "Only programme managers assign peer reviewers."


def is_peer_reviewer(user, assignment) -> bool:
    return perms.is_lead_organisation_user(user) and perms.user_belongs_to(
        user, assignment.reviewer_organisation_id
    )


def can_submit_peer_review(user, assignment) -> Decision:
    if not is_peer_reviewer(user, assignment):
        return False, "Only the organisation asked to review this plan can send the review."
    if hasattr(assignment, "review"):
        return False, "This peer review has already been sent."
    return True, ""


def can_see_peer_reviews(user, plan) -> Decision:
    """The plan's authors and programme staff read the feedback on a plan."""
    if perms.is_programme_staff(user) or is_area_lead_member(user, plan.area):
        return True, ""
    return False, "Only the plan's authors and programme staff can read its peer reviews."
