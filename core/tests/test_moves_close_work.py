"""Notifications close with the work (issue 21): a move that ends the work a notification asked
for resolves it, declared with the move (``Move(..., closes=verbs)``) and done by
``core.transition``.

- What each workflow's moves close is stated here in its own table, never read from the code:
  a move that stops (or starts) closing something fails until the table agrees.
- Each move declared as closing work, made through its service, resolves the open notifications
  of those entries that point at the object, and leaves others (and its own) open.
- After the demo is loaded, no open notification asks for work its object's state has ended.
"""

from decimal import Decimal

import pytest
from django.apps import apps

from accounts.tests.factories import UserFactory
from activity.models import Notification, Visibility
from activity.services import activity_record
from core.tests.demo_snapshot import load_demo_for_test
from core.workflow import REGISTRY

RETURN_SENT = {"progress_return.submitted", "progress_return.resubmitted"}
GATE_SENT = {"gate.submitted"}
APPLICATION_SENT = {
    "application.submitted",
    "application.assessment_started",
    "application.recommended",
}
PAYMENT_ANY = {"payment.scheduled", "payment.approved", "payment.second_approved"}
COMMITMENT_RECORDED = {"match_funding.committed"}
COMMITMENT_CONFIRMED = {"match_funding.confirmed"}
PLAN_DECISION = {"plan.final_submitted", "plan.review_started", "plan.signed"}
ASSESSOR_ASSIGNED = {"assessor.assigned"}
VARIATION_REQUESTED = {"variation.requested"}
VARIATION_COSIGN = {"variation.approved_for_cosign"}
BANK_ENTERED = {"bank_account.entered"}
DILIGENCE_SUBMITTED = {"diligence.submitted"}
UNSPENT_TO_RETURN = {"unspent.to_return"}
WRITE_OFF_PROPOSED = {"unspent.write_off_proposed"}

# (workflow, from, to) -> the verbs whose notifications the move resolves. Moves not listed
# close nothing.
CLOSES = {
    ("return", "draft", "submitted"): {"progress_return.overdue"},
    ("return", "changes_requested", "submitted"): {"progress_return.changes_requested"},
    ("return", "submitted", "accepted"): RETURN_SENT,
    ("return", "submitted", "changes_requested"): RETURN_SENT,
    ("commitment", "committed", "confirmed"): COMMITMENT_RECORDED,
    ("commitment", "committed", "withdrawn"): COMMITMENT_RECORDED,
    ("commitment", "confirmed", "received"): COMMITMENT_CONFIRMED,
    ("commitment", "confirmed", "withdrawn"): COMMITMENT_CONFIRMED,
    ("gate", "submitted", "approved"): GATE_SENT,
    ("gate", "submitted", "rejected"): GATE_SENT,
    ("gate", "submitted", "withdrawn"): GATE_SENT,
    ("application", "under_assessment", "admitted"): APPLICATION_SENT,
    ("application", "under_assessment", "rejected"): APPLICATION_SENT,
    ("application", "submitted", "withdrawn"): APPLICATION_SENT,
    ("payment", "scheduled", "approved"): {"payment.scheduled"},
    ("payment", "scheduled", "approved_once"): {"payment.scheduled"},
    ("payment", "approved_once", "approved"): {"payment.approved"},
    ("payment", "approved", "paid"): {"payment.approved", "payment.second_approved"},
    ("payment", "held", "cancelled"): PAYMENT_ANY,
    ("payment", "scheduled", "cancelled"): PAYMENT_ANY,
    ("payment", "approved_once", "cancelled"): PAYMENT_ANY,
    ("payment", "approved", "cancelled"): PAYMENT_ANY,
    ("offer", "issued", "accepted"): {"offer.issued", "offer.reissued"},
    ("offer", "issued", "withdrawn"): {"offer.issued", "offer.reissued"},
    ("offer", "issued", "superseded"): {"offer.issued", "offer.reissued"},
    ("plan", "returned", "final_submitted"): {"plan.returned"},
    ("plan", "final_submitted", "under_review"): {"plan.final_submitted"},
    **{
        ("plan", s, "returned"): PLAN_DECISION
        for s in ("under_review", "pm_approved", "funder_approved")
    },
    **{
        ("plan", s, "not_approved"): PLAN_DECISION
        for s in ("under_review", "pm_approved", "funder_approved")
    },
    # An assessor's declaration (or removal) answers their assignment.
    ("assessor", "awaiting", "clear"): ASSESSOR_ASSIGNED,
    ("assessor", "awaiting", "conflicted"): ASSESSOR_ASSIGNED,
    ("assessor", "awaiting", "removed"): ASSESSOR_ASSIGNED,
    # A variation's decision answers the request, a co-signature's the approval for it.
    ("variation", "requested", "approved"): VARIATION_REQUESTED,
    ("variation", "requested", "awaiting_cosign"): VARIATION_REQUESTED,
    ("variation", "requested", "refused"): VARIATION_REQUESTED,
    ("variation", "requested", "withdrawn"): VARIATION_REQUESTED,
    ("variation", "awaiting_cosign", "approved"): VARIATION_COSIGN,
    ("variation", "awaiting_cosign", "refused"): VARIATION_COSIGN,
    ("variation", "awaiting_cosign", "withdrawn"): VARIATION_COSIGN,
    ("bank_account", "pending", "confirmed"): BANK_ENTERED,
    ("bank_account", "pending", "rejected"): BANK_ENTERED,
    ("diligence", "submitted", "confirmed"): DILIGENCE_SUBMITTED,
    ("diligence", "submitted", "returned"): DILIGENCE_SUBMITTED,
    # Closing the grant answers its start (opening a correction notifies nobody, so closing
    # again answers nothing).
    ("closure", "closing", "closed"): {"closure.started"},
    ("unspent", "to_return", "returned"): UNSPENT_TO_RETURN,
    ("unspent", "to_return", "write_off_proposed"): UNSPENT_TO_RETURN,
    ("unspent", "write_off_proposed", "written_off"): WRITE_OFF_PROPOSED,
    ("unspent", "write_off_proposed", "to_return"): WRITE_OFF_PROPOSED,
}


def test_every_workflow_declares_what_its_moves_close_as_this_table_says():
    declared = {
        (w.name, m.source, m.target): set(m.closes)
        for w in REGISTRY.values()
        for m in w.moves.values()
        if m.closes
    }
    assert declared == CLOSES


# --- each closing move, made through its service -----------------------------------------------


def _ask(obj, verb, area, whom):
    """An entry with `verb` about `obj` that notifies `whom`: the notification the move answers."""
    activity_record(
        verb=verb,
        summary=f"Asked: {verb}",
        area=area,
        target=obj,
        notify=[whom],
        visibility=Visibility.STAFF,
    )
    return Notification.objects.get(entry__verb=verb, recipient=whom, entry__target_id=str(obj.pk))


def _return(decision):
    from delivery.models import ReturnSection
    from delivery.services import return_review
    from delivery.tests.factories import ImplementingAreaFactory, ProgressReturnFactory

    def make(pm):
        ret = ProgressReturnFactory(area=ImplementingAreaFactory(), submitted=True)
        comments = {ReturnSection.PROGRESS: "More on the timetable."}

        def move():
            return_review(progress_return=ret, actor=pm, decision=decision, comments=comments)

        return ret, ret.area, "progress_return.submitted", move

    return make


def _gate_reject(pm):
    from applications.services import gate_reject
    from applications.tests.factories import GateFactory

    gate = GateFactory(submitted=True)
    return gate, gate.area, "gate.submitted", lambda: gate_reject(gate=gate, reasons="No", actor=pm)


def _gate_withdraw(pm):
    from applications.services import gate_withdraw
    from applications.tests.factories import GateFactory

    gate = GateFactory(submitted=True)

    def move():
        gate_withdraw(gate=gate, actor=pm, reason="The area asked us to.")

    return gate, gate.area, "gate.submitted", move


def _application_withdraw(pm):
    from applications.services import application_withdraw
    from applications.tests.factories import ApplicationFactory

    app = ApplicationFactory(submitted=True)

    def move():
        application_withdraw(application=app, actor=pm, reason="The organisation asked us to.")

    return app, None, "application.submitted", move


def _offer_withdraw(pm):
    from grants.offers.services import offer_reissue, offer_withdraw
    from grants.services import award_grant
    from programmes.models import Stage
    from programmes.tests.factories import AreaFactory

    area = AreaFactory()
    award = award_grant(area=area, stage=Stage.GETTING_GOING, amount=Decimal("10000"), actor=pm)
    offer = offer_reissue(offer=award.offers.get(), actor=pm, reason="Schedule corrected.")

    def move():
        offer_withdraw(offer=offer, actor=pm, reason="The area has left.")

    return offer, area, "offer.reissued", move


def _offer_reissue(pm):
    from grants.offers.services import offer_reissue
    from grants.services import award_grant
    from programmes.models import Stage
    from programmes.tests.factories import AreaFactory

    area = AreaFactory()
    award = award_grant(area=area, stage=Stage.GETTING_GOING, amount=Decimal("10000"), actor=pm)
    offer = award.offers.get()

    def move():
        offer_reissue(offer=offer, actor=pm, reason="Schedule corrected.")

    return offer, area, "offer.issued", move


def _application_reject(pm):
    from applications.services import application_reject
    from applications.tests.factories import ApplicationFactory

    app = ApplicationFactory(under_assessment=True)

    def move():
        application_reject(application=app, reasons="Not this round.", actor=pm)

    return app, None, "application.submitted", move


def _payment_cancel(pm):
    from grants.services import payment_cancel
    from grants.tests.factories import PaymentFactory

    payment = PaymentFactory(amount=Decimal("500.00"))

    def move():
        payment_cancel(payment=payment, actor=pm, reason="Not needed now.")

    return payment, payment.award.area, "payment.scheduled", move


def _payment_approve(pm):
    from grants.services import payment_approve
    from grants.tests.factories import AwardFactory, PaymentFactory, accept_offer

    payment = PaymentFactory(award=accept_offer(AwardFactory()), amount=Decimal("500.00"))
    return (
        payment,
        payment.award.area,
        "payment.scheduled",
        lambda: payment_approve(payment=payment, actor=pm),
    )


def _payment_pay(pm):
    from grants.services import payment_pay
    from grants.tests.factories import AwardFactory, accept_offer, payment_in_state

    award = accept_offer(AwardFactory())
    payment = payment_in_state(award=award, status="approved", amount=Decimal("500.00"))
    finance = UserFactory(finance_officer=True)
    return (
        payment,
        award.area,
        "payment.approved",
        lambda: payment_pay(payment=payment, actor=finance),
    )


def _plan(to):
    from plans.services import plan_return, plan_start_review
    from plans.tests.factories import PlanFactory

    def make(pm):
        if to == "under_review":
            plan = PlanFactory(final_submitted=True)
            return (
                plan,
                plan.area,
                "plan.final_submitted",
                lambda: plan_start_review(plan=plan, actor=pm),
            )
        plan = PlanFactory(under_review=True)

        def move():
            plan_return(plan=plan, actor=pm, comments={"general": "Say more about partners."})

        return plan, plan.area, "plan.final_submitted", move

    return make


def _commitment(to):
    import datetime

    from delivery.services import commitment_confirm, commitment_receive, commitment_withdraw
    from delivery.tests.factories import CommitmentFactory

    def make(pm):
        if to == "confirmed":
            commitment = CommitmentFactory()
            verb, move = (
                "match_funding.committed",
                lambda: commitment_confirm(commitment=commitment, actor=pm),
            )
        else:
            commitment = CommitmentFactory(confirmed=True)
            verb = "match_funding.confirmed"
            if to == "received":

                def move():
                    commitment_receive(
                        commitment=commitment,
                        actor=pm,
                        received_on=datetime.date(2020, 1, 1),
                        received_amount=commitment.amount,
                    )
            else:

                def move():
                    commitment_withdraw(commitment=commitment, actor=pm, reason="Budget cut")

        return commitment, commitment.application.area, verb, move

    return make


SERVICES = {
    ("commitment", "committed", "confirmed"): _commitment("confirmed"),
    ("commitment", "confirmed", "received"): _commitment("received"),
    ("commitment", "confirmed", "withdrawn"): _commitment("withdrawn"),
    ("payment", "scheduled", "approved"): _payment_approve,
    ("payment", "approved", "paid"): _payment_pay,
    ("plan", "final_submitted", "under_review"): _plan("under_review"),
    ("plan", "under_review", "returned"): _plan("returned"),
    ("return", "submitted", "accepted"): _return("accepted"),
    ("return", "submitted", "changes_requested"): _return("changes_requested"),
    ("gate", "submitted", "rejected"): _gate_reject,
    ("application", "under_assessment", "rejected"): _application_reject,
    ("payment", "scheduled", "cancelled"): _payment_cancel,
    ("gate", "submitted", "withdrawn"): _gate_withdraw,
    ("application", "submitted", "withdrawn"): _application_withdraw,
    ("offer", "issued", "withdrawn"): _offer_withdraw,
    ("offer", "issued", "superseded"): _offer_reissue,
}


@pytest.mark.django_db
@pytest.mark.parametrize("move", list(SERVICES), ids=lambda m: "-".join(m))
def test_the_move_made_through_its_service_resolves_what_it_closes_and_nothing_else(move):
    pm = UserFactory(programme_manager=True)
    asked = UserFactory(relationship_manager=True)
    obj, area, verb, make_move = SERVICES[move](pm)
    assert verb in CLOSES[move]
    answered = _ask(obj, verb, area, asked)
    unrelated = _ask(obj, "note.added", area, asked)
    make_move()
    answered.refresh_from_db()
    unrelated.refresh_from_db()
    assert answered.resolved_at is not None
    assert unrelated.resolved_at is None
    obj.refresh_from_db()
    assert str(obj.status) == move[2]


# --- the demo ----------------------------------------------------------------------------------


def _closed_by_reaching(workflow, status) -> set[str]:
    """The verbs whose notifications every move into `status` answers."""
    return {verb for m in workflow.moves.values() if m.target == status for verb in m.closes}


@pytest.mark.django_db
def test_after_the_demo_no_open_notification_asks_for_work_its_object_has_finished():
    load_demo_for_test()
    stale = []
    for n in Notification.objects.filter(resolved_at__isnull=True).select_related("entry"):
        label = n.entry.target_type
        if not label:
            continue
        model = apps.get_model(label)
        workflow = getattr(model, "workflow", None)
        if workflow is None:
            continue
        obj = model._default_manager.filter(pk=n.entry.target_id).first()
        if obj is None:
            continue
        if n.entry.verb in _closed_by_reaching(workflow, str(obj.status)):
            stale.append(f"{label} {obj.pk} ({obj.status}): {n.entry.verb} to {n.recipient_id}")
    assert not stale, "\n".join(stale)
