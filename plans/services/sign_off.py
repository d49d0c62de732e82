"""Sign-off: the programme manager's and the funder's signatures, in the order the round sets."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts import permissions as perms
from activity.models import Visibility
from activity.services import notifications_resolve
from applications.permissions import can_decide_subject
from core.errors import require
from core.locking import lock
from core.transition import transition
from programmes.models import AREA_STAGE_ORDER, AreaStage
from programmes.services import area_move

from .. import selectors
from ..models import OperationalPlan, SignOff, SignOffParty
from ..workflows import PLAN, PlanStatus
from .common import lock_plan, people, require_in_programme


def _party_for(actor) -> str:
    if perms.is_programme_manager(actor):
        return SignOffParty.PROGRAMME_MANAGER
    if perms.is_funder_officer(actor):
        return SignOffParty.FUNDER
    raise PermissionDenied("Only a programme manager or a funder officer can sign off a plan.")


def _party_members(party) -> list:
    if party == SignOffParty.PROGRAMME_MANAGER:
        return selectors.programme_managers()
    return selectors.funder_officers()


def plan_sign_off(
    *, plan: OperationalPlan, actor, comment: str = "", occurred_at=None, imported: bool = False
) -> OperationalPlan:
    """Record the programme manager's or the funder's signature, in the order the round sets.
    The second signature signs the plan off and moves the area to implementation.

    The plan and then its area are locked (the order in core.locking) before the area is checked
    to be in the programme: an area_leave that starts meanwhile waits for this sign-off, and one
    that started first has committed before the check reads the area."""
    party = _party_for(actor)
    with transaction.atomic():
        locked = lock_plan(plan)
        # Only the area's row: its round (joined for the sign-off order) stays unlocked.
        locked.area = lock(locked.area, related=("round",), of=("self",))
        signed = set(
            locked.sign_offs.filter(superseded_at__isnull=True).values_list("party", flat=True)
        )
        if party in signed:
            raise ValidationError(
                f"The {SignOffParty(party).label.lower()} has already signed this plan."
            )
        require_in_programme(locked.area, "signed off", imported)
        # GovS 015: nobody signs off a plan they declared a conflict of interest in.
        require(can_decide_subject(actor, locked))
        target = _sign_off_target(party, signed)
        now = occurred_at or timezone.now()

        def signed_by(locked):
            SignOff.objects.create(
                plan=locked, party=party, user=actor, signed_at=now, comment=comment.strip()
            )
            if target == PlanStatus.SIGNED_OFF:
                return {"decided_by": actor, "decided_at": now}
            return {}

        area = locked.area
        transition(
            plan,
            target,
            workflow=PLAN,
            locked=locked,
            actor=actor,
            verb="plan.signed_off" if target == PlanStatus.SIGNED_OFF else "plan.signed",
            summary=(
                "Operational plan signed off by both parties"
                if target == PlanStatus.SIGNED_OFF
                else f"Operational plan signed by the {SignOffParty(party).label.lower()}"
            ),
            area=area,
            reason=comment.strip(),
            visibility=Visibility.AREA,
            occurred_at=now,
            imported=imported,
            notify=people(area, pms=True, funders=True),
            changes=signed_by,
            sign_off_order=area.round.sign_off_order,
        )
        # The signer's party has done what it was asked: its members' notifications about
        # this plan (the request to co-sign) are resolved, and leave their inboxes.
        notifications_resolve(target=locked, recipients=_party_members(party))
        if target == PlanStatus.SIGNED_OFF:
            _into_implementation(
                area, actor=actor, reason=comment.strip(), now=now, imported=imported
            )
    return plan


def _sign_off_target(party, signed: set) -> str:
    """The plan's state after `party` signs, given the parties that have signed already."""
    if signed - {party}:
        return PlanStatus.SIGNED_OFF
    if party == SignOffParty.PROGRAMME_MANAGER:
        return PlanStatus.PM_APPROVED
    return PlanStatus.FUNDER_APPROVED


def _into_implementation(area, *, actor, reason: str, now, imported: bool) -> None:
    """A signed-off plan moves its area to implementation: only an area not yet there moves; one
    already there (or beyond, in Making it Happen) keeps its stage."""
    if AREA_STAGE_ORDER.index(area.stage) >= AREA_STAGE_ORDER.index(AreaStage.IMPLEMENTATION):
        return
    area_move(
        area=area,
        stage=AreaStage.IMPLEMENTATION,
        actor=actor,
        summary="Plan signed off: the area is now in implementation",
        reason=reason,
        occurred_at=now,
        imported=imported,
    )
