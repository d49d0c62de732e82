"""The demo has a payment in every state of the payment workflow, and its money pages (finance
list, budget page, award page, dashboard) and the programme PDF render with them; the finance
list shows the payment awaiting its second approval and the money scheduled again after an
approved payment was cancelled, with both reasons."""

import re
import shutil

import pytest
from django.urls import reverse
from django.utils.html import escape

from accounts.models import User
from core.tests.demo_snapshot import load_demo_for_test
from demo.grants import CANCEL_REASON, RESCHEDULE_REASON
from grants.models import Payment
from grants.workflows import PAYMENT
from programmes.models import Round
from reports.models import ReportKind
from reports.rendering import report_pdf
from reports.sections import ReportContext
from reports.tests.conftest import pdf_text

pytestmark = pytest.mark.django_db


def test_the_demos_money_pages_render_with_a_payment_in_every_state(client, tmp_path):
    load_demo_for_test()
    assert set(Payment.objects.values_list("status", flat=True)) == set(PAYMENT.states)
    waiting = Payment.objects.get(status=Payment.Status.APPROVED_ONCE)
    # (An approved variation's new instalments carry a reason too: "Variation V-…".)
    rescheduled = Payment.objects.get(rescheduled_reason=RESCHEDULE_REASON)
    assert rescheduled.status == Payment.Status.SCHEDULED
    cancelled = rescheduled.award.payments.get(status=Payment.Status.CANCELLED)
    assert cancelled.approved_by and cancelled.cancelled_reason == CANCEL_REASON

    client.force_login(User.objects.get(username="pm"))
    for rnd in Round.objects.all():
        for url in (
            reverse("grants:round_budget", args=[rnd.slug]),
            reverse("reports:dashboard", args=[rnd.slug]),
        ):
            assert client.get(url).status_code == 200, url
    for award in (waiting.award, rescheduled.award):
        assert client.get(award.get_absolute_url()).status_code == 200
    body = client.get(reverse("grants:finance"), {"status": "approved_once"}).content.decode()
    assert f'id="select-{waiting.pk}"' in body
    # pm scheduled the money again, so it is the finance officer's to approve.
    client.force_login(User.objects.get(username="finance"))
    body = client.get(reverse("grants:finance"), {"show": "mine"}).content.decode()
    assert escape(f"Rescheduled after cancellation: {RESCHEDULE_REASON}") in body
    assert escape(CANCEL_REASON) in body
    assert 'data-four-eyes="second-approver"' in body  # the rescheduled money needs two

    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    rnd = waiting.award.area.round
    text = pdf_text(report_pdf(ReportContext(kind=ReportKind.PROGRAMME, round=rnd)), tmp_path)
    text = re.sub(r"\s+", " ", text)
    assert "Spend against budget" in text and "All years" in text
