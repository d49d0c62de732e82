from decimal import Decimal

from django import forms

from core.text import TextBox
from programmes.models import Stage

from .models import fy_label

BUDGET_STAGES = [(s.value, s.label) for s in Stage if s not in (Stage.APPLICATION,)]


class BudgetTotalForm(forms.Form):
    total = forms.DecimalField(
        label="Round budget (£)",
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0"),
        required=False,
        help_text="Leave blank for no limit.",
    )


class BudgetLineForm(forms.Form):
    stage = forms.ChoiceField(
        label="Stage", choices=[("", "Any stage")] + BUDGET_STAGES, required=False
    )
    financial_year = forms.TypedChoiceField(
        label="Financial year (April to March)", coerce=int, empty_value=None, required=False
    )
    amount = forms.DecimalField(
        label="Budget (£)",
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0"),
        required=False,
        help_text="Leave blank to remove this line.",
    )

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["financial_year"].choices = [("", "Every year")] + [
            (y, fy_label(y)) for y in years
        ]


class BudgetOverrideForm(forms.Form):
    area = forms.ModelChoiceField(label="Area", queryset=None)
    stage = forms.ChoiceField(label="Stage of the award", choices=BUDGET_STAGES)
    reason = forms.CharField(
        label="Why this award may go beyond the budget",
        widget=TextBox({"rows": 2}),
        max_length=1000,
    )

    def __init__(self, *args, areas=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas
        self.fields["area"].label_from_instance = lambda a: f"{a.reference} {a.name}"
