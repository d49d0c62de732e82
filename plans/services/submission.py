"""Sending the plan: the draft (for peer review) and the final plan (for review and sign-off)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from activity.models import Visibility
from core.errors import require
from core.transition import transition

from .. import permissions as plan_perms
from .. import selectors
from ..models import CostBenefitAnalysis, LogicModelRow, OperationalPlan, PlanVersion
from ..workflows import PLAN, PlanStatus
from .common import lock_plan, people, require_in_programme
from .versions import freeze


def plan_submit_draft(
    *, plan: OperationalPlan, actor, occurred_at=None, imported: bool = False
) -> OperationalPlan:
    """Send the draft plan: freezes a numbered version that peer reviewers and staff read.
    `imported` history keeps its own date (`occurred_at`) and notifies nobody."""
    with transaction.atomic():
        locked = lock_plan(plan)
        now = occurred_at or timezone.now()
        made = {}

        def frozen(locked):
            require_in_programme(locked.area, "submitted", imported)
            made["version"] = freeze(locked, kind=PlanVersion.Kind.DRAFT, actor=actor, when=now)
            return {
                "version_number": locked.version_number,  # freeze numbered the version
                "submitted_by": actor,
                "submitted_at": now,
            }

        transition(
            plan,
            PlanStatus.DRAFT_SUBMITTED,
            workflow=PLAN,
            locked=locked,
            actor=actor,
            verb="plan.draft_submitted",
            summary=lambda locked: (
                f"Draft operational plan submitted (version {made['version'].number})"
            ),
            area=locked.area,
            visibility=Visibility.AREA,
            occurred_at=now,
            imported=imported,
            notify=people(locked.area, pms=True),
            permission=lambda locked: plan_perms.can_submit_plan(actor, locked),
            changes=frozen,
            sign_off_order=locked.area.round.sign_off_order,
        )
    return plan


def final_plan_problems(plan: OperationalPlan) -> list[str]:
    """Why the final plan cannot be submitted yet (empty when it can)."""
    problems = []
    if not LogicModelRow.objects.filter(logic_model__area_id=plan.area_id).exists():
        problems.append("Add a logic model with at least one row before submitting the final plan.")
    if selectors.area_requires_cba(plan.area):
        cba = CostBenefitAnalysis.objects.filter(area_id=plan.area_id).first()
        if cba is None or not cba.costs.exists() or not cba.benefits.exists():
            problems.append(
                "This area must include a cost benefit analysis with at least one cost line and "
                "one benefit line before submitting the final plan."
            )
    return problems


def plan_submit_final(
    *, plan: OperationalPlan, actor, occurred_at=None, imported: bool = False
) -> OperationalPlan:
    """Send the final plan for review. Refused without a logic model, or without a CBA when the
    Getting Going decision required one. Freezes a numbered version and, the first time only,
    releases the Getting Going payment held back until now. `imported` history keeps its own date;
    its logic model and CBA live in the old records, so their absence does not refuse it."""
    with transaction.atomic():
        locked = lock_plan(plan)
        require(plan_perms.can_submit_plan(actor, locked))
        now = occurred_at or timezone.now()
        resubmission = locked.status == PlanStatus.RETURNED
        made = {"released": []}

        def frozen(locked):
            require_in_programme(locked.area, "submitted", imported)
            problems = [] if imported else final_plan_problems(locked)
            if problems:
                raise ValidationError(problems)
            made["version"] = freeze(locked, kind=PlanVersion.Kind.FINAL, actor=actor, when=now)
            changes = {
                "version_number": locked.version_number,  # freeze numbered the version
                "submitted_by": actor,
                "submitted_at": now,
                "final_submitted_at": now,
                "overdue_flagged_at": None,
            }
            if locked.retention_released_at is None:
                from grants.services import retention_release

                made["released"] = retention_release(
                    area=locked.area, actor=actor, occurred_at=now, imported=imported
                )
                changes["retention_released_at"] = now
            return changes

        transition(
            plan,
            PlanStatus.FINAL_SUBMITTED,
            workflow=PLAN,
            locked=locked,
            actor=actor,
            verb="plan.final_submitted",
            summary=lambda locked: (
                f"Final operational plan {'resubmitted' if resubmission else 'submitted'} "
                f"(version {made['version'].number})"
            ),
            area=locked.area,
            visibility=Visibility.AREA,
            data=lambda locked: {"released_payments": [p.pk for p in made["released"]]},
            occurred_at=now,
            imported=imported,
            notify=people(locked.area, pms=True),
            changes=frozen,
            sign_off_order=locked.area.round.sign_off_order,
        )
    return plan
