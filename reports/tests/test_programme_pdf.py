import datetime
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from delivery.models import FundingRecord, ProgressStatus, ReturnStatus
from delivery.tests.factories import ProgressReturnFactory
from plans.models import FundingSource, ResourcingLine, SignOff
from plans.tests.factories import LogicModelFactory, PlanFactory
from plans.workflows import PlanStatus
from programmes.tests.factories import AreaFactory
from reports.metrics import FUNNEL_STAGES
from reports.models import ReportKind
from reports.rendering import report_pdf
from reports.sections import ReportContext

from .known_round import FUNNEL, build_known_round

pytestmark = pytest.mark.django_db


def _squash(text):
    return re.sub(r"\s+", " ", text)


def test_programme_pdf_has_the_funnel_and_progression_numbers(read_pdf):
    rnd, areas = build_known_round()
    # The signed-off plan took 30 days from final submission to sign-off.
    plan = areas[0].operational_plan
    submitted = timezone.now() - datetime.timedelta(days=40)
    plan.final_submitted_at = submitted
    plan.decided_at = submitted + datetime.timedelta(days=30)
    plan.save()
    text = _squash(read_pdf(report_pdf(ReportContext(kind=ReportKind.PROGRAMME, round=rnd))))
    assert "Funnel" in text
    labels = dict(FUNNEL_STAGES)
    for stage, count in FUNNEL:
        assert re.search(rf"{labels[stage]} {count} \d+%", text), stage
    # Progression by type with the half-up share (1 of 8 -> 13%) and the total row.
    assert re.search(r"Other public service 1 13% 0 0% 0 0%", text)
    assert re.search(r"Total 8 100% 3 38% 1 13%", text)
    # Drop-out: of 11 applications, 8 admitted, none waiting, 3 left (27%).
    assert "Applications → Admitted 11 8 (73%) 0 (0%) — 3 (27%)" in text
    assert "Progression by theme" in text and "Housing" in text
    assert "Time from final plan to sign-off" in text and "30 days" in text


def test_programme_pdf_has_funding_and_implementation(read_pdf):
    rnd, areas = build_known_round()
    signed = areas[0]
    signed.stage = "implementation"
    signed.save()
    ResourcingLine.objects.create(
        plan=signed.operational_plan,
        source=FundingSource.EXTERNAL_GRANTS,
        year=2026,
        planned_amount=Decimal("20000"),
    )
    FundingRecord.objects.create(
        area=signed,
        source=FundingSource.EXTERNAL_GRANTS,
        year=2026,
        amount=Decimal("12500"),
        funder_name="Lottery",
    )
    ProgressReturnFactory(
        area=signed,
        status=ReturnStatus.SUBMITTED,
        submitted_at=timezone.now(),
        progress_status=ProgressStatus.BEHIND,
    )
    text = _squash(read_pdf(report_pdf(ReportContext(kind=ReportKind.PROGRAMME, round=rnd))))
    assert "Funding secured by source" in text
    assert "£20,000.00 £12,500.00" in text
    assert "Implementation status" in text and re.search(r"Behind schedule 1", text)


def test_area_pdf_has_plan_logic_model_and_delivery(read_pdf):
    from accounts.tests.factories import UserFactory

    area = AreaFactory(name="Chapeltown", stage="implementation")
    plan = PlanFactory(area=area, status=PlanStatus.SIGNED_OFF, final_submitted_at=timezone.now())
    SignOff.objects.create(
        plan=plan,
        party="programme_manager",
        user=UserFactory(programme_manager=True, first_name="Priya", last_name="Shah"),
        signed_at=timezone.now(),
    )
    LogicModelFactory(area=area)
    ResourcingLine.objects.create(
        plan=plan, source=FundingSource.IN_KIND, year=2026, planned_amount=Decimal("3000")
    )
    text = _squash(read_pdf(report_pdf(ReportContext(kind=ReportKind.AREA_PROGRESS, area=area))))
    assert "Operational plan and logic model" in text
    assert "Signed off" in text and "Priya Shah" in text
    assert "Inputs" in text and "No logic model has been recorded." not in text
    assert "Delivery: progress and funding" in text
    assert "No progress return has been submitted yet." in text
    assert "£3,000.00" in text
