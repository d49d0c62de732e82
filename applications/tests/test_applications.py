"""Applications to join: drafting, submission, assessment, decisions and bulk decisions."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.tests.factories import MembershipFactory, UserFactory
from activity.models import ActivityEntry
from applications import services
from applications.models import Application, ApplicationStatus
from applications.tests.factories import (
    ApplicationFactory,
    ApplicationPartnerFactory,
    CriterionFactory,
    OpenRoundFactory,
    ScaleFactory,
    assigned,
)
from core.testing import today
from grants.models import Award
from programmes import services as programme_services
from programmes.models import AreaStage, Partner
from programmes.tests.factories import OrganisationFactory, theme
from support.models import AdviserEntitlement

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


def _details(**overrides):
    data = {
        "area_name": "Beeston Hill",
        "local_authority": "Leeds",
        "area_type": "urban",
        "approach": "specific",
        "issues": "Older residents lose touch with services.",
        "services_involved": "Social care",
        "expected_outcomes": "Fewer admissions",
    }
    data.update(overrides)
    return data


def test_lead_user_creates_a_draft_with_themes_and_partners():
    org = OrganisationFactory()
    user = UserFactory()
    MembershipFactory(user=user, organisation=org)
    application = services.application_create(
        round=OpenRoundFactory(),
        applicant=user,
        organisation=org,
        details=_details(),
        themes=[theme(), theme("young-people")],
        partners=[{"name": "Leeds City Council", "partner_type": "local_authority"}],
    )
    assert application.status == ApplicationStatus.DRAFT
    assert [t.theme.slug for t in application.application_themes.all()] == [
        "health-and-wellbeing",
        "young-people",
    ]
    assert application.partners.get().involvement == "supporting"


def test_cannot_apply_for_an_organisation_you_do_not_belong_to():
    with pytest.raises(PermissionDenied):
        services.application_create(
            round=OpenRoundFactory(),
            applicant=UserFactory(),
            organisation=OrganisationFactory(),
            details=_details(),
        )


def test_more_than_three_themes_refused():
    application = ApplicationFactory()
    slugs = ["health-and-wellbeing", "young-people", "housing", "environment"]
    with pytest.raises(ValidationError) as exc:
        services.application_update(
            application=application,
            actor=application.applicant,
            details={},
            themes=[theme(s) for s in slugs],
        )
    assert "themes" in exc.value.message_dict


def test_submit_moves_a_complete_draft_to_submitted():
    application = ApplicationFactory()
    services.application_submit(application=application, actor=application.applicant)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.submitted_at is not None


def test_submission_after_the_closing_date_is_refused_with_the_date():
    application = ApplicationFactory(round__closes_on=today() - datetime.timedelta(days=1))
    with pytest.raises(ValidationError) as exc:
        services.application_submit(application=application, actor=application.applicant)
    assert "closed for applications on" in " ".join(exc.value.messages)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT


def test_submission_on_the_closing_date_is_accepted():
    application = ApplicationFactory(round__closes_on=today())
    services.application_submit(application=application, actor=application.applicant)
    assert application.status == ApplicationStatus.SUBMITTED


def test_submission_refused_while_required_answers_or_themes_are_missing():
    application = ApplicationFactory(issues="", themes=[])
    with pytest.raises(ValidationError) as exc:
        services.application_submit(application=application, actor=application.applicant)
    assert set(exc.value.message_dict) >= {"issues", "themes"}


def test_a_programme_manager_cannot_submit_for_the_applicant(programme_manager):
    application = ApplicationFactory()
    with pytest.raises(PermissionDenied):
        services.application_submit(application=application, actor=programme_manager)


def test_another_organisations_user_cannot_submit():
    application = ApplicationFactory()
    with pytest.raises(PermissionDenied):
        services.application_submit(application=application, actor=UserFactory())


def test_drafts_cannot_be_edited_once_submitted():
    application = ApplicationFactory(submitted=True)
    with pytest.raises(PermissionDenied):
        services.application_update(
            application=application, actor=application.applicant, details={"area_name": "X"}
        )


def test_scores_must_sit_on_the_rounds_scale(programme_manager):
    application = ApplicationFactory(under_assessment=True)
    ScaleFactory(round=application.round, score_min=1, score_max=4)
    criterion = CriterionFactory(round=application.round)
    assigned(application, programme_manager)
    row = services.application_score(
        application=application, criterion=criterion, assessor=programme_manager, score=4
    )
    assert row.score == 4
    with pytest.raises(ValidationError) as exc:
        services.application_score(
            application=application, criterion=criterion, assessor=programme_manager, score=5
        )
    assert "from 1 to 4" in " ".join(exc.value.messages)
    # Scoring again replaces the assessor's score rather than adding another.
    services.application_score(
        application=application, criterion=criterion, assessor=programme_manager, score=2
    )
    assert application.scores.get().score == 2


def test_relationship_manager_cannot_score(relationship_manager):
    application = ApplicationFactory(under_assessment=True)
    with pytest.raises(PermissionDenied):
        services.application_score(
            application=application,
            criterion=CriterionFactory(round=application.round),
            assessor=relationship_manager,
            score=3,
        )


def test_admission_creates_the_area_at_getting_ready_with_its_grant_and_days(programme_manager):
    application = ApplicationFactory(under_assessment=True, themes=[theme(), theme("housing")])
    ApplicationPartnerFactory(application=application, name="Leeds City Council")
    services.application_decide(
        application=application, decision="admit", reasons="Strong bid", actor=programme_manager
    )
    application.refresh_from_db()
    area = application.area
    assert application.status == ApplicationStatus.ADMITTED
    assert area.stage == AreaStage.GETTING_READY
    assert area.lead_organisation == application.organisation
    assert [t.theme.slug for t in area.area_themes.all()] == ["health-and-wellbeing", "housing"]
    award = Award.objects.get(area=area)
    assert award.stage == "getting_ready"
    assert award.amount == Decimal("3000.00")
    assert AdviserEntitlement.objects.get(area=area).days == Decimal("1.5")
    assert Partner.objects.filter(area=area, organisation__name="Leeds City Council").exists()
    assert ActivityEntry.objects.filter(area=area, verb="application.admitted").count() == 1


def test_admission_refused_before_assessment_starts(programme_manager):
    application = ApplicationFactory(submitted=True)
    with pytest.raises(PermissionDenied):
        services.application_decide(
            application=application, decision="admit", reasons="", actor=programme_manager
        )
    assert Award.objects.count() == 0


def test_rejection_needs_reasons_and_records_them(programme_manager):
    application = ApplicationFactory(under_assessment=True)
    with pytest.raises(ValidationError):
        services.application_decide(
            application=application, decision="reject", reasons=" ", actor=programme_manager
        )
    services.application_decide(
        application=application,
        decision="reject",
        reasons="Outside the eligible areas.",
        actor=programme_manager,
    )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.REJECTED
    assert application.decision_reasons == "Outside the eligible areas."
    assert application.area is None


def test_funder_officer_cannot_decide(funder_officer):
    application = ApplicationFactory(under_assessment=True)
    with pytest.raises(PermissionDenied):
        services.application_decide(
            application=application, decision="admit", reasons="", actor=funder_officer
        )


def test_applicant_can_withdraw_a_submitted_application_but_not_a_decided_one():
    application = ApplicationFactory(submitted=True)
    services.application_withdraw(application=application, actor=application.applicant)
    assert application.status == ApplicationStatus.WITHDRAWN
    decided = ApplicationFactory(rejected=True)
    with pytest.raises(PermissionDenied):
        services.application_withdraw(application=decided, actor=decided.applicant)


def test_bulk_decision_reports_partial_failure_and_keeps_the_successes(programme_manager):
    rnd = OpenRoundFactory()
    ready = ApplicationFactory.create_batch(2, round=rnd, under_assessment=True)
    not_ready = ApplicationFactory(round=rnd, submitted=True)
    result = services.applications_decide_bulk(
        applications=[ready[0], not_ready, ready[1]],
        decision="admit",
        reasons="Rolling admission",
        actor=programme_manager,
    )
    assert result.succeeded == [ready[0], ready[1]]
    assert [a for a, _ in result.failed] == [not_ready]
    assert "cannot become admitted" in result.failed[0][1]
    statuses = dict(Application.objects.values_list("pk", "status"))
    assert statuses[ready[0].pk] == statuses[ready[1].pk] == ApplicationStatus.ADMITTED
    assert statuses[not_ready.pk] == ApplicationStatus.SUBMITTED
    assert Award.objects.filter(area__round=rnd).count() == 2


def test_bulk_failure_in_one_award_rolls_back_only_that_application(programme_manager, monkeypatch):
    rnd = OpenRoundFactory()
    first, second = ApplicationFactory.create_batch(2, round=rnd, under_assessment=True)
    # The second one's reference is taken, so creating its area fails after the status change:
    # its own transaction must undo everything for it and nothing for the first.
    services.application_decide(
        application=first, decision="admit", reasons="", actor=programme_manager, reference="X-1"
    )
    monkeypatch.setattr(services.admission, "_reference_for", lambda rnd: "X-1")
    result = services.applications_decide_bulk(
        applications=[second], decision="admit", reasons="", actor=programme_manager
    )
    assert result.succeeded == []
    second.refresh_from_db()
    assert second.status == ApplicationStatus.UNDER_ASSESSMENT
    assert second.area is None


def test_applicant_register_creates_user_organisation_and_membership():
    user = programme_services.applicant_register(
        username="newbie",
        email="newbie@example.org",
        first_name="Nia",
        last_name="Jones",
        password="a-long-unusual-passphrase",
        organisation_name="Hendon Residents Trust",
        org_type="vcs",
    )
    assert user.role == "lead_organisation"
    assert user.memberships.get().organisation.name == "Hendon Residents Trust"
    assert user.check_password("a-long-unusual-passphrase")


def test_submitted_at_uses_the_imported_date():
    application = ApplicationFactory()
    when = timezone.now() - datetime.timedelta(days=3)
    services.application_submit(
        application=application, actor=application.applicant, occurred_at=when
    )
    assert application.submitted_at == when


def test_the_open_applications_index_covers_the_queues_states():
    """The partial index names its states as literals (models cannot import the workflow): they
    must stay the assessment queue's (and My work's) open states, or the queue stops using it."""
    from applications.models import Application
    from applications.mywork import OPEN

    index = {i.name: i for i in Application._meta.indexes}["application_open_by_sent"]
    assert index.condition.children == [("status__in", sorted(OPEN))]
