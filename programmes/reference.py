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


STANDARD_PROGRAMME = {
    "slug": "our-place",
    "name": "Our Place",
    "funder_name": "Department for Communities",
    "manager_name": "Locality",
    "funder_identifier": "GB-GOR-D1234",
    "description": "Neighbourhood grants to redesign local public services with the statutory "
    "bodies that run them.",
}


def standard_programme_seed(programme_model=None):
    """The standard programme (a new round copies its stage definitions from the programme's
    latest round, or takes the standard set); created when missing, never changed."""
    if programme_model is None:
        from .models import Programme as programme_model
    defaults = {k: v for k, v in STANDARD_PROGRAMME.items() if k != "slug"}
    programme, _ = programme_model.objects.get_or_create(
        slug=STANDARD_PROGRAMME["slug"], defaults=defaults
    )
    return programme
