"""Stage gates: each newly admitted area reaches its demo stage through the stage-gate services
(applications, decisions, extensions, top-ups and leaving), which award the grants."""

import datetime
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone

from applications import services as app_services
from applications.models import GateStage
from grants.models import Award, Payment
from programmes.models import AreaStage, AreaStatus, Milestone, Round

from . import offers
from .context import DEMO_PDF, at
from .grants import settle


def place(rng, area, applicant, pm, stage, status, i):
    """Take a newly admitted area to its demo stage through the stage-gate services."""
    if stage == AreaStage.GETTING_READY:
        _stay_getting_ready(rng, area, applicant, pm, status, i)
        return

    _getting_going_gate(
        rng,
        area,
        applicant,
        pm,
        cba=i % 3 == 0,
        extra_days=Decimal(i % 4) if i % 3 == 0 else 0,
        early=stage in (AreaStage.IMPLEMENTATION, AreaStage.MAKING_IT_HAPPEN),
    )
    if i % 5 == 0 and area.round.status != Round.Status.FINISHED:
        _top_up(rng, area, applicant, pm)
    if status in (AreaStatus.NOT_PROGRESSED, AreaStatus.WITHDRAWN):
        _leave(
            area,
            pm,
            status,
            "The partnership could not agree an operational plan."
            if status == AreaStatus.NOT_PROGRESSED
            else "The lead organisation merged with another charity and withdrew.",
            at(area.joined_on + datetime.timedelta(days=260)),
        )


def _stay_getting_ready(rng, area, applicant, pm, status, i):
    """An area that never got past Getting Ready: rejected, withdrawn, or (two live-round areas)
    given more time, with their applications waiting in the stage-gate queue."""
    if status == AreaStatus.NOT_PROGRESSED:
        _getting_going_gate(rng, area, applicant, pm, approve=False)
    elif status == AreaStatus.WITHDRAWN:
        milestone = area.round.milestones.get(kind=Milestone.Kind.GETTING_GOING_APPLICATION)
        started = at(area.joined_on + datetime.timedelta(days=40))
        gate = app_services.gate_create(
            area=area,
            actor=applicant,
            target_stage=GateStage.GETTING_GOING,
            milestone=milestone,
            occurred_at=started,
        )
        app_services.gate_withdraw(
            gate=gate,
            actor=applicant,
            reason="The lead organisation lost its key staff.",
            occurred_at=at(area.joined_on + datetime.timedelta(days=65)),
        )
        _leave(
            area,
            pm,
            AreaStatus.WITHDRAWN,
            "The lead organisation lost its key staff.",
            at(area.joined_on + datetime.timedelta(days=70)),
        )
    elif area.round.status != Round.Status.FINISHED and i in (24, 25):
        # Two live-round areas missed the Getting Going date and were given more time; their
        # applications wait in the stage-gate queue.
        milestone = area.round.milestones.get(kind=Milestone.Kind.GETTING_GOING_APPLICATION)
        app_services.extension_grant(
            area=area,
            milestone=milestone,
            new_due_on=timezone.localdate() + datetime.timedelta(days=21),
            reason="The partnership board met late; agreed by the programme manager.",
            actor=pm,
            occurred_at=at(milestone.due_on - datetime.timedelta(days=3)),
        )
        gate = app_services.gate_create(
            area=area,
            actor=applicant,
            target_stage=GateStage.GETTING_GOING,
            milestone=milestone,
            summary="Strategy agreed at the partnership board last month.",
            development_strategy=ContentFile(DEMO_PDF, name="development-strategy.pdf"),
            logic_model=ContentFile(DEMO_PDF, name="logic-model.pdf"),
        )
        app_services.gate_submit(gate=gate, actor=applicant)


def _getting_going_gate(
    rng, area, applicant, pm, *, decide=True, approve=True, cba=False, extra_days=0, early=False
):
    """Apply for Getting Going (and decide it). `early` areas, headed for implementation, apply a
    month after joining so their plan can be written and signed off after the decision."""
    milestone = area.round.milestones.get(kind=Milestone.Kind.GETTING_GOING_APPLICATION)
    submitted_on = min(
        area.joined_on
        + datetime.timedelta(days=rng.randint(25, 35) if early else rng.randint(80, 120)),
        milestone.due_on - datetime.timedelta(days=rng.randint(1, 10)),
    )
    gate = app_services.gate_create(
        area=area,
        actor=applicant,
        target_stage=GateStage.GETTING_GOING,
        milestone=milestone,
        summary="Our development strategy and logic model, agreed with our partners.",
        development_strategy=ContentFile(DEMO_PDF, name="development-strategy.pdf"),
        logic_model=ContentFile(DEMO_PDF, name="logic-model.pdf"),
        occurred_at=at(submitted_on - datetime.timedelta(days=7)),
    )
    app_services.gate_submit(gate=gate, actor=applicant, occurred_at=at(submitted_on))
    if not decide:
        return gate
    decided = at(submitted_on + datetime.timedelta(days=rng.randint(14, 28)))
    if approve:
        app_services.gate_decide(
            gate=gate,
            decision="approve",
            cba_required=cba,
            extra_adviser_days=extra_days,
            reasons="A clear strategy with committed statutory partners.",
            actor=pm,
            occurred_at=decided,
        )
    else:
        app_services.gate_decide(
            gate=gate,
            decision="reject",
            reasons=rng.choice(
                [
                    "The logic model does not show how services would change.",
                    "No statutory partner has committed to the project yet.",
                    "The development strategy was not agreed with the partnership.",
                ]
            ),
            actor=pm,
            occurred_at=decided,
        )
    return gate


def _leave(area, pm, outcome, reasons, when):
    """The area leaves the programme through the same service as the web page. Its advances had
    been paid (two weeks after each award); what was still held back is cancelled."""
    payable = Payment.objects.filter(
        award__area=area,
        award__status=Award.Status.LIVE,
        status__in=[Payment.Status.SCHEDULED, Payment.Status.APPROVED],
    ).select_related("award")
    for payment in payable.order_by("id"):
        paid_on = min(payment.award.awarded_on + datetime.timedelta(days=14), when.date())
        offers.accept(payment.award)  # the lead accepts the offer before any approval
        # Four eyes: pm approves, finance pays (demo.grants.settle).
        settle(
            payment,
            approve_on=paid_on,
            paid_on=paid_on,
            reference=f"BACS-{payment.award.awarded_on:%y%m}-{payment.pk:05d}",
        )
    app_services.area_leave(area=area, outcome=outcome, reasons=reasons, actor=pm, occurred_at=when)


def _top_up(rng, area, applicant, pm):
    """A Going Further top-up, applied for at the Getting Going gate."""
    milestone = area.round.milestones.get(kind=Milestone.Kind.GETTING_GOING_APPLICATION)
    amount = Decimal(rng.choice([5000, 7500, 10000, 15000]))
    gate = app_services.gate_create(
        area=area,
        actor=applicant,
        target_stage=GateStage.GOING_FURTHER,
        milestone=milestone,
        amount_requested=amount,
        summary="A top-up to extend the project to a second estate.",
        occurred_at=at(milestone.due_on - datetime.timedelta(days=6)),
    )
    submitted_on = milestone.due_on - datetime.timedelta(days=1)
    app_services.gate_submit(gate=gate, actor=applicant, occurred_at=at(submitted_on))
    app_services.gate_decide(
        gate=gate,
        decision="approve",
        amount=amount,
        reasons="Good value for a wider reach.",
        actor=pm,
        occurred_at=at(submitted_on + datetime.timedelta(days=20)),
    )
