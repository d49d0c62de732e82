"""Surveys as data: who is asked (a round's lead organisation contacts or its areas' partners),
when (a date, or months after an area's final plan was signed off), what (questions of five kinds,
optionally repeated over a list of items and followed up only when some answers are chosen), and
the answers (a draft until sent, one response per invitation).

Scale points, choice options and item lists are rows (`ChoiceSet`/`Choice`, `ItemList`/`Item`),
so a survey is written by data, not code: ``surveys/standard.py`` seeds the evaluation's two.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from core.validators import single_line_text
from core.wording import days
from programmes.models import OrganisationType

from .workflows import RESPONSE, SURVEY, ResponseStatus, SurveyStatus

User = settings.AUTH_USER_MODEL


class Audience(models.TextChoices):
    LEAD = "lead", "Lead organisation contacts of the round's areas"
    PARTNER = "partner", "Partner contacts of the round's areas"


class OpeningRule(models.TextChoices):
    DATE = "date", "On a date"
    AFTER_SIGN_OFF = "after_sign_off", "Months after the area's final plan was signed off"


class OrgGroup(models.TextChoices):
    """The evaluation's split: the groups were too small to split further."""

    COMMUNITY = "community", "VCS body or parish/town council"
    PUBLIC = "public", "Local authority or other public service"


ORG_GROUP_OF = {
    OrganisationType.VCS: OrgGroup.COMMUNITY,
    OrganisationType.PARISH_COUNCIL: OrgGroup.COMMUNITY,
    OrganisationType.LOCAL_AUTHORITY: OrgGroup.PUBLIC,
    OrganisationType.OTHER_PUBLIC: OrgGroup.PUBLIC,
}


class ChoiceSet(models.Model):
    """The labelled points of a scale, or the options of a choice question."""

    name = models.CharField(max_length=100, unique=True, validators=[single_line_text])

    def __str__(self):
        return self.name


class Tone(models.TextChoices):
    POSITIVE = "positive", "Positive"
    NEGATIVE = "negative", "Negative"
    NEUTRAL = "neutral", "Neither (not applicable, did not use)"


class Choice(models.Model):
    choice_set = models.ForeignKey(ChoiceSet, on_delete=models.CASCADE, related_name="choices")
    order = models.PositiveSmallIntegerField()
    code = models.SlugField(max_length=40)
    label = models.CharField(max_length=120, validators=[single_line_text])
    # Which side of a scale a point is on: figures give the positive share ("88% helpful").
    tone = models.CharField(max_length=10, choices=Tone.choices, default=Tone.NEUTRAL)

    class Meta:
        ordering = ["choice_set", "order"]
        constraints = [
            models.UniqueConstraint(fields=["choice_set", "code"], name="choice_code_once"),
        ]

    def __str__(self):
        return self.label


class ItemList(models.Model):
    """What a question is repeated over: the stages, the types of support, the partners..."""

    name = models.CharField(max_length=100, unique=True, validators=[single_line_text])

    def __str__(self):
        return self.name


class Item(models.Model):
    item_list = models.ForeignKey(ItemList, on_delete=models.CASCADE, related_name="items")
    order = models.PositiveSmallIntegerField()
    code = models.SlugField(max_length=40)
    label = models.CharField(max_length=160, validators=[single_line_text])

    class Meta:
        ordering = ["item_list", "order"]
        constraints = [
            models.UniqueConstraint(fields=["item_list", "code"], name="item_code_once"),
        ]

    def __str__(self):
        return self.label


class Survey(models.Model):
    workflow = SURVEY

    round = models.ForeignKey("programmes.Round", on_delete=models.PROTECT, related_name="surveys")
    title = models.CharField(max_length=200, validators=[single_line_text])
    # "lead" and "partner" for the two standard questionnaires, so each is created once a round.
    standard = models.SlugField(max_length=20, blank=True)
    audience = models.CharField(max_length=10, choices=Audience.choices)
    introduction = models.TextField(blank=True)
    status = models.CharField(
        max_length=10, choices=SurveyStatus.choices, default=SurveyStatus.DRAFT, editable=False
    )
    opening_rule = models.CharField(
        max_length=20, choices=OpeningRule.choices, default=OpeningRule.DATE
    )
    opens_on = models.DateField(null=True, blank=True, help_text="For the date rule.")
    months_after_sign_off = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="For the sign-off rule, e.g. 9."
    )
    closes_on = models.DateField()
    link_valid_days = models.PositiveSmallIntegerField(
        default=60, help_text="How long a personal link works after it is sent."
    )
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["round", "audience", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "standard"],
                condition=~Q(standard=""),
                name="standard_survey_once_per_round",
            ),
            models.CheckConstraint(
                condition=Q(opening_rule="date", opens_on__isnull=False)
                | Q(opening_rule="after_sign_off", months_after_sign_off__isnull=False),
                name="survey_opening_rule_complete",
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.round})"

    @property
    def opening_text(self) -> str:
        if self.opening_rule == OpeningRule.DATE:
            return f"opens on {self.opens_on:%-d %B %Y}"
        return f"{self.months_after_sign_off} months after each area's final plan is signed off"


class Reminder(models.Model):
    """A reminder to everyone who has not sent their answers, so many days after the invitation."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="reminders")
    days_after_invitation = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["survey", "days_after_invitation"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "days_after_invitation"], name="reminder_once"
            )
        ]

    def __str__(self):
        return f"after {days(self.days_after_invitation)}"


class QuestionKind(models.TextChoices):
    SINGLE = "single", "Single choice"
    MULTIPLE = "multiple", "Multiple choice"
    SCALE = "scale", "Scale with labelled points"
    NUMBER = "number", "Number"
    TEXT = "text", "Free text"


CHOICE_KINDS = {QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.SCALE}


class Question(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField()
    code = models.SlugField(max_length=40)
    text = models.CharField(max_length=300, validators=[single_line_text])
    help_text = models.CharField(max_length=300, blank=True, validators=[single_line_text])
    kind = models.CharField(max_length=10, choices=QuestionKind.choices)
    choice_set = models.ForeignKey(
        ChoiceSet, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    item_list = models.ForeignKey(
        ItemList, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Asked only when the answer to `follow_up_of` (for the same item) is one of `shown_when`.
    follow_up_of = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="follow_ups"
    )
    shown_when = models.ManyToManyField(Choice, blank=True, related_name="+")
    required = models.BooleanField(default=False)

    class Meta:
        ordering = ["survey", "order"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "code"], name="question_code_once"),
            models.CheckConstraint(
                condition=Q(kind__in=["single", "multiple", "scale"], choice_set__isnull=False)
                | Q(kind__in=["number", "text"], choice_set__isnull=True),
                name="question_choices_match_kind",
            ),
        ]

    def __str__(self):
        return self.text

    @property
    def has_choices(self) -> bool:
        return self.kind in CHOICE_KINDS


def _nonce() -> str:
    return secrets.token_urlsafe(16)


class Invitation(models.Model):
    """One person asked to answer one survey about one area. The personal link carries a signed
    token naming this row and its nonce (``surveys/links.py``); expiry and revocation are checked
    here, so a link can be withdrawn after it was sent."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="invitations")
    area = models.ForeignKey("programmes.Area", on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey(
        "programmes.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    # The organisation's type when invited: the figures split by it.
    org_type = models.CharField(max_length=20, choices=OrganisationType.choices)
    user = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="survey_invitations"
    )
    name = models.CharField(max_length=150, blank=True, validators=[single_line_text])
    email = models.EmailField()
    nonce = models.CharField(max_length=40, default=_nonce, editable=False)
    invited_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    opened_at = models.DateTimeField(null=True, blank=True, editable=False)
    answered_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    reminders_sent = models.PositiveSmallIntegerField(default=0, editable=False)
    # Emails actually sent (the invitation, then each reminder): the email task sends number n
    # only while fewer than n went out, so a retried task never emails twice.
    emails_sent = models.PositiveSmallIntegerField(default=0, editable=False)
    last_reminded_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["survey", "area__reference", "email"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "area", "organisation", "email"], name="invitation_once"
            ),
        ]

    def __str__(self):
        return f"{self.email} ({self.area.reference})"

    @property
    def org_group(self) -> str:
        return ORG_GROUP_OF[self.org_type]

    def is_expired(self, now=None) -> bool:
        return (now or timezone.now()) >= self.expires_at


class Response(models.Model):
    """The answers of one invitation: a draft the person can come back to, until sent."""

    workflow = RESPONSE

    invitation = models.OneToOneField(Invitation, on_delete=models.CASCADE, related_name="response")
    status = models.CharField(
        max_length=10, choices=ResponseStatus.choices, default=ResponseStatus.DRAFT, editable=False
    )
    started_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    sent_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft") | Q(sent_at__isnull=False),
                name="sent_response_has_time",
            )
        ]

    def __str__(self):
        return f"Response to {self.invitation}"

    @property
    def is_sent(self) -> bool:
        return self.status == ResponseStatus.SENT


class Answer(models.Model):
    """One question's answer (for one item, when the question is repeated over items)."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, null=True, blank=True)
    choices = models.ManyToManyField(Choice, blank=True, related_name="answers")
    number = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    text = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question", "item"],
                condition=Q(item__isnull=False),
                name="answer_once_per_item",
            ),
            models.UniqueConstraint(
                fields=["response", "question"],
                condition=Q(item__isnull=True),
                name="answer_once",
            ),
        ]

    def __str__(self):
        return f"{self.question.code}/{self.item.code if self.item else '-'}"
