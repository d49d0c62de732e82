"""The plan's workflow through its services: moves per role, refusals with reasons, versions,
sign-off in both orders, the held payment released exactly once."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.tests.factories import UserFactory
from core.testing import today
from grants.models import Payment
from grants.services import award_grant
from plans import selectors, services
from plans.models import PlanVersion, SectionComment, SignOff
from plans.workflows import PLAN, PlanStatus
from programmes.models import AreaStage, Stage
from programmes.tests.factories import AreaFactory

from .factories import CbaFactory, CostLineFactory, PlanFactory, lead_member_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


def _to_review(plan, author, pm):
    services.plan_submit_draft(plan=plan, actor=author)
    services.plan_submit_final(plan=plan, actor=author)
    services.plan_start_review(plan=plan, actor=pm)
    return plan


class TestCheckMove:
    def test_lead_can_submit_draft_but_not_start_review(self, author, pm):
        assert PLAN.allows(PlanStatus.DRAFT, PlanStatus.DRAFT_SUBMITTED, author) == (True, "")
        allowed, reason = PLAN.allows(PlanStatus.FINAL_SUBMITTED, PlanStatus.UNDER_REVIEW, author)
        assert not allowed
        assert reason == "Only a programme manager can do this."

    def test_pm_cannot_submit_the_areas_plan(self, pm):
        allowed, reason = PLAN.allows(PlanStatus.DRAFT, PlanStatus.DRAFT_SUBMITTED, pm)
        assert not allowed and "lead organisation" in reason

    def test_impossible_move_explains_itself(self, pm):
        allowed, reason = PLAN.allows(PlanStatus.DRAFT, PlanStatus.SIGNED_OFF, pm)
        assert not allowed
        assert reason == "A plan that is draft cannot become signed off."

    def test_funder_first_only_in_parallel_round(self, funder):
        assert PLAN.allows(
            PlanStatus.UNDER_REVIEW, PlanStatus.FUNDER_APPROVED, funder, sign_off_order="parallel"
        )[0]
        allowed, reason = PLAN.allows(
            PlanStatus.UNDER_REVIEW, PlanStatus.FUNDER_APPROVED, funder, sign_off_order="sequential"
        )
        assert not allowed and "programme manager signs off first" in reason


class TestSubmission:
    def test_draft_then_final_freezes_numbered_versions(self, ready_plan, author):
        services.plan_submit_draft(plan=ready_plan, actor=author)
        ready_plan.service_changes = "Changed after the draft."
        ready_plan.save()
        services.plan_submit_final(plan=ready_plan, actor=author)
        versions = list(ready_plan.versions.order_by("number"))
        assert [(v.number, v.kind) for v in versions] == [(1, "draft"), (2, "final")]
        assert versions[0].content["sections"]["service_changes"] != "Changed after the draft."
        assert versions[1].content["sections"]["service_changes"] == "Changed after the draft."
        assert len(versions[1].content["logic_model"]) == 2
        ready_plan.refresh_from_db()
        assert ready_plan.status == PlanStatus.FINAL_SUBMITTED
        assert ready_plan.final_submitted_at is not None

    def test_final_refused_without_logic_model(self, gg_area, author):
        plan = PlanFactory(area=gg_area, draft_submitted=True)
        with pytest.raises(ValidationError) as exc:
            services.plan_submit_final(plan=plan, actor=author)
        assert "logic model" in exc.value.messages[0]
        plan.refresh_from_db()
        assert plan.status == PlanStatus.DRAFT_SUBMITTED
        assert not PlanVersion.objects.filter(plan=plan).exists()

    def test_final_refused_without_required_cba(self, ready_plan, author, monkeypatch):
        monkeypatch.setattr("plans.selectors.area_requires_cba", lambda area: True)
        services.plan_submit_draft(plan=ready_plan, actor=author)
        with pytest.raises(ValidationError) as exc:
            services.plan_submit_final(plan=ready_plan, actor=author)
        assert "cost benefit analysis" in exc.value.messages[0]
        # A CBA with costs but no benefits is still not enough.
        CostLineFactory(cba=CbaFactory(area=ready_plan.area))
        with pytest.raises(ValidationError):
            services.plan_submit_final(plan=ready_plan, actor=author)

    def test_final_accepted_with_required_cba(self, ready_plan, author, monkeypatch):
        monkeypatch.setattr("plans.selectors.area_requires_cba", lambda area: True)
        CbaFactory(area=ready_plan.area, with_lines=True)
        services.plan_submit_draft(plan=ready_plan, actor=author)
        services.plan_submit_final(plan=ready_plan, actor=author)
        assert ready_plan.status == PlanStatus.FINAL_SUBMITTED
        assert ready_plan.versions.get(number=2).content["cba"]["npv"]

    def test_cba_not_required_when_gate_did_not_ask(self, ready_plan, author):
        services.plan_submit_draft(plan=ready_plan, actor=author)
        services.plan_submit_final(plan=ready_plan, actor=author)
        assert ready_plan.status == PlanStatus.FINAL_SUBMITTED

    def test_final_before_draft_refused(self, ready_plan, author):
        with pytest.raises(ValidationError) as exc:
            services.plan_submit_final(plan=ready_plan, actor=author)
        assert "draft cannot become final plan submitted" in exc.value.messages[0]

    def test_other_areas_user_cannot_submit(self, ready_plan):
        outsider = lead_member_of(AreaFactory(), username="outsider")
        with pytest.raises(PermissionDenied):
            services.plan_submit_draft(plan=ready_plan, actor=outsider)

    def test_pm_cannot_start_review_of_a_draft(self, ready_plan, pm):
        with pytest.raises(ValidationError):
            services.plan_start_review(plan=ready_plan, actor=pm)

    def test_lead_cannot_start_review(self, ready_plan, author):
        services.plan_submit_draft(plan=ready_plan, actor=author)
        services.plan_submit_final(plan=ready_plan, actor=author)
        with pytest.raises(ValidationError) as exc:
            services.plan_start_review(plan=ready_plan, actor=author)
        assert "Only a programme manager" in exc.value.messages[0]


class TestRetention:
    @pytest.fixture
    def award(self, gg_area, pm):
        return award_grant(
            area=gg_area, stage=Stage.GETTING_GOING, amount=Decimal("10000"), actor=pm
        )

    def test_released_once_even_after_return_and_resubmission(self, ready_plan, author, pm, award):
        held = award.payments.get(status=Payment.Status.HELD)
        assert held.amount == Decimal("1000.00")
        _to_review(ready_plan, author, pm)
        held.refresh_from_db()
        assert held.status == Payment.Status.SCHEDULED
        released_at = held.released_at

        services.plan_return(plan=ready_plan, actor=pm, comments={"risks": "Say more."})
        services.plan_submit_final(plan=ready_plan, actor=author)
        held.refresh_from_db()
        assert held.released_at == released_at
        assert award.payments.filter(kind=Payment.Kind.RETENTION).count() == 1

    def test_retention_service_called_exactly_once(self, ready_plan, author, pm, monkeypatch):
        calls = []
        monkeypatch.setattr(
            "grants.services.retention_release", lambda **kw: calls.append(kw) or []
        )
        _to_review(ready_plan, author, pm)
        services.plan_return(plan=ready_plan, actor=pm, comments={"risks": "Say more."})
        services.plan_submit_final(plan=ready_plan, actor=author)
        assert len(calls) == 1
        assert calls[0]["area"] == ready_plan.area


class TestReturnAndNotApprove:
    def test_return_records_comments_per_section_and_reopens(self, ready_plan, author, pm):
        _to_review(ready_plan, author, pm)
        services.plan_return(
            plan=ready_plan,
            actor=pm,
            comments={
                "risks": "What if the council withdraws?",
                "timetable": "",
                "governance": "Who chairs?",
            },
        )
        ready_plan.refresh_from_db()
        assert ready_plan.status == PlanStatus.RETURNED
        assert ready_plan.is_editable
        comments = {c.section: c.comment for c in SectionComment.objects.filter(plan=ready_plan)}
        assert comments == {"risks": "What if the council withdraws?", "governance": "Who chairs?"}
        assert SectionComment.objects.filter(plan=ready_plan, version__number=2).count() == 2
        services.plan_submit_final(plan=ready_plan, actor=author)
        assert ready_plan.version_number == 3

    def test_return_needs_a_comment(self, ready_plan, author, pm):
        _to_review(ready_plan, author, pm)
        with pytest.raises(ValidationError):
            services.plan_return(plan=ready_plan, actor=pm, comments={"risks": "  "})

    def test_return_withdraws_signatures_but_keeps_the_record(self, ready_plan, author, pm):
        _to_review(ready_plan, author, pm)
        services.plan_sign_off(plan=ready_plan, actor=pm)
        services.plan_return(plan=ready_plan, actor=pm, comments={"general": "One more thing."})
        # The signature no longer counts, but the audit record of it stays (issue 10).
        kept = SignOff.objects.get(plan=ready_plan)
        assert kept.user == pm and kept.superseded_at is not None
        state = {row["party"]: row["sign_off"] for row in selectors.sign_off_state(ready_plan)}
        assert all(signed is None for signed in state.values())
        # Resubmitted and reviewed again, the same party signs afresh.
        services.plan_submit_final(plan=ready_plan, actor=author)
        services.plan_start_review(plan=ready_plan, actor=pm)
        services.plan_sign_off(plan=ready_plan, actor=pm)
        assert ready_plan.status == PlanStatus.PM_APPROVED
        assert SignOff.objects.filter(plan=ready_plan).count() == 2
        assert SignOff.objects.filter(plan=ready_plan, superseded_at__isnull=True).count() == 1

    def test_not_approve_needs_reasons_and_is_final(self, ready_plan, author, pm):
        _to_review(ready_plan, author, pm)
        with pytest.raises(ValidationError):
            services.plan_not_approve(plan=ready_plan, actor=pm, reasons="")
        services.plan_not_approve(plan=ready_plan, actor=pm, reasons="No partner commitment.")
        assert ready_plan.status == PlanStatus.NOT_APPROVED
        assert ready_plan.decision_reason == "No partner commitment."
        with pytest.raises(ValidationError):
            services.plan_submit_final(plan=ready_plan, actor=author)

    def test_lead_cannot_return_own_plan(self, ready_plan, author, pm):
        _to_review(ready_plan, author, pm)
        with pytest.raises(ValidationError):
            services.plan_return(plan=ready_plan, actor=author, comments={"risks": "x"})


class TestSignOff:
    @pytest.mark.parametrize("first", ["pm", "funder"])
    def test_parallel_round_either_order(self, ready_plan, author, pm, funder, first):
        _to_review(ready_plan, author, pm)
        signers = [pm, funder] if first == "pm" else [funder, pm]
        services.plan_sign_off(plan=ready_plan, actor=signers[0], comment="Good plan.")
        ready_plan.refresh_from_db()
        assert ready_plan.status == (
            PlanStatus.PM_APPROVED if first == "pm" else PlanStatus.FUNDER_APPROVED
        )
        ready_plan.area.refresh_from_db()
        assert ready_plan.area.stage == AreaStage.GETTING_GOING
        services.plan_sign_off(plan=ready_plan, actor=signers[1])
        ready_plan.refresh_from_db()
        assert ready_plan.status == PlanStatus.SIGNED_OFF
        ready_plan.area.refresh_from_db()
        assert ready_plan.area.stage == AreaStage.IMPLEMENTATION
        parties = {s.party: s.user for s in ready_plan.sign_offs.all()}
        assert parties == {"programme_manager": pm, "funder": funder}

    def test_sequential_round_refuses_funder_first(self, sequential_round, pm, funder):
        area = AreaFactory(round=sequential_round, stage=AreaStage.GETTING_GOING)
        author = lead_member_of(area)
        from .factories import LogicModelFactory

        LogicModelFactory(area=area)
        plan = _to_review(PlanFactory(area=area), author, pm)
        with pytest.raises(ValidationError) as exc:
            services.plan_sign_off(plan=plan, actor=funder)
        assert "programme manager signs off first" in exc.value.messages[0]
        assert not plan.sign_offs.exists()
        services.plan_sign_off(plan=plan, actor=pm)
        services.plan_sign_off(plan=plan, actor=funder)
        plan.refresh_from_db()
        assert plan.status == PlanStatus.SIGNED_OFF

    def test_same_party_cannot_sign_twice(self, ready_plan, author, pm):
        _to_review(ready_plan, author, pm)
        services.plan_sign_off(plan=ready_plan, actor=pm)
        other_pm = UserFactory(programme_manager=True)
        with pytest.raises(ValidationError) as exc:
            services.plan_sign_off(plan=ready_plan, actor=other_pm)
        assert "already signed" in exc.value.messages[0]

    def test_lead_and_rm_cannot_sign(self, ready_plan, author, pm, relationship_manager):
        _to_review(ready_plan, author, pm)
        for user in (author, relationship_manager):
            with pytest.raises(PermissionDenied):
                services.plan_sign_off(plan=ready_plan, actor=user)

    def test_cannot_sign_before_review_starts(self, ready_plan, author, pm):
        services.plan_submit_draft(plan=ready_plan, actor=author)
        services.plan_submit_final(plan=ready_plan, actor=author)
        with pytest.raises(ValidationError):
            services.plan_sign_off(plan=ready_plan, actor=pm)


class TestPeerReview:
    def _orgs(self, area, n):
        return [AreaFactory(round=area.round).lead_organisation for _ in range(n)]

    def test_assign_two_reviewers_and_submit(self, ready_plan, author, pm):
        services.plan_submit_draft(plan=ready_plan, actor=author)
        orgs = self._orgs(ready_plan.area, 2)
        due = today() + datetime.timedelta(days=21)
        created = services.peer_review_assign(
            plan=ready_plan, reviewer_organisations=orgs, actor=pm, due_on=due
        )
        assert len(created) == 2
        reviewer = UserFactory()
        from accounts.tests.factories import MembershipFactory

        MembershipFactory(user=reviewer, organisation=orgs[0])
        from applications.services import peer_conflict_declare

        peer_conflict_declare(assignment=created[0], actor=reviewer, declaration="none")
        review = services.peer_review_submit(
            assignment=created[0],
            actor=reviewer,
            strengths="Clear",
            suggestions="Add numbers",
            overall_rating=3,
        )
        assert review.pk
        with pytest.raises(PermissionDenied):
            services.peer_review_submit(
                assignment=created[0],
                actor=reviewer,
                strengths="a",
                suggestions="b",
                overall_rating=2,
            )
        with pytest.raises(PermissionDenied):
            services.peer_review_submit(
                assignment=created[1],
                actor=reviewer,
                strengths="a",
                suggestions="b",
                overall_rating=2,
            )

    def test_at_least_two_when_round_requires(self, ready_plan, author, pm):
        services.plan_submit_draft(plan=ready_plan, actor=author)
        due = today() + datetime.timedelta(days=21)
        with pytest.raises(ValidationError) as exc:
            services.peer_review_assign(
                plan=ready_plan,
                reviewer_organisations=self._orgs(ready_plan.area, 1),
                actor=pm,
                due_on=due,
            )
        assert "at least two" in str(exc.value)

    def test_reviewers_must_be_other_leads_in_same_round(self, ready_plan, author, pm):
        services.plan_submit_draft(plan=ready_plan, actor=author)
        other_round_org = AreaFactory().lead_organisation
        due = today() + datetime.timedelta(days=21)
        with pytest.raises(ValidationError) as exc:
            services.peer_review_assign(
                plan=ready_plan,
                reviewer_organisations=[*self._orgs(ready_plan.area, 1), other_round_org],
                actor=pm,
                due_on=due,
            )
        assert other_round_org.name in str(exc.value)
        with pytest.raises(ValidationError):
            services.peer_review_assign(
                plan=ready_plan,
                reviewer_organisations=[
                    ready_plan.area.lead_organisation,
                    *self._orgs(ready_plan.area, 1),
                ],
                actor=pm,
                due_on=due,
            )

    def test_only_pm_assigns(self, ready_plan, author, funder):
        services.plan_submit_draft(plan=ready_plan, actor=author)
        with pytest.raises(PermissionDenied):
            services.peer_review_assign(
                plan=ready_plan,
                reviewer_organisations=self._orgs(ready_plan.area, 2),
                actor=funder,
                due_on=today(),
            )


def test_gate_decision_requiring_a_cba_blocks_the_final_plan(ready_plan, author):
    """Against the real applications selector: an approved Getting Going gate with cba_required."""
    from applications.models import GateApplication, GateStatus
    from programmes.tests.factories import MilestoneFactory

    gate = GateApplication.objects.create(
        area=ready_plan.area,
        target_stage=Stage.GETTING_GOING,
        amount_requested=Decimal("10000"),
        milestone=MilestoneFactory(round=ready_plan.area.round),
    )
    GateApplication.objects.filter(pk=gate.pk).update(status=GateStatus.APPROVED, cba_required=True)
    services.plan_submit_draft(plan=ready_plan, actor=author)
    with pytest.raises(ValidationError) as exc:
        services.plan_submit_final(plan=ready_plan, actor=author)
    assert "must include a cost benefit analysis" in exc.value.messages[0]
    CbaFactory(area=ready_plan.area, with_lines=True)
    services.plan_submit_final(plan=ready_plan, actor=author)
    assert ready_plan.status == PlanStatus.FINAL_SUBMITTED


def test_a_plan_of_an_area_that_left_cannot_be_submitted_or_signed_off(
    ready_plan, author, pm, funder
):
    from applications.services import area_leave

    services.plan_submit_draft(plan=ready_plan, actor=author)
    services.plan_submit_final(plan=ready_plan, actor=author)
    services.plan_start_review(plan=ready_plan, actor=pm)
    services.plan_sign_off(plan=ready_plan, actor=pm)
    area_leave(area=ready_plan.area, outcome="withdrawn", reasons="Dissolved.", actor=pm)
    with pytest.raises(
        ValidationError, match="has left the programme \\(withdrawn\\), so its plan"
    ):
        services.plan_sign_off(plan=ready_plan, actor=funder)
    ready_plan.refresh_from_db()
    ready_plan.area.refresh_from_db()
    assert ready_plan.status == PlanStatus.PM_APPROVED
    assert ready_plan.area.stage == AreaStage.GETTING_GOING


def test_a_draft_of_an_area_that_left_cannot_be_submitted(ready_plan, author, pm):
    from applications.services import area_leave

    area_leave(area=ready_plan.area, outcome="not_progressed", reasons="No partners.", actor=pm)
    with pytest.raises(ValidationError, match="so its plan can no longer be submitted"):
        services.plan_submit_draft(plan=ready_plan, actor=author)
    ready_plan.refresh_from_db()
    assert ready_plan.status == PlanStatus.DRAFT
