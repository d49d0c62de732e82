"""The figures: percentages per item, n/N, the organisation type split and small-group
suppression; and the response rate's arithmetic."""

import pytest

from programmes.models import OrganisationType
from surveys import figures, services
from surveys.selectors import tracking

from .conftest import difficulty, implementing_area

pytestmark = pytest.mark.django_db

VCS, PARISH = OrganisationType.VCS, OrganisationType.PARISH_COUNCIL
LA, PUBLIC = OrganisationType.LOCAL_AUTHORITY, OrganisationType.OTHER_PUBLIC


def _answer_all(survey, answers_by_type):
    """Each organisation type's invitations answer the application's difficulty in turn."""
    for invitation in survey.invitations.order_by("pk"):
        answer = answers_by_type[invitation.org_type].pop(0)
        values = difficulty(survey, application=answer) if answer else {}
        services.response_save(invitation=invitation, values=values, send=True)


def _panels(survey):
    figure = next(
        f for f in figures.survey_figures(survey=survey) if f["question"].code == "stage_difficulty"
    )
    return {p.key: p for p in figure["panels"]}


def _open_with(lead_survey, pm, types):
    for org_type in types:
        implementing_area(lead_survey.round, org_type)
    services.survey_open(survey=lead_survey, actor=pm)
    return lead_survey


def test_a_group_under_five_respondents_is_suppressed(lead_survey, programme_manager):
    survey = _open_with(
        lead_survey, programme_manager, [VCS, VCS, PARISH, PARISH] + [LA] * 3 + [PUBLIC] * 3
    )
    _answer_all(
        survey,
        {
            VCS: ["very_easy", "quite_easy"],
            PARISH: ["very_easy", "very_easy"],
            LA: ["quite_difficult", "very_difficult", "quite_easy"],
            PUBLIC: ["quite_difficult", None, "very_difficult"],  # one sent, skipping it
        },
    )
    panels = _panels(survey)
    assert panels["community"].suppressed and panels["community"].rows == []
    assert panels["community"].respondents == "4/4 respondents"
    assert not panels["public"].suppressed
    assert panels["public"].respondents == "5/6 respondents"
    application = panels["public"].rows[0]
    # quite easy 1, quite difficult 2, very difficult 2 of 5.
    assert application["counts"][:4] == [0, 1, 2, 2] and application["pcts"][:4] == [0, 20, 40, 40]
    assert application["positive_pct"] == 20
    assert panels["overall"].respondents == "9/10 respondents"
    assert panels["overall"].chart["title"].endswith("(All respondents, 9/10 respondents)")


def test_a_group_whose_answers_to_the_question_are_under_five_is_suppressed(
    lead_survey, programme_manager
):
    """Five sent the survey, but only four answered this question: still too few to show."""
    survey = _open_with(lead_survey, programme_manager, [LA] * 5)
    _answer_all(survey, {LA: ["very_easy"] * 4 + [None]})
    panels = _panels(survey)
    assert panels["public"].suppressed and panels["public"].respondents == "4/5 respondents"


def test_five_respondents_are_shown(lead_survey, programme_manager):
    survey = _open_with(lead_survey, programme_manager, [VCS] * 5)
    _answer_all(survey, {VCS: ["very_easy"] * 5})
    panels = _panels(survey)
    assert not panels["community"].suppressed and panels["community"].rows[0]["pcts"][0] == 100
    assert panels["public"].suppressed and panels["public"].respondents == "0/0 respondents"


def test_drafts_do_not_count_in_the_figures(lead_survey, programme_manager):
    survey = _open_with(lead_survey, programme_manager, [VCS] * 5)
    invitations = list(survey.invitations.order_by("pk"))
    for invitation in invitations[:4]:
        services.response_save(
            invitation=invitation, values=difficulty(survey, application="very_easy"), send=True
        )
    services.response_save(
        invitation=invitations[4], values=difficulty(survey, application="very_easy"), send=False
    )
    assert _panels(survey)["overall"].suppressed  # four sent: too few


def test_the_response_rate_counts_areas_with_an_answer(open_survey):
    # Three areas, four people (one area has two contacts).
    first, second = open_survey.invitations.order_by("pk")[:2]
    assert first.area_id == second.area_id
    services.response_save(invitation=first, values={}, send=True)
    services.response_save(invitation=second, values={}, send=True)
    result = tracking(survey=open_survey)
    assert str(result["area_rate"]) == "1 of 3 areas, 33%"
    assert str(result["people_rate"]) == "2 of 4 people invited, 50%"
    by_type = {row["label"]: row for row in result["by_type"]}
    assert by_type["VCS body"]["invited"] == 3 and by_type["VCS body"]["answered"] == 2
    assert by_type["Local authority"]["answered"] == 0


def test_the_rate_reads_like_the_evaluation():
    from surveys.selectors import Rate

    assert str(Rate(63, 141, "areas")) == "63 of 141 areas, 45%"
    assert str(Rate(0, 0, "areas")) == "no areas invited yet"
