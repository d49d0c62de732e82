"""Writing surveys: create the standard questionnaires for a round, open and close a survey,
invite people (by email through the outbox) and remind them, withdraw an invitation."""

import datetime

from django.db import transaction
from django.utils import timezone

from activity.services import activity_record
from core.errors import require
from core.locking import copy_back, lock
from core.outbox import outbox_add
from core.transition import transition
from core.validators import require_single_line

from .. import permissions, selectors, standard
from ..models import (
    Choice,
    ChoiceSet,
    Invitation,
    Item,
    ItemList,
    OpeningRule,
    Question,
    Reminder,
    Survey,
)
from ..workflows import SURVEY, SurveyStatus

DEFAULT_REMINDER_DAYS = (7, 14)


def _choice_set(name: str) -> ChoiceSet:
    choice_set, created = ChoiceSet.objects.get_or_create(name=name)
    if created:
        Choice.objects.bulk_create(
            Choice(choice_set=choice_set, order=i, code=code, label=label, tone=tone)
            for i, (code, label, tone) in enumerate(standard.CHOICE_SETS[name], start=1)
        )
    return choice_set


def _item_list(name: str) -> ItemList:
    item_list, created = ItemList.objects.get_or_create(name=name)
    if created:
        Item.objects.bulk_create(
            Item(item_list=item_list, order=i, code=code, label=label)
            for i, (code, label) in enumerate(standard.ITEM_LISTS[name], start=1)
        )
    return item_list


def _questions(survey: Survey, rows) -> None:
    by_code: dict[str, Question] = {}
    for order, (code, text, kind, choices, items, parent, shown_when) in enumerate(rows, 1):
        question = Question.objects.create(
            survey=survey,
            order=order,
            code=code,
            text=text,
            kind=kind,
            choice_set=_choice_set(choices) if choices else None,
            item_list=_item_list(items) if items else None,
            follow_up_of=by_code.get(parent),
        )
        if parent:
            parent_set = by_code[parent].choice_set
            question.shown_when.set(parent_set.choices.filter(code__in=shown_when))
        by_code[code] = question


@transaction.atomic
def standard_survey_create(*, round, which: str, actor, today: datetime.date | None = None):
    """Create the evaluation's lead (`which="lead"`) or partner questionnaire for `round`, as a
    draft: opening today, closing in six weeks, reminders after 7 and 14 days. Returns the
    existing survey when the round has it already."""
    require(permissions.can_manage_surveys(actor))
    spec = standard.STANDARD[which]
    existing = Survey.objects.filter(round=round, standard=which).first()
    if existing is not None:
        return existing
    today = today or timezone.localdate()
    survey = Survey.objects.create(
        round=round,
        title=f"{spec['title']}: {round.name}",
        standard=which,
        audience=spec["audience"],
        introduction=spec["introduction"],
        opening_rule=OpeningRule.DATE,
        opens_on=today,
        closes_on=today + datetime.timedelta(weeks=6),
        created_by=actor,
    )
    Reminder.objects.bulk_create(
        Reminder(survey=survey, days_after_invitation=d) for d in DEFAULT_REMINDER_DAYS
    )
    _questions(survey, spec["questions"])
    activity_record(
        verb="survey.created", summary=f"Survey created: {survey.title}", actor=actor, target=survey
    )
    return survey


@transaction.atomic
def survey_settings_update(*, survey: Survey, fields: dict, reminder_days: list[int], actor):
    """Change the title, opening rule, dates and reminder schedule."""
    require(permissions.can_manage_surveys(actor))
    locked = lock(survey)
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.save(update_fields=list(fields))
    locked.reminders.all().delete()
    Reminder.objects.bulk_create(
        Reminder(survey=locked, days_after_invitation=d) for d in reminder_days
    )
    activity_record(
        verb="survey.changed",
        summary=f"Survey settings changed: {locked.title}",
        actor=actor,
        target=locked,
    )
    return copy_back(survey, locked)


@transaction.atomic
def survey_open(*, survey: Survey, actor, today: datetime.date | None = None) -> int:
    """Open the survey and invite everyone it reaches today (by its opening rule). Returns how
    many invitations went out; people who become eligible later are invited by the daily task."""
    transition(
        survey,
        SurveyStatus.OPEN,
        workflow=SURVEY,
        actor=actor,
        verb="survey.opened",
        summary=lambda locked: f"Survey opened: {locked.title}",
    )
    return survey_invite_eligible(survey=survey, today=today)


@transaction.atomic
def survey_close(*, survey: Survey, actor) -> Survey:
    """Close the survey: its links stop taking answers."""
    return transition(
        survey,
        SurveyStatus.CLOSED,
        workflow=SURVEY,
        actor=actor,
        verb="survey.closed",
        summary=lambda locked: f"Survey closed: {locked.title}",
    )


@transaction.atomic
def survey_reopen(*, survey: Survey, actor) -> Survey:
    """Open a closed survey again."""
    return transition(
        survey,
        SurveyStatus.OPEN,
        workflow=SURVEY,
        actor=actor,
        verb="survey.reopened",
        summary=lambda locked: f"Survey reopened: {locked.title}",
    )


def _expires(survey: Survey, now) -> datetime.datetime:
    close = timezone.make_aware(datetime.datetime.combine(survey.closes_on, datetime.time.max))
    return min(close, now + datetime.timedelta(days=survey.link_valid_days))


def invitation_create(
    *, survey: Survey, area, organisation, email: str, name: str = "", user=None, now=None
) -> Invitation | None:
    """Invite one person and email them their link (after commit, through the outbox). Returns
    None when they were invited to this survey for this area already."""
    now = now or timezone.now()
    if Invitation.objects.filter(
        survey=survey, area=area, organisation=organisation, email__iexact=email
    ).exists():
        return None
    invitation = Invitation.objects.create(
        survey=survey,
        area=area,
        organisation=organisation,
        org_type=organisation.org_type,
        user=user,
        name=name,
        email=email,
        invited_at=now,
        expires_at=_expires(survey, now),
    )
    _email(invitation, number=1)
    return invitation


def _email(invitation: Invitation, *, number: int) -> None:
    from .. import tasks  # noqa: F401  (registers the task, so eager runs execute it in place)

    outbox_add(
        task="surveys.tasks.invitation_email",
        args=[invitation.pk, number],
        description=f"Survey email {number} to invitation {invitation.pk}",
    )


@transaction.atomic
def partner_invite(*, survey: Survey, partner, email: str, name: str, actor) -> Invitation | None:
    """A programme manager invites a partner's contact (partners have no accounts)."""
    require(permissions.can_manage_surveys(actor))
    require_single_line(name=name)
    invitation = invitation_create(
        survey=survey,
        area=partner.area,
        organisation=partner.organisation,
        email=email,
        name=name or partner.contact_name,
    )
    if invitation is not None:
        activity_record(
            verb="survey.invited",
            summary=f"Invited {partner.organisation} to the {survey.title}",
            actor=actor,
            area=partner.area,
            target=invitation,
        )
    return invitation


def survey_invite_eligible(*, survey: Survey, today: datetime.date | None = None) -> int:
    """Invite every contact the survey reaches by `today` who has not been invited yet."""
    today = today or timezone.localdate()
    created = 0
    for contact in selectors.contacts_to_invite(survey=survey, today=today):
        if invitation_create(survey=survey, **contact) is not None:
            created += 1
    return created


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, actor) -> Invitation:
    """Withdraw a link: it stops working at once (answers already sent are kept)."""
    require(permissions.can_manage_surveys(actor))
    locked = lock(invitation)
    if locked.revoked_at is None:
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["revoked_at"])
        activity_record(
            verb="survey.invitation_revoked",
            summary=f"Survey link withdrawn for {locked.email}",
            actor=actor,
            area=locked.area,
            target=locked,
        )
    return copy_back(invitation, locked)


def reminders_send(*, survey: Survey, now=None) -> int:
    """Remind everyone whose next reminder is due and who has not sent their answers. Each
    reminder is counted on the invitation under its row lock, so a second run sends nothing."""
    now = now or timezone.now()
    steps = list(survey.reminders.values_list("days_after_invitation", flat=True))
    sent = 0
    for invitation in selectors.invitations_awaiting(survey=survey, now=now):
        with transaction.atomic():
            locked = lock(invitation)
            if locked.reminders_sent >= len(steps) or locked.answered_at or locked.revoked_at:
                continue
            due = locked.invited_at + datetime.timedelta(days=steps[locked.reminders_sent])
            if due > now:
                continue
            locked.reminders_sent += 1
            locked.last_reminded_at = now
            locked.save(update_fields=["reminders_sent", "last_reminded_at"])
            _email(locked, number=locked.reminders_sent + 1)
            sent += 1
    return sent


def surveys_daily(*, today: datetime.date | None = None) -> dict:
    """The daily round: invite who has become eligible, send due reminders, close surveys past
    their closing date. Idempotent."""
    today = today or timezone.localdate()
    invited = reminded = closed = 0
    for survey in Survey.objects.filter(status=SurveyStatus.OPEN):
        if survey.closes_on < today:
            transition(
                survey,
                SurveyStatus.CLOSED,
                workflow=SURVEY,
                actor=None,
                verb="survey.closed",
                summary=lambda locked: f"Survey closed on its closing date: {locked.title}",
                closing_date_passed=True,
            )
            closed += 1
            continue
        with transaction.atomic():
            invited += survey_invite_eligible(survey=survey, today=today)
        reminded += reminders_send(survey=survey)
    return {"invited": invited, "reminded": reminded, "closed": closed}
