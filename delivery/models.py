"""After sign-off: progress returns on the round's schedule, funding secured by source, CBA outturn
against the forecast, and the Making it Happen application with its match-funding commitments.

Status fields are written only by the services in ``delivery/services/``.
"""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from core.money import pounds
from core.validators import single_line_text
from plans.models import FundingSource
from programmes.models import MONEY, AreaStage

from .comparisons import return_opens_on

# The status choices are the workflows' states (delivery/workflows.py), declared there once.
from .workflows import (
    COMMITMENT,
    EDITABLE_STATUSES,
    RETURN,
    SENT_STATUSES,
    CommitmentStatus,
    ReturnStatus,
)

User = settings.AUTH_USER_MODEL


# The area stages that have delivery records: returns are scheduled, and Making it Happen is
# prepared, once an area is in implementation.
DELIVERY_STAGES = (AreaStage.IMPLEMENTATION, AreaStage.MAKING_IT_HAPPEN)


# Progress returns -------------------------------------------------------------------------------


class ProgressStatus(models.TextChoices):
    AHEAD = "ahead", "Ahead of schedule"
    ON_SCHEDULE = "on_schedule", "On schedule"
    BEHIND = "behind", "Behind schedule"
    NOT_STARTED = "not_started", "Not started"


# Areas that are behind (or have not started) explain it with obstacles; areas on schedule or
# ahead with enablers.
OBSTACLE_STATUSES = {ProgressStatus.BEHIND, ProgressStatus.NOT_STARTED}
ENABLER_STATUSES = {ProgressStatus.AHEAD, ProgressStatus.ON_SCHEDULE}


class Factor(models.TextChoices):
    """The evaluation's list of factors, chosen as obstacles or enablers."""

    STAFF_SKILLS = "staff_skills", "Availability of staff skills and resources"
    FUNDING_SECURED = "funding_secured", "Amount of external or pooled funding secured"
    MANAGEMENT = "management", "Availability of dedicated management or co-ordination"
    STATUTORY_PARTNERS = "statutory_partners", "Commitment of statutory partners"
    RESIDENTS = "residents", "Commitment of residents and volunteers"
    VCS_PARTNERS = "vcs_partners", "Commitment of voluntary and community sector partners"
    GOVERNANCE = "governance", "Governance and accountability arrangements"
    PLAN_STRENGTH = "plan_strength", "Strength of the operational plan or business case"
    LEADERSHIP = "leadership", "Leadership from the lead organisation"
    OTHER = "other", "Other (free text)"


class FactorKind(models.TextChoices):
    OBSTACLE = "obstacle", "Obstacle"
    ENABLER = "enabler", "Enabler"


class ReturnKind(models.TextChoices):
    REGULAR = "regular", "Progress return"
    FINAL = "final", "Final report"


class ProgressReturn(models.Model):
    """One return for one period of an area's implementation. Rows are created by
    ``returns_schedule``; the area fills them in and submits them."""

    workflow = RETURN

    area = models.ForeignKey(
        "programmes.Area", on_delete=models.CASCADE, related_name="progress_returns"
    )
    period_start = models.DateField()
    period_end = models.DateField()
    due_on = models.DateField()
    status = models.CharField(
        max_length=20, choices=ReturnStatus.choices, default=ReturnStatus.DRAFT, editable=False
    )
    submitted_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    submitted_at = models.DateTimeField(null=True, blank=True, editable=False)
    progress_status = models.CharField(
        "progress against the plan", max_length=20, choices=ProgressStatus.choices, blank=True
    )
    milestones_met = models.TextField("milestones met this period", blank=True)
    achievements = models.TextField("main achievements", blank=True)
    steering_group_meeting = models.BooleanField(
        "a steering group or partnership board meets regularly", default=False
    )
    mainstream_resources = models.BooleanField("mainstream resources are in place", default=False)
    paid_staff = models.BooleanField("paid staff are in place", default=False)
    service_users_reached = models.PositiveIntegerField(
        "service users reached this period", default=0
    )
    updated_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    # A final report (grant closure, issue 23) is a return too, so it has the same review, comments
    # and My work items; it adds what the grant achieved, its spend against the award and lessons.
    kind = models.CharField(
        max_length=10, choices=ReturnKind.choices, default=ReturnKind.REGULAR, editable=False
    )
    outcomes_achieved = models.TextField("outcomes achieved against the plan", blank=True)
    spent = models.DecimalField(
        "grant money spent", **MONEY, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    spend_explained = models.TextField("spend against the award", blank=True)
    lessons = models.TextField("lessons learned", blank=True)
    # Set by the daily job the first time the return is seen overdue, so it tells people once.
    overdue_flagged_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["area", "period_start"]
        constraints = [
            models.UniqueConstraint(fields=["area", "period_start"], name="return_once_per_period"),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="return_period_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(due_on__gte=models.F("period_end")), name="return_due_after_period"
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in ReturnStatus]), name="return_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(status=ReturnStatus.DRAFT)
                | (Q(submitted_at__isnull=False) & ~Q(progress_status="")),
                name="return_submitted_is_complete",
            ),
            models.CheckConstraint(
                condition=Q(service_users_reached__gte=0), name="return_users_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["regular", "final"]), name="return_kind_valid"
            ),
            models.CheckConstraint(condition=Q(spent__gte=0), name="return_spent_not_negative"),
            # A final report is sent only with what it spent and what it achieved.
            models.CheckConstraint(
                condition=~Q(kind="final")
                | Q(status=ReturnStatus.DRAFT)
                | (Q(spent__isnull=False) & ~Q(outcomes_achieved="")),
                name="final_report_sent_is_complete",
            ),
            # One final report per area.
            models.UniqueConstraint(
                fields=["area"], condition=Q(kind="final"), name="one_final_report_per_area"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "due_on"]),
            # Returns awaiting review, oldest submission first (My work's "to review").
            models.Index(fields=["status", "submitted_at", "id"], name="return_status_sent"),
        ]

    def __str__(self):
        if self.is_final:
            return f"{self.area.reference} final report"
        return f"{self.area.reference} return {self.period_label}"

    @property
    def is_final(self) -> bool:
        return self.kind == ReturnKind.FINAL

    @property
    def title(self) -> str:
        return "Final report" if self.is_final else f"Return for {self.period_label}"

    def get_absolute_url(self):
        return reverse("delivery:return_detail", args=[self.pk])

    @property
    def period_label(self):
        return f"{self.period_start:%-d %b %Y} to {self.period_end:%-d %b %Y}"

    @property
    def is_submitted(self):
        """Sent by the area, whatever the review made of it since."""
        return self.status in SENT_STATUSES

    @property
    def is_editable(self):
        """A draft, or a return sent back with changes requested."""
        return self.status in EDITABLE_STATUSES

    @property
    def opens_on(self):
        """The first day the return can be submitted: the start of the last
        ``returns_open_days_before_end`` days of its period (never before the period starts)."""
        return return_opens_on(
            period_start=self.period_start,
            period_end=self.period_end,
            open_days=self.area.round.returns_open_days_before_end,
        )

    def unanswered_comments(self):
        """Reviewers' comments the lead organisation has not answered yet."""
        return list(
            ReturnComment.objects.filter(review__progress_return=self, response="").order_by("pk")
        )

    def state_on(self, today) -> str:
        """Where the return stands on `today`: its review state once sent (submitted, i.e.
        awaiting review; changes_requested; accepted), otherwise overdue (past the due date), due
        (period over, within the window) or upcoming (the period has not ended yet)."""
        if self.status != ReturnStatus.DRAFT:
            return str(self.status)
        if today > self.due_on:
            return "overdue"
        if today > self.period_end:
            return "due"
        return "upcoming"


class ReturnSection(models.TextChoices):
    """The parts of a return a reviewer can comment on (the last three only on a final
    report)."""

    PROGRESS = "progress", "Progress against the plan"
    FACTORS = "factors", "Obstacles or enablers"
    MILESTONES = "milestones", "Milestones met"
    ACHIEVEMENTS = "achievements", "Main achievements"
    RESOURCES = "resources", "Resources in place"
    REACH = "reach", "Service users reached"
    OUTCOMES = "outcomes", "Outcomes achieved against the plan"
    SPEND = "spend", "Spend against the award"
    LESSONS = "lessons", "Lessons learned"


FINAL_SECTIONS = (ReturnSection.OUTCOMES, ReturnSection.SPEND, ReturnSection.LESSONS)


class ReviewDecision(models.TextChoices):
    ACCEPTED = "accepted", "Accepted"
    CHANGES_REQUESTED = "changes_requested", "Changes requested"


class ReturnReview(models.Model):
    """A reviewer's decision on a submitted return, with an optional note. Written only by
    ``return_review``; a return may be reviewed several times (changes, then accepted)."""

    progress_return = models.ForeignKey(
        ProgressReturn, on_delete=models.CASCADE, related_name="reviews"
    )
    decision = models.CharField(max_length=20, choices=ReviewDecision.choices)
    note = models.TextField("general comment", blank=True)
    reviewer = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField()

    class Meta:
        ordering = ["progress_return", "decided_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(decision__in=[c.value for c in ReviewDecision]),
                name="return_review_decision_valid",
            ),
        ]

    def __str__(self):
        return f"{self.progress_return}: {self.get_decision_display().lower()}"


class ReturnComment(models.Model):
    """A reviewer's comment on one section of a return, and the lead organisation's answer."""

    review = models.ForeignKey(ReturnReview, on_delete=models.CASCADE, related_name="comments")
    section = models.CharField(max_length=20, choices=ReturnSection.choices)
    comment = models.TextField()
    response = models.TextField("answer", blank=True)
    responded_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["review", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["review", "section"], name="return_comment_once"),
            models.CheckConstraint(
                condition=Q(section__in=[c.value for c in ReturnSection]),
                name="return_comment_section_valid",
            ),
        ]

    def __str__(self):
        return f"{self.get_section_display()}: {self.comment[:40]}"


class ReturnFactor(models.Model):
    progress_return = models.ForeignKey(
        ProgressReturn, on_delete=models.CASCADE, related_name="factors"
    )
    factor = models.CharField(max_length=30, choices=Factor.choices)
    kind = models.CharField(max_length=10, choices=FactorKind.choices)
    other_text = models.CharField(
        "other (describe)", max_length=300, blank=True, validators=[single_line_text]
    )

    class Meta:
        ordering = ["progress_return", "kind", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["progress_return", "factor"], name="return_factor_once"
            ),
            models.CheckConstraint(
                condition=~Q(factor=Factor.OTHER) | ~Q(other_text=""),
                name="return_factor_other_has_text",
            ),
            models.CheckConstraint(
                condition=Q(factor__in=[c.value for c in Factor]), name="return_factor_valid"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=[c.value for c in FactorKind]),
                name="return_factor_kind_valid",
            ),
        ]

    def __str__(self):
        return self.label

    @property
    def label(self):
        if self.factor == Factor.OTHER:
            return f"Other: {self.other_text}"
        return self.get_factor_display()


# Funding secured --------------------------------------------------------------------------------


class Arrangement(models.TextChoices):
    ALIGNED = "aligned", "Aligned"
    POOLED = "pooled", "Pooled"
    DEVOLVED = "devolved", "Devolved"
    NONE = "none", "None (not a shared budget)"


class FundingRecord(models.Model):
    """Money actually secured for the area, by the same sources the plan's resourcing lines use."""

    area = models.ForeignKey(
        "programmes.Area", on_delete=models.CASCADE, related_name="funding_records"
    )
    source = models.CharField(max_length=30, choices=FundingSource.choices)
    year = models.PositiveSmallIntegerField(
        "financial year starting",
        help_text="The calendar year in which the financial year starts, e.g. 2027 for 2027/28.",
    )
    arrangement = models.CharField(
        "budget arrangement", max_length=20, choices=Arrangement.choices, default=Arrangement.NONE
    )
    amount = models.DecimalField("amount secured", **MONEY, validators=[MinValueValidator(0)])
    funder_name = models.CharField("funder", max_length=200, validators=[single_line_text])
    notes = models.CharField(max_length=500, blank=True, validators=[single_line_text])
    recorded_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["area", "year", "source", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="funding_amount_not_negative"),
            models.CheckConstraint(
                condition=Q(year__gte=2000) & Q(year__lte=2100), name="funding_year_sensible"
            ),
            models.CheckConstraint(
                condition=Q(source__in=[c.value for c in FundingSource]),
                name="funding_source_valid",
            ),
            models.CheckConstraint(
                condition=Q(arrangement__in=[c.value for c in Arrangement]),
                name="funding_arrangement_valid",
            ),
        ]

    def __str__(self):
        return f"{self.get_source_display()} {self.year_label}: {self.funder_name}"

    @property
    def year_label(self):
        return f"{self.year}/{(self.year + 1) % 100:02d}"


# CBA outturn ------------------------------------------------------------------------------------


class LineKind(models.TextChoices):
    COST = "cost", "Cost"
    BENEFIT = "benefit", "Benefit"


class CbaOutturnLine(models.Model):
    """What a cost or benefit actually came to. Linked to the forecast line it answers, or to
    none for a cost or benefit the CBA did not foresee."""

    area = models.ForeignKey(
        "programmes.Area", on_delete=models.CASCADE, related_name="cba_outturn_lines"
    )
    kind = models.CharField(max_length=10, choices=LineKind.choices)
    cost_line = models.OneToOneField(
        "plans.CostLine",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="outturn",
        verbose_name="forecast cost line",
    )
    benefit_line = models.OneToOneField(
        "plans.BenefitLine",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="outturn",
        verbose_name="forecast benefit line",
    )
    year = models.PositiveSmallIntegerField(help_text="0 is the first year, as in the CBA.")
    description = models.CharField(max_length=300, blank=True, validators=[single_line_text])
    actual_amount = models.DecimalField(**MONEY, validators=[MinValueValidator(0)])
    notes = models.CharField(max_length=500, blank=True, validators=[single_line_text])
    recorded_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["area", "kind", "year", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=[c.value for c in LineKind]), name="outturn_kind_valid"
            ),
            # A cost outturn may only point at a cost line, a benefit outturn at a benefit line;
            # never both.
            models.CheckConstraint(
                condition=(Q(kind=LineKind.COST) & Q(benefit_line__isnull=True))
                | (Q(kind=LineKind.BENEFIT) & Q(cost_line__isnull=True)),
                name="outturn_forecast_line_matches_kind",
            ),
            models.CheckConstraint(
                condition=Q(actual_amount__gte=0), name="outturn_amount_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.area.reference} {self.get_kind_display().lower()} outturn, year {self.year}"

    @property
    def forecast_line(self):
        return self.cost_line if self.kind == LineKind.COST else self.benefit_line


# Making it Happen -------------------------------------------------------------------------------


class MakingItHappenApplication(models.Model):
    """The Making it Happen case the lead organisation writes alongside its gate application:
    how the work will be sustained, and which public bodies commit match funding.

    One per area, attached to the area's Making it Happen gate application once there is one
    (areas moved into the stage before the gate existed have no gate)."""

    area = models.OneToOneField(
        "programmes.Area", on_delete=models.CASCADE, related_name="making_it_happen"
    )
    gate = models.OneToOneField(
        "applications.GateApplication",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="making_it_happen",
    )
    sustainability_plan = models.TextField(
        blank=True,
        help_text="How the work will be scaled up and paid for once the programme's money ends.",
    )
    updated_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"Making it Happen for {self.area.reference}"


class BodyType(models.TextChoices):
    LOCAL_AUTHORITY = "local_authority", "Local authority"
    NHS = "nhs", "NHS"
    POLICE = "police", "Police"
    OTHER_PUBLIC = "other_public", "Other public body"


class MatchFundingCommitment(models.Model):
    workflow = COMMITMENT

    application = models.ForeignKey(
        MakingItHappenApplication, on_delete=models.CASCADE, related_name="commitments"
    )
    public_body = models.CharField("public body", max_length=200, validators=[single_line_text])
    body_type = models.CharField(max_length=20, choices=BodyType.choices)
    amount = models.DecimalField("amount committed", **MONEY, validators=[MinValueValidator(0)])
    expected_payment_on = models.DateField(
        "payment expected on", help_text="Usually after the first year of Making it Happen."
    )
    status = models.CharField(
        max_length=20,
        choices=CommitmentStatus.choices,
        default=CommitmentStatus.COMMITTED,
        editable=False,
    )
    confirmed_at = models.DateTimeField(null=True, blank=True, editable=False)
    received_on = models.DateField(null=True, blank=True, editable=False)
    received_amount = models.DecimalField(**MONEY, null=True, blank=True, editable=False)
    withdrawn_reason = models.CharField(
        max_length=500, blank=True, editable=False, validators=[single_line_text]
    )
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["application", "expected_payment_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="commitment_amount_positive"),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in CommitmentStatus]),
                name="commitment_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(body_type__in=[c.value for c in BodyType]),
                name="commitment_body_type_valid",
            ),
            # Money received is recorded exactly when the commitment is received.
            models.CheckConstraint(
                condition=(
                    Q(status=CommitmentStatus.RECEIVED)
                    & Q(received_on__isnull=False)
                    & Q(received_amount__gte=0)
                )
                | (
                    ~Q(status=CommitmentStatus.RECEIVED)
                    & Q(received_on__isnull=True)
                    & Q(received_amount__isnull=True)
                ),
                name="commitment_received_fields_when_received",
            ),
        ]

    def __str__(self):
        return f"{self.public_body}: {pounds(self.amount)} ({self.get_status_display().lower()})"


class IndicatorValue(models.Model):
    """The latest value of one of the plan's outcome indicators, as a return reports it (one per
    return and indicator), with a note on how it was reached. Written by ``return_save`` while
    the return is editable; ``delivery.indicators`` reads them for the trend and the status."""

    progress_return = models.ForeignKey(
        ProgressReturn, on_delete=models.CASCADE, related_name="indicator_values"
    )
    # RESTRICT, not CASCADE: a reported value is history, so an indicator that has one cannot be
    # removed (plans' services refuse first, with a reason); deleting a whole area still works.
    indicator = models.ForeignKey(
        "plans.OutcomeIndicator", on_delete=models.RESTRICT, related_name="values"
    )
    value = models.DecimalField(max_digits=12, decimal_places=2)
    note = models.CharField(max_length=500, blank=True, validators=[single_line_text])

    class Meta:
        ordering = ["progress_return", "indicator"]
        constraints = [
            models.UniqueConstraint(
                fields=["progress_return", "indicator"], name="indicator_value_once_per_return"
            )
        ]

    def __str__(self):
        return f"{self.indicator}: {self.value}"
