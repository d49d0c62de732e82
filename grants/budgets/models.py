"""Budget lines beneath a round's total, and programme managers' overrides of the budget."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from programmes.models import MONEY, Stage


class BudgetLine(models.Model):
    """Part of a round's budget: for one stage, one financial year (the year starting in April
    of `financial_year`), or one stage in one year. An award must fit every line it falls under."""

    round = models.ForeignKey(
        "programmes.Round", on_delete=models.CASCADE, related_name="budget_lines"
    )
    stage = models.CharField(max_length=30, choices=Stage.choices, blank=True)
    financial_year = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="The year the financial year starts: 2026 is 2026–27."
    )
    amount = models.DecimalField(**MONEY)

    class Meta:
        ordering = ["round", "financial_year", "stage"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "stage", "financial_year"],
                name="one_budget_line_per_round_stage_year",
                nulls_distinct=False,
            ),
            models.CheckConstraint(
                condition=~Q(stage="") | Q(financial_year__isnull=False),
                name="budget_line_names_a_stage_or_year",
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="budget_line_not_negative"),
        ]

    def __str__(self):
        parts = [self.get_stage_display() if self.stage else "", fy_label(self.financial_year)]
        return " · ".join(p for p in parts if p)


class BudgetOverride(models.Model):
    """A programme manager's permission, with a reason, for one area's award at one stage to go
    beyond the round's budget. Used once, by the award it lets through."""

    area = models.ForeignKey("programmes.Area", on_delete=models.CASCADE, related_name="+")
    stage = models.CharField(max_length=30, choices=Stage.choices)
    reason = models.TextField()
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    granted_at = models.DateTimeField(auto_now_add=True)
    award = models.OneToOneField(
        "grants.Award", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-granted_at"]

    def __str__(self):
        return f"Budget override for {self.area} {self.get_stage_display()}"


def fy_label(year: int | None) -> str:
    """2026 -> "2026–27"."""
    if year is None:
        return ""
    return f"{year}–{(year + 1) % 100:02d}"
