"""Survey pages: who sees what, creating and opening the standard survey, the CSV export and its
free-text rule, and survey and record side by side."""

import csv
import io

import pytest
from django.urls import reverse

from accounts.tests.factories import MembershipFactory, UserFactory
from delivery.tests.factories import FundingRecordFactory, ProgressReturnFactory
from surveys import services
from surveys.models import Survey

from .conftest import choice, question

pytestmark = pytest.mark.django_db


def _csv(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_a_manager_creates_and_opens_the_standard_lead_survey(
    client_for, programme_manager, survey_round
):
    from .conftest import implementing_area

    implementing_area(survey_round)
    client = client_for(programme_manager)
    response = client.post(
        reverse("surveys:standard_create"), {"round": survey_round.pk, "which": "lead"}
    )
    survey = Survey.objects.get(round=survey_round, standard="lead")
    assert response.status_code == 302 and survey.status == "draft"
    assert [q.code for q in survey.questions.all()][:2] == ["stage_difficulty", "stage_reasons"]
    stages = question(survey, "stage_difficulty").item_list.items.values_list("label", flat=True)
    assert list(stages)[-1] == "Cost benefit analysis (if one was done)"
    # The same button again does not make a second one.
    client.post(reverse("surveys:standard_create"), {"round": survey_round.pk, "which": "lead"})
    assert Survey.objects.filter(round=survey_round).count() == 1

    client.post(reverse("surveys:survey_move", args=[survey.pk, "open"]))
    survey.refresh_from_db()
    assert survey.status == "open" and survey.invitations.count() == 1
    page = client.get(reverse("surveys:survey_detail", args=[survey.pk]))
    assert "Response rate: 0 of 1 areas, 0%" in page.text


@pytest.mark.parametrize("who", ["lead_user", "relationship_manager", "finance_officer"])
def test_staff_pages_are_refused_to_others(request, client_for, open_survey, who):
    client = client_for(request.getfixturevalue(who))
    for name in ("survey_detail", "survey_results", "survey_compare", "survey_export_csv"):
        assert client.get(reverse(f"surveys:{name}", args=[open_survey.pk])).status_code == 403


def test_anonymous_people_are_sent_to_sign_in(client, open_survey):
    response = client.get(reverse("surveys:survey_detail", args=[open_survey.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_funder_reads_results_but_cannot_open_or_revoke(client_for, funder_officer, open_survey):
    client = client_for(funder_officer)
    assert client.get(reverse("surveys:survey_results", args=[open_survey.pk])).status_code == 200
    assert (
        client.post(reverse("surveys:survey_move", args=[open_survey.pk, "close"])).status_code
        == 403
    )
    invitation = open_survey.invitations.first()
    assert (
        client.post(reverse("surveys:invitation_revoke", args=[invitation.pk])).status_code == 403
    )


def test_a_lead_answers_signed_in_and_nobody_else_can(client_for, open_survey):
    invitation = open_survey.invitations.select_related("user").first()
    client = client_for(invitation.user)
    mine = client.get(reverse("surveys:my_surveys"))
    assert invitation.area.reference in mine.text
    assert client.get(reverse("surveys:answer", args=[invitation.pk])).status_code == 200

    # A colleague with an invitation of their own cannot answer this one.
    colleague = (
        open_survey.invitations.filter(organisation=invitation.organisation)
        .exclude(user=invitation.user)
        .first()
        .user
    )
    assert (
        client_for(colleague).get(reverse("surveys:answer", args=[invitation.pk])).status_code
        == 404
    )

    stranger = UserFactory()
    other = open_survey.invitations.exclude(organisation=invitation.organisation).first()
    MembershipFactory(user=stranger, organisation=other.organisation)
    client = client_for(stranger)
    assert client.get(reverse("surveys:answer", args=[invitation.pk])).status_code == 404


def _answer_with_comment(survey):
    comments = question(survey, "comments")
    status = question(survey, "implementation_status")
    invitation = survey.invitations.order_by("pk").first()
    services.response_save(
        invitation=invitation,
        values={
            (comments.pk, None): '=HYPERLINK("x") our chair left',
            (status.pk, None): choice(status, "behind"),
        },
        send=True,
    )
    return invitation


def test_the_csv_has_a_row_per_response_and_free_text_only_for_managers(
    client_for, programme_manager, funder_officer, open_survey
):
    invitation = _answer_with_comment(open_survey)
    services.response_save(
        invitation=open_survey.invitations.order_by("pk")[1], values={}, send=False
    )
    url = reverse("surveys:survey_export_csv", args=[open_survey.pk])
    rows = _csv(client_for(programme_manager).get(url))
    header, body = rows[0], rows[1:]
    assert header[:8] == [
        "response",
        "survey",
        "round",
        "area_reference",
        "area_name",
        "organisation_type",
        "organisation_group",
        "sent_at",
    ]
    assert "stage_difficulty:application" in header and "comments" in header
    assert len(body) == 1  # the draft is not exported
    row = dict(zip(header, body[0], strict=True))
    assert (
        row["area_reference"] == invitation.area.reference
        and row["organisation_type"] == "VCS body"
    )
    assert row["implementation_status"] == "Behind schedule"
    assert row["comments"].startswith("'=HYPERLINK")  # neutralised for spreadsheets

    funder_rows = _csv(client_for(funder_officer).get(url))
    assert "comments" not in funder_rows[0]
    assert not any("our chair left" in cell for row in funder_rows for cell in row)


def test_survey_and_record_side_by_side_lists_the_areas_that_disagree(
    client_for, programme_manager, open_survey
):
    invitation = _answer_with_comment(open_survey)  # says "behind"
    ProgressReturnFactory(area=invitation.area, submitted=True)  # the return says on schedule
    funding = question(open_survey, "funding_secured")
    other = open_survey.invitations.exclude(area=invitation.area).order_by("pk").first()
    grants = funding.item_list.items.get(code="external_grants")
    services.response_save(
        invitation=other, values={(funding.pk, grants.pk): choice(funding, "none")}, send=True
    )
    FundingRecordFactory(area=other.area, source="external_grants", amount=5000)

    page = client_for(programme_manager).get(
        reverse("surveys:survey_compare", args=[open_survey.pk])
    )
    listed = page.text.split('data-testid="disagreeing-areas"')[1].split("</ul>")[0]
    assert invitation.area.reference in listed and other.area.reference in listed
    assert "Behind schedule" in page.text and "On schedule" in page.text
    assert "More than planned" in page.text  # £5,000 secured against nothing planned
