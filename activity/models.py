"""The one audit trail: every decision, submission, award and payment writes an entry here; the
area timeline and the notifications are read from it."""

from django.conf import settings
from django.db import models


class Visibility(models.TextChoices):
    STAFF = "staff", "Programme staff only"
    AREA = "area", "Staff and the area's lead organisation"


class ActivityEntry(models.Model):
    area = models.ForeignKey(
        "programmes.Area",
        on_delete=models.CASCADE,
        related_name="activity",
        null=True,
        blank=True,
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    verb = models.CharField(max_length=60, help_text="Machine name, e.g. application.admitted.")
    summary = models.CharField(max_length=300)
    reason = models.TextField(blank=True)
    visibility = models.CharField(
        max_length=10, choices=Visibility.choices, default=Visibility.STAFF
    )
    # What the entry is about, as a label and id (the target may live in any app).
    target_type = models.CharField(max_length=60, blank=True)
    target_id = models.CharField(max_length=40, blank=True)
    # When it happened: usually now, but imported history keeps its own dates.
    occurred_at = models.DateTimeField()
    imported = models.BooleanField(default=False)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name_plural = "activity entries"
        indexes = [models.Index(fields=["area", "-occurred_at"])]

    def __str__(self):
        return self.summary


class Notification(models.Model):
    """An entry addressed to one user: shown in the app and, once committed, emailed."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    entry = models.ForeignKey(ActivityEntry, on_delete=models.CASCADE, related_name="notifications")
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-entry__occurred_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "entry"], name="notify_once_per_entry")
        ]

    def __str__(self):
        return f"To {self.recipient}: {self.entry}"
