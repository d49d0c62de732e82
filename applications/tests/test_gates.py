"""Stage gates: deadlines and extensions, evidence, decisions, awards and the derived stage."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.tests.factories import MembershipFactory, UserFactory
from activity.models import ActivityEntry
from applications import services
from applications.models import GateApplication, GateStatus
from applications.selectors import area_requires_cba
from applications.tests.factories import (
    ExtensionFactory,
    GateFactory,
    GettingGoingMilestoneFactory,
)
from core.testing import today
from grants.models import Award, Payment
from programmes.models import AreaStage, AreaStatus
from programmes.tests.factories import AreaFactory
from support.models import AdviserEntitlement

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


def _lead_for(area):
    user = UserFactory()
    MembershipFactory(user=user, organisation=area.lead_organisation)
    return user


def test_gate_submitted_before_the_milestone():
    gate = GateFactory()
    services.gate_submit(gate=gate, actor=_lead_for(gate.area))
    assert gate.status == GateStatus.SUBMITTED
    assert ActivityEntry.objects.filter(area=gate.area, verb="gate.submitted").exists()


def test_gate_refused_after_the_milestone_without_an_extension():
    area = AreaFactory()
    gate = GateFactory(
        area=area, milestone=GettingGoingMilestoneFactory(round=area.round, past=True)
    )
    with pytest.raises(ValidationError) as exc:
        services.gate_submit(gate=gate, actor=_lead_for(area))
    assert "Ask your programme manager for an extension" in " ".join(exc.value.messages)
    gate.refresh_from_db()
    assert gate.status == GateStatus.DRAFT


def test_gate_allowed_after_the_milestone_with_a_current_extension(programme_manager):
    area = AreaFactory()
    milestone = GettingGoingMilestoneFactory(round=area.round, past=True)
    services.extension_grant(
        area=area,
        milestone=milestone,
        new_due_on=today() + datetime.timedelta(days=7),
        reason="Lead officer on sick leave",
        actor=programme_manager,
    )
    gate = GateFactory(area=area, milestone=milestone)
    services.gate_submit(gate=gate, actor=_lead_for(area))
    assert gate.status == GateStatus.SUBMITTED
    assert ActivityEntry.objects.filter(area=area, verb="extension.granted").count() == 1


def test_an_extension_that_has_run_out_does_not_help():
    area = AreaFactory()
    milestone = GettingGoingMilestoneFactory(
        round=area.round, due_on=today() - datetime.timedelta(days=20)
    )
    ExtensionFactory(
        area=area,
        milestone=milestone,
        new_due_on=today() - datetime.timedelta(days=2),
    )
    gate = GateFactory(area=area, milestone=milestone)
    with pytest.raises(ValidationError) as exc:
        services.gate_submit(gate=gate, actor=_lead_for(area))
    assert "extended deadline" in " ".join(exc.value.messages)


def test_extensions_are_only_for_programme_managers(relationship_manager):
    area = AreaFactory()
    with pytest.raises(PermissionDenied):
        services.extension_grant(
            area=area,
            milestone=GettingGoingMilestoneFactory(round=area.round),
            new_due_on=today() + datetime.timedelta(days=60),
            reason="x",
            actor=relationship_manager,
        )


def test_getting_going_gate_needs_both_evidence_files():
    gate = GateFactory(logic_model=None)
    with pytest.raises(ValidationError) as exc:
        services.gate_submit(gate=gate, actor=_lead_for(gate.area))
    assert "logic_model" in exc.value.message_dict


def test_another_areas_user_cannot_submit_its_gate():
    gate = GateFactory()
    with pytest.raises(PermissionDenied):
        services.gate_submit(gate=gate, actor=_lead_for(AreaFactory()))


@pytest.mark.parametrize(
    ("name", "size", "error"),
    [
        ("strategy.exe", 100, "Upload a PDF"),
        ("strategy.pdf", 10 * 1024 * 1024 + 1, "limit is 10 MB"),
    ],
)
def test_evidence_of_the_wrong_type_or_size_is_refused(name, size, error):
    area = AreaFactory()
    upload = SimpleUploadedFile(name, b"x" * size)
    with pytest.raises(ValidationError) as exc:
        services.gate_create(
            area=area,
            actor=_lead_for(area),
            target_stage="getting_going",
            milestone=GettingGoingMilestoneFactory(round=area.round),
            development_strategy=upload,
        )
    assert error in " ".join(exc.value.messages)
    assert not GateApplication.objects.exists()


def test_approving_getting_going_with_cba_awards_90_10_and_moves_the_area(programme_manager):
    gate = GateFactory(submitted=True)
    area = gate.area
    services.gate_decide(
        gate=gate,
        decision="approve",
        amount=Decimal("10000"),
        cba_required=True,
        extra_adviser_days=3,
        reasons="Good strategy",
        actor=programme_manager,
    )
    area.refresh_from_db()
    assert gate.status == GateStatus.APPROVED
    assert area.stage == AreaStage.GETTING_GOING
    award = Award.objects.get(area=area, stage="getting_going")
    payments = {p.kind: p for p in award.payments.all()}
    assert payments[Payment.Kind.ADVANCE].amount == Decimal("9000.00")
    assert payments[Payment.Kind.ADVANCE].status == Payment.Status.SCHEDULED
    assert payments[Payment.Kind.RETENTION].amount == Decimal("1000.00")
    assert payments[Payment.Kind.RETENTION].status == Payment.Status.HELD
    assert area_requires_cba(area)
    days = sorted(AdviserEntitlement.objects.filter(area=area).values_list("days", flat=True))
    assert days == [Decimal("3.0"), Decimal("5.0")]


def test_approval_amount_must_sit_in_the_stage_range(programme_manager):
    gate = GateFactory(submitted=True)
    with pytest.raises(ValidationError) as exc:
        services.gate_decide(
            gate=gate,
            decision="approve",
            amount=Decimal("12000"),
            reasons="",
            actor=programme_manager,
        )
    assert "£10,000.00" in " ".join(exc.value.messages)
    gate.refresh_from_db()
    assert gate.status == GateStatus.SUBMITTED
    assert not Award.objects.exists()


def test_top_up_approval_leaves_the_stage_where_it_is(programme_manager):
    gate = GateFactory(
        submitted=True, target_stage="going_further", amount_requested=Decimal("7500")
    )
    services.gate_decide(gate=gate, decision="approve", reasons="", actor=programme_manager)
    gate.area.refresh_from_db()
    assert gate.area.stage == AreaStage.GETTING_READY
    assert Award.objects.get(area=gate.area).amount == Decimal("7500.00")
    assert not area_requires_cba(gate.area)


def test_rejected_getting_going_means_the_area_did_not_progress(programme_manager):
    gate = GateFactory(submitted=True)
    services.gate_decide(
        gate=gate, decision="reject", reasons="No partnership yet", actor=programme_manager
    )
    gate.area.refresh_from_db()
    assert gate.area.status == AreaStatus.NOT_PROGRESSED
    assert gate.area.stage == AreaStage.GETTING_READY
    assert not Award.objects.exists()


def test_derived_stage_follows_the_decisions(programme_manager):
    gate = GateFactory(submitted=True)
    area = gate.area
    assert services.area_stage_derive(area) == AreaStage.GETTING_READY
    services.gate_decide(gate=gate, decision="approve", reasons="", actor=programme_manager)
    assert services.area_stage_derive(area) == AreaStage.GETTING_GOING
    # A second Getting Going approval for the same area is refused by the table and constraint.
    again = GateFactory(area=area, submitted=True)
    with pytest.raises(ValidationError):
        services.gate_decide(gate=again, decision="approve", reasons="", actor=programme_manager)


def test_lead_user_cannot_decide_their_own_gate():
    gate = GateFactory(submitted=True)
    with pytest.raises(PermissionDenied):
        services.gate_decide(gate=gate, decision="approve", reasons="", actor=_lead_for(gate.area))


def test_withdrawn_gate_cannot_then_be_approved(programme_manager):
    gate = GateFactory(submitted=True)
    services.gate_withdraw(gate=gate, actor=_lead_for(gate.area), reason="Not ready")
    with pytest.raises(PermissionDenied):
        services.gate_decide(gate=gate, decision="approve", reasons="", actor=programme_manager)


def test_area_at_getting_going_cannot_apply_for_getting_going_again(programme_manager):
    gate = GateFactory(submitted=True)
    services.gate_decide(gate=gate, decision="approve", reasons="", actor=programme_manager)
    area = gate.area
    area.refresh_from_db()
    with pytest.raises(ValidationError):
        services.gate_create(
            area=area,
            actor=_lead_for(area),
            target_stage="getting_going",
            milestone=gate.milestone,
        )


def test_evidence_stored_for_a_failed_draft_is_deleted_again(settings, monkeypatch):
    """The file is stored before the gate row; when the database write then fails, nothing is
    left under the private storage (it used to be left behind)."""
    from pathlib import Path

    from applications.services import gates
    from core.tests.sample_files import PDF

    def broken(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(gates, "activity_record", broken)
    area = AreaFactory()
    root = Path(settings.PRIVATE_STORAGE_ROOT)
    before = sorted(p for p in root.rglob("*") if p.is_file())
    with pytest.raises(RuntimeError):
        services.gate_create(
            area=area,
            actor=_lead_for(area),
            target_stage="getting_going",
            milestone=GettingGoingMilestoneFactory(round=area.round),
            development_strategy=SimpleUploadedFile("strategy.pdf", PDF),
        )
    assert not GateApplication.objects.exists()
    assert sorted(p for p in root.rglob("*") if p.is_file()) == before
