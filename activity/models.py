"""The one audit trail: every decision, submission, award and payment writes an entry here; the
area timeline and the notifications are read from it."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from .kinds import KINDS, Delivery


class AppendOnlyError(Exception):
    """Raised on an attempt to change or delete an audit record: correct it with a new entry."""


class Visibility(models.TextChoices):
    STAFF = "staff", "Programme staff only"
    AREA = "area", "Staff and the area's lead organisation"


class ActivityEntry(models.Model):
    area = models.ForeignKey(
        "programmes.Area",
        on_delete=models.PROTECT,
        related_name="activity",
        null=True,
        blank=True,
    )
    # PROTECT, not CASCADE or SET_NULL: deleting an area or a user must not rewrite its history.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
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
    # A correction is a new entry pointing at the one it corrects: entries are never edited.
    corrects = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="corrections"
    )
    # The hash chain (see activity/chain.py): the entry's place in its area's chain (or the
    # programme chain when it has no area), the previous entry's hash and its own.
    chain_position = models.PositiveIntegerField(null=True, blank=True, editable=False)
    previous_hash = models.CharField(max_length=64, blank=True, editable=False)
    content_hash = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name_plural = "activity entries"
        indexes = [models.Index(fields=["area", "-occurred_at"])]
        constraints = [
            # A chain cannot fork: one entry per place in it.
            models.UniqueConstraint(
                fields=["area", "chain_position"],
                condition=Q(area__isnull=False),
                name="activity_one_entry_per_area_chain_position",
            ),
            models.UniqueConstraint(
                fields=["chain_position"],
                condition=Q(area__isnull=True),
                name="activity_one_entry_per_programme_chain_position",
            ),
        ]

    def __str__(self):
        return self.summary

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError(
                "Activity entries cannot be changed; record a correction instead."
            )
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Activity entries cannot be deleted; record a correction instead.")


class ActivityChain(models.Model):
    """The head of one hash chain: one row per area that has activity, and one ("programme") for
    entries with no area. `activity_record` locks this row (SELECT ... FOR UPDATE) before it
    reads the head and appends, so two concurrent writers to the same area queue up instead of
    both linking to the same previous entry and forking the chain. A separate small row is locked
    rather than the area itself so that the lock is always the last one a service takes and never
    blocks readers or writers of the area row. The head also lets `audit_verify` notice entries
    deleted from the end of a chain."""

    key = models.CharField(max_length=40, unique=True)
    area = models.OneToOneField(
        "programmes.Area",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    length = models.PositiveIntegerField(default=0)
    head_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["key"]

    def __str__(self):
        return f"Chain {self.key} ({self.length} entries)"


class Notification(models.Model):
    """An entry addressed to one user, in their inbox: emailed once it is committed (straight
    away, in a daily digest or not at all, as they chose for its kind), read when they open the
    page it links to, resolved when what it asks for has been done."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    entry = models.ForeignKey(ActivityEntry, on_delete=models.CASCADE, related_name="notifications")
    # The page where the recipient sees the item (the entry's target, else its area): the email
    # links here, and opening it marks the notification read.
    url = models.CharField(max_length=300, blank=True)
    # The entry's kind (activity/kinds.py), for the inbox's filter and the person's preferences.
    kind = models.CharField(max_length=20, default="other")
    read_at = models.DateTimeField(null=True, blank=True)
    # Set when the thing it asks for is done (the plan the funder was asked to co-sign is
    # signed): it leaves the inbox's open list and is not emailed any more.
    resolved_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    # How many times a worker set out to email it (counted before sending, in its own commit):
    # a message that kills its worker every time it is delivered stops after a cap.
    email_attempts = models.PositiveSmallIntegerField(default=0)
    # Set when its email was given up: the mail server refused it for good (or kept refusing it
    # through every retry), or the message could not be built (an address stored with a line
    # break). It is then not tried again unless an admin sends it again. `email_error` keeps the
    # last error, also while a retry is waiting.
    email_failed_at = models.DateTimeField(null=True, blank=True)
    email_error = models.TextField(blank=True)

    class Meta:
        ordering = ["-entry__occurred_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "entry"], name="notify_once_per_entry")
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at", "resolved_at"], name="notify_unread"),
            models.Index(fields=["recipient", "url"], name="notify_by_url"),
        ]

    def __str__(self):
        return f"To {self.recipient}: {self.entry}"

    @property
    def email_status(self) -> str:
        """Where its email is, as the admin lists it."""
        if self.emailed_at:
            return "Emailed"
        if self.email_failed_at:
            return "Failed"
        if self.resolved_at:
            return "Not emailed (resolved)"
        return "Retrying" if self.email_error else "Not emailed yet"

    @property
    def link(self) -> str:
        if self.url:
            return self.url
        return self.entry.area.get_absolute_url() if self.entry.area_id else ""


class NotificationPreference(models.Model):
    """How one person hears about one kind of notification by email (no row: straight away)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=20, choices=[(k, v) for k, v in KINDS.items()])
    delivery = models.CharField(max_length=10, choices=Delivery.CHOICES, default=Delivery.IMMEDIATE)

    class Meta:
        ordering = ["user", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="one_preference_per_kind")
        ]

    def __str__(self):
        return f"{self.user}: {self.kind} {self.delivery}"
