"""What messaging holds about a person (core.personal_data, registered in apps.py)."""

from core.personal_data import PersonalData

from .models import Message, ThreadRead

KINDS = (
    PersonalData(
        name="messaging_messages",
        description="Messages and staff notes you wrote, with the documents you attached.",
        rows=lambda person: Message.objects.filter(author=person).order_by("created_at", "id"),
        files=("attachment",),
    ),
    PersonalData(
        name="messaging_thread_reads",
        description="When you last read each area's messages.",
        rows=lambda person: ThreadRead.objects.filter(user=person).order_by("pk"),
    ),
)
