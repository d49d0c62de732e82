import datetime
from decimal import Decimal

import pytest

from activity.models import Visibility
from activity.services import activity_record
from grants.models import Award, Payment
from programmes.models import AreaStage, OrganisationType
from programmes.services import area_move
from programmes.tests.factories import AreaFactory, OrganisationFactory, PartnerFactory
from reports.models import Audience, ReportKind
from reports.rendering import ReportRenderError, report_html, report_pdf
from reports.sections import ReportContext
from support.tests.factories import AdviserDayFactory, SupportContactFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def rich_area(programme_manager):
    area = AreaFactory(
        name="Abbey Fields", lead_organisation__name="Abbey Community Trust", local_authority="York"
    )
    PartnerFactory(area=area, organisation__name="York City Council")
    area_move(
        area=area,
        stage=AreaStage.GETTING_GOING,
        actor=programme_manager,
        summary="Getting Going grant approved",
        occurred_at=datetime.datetime(2026, 3, 2, 10, tzinfo=datetime.UTC),
    )
    activity_record(
        verb="note.staff", summary="Staff-only note about governance", area=area, actor=None
    )
    activity_record(
        verb="plan.submitted",
        summary="Draft plan submitted",
        area=area,
        visibility=Visibility.AREA,
    )
    SupportContactFactory(area=area, high_risk=True)
    AdviserDayFactory(area=area, adviser_name="Sam Adviser", days=Decimal("1.5"))
    award = Award.objects.create(
        area=area, stage="getting_ready", amount=Decimal("3000.00"), total_scheduled=Decimal("0")
    )
    Payment.objects.create(
        award=award, amount=Decimal("3000.00"), status="paid", paid_on=datetime.date(2026, 2, 1)
    )
    return area


def test_area_report_pdf_has_cover_contents_page_numbers_and_sections(rich_area, read_pdf):
    text = read_pdf(report_pdf(ReportContext(kind=ReportKind.AREA_PROGRESS, area=rich_area)))
    assert "Area progress report" in text
    assert "Abbey Fields" in text and "Abbey Community Trust" in text
    assert "Page 1 of" in text and "Page 2 of" in text
    assert "Contents" in text
    for heading in ("The area", "Lead organisation and partners", "Stage history", "Grants"):
        assert heading in text
    assert "York City Council" in text
    assert "Getting Going grant approved" in text and "2 Mar 2026" in text
    assert "£3,000.00" in text
    assert "Sam Adviser" in text


def test_staff_edition_shows_risks_and_staff_entries(rich_area, read_pdf):
    text = read_pdf(report_pdf(ReportContext(kind=ReportKind.AREA_PROGRESS, area=rich_area)))
    assert "Lead officer leaving" in text
    assert "Staff-only note about governance" in text


def test_lead_organisation_edition_leaves_out_staff_only_material(rich_area, read_pdf):
    ctx = ReportContext(kind=ReportKind.AREA_PROGRESS, area=rich_area, audience=Audience.AREA)
    text = read_pdf(report_pdf(ctx))
    assert "Abbey Fields" in text and "Draft plan submitted" in text
    assert "Lead officer leaving" not in text
    assert "Staff-only note about governance" not in text
    assert "Sam Adviser" in text  # adviser days are shared with the area


def test_sections_without_data_are_left_out_of_report_and_contents():
    area = AreaFactory()
    html = report_html(ReportContext(kind=ReportKind.AREA_PROGRESS, area=area))
    assert 'id="sec-area_overview"' in html
    assert "sec-area_grants" not in html and "sec-area_support" not in html


def test_progress_is_reported_per_section_and_rises():
    area = AreaFactory()
    seen = []
    report_pdf(
        ReportContext(kind=ReportKind.AREA_PROGRESS, area=area),
        on_progress=lambda p, m: seen.append((p, m)),
    )
    percents = [p for p, _ in seen]
    assert len(seen) >= 6
    assert percents == sorted(percents) and percents[-1] < 100
    assert any("stage history" in m for _, m in seen)


def test_programme_report_counts_the_rounds_areas_by_stage_and_type(read_pdf):
    first = AreaFactory(lead_organisation__org_type=OrganisationType.PARISH_COUNCIL)
    rnd = first.round
    AreaFactory(round=rnd, lead_organisation=OrganisationFactory())
    moved = AreaFactory(round=rnd)
    area_move(area=moved, stage=AreaStage.IMPLEMENTATION)
    AreaFactory()  # another round: not counted
    html = report_html(ReportContext(kind=ReportKind.PROGRAMME, round=rnd))
    assert "<svg" in html
    text = read_pdf(report_pdf(ReportContext(kind=ReportKind.PROGRAMME, round=rnd)))
    assert "Programme report" in text and rnd.name in text
    # The stat label wraps in its box ("AREAS IN THE / ROUND"), so read its first line.
    assert "AREAS IN THE" in text.upper()
    lines = [line.split() for line in text.splitlines()]
    assert ["Getting", "Ready", "2", "67%"] in lines
    assert ["Implementation", "1", "33%"] in lines
    assert any(row[:4] == ["Parish", "or", "town", "council"] and row[-1] == "1" for row in lines)


def test_unknown_kind_is_a_readable_error():
    with pytest.raises(ReportRenderError, match="no report of kind"):
        report_html(ReportContext(kind="nonsense", area=AreaFactory()))
