"""What the site search (core.search) finds in applications: applications to join, through the
visibility rule of the application pages (`permissions.applications_visible_to`). Programme
staff search what has been sent (as the assessment queue lists it); a lead organisation user,
their own organisation's applications, drafts included."""

from urllib.parse import urlencode

from django.urls import reverse

from accounts import permissions as perms
from core.search import Hit, SearchKind, among
from programmes.models import Area, Organisation

from . import permissions as app_perms
from .models import Application, ApplicationStatus


def _matching(words: str):
    """Ids of applications whose neighbourhood, district, organisation or area reference contains
    the words: one id list per column, joined by UNION ALL (as the area list's search), so the
    organisation and area parts use their trigram indexes instead of an OR across three tables."""
    by_column = [
        Application.objects.filter(**{f"{column}__icontains": words}).order_by().values("pk")
        for column in ("area_name", "local_authority")
    ]
    organisations = Organisation.objects.filter(name__icontains=words).order_by().values("pk")
    areas = Area.objects.filter(reference__icontains=words).order_by().values("pk")
    by_column.append(
        Application.objects.filter(organisation__in=organisations).order_by().values("pk")
    )
    by_column.append(Application.objects.filter(area__in=areas).order_by().values("pk"))
    return by_column[0].union(*by_column[1:], all=True)


def _applications(*, user, query):
    visible = app_perms.applications_visible_to(user)
    if perms.is_programme_staff(user):
        visible = visible.exclude(status=ApplicationStatus.DRAFT)
    return (
        visible.filter(among(_matching(query)))
        .select_related("organisation", "round", "area")
        .order_by("-pk")
    )


def _hit(application) -> Hit:
    area = f" · {application.area.reference}" if application.area_id else ""
    return Hit(
        title=application.area_name or "(no neighbourhood named yet)",
        url=application.get_absolute_url(),
        detail=f"{application.organisation.name} · {application.round.name}{area}",
        status_of=application,
    )


def _queue(*, user, query) -> str:
    if not app_perms.can_assess(user)[0]:
        return ""
    # Every status (the queue opens on those waiting for a decision).
    return f"{reverse('applications:assessment_queue')}?{urlencode({'q': query, 'status': ''})}"


KINDS = [
    SearchKind(
        name="applications",
        label="Applications",
        order=30,
        results=_applications,
        hit=_hit,
        see_all=_queue,
    ),
]
