"""Assessors assigned, conflicts declared (GovS 015, issue 23): only an assigned assessor who
declared no conflict scores; a conflicted one cannot score or decide; an assessor declares before
seeing the application; the round's register and moderation view."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.tests.factories import UserFactory
from activity.models import Notification
from applications import services
from applications.models import (
    ApplicationStatus,
    AssessorStatus,
    ConflictDeclaration,
    GateStatus,
)
from applications.tests.factories import (
    ApplicationFactory,
    CriterionFactory,
    GateFactory,
    ScaleFactory,
    assigned,
)
from applications.workflows import ASSESSOR

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


def _score(application, user, value=3):
    criterion = CriterionFactory(round=application.round)
    return services.application_score(
        application=application, criterion=criterion, assessor=user, score=value
    )


# --- The four refusals the issue lists ------------------------------------------------------------


def test_a_conflicted_assessor_is_refused_a_score(programme_manager):
    application = ApplicationFactory(under_assessment=True)
    assigned(application, programme_manager, "conflict", "My neighbour chairs the applicant.")
    with pytest.raises(PermissionDenied) as exc:
        _score(application, programme_manager)
    assert "You declared a conflict of interest in this application, so you cannot score it." in (
        str(exc.value)
    )
    assert not application.scores.exists()


def test_a_conflicted_assessor_is_refused_the_decision(programme_manager):
    application = ApplicationFactory(under_assessment=True)
    assigned(application, programme_manager, "conflict", "A former colleague.")
    for decision in ("admit", "reject"):
        with pytest.raises(PermissionDenied) as exc:
            services.application_decide(
                application=application, decision=decision, reasons="No.", actor=programme_manager
            )
        assert "so you cannot decide it" in str(exc.value)
    preview = services.application_decide_preview(
        application=application, decision="admit", reasons="", actor=programme_manager
    )
    assert not preview.allowed and "conflict of interest" in preview.reason
    application.refresh_from_db()
    assert application.status == ApplicationStatus.UNDER_ASSESSMENT


def test_an_unassigned_assessor_is_refused_a_score(programme_manager):
    application = ApplicationFactory(under_assessment=True)
    with pytest.raises(PermissionDenied) as exc:
        _score(application, programme_manager)
    assert "Only assessors assigned to this application can score it." in str(exc.value)


def test_an_assessor_who_has_not_declared_is_refused_a_score(programme_manager):
    application = ApplicationFactory(under_assessment=True)
    assigned(application, programme_manager, declaration=None)
    with pytest.raises(PermissionDenied) as exc:
        _score(application, programme_manager)
    assert "Declare any conflict of interest in this application before you assess it." in str(
        exc.value
    )


def test_viewing_before_declaring_goes_to_the_declaration_form(client_for, programme_manager):
    application = ApplicationFactory(under_assessment=True)
    assigned(application, programme_manager, declaration=None)
    client = client_for(programme_manager)
    response = client.get(application.get_absolute_url())
    declare = reverse("applications:declare", args=["application", application.pk])
    assert response.status_code == 302 and response.url == declare
    page = client.get(declare)
    assert b"Declare any conflict of interest" in page.content
    assert application.issues.encode() not in page.content  # not shown before declaring


def test_a_conflicted_decision_in_bulk_is_refused_with_its_reason(programme_manager):
    mine = ApplicationFactory(under_assessment=True, area_name="Conflicted Row")
    other = ApplicationFactory(under_assessment=True, round=mine.round, area_name="Clear Row")
    assigned(mine, programme_manager, "conflict", "My sister's charity.")
    result = services.applications_decide_bulk(
        applications=[mine, other], decision="reject", reasons="Not now.", actor=programme_manager
    )
    assert result.succeeded == [other]
    assert [(a, r) for a, r in result.failed] == [
        (mine, "You declared a conflict of interest in this application, so you cannot decide it.")
    ]


def test_a_conflicted_assessor_cannot_decide_a_stage_gate(programme_manager):
    gate = GateFactory(status=GateStatus.SUBMITTED)
    assigned(gate, programme_manager, "conflict", "I advise its lead organisation.")
    with pytest.raises(PermissionDenied) as exc:
        services.gate_decide(gate=gate, decision="reject", reasons="No.", actor=programme_manager)
    assert "stage-gate application, so you cannot decide it" in str(exc.value)
    gate.refresh_from_db()
    assert gate.status == GateStatus.SUBMITTED


# --- Declaring and scoring ------------------------------------------------------------------------


def test_assigned_assessor_declares_none_then_scores(programme_manager, admin_user):
    application = ApplicationFactory(under_assessment=True)
    ScaleFactory(round=application.round)
    services.assessor_assign(subject=application, assessor=programme_manager, actor=admin_user)
    assert Notification.objects.filter(recipient=programme_manager).exists()
    services.conflict_declare(subject=application, actor=programme_manager, declaration="none")
    assert _score(application, programme_manager, 4).score == 4
    with pytest.raises(ValidationError):  # declared once
        services.conflict_declare(
            subject=application, actor=programme_manager, declaration="conflict", nature="x"
        )


def test_a_conflict_needs_its_nature_within_the_bound(programme_manager):
    application = ApplicationFactory(submitted=True)
    assigned(application, programme_manager, declaration=None)
    with pytest.raises(ValidationError) as exc:
        services.conflict_declare(
            subject=application, actor=programme_manager, declaration="conflict", nature=" "
        )
    assert "nature" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.conflict_declare(
            subject=application,
            actor=programme_manager,
            declaration="conflict",
            nature="x" * 1001,
        )
    assert "at most 1000 characters" in " ".join(exc.value.message_dict["nature"])
    assert not ConflictDeclaration.objects.exists()


def test_someone_not_assigned_has_nothing_to_declare(programme_manager):
    application = ApplicationFactory(submitted=True)
    with pytest.raises(PermissionDenied):
        services.conflict_declare(subject=application, actor=programme_manager, declaration="none")


def test_only_programme_managers_assign_and_are_assigned(
    programme_manager, relationship_manager, funder_officer
):
    application = ApplicationFactory(submitted=True)
    with pytest.raises(PermissionDenied):
        services.assessor_assign(
            subject=application, assessor=programme_manager, actor=relationship_manager
        )
    with pytest.raises(PermissionDenied):
        services.assessor_assign(
            subject=application, assessor=funder_officer, actor=programme_manager
        )
    services.assessor_assign(
        subject=application, assessor=programme_manager, actor=programme_manager
    )
    with pytest.raises(ValidationError):  # twice
        services.assessor_assign(
            subject=application, assessor=programme_manager, actor=programme_manager
        )


def test_a_decided_application_takes_no_new_assessor(programme_manager):
    application = ApplicationFactory(rejected=True)
    with pytest.raises(ValidationError):
        services.assessor_assign(
            subject=application, assessor=programme_manager, actor=programme_manager
        )


def test_removed_and_assigned_again_keeps_the_declaration(programme_manager, admin_user):
    application = ApplicationFactory(under_assessment=True)
    row = assigned(application, programme_manager, "conflict", "Neighbour.")
    services.assessor_remove(assignment=row, actor=admin_user)
    row.refresh_from_db()
    assert row.status == AssessorStatus.REMOVED
    # Removed, still conflicted: the declaration is what refuses the decision.
    with pytest.raises(PermissionDenied):
        services.application_reject(application=application, reasons="x", actor=programme_manager)
    again = services.assessor_assign(
        subject=application, assessor=programme_manager, actor=admin_user
    )
    assert again.status == AssessorStatus.CONFLICTED


# Who may make each move of the ASSESSOR workflow: written out here, not read from the table.
ASSESSOR_MOVES = {
    ("awaiting", "clear"): "the assessor",
    ("awaiting", "conflicted"): "the assessor",
    ("awaiting", "removed"): "managers",
    ("clear", "removed"): "managers",
    ("conflicted", "removed"): "managers",
    ("removed", "awaiting"): "managers",
    ("removed", "clear"): "managers",
    ("removed", "conflicted"): "managers",
}


def test_the_assessor_workflow_table(programme_manager, admin_user, relationship_manager):
    application = ApplicationFactory(submitted=True)
    row = assigned(application, programme_manager, declaration=None, by=admin_user)
    other_pm = UserFactory(programme_manager=True)
    assert set(ASSESSOR.moves) == set(ASSESSOR_MOVES)
    for (source, target), who in ASSESSOR_MOVES.items():
        row.status = source
        allowed = {
            name: ASSESSOR.allows(row, target, user, assignment=row)[0]
            for name, user in {
                "assessor": programme_manager,
                "other_pm": other_pm,
                "admin": admin_user,
                "rm": relationship_manager,
            }.items()
        }
        if who == "the assessor":
            assert allowed == {"assessor": True, "other_pm": False, "admin": False, "rm": False}
        else:
            assert allowed == {"assessor": True, "other_pm": True, "admin": True, "rm": False}


# --- Pages ----------------------------------------------------------------------------------------


def test_decision_page_says_who_declared_what(client_for, programme_manager, admin_user):
    application = ApplicationFactory(under_assessment=True)
    assigned(application, programme_manager, "none")
    other = UserFactory(programme_manager=True, first_name="Joanna", last_name="Price")
    assigned(application, other, "conflict", "Lives on the same street.")
    page = client_for(admin_user).get(application.get_absolute_url()).content.decode()
    assert "Assessors and declarations" in page
    assert "Joanna Price" in page and "Lives on the same street." in page
    assert "No conflict" in page


def test_conflicted_assessor_sees_the_page_without_score_or_decision_forms(
    client_for, programme_manager
):
    application = ApplicationFactory(under_assessment=True)
    CriterionFactory(round=application.round, name="Partnership strength")
    assigned(application, programme_manager, "conflict", "My neighbour.")
    page = client_for(programme_manager).get(application.get_absolute_url()).content.decode()
    assert "so you cannot score it" in page
    assert f'action="/applications/{application.pk}/score/"' not in page
    assert "Record decision" not in page


def test_declaration_form_records_a_conflict(client_for, programme_manager):
    application = ApplicationFactory(under_assessment=True)
    assigned(application, programme_manager, declaration=None)
    url = reverse("applications:declare", args=["application", application.pk])
    client = client_for(programme_manager)
    missing = client.post(url, {"declaration": "conflict", "nature": ""})
    assert b"Say what the conflict is." in missing.content
    done = client.post(url, {"declaration": "conflict", "nature": "Neighbour"})
    assert done.status_code == 302
    declared = ConflictDeclaration.objects.get()
    assert declared.is_conflict and declared.nature == "Neighbour"


def test_bulk_assignment_from_the_queue(client_for, programme_manager, admin_user):
    first = ApplicationFactory(submitted=True, area_name="First")
    decided = ApplicationFactory(rejected=True, round=first.round, area_name="Decided")
    response = client_for(admin_user).post(
        reverse("applications:assessors_assign_bulk"),
        {"selected": [first.pk, decided.pk], "assign-assessor": programme_manager.pk},
        follow=True,
    )
    page = response.content.decode()
    assert "assigned to 1 application: First" in page
    assert "Decided: not assigned." in page
    assert first.assessor_assignments.get().assessor == programme_manager


def test_register_csv_is_formula_safe_and_staff_only(
    client_for, programme_manager, funder_officer, relationship_manager
):
    application = ApplicationFactory(under_assessment=True, area_name="=HYPERLINK(1)")
    assigned(application, programme_manager, "conflict", "+44 neighbour")
    url = reverse("applications:declaration_register", args=[application.round.slug])
    assert client_for(relationship_manager).get(url).status_code == 403
    response = client_for(funder_officer).get(url + "?format=csv")
    body = b"".join(response.streaming_content).decode()
    assert "'=HYPERLINK(1)" in body and "'+44 neighbour" in body
    assert "A conflict of interest" in body
    assert "+44 neighbour" in client_for(funder_officer).get(url).content.decode()


def test_moderation_flags_scores_far_apart(client_for, programme_manager, funder_officer):
    apart = ApplicationFactory(under_assessment=True, area_name="Far Apart")
    close = ApplicationFactory(under_assessment=True, round=apart.round, area_name="Close")
    ScaleFactory(round=apart.round, score_min=0, score_max=5)  # default threshold: 20%
    criteria = [CriterionFactory(round=apart.round) for _ in range(2)]  # 10 possible: gap > 2
    other = UserFactory(programme_manager=True)
    for application, theirs in ((apart, 5), (close, 3)):
        for user in (programme_manager, other):
            assigned(application, user, "none")
        for c in criteria:
            for user, value in ((programme_manager, 2), (other, theirs)):
                services.application_score(
                    application=application, criterion=c, assessor=user, score=value
                )
    page = client_for(funder_officer).get(
        reverse("applications:moderation", args=[apart.round.slug])
    )
    rows = page.context["rows"]
    assert [(r["application"].area_name, r["gap"], r["flagged"]) for r in rows] == [
        ("Far Apart", 6, True),
        ("Close", 2, False),
    ]
    assert page.context["flagged"] == 1


@pytest.mark.parametrize("n", [2, 8])
def test_register_and_moderation_queries_do_not_grow(
    n, client_for, programme_manager, funder_officer, django_assert_max_num_queries
):
    first = ApplicationFactory(under_assessment=True)
    criterion = CriterionFactory(round=first.round)
    other = UserFactory(programme_manager=True)
    for i in range(n):
        application = (
            first if i == 0 else ApplicationFactory(under_assessment=True, round=first.round)
        )
        for user in (programme_manager, other):
            assigned(application, user, "none")
            services.application_score(
                application=application, criterion=criterion, assessor=user, score=i % 5
            )
    client = client_for(funder_officer)
    for name in ("declaration_register", "moderation"):
        with django_assert_max_num_queries(14):
            assert (
                client.get(reverse(f"applications:{name}", args=[first.round.slug])).status_code
                == 200
            )


def test_my_work_lists_what_i_am_assigned_to_assess(client_for, programme_manager):
    application = ApplicationFactory(submitted=True, area_name="Beeston Hill")
    assigned(application, programme_manager, declaration=None)
    page = client_for(programme_manager).get(reverse("mywork")).content.decode()
    assert "Assigned to you to assess" in page
    assert "Assess the application for Beeston Hill" in page
    assert "declare any conflict of interest first" in page
