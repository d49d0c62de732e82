"""What support holds about a person (core.personal_data, registered in apps.py)."""

from django.db.models import Q

from core.personal_data import PersonalData

from .models import FollowUp, SupportContact


def _followups_open(person) -> list[str]:
    open_ = FollowUp.objects.filter(owner=person, done_at__isnull=True).select_related("area")
    return [f"owns a follow-up on {f.area.reference}" for f in open_.order_by("pk")]


KINDS = (
    PersonalData(
        name="support_contacts",
        description="Contacts with areas that you logged or whose risk you resolved.",
        rows=lambda person: SupportContact.objects.filter(
            Q(logged_by=person) | Q(risk_resolved_by=person)
        ).order_by("pk"),
    ),
    PersonalData(
        name="support_followups",
        description="Follow-ups you owned or marked done.",
        rows=lambda person: FollowUp.objects.filter(Q(owner=person) | Q(done_by=person)).order_by(
            "pk"
        ),
        open_work=_followups_open,
    ),
)
