"""Surveys' writes: definitions and invitations (`surveys.py`), answers (`responses.py`)."""

from .responses import invitation_mark_opened, response_save
from .surveys import (
    invitation_create,
    invitation_revoke,
    partner_invite,
    reminders_send,
    standard_survey_create,
    survey_close,
    survey_invite_eligible,
    survey_open,
    survey_reopen,
    survey_settings_update,
    surveys_daily,
)

__all__ = [
    "invitation_create",
    "invitation_mark_opened",
    "invitation_revoke",
    "partner_invite",
    "reminders_send",
    "response_save",
    "standard_survey_create",
    "survey_close",
    "survey_invite_eligible",
    "survey_open",
    "survey_reopen",
    "survey_settings_update",
    "surveys_daily",
]
