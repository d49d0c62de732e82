"""Reference data every installation starts with. Seeded by migration; `themes_seed` restores it
where a database was emptied (tests that flush tables, a fresh bench database)."""

from django.utils.text import slugify

STANDARD_THEMES = [
    "Health and wellbeing",
    "Skills and employment",
    "Young people",
    "Neighbourhood regeneration",
    "Housing",
    "Community safety",
    "Environment",
    "Older people",
    "Education",
    "Transport and access",
    "Community cohesion",
]


def themes_seed(theme_model=None) -> int:
    """Create any standard theme that is missing; returns how many were created."""
    if theme_model is None:
        from .models import Theme as theme_model
    created = 0
    for order, name in enumerate(STANDARD_THEMES, 1):
        _, made = theme_model.objects.get_or_create(
            slug=slugify(name), defaults={"name": name, "order": order}
        )
        created += made
    return created
