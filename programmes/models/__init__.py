"""The programme's structure: programmes, rounds and their timetable, stage definitions, themes,
organisations, areas and their partners."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from core.validators import ONE_LINE

from ..workflows import AREA

MONEY = {"max_digits": 12, "decimal_places": 2}


class Stage(models.TextChoices):
    """Every stage a round defines. Going Further and Breaking New Ground are top-up grants applied
    for at the Getting Going gate, so an area never *sits* at them."""

    APPLICATION = "application", "Application"
    GETTING_READY = "getting_ready", "Getting Ready"
    GETTING_GOING = "getting_going", "Getting Going"
    GOING_FURTHER = "going_further", "Going Further"
    BREAKING_NEW_GROUND = "breaking_new_ground", "Breaking New Ground"
    MAKING_IT_HAPPEN = "making_it_happen", "Making it Happen"


class AreaStage(models.TextChoices):
    """Where an area is now. Derived from its decisions by the applications services."""

    GETTING_READY = "getting_ready", "Getting Ready"
    GETTING_GOING = "getting_going", "Getting Going"
    IMPLEMENTATION = "implementation", "Implementation"
    MAKING_IT_HAPPEN = "making_it_happen", "Making it Happen"


AREA_STAGE_ORDER = [s.value for s in AreaStage]


# Declared once, as the states of the area's workflow (programmes/workflows.py).
AreaStatus = AREA.text_choices("AreaStatus")


class Programme(models.Model):
    name = models.CharField(max_length=200, **ONE_LINE)
    slug = models.SlugField(unique=True)
    funder_name = models.CharField(
        max_length=200, help_text="The government department that funds the programme.", **ONE_LINE
    )
    manager_name = models.CharField(
        max_length=200, help_text="The charity that runs the programme day to day.", **ONE_LINE
    )
    funder_identifier = models.CharField(
        max_length=100,
        blank=True,
        help_text="Org identifier of the funder, e.g. GB-GOR-D1234.",
        **ONE_LINE,
    )
    description = models.TextField(blank=True)
    # Four eyes on money (grants/workflows.py): every payment needs an approver who did not
    # schedule it and a finance officer who did not approve it to record it as paid; a payment
    # over this amount needs a second, different approver too. Blank: one approver always.
    payments_second_approval_over = models.DecimalField(
        **MONEY,
        null=True,
        blank=True,
        default=Decimal("10000.00"),
        verbose_name="Second approval for payments over (£)",
        help_text="A payment over this amount needs two different approvers. "
        "Leave blank for one approver whatever the amount.",
    )
    # Variations of an award (grants/variations): one that changes more money than this (added,
    # taken away or moved between payments) needs a funder officer's co-signature as well as a
    # programme manager's approval. Blank: a programme manager's approval is always enough.
    variation_cosign_over = models.DecimalField(
        **MONEY,
        null=True,
        blank=True,
        default=Decimal("5000.00"),
        verbose_name="Funder co-signature for variations over (£)",
        help_text="A variation changing more money than this needs a funder officer's "
        "co-signature. Leave blank for a programme manager's approval alone.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Round(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        OPEN = "open", "Open for applications"
        LIVE = "live", "Live"
        FINISHED = "finished", "Finished"

    class SignOffOrder(models.TextChoices):
        SEQUENTIAL = "sequential", "Programme manager first, then funder"
        PARALLEL = "parallel", "Either order"

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="rounds")
    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=200, **ONE_LINE)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PLANNED)
    opens_on = models.DateField()
    closes_on = models.DateField(help_text="Last day applications to join can be submitted.")
    starts_on = models.DateField()
    ends_on = models.DateField()
    discount_rate_pct = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=Decimal("3.50"),
        help_text="Green Book discount rate used in cost benefit analyses.",
    )
    sign_off_order = models.CharField(
        max_length=20, choices=SignOffOrder.choices, default=SignOffOrder.PARALLEL
    )
    peer_review_required = models.BooleanField(default=True)
    review_target_days = models.PositiveIntegerField(
        default=112, help_text="Target days from final plan submission to sign-off (16 weeks)."
    )
    return_interval_months = models.PositiveSmallIntegerField(
        default=3, help_text="How often signed-off areas submit progress returns."
    )
    returns_open_days_before_end = models.PositiveSmallIntegerField(
        "returns open (days before the period ends)",
        default=14,
        help_text="A progress return can be submitted only in the last this many days of its "
        "period (and after it). 0: only once the period has ended.",
    )
    # The round's grant budget. Empty means no envelope has been set, so nothing is refused;
    # per-stage and per-financial-year lines are grants.BudgetLine rows.
    budget_total = models.DecimalField(
        **MONEY,
        null=True,
        blank=True,
        help_text="The money available for this round's grants, in pounds.",
    )

    class Meta:
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")), name="round_closes_after_opens"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="round_ends_after_starts"
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.opens_on and self.closes_on and self.closes_on < self.opens_on:
            raise ValidationError({"closes_on": "The round cannot close before it opens."})
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": "The round cannot end before it starts."})

    def is_open_for_applications(self, on=None):
        on = on or timezone.localdate()
        return self.status == self.Status.OPEN and self.opens_on <= on <= self.closes_on

    def stage_definition(self, stage):
        return self.stage_definitions.get(stage=stage)


class StageDefinition(models.Model):
    """A stage's money and support within a round: data, so each round can differ."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="stage_definitions")
    stage = models.CharField(max_length=30, choices=Stage.choices)
    order = models.PositiveSmallIntegerField()
    grant_min = models.DecimalField(**MONEY, default=Decimal("0"))
    grant_max = models.DecimalField(**MONEY, default=Decimal("0"))
    advance_share_pct = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=Decimal("100"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text="Share of the grant paid on approval; the rest is held back until the final "
        "operational plan is submitted.",
    )
    adviser_days = models.DecimalField(
        max_digits=4, decimal_places=1, default=Decimal("0"), help_text="External adviser days."
    )
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["round", "order"]
        constraints = [
            models.UniqueConstraint(fields=["round", "stage"], name="one_definition_per_stage"),
            models.CheckConstraint(
                condition=Q(grant_max__gte=models.F("grant_min")), name="stage_grant_range_valid"
            ),
            models.CheckConstraint(
                condition=Q(advance_share_pct__gte=0) & Q(advance_share_pct__lte=100),
                name="stage_advance_share_is_percentage",
            ),
        ]

    def __str__(self):
        return f"{self.round} · {self.get_stage_display()}"

    @property
    def is_fixed_amount(self):
        return self.grant_min == self.grant_max

    def clean(self):
        if (
            self.grant_min is not None
            and self.grant_max is not None
            and self.grant_max < self.grant_min
        ):
            raise ValidationError({"grant_max": "The maximum cannot be below the minimum."})


class Milestone(models.Model):
    """A date in the round's timetable. It applies to every area in the round, whenever it joined."""

    class Kind(models.TextChoices):
        APPLICATIONS_CLOSE = "applications_close", "Applications close"
        GETTING_GOING_APPLICATION = "getting_going_application", "Getting Going application"
        DRAFT_PLAN = "draft_plan", "Draft operational plan"
        FINAL_PLAN = "final_plan", "Final operational plan"
        MAKING_IT_HAPPEN_APPLICATION = (
            "making_it_happen_application",
            "Making it Happen application",
        )
        OTHER = "other", "Other"

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="milestones")
    name = models.CharField(max_length=200, **ONE_LINE)
    kind = models.CharField(max_length=40, choices=Kind.choices, default=Kind.OTHER)
    stage = models.CharField(max_length=30, choices=Stage.choices)
    due_on = models.DateField()

    class Meta:
        ordering = ["round", "due_on"]

    def __str__(self):
        return f"{self.name} ({self.due_on:%d %b %Y})"


# The milestone kinds still ahead of an area at each stage: an area in implementation has no use
# for the draft plan deadline it already met.
MILESTONE_KINDS_AHEAD = {
    AreaStage.GETTING_READY: [
        Milestone.Kind.GETTING_GOING_APPLICATION,
        Milestone.Kind.DRAFT_PLAN,
        Milestone.Kind.FINAL_PLAN,
        Milestone.Kind.MAKING_IT_HAPPEN_APPLICATION,
        Milestone.Kind.OTHER,
    ],
    AreaStage.GETTING_GOING: [
        Milestone.Kind.DRAFT_PLAN,
        Milestone.Kind.FINAL_PLAN,
        Milestone.Kind.MAKING_IT_HAPPEN_APPLICATION,
        Milestone.Kind.OTHER,
    ],
    AreaStage.IMPLEMENTATION: [Milestone.Kind.MAKING_IT_HAPPEN_APPLICATION, Milestone.Kind.OTHER],
    AreaStage.MAKING_IT_HAPPEN: [Milestone.Kind.OTHER],
}


def milestones_ahead_q(area_stage) -> Q:
    """A filter on Milestone for the kinds still ahead of an area whose stage is the expression
    `area_stage` (e.g. OuterRef("stage") in a subquery over an area list)."""
    from django.db.models.lookups import Exact

    condition = Q(pk__in=[])
    for stage, kinds in MILESTONE_KINDS_AHEAD.items():
        condition |= Q(Exact(area_stage, stage.value), kind__in=kinds)
    return condition


class Theme(models.Model):
    name = models.CharField(max_length=100, unique=True, **ONE_LINE)
    slug = models.SlugField(unique=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "name"]

    def __str__(self):
        return self.name


# Organisations (lead organisations and partners) and their official identifiers.
from .organisations import (  # noqa: E402, F401  (the app's models, found here as ever)
    ORG_ID_SCHEMES,
    ORG_ID_VALIDATOR,
    Organisation,
    OrganisationType,
    is_internal_identifier,
)


class GeoCodeType(models.TextChoices):
    WD = "WD", "Ward"
    LSOA = "LSOA", "Lower layer super output area"
    MSOA = "MSOA", "Middle layer super output area"
    PAR = "PAR", "Civil parish"
    LAD = "LAD", "Local authority district"


class Approach(models.TextChoices):
    SPECIFIC = "specific", "Specific service proposition"
    GENERAL = "general", "General neighbourhood approach"


class AreaType(models.TextChoices):
    URBAN = "urban", "Urban neighbourhood"
    ESTATE = "estate", "Housing estate"
    TOWN = "town", "Market or coastal town"
    RURAL = "rural", "Rural parish or villages"
    MIXED = "mixed", "Mixed urban and rural"


class Area(models.Model):
    """A participating neighbourhood, led by one lead organisation."""

    workflow = AREA  # its status: active, or left the programme (programmes/workflows.py)

    reference = models.CharField(
        max_length=20,
        unique=True,
        validators=[RegexValidator(r"^[A-Z0-9-]+\Z", "Use capital letters, digits and hyphens.")],
    )
    name = models.CharField(max_length=200, **ONE_LINE)
    local_authority = models.CharField("local authority district", max_length=120, **ONE_LINE)
    area_type = models.CharField(max_length=20, choices=AreaType.choices, default=AreaType.URBAN)
    geo_code = models.CharField("geographic code", max_length=20, blank=True, **ONE_LINE)
    geo_code_type = models.CharField(
        "geographic code type", max_length=10, choices=GeoCodeType.choices, blank=True
    )
    # The neighbourhood's Index of Multiple Deprivation decile (1 most deprived, 10 least), from
    # its geography where recorded: context for the programme's learning (reports.what_worked).
    deprivation_decile = models.PositiveSmallIntegerField(
        "deprivation decile",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text="Index of Multiple Deprivation decile: 1 is the most deprived tenth, 10 the least.",
    )
    lead_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="led_areas"
    )
    themes = models.ManyToManyField(Theme, through="AreaTheme", related_name="areas")
    approach = models.CharField(max_length=20, choices=Approach.choices)
    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="areas")
    # Written only by the applications services, from the area's decisions.
    stage = models.CharField(
        max_length=30, choices=AreaStage.choices, default=AreaStage.GETTING_READY, editable=False
    )
    status = models.CharField(
        max_length=20, choices=AreaStatus.choices, default=AreaStatus.ACTIVE, editable=False
    )
    joined_on = models.DateField(default=timezone.localdate)
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["reference"]
        constraints = [
            models.CheckConstraint(
                condition=Q(geo_code="") | ~Q(geo_code_type=""),
                name="area_geo_code_has_type",
            ),
            models.CheckConstraint(
                condition=Q(deprivation_decile__isnull=True)
                | Q(deprivation_decile__gte=1, deprivation_decile__lte=10),
                name="area_deprivation_decile_1_to_10",
            ),
        ]
        indexes = [
            models.Index(fields=["round", "stage"]),
            models.Index(fields=["name"]),
            # The area list's local authority choices step through it one district at a time
            # (programmes.selectors.local_authorities).
            models.Index(fields=["local_authority"], name="area_local_authority_idx"),
            # The few areas that left the programme, so a queue of what active areas owe can
            # leave theirs out without reading every area (delivery.selectors.state_q).
            models.Index(fields=["id"], condition=~Q(status="active"), name="area_not_active_idx"),
        ]

    def __str__(self):
        return f"{self.reference} {self.name}"

    def get_absolute_url(self):
        return reverse("programmes:area_detail", args=[self.reference])

    def clean(self):
        if self.geo_code and not self.geo_code_type:
            raise ValidationError({"geo_code_type": "Say what kind of code this is."})


class AreaTheme(models.Model):
    """An area's theme in position 1 to 3: the unique position makes 'at most three' a database
    rule, not just a form check."""

    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="area_themes")
    theme = models.ForeignKey(Theme, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["area", "position"]
        constraints = [
            models.UniqueConstraint(fields=["area", "theme"], name="area_theme_once"),
            models.UniqueConstraint(fields=["area", "position"], name="area_theme_position_once"),
            models.CheckConstraint(
                condition=Q(position__gte=1) & Q(position__lte=3), name="area_at_most_three_themes"
            ),
        ]

    def __str__(self):
        return f"{self.area.reference}: {self.theme}"


class PartnerType(models.TextChoices):
    LOCAL_AUTHORITY = "local_authority", "Local authority"
    NHS = "nhs", "NHS / clinical commissioning group"
    POLICE = "police", "Police or probation"
    VCS = "vcs", "Voluntary or community group"
    SCHOOL = "school", "School or college"
    HOUSING = "housing", "Housing association"
    BUSINESS = "business", "Business"
    OTHER = "other", "Other"


class Involvement(models.TextChoices):
    LEADING = "leading", "Leading with us"
    ACTIVE = "active", "Actively involved"
    SUPPORTING = "supporting", "Supporting"
    INFORMED = "informed", "Kept informed"


class Partner(models.Model):
    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="partners")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="partnerships"
    )
    partner_type = models.CharField(max_length=20, choices=PartnerType.choices)
    involvement = models.CharField(
        max_length=20, choices=Involvement.choices, default=Involvement.SUPPORTING
    )
    agreement_signed_on = models.DateField(
        "partnership agreement signed",
        null=True,
        blank=True,
        help_text="Leave blank if the partnership is informal.",
    )
    contact_name = models.CharField(max_length=120, blank=True, **ONE_LINE)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["area", "organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["area", "organisation"], name="partner_once_per_area")
        ]

    def __str__(self):
        return f"{self.organisation} ({self.get_partner_type_display()})"

    def clean(self):
        if self.agreement_signed_on and self.agreement_signed_on > timezone.localdate():
            raise ValidationError({"agreement_signed_on": "The date cannot be in the future."})
