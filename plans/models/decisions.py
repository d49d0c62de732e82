"""The decisions on a plan besides the programme's review: the peer reviews other lead
organisations write of a draft, the two sign-offs of the final plan, and the milestone reminders
sent."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from core.validators import single_line_text
from core.wording import days

User = settings.AUTH_USER_MODEL


class PeerReviewAssignment(models.Model):
    plan = models.ForeignKey(
        "plans.OperationalPlan", on_delete=models.CASCADE, related_name="peer_review_assignments"
    )
    reviewer_organisation = models.ForeignKey(
        "programmes.Organisation", on_delete=models.PROTECT, related_name="peer_reviews_assigned"
    )
    assigned_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    assigned_at = models.DateTimeField(auto_now_add=True)
    due_on = models.DateField()

    class Meta:
        ordering = ["plan", "due_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "reviewer_organisation"], name="peer_review_once_per_reviewer"
            )
        ]

    def __str__(self):
        return f"{self.reviewer_organisation} reviews {self.plan.area.reference}"


class PeerReview(models.Model):
    class Rating(models.IntegerChoices):
        NEEDS_WORK = 1, "Needs substantial work"
        PROMISING = 2, "Promising, with gaps"
        GOOD = 3, "Good"
        STRONG = 4, "Strong"

    assignment = models.OneToOneField(
        PeerReviewAssignment, on_delete=models.CASCADE, related_name="review"
    )
    strengths = models.TextField()
    suggestions = models.TextField()
    questions = models.TextField(blank=True)
    overall_rating = models.PositiveSmallIntegerField(choices=Rating.choices)
    submitted_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    submitted_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(overall_rating__gte=1) & Q(overall_rating__lte=4),
                name="peer_review_rating_valid",
            )
        ]

    def __str__(self):
        return f"Peer review of {self.assignment.plan.area.reference}"


class SignOffParty(models.TextChoices):
    PROGRAMME_MANAGER = "programme_manager", "Programme manager"
    FUNDER = "funder", "Funder"


class SignOff(models.Model):
    plan = models.ForeignKey(
        "plans.OperationalPlan", on_delete=models.CASCADE, related_name="sign_offs"
    )
    party = models.CharField(max_length=20, choices=SignOffParty.choices)
    # Who signed. Imported history has no signer in this system: it is marked `imported`, with
    # the file it came from as its `source`, and never credited to a user holding a role.
    user = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    signed_at = models.DateTimeField()
    comment = models.TextField(blank=True)
    imported = models.BooleanField(default=False)
    source = models.CharField(max_length=200, blank=True, validators=[single_line_text])
    # Sign-offs are never deleted: when the plan is returned for changes they stop counting (the
    # plan must be signed again) but stay as the record of who signed what, and when.
    superseded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["plan", "signed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "party"],
                condition=Q(superseded_at__isnull=True),
                name="sign_off_once_per_party",
            ),
            models.CheckConstraint(
                condition=Q(imported=True) | Q(user__isnull=False),
                name="sign_off_by_a_user_unless_imported",
            ),
        ]

    def __str__(self):
        return f"{self.get_party_display()} signed {self.plan.area.reference}"

    @property
    def signer(self) -> str:
        """Who signed, as pages show it."""
        if self.imported:
            return f"imported record ({self.source})" if self.source else "imported record"
        return str(self.user)


class ReminderSent(models.Model):
    """One row per reminder sent, so the daily job never sends the same reminder twice."""

    area = models.ForeignKey("programmes.Area", on_delete=models.CASCADE, related_name="+")
    milestone = models.ForeignKey(
        "programmes.Milestone", on_delete=models.CASCADE, related_name="reminders_sent"
    )
    days_before = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["area", "milestone", "days_before"], name="reminder_sent_once"
            )
        ]

    def __str__(self):
        return f"{self.area_id}: {self.milestone} ({days(self.days_before)})"
