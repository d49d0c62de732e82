"""Grants: an award to an area for a stage, and the payments that make up its schedule.

A Getting Going grant, for example, is paid 90% in advance with 10% held back until the final
operational plan is submitted. The services in ``grants/services.py`` are the only writers of
status fields and of ``Award.total_scheduled``.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from core.money import pounds
from core.validators import single_line_text
from programmes.models import MONEY, Stage

from .workflows import AWARD, PAYABLE_STATUSES, PAYMENT, AwardStatus, PaymentStatus

FINAL_PLAN_SUBMITTED = "final_plan_submitted"
MANAGER_RELEASE = "manager_release"


class ReleaseCondition(models.TextChoices):
    NONE = "", "None"
    FINAL_PLAN_SUBMITTED = FINAL_PLAN_SUBMITTED, "Final operational plan submitted"
    # Making it Happen comes after the plan: its balance waits for the first year's review.
    MANAGER_RELEASE = MANAGER_RELEASE, "A programme manager releases it after the first year"


class Award(models.Model):
    # The statuses are the award workflow's states (grants/workflows.py), declared there once.
    Status = AwardStatus
    workflow = AWARD

    area = models.ForeignKey("programmes.Area", on_delete=models.PROTECT, related_name="awards")
    stage = models.CharField(max_length=30, choices=Stage.choices)
    amount = models.DecimalField(**MONEY)
    awarded_on = models.DateField(default=timezone.localdate)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.LIVE)
    awarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reason = models.TextField(blank=True)
    imported = models.BooleanField(default=False)
    # Sum of the award's payments that are not cancelled. Kept by the services under the award's
    # row lock so the database itself can refuse a schedule that pays out more than was awarded.
    total_scheduled = models.DecimalField(**MONEY, default=Decimal("0"), editable=False)
    cancelled_reason = models.TextField(blank=True)
    # The grant's planned end date when a variation has moved it (grants/variations); empty: the
    # round's end, as before (``ends``).
    ends_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-awarded_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["area", "stage"],
                condition=~Q(status="cancelled"),
                name="one_live_award_per_area_and_stage",
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="award_amount_positive"),
            models.CheckConstraint(
                condition=Q(total_scheduled__gte=0) & Q(total_scheduled__lte=F("amount")),
                name="award_payments_never_exceed_amount",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["live", "cancelled"]), name="award_status_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["area", "stage"]),
            # The few awards that are not live, so "payable now" can leave out their payments
            # without reading every award (grants.selectors.payable_now).
            models.Index(fields=["id"], condition=~Q(status="live"), name="award_not_live_idx"),
        ]

    def __str__(self):
        return f"{self.area.reference} · {self.get_stage_display()} · {pounds(self.amount)}"

    def get_absolute_url(self):
        return reverse("grants:award_detail", args=[self.pk])

    @property
    def is_live(self):
        return self.status == self.Status.LIVE

    @property
    def ends(self):
        """The grant's planned end: as varied, or the round's end."""
        return self.ends_on or self.area.round.ends_on


class Payment(models.Model):
    class Kind(models.TextChoices):
        ADVANCE = "advance", "Advance"
        RETENTION = "retention", "Retention"
        INSTALMENT = "instalment", "Instalment"

    # The statuses are the payment workflow's states (grants/workflows.py), declared there once.
    Status = PaymentStatus
    workflow = PAYMENT

    award = models.ForeignKey(Award, on_delete=models.PROTECT, related_name="payments")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.ADVANCE)
    amount = models.DecimalField(**MONEY)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SCHEDULED)
    release_condition = models.CharField(
        max_length=40, choices=ReleaseCondition.choices, blank=True, default=""
    )
    due_on = models.DateField(null=True, blank=True)
    released_at = models.DateTimeField(null=True, blank=True)
    # Who put the payment on the schedule; empty when the workflow did (an award decision's
    # schedule, a released retention). Four eyes: this person never approves it.
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # The (first) approver; over the programme's threshold a second, different approver too.
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    second_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    second_approved_at = models.DateTimeField(null=True, blank=True)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    paid_at = models.DateTimeField(null=True, blank=True)
    paid_on = models.DateField(null=True, blank=True)
    # The bank account the money went to, recorded by the pay service (banking's confirmed
    # account for the organisation at that moment): a later change never rewrites where it went.
    paid_to = models.ForeignKey(
        "banking.BankAccount",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="payments",
    )
    reference = models.CharField(
        max_length=60,
        blank=True,
        help_text="Payment reference, e.g. the BACS run.",
        validators=[single_line_text],
    )
    cancelled_reason = models.TextField(blank=True)
    # Why money was scheduled on an award that has a payment cancelled after it was approved
    # (required then, by payment_add): cancelling approved money and paying it again is shown on
    # the finance list with both reasons.
    rescheduled_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["award", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(
                condition=(Q(status="paid") & Q(paid_on__isnull=False))
                | (~Q(status="paid") & Q(paid_on__isnull=True)),
                name="payment_paid_on_iff_paid",
            ),
            models.CheckConstraint(
                condition=Q(
                    status__in=[
                        "scheduled",
                        "held",
                        "approved",
                        "paid",
                        "cancelled",
                        "approved_once",
                    ]
                ),
                name="payment_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status="held") | ~Q(release_condition=""),
                name="held_payment_has_release_condition",
            ),
            # Four eyes, in the database too: the second approver is never the first.
            models.CheckConstraint(
                condition=Q(second_approved_by__isnull=True)
                | ~Q(second_approved_by=F("approved_by")),
                name="payment_second_approver_differs",
            ),
        ]
        indexes = [
            models.Index(fields=["status"]),
            # What is payable now (grants.workflows.PAYABLE_STATUSES), in due order: My work's
            # first payments to approve or pay walk it and stop after a page, instead of joining
            # every payable payment to its area to sort them (23 ms -> under 1 ms at 20,000 areas).
            models.Index(
                fields=["due_on", "id"],
                condition=Q(status__in=["scheduled", "approved_once", "approved"]),
                name="payment_payable_due_idx",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {pounds(self.amount)} ({self.get_status_display()})"

    def get_absolute_url(self):
        # A payment is shown, and acted on, on its award's page.
        return reverse("grants:award_detail", args=[self.award_id])

    @property
    def second_approval_over(self) -> Decimal | None:
        """The programme's threshold above which this payment needs two approvers."""
        return self.award.area.round.programme.payments_second_approval_over

    @property
    def approved_on(self):
        """The day the payment was (finally) approved, or None."""
        when = self.second_approved_at or self.approved_at
        return timezone.localdate(when) if when else None

    @property
    def is_overdue(self) -> bool:
        """Still to pay and its due date has passed."""
        return (
            self.status in PAYABLE_STATUSES
            and self.due_on is not None
            and self.due_on < timezone.localdate()
        )

    @property
    def release_note(self) -> str:
        """What a held payment waits for, to show beside its badge: "until final operational
        plan submitted"."""
        if self.status == self.Status.HELD and self.release_condition:
            return f"until {self.get_release_condition_display().lower()}"
        return ""


# Offers and budgets live in their own modules; imported here so Django registers their models
# with the grants app.
from .budgets.models import BudgetLine, BudgetOverride  # noqa: E402, F401
from .offers.models import GrantOffer  # noqa: E402, F401
from .variations.models import Variation, VariationChange  # noqa: E402, F401
