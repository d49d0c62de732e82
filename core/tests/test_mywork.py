"""My work: every signed-in person starts on the list of what is waiting for them, gathered from
every app's providers, overdue first, each item linking to where it is done, with the count in
the menu; the page runs a fixed number of queries whatever the amount of work."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import AreaAssignmentFactory, UserFactory
from applications.tests.factories import (
    ApplicationFactory,
    GateFactory,
    GettingGoingMilestoneFactory,
)
from core.mywork import WorkGroup, WorkItem, work_count, work_for
from core.testing import today
from delivery.tests.factories import ProgressReturnFactory
from grants.tests.factories import AwardFactory, PaymentFactory, accept_offer
from plans.models import SignOff, SignOffParty
from plans.tests.factories import PeerReviewAssignmentFactory, PlanFactory, lead_member_of
from plans.workflows import PlanStatus
from programmes.models import AreaStage, Milestone
from programmes.tests.factories import AreaFactory, MilestoneFactory
from support.tests.factories import AdviserDayFactory, FollowUpFactory, SupportContactFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


def groups_by_heading(user):
    return {g.heading: g for g in work_for(user)}


def titles(group):
    return [i.title for i in group.items]


class TestOrdering:
    def test_overdue_first_then_soonest_then_undated(self):
        late = WorkItem("late", "/a/", due=today() - datetime.timedelta(days=2), today=today())
        soon = WorkItem("soon", "/b/", due=today() + datetime.timedelta(days=1), today=today())
        later = WorkItem("later", "/c/", due=today() + datetime.timedelta(days=9), today=today())
        undated = WorkItem("undated", "/d/", today=today())

        group = WorkGroup("G", [undated, later, soon, late])

        assert titles(group) == ["late", "soon", "later", "undated"]
        assert late.overdue and late.days_overdue == 2 and not soon.overdue

    def test_waiting_items_are_never_overdue_and_not_counted(self):
        waiting = WorkItem(
            "decision", "/x/", due=today() - datetime.timedelta(days=5), waiting=True
        )
        groups = [
            WorkGroup("Mine", [WorkItem("a", "/a/")]),
            WorkGroup("W", [waiting], waiting=True),
        ]

        assert not waiting.overdue
        assert work_count(groups) == 1


class TestStartPage:
    def test_everyone_lands_on_my_work(self, client_for, funder_officer):
        response = client_for(funder_officer).get(reverse("home"))

        assert response.status_code == 302
        assert response.url == reverse("mywork")

    def test_my_work_is_the_first_menu_item_with_a_count_loaded_after_the_page(
        self, client_for, funder_officer
    ):
        page = client_for(funder_officer).get(reverse("mywork")).content.decode()

        menu = page.split('aria-label="Main navigation"', 1)[1]
        assert menu.index("My work") < menu.index("Dashboard")
        assert f'hx-get="{reverse("mywork_count")}"' in menu

    def test_count_fragment(self, client_for, funder_officer):
        plan = PlanFactory(under_review=True)
        SignOff.objects.create(
            plan=plan,
            party=SignOffParty.PROGRAMME_MANAGER,
            user=UserFactory(),
            signed_at=timezone.now(),
        )
        plan.status = PlanStatus.PM_APPROVED
        plan.save()

        fragment = client_for(funder_officer).get(reverse("mywork_count")).content.decode()

        assert ">1<" in fragment


class TestManager:
    def test_applications_gates_plans_payments_and_overdue_returns(self, programme_manager):
        ApplicationFactory(submitted=True, area_name="Hollybank")
        ApplicationFactory(area_name="Still a draft")
        GateFactory(submitted=True)
        PlanFactory(final_submitted=True)
        award = accept_offer(AwardFactory())
        PaymentFactory(award=award)
        ProgressReturnFactory(overdue=True)
        ProgressReturnFactory()  # due, not overdue

        groups = groups_by_heading(programme_manager)

        assert titles(groups["Applications to assess"])[0].startswith("Hollybank")
        assert groups["Applications to assess"].total == 1
        assert groups["Stage gates to decide"].total == 1
        assert groups["Plans to review or sign"].total == 1
        assert groups["Payments to approve"].total == 1
        assert groups["Progress returns overdue"].total == 1
        assert groups["Progress returns overdue"].items[0].overdue

    def test_counts_agree_with_the_queue_pages(self, client_for, programme_manager):
        for _ in range(3):
            ApplicationFactory(submitted=True)
        ApplicationFactory(under_assessment=True)
        client = client_for(programme_manager)

        queue = client.get(reverse("applications:assessment_queue"))
        groups = groups_by_heading(programme_manager)

        assert queue.context["total"] == groups["Applications to assess"].total == 4

    def test_each_item_links_to_where_it_is_done(self, client_for, programme_manager):
        plan = PlanFactory(final_submitted=True)

        page = client_for(programme_manager).get(reverse("mywork")).content.decode()

        assert reverse("plans:review", args=[plan.area.reference]) in page


class TestFunder:
    def test_only_plans_waiting_for_the_funders_signature(self, funder_officer):
        PlanFactory(final_submitted=True)  # the manager starts the review first
        waiting = PlanFactory(under_review=True)

        group = groups_by_heading(funder_officer)["Plans to co-sign"]

        assert group.total == 1
        assert group.items[0].url == reverse("plans:review", args=[waiting.area.reference])

    def test_overdue_against_the_rounds_review_target(self, funder_officer):
        plan = PlanFactory(under_review=True)
        plan.final_submitted_at = timezone.now() - datetime.timedelta(
            days=plan.area.round.review_target_days + 3
        )
        plan.save()

        item = groups_by_heading(funder_officer)["Plans to co-sign"].items[0]

        assert item.overdue and item.days_overdue == 3


class TestFinance:
    def test_payments_to_approve_and_to_pay_under_four_eyes(self, finance_officer):
        award = accept_offer(AwardFactory())
        PaymentFactory(award=award)
        PaymentFactory(award=award, approved=True, approved_by=UserFactory(programme_manager=True))
        PaymentFactory(award=award, approved=True, approved_by=finance_officer)  # not theirs to pay

        groups = groups_by_heading(finance_officer)

        assert groups["Payments to approve"].total == 1
        assert groups["Payments to mark paid"].total == 1
        assert groups["Payments to approve"].more_url == reverse("grants:finance") + "?show=mine"


class TestRelationshipManager:
    def test_followups_risks_overdue_returns_and_bookings(self, relationship_manager):
        area = AreaFactory(stage=AreaStage.IMPLEMENTATION)
        other = AreaFactory(stage=AreaStage.IMPLEMENTATION)
        AreaAssignmentFactory(user=relationship_manager, area=area)
        contact = SupportContactFactory(area=area, logged_by=relationship_manager, high_risk=True)
        FollowUpFactory(contact=contact, overdue=True, action="Call the council")
        FollowUpFactory(contact=contact, action="Send the template")
        SupportContactFactory(area=other, high_risk=True)  # not their area
        ProgressReturnFactory(area=area, overdue=True)
        ProgressReturnFactory(area=other, overdue=True)
        AdviserDayFactory(area=area, planned=True, date=today() + datetime.timedelta(days=4))
        AdviserDayFactory(area=area, date=today() - datetime.timedelta(days=4))  # already given

        groups = groups_by_heading(relationship_manager)

        assert titles(groups["Follow-ups"]) == ["Call the council", "Send the template"]
        assert groups["Follow-ups"].items[0].overdue
        assert titles(groups["Areas at risk"]) == [f"{area.reference} {area.name}"]
        assert groups["Progress returns overdue"].total == 1
        assert groups["Adviser days coming up"].total == 1
        # Overdue work comes first.
        assert work_for(relationship_manager)[0].overdue_count


class TestLead:
    def test_next_step_with_its_date_and_what_they_wait_for(self):
        ready = AreaFactory(stage=AreaStage.GETTING_READY)
        lead = lead_member_of(ready, username="leaduser")
        milestone = GettingGoingMilestoneFactory(round=ready.round)
        going = AreaFactory(
            stage=AreaStage.GETTING_GOING,
            round=ready.round,
            lead_organisation=ready.lead_organisation,
        )
        MilestoneFactory(
            round=ready.round,
            kind=Milestone.Kind.FINAL_PLAN,
            due_on=today() + datetime.timedelta(days=20),
        )
        PlanFactory(area=going, draft_submitted=True)
        implementing = AreaFactory(
            stage=AreaStage.IMPLEMENTATION, lead_organisation=ready.lead_organisation
        )
        ProgressReturnFactory(area=implementing, overdue=True)

        groups = groups_by_heading(lead)

        gate = groups["Stage-gate applications to send"].items[0]
        assert gate.title == "Apply for the Getting Going grant" and gate.due == milestone.due_on
        plan = groups["Your operational plan"].items[0]
        assert plan.title == "Submit your final operational plan"
        assert plan.due == today() + datetime.timedelta(days=20)
        assert groups["Progress returns to send"].items[0].overdue

    def test_waiting_for_a_decision_and_sign_off(self):
        area = AreaFactory(stage=AreaStage.GETTING_GOING)
        lead = lead_member_of(area, username="leaduser")
        PlanFactory(area=area, final_submitted=True)
        GateFactory(area=AreaFactory(lead_organisation=area.lead_organisation), submitted=True)

        groups = groups_by_heading(lead)

        waiting = [g for g in work_for(lead) if g.waiting]
        assert {g.heading for g in waiting} == {
            "Plans waiting for sign-off",
            "Decisions on your applications",
        }
        assert "Your operational plan" not in groups
        assert work_count(work_for(lead)) == 0

    def test_peer_reviews_owed(self):
        area = AreaFactory(stage=AreaStage.GETTING_GOING)
        lead = lead_member_of(area, username="leaduser")
        other_plan = PlanFactory(draft_submitted=True)
        PeerReviewAssignmentFactory(plan=other_plan, reviewer_organisation=area.lead_organisation)

        group = groups_by_heading(lead)["Peer reviews to send"]

        assert group.items[0].title == f"Peer review the draft plan of {other_plan.area.name}"

    def test_another_organisations_work_never_shows(self):
        area = AreaFactory(stage=AreaStage.IMPLEMENTATION)
        lead = lead_member_of(area, username="leaduser")
        ProgressReturnFactory(overdue=True)  # someone else's area
        PlanFactory(draft_submitted=True)

        assert work_for(lead) == []


def _make_work(n, pm, rm):
    for _ in range(n):
        ApplicationFactory(submitted=True)
        GateFactory(submitted=True)
        PlanFactory(final_submitted=True)
        award = accept_offer(AwardFactory())
        PaymentFactory(award=award)
        r = ProgressReturnFactory(overdue=True)
        AreaAssignmentFactory(user=rm, area=r.area)
        contact = SupportContactFactory(area=r.area, logged_by=rm, high_risk=True)
        FollowUpFactory(contact=contact)
        AdviserDayFactory(area=r.area, planned=True, date=today() + datetime.timedelta(days=3))


@pytest.mark.parametrize("who", ["pm", "rm"])
def test_fixed_number_of_queries_at_two_sizes(
    who, client_for, programme_manager, relationship_manager, django_assert_max_num_queries
):
    user = programme_manager if who == "pm" else relationship_manager
    client = client_for(user)
    _make_work(2, programme_manager, relationship_manager)
    with django_assert_max_num_queries(30) as small:
        client.get(reverse("mywork"))
    _make_work(12, programme_manager, relationship_manager)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse("mywork"))
    assert "See all" in response.content.decode()


def _lead_work(n, organisation):
    for _ in range(n):
        ProgressReturnFactory(
            area=AreaFactory(stage=AreaStage.IMPLEMENTATION, lead_organisation=organisation),
            overdue=True,
        )
        going = AreaFactory(stage=AreaStage.GETTING_GOING, lead_organisation=organisation)
        MilestoneFactory(round=going.round, kind=Milestone.Kind.DRAFT_PLAN)
        PlanFactory(area=going)
        GateFactory(area=AreaFactory(lead_organisation=organisation))
        PeerReviewAssignmentFactory(
            plan=PlanFactory(draft_submitted=True), reviewer_organisation=organisation
        )


def test_a_leads_page_has_a_fixed_number_of_queries(client_for, django_assert_max_num_queries):
    home = AreaFactory()
    lead = lead_member_of(home, username="leaduser")
    client = client_for(lead)
    _lead_work(2, home.lead_organisation)
    with django_assert_max_num_queries(40) as small:
        client.get(reverse("mywork"))
    _lead_work(8, home.lead_organisation)
    with django_assert_max_num_queries(len(small.captured_queries)):
        page = client.get(reverse("mywork")).content.decode()
    assert "Submit your draft operational plan" in page
    assert "Send your progress return" in page


# Issue 13's target for key pages: at most 15 queries, the same however much work there is. The
# menu's count (fetched on every page) reads no items: a handful of queries, all of its counts in
# one.
@pytest.mark.parametrize(("url", "limit"), [("mywork", 15), ("mywork_count", 5)])
@pytest.mark.parametrize("who", ["pm", "rm"])
def test_at_most_15_queries_and_the_same_with_more_work(
    who, url, limit, client_for, programme_manager, relationship_manager
):
    user = programme_manager if who == "pm" else relationship_manager
    client = client_for(user)
    _make_work(2, programme_manager, relationship_manager)
    with CaptureQueriesContext(connection) as small:
        assert client.get(reverse(url)).status_code == 200
    _make_work(12, programme_manager, relationship_manager)
    with CaptureQueriesContext(connection) as large:
        response = client.get(reverse(url))
    assert len(small.captured_queries) <= limit
    assert len(large.captured_queries) == len(small.captured_queries)
    if url == "mywork":
        assert "See all" in response.content.decode()
    else:
        # The count without the items is the page's count.
        assert response.context["count"] == work_count(work_for(user)) > 5
