"""Due diligence on an organisation before money is committed to it (GovS 015): the registers
checked (when, by whom, what was found), its latest accounts and income, its governance documents
with their review dates, the conflicts it declared and a fraud risk rating with its reasons and
mitigations. One programme manager prepares the checklist, a different one confirms it; the
confirmed checklist lasts until ``expires_on``.

An organisation keeps every checklist it has had (the history); the one that counts is its latest
confirmed one (``diligence.selectors.current_for``)."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from core.storage import private_storage
from core.validators import ONE_LINE

from .workflows import DILIGENCE, RISK_DECISION, DiligenceStatus, RiskDecision

OPEN_STATES = (DiligenceStatus.DRAFT, DiligenceStatus.SUBMITTED, DiligenceStatus.RETURNED)


class FraudRisk(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


class DueDiligence(models.Model):
    workflow = DILIGENCE

    organisation = models.ForeignKey(
        "programmes.Organisation", on_delete=models.PROTECT, related_name="due_diligence"
    )
    status = models.CharField(
        max_length=20,
        choices=DiligenceStatus.choices,
        default=DiligenceStatus.DRAFT,
        editable=False,
    )
    # Latest accounts.
    accounts_year_end = models.DateField("latest accounts: year end", null=True, blank=True)
    accounts_income = models.DecimalField(
        "income that year (£)", max_digits=12, decimal_places=2, null=True, blank=True
    )
    accounts_notes = models.TextField("what the accounts show", blank=True)
    # Conflicts the organisation declared (trustees or staff linked to the programme's people).
    conflicts_answered = models.BooleanField("the organisation has answered", default=False)
    conflicts_declared = models.TextField(
        "conflicts declared",
        blank=True,
        help_text="What the organisation declared, or leave blank when it declared none.",
    )
    # Fraud risk.
    fraud_risk = models.CharField(max_length=10, choices=FraudRisk.choices, blank=True)
    fraud_risk_reasons = models.TextField("reasons for the rating", blank=True)
    fraud_mitigations = models.TextField("mitigations", blank=True)
    risk_decision = models.CharField(
        "high-risk decision",
        max_length=20,
        choices=RiskDecision.choices,
        default=RiskDecision.NOT_NEEDED,
        editable=False,
    )
    risk_decision_reason = models.TextField(blank=True, editable=False)
    risk_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    risk_decided_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Who did what.
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True, editable=False)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True, editable=False)
    confirmed_on = models.DateField(null=True, blank=True, editable=False)
    expires_on = models.DateField(null=True, blank=True, editable=False)
    returned_reason = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["organisation", "-created_at"]
        verbose_name = "due diligence checklist"
        constraints = [
            # One checklist in preparation per organisation at a time.
            models.UniqueConstraint(
                fields=["organisation"],
                condition=Q(status__in=[s.value for s in OPEN_STATES]),
                name="diligence_one_open_per_organisation",
            ),
            # A confirmed checklist always says when and until when, and was confirmed by someone.
            models.CheckConstraint(
                condition=~Q(status=DiligenceStatus.CONFIRMED)
                | (
                    Q(confirmed_on__isnull=False)
                    & Q(expires_on__isnull=False)
                    & Q(confirmed_by__isnull=False)
                ),
                name="diligence_confirmed_has_dates",
            ),
            # Four eyes in the database too: nobody confirms their own checklist.
            models.CheckConstraint(
                condition=Q(confirmed_by__isnull=True)
                | Q(prepared_by__isnull=True)
                | ~Q(confirmed_by=models.F("prepared_by")),
                name="diligence_confirmer_is_not_preparer",
            ),
            models.CheckConstraint(
                condition=Q(accounts_income__isnull=True) | Q(accounts_income__gte=0),
                name="diligence_income_not_negative",
            ),
        ]
        indexes = [models.Index(fields=["status", "expires_on"])]

    def __str__(self):
        return f"Due diligence on {self.organisation}"

    def get_absolute_url(self):
        return reverse("diligence:organisation", args=[self.organisation_id])

    def is_expired(self, today: datetime.date) -> bool:
        return self.expires_on is not None and self.expires_on < today

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATES

    def missing_parts(self) -> list[str]:
        """What the checklist still lacks before it can go for confirmation (none: complete).
        Reads the checklist's register checks and documents (prefetched on the page)."""
        missing = []
        org = self.organisation
        registers = {c.register for c in self.register_checks.all()}
        if not registers:
            missing.append("record at least one register check")
        if org.charity_number and RegisterCheck.Register.CHARITY not in registers:
            missing.append("check the charity register")
        if org.company_number and RegisterCheck.Register.COMPANY not in registers:
            missing.append("check the company register")
        if self.accounts_year_end is None or self.accounts_income is None:
            missing.append("record the latest accounts' year end and income")
        kinds = {d.kind for d in self.documents.all()}
        for kind in GovernanceDocument.REQUIRED:
            if kind not in kinds:
                missing.append(f"add the {GovernanceDocument.Kind(kind).label.lower()}")
        if not self.conflicts_answered:
            missing.append(
                "record the conflicts the organisation declared (or that it declared none)"
            )
        if not self.fraud_risk or not self.fraud_risk_reasons.strip():
            missing.append("rate the fraud risk and give the reasons")
        elif self.fraud_risk != FraudRisk.LOW and not self.fraud_mitigations.strip():
            missing.append("say how a medium or high fraud risk is mitigated")
        return missing

    def risk_label(self) -> str:
        return FraudRisk(self.fraud_risk).label if self.fraud_risk else "Not rated"

    def risk_decision_label(self) -> str:
        return RISK_DECISION.label(self.risk_decision)


class RegisterCheck(models.Model):
    """One register looked up for the organisation: which, under what number, when, by whom and
    what was found."""

    class Register(models.TextChoices):
        CHARITY = "charity", "Charity register (Charity Commission or OSCR)"
        COMPANY = "company", "Companies House"
        OTHER = "other", "Other register"

    class Outcome(models.TextChoices):
        CLEAR = "clear", "Found, in good standing"
        CONCERN = "concern", "Found, with concerns"
        NOT_FOUND = "not_found", "Not found"

    diligence = models.ForeignKey(
        DueDiligence, on_delete=models.CASCADE, related_name="register_checks"
    )
    register = models.CharField(max_length=20, choices=Register.choices)
    register_name = models.CharField(
        "register (when other)", max_length=120, blank=True, **ONE_LINE
    )
    identifier = models.CharField("number looked up", max_length=60, **ONE_LINE)
    checked_on = models.DateField()
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    finding = models.TextField("what was found")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["diligence", "register", "-checked_on"]

    def __str__(self):
        return f"{self.get_register_display()} {self.identifier}"

    @property
    def register_label(self) -> str:
        if self.register == self.Register.OTHER and self.register_name:
            return self.register_name
        return self.get_register_display()


def governance_upload_to(instance, filename):  # pragma: no cover - services name the file
    return f"diligence/{instance.diligence_id}/{filename}"


class GovernanceDocument(models.Model):
    """A governance document the organisation supplied, kept in private storage, with the date
    it is next due for review by the organisation."""

    class Kind(models.TextChoices):
        BOARD = "board", "List of board members"
        SAFEGUARDING = "safeguarding", "Safeguarding policy"
        FINANCIAL_CONTROLS = "financial_controls", "Financial controls policy"
        OTHER = "other", "Other governance document"

    REQUIRED = (Kind.BOARD, Kind.SAFEGUARDING, Kind.FINANCIAL_CONTROLS)

    diligence = models.ForeignKey(DueDiligence, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    title = models.CharField(max_length=200, **ONE_LINE)
    file = models.FileField(upload_to=governance_upload_to, storage=private_storage, max_length=300)
    filename = models.CharField(max_length=255, **ONE_LINE)
    size = models.PositiveIntegerField()
    review_on = models.DateField("next review due")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["diligence", "kind", "-uploaded_at"]

    def __str__(self):
        return self.title


class DuplicateFlag(models.Model):
    """A possible duplicate organisation found at sign-up (or by staff): for staff to look at."""

    class Rule(models.TextChoices):
        NAME = "name", "Same name"
        NUMBER = "number", "Same charity or company number"
        DOMAIN = "domain", "Same email domain"

    organisation = models.ForeignKey(
        "programmes.Organisation", on_delete=models.CASCADE, related_name="duplicate_flags"
    )
    matches = models.ForeignKey(
        "programmes.Organisation", on_delete=models.CASCADE, related_name="+"
    )

    class Resolution(models.TextChoices):
        DIFFERENT = "different", "Not the same organisation"
        SAME = "same", "The same organisation"

    rule = models.CharField(max_length=10, choices=Rule.choices)
    flagged_at = models.DateTimeField(auto_now_add=True)
    # Resolved by a programme manager or admin who looked: what they found and why.
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolution = models.CharField(max_length=10, choices=Resolution.choices, blank=True)
    resolution_note = models.CharField(max_length=500, blank=True, **ONE_LINE)

    class Meta:
        ordering = ["-flagged_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "matches", "rule"], name="duplicate_flag_once"
            )
        ]

    def __str__(self):
        return f"{self.organisation} may duplicate {self.matches} ({self.get_rule_display()})"
