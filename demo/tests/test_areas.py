"""The demo areas come from admitted applications and reach their stage through decisions."""

import pytest

from applications.models import (
    Application,
    ApplicationStatus,
    AssessmentCriterion,
    GateApplication,
    GateStatus,
)
from demo import areas as demo_areas
from grants.models import Award
from programmes.models import Area, AreaStage, AreaStatus

pytestmark = pytest.mark.django_db


def _counts():
    return (
        Area.objects.count(),
        Application.objects.count(),
        GateApplication.objects.count(),
        Award.objects.count(),
    )


def test_demo_areas_are_admitted_applications_and_a_second_load_adds_nothing():
    ctx = demo_areas.load()
    first = _counts()
    demo_areas.load()
    assert _counts() == first

    areas = Area.objects.all()
    assert not areas.filter(application__isnull=True).exists()
    assert Application.objects.filter(status=ApplicationStatus.ADMITTED).count() == areas.count()
    # Every area has its Getting Ready grant, awarded by the admission.
    assert Award.objects.filter(stage="getting_ready").count() == areas.count()
    # Live-round areas at Getting Going got there by an approved Getting Going gate.
    live_gg = areas.filter(round=ctx.live_round, stage=AreaStage.GETTING_GOING)
    assert live_gg.exists()
    assert not live_gg.exclude(
        gate_applications__target_stage="getting_going",
        gate_applications__status=GateStatus.APPROVED,
    ).exists()
    assert GateApplication.objects.filter(cba_required=True).exists()
    # Pilot areas that fell out at Getting Ready have a rejected or withdrawn gate.
    dropped = areas.filter(
        round=ctx.finished_round,
        stage=AreaStage.GETTING_READY,
        status__in=[AreaStatus.NOT_PROGRESSED, AreaStatus.WITHDRAWN],
    )
    assert dropped.count() == 6
    assert not dropped.exclude(
        gate_applications__status__in=[GateStatus.REJECTED, GateStatus.WITHDRAWN]
    ).exists()
    # The queue has work in every state, and both rounds have criteria.
    live = Application.objects.filter(round=ctx.live_round).exclude(status="admitted")
    assert {a.status for a in live} == {"draft", "submitted", "under_assessment", "rejected"}
    assert live.count() >= 15
    assert AssessmentCriterion.objects.filter(round=ctx.finished_round).exists()
    assert AssessmentCriterion.objects.filter(round=ctx.live_round).exists()
    # The demo lead user's areas are at Getting Going or later and they have a submitted
    # application waiting.
    lead = ctx.users["lead"]
    for ref in ("R2-041", "R2-045"):
        area = Area.objects.get(reference=ref)
        assert area.stage != AreaStage.GETTING_READY
        assert area.lead_organisation.memberships.filter(user=lead).exists()
    assert Application.objects.filter(applicant=lead, status=ApplicationStatus.SUBMITTED).exists()
