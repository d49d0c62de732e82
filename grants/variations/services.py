"""Writes for variations of an award (grants/variations/workflows.py).

A lead organisation (or a programme manager on its behalf) asks for a variation; a programme
manager approves or refuses it; over the programme's ``variation_cosign_over`` a funder officer
co-signs it (or refuses it). The final approval changes the award under its row lock, in the
payment services' lock order (award, then payments):

- the schedule: only payments not yet approved (scheduled or held back) change; paid and
  approved money never does; the award never goes below what is paid or approved, and payments
  never add up to more than the award (the database's ``award_payments_never_exceed_amount``
  holds it too);
- the award's amount and planned end date, and due dates;
- the offer: its current version is reissued (``grants.offers.services.offer_reissue``) with the
  changed schedule, for the lead organisation to accept before any more money is approved;
- the budget figures follow, since the round's budget is read from awards and payments.

The rules live in one function, ``variation_plan`` (``grants/variations/changes.py``), asked when the variation is requested, by
the decision's confirmation page, and again under the lock when it is approved.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts import permissions as perms
from accounts.models import Role
from accounts.selectors import lead_members
from activity.models import Visibility
from activity.services import activity_record
from core.errors import require
from core.locking import copy_back, lock
from core.text import require_within
from core.transition import transition
from core.workflow import MoveRefused
from grants.budgets.services import budget_overruns
from grants.models import Award, GrantOffer, Payment
from grants.offers.services import offer_reissue

from .changes import Plan, variation_money, variation_plan
from .models import Variation, VariationChange
from .workflows import VARIATION

PENNY = Decimal("0.01")
REASONS_LIMIT = 2000


def can_request_variation(user, award) -> tuple[bool, str]:
    """The area's lead organisation asks; a programme manager may record a request for it."""
    if perms.is_manager_or_admin(user):
        return True, ""
    if perms.is_lead_organisation_user(user) and perms.user_belongs_to(
        user, award.area.lead_organisation_id
    ):
        return True, ""
    return False, "Only the area's lead organisation can ask for a variation of its grant."


def can_view_variations(user) -> tuple[bool, str]:
    """The programme-wide list of variations: programme staff."""
    if perms.is_programme_staff(user):
        return True, ""
    return False, "The list of variations is for programme staff."


def _change_rows(award: Award, changes: list[dict]) -> list[VariationChange]:
    rows = []
    payments = {p.pk: p for p in award.payments.all()}
    for spec in changes:
        c = VariationChange(kind=spec["kind"])
        for name in ("amount", "new_date"):
            setattr(c, name, spec.get(name))
        for name in ("payment", "to_payment"):
            value = spec.get(name)
            pk = getattr(value, "pk", value)
            if pk is not None and pk not in payments:
                raise ValidationError("Choose a payment of this grant.", code="not_this_award")
            setattr(c, f"{name}_id", pk)
            if pk is not None:
                setattr(c, name, payments[pk])
        if c.kind == VariationChange.Kind.TIME:
            c.old_date = c.payment.due_on if c.payment_id else award.ends
        elif c.kind == VariationChange.Kind.AMOUNT:
            c.old_amount = award.amount
        rows.append(c)
    return rows


def _notify_managers():
    return list(get_user_model().objects.filter(role=Role.PROGRAMME_MANAGER, is_active=True))


def _notify_funders():
    return list(get_user_model().objects.filter(role=Role.FUNDER_OFFICER, is_active=True))


@transaction.atomic
def variation_request(
    *, award: Award, actor, reasons: str, changes: list[dict], occurred_at=None
) -> Variation:
    """Ask for a variation of a live award: `changes` are dicts with ``kind`` (time, move,
    amount) and the fields of ``VariationChange`` (payment, to_payment, amount, new_date). One
    open variation per award at a time."""
    require(can_request_variation(actor, award))
    reasons = (reasons or "").strip()
    if not reasons:
        raise ValidationError({"reasons": "Say why the grant needs to change."})
    require_within(REASONS_LIMIT, reasons=reasons)
    if not changes:
        raise ValidationError("Ask for at least one change: more time, moving money or an amount.")
    locked = lock(award, related=("area", "area__round", "area__round__programme"))
    if not locked.is_live:
        raise ValidationError("The award has been cancelled, so it cannot be varied.")
    if locked.variations.filter(status__in=("requested", "awaiting_cosign")).exists():
        raise ValidationError(
            "This grant already has a variation waiting for a decision: withdraw it first, or "
            "wait for the decision.",
            code="already_open",
        )
    rows = _change_rows(locked, changes)
    variation_plan(locked, rows)
    when = occurred_at or timezone.now()
    variation = Variation.objects.create(
        award=locked,
        reasons=reasons,
        money=variation_money(locked, rows),
        requested_by=actor,
        requested_at=when,
    )
    for c in rows:
        c.variation = variation
    VariationChange.objects.bulk_create(rows)
    activity_record(
        verb="variation.requested",
        summary=f"Variation {variation.reference} of the {locked.get_stage_display()} grant "
        f"asked for: " + "; ".join(c.describe() for c in rows),
        actor=actor,
        area=locked.area,
        reason=reasons,
        visibility=Visibility.AREA,
        target=variation,
        occurred_at=occurred_at,
        data={"money": str(variation.money)},
        notify=_notify_managers(),
    )
    copy_back(award, locked)
    return variation


def _lock_variation(variation: Variation) -> tuple[Award, Variation]:
    award = lock(variation.award, related=("area", "area__round", "area__round__programme"))
    locked = lock(variation)
    locked.award = award
    return award, locked


def _changes(variation: Variation) -> list[VariationChange]:
    return list(variation.changes.select_related("payment", "to_payment"))


def _apply(*, award: Award, variation: Variation, reissue_by, note: str) -> GrantOffer | None:
    """Make an approved variation's changes to the locked award, then reissue its offer."""
    payments = list(Payment.objects.select_for_update().filter(award=award).order_by("id"))
    changes = _changes(variation)
    # Said before the schedule changes, so each change reads as it was asked for.
    described = "; ".join(c.describe() for c in changes)
    plan = variation_plan(award, changes, payments)
    increase = plan.amount - award.amount
    if increase > 0:
        overruns = budget_overruns(
            round_=award.area.round, stage=award.stage, amount=increase, awarded_on=award.awarded_on
        )
        if overruns:
            raise ValidationError(
                "This variation would take the grant over budget: "
                + "; ".join(overruns)
                + ". Raise the round's budget first.",
                code="over_budget",
            )
    for p in payments:
        if p.pk in plan.changed:
            p.amount, p.due_on = plan.amounts[p.pk], plan.dues[p.pk]
            p.save(update_fields=["amount", "due_on", "updated_at"])
    for amount, due_on in plan.new:
        Payment.objects.create(
            award=award,
            kind=Payment.Kind.INSTALMENT,
            amount=amount,
            status=Payment.Status.SCHEDULED,
            due_on=due_on,
            # Four eyes: whoever approved the variation that scheduled it does not approve it.
            scheduled_by=reissue_by,
            rescheduled_reason=f"Variation {variation.reference}",
        )
    # One write of the award: its amount and total move together, so the database's check
    # (payments never exceed the award) holds at every statement.
    award.amount, award.total_scheduled, award.ends_on = (
        plan.amount,
        plan.total_scheduled,
        plan.ends_on,
    )
    award.save(update_fields=["amount", "total_scheduled", "ends_on", "updated_at"])
    current = award.offers.exclude(status=GrantOffer.Status.SUPERSEDED).order_by("-version").first()
    if current is None:
        return None
    reason = f"Variation {variation.reference} approved: {described}"
    if note:
        reason += f". {note}"
    return offer_reissue(offer=current, actor=reissue_by, reason=reason)


def _note(note: str) -> str:
    note = (note or "").strip()
    require_within(1000, note=note)
    return note


@dataclass(frozen=True)
class DecisionPreview:
    """What approving would do now, asked before the confirmation page: the state it would
    reach, the award as it would be, or the refusal (the service asks all of it again)."""

    target: str = ""
    plan: Plan | None = None
    refusal: Exception | None = None

    @property
    def reason(self) -> str:
        if self.refusal is None:
            return ""
        return getattr(self.refusal, "reason", None) or "; ".join(
            getattr(self.refusal, "messages", [str(self.refusal)])
        )


def approval_target(variation: Variation) -> str:
    if variation.status == Variation.Status.AWAITING_COSIGN:
        return Variation.Status.APPROVED
    return Variation.Status.AWAITING_COSIGN if variation.needs_cosign else Variation.Status.APPROVED


def variation_approve_preview(variation: Variation, actor) -> DecisionPreview:
    """The rules `variation_approve` / `variation_cosign` apply, asked without writing."""
    target = approval_target(variation)
    try:
        VARIATION.check(
            variation, target, actor, area=variation.award.area, variation=variation, by=actor
        )
        plan = variation_plan(variation.award, _changes(variation))
    except (ValidationError, PermissionDenied) as exc:
        return DecisionPreview(target=target, refusal=exc)
    return DecisionPreview(target=target, plan=plan)


@transaction.atomic
def variation_approve(
    *, variation: Variation, actor, note: str = "", occurred_at=None
) -> Variation:
    """A programme manager approves: at or under the programme's threshold the variation is
    approved and made; over it, it waits for a funder officer's co-signature."""
    note = _note(note)
    award, locked = _lock_variation(variation)
    when = occurred_at or timezone.now()
    if locked.status == Variation.Status.AWAITING_COSIGN:
        # Approving now is co-signing: the co-signature's own rules (a funder officer) apply.
        return variation_cosign(
            variation=variation, actor=actor, note=note, occurred_at=occurred_at
        )
    target = approval_target(locked)
    offer = None

    def decided(locked):
        nonlocal offer
        if not award.is_live:
            raise ValidationError("The award has been cancelled, so it cannot be varied.")
        if target == Variation.Status.APPROVED:
            offer = _apply(award=award, variation=locked, reissue_by=actor, note=note)
        else:
            variation_plan(award, _changes(locked))  # still possible: say so now, not at co-sign
        return {
            "decided_by": actor,
            "decided_at": when,
            "decision_note": note,
            "offer": offer,
        }

    over = target == Variation.Status.AWAITING_COSIGN
    transition(
        variation,
        target,
        workflow=VARIATION,
        locked=locked,
        actor=actor,
        verb="variation.approved_for_cosign" if over else "variation.approved",
        summary=lambda v: (
            f"Variation {v.reference} approved by the programme: waiting for the funder's "
            "co-signature"
            if over
            else f"Variation {v.reference} approved"
            + (f": grant offer reissued as version {offer.version}" if offer else "")
        ),
        area=award.area,
        reason=note,
        visibility=Visibility.AREA,
        occurred_at=occurred_at,
        notify=_notify_funders() if over else lead_members(award.area),
        changes=decided,
        relations=("award",),
        variation=locked,
        by=actor,
    )
    return variation


@transaction.atomic
def variation_cosign(*, variation: Variation, actor, note: str = "", occurred_at=None) -> Variation:
    """A funder officer co-signs a variation a programme manager approved over the threshold:
    it is approved and made (the offer is reissued in the approving manager's name)."""
    note = _note(note)
    award, locked = _lock_variation(variation)
    if locked.status != Variation.Status.AWAITING_COSIGN:
        raise MoveRefused(
            "Only a variation a programme manager approved for co-signature can be co-signed.",
            why="state",
        )
    when = occurred_at or timezone.now()
    offer = None

    def cosigned(locked):
        nonlocal offer
        if not award.is_live:
            raise ValidationError("The award has been cancelled, so it cannot be varied.")
        offer = _apply(award=award, variation=locked, reissue_by=locked.decided_by, note=note)
        return {"cosigned_by": actor, "cosigned_at": when, "offer": offer}

    transition(
        variation,
        Variation.Status.APPROVED,
        workflow=VARIATION,
        locked=locked,
        actor=actor,
        verb="variation.cosigned",
        summary=lambda v: (
            f"Variation {v.reference} co-signed by the funder and approved"
            + (f": grant offer reissued as version {offer.version}" if offer else "")
        ),
        area=award.area,
        reason=note,
        visibility=Visibility.AREA,
        occurred_at=occurred_at,
        notify=lead_members(award.area),
        changes=cosigned,
        relations=("award",),
        variation=locked,
        by=actor,
    )
    return variation


@transaction.atomic
def variation_refuse(*, variation: Variation, actor, reason: str, occurred_at=None) -> Variation:
    """A programme manager (or, awaiting co-signature, a funder officer) refuses, with a reason;
    nothing about the award changes."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why the variation is refused."})
    require_within(1000, reason=reason)
    award, locked = _lock_variation(variation)
    when = occurred_at or timezone.now()
    first = locked.status == Variation.Status.REQUESTED
    transition(
        variation,
        Variation.Status.REFUSED,
        workflow=VARIATION,
        locked=locked,
        actor=actor,
        verb="variation.refused",
        summary=lambda v: f"Variation {v.reference} refused",
        area=award.area,
        reason=reason,
        visibility=Visibility.AREA,
        occurred_at=occurred_at,
        notify=lead_members(award.area),
        changes=(
            {"decided_by": actor, "decided_at": when, "refused_reason": reason}
            if first
            else {"refused_reason": reason, "cosigned_at": None}
        ),
        relations=("award",),
        variation=locked,
        by=actor,
    )
    return variation


@transaction.atomic
def variation_withdraw(*, variation: Variation, actor, occurred_at=None) -> Variation:
    """The lead organisation takes back a variation still waiting for a decision."""
    award, locked = _lock_variation(variation)
    when = occurred_at or timezone.now()
    transition(
        variation,
        Variation.Status.WITHDRAWN,
        workflow=VARIATION,
        locked=locked,
        actor=actor,
        verb="variation.withdrawn",
        summary=lambda v: f"Variation {v.reference} withdrawn",
        area=award.area,
        visibility=Visibility.AREA,
        occurred_at=occurred_at,
        changes={"withdrawn_at": when},
        relations=("award",),
        variation=locked,
        by=actor,
    )
    return variation
