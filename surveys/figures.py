"""The evaluation's figures, regenerated from the answers: for every scale question, the share of
each point per item, for all respondents and split by organisation type group, each titled with
"n/N respondents". A group with fewer than `MIN_GROUP` respondents is suppressed so no one can be
identified (the overall figure too, while fewer than that have answered).

Only sent responses count. `survey_figures` runs three queries whatever the number of answers.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from .models import ORG_GROUP_OF, Answer, OrgGroup, QuestionKind, Response, Survey, Tone
from .workflows import ResponseStatus

MIN_GROUP = 5
SUPPRESSED = "fewer than 5 answers"
# Chart colours per point, darkest positive to darkest negative, grey for "not applicable".
POSITIVE_COLOURS = ["#1d5c4f", "#5f9e8f", "#9cc5b9"]
NEGATIVE_COLOURS = ["#f2a541", "#b02a37", "#7a1c26"]
NEUTRAL_COLOUR = "#adb5bd"

GROUPS = [("overall", "All respondents")] + [(g.value, g.label) for g in OrgGroup]


@dataclass
class Panel:
    key: str
    label: str
    n: int  # respondents who answered this question
    total: int  # respondents to the survey in this group
    rows: list = field(default_factory=list)

    @property
    def suppressed(self) -> bool:
        return self.n < MIN_GROUP

    @property
    def respondents(self) -> str:
        return f"{self.n}/{self.total} respondents"


def colours(choices) -> list[str]:
    pos = [c for c in choices if c.tone == Tone.POSITIVE]
    neg = [c for c in choices if c.tone == Tone.NEGATIVE]
    out = []
    for c in choices:
        if c.tone == Tone.POSITIVE:
            out.append(POSITIVE_COLOURS[min(pos.index(c), 2)])
        elif c.tone == Tone.NEGATIVE:
            out.append(NEGATIVE_COLOURS[min(3 - len(neg) + neg.index(c), 2)])
        else:
            out.append(NEUTRAL_COLOUR)
    return out


def _sent_respondents(survey: Survey) -> dict[int, str]:
    """Sent response id -> organisation type group."""
    return {
        pk: ORG_GROUP_OF[org_type]
        for pk, org_type in Response.objects.filter(
            invitation__survey=survey, status=ResponseStatus.SENT
        ).values_list("pk", "invitation__org_type")
    }


def _picks(survey: Survey) -> list[tuple[int, int, int | None, int]]:
    """(response id, question id, item id, choice id) for every scale answer sent."""
    through = Answer.choices.through
    return list(
        through.objects.filter(
            answer__response__invitation__survey=survey,
            answer__response__status=ResponseStatus.SENT,
            answer__question__kind=QuestionKind.SCALE,
        ).values_list("answer__response_id", "answer__question_id", "answer__item_id", "choice_id")
    )


def _rows(question, choices, items, picks, members) -> list[dict]:
    rows = []
    for item in items:
        counts = defaultdict(int)
        for response_id, item_id, choice_id in picks:
            if item_id == (item.pk if item else None) and response_id in members:
                counts[choice_id] += 1
        n = sum(counts.values())
        scored = sum(counts[c.pk] for c in choices if c.tone != Tone.NEUTRAL)
        positive = sum(counts[c.pk] for c in choices if c.tone == Tone.POSITIVE)
        rows.append(
            {
                "item": item.label if item else question.text,
                "n": n,
                "counts": [counts[c.pk] for c in choices],
                "pcts": [round(100 * counts[c.pk] / n) if n else 0 for c in choices],
                "positive_pct": round(100 * positive / scored) if scored else None,
            }
        )
    return rows


def _panel(key, label, question, choices, items, picks, members) -> Panel:
    answered = {response_id for response_id, _i, _c in picks if response_id in members}
    panel = Panel(key=key, label=label, n=len(answered), total=len(members))
    if not panel.suppressed:
        panel.rows = _rows(question, choices, items, picks, members)
    return panel


def chart_data(figure: dict, panel: Panel) -> dict:
    """What static/surveys/figures.js draws: a stacked horizontal bar per item (percentages)."""
    return {
        "title": f"{figure['question'].text} ({panel.label}, {panel.respondents})",
        "labels": [r["item"] for r in panel.rows],
        "datasets": [
            {"label": c.label, "data": [r["pcts"][i] for r in panel.rows], "colour": colour}
            for i, (c, colour) in enumerate(zip(figure["choices"], figure["colours"], strict=True))
        ],
    }


def survey_figures(*, survey: Survey) -> list[dict]:
    """One figure per scale question: its points, and a `Panel` per group (overall first)."""
    groups_of = _sent_respondents(survey)
    by_question = defaultdict(list)
    for response_id, question_id, item_id, choice_id in _picks(survey):
        by_question[question_id].append((response_id, item_id, choice_id))
    questions = (
        survey.questions.filter(kind=QuestionKind.SCALE)
        .select_related("choice_set", "item_list")
        .prefetch_related("choice_set__choices", "item_list__items")
    )
    figures = []
    for question in questions:
        choices = list(question.choice_set.choices.all())
        items = list(question.item_list.items.all()) if question.item_list_id else [None]
        figure = {"question": question, "choices": choices, "colours": colours(choices)}
        picks = by_question.get(question.pk, [])
        figure["panels"] = [
            _panel(
                key,
                label,
                question,
                choices,
                items,
                picks,
                {r for r, g in groups_of.items() if key == "overall" or g == key},
            )
            for key, label in GROUPS
        ]
        for panel in figure["panels"]:
            panel.chart = None if panel.suppressed else chart_data(figure, panel)
            panel.dom_id = f"figure-{question.pk}-{panel.key}"
            panel.height = 70 + 34 * len(panel.rows)
        figures.append(figure)
    return figures
