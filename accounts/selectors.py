"""Who is around an area: the people services notify when something happens to it."""

from .models import AreaAssignment, User


def lead_members(area) -> list[User]:
    """Active users who act for the area's lead organisation."""
    return list(
        User.objects.filter(
            memberships__organisation_id=area.lead_organisation_id, is_active=True
        ).distinct()
    )


def relationship_manager(area) -> User | None:
    """The area's current relationship manager, if one is assigned."""
    assignment = (
        AreaAssignment.objects.filter(area=area, ended_on__isnull=True)
        .select_related("user")
        .first()
    )
    return assignment.user if assignment else None
