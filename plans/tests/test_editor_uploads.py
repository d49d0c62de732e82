"""Issue 14: uploading (or removing) a document on the plan and strategy editors used to leave
the page and throw away unsaved text. The upload is now part of the editor's form: the text is
saved first and the editor comes back with both."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.tests.sample_files import PDF
from plans import services
from plans.models import DevelopmentStrategy, OperationalPlan, PlanAttachment

pytestmark = pytest.mark.django_db

EMPTY_LINES = {
    "budget-TOTAL_FORMS": "0",
    "budget-INITIAL_FORMS": "0",
    "resourcing-TOTAL_FORMS": "0",
    "resourcing-INITIAL_FORMS": "0",
}


def test_the_plan_editor_puts_the_upload_in_its_own_form(client_for, gg_area, author):
    page = client_for(author).get(reverse("plans:plan_edit", args=[gg_area.reference]))
    body = page.content.decode()
    assert 'enctype="multipart/form-data" id="editor-form"' in body
    assert 'name="doc-file"' in body and 'form="editor-form"' in body
    assert reverse("plans:attachment_upload", args=[gg_area.reference]) not in body


def test_uploading_saves_the_typed_text_first_and_stays_on_the_editor(client_for, gg_area, author):
    url = reverse("plans:plan_edit", args=[gg_area.reference])
    data = {
        **EMPTY_LINES,
        "risks": "Typed but never saved before the upload",
        "upload": "1",
        "doc-title": "Evidence pack",
        "doc-file": SimpleUploadedFile("evidence.pdf", PDF),
    }
    response = client_for(author).post(url, data, follow=True)
    assert response.redirect_chain[-1][0] == url
    body = response.content.decode()
    assert "Typed but never saved before the upload" in body
    assert "“Evidence pack” uploaded." in body
    plan = OperationalPlan.objects.get(area=gg_area)
    assert plan.risks == "Typed but never saved before the upload"
    assert PlanAttachment.objects.get(area=gg_area, document="plan").title == "Evidence pack"


def test_removing_a_document_keeps_the_typed_text(client_for, gg_area, author):
    attachment = services.attachment_add(
        area=gg_area, actor=author, uploaded_file=SimpleUploadedFile("old.pdf", PDF), title="Old"
    )
    url = reverse("plans:plan_edit", args=[gg_area.reference])
    data = {**EMPTY_LINES, "timetable": "Launch in May", "remove_attachment": str(attachment.pk)}
    response = client_for(author).post(url, data, follow=True)
    assert "Launch in May" in response.content.decode()
    assert OperationalPlan.objects.get(area=gg_area).timetable == "Launch in May"
    assert not PlanAttachment.objects.filter(pk=attachment.pk).exists()


def test_a_refused_file_still_saves_the_text(client_for, gg_area, author):
    url = reverse("plans:plan_edit", args=[gg_area.reference])
    data = {
        **EMPTY_LINES,
        "governance": "A board that meets monthly",
        "upload": "1",
        "doc-file": SimpleUploadedFile("notes.txt", b"hello"),
    }
    response = client_for(author).post(url, data, follow=True)
    body = response.content.decode()
    assert "Not uploaded:" in body and "A board that meets monthly" in body
    assert OperationalPlan.objects.get(area=gg_area).governance == "A board that meets monthly"
    assert not PlanAttachment.objects.exists()


def test_the_strategy_editor_saves_the_text_before_uploading(client_for, gg_area, author):
    url = reverse("plans:strategy_edit", args=[gg_area.reference])
    data = {
        "issues": "Typed strategy text",
        "evidence_of_need": "",
        "who_engaged": "",
        "upload": "1",
        "doc-file": SimpleUploadedFile("strategy.pdf", PDF),
    }
    response = client_for(author).post(url, data, follow=True)
    assert response.redirect_chain[-1][0] == url
    assert "Typed strategy text" in response.content.decode()
    assert DevelopmentStrategy.objects.get(area=gg_area).issues == "Typed strategy text"
    assert PlanAttachment.objects.filter(area=gg_area, document="strategy").exists()
