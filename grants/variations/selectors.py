"""Reads for variations, shaped for their pages (a fixed number of queries per page)."""

from django.db.models import Count, IntegerField, OuterRef, Prefetch, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from programmes.permissions import areas_visible_to

from .models import Variation, VariationChange


def _changes() -> Prefetch:
    return Prefetch(
        "changes",
        queryset=VariationChange.objects.select_related("payment", "to_payment").order_by("id"),
    )


def variations_visible_to(user) -> QuerySet:
    """Variations of the areas the user may see, with what a list row shows."""
    return (
        Variation.objects.filter(award__area__in=areas_visible_to(user))
        .select_related(
            "award",
            "award__area",
            "award__area__round",
            "award__area__round__programme",
            "requested_by",
            "decided_by",
            "cosigned_by",
        )
        .prefetch_related(_changes())
    )


def variation_in_scope(*, user, pk) -> Variation | None:
    return (
        variations_visible_to(user)
        .select_related("award__area__lead_organisation", "offer")
        .filter(pk=pk)
        .first()
    )


def award_variations(award) -> list[Variation]:
    return list(
        award.variations.select_related("requested_by", "offer")
        .prefetch_related(_changes())
        .order_by("-requested_at", "-id")
    )


def with_amendments(awards: QuerySet) -> QuerySet:
    """Awards annotated with their approved variations: ``amendment_count`` and ``amended_at``
    (the latest decision or co-signature), by subqueries so the payments' sums beside them are
    not multiplied by a join."""
    approved = Variation.objects.filter(award=OuterRef("pk"), status=Variation.Status.APPROVED)
    return awards.annotate(
        amendment_count=Coalesce(
            Subquery(
                approved.order_by().values("award").annotate(n=Count("pk")).values("n")[:1],
                output_field=IntegerField(),
            ),
            Value(0),
        ),
        amended_at=Subquery(
            approved.annotate(at=Coalesce("cosigned_at", "decided_at"))
            .order_by("-at")
            .values("at")[:1]
        ),
    )
