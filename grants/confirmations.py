"""What the money actions will do, for the confirmation step (core/confirm.py): awarding a
stage grant (from admission and stage gates), approving and paying one payment, the finance
list's bulk actions, and the retention a final plan releases. Figures come from the same rules
the services apply (split_schedule, the release conditions, the four-eyes threshold)."""

from decimal import Decimal

from core.confirm import Effect
from core.money import pounds
from programmes.models import Stage

from . import bulk
from .models import FINAL_PLAN_SUBMITTED, MANAGER_RELEASE, Award, Payment
from .services import RELEASE_CONDITION_FOR_STAGE, split_schedule
from .workflows import approval_target, second_approval_reason


def _number(value) -> str:
    """10.00 -> "10", 1.50 -> "1.5"."""
    return format(Decimal(value).normalize(), "f")


def award_effects(*, area_name: str, rnd, stage: str, amount: Decimal) -> list[Effect]:
    """Awarding `amount` for `stage`: the offer, the advance and what is held back until when."""
    definition = rnd.stage_definitions.filter(stage=stage).first()
    share = definition.advance_share_pct if definition else Decimal(100)
    advance, retention = split_schedule(amount=amount, advance_share_pct=share)
    label = Stage(stage).label
    text = (
        f"Awards {area_name} the {label} grant of {pounds(amount)} and issues the grant offer. "
        f"{pounds(advance)} becomes payable once the lead organisation accepts the offer"
    )
    if retention > 0:
        condition = RELEASE_CONDITION_FOR_STAGE.get(stage, FINAL_PLAN_SUBMITTED)
        when = (
            "a programme manager releases it after the first year"
            if condition == MANAGER_RELEASE
            else "the final operational plan is submitted"
        )
        text += f"; {pounds(retention)} ({_number(100 - share)}%) is held back until {when}"
    effects = [Effect.money(text + ".")]
    if definition and definition.adviser_days:
        effects.append(
            Effect.record(
                f"Adds {_number(definition.adviser_days)} adviser days to the area's allowance."
            )
        )
    return effects


def _what(payment: Payment) -> str:
    area = payment.award.area
    return (
        f"the {payment.get_kind_display().lower()} payment of {pounds(payment.amount)} to "
        f"{area.reference} {area.name} ({payment.award.get_stage_display()} grant)"
    )


def approve_effects(payment: Payment) -> list[Effect]:
    if approval_target(payment) == Payment.Status.APPROVED_ONCE:
        next_step = (
            f"This is the first of two approvals. {second_approval_reason(payment)} It cannot be "
            "paid until then."
        )
    else:
        next_step = "A finance officer other than you can then mark it paid."
    return [
        Effect.money(f"Approves {_what(payment)}. {next_step}"),
        Effect.lock(
            "Your approval is recorded against your name in the audit trail and cannot be "
            "withdrawn (the payment can still be cancelled until it is paid)."
        ),
    ]


def pay_effects(payment: Payment, *, paid_on, reference: str) -> list[Effect]:
    ref = f", reference {reference}" if reference else ""
    return [
        Effect.money(f"Records {_what(payment)} as paid on {paid_on:%-d %B %Y}{ref}."),
        Effect.lock("A paid payment cannot be cancelled or changed afterwards."),
    ]


def bulk_effects(*, action: str, payments, total: Decimal) -> list[Effect]:
    count = len(payments)
    what = f"{count} payment{'s' if count != 1 else ''} totalling {pounds(total)}"
    if action == bulk.APPROVE:
        return [
            Effect.money(
                f"Approves {what}. Any that take their award's approved and paid money over the "
                "programme's threshold need a second, different approver before they can be paid."
            ),
            Effect.lock("Each approval is recorded against your name and cannot be withdrawn."),
        ]
    return [
        Effect.money(f"Records {what} as paid on the date you give below."),
        Effect.lock("A paid payment cannot be cancelled or changed afterwards."),
    ]


def retention_to_release(area) -> list[tuple[str, Decimal]]:
    """The money held back until the final plan that submitting it would make payable now, as
    (grant, amount) per award (Getting Going's 10%, and any top-up's)."""
    held = (
        Payment.objects.filter(
            award__area=area,
            award__status=Award.Status.LIVE,
            status=Payment.Status.HELD,
            release_condition=FINAL_PLAN_SUBMITTED,
        )
        .select_related("award")
        .order_by("award__awarded_on", "id")
    )
    return [(p.award.get_stage_display(), p.amount) for p in held]
