"""Demo surveys: the evaluation's two questionnaires on the finished pilot round, opened nine
months after each area's sign-off, with most people answered (so the figures show) and a few
not: one draft, one link withdrawn. The pilot's lead organisations include four VCS bodies and
parish councils, so that group's figures are suppressed ("fewer than 5 answers"), as they would
be in real life.

Everything goes through the surveys services. Safe to run again: nothing is done once the pilot
round has a standard survey.
"""

import random

from programmes.models import Partner
from surveys import services
from surveys.models import QuestionKind, Survey

# Answers lean the way the evaluation found: early stages easy, CBA hard; cash grants helpful.
LEANINGS = {
    "stage_difficulty": {
        "application": [5, 4, 1, 0, 0],
        "strategy": [2, 5, 2, 1, 0],
        "logic_model": [1, 4, 4, 1, 0],
        "draft_plan": [1, 3, 4, 2, 0],
        "final_plan": [1, 3, 4, 2, 0],
        "cba": [0, 1, 4, 4, 1],
    },
    "support_helpfulness": {"cash_grants": [8, 2, 0, 0, 0], "webinars": [1, 3, 3, 1, 2]},
    "funding_secured": {"": [1, 2, 2, 5]},
}


def _pick(rng, question, item, choices):
    lean = LEANINGS.get(question.code, {})
    weights = lean.get(item.code if item else "", lean.get("", None))
    if weights is None or len(weights) != len(choices):
        weights = [3, 4, 2, 1, 1, 1][: len(choices)]
    return rng.choices(choices, weights=weights)[0]


def _values(rng, survey) -> dict:
    values = {}
    questions = survey.questions.select_related("choice_set", "item_list").prefetch_related(
        "choice_set__choices", "item_list__items", "shown_when"
    )
    for q in questions:
        items = list(q.item_list.items.all()) if q.item_list_id else [None]
        for item in items:
            key = (q.pk, item.pk if item else None)
            if q.kind == QuestionKind.TEXT:
                values[key] = rng.choice(["", "The deadlines kept us going.", ""])
            elif q.kind == QuestionKind.MULTIPLE:
                choices = [c.pk for c in q.choice_set.choices.all()]
                values[key] = rng.sample(choices, k=rng.randint(1, 3))
            elif q.has_choices:
                values[key] = _pick(rng, q, item, [c.pk for c in q.choice_set.choices.all()])
    return values


def _answer(rng, survey: Survey, *, leave: int) -> None:
    invitations = list(survey.invitations.order_by("area__reference", "pk"))
    for i, invitation in enumerate(invitations):
        if i >= len(invitations) - leave:
            if i == len(invitations) - leave:
                services.response_save(invitation=invitation, values={}, send=False)
            continue
        services.response_save(invitation=invitation, values=_values(rng, survey), send=True)


def load(ctx=None):
    if ctx is None:
        return ctx
    pilot, pm = ctx.finished_round, ctx.users["pm"]
    if Survey.objects.filter(round=pilot).exclude(standard="").exists():
        return ctx
    rng = random.Random(20261126)
    lead = services.standard_survey_create(round=pilot, which="lead", actor=pm)
    services.survey_settings_update(
        survey=lead,
        fields={"opening_rule": "after_sign_off", "opens_on": None, "months_after_sign_off": 9},
        reminder_days=[7, 14],
        actor=pm,
    )
    services.survey_open(survey=lead, actor=pm)
    _answer(rng, lead, leave=2)

    partner = services.standard_survey_create(round=pilot, which="partner", actor=pm)
    services.survey_open(survey=partner, actor=pm)
    partners = Partner.objects.filter(area__round=pilot, area__stage__in=["implementation"])
    for n, p in enumerate(partners.select_related("area", "organisation").order_by("pk")[:10]):
        services.partner_invite(
            survey=partner,
            partner=p,
            email=f"partner{n + 1}@partners.example",
            name=p.contact_name or f"Partner contact {n + 1}",
            actor=pm,
        )
    _answer(rng, partner, leave=3)
    last = partner.invitations.filter(answered_at__isnull=True).order_by("-pk").first()
    if last is not None:
        services.invitation_revoke(invitation=last, actor=pm)
    return ctx
