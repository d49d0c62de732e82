"""Grant closure (GovS 015): when an area's work is done, or it leaves the programme, its grant
is closed. One ``GrantClosure`` per area holds the final report (a ``delivery.ProgressReturn`` of
kind "final", so it has the returns' review and comments) and one ``AwardReconciliation`` per
award (awarded and paid from grants, spent as the programme reconciles it); money paid and not
spent is ``UnspentMoney``, to be returned or written off with a second approval. Written only by
``closure/services.py``."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse

from programmes.models import MONEY

from .workflows import CLOSURE, UNSPENT, ClosureStatus, UnspentStatus

User = settings.AUTH_USER_MODEL


class GrantClosure(models.Model):
    workflow = CLOSURE
    Status = ClosureStatus

    area = models.OneToOneField("programmes.Area", on_delete=models.PROTECT, related_name="closure")
    status = models.CharField(
        max_length=20, choices=ClosureStatus.choices, default=ClosureStatus.CLOSING, editable=False
    )
    final_report = models.OneToOneField(
        "delivery.ProgressReturn",
        on_delete=models.PROTECT,
        related_name="closure",
        null=True,
        blank=True,
        editable=False,
    )
    started_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    started_at = models.DateTimeField(editable=False)
    closed_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)
    correction_reason = models.TextField(blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in ClosureStatus]),
                name="closure_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status="closed") | Q(closed_at__isnull=False),
                name="closure_closed_has_date",
            ),
        ]

    def __str__(self):
        return f"{self.area.reference} grant closure"

    def get_absolute_url(self):
        return reverse("closure:area_closure", args=[self.area.reference])


class AwardReconciliation(models.Model):
    """One award's figures at closure: awarded and paid come from grants (read, never copied
    except at close, when they are frozen in ``awarded`` and ``paid``), spent is recorded here
    from the final report."""

    closure = models.ForeignKey(
        GrantClosure, on_delete=models.CASCADE, related_name="reconciliations"
    )
    award = models.OneToOneField(
        "grants.Award", on_delete=models.PROTECT, related_name="reconciliation"
    )
    spent = models.DecimalField(**MONEY, null=True, blank=True)
    recorded_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    recorded_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Frozen when the grant is closed, so the closure report of a closed grant never moves.
    awarded = models.DecimalField(**MONEY, null=True, blank=True, editable=False)
    paid = models.DecimalField(**MONEY, null=True, blank=True, editable=False)

    class Meta:
        ordering = ["closure", "award__awarded_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(spent__isnull=True) | Q(spent__gte=0),
                name="reconciliation_spent_not_negative",
            ),
        ]

    def __str__(self):
        return f"{self.award} reconciliation"

    @property
    def is_recorded(self) -> bool:
        return self.spent is not None


class UnspentMoney(models.Model):
    """Money paid on an award and not spent: to be returned by a date (receipts recorded with
    the amount, the day and who recorded it), or written off with a reason and a second
    person's approval."""

    workflow = UNSPENT
    Status = UnspentStatus

    reconciliation = models.OneToOneField(
        AwardReconciliation, on_delete=models.CASCADE, related_name="unspent"
    )
    amount = models.DecimalField(**MONEY)
    status = models.CharField(
        max_length=20,
        choices=UnspentStatus.choices,
        default=UnspentStatus.TO_RETURN,
        editable=False,
    )
    due_on = models.DateField("to be returned by", null=True, blank=True)
    received_amount = models.DecimalField(**MONEY, default=Decimal("0"), editable=False)
    received_on = models.DateField(null=True, blank=True, editable=False)
    received_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    write_off_reason = models.TextField(blank=True, editable=False)
    proposed_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    proposed_at = models.DateTimeField(null=True, blank=True, editable=False)
    approved_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    approved_at = models.DateTimeField(null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["reconciliation", "pk"]
        verbose_name_plural = "unspent money"
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="unspent_amount_positive"),
            models.CheckConstraint(
                condition=Q(received_amount__gte=0) & Q(received_amount__lte=F("amount")),
                name="unspent_received_within_amount",
            ),
            models.CheckConstraint(
                condition=~Q(status="returned") | Q(received_amount=F("amount")),
                name="unspent_returned_in_full",
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in UnspentStatus]),
                name="unspent_status_valid",
            ),
            # Four eyes, in the database too: the approver of a write-off never proposed it.
            models.CheckConstraint(
                condition=Q(approved_by__isnull=True) | ~Q(approved_by=F("proposed_by")),
                name="unspent_write_off_second_approver",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["write_off_proposed", "written_off"])
                | ~Q(write_off_reason=""),
                name="unspent_write_off_has_reason",
            ),
        ]

    def __str__(self):
        return f"Unspent {self.amount} ({self.get_status_display()})"

    def get_absolute_url(self):
        return self.reconciliation.closure.get_absolute_url()

    @property
    def outstanding(self) -> Decimal:
        return self.amount - self.received_amount

    @property
    def written_off_amount(self) -> Decimal:
        return self.amount - self.received_amount if self.status == "written_off" else Decimal(0)
