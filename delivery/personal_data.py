"""What delivery holds about a person (core.personal_data, registered in apps.py)."""

from django.db.models import Q

from core.personal_data import PersonalData

from .models import ProgressReturn, ReturnComment

KINDS = (
    PersonalData(
        name="delivery_progress_returns",
        description="Progress returns you submitted or last changed.",
        rows=lambda person: ProgressReturn.objects.filter(
            Q(submitted_by=person) | Q(updated_by=person)
        ).order_by("pk"),
    ),
    PersonalData(
        name="delivery_return_comments",
        description="Answers you gave to reviewers' comments on progress returns.",
        rows=lambda person: ReturnComment.objects.filter(responded_by=person).order_by("pk"),
    ),
)
