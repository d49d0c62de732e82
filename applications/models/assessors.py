"""Assessors and conflicts of interest (GovS 015): a programme manager's assignment of an assessor
to an application, a stage-gate application or a final plan, and each person's declaration."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from ..workflows import ASSESSOR, AssessorStatus

# Programme managers assign assessors to an application to join, a stage-gate application or a
# final plan; before seeing it, the assessor declares any conflict of interest. A conflicted
# assessor cannot score or decide it (applications/permissions.py). Peer reviewers of plans
# declare too, with no assignment here (plans assigns them). Each row names exactly one thing.

ONE_SUBJECT = (
    Q(application__isnull=False, gate__isnull=True, plan__isnull=True)
    | Q(application__isnull=True, gate__isnull=False, plan__isnull=True)
    | Q(application__isnull=True, gate__isnull=True, plan__isnull=False)
)


class Subject(models.TextChoices):
    APPLICATION = "application", "Application to join"
    GATE = "gate", "Stage-gate application"
    PLAN = "plan", "Final operational plan"


class SubjectMixin:
    """What an assignment or declaration is about: one of three things."""

    @property
    def subject(self):
        return self.application or self.gate or self.plan

    def get_subject_kind_display(self) -> str:
        return Subject(self.subject_kind).label

    @property
    def subject_kind(self) -> str:
        if self.application_id:
            return Subject.APPLICATION
        if self.gate_id:
            return Subject.GATE
        return Subject.PLAN


class AssessorAssignment(SubjectMixin, models.Model):
    """A programme manager's assignment of one assessor to one thing; its status (the ASSESSOR
    workflow) says whether the assessor has declared, and what."""

    workflow = ASSESSOR

    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assessor_assignments"
    )
    application = models.ForeignKey(
        "applications.Application",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="assessor_assignments",
    )
    gate = models.ForeignKey(
        "applications.GateApplication",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="assessor_assignments",
    )
    plan = models.ForeignKey(
        "plans.OperationalPlan",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="assessor_assignments",
    )
    status = models.CharField(
        max_length=20,
        choices=AssessorStatus.choices,
        default=AssessorStatus.AWAITING,
        editable=False,
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["assigned_at", "id"]
        constraints = [
            models.CheckConstraint(condition=ONE_SUBJECT, name="assignment_one_subject"),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in AssessorStatus]),
                name="assignment_status_valid",
            ),
            models.UniqueConstraint(
                fields=["assessor", "application"],
                condition=Q(application__isnull=False),
                name="assessor_once_per_application",
            ),
            models.UniqueConstraint(
                fields=["assessor", "gate"],
                condition=Q(gate__isnull=False),
                name="assessor_once_per_gate",
            ),
            models.UniqueConstraint(
                fields=["assessor", "plan"],
                condition=Q(plan__isnull=False),
                name="assessor_once_per_plan",
            ),
        ]
        indexes = [models.Index(fields=["assessor", "status"], name="assignment_assessor_status")]

    def __str__(self):
        return f"{self.assessor} assesses {self.subject}"

    def get_absolute_url(self):
        return self.subject.get_absolute_url()

    def get_absolute_url_for(self, user):
        """Where the assessor acts: a plan's review page for reviewers (plans.models)."""
        subject = self.subject
        getter = getattr(subject, "get_absolute_url_for", None)
        return getter(user) if getter else subject.get_absolute_url()


class Declaration(models.TextChoices):
    NONE = "none", "No conflict of interest"
    CONFLICT = "conflict", "A conflict of interest"


class ConflictDeclaration(SubjectMixin, models.Model):
    """One person's declaration about one thing, made before they see it: the register the
    funder reads. Kept when an assignment is removed."""

    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="conflict_declarations"
    )
    application = models.ForeignKey(
        "applications.Application",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="declarations",
    )
    gate = models.ForeignKey(
        "applications.GateApplication",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="declarations",
    )
    plan = models.ForeignKey(
        "plans.OperationalPlan",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="declarations",
    )
    declaration = models.CharField(max_length=10, choices=Declaration.choices)
    nature = models.TextField("nature of the conflict", blank=True)
    as_peer_reviewer = models.BooleanField(default=False)
    declared_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["declared_at", "id"]
        constraints = [
            models.CheckConstraint(condition=ONE_SUBJECT, name="declaration_one_subject"),
            models.CheckConstraint(
                condition=Q(declaration__in=["none", "conflict"]), name="declaration_valid"
            ),
            models.CheckConstraint(
                condition=Q(declaration="none") | ~Q(nature=""),
                name="conflict_declaration_has_nature",
            ),
            models.UniqueConstraint(
                fields=["assessor", "application"],
                condition=Q(application__isnull=False),
                name="declare_once_per_application",
            ),
            models.UniqueConstraint(
                fields=["assessor", "gate"],
                condition=Q(gate__isnull=False),
                name="declare_once_per_gate",
            ),
            models.UniqueConstraint(
                fields=["assessor", "plan"],
                condition=Q(plan__isnull=False),
                name="declare_once_per_plan",
            ),
        ]

    def __str__(self):
        return f"{self.assessor}: {self.get_declaration_display()} ({self.subject})"

    @property
    def is_conflict(self) -> bool:
        return self.declaration == Declaration.CONFLICT
