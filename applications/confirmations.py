"""What admitting or rejecting an application, deciding a stage gate and recording that an area
has left will do, for the confirmation step (core/confirm.py)."""

from decimal import Decimal

from core.confirm import Effect, people_told
from core.money import pounds
from programmes.models import AreaStage, Stage

from .models import GateStage


def _grant_effects(**kwargs) -> list[Effect]:
    from grants.confirmations import award_effects

    return award_effects(**kwargs)


def decision_effects(application, decision: str) -> list[Effect]:
    final = Effect.lock(
        "The decision is final: the application cannot be reopened or decided again."
    )
    if decision == "admit":
        return [
            Effect.record(
                f"Creates the area {application.area_name} in {application.round.name} at "
                "Getting Ready, with a new area reference, its themes and partners from the "
                f"application, led by {application.organisation}."
            ),
            *_grant_effects(
                area_name=application.area_name,
                rnd=application.round,
                stage=Stage.GETTING_READY,
                amount=_getting_ready_amount(application.round),
            ),
            people_told([application.applicant], what="the application is admitted"),
            final,
        ]
    return [
        Effect.record(f"The application for {application.area_name} is closed as not admitted."),
        people_told([application.applicant], what="not admitted, with your reasons"),
        final,
    ]


def _getting_ready_amount(rnd) -> Decimal:
    definition = rnd.stage_definitions.filter(stage=Stage.GETTING_READY).first()
    return definition.grant_max if definition else Decimal(0)


def gate_effects(gate, data: dict, *, amount: Decimal | None = None) -> list[Effect]:
    """`amount`: the grant approving awards, as the decision service's preview gave it."""
    area = gate.area
    stage_label = gate.get_target_stage_display()
    told = people_told([gate.created_by], what=f"the {stage_label} decision, with your reasons")
    final = Effect.lock("The decision is final: the application cannot be decided again.")
    if data["decision"] != "approve":
        effects = [Effect.record(f"{area.reference}'s {stage_label} application is not approved.")]
        if gate.target_stage == GateStage.GETTING_GOING:
            effects.append(
                Effect.lock(
                    f"{area.name} is recorded as did not progress: it leaves the programme at "
                    f"{area.get_stage_display()}."
                )
            )
        return [*effects, told, final]
    amount = gate.amount_requested if amount is None else amount
    effects = _grant_effects(
        area_name=f"{area.reference} {area.name}",
        rnd=area.round,
        stage=gate.target_stage,
        amount=amount,
    )
    extra = data.get("extra_adviser_days") or 0
    if extra:
        days = format(Decimal(extra).normalize(), "f")
        effects.append(Effect.record(f"Adds {days} extra consultancy days."))
    if data.get("cba_required"):
        effects.append(Effect.record("Requires a cost benefit analysis with the plan."))
    if gate.target_stage in AreaStage.values and area.stage != gate.target_stage:
        effects.append(Effect.record(f"Moves {area.name} to {AreaStage(gate.target_stage).label}."))
    return [*effects, told, final]


def leave_effects(area, effects: dict, *, outcome_label: str = "", actor=None) -> list[Effect]:
    """`effects`: services.area_leaving_effects(area)."""
    from .services.leaving import area_people

    status = outcome_label.lower() if outcome_label else "withdrawn or did not progress"
    result = [
        Effect.lock(
            f"{area.name}'s status becomes {status}: it leaves the programme at "
            f"{area.get_stage_display()} and keeps its history (a programme manager can "
            "reinstate it)."
        )
    ]
    gates = effects["gates"]
    if gates:
        names = ", ".join(
            f"{g.get_target_stage_display()} ({g.get_status_display().lower()})" for g in gates
        )
        result.append(
            Effect.record(
                f"Withdraws {len(gates)} open stage-gate application{'s' if len(gates) != 1 else ''}: {names}."
            )
        )
    payments = effects["payments"]
    if payments:
        total = sum((p.amount for p in payments), Decimal(0))
        result.append(
            Effect.money(
                f"Cancels {len(payments)} payment{'s' if len(payments) != 1 else ''} not yet "
                f"made, {pounds(total)} in all: "
                + "; ".join(
                    f"{p.award.get_stage_display()} {p.get_kind_display().lower()}: "
                    f"{pounds(p.amount)} ({p.get_status_display().lower()})"
                    for p in payments
                )
                + ". Payments already made stay on record."
            )
        )
    else:
        result.append(
            Effect.money("No payments are waiting to be made; payments made stay on record.")
        )
    result.append(
        people_told(area_people(area), what="the area has left, with your reasons", actor=actor)
    )
    return [e for e in result if e is not None]


def bulk_decision_effects(applications, decision: str) -> list[Effect]:
    """Admitting or rejecting the ticked applications: each is tried on its own, so the page
    names them all; those that cannot be decided now are reported afterwards."""
    names = ", ".join(a.area_name for a in applications)
    count = len(applications)
    final = Effect.lock("Each decision is final: those applications cannot be decided again.")
    told = people_told(
        [a.applicant for a in applications],
        what="the decision on their application"
        + (", with your reasons" if decision == "reject" else ""),
    )
    if decision == "admit":
        total = sum((_getting_ready_amount(a.round) for a in applications), Decimal(0))
        return [
            Effect.record(
                f"Creates {count} area{'s' if count != 1 else ''} at Getting Ready: {names}."
            ),
            Effect.money(
                f"Awards {count} Getting Ready grant{'s' if count != 1 else ''} totalling "
                f"{pounds(total)}, each with a grant offer; the money becomes payable once each "
                "lead organisation accepts its offer."
            ),
            told,
            final,
        ]
    return [
        Effect.record(
            f"Closes {count} application{'s' if count != 1 else ''} as not admitted: {names}."
        ),
        told,
        final,
    ]
