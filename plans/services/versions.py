"""Numbered versions: what a submission freezes, so reviewers read what was sent."""

from .. import selectors
from ..indicators import indicators_of
from ..models import PLAN_SECTIONS, CostBenefitAnalysis, OperationalPlan, PlanVersion
from .writing import cba_calculate


def plan_snapshot(plan: OperationalPlan) -> dict:
    """Everything a version freezes, as JSON-ready data."""
    area = plan.area
    rows = selectors.logic_model_rows(area)
    cba = CostBenefitAnalysis.objects.filter(area=area).first()
    return {
        "sections": {key: getattr(plan, key) for key, _ in PLAN_SECTIONS},
        "budget_arrangements": [
            {
                "kind": b.kind,
                "kind_label": b.get_kind_display(),
                "partner_name": b.partner_name,
                "amount": str(b.amount),
                "description": b.description,
            }
            for b in plan.budget_arrangements.all()
        ],
        "resourcing_lines": [
            {
                "source": r.source,
                "source_label": r.get_source_display(),
                "year": r.year,
                "planned_amount": str(r.planned_amount),
                "notes": r.notes,
            }
            for r in plan.resourcing_lines.all()
        ],
        "logic_model": [r.as_dict() for r in rows],
        # Each indicator with the number of the logic model row it measures (as pages number them).
        "indicators": indicators_of(area),
        "cba": cba_calculate(cba).summary() if cba else None,
    }


def freeze(plan: OperationalPlan, *, kind: str, actor, when) -> PlanVersion:
    """Give the (locked) plan its next version number and store what it says now. The caller
    saves the plan."""
    plan.version_number += 1
    return PlanVersion.objects.create(
        plan=plan,
        number=plan.version_number,
        kind=kind,
        content=plan_snapshot(plan),
        submitted_by=actor,
        submitted_at=when,
    )
