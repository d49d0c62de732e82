"""What every app shares in the database: the outbox of work handed to the background."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from .validators import ONE_LINE


class OutboxStatus(models.TextChoices):
    PENDING = "pending", "Waiting for the background service"
    SENT = "sent", "Handed to the background service"
    DONE = "done", "Done by a worker"
    FAILED = "failed", "Never confirmed by a worker"


class OutboxMessage(models.Model):
    """One piece of background work a request asked for (a notification email, a report or an
    import job), written in the same transaction as the change that asked for it. A dispatcher
    hands it to Celery after commit; while the broker is down it waits here and is sent when the
    broker is back (beat task, and a sweep when a worker starts). A message the broker took
    counts as done only when a worker has run its task (`done_at`): one the broker lost (Redis
    restarted before a worker took it) is sent again by the sweep after OUTBOX_CONFIRM_MINUTES,
    at most OUTBOX_MAX_SENDS times. Tasks are idempotent, so a message sent twice (the process
    stopped between committing the row as sent and publishing it, or a slow task was sent
    again) does no harm."""

    task = models.CharField(max_length=200)
    args = models.JSONField(default=list, blank=True)
    kwargs = models.JSONField(default=dict, blank=True)
    description = models.CharField(max_length=200, blank=True)
    status = models.CharField(
        max_length=20, choices=OutboxStatus.choices, default=OutboxStatus.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    task_id = models.CharField(max_length=255, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(
                fields=["created_at"],
                name="outbox_pending",
                condition=models.Q(status="pending"),
            ),
            # The sweep's "sent but never confirmed", and a worker's confirmation by task id.
            models.Index(fields=["sent_at"], name="outbox_sent", condition=models.Q(status="sent")),
            models.Index(
                fields=["task_id"], name="outbox_sent_task", condition=models.Q(status="sent")
            ),
        ]

    def __str__(self):
        return f"{self.task} {self.args} ({self.get_status_display().lower()})"


class Heartbeat(models.Model):
    """When a background process last showed it was alive, for the readiness check
    (core/health.py): "worker" is written by every Celery worker on a timer, "beat" by the beat
    scheduler each time it sends a task. One row per name, overwritten."""

    name = models.CharField(max_length=50, primary_key=True)
    at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} at {self.at:%Y-%m-%d %H:%M:%S}"


class HiddenWorkItem(models.Model):
    """One person put one item of their My work aside: snoozed until a date (it comes back that
    morning) or dismissed with a reason (it stays hidden). The item is named by its group's kind
    and the object it is about, so the same object in another group, or on anyone else's My
    work, is untouched. The title and address are kept as they were, for the "Hidden" list."""

    REASON_MAX = 200

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="hidden_work"
    )
    kind = models.CharField(max_length=100, **ONE_LINE)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    until = models.DateField(null=True, blank=True)
    reason = models.CharField(max_length=REASON_MAX, blank=True, **ONE_LINE)
    title = models.CharField(max_length=300, blank=True, **ONE_LINE)
    url = models.CharField(max_length=500, blank=True, **ONE_LINE)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "content_type", "object_id"], name="hidden_work_once"
            ),
            # Snoozed (a date, no reason) or dismissed (a reason, no date), never both or neither.
            models.CheckConstraint(
                condition=(models.Q(until__isnull=False) & models.Q(reason=""))
                | (models.Q(until__isnull=True) & ~models.Q(reason="")),
                name="hidden_work_snoozed_or_dismissed",
            ),
        ]
        indexes = [models.Index(fields=["user", "until"], name="hidden_work_user_until")]

    def __str__(self):
        return f"{self.user} · {self.kind} · {self.title}"

    @property
    def dismissed(self) -> bool:
        return self.until is None
