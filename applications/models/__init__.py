"""Applications to join a round, their assessment, and stage-gate applications with their
decisions and deadline extensions. Status fields are written only by applications.services,
after the workflow (applications/workflows.py) allows the move; their choices are the workflow's
states, declared there once."""

from decimal import Decimal
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse

from core.storage import private_storage as core_private_storage
from core.uploads import stored_name
from core.validators import single_line_text
from programmes.models import (
    Approach,
    AreaType,
    GeoCodeType,
    Involvement,
    PartnerType,
    Stage,
)

from ..workflows import APPLICATION, GATE, ApplicationStatus, GateStatus

MONEY = {"max_digits": 12, "decimal_places": 2}
EVIDENCE_EXTENSIONS = ["pdf", "docx", "xlsx", "odt"]
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024


# Kept for the migrations that name it; evidence is in the one private storage, served only by
# `gate_evidence`, after a scope check.
private_storage = core_private_storage


def validate_evidence_size(file):
    # Kept for migration 0001; uploads are checked by core.uploads.check_upload.
    if file.size > EVIDENCE_MAX_BYTES:
        raise ValidationError("The file is too large: the limit is 10 MB.")


def evidence_path(instance, filename):
    # A generated name: the user's file name is kept only as display text (`<field>_name`).
    suffix = PurePath(filename).suffix.lower().lstrip(".") or "bin"
    return stored_name(f"gates/{instance.area_id}", suffix)


class RoundAssessmentSettings(models.Model):
    """A round's score scale for assessing applications to join."""

    round = models.OneToOneField(
        "programmes.Round", on_delete=models.CASCADE, related_name="assessment_settings"
    )
    score_min = models.PositiveSmallIntegerField(default=0)
    score_max = models.PositiveSmallIntegerField(default=5)
    # Moderation flags an application whose assessors' totals differ by more than this share of
    # the highest total possible (the round's top score times its criteria).
    moderation_gap_percent = models.PositiveSmallIntegerField(
        "moderation threshold (%)",
        default=20,
        help_text="Flag an application when its assessors' total scores differ by more than "
        "this percentage of the highest total possible.",
    )

    class Meta:
        verbose_name_plural = "round assessment settings"
        constraints = [
            models.CheckConstraint(
                condition=Q(score_max__gt=models.F("score_min")), name="score_scale_valid"
            ),
            models.CheckConstraint(
                condition=Q(moderation_gap_percent__lte=100), name="moderation_gap_a_percentage"
            ),
        ]

    def __str__(self):
        return f"{self.round}: scores {self.score_min} to {self.score_max}"


class AssessmentCriterion(models.Model):
    round = models.ForeignKey(
        "programmes.Round", on_delete=models.CASCADE, related_name="assessment_criteria"
    )
    name = models.CharField(max_length=200, validators=[single_line_text])
    guidance = models.TextField(blank=True)
    weight = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal("1"))
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["round", "order", "name"]
        verbose_name_plural = "assessment criteria"
        constraints = [
            models.UniqueConstraint(fields=["round", "name"], name="criterion_name_once"),
            models.CheckConstraint(condition=Q(weight__gt=0), name="criterion_weight_positive"),
        ]

    def __str__(self):
        return self.name


class Recommendation(models.TextChoices):
    ADMIT = "admit", "Admit"
    REJECT = "reject", "Reject"
    UNDECIDED = "", "No recommendation yet"


class Application(models.Model):
    """A lead organisation's application for its neighbourhood to join a round."""

    workflow = APPLICATION  # for {% status_badge application %}

    round = models.ForeignKey(
        "programmes.Round", on_delete=models.PROTECT, related_name="applications"
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="applications"
    )
    organisation = models.ForeignKey(
        "programmes.Organisation", on_delete=models.PROTECT, related_name="applications"
    )
    area_name = models.CharField(
        "neighbourhood name", max_length=200, validators=[single_line_text]
    )
    local_authority = models.CharField(
        "local authority district", max_length=120, blank=True, validators=[single_line_text]
    )
    area_type = models.CharField(
        max_length=20, choices=AreaType.choices, default=AreaType.URBAN, blank=True
    )
    geo_code = models.CharField(
        "geographic code", max_length=20, blank=True, validators=[single_line_text]
    )
    geo_code_type = models.CharField(
        "geographic code type", max_length=10, choices=GeoCodeType.choices, blank=True
    )
    themes = models.ManyToManyField(
        "programmes.Theme", through="ApplicationTheme", related_name="applications"
    )
    approach = models.CharField(max_length=20, choices=Approach.choices, blank=True)
    issues = models.TextField("the issues you want to tackle, and why", blank=True)
    services_involved = models.TextField("the public services involved", blank=True)
    expected_outcomes = models.TextField("what you expect to change", blank=True)
    status = models.CharField(
        max_length=20,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.DRAFT,
        editable=False,
    )
    recommendation = models.CharField(
        max_length=10, choices=Recommendation.choices, blank=True, default=""
    )
    recommendation_notes = models.TextField(blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True, editable=False)
    decided_at = models.DateTimeField(null=True, blank=True, editable=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    decision_reasons = models.TextField(blank=True)
    area = models.OneToOneField(
        "programmes.Area",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="application",
        editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-submitted_at", "-created_at"]
        indexes = [
            models.Index(fields=["round", "status"]),
            # The assessment queue's "waiting for a decision", oldest first (My work reads its
            # first few): read in order from this small index instead of sorting every open one.
            models.Index(
                fields=["submitted_at", "id"],
                condition=Q(status__in=["submitted", "under_assessment"]),
                name="application_open_by_sent",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in ApplicationStatus]),
                name="application_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(area__isnull=True) | Q(status=ApplicationStatus.ADMITTED),
                name="only_admitted_application_has_area",
            ),
            models.CheckConstraint(
                condition=Q(geo_code="") | ~Q(geo_code_type=""),
                name="application_geo_code_has_type",
            ),
        ]

    def __str__(self):
        return f"{self.area_name} ({self.organisation})"

    def get_absolute_url(self):
        return reverse("applications:application_detail", args=[self.pk])

    @property
    def applicant_status_label(self):
        return self.workflow.label(self.status, for_applicant=True)

    def clean(self):
        if self.geo_code and not self.geo_code_type:
            raise ValidationError({"geo_code_type": "Say what kind of code this is."})


class ApplicationTheme(models.Model):
    """Position 1 to 3, unique per application: "at most three themes" is a database rule."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="application_themes"
    )
    theme = models.ForeignKey("programmes.Theme", on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["application", "position"]
        constraints = [
            models.UniqueConstraint(fields=["application", "theme"], name="application_theme_once"),
            models.UniqueConstraint(
                fields=["application", "position"], name="application_theme_position_once"
            ),
            models.CheckConstraint(
                condition=Q(position__gte=1) & Q(position__lte=3),
                name="application_at_most_three_themes",
            ),
        ]

    def __str__(self):
        return f"{self.position}. {self.theme}"


class ApplicationPartner(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="partners")
    name = models.CharField("organisation name", max_length=200, validators=[single_line_text])
    partner_type = models.CharField("type", max_length=20, choices=PartnerType.choices)
    involvement = models.CharField(
        max_length=20, choices=Involvement.choices, default=Involvement.SUPPORTING
    )

    class Meta:
        ordering = ["application", "id"]

    def __str__(self):
        return self.name


class AssessmentScore(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(
        AssessmentCriterion, on_delete=models.PROTECT, related_name="scores"
    )
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    score = models.PositiveSmallIntegerField()
    comment = models.TextField(blank=True)
    scored_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["criterion__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "criterion", "assessor"], name="score_once_per_assessor"
            )
        ]

    def __str__(self):
        return f"{self.criterion}: {self.score}"


class GateStage(models.TextChoices):
    """The stages an area applies for at a gate."""

    GETTING_GOING = Stage.GETTING_GOING.value, Stage.GETTING_GOING.label
    GOING_FURTHER = Stage.GOING_FURTHER.value, Stage.GOING_FURTHER.label
    BREAKING_NEW_GROUND = Stage.BREAKING_NEW_GROUND.value, Stage.BREAKING_NEW_GROUND.label
    MAKING_IT_HAPPEN = Stage.MAKING_IT_HAPPEN.value, Stage.MAKING_IT_HAPPEN.label


class GateApplication(models.Model):
    """An area's application to move to (or top up at) a stage, with its evidence and decision."""

    workflow = GATE  # for {% status_badge gate %}

    area = models.ForeignKey(
        "programmes.Area", on_delete=models.CASCADE, related_name="gate_applications"
    )
    target_stage = models.CharField(max_length=30, choices=GateStage.choices)
    amount_requested = models.DecimalField(**MONEY)
    milestone = models.ForeignKey(
        "programmes.Milestone",
        on_delete=models.PROTECT,
        related_name="gate_applications",
        help_text="The round milestone this application answers to.",
    )
    summary = models.TextField(
        "summary of the evidence", blank=True, help_text="What you have done and what comes next."
    )
    development_strategy = models.FileField(
        upload_to=evidence_path, storage=core_private_storage, blank=True, max_length=300
    )
    development_strategy_name = models.CharField(
        max_length=255, blank=True, editable=False, validators=[single_line_text]
    )
    logic_model = models.FileField(
        upload_to=evidence_path, storage=core_private_storage, blank=True, max_length=300
    )
    logic_model_name = models.CharField(
        max_length=255, blank=True, editable=False, validators=[single_line_text]
    )
    status = models.CharField(
        max_length=20, choices=GateStatus.choices, default=GateStatus.DRAFT, editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    submitted_at = models.DateTimeField(null=True, blank=True, editable=False)
    amount_approved = models.DecimalField(**MONEY, null=True, blank=True, editable=False)
    cba_required = models.BooleanField("cost benefit analysis required", default=False)
    extra_adviser_days = models.DecimalField(
        max_digits=4, decimal_places=1, default=Decimal("0"), editable=False
    )
    decision_reasons = models.TextField(blank=True)
    decided_at = models.DateTimeField(null=True, blank=True, editable=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-submitted_at", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in GateStatus]), name="gate_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(amount_requested__gte=0), name="gate_amount_positive"
            ),
            models.CheckConstraint(
                condition=Q(amount_approved__isnull=True) | Q(status=GateStatus.APPROVED),
                name="gate_amount_approved_only_when_approved",
            ),
            models.CheckConstraint(
                condition=Q(extra_adviser_days__gte=0) & Q(extra_adviser_days__lte=5),
                name="gate_extra_days_at_most_five",
            ),
            # One approved gate per area and stage: a second award for the same stage is a bug.
            models.UniqueConstraint(
                fields=["area", "target_stage"],
                condition=Q(status=GateStatus.APPROVED),
                name="one_approved_gate_per_stage",
            ),
        ]
        indexes = [
            # The stage-gate queue by status, in order of sending: My work reads the oldest few,
            # the queue's default page the newest 25 (the same index read backwards).
            models.Index(fields=["status", "submitted_at", "id"], name="gate_status_sent"),
            # The programme figures (reports.metrics, reports.drop_out) read the areas with a
            # Getting Going gate sent, approved or pending: an index-only scan of this instead of
            # the whole table, whose rows carry the application's text. (Key columns, not
            # INCLUDE, which SQLite would warn about and ignore.)
            models.Index(
                fields=["area", "status", "submitted_at", "cba_required"],
                condition=Q(target_stage=GateStage.GETTING_GOING),
                name="gate_getting_going_area_idx",
            ),
        ]

    def __str__(self):
        return f"{self.area.reference}: {self.get_target_stage_display()}"

    def get_absolute_url(self):
        return reverse("applications:gate_detail", args=[self.pk])

    @property
    def applicant_status_label(self):
        return self.workflow.label(self.status, for_applicant=True)


class DeadlineExtension(models.Model):
    """A programme manager's permission for one area to answer a milestone late."""

    area = models.ForeignKey(
        "programmes.Area", on_delete=models.CASCADE, related_name="deadline_extensions"
    )
    milestone = models.ForeignKey(
        "programmes.Milestone", on_delete=models.CASCADE, related_name="extensions"
    )
    new_due_on = models.DateField("new deadline")
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField()
    granted_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["area", "milestone__due_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["area", "milestone"], name="one_extension_per_milestone"
            )
        ]

    def __str__(self):
        return f"{self.area.reference}: {self.milestone.name} extended to {self.new_due_on}"


# --- Assessors and conflicts of interest (GovS 015) ----------------------------------------------


# Assessors and their declarations of interest (GovS 015): a concept of their own.
from .assessors import (  # noqa: E402, F401  (the app's models, found here as ever)
    ONE_SUBJECT,
    AssessorAssignment,
    AssessorStatus,
    ConflictDeclaration,
    Declaration,
    Subject,
    SubjectMixin,
)
