"""Reads for variations, shaped for their pages (a fixed number of queries per page)."""

from django.db.models import Prefetch, QuerySet

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
