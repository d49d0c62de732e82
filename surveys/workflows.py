"""Surveys' workflows as data, read by the one engine in ``core.workflow``.

A survey: draft -> open (invitations go out) -> closed; a programme manager or admin moves it.
A response: draft -> sent, by whoever holds the invitation (a signed-in lead contact or the holder
of the personal link); the invitation check in ``surveys/permissions.py`` comes first, so the
table lets anyone who got that far send.
"""

from accounts.models import Role
from core.workflow import Move, State, Workflow, user_role

PM = Role.PROGRAMME_MANAGER.value
ADMIN = Role.ADMIN.value


def _respondent(user, context) -> bool:
    # The invitation (signed link or the signed-in contact) was checked before the table is asked.
    return bool(context.get("invited"))


def _manager_or_closing_date(user, context) -> bool:
    # The daily task closes a survey whose closing date has passed.
    return user_role(user) in {PM, ADMIN} or bool(context.get("closing_date_passed"))


SURVEY = Workflow(
    name="survey",
    noun="A survey",
    states=[
        State("draft", "Draft", tone="secondary"),
        State("open", "Open", tone="success"),
        State("closed", "Closed", tone="dark"),
    ],
    moves=[
        Move("draft", "open", who=frozenset({PM, ADMIN}), name="open", label="Open the survey"),
        Move(
            "open",
            "closed",
            who=_manager_or_closing_date,
            who_text="a programme manager or admin",
            name="close",
            label="Close the survey",
        ),
        Move("closed", "open", who=frozenset({PM, ADMIN}), name="reopen", label="Reopen"),
    ],
    role_labels={r.value: r.label for r in Role},
)

RESPONSE = Workflow(
    name="survey_response",
    noun="A survey response",
    states=[
        State("draft", "Draft", "Draft: saved, not sent", tone="secondary"),
        State("sent", "Sent", "Sent: thank you", tone="success"),
    ],
    moves=[
        Move(
            "draft",
            "sent",
            who=_respondent,
            who_text="the person invited",
            name="send",
            label="Send answers",
        ),
    ],
)

SurveyStatus = SURVEY.text_choices("SurveyStatus")
ResponseStatus = RESPONSE.text_choices("ResponseStatus")
