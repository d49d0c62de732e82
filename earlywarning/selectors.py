"""Reading the stored warnings, shaped for the pages: a fixed number of queries however many
areas a round has."""

from django.db.models import QuerySet

from accounts.models import AreaAssignment, User
from programmes.models import Area, AreaStatus

from .models import AreaWarning
from .permissions import warning_areas_visible_to


def round_warnings(
    *, round, user, relationship_manager: User | None = None
) -> QuerySet[AreaWarning]:
    """The round's active areas' warnings that `user` may see, worst first; only the areas
    `relationship_manager` looks after now when given."""
    areas = warning_areas_visible_to(
        user, Area.objects.filter(round=round, status=AreaStatus.ACTIVE)
    )
    qs = AreaWarning.objects.filter(area__in=areas)
    if relationship_manager is not None:
        qs = looked_after_by(qs, relationship_manager)
    return qs.select_related("area", "area__lead_organisation").order_by(
        "-score", "area__reference"
    )


def looked_after_by(warnings: QuerySet[AreaWarning], user: User) -> QuerySet[AreaWarning]:
    """The warnings of the areas `user` looks after now."""
    return warnings.filter(area__assignments__user=user, area__assignments__ended_on__isnull=True)


def current_managers(*, area_ids) -> dict[int, User]:
    """{area id: the relationship manager looking after it now}, in one query."""
    rows = AreaAssignment.objects.filter(area_id__in=list(area_ids), ended_on__isnull=True)
    return {a.area_id: a.user for a in rows.select_related("user")}


def relationship_managers() -> QuerySet[User]:
    """Everyone looking after an area now (the list's filter)."""
    return (
        User.objects.filter(area_assignments__ended_on__isnull=True)
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def flagged_for(*, user) -> QuerySet[AreaWarning]:
    """The flagged areas a relationship manager looks after now, worst first (My work)."""
    return (
        AreaWarning.objects.filter(
            flagged=True,
            area__status=AreaStatus.ACTIVE,
            area__assignments__user=user,
            area__assignments__ended_on__isnull=True,
        )
        .select_related("area")
        .order_by("-score", "area__reference")
    )


def area_warning(*, area) -> AreaWarning | None:
    return AreaWarning.objects.filter(area=area).first()
