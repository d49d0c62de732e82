"""Plan documents for an area: development strategy, logic model, cost benefit analysis and the
operational plan, with its frozen versions, review comments, peer reviews and sign-offs.

Status fields are written only by the services in ``plans/services/``.
"""

import uuid
from pathlib import PurePath

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from core.storage import private_storage
from core.validators import single_line_text
from programmes.models import MONEY

from ..cba import adjusted_benefit
from ..workflows import EDITABLE, PLAN, PlanStatus

User = settings.AUTH_USER_MODEL


class DevelopmentStrategy(models.Model):
    area = models.OneToOneField(
        "programmes.Area", on_delete=models.CASCADE, related_name="development_strategy"
    )
    issues = models.TextField("issues to tackle", blank=True)
    evidence_of_need = models.TextField(blank=True)
    who_engaged = models.TextField("who was engaged", blank=True)
    updated_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "development strategies"

    def __str__(self):
        return f"Development strategy for {self.area.reference}"


class LogicModel(models.Model):
    area = models.OneToOneField(
        "programmes.Area", on_delete=models.CASCADE, related_name="logic_model"
    )
    updated_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"Logic model for {self.area.reference}"


LOGIC_MODEL_COLUMNS = [
    ("inputs", "Inputs"),
    ("activities", "Activities"),
    ("outputs", "Outputs"),
    ("short_term_outcomes", "Short-term outcomes"),
    ("long_term_outcomes", "Long-term outcomes"),
    ("indicators", "Indicators"),
]


class LogicModelRow(models.Model):
    logic_model = models.ForeignKey(LogicModel, on_delete=models.CASCADE, related_name="rows")
    order = models.PositiveSmallIntegerField(default=0)
    inputs = models.TextField(blank=True)
    activities = models.TextField(blank=True)
    outputs = models.TextField(blank=True)
    short_term_outcomes = models.TextField(blank=True)
    long_term_outcomes = models.TextField(blank=True)
    indicators = models.TextField(blank=True)

    class Meta:
        ordering = ["logic_model", "order", "id"]

    def __str__(self):
        return f"Row {self.order}"

    def as_dict(self):
        return {key: getattr(self, key) for key, _ in LOGIC_MODEL_COLUMNS}


class CostBenefitAnalysis(models.Model):
    area = models.OneToOneField("programmes.Area", on_delete=models.CASCADE, related_name="cba")
    discount_rate_pct = models.DecimalField(
        "discount rate (%)",
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text="Copied from the round (Green Book rate).",
    )
    notes = models.TextField(blank=True)
    updated_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "cost benefit analysis"
        verbose_name_plural = "cost benefit analyses"
        constraints = [
            models.CheckConstraint(
                condition=Q(discount_rate_pct__gte=0) & Q(discount_rate_pct__lte=100),
                name="cba_discount_rate_is_percentage",
            )
        ]

    def __str__(self):
        return f"CBA for {self.area.reference}"


class CostLine(models.Model):
    cba = models.ForeignKey(CostBenefitAnalysis, on_delete=models.CASCADE, related_name="costs")
    year = models.PositiveSmallIntegerField(help_text="0 is the first year (not discounted).")
    description = models.CharField(max_length=300, validators=[single_line_text])
    amount = models.DecimalField(**MONEY, validators=[MinValueValidator(0)])
    borne_by = models.CharField("who bears it", max_length=200, validators=[single_line_text])

    class Meta:
        ordering = ["cba", "year", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(year__gte=0), name="cost_line_year_not_negative"),
            models.CheckConstraint(
                condition=Q(amount__gte=0), name="cost_line_amount_not_negative"
            ),
        ]

    def __str__(self):
        return f"Year {self.year}: {self.description}"


class BenefitType(models.TextChoices):
    FISCAL = "fiscal", "Fiscal"
    ECONOMIC = "economic", "Economic"
    SOCIAL = "social", "Social"


class BenefitLine(models.Model):
    cba = models.ForeignKey(CostBenefitAnalysis, on_delete=models.CASCADE, related_name="benefits")
    year = models.PositiveSmallIntegerField()
    description = models.CharField(max_length=300, validators=[single_line_text])
    amount = models.DecimalField(**MONEY, validators=[MinValueValidator(0)])
    benefit_type = models.CharField(max_length=20, choices=BenefitType.choices)
    agency = models.CharField(
        "agency that gains", max_length=200, blank=True, validators=[single_line_text]
    )
    evidence_source = models.CharField(max_length=300, blank=True, validators=[single_line_text])
    optimism_bias_pct = models.DecimalField(
        "optimism bias (%)",
        max_digits=5,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text="The benefit is reduced by this share to correct for optimism.",
    )

    class Meta:
        ordering = ["cba", "year", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(year__gte=0), name="benefit_line_year_not_negative"),
            models.CheckConstraint(
                condition=Q(amount__gte=0), name="benefit_line_amount_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(optimism_bias_pct__gte=0) & Q(optimism_bias_pct__lte=100),
                name="benefit_optimism_bias_is_percentage",
            ),
            models.CheckConstraint(
                condition=Q(benefit_type__in=[c.value for c in BenefitType]),
                name="benefit_type_valid",
            ),
        ]

    def __str__(self):
        return f"Year {self.year}: {self.description}"

    @property
    def forecast(self):
        """The benefit the analysis counts: the amount after its optimism bias. Every page that
        shows a benefit line's forecast shows this one figure (plans.cba does the arithmetic)."""
        return adjusted_benefit(self.amount, self.optimism_bias_pct or 0)


PLAN_SECTIONS = [
    ("issues_and_why", "Issues and why"),
    ("service_changes", "Proposed service changes"),
    ("money_differently", "How public money will be used differently"),
    ("governance", "Governance"),
    ("resourcing", "Resourcing assumptions"),
    ("risks", "Risks"),
    ("timetable", "Timetable"),
]
SECTION_LABELS = dict(PLAN_SECTIONS)


class OperationalPlan(models.Model):
    workflow = PLAN  # its states, moves and labels; {% status_badge plan %} reads it

    area = models.OneToOneField(
        "programmes.Area", on_delete=models.CASCADE, related_name="operational_plan"
    )
    status = models.CharField(
        max_length=20, choices=PlanStatus.choices, default=PlanStatus.DRAFT, editable=False
    )
    version_number = models.PositiveIntegerField(
        default=0, editable=False, help_text="Number of the latest frozen version."
    )
    issues_and_why = models.TextField("issues and why", blank=True)
    service_changes = models.TextField("proposed service changes", blank=True)
    money_differently = models.TextField("how public money will be used differently", blank=True)
    governance = models.TextField(blank=True)
    resourcing = models.TextField("resourcing assumptions", blank=True)
    risks = models.TextField(blank=True)
    timetable = models.TextField(blank=True)
    submitted_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    submitted_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The latest final submission: the review clock runs from here.
    final_submitted_at = models.DateTimeField(null=True, blank=True, editable=False)
    decided_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    decided_at = models.DateTimeField(null=True, blank=True, editable=False)
    decision_reason = models.TextField(blank=True, editable=False)
    # Set the first time a final plan is submitted, so the held payment is released once only.
    retention_released_at = models.DateTimeField(null=True, blank=True, editable=False)
    overdue_flagged_at = models.DateTimeField(null=True, blank=True, editable=False)
    updated_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in PlanStatus]), name="plan_status_valid"
            )
        ]
        indexes = [
            models.Index(fields=["status", "final_submitted_at"]),
            # The review queue (plans awaiting review, oldest final submission first) in order,
            # so its first page stops after a few rows instead of sorting every one.
            models.Index(
                fields=["final_submitted_at", "id"],
                condition=Q(
                    status__in=["final_submitted", "funder_approved", "pm_approved", "under_review"]
                ),
                name="plan_awaiting_review_by_sent",
            ),
            # The programme figures (reports.metrics, reports.drop_out) read which areas' plans
            # were submitted, signed off or refused: an index-only scan of this instead of the
            # whole table, whose rows carry the plan's text.
            models.Index(
                fields=["area", "status", "final_submitted_at"], name="plan_area_status_idx"
            ),
        ]

    def __str__(self):
        return f"Operational plan for {self.area.reference}"

    def get_absolute_url(self):
        return reverse("plans:workspace", args=[self.area.reference])

    def get_absolute_url_for(self, user):
        """Reviewers (programme managers, funder officers) act on the review page; everyone
        else reads the plan in the area's workspace. Notifications link here."""
        from ..permissions import can_review_plans

        if can_review_plans(user)[0]:
            return reverse("plans:review", args=[self.area.reference])
        return self.get_absolute_url()

    @property
    def is_editable(self):
        return self.status in EDITABLE


class BudgetKind(models.TextChoices):
    ALIGNED = "aligned", "Aligned"
    POOLED = "pooled", "Pooled"
    DEVOLVED = "devolved", "Devolved"


class BudgetArrangement(models.Model):
    plan = models.ForeignKey(
        OperationalPlan, on_delete=models.CASCADE, related_name="budget_arrangements"
    )
    kind = models.CharField(max_length=20, choices=BudgetKind.choices)
    partner_name = models.CharField("partner", max_length=200, validators=[single_line_text])
    amount = models.DecimalField(**MONEY, validators=[MinValueValidator(0)])
    description = models.CharField(max_length=500, blank=True, validators=[single_line_text])

    class Meta:
        ordering = ["plan", "kind", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="budget_amount_not_negative"),
            models.CheckConstraint(
                condition=Q(kind__in=[c.value for c in BudgetKind]), name="budget_kind_valid"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} with {self.partner_name}"


class FundingSource(models.TextChoices):
    """The funding sources areas report against (planned here, secured in delivery)."""

    LA_MAINSTREAM = "la_mainstream", "Local authority mainstream money pooled or aligned"
    LA_OTHER = "la_other", "Other local authority money"
    STATUTORY_POOLED = "statutory_pooled", "Other statutory agencies' money, pooled or aligned"
    STATUTORY_OTHER = "statutory_other", "Other statutory agencies' money, not pooled or aligned"
    COMMISSIONED = "commissioned", "Payment for commissioned services"
    EXTERNAL_GRANTS = "external_grants", "External grants (e.g. lottery, charitable trusts)"
    PROGRAMME = "programme", "Money through the programme"
    IN_KIND = "in_kind", "In-kind support (assets, premises, volunteer time)"


class ResourcingLine(models.Model):
    """Planned funding by source and financial year; delivery compares what was secured with it."""

    plan = models.ForeignKey(
        OperationalPlan, on_delete=models.CASCADE, related_name="resourcing_lines"
    )
    source = models.CharField(max_length=30, choices=FundingSource.choices)
    year = models.PositiveSmallIntegerField(
        "financial year starting",
        validators=[MinValueValidator(2000), MaxValueValidator(2100)],
        help_text="The calendar year in which the financial year starts, e.g. 2027 for 2027/28.",
    )
    planned_amount = models.DecimalField(**MONEY, validators=[MinValueValidator(0)])
    notes = models.CharField(max_length=300, blank=True, validators=[single_line_text])

    class Meta:
        ordering = ["plan", "year", "source", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(planned_amount__gte=0), name="resourcing_amount_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(year__gte=2000) & Q(year__lte=2100), name="resourcing_year_sensible"
            ),
            models.CheckConstraint(
                condition=Q(source__in=[c.value for c in FundingSource]),
                name="resourcing_source_valid",
            ),
            models.UniqueConstraint(
                fields=["plan", "source", "year"], name="resourcing_once_per_source_and_year"
            ),
        ]

    def __str__(self):
        return f"{self.get_source_display()} {self.year}/{(self.year + 1) % 100:02d}"

    @property
    def year_label(self):
        return f"{self.year}/{(self.year + 1) % 100:02d}"


ALLOWED_ATTACHMENT_TYPES = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".odt": "application/vnd.oasis.opendocument.text",
}
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024


def attachment_path(instance, filename):
    # A random name: the original is kept in `filename`, the stored path cannot be guessed.
    suffix = PurePath(filename).suffix.lower()
    return f"plans/{instance.area_id}/{uuid.uuid4().hex}{suffix}"


class PlanAttachment(models.Model):
    """A supporting document for the development strategy or the operational plan, kept in private
    storage and served only by a view that checks the user may see the area."""

    class Document(models.TextChoices):
        STRATEGY = "strategy", "Development strategy"
        PLAN = "plan", "Operational plan"

    area = models.ForeignKey(
        "programmes.Area", on_delete=models.CASCADE, related_name="plan_attachments"
    )
    document = models.CharField(max_length=20, choices=Document.choices, default=Document.PLAN)
    title = models.CharField(max_length=200, validators=[single_line_text])
    file = models.FileField(upload_to=attachment_path, storage=private_storage, max_length=300)
    filename = models.CharField(max_length=255, validators=[single_line_text])
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["area", "document", "-uploaded_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(size__lte=MAX_ATTACHMENT_BYTES), name="plan_attachment_size_limit"
            )
        ]

    def __str__(self):
        return self.title

    @property
    def content_type(self):
        return ALLOWED_ATTACHMENT_TYPES.get(PurePath(self.filename).suffix.lower(), "")


class PlanVersion(models.Model):
    class Kind(models.TextChoices):
        DRAFT = "draft", "Draft"
        FINAL = "final", "Final"

    plan = models.ForeignKey(OperationalPlan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    kind = models.CharField(max_length=10, choices=Kind.choices)
    content = models.JSONField(
        help_text="Frozen copy of the sections, budgets, resourcing and logic model rows."
    )
    submitted_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField()

    class Meta:
        ordering = ["plan", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="plan_version_number_once"),
            models.CheckConstraint(condition=Q(number__gte=1), name="plan_version_number_positive"),
        ]

    def __str__(self):
        return f"Version {self.number} ({self.get_kind_display().lower()})"


class SectionComment(models.Model):
    """A reviewer's comment on one section when a plan is returned for changes, and the lead
    organisation's answer to it."""

    plan = models.ForeignKey(OperationalPlan, on_delete=models.CASCADE, related_name="comments")
    version = models.ForeignKey(
        PlanVersion, on_delete=models.CASCADE, related_name="comments", null=True, blank=True
    )
    section = models.CharField(max_length=40)
    comment = models.TextField()
    author = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # The lead organisation's answer, written beside the comment while the plan is returned.
    response = models.TextField("answer", blank=True)
    responded_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["plan", "-created_at", "id"]

    def __str__(self):
        return f"{self.section_label}: {self.comment[:40]}"

    @property
    def section_label(self):
        from ..services.review import section_label  # the services import this module

        return section_label(self.section)


# Concepts in modules of their own: the plan editor's unsaved drafts, the outcome indicators
# beside the logic model, and the decisions on a plan other than the programme's review (peer
# reviews and sign-offs). Imported here so that every model is found as plans.models.X.
from ..drafts import PlanSectionDraft  # noqa: E402, F401
from ..indicators import IndicatorDirection, IndicatorUnit, OutcomeIndicator  # noqa: E402, F401
from .decisions import (  # noqa: E402, F401
    PeerReview,
    PeerReviewAssignment,
    ReminderSent,
    SignOff,
    SignOffParty,
)
