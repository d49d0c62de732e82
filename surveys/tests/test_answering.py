"""Answering: personal links (no account, expiry, one response per link, withdrawal), drafts
until sent, follow-ups only when triggered, and invitation and reminder emails."""

import datetime
import re

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from surveys import services, tasks
from surveys.links import invitation_from_token, invitation_url
from surveys.models import Answer, Response
from surveys.selectors import tracking

from .conftest import choice, difficulty, item, question

pytestmark = pytest.mark.django_db


def _link(invitation):
    return invitation_url(invitation, absolute=False)


def _post(survey, **answers):
    q = question(survey, "stage_difficulty")
    return {f"q{q.pk}_{item(q, i)}": str(choice(q, c)) for i, c in answers.items()}


def test_a_partner_answers_through_the_link_without_an_account(client, open_survey):
    invitation = open_survey.invitations.first()
    page = client.get(_link(invitation))
    assert page.status_code == 200 and "How easy or difficult was each stage?" in page.text
    invitation.refresh_from_db()
    assert invitation.opened_at is not None

    data = {**_post(open_survey, application="very_easy"), "send": "1"}
    response = client.post(_link(invitation), data)
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.answered_at and invitation.response.is_sent
    assert invitation.response.sent_by is None


def test_a_link_takes_one_response_only(client, open_survey):
    invitation = open_survey.invitations.first()
    client.post(_link(invitation), {**_post(open_survey, application="very_easy"), "send": "1"})

    again = client.post(_link(invitation), {**_post(open_survey, application="very_difficult")})
    assert again.status_code == 403
    page = client.get(_link(invitation))
    assert "Thank you" in page.text and "Send answers" not in page.text
    answer = Answer.objects.get(response__invitation=invitation)
    assert [c.code for c in answer.choices.all()] == ["very_easy"]


def test_an_expired_link_is_refused(client, open_survey):
    invitation = open_survey.invitations.first()
    invitation.expires_at = timezone.now() - datetime.timedelta(minutes=1)
    invitation.save()
    page = client.get(_link(invitation))
    assert page.status_code == 403 and "expired" in page.text
    assert client.post(_link(invitation), {"send": "1"}).status_code == 403
    assert not Response.objects.filter(invitation=invitation).exists()


def test_a_withdrawn_link_stops_working_at_once(client, open_survey, programme_manager):
    invitation = open_survey.invitations.first()
    assert client.get(_link(invitation)).status_code == 200
    services.invitation_revoke(invitation=invitation, actor=programme_manager)
    page = client.get(_link(invitation))
    assert page.status_code == 403 and "withdrawn" in page.text
    # Withdrawn invitations are not counted as invited.
    assert tracking(survey=open_survey)["people"]["invited"] == 3


def test_a_forged_or_altered_token_is_not_found(client, open_survey):
    invitation = open_survey.invitations.first()
    link = _link(invitation)
    assert client.get(link[:-3] + "xyz/").status_code == 404
    invitation.nonce = "changed"
    invitation.save()
    assert client.get(link).status_code == 404


def test_a_draft_is_kept_but_not_counted_until_sent(client, open_survey):
    invitation = open_survey.invitations.first()
    client.post(_link(invitation), _post(open_survey, application="quite_easy"))
    invitation.refresh_from_db()
    assert invitation.response.status == "draft" and invitation.answered_at is None
    assert tracking(survey=open_survey)["people"]["answered"] == 0
    # Coming back shows the draft filled in.
    page = client.get(_link(invitation))
    assert "You have a draft saved" in page.text
    q = question(open_survey, "stage_difficulty")
    field = page.context["form"][f"q{q.pk}_{item(q, 'application')}"]
    assert field.value() == choice(q, "quite_easy")

    client.post(_link(invitation), {**_post(open_survey, application="quite_easy"), "send": "1"})
    assert tracking(survey=open_survey)["people"]["answered"] == 1


def test_a_follow_up_counts_only_when_its_trigger_was_chosen(open_survey):
    invitation = open_survey.invitations.first()
    reasons = question(open_survey, "stage_reasons")
    staff = choice(reasons, "staff_resources")
    values = {
        **difficulty(open_survey, application="very_easy", cba="very_difficult"),
        (reasons.pk, item(reasons, "application")): [staff],
        (reasons.pk, item(reasons, "cba")): [staff],
    }
    services.response_save(invitation=invitation, values=values, send=True)
    kept = Answer.objects.filter(question=reasons).values_list("item__code", flat=True)
    assert list(kept) == ["cba"]


def test_a_required_question_must_be_answered_before_sending(open_survey):
    q = question(open_survey, "implementation_status")
    q.required = True
    q.save()
    invitation = open_survey.invitations.first()
    with pytest.raises(Exception, match="Please answer: How is implementation going"):
        services.response_save(invitation=invitation, values={}, send=True)


def test_a_closed_survey_takes_no_answers(open_survey, programme_manager):
    services.survey_close(survey=open_survey, actor=programme_manager)
    with pytest.raises(PermissionDenied, match="not open"):
        services.response_save(invitation=open_survey.invitations.first(), values={}, send=False)


def test_the_invitation_and_reminders_are_emailed_once_each(open_survey):
    invitation = open_survey.invitations.first()
    assert tasks.invitation_email(invitation.pk, 1) is True
    assert tasks.invitation_email(invitation.pk, 1) is False  # a retried task sends nothing
    assert len(mail.outbox) == 1 and invitation.email in mail.outbox[0].to
    # The link carries a signed, timestamped token: compare what it names, not its text (a
    # second ticking between the email and this line changes the text).
    path = _link(invitation).rsplit("/", 2)[0] + "/"
    token = re.search(re.escape(path) + r"([^/\s]+)/", mail.outbox[0].body).group(1)
    assert invitation_from_token(token) == invitation

    later = invitation.invited_at + datetime.timedelta(days=8)
    assert services.reminders_send(survey=open_survey, now=later) == 4
    assert services.reminders_send(survey=open_survey, now=later) == 0  # not due again yet
    assert tasks.invitation_email(invitation.pk, 2) is True
    assert mail.outbox[-1].subject.startswith("Reminder:")


def test_no_reminder_for_people_who_answered(open_survey):
    answered = open_survey.invitations.first()
    services.response_save(invitation=answered, values={}, send=True)
    later = answered.invited_at + datetime.timedelta(days=15)
    assert services.reminders_send(survey=open_survey, now=later) == 3
    answered.refresh_from_db()
    assert answered.reminders_sent == 0
