"""Pages in layers: anonymous -> login; wrong role or other area -> 403/404; right role -> 200."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from accounts.tests.factories import MembershipFactory, UserFactory
from plans import services
from plans.models import LogicModelRow, OperationalPlan, PeerReview
from plans.workflows import PlanStatus
from programmes.models import AreaStage
from programmes.tests.factories import AreaFactory, RoundFactory

from .factories import LogicModelFactory, PeerReviewAssignmentFactory, PlanFactory, lead_member_of

pytestmark = pytest.mark.django_db


def _url(name, area, *args):
    return reverse(f"plans:{name}", args=[area.reference, *args])


class TestWorkspace:
    def test_anonymous_redirected(self, client, gg_area):
        response = client.get(_url("workspace", gg_area))
        assert response.status_code == 302 and "/login" in response["Location"]

    def test_other_areas_user_404(self, client_for, gg_area):
        outsider = lead_member_of(AreaFactory())
        assert client_for(outsider).get(_url("workspace", gg_area)).status_code == 404
        assert client_for(outsider).get(_url("logic_model_edit", gg_area)).status_code == 404

    def test_author_sees_status_in_applicant_words_and_submit_button(
        self, client_for, ready_plan, author
    ):
        services.plan_submit_draft(plan=ready_plan, actor=author)
        page = client_for(author).get(_url("workspace", ready_plan.area)).content.decode()
        assert "Draft sent: you can keep improving it" in page
        assert "Submit final plan" in page
        assert "Link worker 1" in page  # the read-only logic model

    def test_staff_read_only(self, client_for, ready_plan, pm, relationship_manager):
        page = client_for(relationship_manager).get(_url("workspace", ready_plan.area))
        assert page.status_code == 200
        assert "Edit the logic model" not in page.content.decode()
        assert client_for(pm).get(_url("plan_edit", ready_plan.area)).status_code == 403


class TestEditors:
    def test_logic_model_formset_saves_in_displayed_order(self, client_for, gg_area, author):
        data = {
            "rows-TOTAL_FORMS": "3",
            "rows-INITIAL_FORMS": "0",
            "rows-MIN_NUM_FORMS": "0",
            "rows-MAX_NUM_FORMS": "1000",
            "rows-0-order": "2",
            "rows-0-inputs": "Second",
            "rows-1-order": "1",
            "rows-1-inputs": "First",
            "rows-2-order": "3",
            "rows-2-inputs": "Dropped",
            "rows-2-DELETE": "on",
        }
        response = client_for(author).post(_url("logic_model_edit", gg_area), data)
        assert response.status_code == 302
        rows = list(LogicModelRow.objects.filter(logic_model__area=gg_area).order_by("order"))
        assert [r.inputs for r in rows] == ["First", "Second"]

    def test_cba_page_shows_working(self, client_for, gg_area, author):
        data = {
            "costs-TOTAL_FORMS": "1",
            "costs-INITIAL_FORMS": "0",
            "costs-0-year": "0",
            "costs-0-description": "Worker",
            "costs-0-amount": "1000",
            "costs-0-borne_by": "Council",
            "benefits-TOTAL_FORMS": "1",
            "benefits-INITIAL_FORMS": "0",
            "benefits-0-year": "1",
            "benefits-0-description": "Savings",
            "benefits-0-amount": "2070",
            "benefits-0-benefit_type": "fiscal",
            "benefits-0-optimism_bias_pct": "0",
            "notes": "",
        }
        client = client_for(author)
        response = client.post(_url("cba_edit", gg_area), data, follow=True)
        page = response.content.decode()
        assert "£2,000.00" in page  # 2,070 / 1.035
        assert "£1,000.00" in page
        assert "2.00 : 1" in page
        assert "0.9662" in page

    def test_plan_editor_saves_sections_and_lines(self, client_for, gg_area, author):
        data = {
            "issues_and_why": "Why",
            "service_changes": "What",
            "budget-TOTAL_FORMS": "1",
            "budget-INITIAL_FORMS": "0",
            "budget-0-kind": "pooled",
            "budget-0-partner_name": "Leeds Council",
            "budget-0-amount": "25000",
            "resourcing-TOTAL_FORMS": "1",
            "resourcing-INITIAL_FORMS": "0",
            "resourcing-0-source": "external_grants",
            "resourcing-0-year": "2027",
            "resourcing-0-planned_amount": "12000",
        }
        response = client_for(author).post(_url("plan_edit", gg_area), data, follow=True)
        assert "Operational plan saved." in response.content.decode()
        plan = OperationalPlan.objects.get(area=gg_area)
        assert plan.budget_arrangements.get().partner_name == "Leeds Council"
        assert plan.resourcing_lines.get().year_label == "2027/28"
        assert "£25,000.00" in response.content.decode()

    def test_submit_final_refusal_shown_as_message(self, client_for, gg_area, author):
        plan = PlanFactory(area=gg_area)
        client = client_for(author)
        client.post(_url("submit_draft", gg_area))
        response = client.post(_url("submit_final", gg_area), follow=True)
        assert "Add a logic model with at least one row" in response.content.decode()
        plan.refresh_from_db()
        assert plan.status == PlanStatus.DRAFT_SUBMITTED


class TestReview:
    def _under_review(self, plan, author, pm):
        services.plan_submit_draft(plan=plan, actor=author)
        services.plan_submit_final(plan=plan, actor=author)
        services.plan_start_review(plan=plan, actor=pm)

    def test_lead_and_rm_forbidden(self, client_for, ready_plan, author, relationship_manager):
        for user in (author, relationship_manager):
            assert client_for(user).get(_url("review", ready_plan.area)).status_code == 403

    def test_shows_who_signed_and_who_is_awaited(self, client_for, ready_plan, author, pm, funder):
        self._under_review(ready_plan, author, pm)
        client = client_for(pm)
        client.post(
            _url("review", ready_plan.area),
            {"action": "sign_off", "sign-comment": "Yes", "confirm": "1"},
        )
        page = client_for(funder).get(_url("review", ready_plan.area)).content.decode()
        assert f"Signed by {escape(str(pm))}" in page
        assert "Awaited" in page
        assert "Sign off for the funder" in page

    def test_return_with_comments_per_section(self, client_for, ready_plan, author, pm):
        self._under_review(ready_plan, author, pm)
        response = client_for(pm).post(
            _url("review", ready_plan.area),
            {"action": "return", "ret-comment_risks": "Name the risks."},
            follow=True,
        )
        assert "Plan returned for changes" in response.content.decode()
        page = client_for(author).get(_url("workspace", ready_plan.area)).content.decode()
        assert "Name the risks." in page and "Returned for changes" in page

    def test_version_compare_page(self, client_for, ready_plan, author, pm):
        services.plan_submit_draft(plan=ready_plan, actor=author)
        ready_plan.risks = "New risks"
        ready_plan.save()
        services.plan_submit_final(plan=ready_plan, actor=author)
        page = client_for(pm).get(_url("version_compare", ready_plan.area)).content.decode()
        assert "version 1 to version 2" in page
        assert "<del>Staff</del><ins>New</ins> <del>turnover.</del><ins>risks</ins>" in page


# At midday in London: "45 days ago" read late in a winter evening falls after midnight of a
# summer-time day, one day fewer (seen at 23:05 GMT: 44 == 45).
@pytest.mark.usefixtures("clock")
class TestReviewQueue:
    def _plans(self, n, rnd):
        for i in range(n):
            area = AreaFactory(round=rnd, stage=AreaStage.GETTING_GOING)
            PlanFactory(
                area=area,
                under_review=True,
                final_submitted_at=timezone.now() - datetime.timedelta(days=5 + i * 20),
            )

    def test_layers(self, client, client_for, author, relationship_manager):
        url = reverse("plans:review_queue")
        assert client.get(url).status_code == 302
        assert client_for(author).get(url).status_code == 403
        assert client_for(relationship_manager).get(url).status_code == 403

    def test_overdue_highlighted_with_text(self, client_for, pm):
        rnd = RoundFactory(review_target_days=30)
        self._plans(3, rnd)  # waiting 5, 25 and 45 days
        response = client_for(pm).get(reverse("plans:review_queue"))
        page = response.content.decode()
        assert page.count('<span class="badge text-bg-danger">Overdue</span>') == 1
        assert "1 overdue" in page
        overdue_only = client_for(pm).get(reverse("plans:review_queue") + "?show=overdue")
        assert len(overdue_only.context["plans"]) == 1
        assert overdue_only.context["plans"][0].days_waiting == 45

    def test_fixed_number_of_queries(self, client_for, pm, django_assert_max_num_queries):
        rnd = RoundFactory()
        client = client_for(pm)
        self._plans(2, rnd)
        with django_assert_max_num_queries(12):
            assert len(client.get(reverse("plans:review_queue")).context["plans"]) == 2
        self._plans(20, rnd)
        with django_assert_max_num_queries(12):
            assert len(client.get(reverse("plans:review_queue")).context["plans"]) == 22


class TestPeerReviewPages:
    @pytest.fixture
    def assignment(self, db):
        rnd = RoundFactory()
        plan = PlanFactory(area=AreaFactory(round=rnd), draft_submitted=True)
        reviewer_area = AreaFactory(round=rnd)
        from .factories import PlanVersionFactory

        PlanVersionFactory(plan=plan, number=1)
        return PeerReviewAssignmentFactory(
            plan=plan, reviewer_organisation=reviewer_area.lead_organisation
        )

    def test_reviewer_sees_only_assigned_plans(self, client_for, assignment):
        reviewer = UserFactory(username="reviewer")
        MembershipFactory(user=reviewer, organisation=assignment.reviewer_organisation)
        other = PeerReviewAssignmentFactory()
        client = client_for(reviewer)
        listing = client.get(reverse("plans:peer_review_list")).content.decode()
        assert assignment.plan.area.name in listing
        assert other.plan.area.name not in listing
        assert client.get(reverse("plans:peer_review_detail", args=[other.pk])).status_code == 404
        # Nor can the reviewer open the other area's plan workspace.
        assert client.get(_url("workspace", assignment.plan.area)).status_code == 404

    def test_reviewer_sends_feedback_and_author_sees_it(self, client_for, assignment):
        reviewer = UserFactory(username="reviewer")
        MembershipFactory(user=reviewer, organisation=assignment.reviewer_organisation)
        url = reverse("plans:peer_review_detail", args=[assignment.pk])
        # GovS 015: a peer reviewer declares before reviewing (applications' declarations).
        from applications.services import peer_conflict_declare

        peer_conflict_declare(assignment=assignment, actor=reviewer, declaration="none")
        response = client_for(reviewer).post(
            url,
            {"strengths": "Clear aims", "suggestions": "Add costs", "overall_rating": "3"},
            follow=True,
        )
        assert "your peer review has been sent" in response.content.decode()
        assert PeerReview.objects.filter(assignment=assignment).exists()
        author = lead_member_of(assignment.plan.area, username="author2")
        page = client_for(author).get(_url("workspace", assignment.plan.area)).content.decode()
        assert "Clear aims" in page and "Add costs" in page

    def test_assign_page_for_pm_only(self, client_for, assignment, pm, funder):
        url = _url("peer_review_assign", assignment.plan.area)
        assert client_for(funder).get(url).status_code == 403
        page = client_for(pm).get(url)
        assert page.status_code == 200
        # The organisation already assigned is not offered again.
        offered = page.context["form"].fields["reviewer_organisations"].queryset
        assert assignment.reviewer_organisation not in offered
        assert offered.count() == 0  # the only other lead organisation in the round is assigned


def test_area_page_shows_plan_panel(client_for, ready_plan, author, pm):
    services.plan_submit_draft(plan=ready_plan, actor=author)
    page = client_for(author).get(ready_plan.area.get_absolute_url()).content.decode()
    assert "Plan documents" in page and "2 rows" in page
    assert "Programme manager: " in page and "awaited" in page


def test_navigation_links(client_for, pm, author):
    assert "Review queue" in client_for(pm).get(reverse("plans:review_queue")).content.decode()
    LogicModelFactory(area=AreaFactory())
    assert (
        "Peer reviews" in client_for(author).get(reverse("plans:peer_review_list")).content.decode()
    )


def test_plan_pages_use_the_area_breadcrumb_and_the_plan_badge(client_for, ready_plan, author, pm):
    services.plan_submit_draft(plan=ready_plan, actor=author)
    services.plan_submit_final(plan=ready_plan, actor=author)
    area = ready_plan.area
    workspace = client_for(author).get(_url("workspace", area)).content.decode()
    assert '<a href="/my-areas/">My areas</a>' in workspace
    assert 'aria-current="page">Plan</li>' in workspace
    assert '<span class="badge text-bg-primary">Final plan sent: waiting for review</span>' in (
        workspace
    )
    review = client_for(pm).get(_url("review", area)).content.decode()
    assert '<a href="/areas/">Areas</a>' in review
    assert f'<a href="{_url("workspace", area)}">Plan</a>' in review
    assert 'aria-current="page">Review</li>' in review
    assert '<span class="badge text-bg-primary">Final plan submitted</span>' in review
    assert "Start review</button>" in review
