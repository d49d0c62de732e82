"""A variation of an award: a lead organisation's request to change the grant agreement (more
time, money moved between payments, a changed amount), with reasons, and its decision.

One request may carry several changes (``VariationChange`` rows). "Budget lines" here are the
award's payments by financial year: the round's budget (grants/budgets) counts an award's
money in the financial year each payment is due, so moving money from one payment to another (or
to a new instalment due later) moves it between the budget's financial-year lines.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse

from core.money import pounds
from programmes.models import MONEY

from .workflows import VARIATION, VariationStatus


class Variation(models.Model):
    Status = VariationStatus
    workflow = VARIATION

    award = models.ForeignKey("grants.Award", on_delete=models.PROTECT, related_name="variations")
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.REQUESTED, db_index=True
    )
    reasons = models.TextField()
    # The money the variation changes (added or taken away, plus moved), fixed when it is asked
    # for: what the programme's co-signature threshold is compared with.
    money = models.DecimalField(**MONEY, default=Decimal("0"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    requested_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    cosigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    cosigned_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    refused_reason = models.TextField(blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    # The offer version an approved variation reissued, for the lead organisation to accept.
    offer = models.ForeignKey(
        "grants.GrantOffer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="variations",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    status__in=["requested", "awaiting_cosign", "approved", "refused", "withdrawn"]
                ),
                name="variation_status_valid",
            ),
            models.CheckConstraint(condition=Q(money__gte=0), name="variation_money_not_negative"),
            models.UniqueConstraint(
                fields=["award"],
                condition=Q(status__in=["requested", "awaiting_cosign"]),
                name="one_open_variation_per_award",
            ),
            # Nobody decides or co-signs their own request, and the co-signer is not the decider.
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=F("requested_by")),
                name="variation_decider_not_requester",
            ),
            models.CheckConstraint(
                condition=Q(cosigned_by__isnull=True)
                | (~Q(cosigned_by=F("decided_by")) & ~Q(cosigned_by=F("requested_by"))),
                name="variation_cosigner_differs",
            ),
        ]

    def __str__(self):
        return f"Variation {self.reference} of {self.award}"

    def get_absolute_url(self):
        return reverse("grants:variation_detail", args=[self.pk])

    @property
    def reference(self) -> str:
        return f"V{self.pk}"

    @property
    def cosign_over(self) -> Decimal | None:
        return self.award.area.round.programme.variation_cosign_over

    @property
    def needs_cosign(self) -> bool:
        limit = self.cosign_over
        return limit is not None and self.money > limit

    @property
    def is_open(self) -> bool:
        return self.status in ("requested", "awaiting_cosign")


class VariationChange(models.Model):
    class Kind(models.TextChoices):
        TIME = "time", "More time"
        MOVE = "move", "Move money"
        AMOUNT = "amount", "Change the amount"

    variation = models.ForeignKey(Variation, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    # TIME: the payment whose due date moves (empty: the grant's end date). MOVE: the payment the
    # money comes from. AMOUNT: the payment that takes the difference (empty: a new instalment).
    payment = models.ForeignKey(
        "grants.Payment", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # MOVE: the payment the money goes to (empty: a new instalment due `new_date`).
    to_payment = models.ForeignKey(
        "grants.Payment", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # MOVE: the money moved. AMOUNT: the new award amount.
    amount = models.DecimalField(**MONEY, null=True, blank=True)
    # TIME: the new date. MOVE / AMOUNT: the due date of a new instalment.
    new_date = models.DateField(null=True, blank=True)
    # What it was when asked for, so the record reads "from ... to ..." after the change.
    old_date = models.DateField(null=True, blank=True)
    old_amount = models.DecimalField(**MONEY, null=True, blank=True)

    class Meta:
        ordering = ["variation", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["time", "move", "amount"]), name="variation_change_kind"
            ),
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gt=0),
                name="variation_change_amount_positive",
            ),
            models.CheckConstraint(
                condition=~Q(kind="time") | Q(new_date__isnull=False),
                name="variation_time_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(kind="move") | (Q(payment__isnull=False) & Q(amount__isnull=False)),
                name="variation_move_has_source_and_amount",
            ),
            models.CheckConstraint(
                condition=~Q(kind="amount") | Q(amount__isnull=False),
                name="variation_amount_has_amount",
            ),
        ]

    def __str__(self):
        return self.describe()

    def describe(self) -> str:
        """The change in words, as the lead organisation and the programme read it."""
        if self.kind == self.Kind.TIME:
            what = (
                f"{self.payment.get_kind_display().lower()} payment of "
                f"{pounds(self.payment.amount)} due"
                if self.payment_id
                else "grant end date"
            )
            old = f" from {self.old_date:%-d %b %Y}" if self.old_date else ""
            return f"Move the {what}{old} to {self.new_date:%-d %b %Y}"
        if self.kind == self.Kind.MOVE:
            src = self.payment
            dest = (
                f"the {self.to_payment.get_kind_display().lower()} payment"
                + (f" due {self.to_payment.due_on:%-d %b %Y}" if self.to_payment.due_on else "")
                if self.to_payment_id
                else "a new instalment"
                + (f" due {self.new_date:%-d %b %Y}" if self.new_date else "")
            )
            due = f" due {src.due_on:%-d %b %Y}" if src.due_on else ""
            return (
                f"Move {pounds(self.amount)} from the {src.get_kind_display().lower()} "
                f"payment{due} to {dest}"
            )
        old = f" from {pounds(self.old_amount)}" if self.old_amount is not None else ""
        return f"Change the award{old} to {pounds(self.amount)}"
