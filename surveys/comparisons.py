"""Survey and record side by side: where an answer and the system's own data describe the same
thing, show both and list the areas where they disagree.

- Implementation status: the lead survey's answer against the status in the area's latest
  submitted progress return (the choice codes are the returns' statuses).
- Funding secured by source: the answer (more / as / less than planned, none) against the same
  outcome worked out from the funding records and the plan's resourcing lines
  (``delivery.comparisons.outcome_label``). The item codes are the funding sources.
"""

from collections import defaultdict
from decimal import Decimal

from delivery import selectors as delivery_selectors
from delivery.comparisons import AS_PLANNED, LESS, MORE, NONE, outcome_label
from delivery.models import FundingRecord, ProgressStatus
from plans.models import FundingSource

from .models import Answer, Survey
from .workflows import ResponseStatus

SECURED_OUTCOME = {"more": MORE, "as_planned": AS_PLANNED, "less": LESS, "none": NONE}
STATUS_LABELS = dict(ProgressStatus.choices)
SOURCE_LABELS = dict(FundingSource.choices)


def _answers(survey: Survey, code: str) -> list[dict]:
    return list(
        Answer.choices.through.objects.filter(
            answer__response__invitation__survey=survey,
            answer__response__status=ResponseStatus.SENT,
            answer__question__code=code,
        )
        .values(
            "answer__response__invitation__area_id",
            "answer__response__invitation__area__reference",
            "answer__response__invitation__area__name",
            "answer__item__code",
            "choice__code",
            "choice__label",
        )
        .order_by("answer__response__invitation__area__reference", "answer__item__order")
    )


def implementation_side_by_side(*, survey: Survey) -> list[dict]:
    latest = delivery_selectors.latest_progress_statuses(round=survey.round)
    rows = []
    for a in _answers(survey, "implementation_status"):
        record = latest.get(a["answer__response__invitation__area_id"])
        rows.append(
            {
                "reference": a["answer__response__invitation__area__reference"],
                "name": a["answer__response__invitation__area__name"],
                "survey": a["choice__label"],
                "record": STATUS_LABELS.get(record, "No return submitted yet"),
                "agree": record is not None and record == a["choice__code"],
                "no_record": record is None,
            }
        )
    return rows


def _amounts(survey: Survey) -> tuple[dict, dict]:
    from plans.models import ResourcingLine

    planned, secured = defaultdict(Decimal), defaultdict(Decimal)
    for area_id, source, amount in ResourcingLine.objects.filter(
        plan__area__round=survey.round
    ).values_list("plan__area_id", "source", "planned_amount"):
        planned[(area_id, source)] += amount
    for area_id, source, amount in FundingRecord.objects.filter(
        area__round=survey.round
    ).values_list("area_id", "source", "amount"):
        secured[(area_id, source)] += amount
    return planned, secured


def funding_side_by_side(*, survey: Survey) -> list[dict]:
    planned, secured = _amounts(survey)
    rows = []
    for a in _answers(survey, "funding_secured"):
        key = (a["answer__response__invitation__area_id"], a["answer__item__code"])
        record = outcome_label(planned[key], secured[key])
        said = SECURED_OUTCOME.get(a["choice__code"])
        rows.append(
            {
                "reference": a["answer__response__invitation__area__reference"],
                "name": a["answer__response__invitation__area__name"],
                "source": SOURCE_LABELS.get(a["answer__item__code"], a["answer__item__code"]),
                "survey": a["choice__label"],
                "record": record[:1].upper() + record[1:],
                "planned": planned[key],
                "secured": secured[key],
                "agree": said == record,
            }
        )
    return rows


def side_by_side(*, survey: Survey) -> dict:
    implementation = implementation_side_by_side(survey=survey)
    funding = funding_side_by_side(survey=survey)
    disagree = sorted(
        {
            (r["reference"], r["name"])
            for r in implementation
            if not r["agree"] and not r["no_record"]
        }
        | {(r["reference"], r["name"]) for r in funding if not r["agree"]}
    )
    return {"implementation": implementation, "funding": funding, "disagree": disagree}
