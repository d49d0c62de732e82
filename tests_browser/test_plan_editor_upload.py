"""Issue 14 in a real browser: on the plan editor, type text, choose a file and upload it; the
page comes back with the text still there (saved first) and the document listed."""

import pytest
from playwright.sync_api import expect

from core.tests.sample_files import PDF
from plans.models import OperationalPlan, PlanAttachment
from plans.tests.factories import lead_member_of
from programmes.models import AreaStage
from programmes.tests.factories import AreaFactory, RoundFactory

from .conftest import login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "plan-editor-secret-42"


def test_uploading_a_document_keeps_the_typed_text(page, tmp_path):
    area = AreaFactory(round=RoundFactory(), stage=AreaStage.GETTING_GOING)
    author = lead_member_of(area, username="writer")
    author.set_password(PASSWORD)
    author.save()
    evidence = tmp_path / "evidence.pdf"
    evidence.write_bytes(PDF)

    login(page, "writer", PASSWORD)
    page.goto(f"/areas/{area.reference}/plan/edit/")
    typed = "Partners' budgets are cut; we agree a fallback with each partner."
    page.get_by_label("Risks").fill(typed)
    page.get_by_label("Title").fill("Evidence pack")
    page.get_by_label("File").set_input_files(str(evidence))
    page.get_by_role("button", name="Save and upload").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Operational plan")
    expect(page.get_by_label("Risks")).to_have_value(typed)
    docs = page.get_by_role("region", name="Supporting documents")
    expect(docs.get_by_role("link", name="Evidence pack")).to_be_visible()
    expect(page.locator(".messages")).to_contain_text("“Evidence pack” uploaded.")
    screenshot(page, "plan_editor_upload_kept_text")
    assert OperationalPlan.objects.get(area=area).risks == typed
    assert PlanAttachment.objects.filter(area=area, title="Evidence pack").exists()
