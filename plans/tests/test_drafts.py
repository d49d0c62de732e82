"""Issue 25: the plan editor keeps each section as a draft while it is typed, offers unsaved
drafts back after a crash, and saving the plan clears them. Drafts never touch the plan itself:
its text, status and versions change only through plan_save and the workflow."""

import datetime
import json

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils.html import escape

from plans import services
from plans.bounds import MAX_SECTION_CHARS
from plans.models import OperationalPlan, PlanSectionDraft, PlanVersion
from plans.workflows import PlanStatus
from programmes.tests.factories import AreaFactory

from .factories import PlanFactory, lead_member_of

pytestmark = pytest.mark.django_db

# 09:42 UTC on a summer day is 10:42 in London (BST): the editor speaks London time.
SUMMER_MORNING = datetime.datetime(2026, 7, 1, 9, 42, tzinfo=datetime.UTC)
TYPED = "A partnership board with two resident members, meeting monthly."


def _url(name, area):
    return reverse(f"plans:{name}", args=[area.reference])


@pytest.fixture
def summer():
    with time_machine.travel(SUMMER_MORNING, tick=False) as traveller:
        yield traveller


class TestDraftService:
    def test_lead_keeps_a_draft_and_the_plan_is_untouched(self, ready_plan, author):
        before = OperationalPlan.objects.get(pk=ready_plan.pk)
        draft = services.plan_draft_save(
            area=ready_plan.area, actor=author, section="governance", text=TYPED
        )
        assert (draft.section, draft.text, draft.saved_by) == ("governance", TYPED, author)
        plan = OperationalPlan.objects.get(pk=ready_plan.pk)
        assert plan.governance == before.governance
        assert (plan.status, plan.version_number, plan.updated_at) == (
            before.status,
            before.version_number,
            before.updated_at,
        )
        assert not PlanVersion.objects.filter(plan=plan).exists()

    def test_one_draft_per_section_the_latest_text_wins(self, ready_plan, author):
        for text in ("First go", TYPED):
            services.plan_draft_save(
                area=ready_plan.area, actor=author, section="governance", text=text
            )
        assert list(PlanSectionDraft.objects.values_list("section", "text")) == [
            ("governance", TYPED)
        ]

    def test_typing_back_to_the_saved_text_leaves_nothing_unsaved(self, ready_plan, author):
        area = ready_plan.area
        services.plan_draft_save(area=area, actor=author, section="risks", text="Changed")
        assert (
            services.plan_draft_save(
                area=area, actor=author, section="risks", text=ready_plan.risks
            )
            is None
        )
        assert not PlanSectionDraft.objects.exists()

    def test_a_draft_before_the_plan_exists_creates_no_plan(self, gg_area, author):
        services.plan_draft_save(area=gg_area, actor=author, section="risks", text=TYPED)
        assert PlanSectionDraft.objects.get().text == TYPED
        assert not OperationalPlan.objects.filter(area=gg_area).exists()

    @pytest.mark.parametrize(
        "state", ["final_submitted", "under_review"], ids=["final sent", "under review"]
    )
    def test_a_plan_closed_to_changes_takes_no_draft(self, gg_area, author, state):
        PlanFactory(area=gg_area, **{state: True})
        with pytest.raises(PermissionDenied, match="cannot be changed now"):
            services.plan_draft_save(area=gg_area, actor=author, section="risks", text=TYPED)
        assert not PlanSectionDraft.objects.exists()

    def test_returned_and_draft_sent_plans_take_drafts(self, gg_area, author):
        plan = PlanFactory(area=gg_area, draft_submitted=True)
        services.plan_draft_save(area=gg_area, actor=author, section="risks", text=TYPED)
        OperationalPlan.objects.filter(pk=plan.pk).update(status=PlanStatus.RETURNED)
        services.plan_draft_save(area=gg_area, actor=author, section="timetable", text=TYPED)
        assert PlanSectionDraft.objects.count() == 2

    def test_only_the_lead_organisation_keeps_drafts(self, ready_plan, pm, relationship_manager):
        outsider = lead_member_of(AreaFactory())
        for person in (pm, relationship_manager, outsider):
            with pytest.raises(PermissionDenied):
                services.plan_draft_save(
                    area=ready_plan.area, actor=person, section="risks", text=TYPED
                )
        assert not PlanSectionDraft.objects.exists()

    def test_unknown_section_and_overlong_text_refused_with_codes(self, ready_plan, author):
        with pytest.raises(ValidationError) as caught:
            services.plan_draft_save(
                area=ready_plan.area, actor=author, section="status", text="approved"
            )
        assert caught.value.error_dict["section"][0].code == "unknown_section"
        with pytest.raises(ValidationError) as caught:
            services.plan_draft_save(
                area=ready_plan.area,
                actor=author,
                section="risks",
                text="x" * (MAX_SECTION_CHARS + 1),
            )
        assert caught.value.error_dict["risks"][0].code == "too_long"
        assert not PlanSectionDraft.objects.exists()

    def test_saving_the_plan_clears_the_drafts(self, ready_plan, author):
        area = ready_plan.area
        services.plan_draft_save(area=area, actor=author, section="risks", text=TYPED)
        services.plan_draft_save(area=area, actor=author, section="governance", text=TYPED)
        services.plan_save(area=area, actor=author, sections={"risks": TYPED})
        assert not PlanSectionDraft.objects.filter(area=area).exists()

    def test_discard_removes_the_drafts_for_the_lead_only(self, ready_plan, author, pm):
        area = ready_plan.area
        services.plan_draft_save(area=area, actor=author, section="risks", text=TYPED)
        with pytest.raises(PermissionDenied):
            services.plan_drafts_discard(area=area, actor=pm)
        assert services.plan_drafts_discard(area=area, actor=author) == 1
        assert not PlanSectionDraft.objects.exists()


class TestDraftEndpoint:
    def test_anonymous_sent_to_sign_in(self, client, ready_plan):
        response = client.post(_url("plan_draft_save", ready_plan.area), {"section": "risks"})
        assert response.status_code == 302 and "/login" in response["Location"]

    def test_another_organisations_user_gets_404(self, client_for, ready_plan):
        outsider = lead_member_of(AreaFactory())
        response = client_for(outsider).post(
            _url("plan_draft_save", ready_plan.area), {"section": "risks", "text": TYPED}
        )
        assert response.status_code == 404
        assert not PlanSectionDraft.objects.exists()

    def test_staff_who_may_read_the_plan_are_refused(self, client_for, ready_plan, pm):
        response = client_for(pm).post(
            _url("plan_draft_save", ready_plan.area), {"section": "risks", "text": TYPED}
        )
        assert response.status_code == 403
        assert "lead organisation" in response.json()["error"]

    def test_lead_gets_the_london_time_it_was_kept(self, summer, client_for, gg_area, author):
        PlanFactory(area=gg_area)
        summer.shift(datetime.timedelta(minutes=5))
        response = client_for(author).post(
            _url("plan_draft_save", gg_area), {"section": "governance", "text": TYPED}
        )
        assert response.status_code == 200
        assert response.json()["saved_at_label"] == "10:47"
        assert PlanSectionDraft.objects.get().text == TYPED

    def test_closed_plan_refused_with_the_reason(self, client_for, gg_area, author):
        PlanFactory(area=gg_area, final_submitted=True)
        response = client_for(author).post(
            _url("plan_draft_save", gg_area), {"section": "risks", "text": TYPED}
        )
        assert response.status_code == 403
        assert "cannot be changed now" in response.json()["error"]

    def test_bad_section_is_a_400(self, client_for, ready_plan, author):
        response = client_for(author).post(
            _url("plan_draft_save", ready_plan.area), {"section": "nope", "text": TYPED}
        )
        assert response.status_code == 400
        assert response.json() == {"error": "Choose a section of the plan."}

    def test_get_is_not_allowed(self, client_for, ready_plan, author):
        assert client_for(author).get(_url("plan_draft_save", ready_plan.area)).status_code == 405


class TestRestoreOffer:
    def _draft_after_the_plan(self, summer, client, area):
        """A plan saved at 10:42 London time, then a draft of its governance kept later."""
        PlanFactory(area=area)
        summer.shift(datetime.timedelta(minutes=3))
        client.post(_url("plan_draft_save", area), {"section": "governance", "text": TYPED})

    def test_editor_offers_newer_drafts(self, summer, client_for, gg_area, author):
        client = client_for(author)
        self._draft_after_the_plan(summer, client, gg_area)
        page = client.get(_url("plan_edit", gg_area)).content.decode()
        assert "You have unsaved changes from 10:45" in page
        assert "in: Governance." in page
        assert f"{_url('plan_edit', gg_area)}?drafts=restore" in page
        # Offered, not yet put in the form: the field shows the saved plan.
        assert escape(TYPED) not in page

    def test_drafts_by_a_colleague_name_them(self, summer, client_for, gg_area, author):
        colleague = lead_member_of(gg_area, username="colleague", first_name="Ada")
        self._draft_after_the_plan(summer, client_for(colleague), gg_area)
        page = client_for(author).get(_url("plan_edit", gg_area)).content.decode()
        assert f"(typed by {escape(str(colleague))})" in page

    def test_restore_fills_the_fields(self, summer, client_for, gg_area, author):
        client = client_for(author)
        self._draft_after_the_plan(summer, client, gg_area)
        page = client.get(_url("plan_edit", gg_area) + "?drafts=restore").content.decode()
        assert escape(TYPED) in page
        assert "Your unsaved changes from 10:45 are back in the form (Governance)" in page
        assert 'data-unsaved="true"' in page
        # Restoring shows the text; only saving puts it in the plan.
        assert OperationalPlan.objects.get(area=gg_area).governance != TYPED

    def test_drafts_older_than_the_plan_are_not_offered(self, summer, client_for, gg_area, author):
        client = client_for(author)
        self._draft_after_the_plan(summer, client, gg_area)
        summer.shift(datetime.timedelta(minutes=1))
        plan = OperationalPlan.objects.get(area=gg_area)
        plan.save()  # written again after the draft (as a submission or a return does)
        page = client.get(_url("plan_edit", gg_area)).content.decode()
        assert "unsaved changes" not in page
        assert 'data-unsaved="true"' not in page

    def test_discard_throws_the_drafts_away(self, summer, client_for, gg_area, author):
        client = client_for(author)
        self._draft_after_the_plan(summer, client, gg_area)
        response = client.post(_url("plan_drafts_discard", gg_area), follow=True)
        assert response.redirect_chain[-1][0] == _url("plan_edit", gg_area)
        assert "Unsaved changes discarded" in response.content.decode()
        assert not PlanSectionDraft.objects.exists()

    def test_discard_by_another_organisation_is_a_404(self, summer, client_for, gg_area, author):
        self._draft_after_the_plan(summer, client_for(author), gg_area)
        outsider = lead_member_of(AreaFactory())
        response = client_for(outsider).post(_url("plan_drafts_discard", gg_area))
        assert response.status_code == 404
        assert PlanSectionDraft.objects.count() == 1

    def test_saving_from_the_editor_clears_the_offer(self, summer, client_for, gg_area, author):
        client = client_for(author)
        self._draft_after_the_plan(summer, client, gg_area)
        data = {
            "governance": TYPED,
            "budget-TOTAL_FORMS": "0",
            "budget-INITIAL_FORMS": "0",
            "resourcing-TOTAL_FORMS": "0",
            "resourcing-INITIAL_FORMS": "0",
        }
        response = client.post(_url("plan_edit", gg_area), data, follow=True)
        assert "Operational plan saved." in response.content.decode()
        assert OperationalPlan.objects.get(area=gg_area).governance == TYPED
        assert not PlanSectionDraft.objects.exists()
        assert "unsaved changes" not in client.get(_url("plan_edit", gg_area)).content.decode()


def test_editor_page_carries_the_draft_address_and_limits(client_for, ready_plan, author):
    page = client_for(author).get(_url("plan_edit", ready_plan.area)).content.decode()
    assert f'data-draft-url="{_url("plan_draft_save", ready_plan.area)}"' in page
    assert f'maxlength="{MAX_SECTION_CHARS}"' in page
    assert 'data-draft-section="governance"' in page
    assert "plans/plan_editor" in page  # the script, from static (no inline script)


def test_drafts_are_json_for_the_script(client_for, ready_plan, author):
    response = client_for(author).post(
        _url("plan_draft_save", ready_plan.area), {"section": "risks", "text": TYPED}
    )
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content)["section"] == "risks"
