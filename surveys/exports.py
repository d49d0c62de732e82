"""The survey's answers as CSV: one row per sent response, with the area's reference and the
respondent organisation's type; a column per question (per item for repeated questions). Free-text
answers are written only for staff who may read them (``permissions.can_read_free_text``)."""

from programmes.models import OrganisationType

from .models import ORG_GROUP_OF, Answer, OrgGroup, QuestionKind, Response, Survey
from .workflows import ResponseStatus

FIXED = [
    "response",
    "survey",
    "round",
    "area_reference",
    "area_name",
    "organisation_type",
    "organisation_group",
    "sent_at",
]


def _columns(survey: Survey, *, free_text: bool) -> list[tuple]:
    columns = []
    questions = survey.questions.select_related("item_list").prefetch_related("item_list__items")
    for q in questions:
        if q.kind == QuestionKind.TEXT and not free_text:
            continue
        items = list(q.item_list.items.all()) if q.item_list_id else [None]
        for item in items:
            columns.append((q, item, f"{q.code}:{item.code}" if item else q.code))
    return columns


def _values(survey: Survey) -> dict:
    """(response id, question id, item id) -> the answer as text."""
    values = {}
    answers = Answer.objects.filter(
        response__invitation__survey=survey, response__status=ResponseStatus.SENT
    ).prefetch_related("choices")
    for a in answers:
        if a.number is not None:
            value = a.number
        elif a.text:
            value = a.text
        else:
            value = "; ".join(c.label for c in a.choices.all())
        values[(a.response_id, a.question_id, a.item_id)] = value
    return values


def survey_csv_rows(*, survey: Survey, free_text: bool):
    """The header, then one row per sent response."""
    columns = _columns(survey, free_text=free_text)
    yield FIXED + [name for _q, _i, name in columns]
    values = _values(survey)
    groups = dict(OrgGroup.choices)
    responses = (
        Response.objects.filter(invitation__survey=survey, status=ResponseStatus.SENT)
        .select_related("invitation__area", "invitation__organisation")
        .order_by("invitation__area__reference", "pk")
    )
    labels = dict(OrganisationType.choices)
    for r in responses:
        inv = r.invitation
        yield [
            r.pk,
            survey.title,
            survey.round.name,
            inv.area.reference,
            inv.area.name,
            labels[inv.org_type],
            groups[ORG_GROUP_OF[inv.org_type]],
            r.sent_at.strftime("%Y-%m-%d %H:%M"),
        ] + [values.get((r.pk, q.pk, i.pk if i else None), "") for q, i, _n in columns]
