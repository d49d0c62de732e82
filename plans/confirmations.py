"""What signing off a plan and submitting the final plan will do, for the confirmation step
(core/confirm.py)."""

from core.confirm import Effect, people_told
from core.money import pounds

from .models import SignOffParty
from .services.common import people
from .services.sign_off import _party_for


def sign_off_effects(plan, user) -> list[Effect]:
    area = plan.area
    party = _party_for(user)
    signed = set(plan.sign_offs.filter(superseded_at__isnull=True).values_list("party", flat=True))
    other = (
        SignOffParty.FUNDER
        if party == SignOffParty.PROGRAMME_MANAGER
        else SignOffParty.PROGRAMME_MANAGER
    )
    effects = [
        Effect.record(
            f"Records your signature as the {SignOffParty(party).label.lower()} on "
            f"{area.reference} {area.name}'s plan (version {plan.version_number}), with your "
            "comment, in the audit trail."
        )
    ]
    if other in signed:
        effects.append(
            Effect.lock(
                "Yours is the second signature: the plan is signed off and can no longer be "
                f"changed, and {area.name} moves to implementation."
            )
        )
    else:
        effects.append(
            Effect.lock(
                f"The plan then waits for the {SignOffParty(other).label.lower()}'s signature; "
                "your signature cannot be withdrawn."
            )
        )
    effects.append(
        people_told(
            people(area, pms=True, funders=True),
            what="the plan has been signed" if other not in signed else "the plan is signed off",
            actor=user,
        )
    )
    return effects


def final_submission_effects(plan, user) -> list[Effect]:
    from grants.confirmations import retention_to_release

    area = plan.area
    effects = [
        Effect.lock(
            f"Submits the plan as version {plan.version_number + 1}, the final plan, and locks it: "
            "nobody can edit it while it is reviewed, unless the review returns it for changes."
        )
    ]
    held = retention_to_release(area) if plan.retention_released_at is None else []
    if held:
        parts = " and ".join(f"{pounds(amount)} from the {grant} grant" for grant, amount in held)
        effects.append(
            Effect.money(
                f"Releases the money held back until the final plan ({parts}): it becomes "
                "payable to your organisation."
            )
        )
    effects.append(
        people_told(
            people(area, pms=True),
            what="the final plan has been submitted",
            actor=user,
        )
    )
    return effects
