"""The programme and area PDFs tell the truth: drop-out in three outcomes, time to sign-off that
counts the plans still waiting, and an area report that does not pad itself with its own
request."""

import re

import pytest

from activity.services import activity_record
from core.testing import today
from programmes.tests.factories import AreaFactory, PartnerFactory
from reports.models import ReportKind
from reports.rendering import report_pdf
from reports.sections import ReportContext

from .waiting_round import build_waiting_round

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


def _squash(text):
    return re.sub(r"\s+", " ", text)


def _pages(text):
    return int(re.findall(r"Page \d+ of (\d+)", text)[0])


@pytest.fixture
def waiting_pdf(read_pdf):
    rnd, _ = build_waiting_round()
    return _squash(
        read_pdf(
            report_pdf(ReportContext(kind=ReportKind.PROGRAMME, round=rnd, report_date=today()))
        )
    )


def test_drop_out_table_separates_moved_on_in_progress_and_left(waiting_pdf):
    assert f"Figures as at {today():%-d %B %Y}" in waiting_pdf
    # Final plan submitted -> signed off: 4 reached, 1 moved on, 2 in review (median 85 days,
    # longest 130), 1 left: not "3 lost (75%)".
    assert "4 1 (25%) 2 (50%) 85, 130 1 (25%)" in waiting_pdf
    assert "14 9 (64%) 2 (14%) 20, 30 3 (21%)" in waiting_pdf
    assert "% lost" not in waiting_pdf


def test_time_to_sign_off_counts_the_plans_still_waiting(waiting_pdf):
    # One plan signed off after 20 days; two still waiting (130 and 40 days so far). The signed-off
    # plan alone would give "median 20 days"; counting the waiting ones, the median is not reached.
    assert "1 plan signed off, 1 of them within the 112-day target; 2 still waiting" in waiting_pdf
    assert "the longest for 130 days (1 already past the target)" in waiting_pdf
    assert "not yet reached" in waiting_pdf
    assert "median of 20 days, which leaves out the 2 still waiting" in waiting_pdf


def test_area_pdf_recent_activity_is_short_and_leaves_out_report_requests(read_pdf):
    area = AreaFactory(name="Abbey Fields")
    PartnerFactory(area=area, partner_type="nhs", organisation__name="Vale NHS Trust")
    for i in range(40):
        activity_record(verb="support.contact_logged", summary=f"Call number {i}", area=area)
    activity_record(
        verb="report.requested", summary="Area progress report requested: Abbey", area=area
    )
    text = read_pdf(report_pdf(ReportContext(kind=ReportKind.AREA_PROGRESS, area=area)))
    flat = _squash(text)
    assert "report requested" not in flat
    assert "Call number 39" in flat and "Call number 30" in flat
    assert "Call number 29" not in flat
    assert _pages(text) <= 4
