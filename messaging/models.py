"""The conversation on an area between its lead organisation and the programme's staff, and the
staff's own notes beside it (never shown to the lead organisation)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from core.storage import private_storage
from core.validators import single_line_text


class Kind(models.TextChoices):
    MESSAGE = "message", "Message"
    NOTE = "note", "Staff note"


class Message(models.Model):
    """One message of an area's thread, or one staff note (kind NOTE: staff only). A message may
    carry one document, checked by content like the plan's documents and stored under a
    generated name."""

    area = models.ForeignKey("programmes.Area", on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.MESSAGE)
    # Which side wrote it: the lead organisation, or the programme's staff. Kept on the row (not
    # read from the author's role today) so the thread reads the same after anyone changes role.
    from_lead = models.BooleanField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField()
    attachment = models.FileField(storage=private_storage, max_length=300, blank=True)
    attachment_name = models.CharField(max_length=255, blank=True, validators=[single_line_text])
    attachment_size = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # The form's one-off token: the same submission posted again (a double click, a resent
    # request) is the same message, never a second one (messaging.services.message_post).
    submission = models.UUIDField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["area", "created_at", "id"]
        indexes = [models.Index(fields=["area", "kind", "-created_at"])]
        constraints = [
            # The lead organisation never writes (or reads) staff notes.
            models.CheckConstraint(
                condition=Q(kind="message") | Q(from_lead=False), name="message_note_by_staff"
            ),
            models.CheckConstraint(
                condition=Q(attachment_size__isnull=True)
                | Q(attachment_size__lte=10 * 1024 * 1024),
                name="message_attachment_size_limit",
            ),
            models.UniqueConstraint(fields=["author", "submission"], name="message_submitted_once"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} on {self.area_id} by {self.author_id}"

    @property
    def is_note(self) -> bool:
        return self.kind == Kind.NOTE

    def get_absolute_url(self):
        return reverse("messaging:thread", args=[self.area.reference]) + f"#message-{self.pk}"


class ThreadRead(models.Model):
    """When a person last opened an area's thread: what came after is unread for them."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    area = models.ForeignKey("programmes.Area", on_delete=models.CASCADE, related_name="+")
    read_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "area"], name="thread_read_once")]

    def __str__(self):
        return f"{self.user_id} read {self.area_id} at {self.read_at:%Y-%m-%d %H:%M}"
