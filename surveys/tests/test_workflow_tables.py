"""Surveys' workflows against tables written out here, by hand.

A survey is opened, closed and reopened by programme managers and admins; the daily task closes
one whose closing date has passed, whoever runs it. A response is sent by whoever holds the
invitation: the invitation is checked before the table is asked (``surveys/permissions.py``), so
with it anyone may send and without it nobody may."""

import pytest

from core.testing import EVERYONE, RoleTable, walk_expected
from surveys.workflows import RESPONSE, SURVEY

pytestmark = pytest.mark.django_db

MANAGERS = {"programme_manager", "admin"}
_SURVEY_STATES = ("draft", "open", "closed")

SURVEY_TABLE = RoleTable(
    workflow="survey",
    states=_SURVEY_STATES,
    moves={
        ("draft", "open"): MANAGERS,
        ("open", "closed"): MANAGERS,
        ("closed", "open"): MANAGERS,
    },
)
SURVEY_TABLE_AFTER_THE_CLOSING_DATE = RoleTable(
    workflow="survey",
    states=_SURVEY_STATES,
    moves={
        ("draft", "open"): MANAGERS,
        ("open", "closed"): {EVERYONE},
        ("closed", "open"): MANAGERS,
    },
    context="closing_date_passed=True (the daily task)",
)
RESPONSE_TABLE_INVITED = RoleTable(
    workflow="survey_response",
    states=("draft", "sent"),
    moves={("draft", "sent"): {EVERYONE}},
    context="invited=True",
)
RESPONSE_TABLE_NOT_INVITED = RoleTable(
    workflow="survey_response",
    states=("draft", "sent"),
    moves={("draft", "sent"): set()},
    context="empty: no invitation",
)


def test_every_survey_move(one_user_per_role):
    # 3 states x 3 states x 7 people.
    assert walk_expected(SURVEY, SURVEY_TABLE, one_user_per_role) == 63


def test_every_survey_move_after_the_closing_date(one_user_per_role):
    table = SURVEY_TABLE_AFTER_THE_CLOSING_DATE
    assert walk_expected(SURVEY, table, one_user_per_role, closing_date_passed=True) == 63


def test_every_response_move(one_user_per_role):
    # 2 states x 2 states x 7 people, with the invitation and without.
    assert walk_expected(RESPONSE, RESPONSE_TABLE_INVITED, one_user_per_role, invited=True) == 28
    assert walk_expected(RESPONSE, RESPONSE_TABLE_NOT_INVITED, one_user_per_role) == 28
