"""The support package around the grants: relationship managers' contact log and follow-ups,
external adviser days (entitlement rows and bookings) and programme events."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from core.validators import single_line_text
from core.wording import days

from .workflows import BOOKING, BookingStatus


class AdviserEntitlement(models.Model):
    """Adviser days granted to an area. One row per grant so the history shows where the days came
    from (Getting Ready allowance, extra consultancy days, a programme manager's raise)."""

    area = models.ForeignKey(
        "programmes.Area", on_delete=models.CASCADE, related_name="adviser_entitlements"
    )
    days = models.DecimalField(max_digits=4, decimal_places=1)
    reason = models.CharField(max_length=300, validators=[single_line_text])
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    granted_at = models.DateTimeField(default=timezone.now)
    imported = models.BooleanField(default=False)

    class Meta:
        ordering = ["area", "granted_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(days__gt=0), name="entitlement_days_positive"),
        ]

    def __str__(self):
        return f"{self.area.reference}: {days(self.days)} ({self.reason})"

    def clean(self):
        if self.days is not None and self.days <= 0:
            raise ValidationError({"days": "Add more than zero days."})


class Adviser(models.Model):
    """An external adviser areas can be booked with: a list programme managers and admins keep
    (the advisers page, or the Django admin). Inactive advisers stay on past bookings but cannot
    be booked again."""

    name = models.CharField(max_length=120, validators=[single_line_text])
    organisation = models.CharField(max_length=200, blank=True, validators=[single_line_text])
    email = models.EmailField(blank=True)
    active = models.BooleanField(
        default=True, help_text="Only active advisers can be chosen for new bookings."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="adviser_name_unique_ci"),
        ]

    def __str__(self):
        return f"{self.name} ({self.organisation})" if self.organisation else self.name


class AdviserDay(models.Model):
    """A booking of external adviser time for an area. A planned booking counts against what
    the area can still book; only a delivered one counts as entitlement used; a cancelled one
    counts for nothing (``BOOKING`` in ``support/workflows.py``)."""

    workflow = BOOKING

    area = models.ForeignKey(
        "programmes.Area", on_delete=models.CASCADE, related_name="adviser_days"
    )
    adviser = models.ForeignKey(Adviser, on_delete=models.PROTECT, related_name="bookings")
    date = models.DateField()
    days = models.DecimalField(max_digits=3, decimal_places=1)
    description = models.TextField(blank=True)
    status = models.CharField(
        max_length=20, choices=BookingStatus.choices, default=BookingStatus.PLANNED, editable=False
    )
    delivered_at = models.DateTimeField(null=True, blank=True, editable=False)
    cancelled_at = models.DateTimeField(null=True, blank=True, editable=False)
    cancelled_reason = models.CharField(
        max_length=300, blank=True, editable=False, validators=[single_line_text]
    )
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["area", "-date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(days__gt=0) & Q(days__lte=5), name="adviser_day_days_in_range"
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in BookingStatus]),
                name="adviser_day_status_valid",
            ),
        ]

    def __str__(self):
        return f"{self.area.reference}: {self.adviser_name} {self.date:%d %b %Y} ({self.days})"

    @property
    def adviser_name(self) -> str:
        return self.adviser.name

    @property
    def is_planned(self):
        return self.status == BookingStatus.PLANNED

    def clean(self):
        if self.days is not None and not (Decimal("0") < self.days <= Decimal("5")):
            raise ValidationError({"days": "A booking is more than 0 and at most 5 days."})


class ContactKind(models.TextChoices):
    VISIT = "visit", "Visit"
    CALL = "call", "Phone or video call"
    EMAIL = "email", "Email"
    MEETING = "meeting", "Meeting"
    WORKSHOP = "workshop", "Workshop"
    ADVISER_DAY = "adviser_day", "Adviser day"
    CBA_SUPPORT = "cba_support", "CBA support"


class RiskLevel(models.TextChoices):
    NONE = "none", "No risk"
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


# Badge colours for a flagged risk, in the shared badge vocabulary (core_tags' {% badge %}).
RISK_TONES = {
    RiskLevel.HIGH: "danger",
    RiskLevel.MEDIUM: "warning",
    RiskLevel.LOW: "secondary",
    RiskLevel.NONE: "light",
}


class SupportContact(models.Model):
    """One contact between the programme and an area, logged by a relationship manager."""

    area = models.ForeignKey(
        "programmes.Area", on_delete=models.CASCADE, related_name="support_contacts"
    )
    date = models.DateField(default=timezone.localdate)
    kind = models.CharField("type", max_length=20, choices=ContactKind.choices)
    duration_minutes = models.PositiveIntegerField("duration (minutes)", null=True, blank=True)
    participants = models.CharField(
        max_length=300,
        blank=True,
        help_text="Who from the area took part.",
        validators=[single_line_text],
    )
    notes = models.TextField(blank=True)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    risk_level = models.CharField(max_length=10, choices=RiskLevel.choices, default=RiskLevel.NONE)
    risk_description = models.TextField(blank=True)
    risk_resolved_at = models.DateTimeField(null=True, blank=True)
    risk_resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["area", "-date"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(risk_level__in=[c.value for c in RiskLevel]),
                name="contact_risk_level_valid",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=[c.value for c in ContactKind]),
                name="contact_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(risk_level=RiskLevel.NONE) | ~Q(risk_description=""),
                name="contact_risk_has_description",
            ),
        ]

    def __str__(self):
        return f"{self.area.reference}: {self.get_kind_display()} on {self.date:%d %b %Y}"

    @property
    def has_risk(self):
        return self.risk_level != RiskLevel.NONE

    @property
    def risk_tone(self) -> str:
        return RISK_TONES.get(self.risk_level, "secondary")

    @property
    def risk_is_open(self):
        return self.has_risk and self.risk_resolved_at is None

    def clean(self):
        if self.risk_level != RiskLevel.NONE and not self.risk_description.strip():
            raise ValidationError({"risk_description": "Describe the risk you are flagging."})
        if self.date and self.date > timezone.localdate():
            raise ValidationError({"date": "The contact date cannot be in the future."})


class FollowUp(models.Model):
    """An action agreed at a contact, with a due date and an owner."""

    contact = models.ForeignKey(SupportContact, on_delete=models.CASCADE, related_name="followups")
    area = models.ForeignKey("programmes.Area", on_delete=models.CASCADE, related_name="followups")
    action = models.CharField(max_length=300, validators=[single_line_text])
    due_on = models.DateField()
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="support_followups"
    )
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["owner", "done_at", "due_on"])]

    def __str__(self):
        return f"{self.area.reference}: {self.action} (due {self.due_on:%d %b %Y})"

    @property
    def is_done(self):
        return self.done_at is not None

    def is_overdue(self, today=None):
        return not self.is_done and self.due_on < (today or timezone.localdate())


class EventKind(models.TextChoices):
    INDUCTION = "induction", "Induction"
    WEBINAR = "webinar", "Webinar"
    PEER_HUB = "peer_hub", "Regional peer learning hub"
    CBA_TRAINING = "cba_training", "CBA training"


class Event(models.Model):
    title = models.CharField(max_length=200, validators=[single_line_text])
    kind = models.CharField("type", max_length=20, choices=EventKind.choices)
    round = models.ForeignKey(
        "programmes.Round",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events",
        help_text="Leave blank for an event open to every round.",
    )
    starts_at = models.DateTimeField()
    location = models.CharField(
        "location or online link",
        max_length=300,
        blank=True,
        help_text="A venue or a URL.",
        validators=[single_line_text],
    )
    description = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=[c.value for c in EventKind]), name="event_kind_valid"
            )
        ]

    def __str__(self):
        return f"{self.title} ({self.starts_at:%d %b %Y})"

    @property
    def location_is_link(self):
        return self.location.startswith(("http://", "https://"))


class EventInvitation(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="invitations")
    area = models.ForeignKey(
        "programmes.Area", on_delete=models.CASCADE, related_name="event_invitations"
    )
    invited_at = models.DateTimeField(default=timezone.now)
    # None until attendance is recorded: unknown is not the same as "did not attend".
    attended = models.BooleanField(null=True, blank=True)
    attendee_names = models.CharField(max_length=300, blank=True, validators=[single_line_text])

    class Meta:
        ordering = ["event", "area__reference"]
        constraints = [
            models.UniqueConstraint(fields=["event", "area"], name="invite_area_once_per_event")
        ]

    def __str__(self):
        return f"{self.area.reference} invited to {self.event.title}"
