"""Outcome indicators beside the logic model: who may write them and when, what the service
refuses, the status rule, and that they are frozen into the plan's versions (so signed off)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.tests.factories import UserFactory
from plans import services
from plans.diff import version_diff
from plans.indicators import OutcomeIndicator, indicator_status
from plans.models import LogicModelRow
from plans.workflows import PlanStatus

from .factories import PlanFactory, lead_member_of

D = datetime.date
JAN, JAN_NEXT = D(2026, 1, 1), D(2027, 1, 1)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


def _indicator(row, **over):
    values = {
        "row": row,
        "name": "Residents supported into work",
        "unit": "count",
        "baseline_value": Decimal("0"),
        "baseline_on": JAN,
        "target_value": Decimal("60"),
        "target_on": JAN_NEXT,
        "direction": "higher",
        "how_measured": "Job starts recorded by the employment worker",
    }
    return {**values, **over}


def _three(rows):
    return [
        _indicator(rows[0]),
        _indicator(
            rows[1],
            name="Residents who feel they have a say",
            unit="percentage",
            baseline_value=Decimal("22"),
            target_value=Decimal("40"),
        ),
        _indicator(
            rows[1],
            name="Emergency admissions over 65",
            baseline_value=Decimal("140"),
            target_value=Decimal("110"),
            direction="lower",
        ),
    ]


def _rows(area):
    return list(LogicModelRow.objects.filter(logic_model__area=area).order_by("order"))


# The status rule: (baseline, target, direction, latest, latest_on) -> status. Baseline 1 Jan
# 2026, target 1 Jan 2027; halfway (2 Jul 2026) the line expects half the way.
STATUS_CASES = [
    (0, 60, "higher", None, None, "no_data"),
    (0, 60, "higher", 60, D(2026, 7, 2), "achieved"),
    (0, 60, "higher", 75, D(2026, 3, 1), "achieved"),
    (0, 60, "higher", 31, D(2026, 7, 2), "on_track"),
    (0, 60, "higher", 25, D(2026, 7, 2), "behind"),
    (0, 60, "higher", 59, D(2027, 3, 1), "behind"),
    (140, 110, "lower", 110, D(2026, 7, 2), "achieved"),
    (140, 110, "lower", 124, D(2026, 7, 2), "on_track"),
    (140, 110, "lower", 135, D(2026, 7, 2), "behind"),
    (140, 110, "lower", 150, D(2026, 2, 1), "behind"),
]


@pytest.mark.parametrize("baseline,target,direction,latest,latest_on,expected", STATUS_CASES)
def test_status_rule(baseline, target, direction, latest, latest_on, expected):
    assert (
        indicator_status(
            baseline=Decimal(baseline),
            baseline_on=JAN,
            target=Decimal(target),
            target_on=JAN_NEXT,
            direction=direction,
            latest=None if latest is None else Decimal(latest),
            latest_on=latest_on,
        )
        == expected
    )


class TestWriting:
    def test_lead_adds_three_indicators_and_they_are_frozen_with_the_plan(self, ready_plan, author):
        services.indicators_save(
            area=ready_plan.area, actor=author, indicators=_three(_rows(ready_plan.area))
        )
        assert list(
            OutcomeIndicator.objects.filter(row__logic_model__area=ready_plan.area).values_list(
                "name", flat=True
            )
        ) == [
            "Residents supported into work",
            "Residents who feel they have a say",
            "Emergency admissions over 65",
        ]
        services.plan_submit_draft(plan=ready_plan, actor=author)
        frozen = ready_plan.versions.get().content["indicators"]
        assert [(i["row_number"], i["name"], i["target_value"]) for i in frozen] == [
            (1, "Residents supported into work", "60.00"),
            (2, "Residents who feel they have a say", "40.00"),
            (2, "Emergency admissions over 65", "110.00"),
        ]

    def test_version_diff_shows_a_changed_indicator(self, ready_plan, author, pm):
        area = ready_plan.area
        services.indicators_save(area=area, actor=author, indicators=[_indicator(_rows(area)[0])])
        services.plan_submit_draft(plan=ready_plan, actor=author)
        saved = OutcomeIndicator.objects.get(row__logic_model__area=area)
        services.indicators_save(
            area=area,
            actor=author,
            indicators=[_indicator(_rows(area)[0], id=saved.pk, target_value=Decimal("80"))],
        )
        services.plan_submit_final(plan=ready_plan, actor=author)
        old, new = ready_plan.versions.order_by("number")
        diff = {d.key: d for d in version_diff(old, new)}["indicators"]
        assert diff.changed
        assert "target 60 by" in diff.html and "target 80 by" in diff.html
        # Edited in place: the same indicator, so values reported for it would stay with it.
        assert OutcomeIndicator.objects.get().pk == saved.pk

    @pytest.mark.parametrize("status", [PlanStatus.UNDER_REVIEW, PlanStatus.SIGNED_OFF])
    def test_refused_once_the_plan_is_not_editable(self, ready_plan, author, status):
        type(ready_plan).objects.filter(pk=ready_plan.pk).update(status=status)
        with pytest.raises(PermissionDenied, match="cannot be changed now"):
            services.indicators_save(
                area=ready_plan.area,
                actor=author,
                indicators=[_indicator(_rows(ready_plan.area)[0])],
            )
        assert not OutcomeIndicator.objects.exists()

    def test_refused_to_anyone_but_the_areas_lead(self, ready_plan, pm):
        other_lead = lead_member_of(PlanFactory().area, username="other-lead")
        for actor in (pm, other_lead):
            with pytest.raises(PermissionDenied):
                services.indicators_save(
                    area=ready_plan.area,
                    actor=actor,
                    indicators=[_indicator(_rows(ready_plan.area)[0])],
                )

    @pytest.mark.parametrize(
        "over,message",
        [
            ({"target_on": JAN}, "target date must be after the baseline date"),
            ({"target_value": Decimal("0")}, "target must differ from the baseline"),
            ({"direction": "lower"}, "check which direction is better"),
            ({"unit": "percentage", "target_value": Decimal("140")}, "between 0 and 100"),
            ({"name": ""}, "name: This field is required"),
            ({"unit": "furlongs"}, "unit: Choose from the list"),
        ],
    )
    def test_refusals_name_the_indicator_and_field(self, ready_plan, author, over, message):
        with pytest.raises(ValidationError, match=message):
            services.indicators_save(
                area=ready_plan.area,
                actor=author,
                indicators=[_indicator(_rows(ready_plan.area)[0], **over)],
            )

    def test_row_of_another_area_refused(self, ready_plan, author):
        from .factories import LogicModelFactory

        elsewhere = LogicModelFactory(rows=1).rows.get()
        with pytest.raises(ValidationError, match="Choose a row of this area's logic model"):
            services.indicators_save(
                area=ready_plan.area, actor=author, indicators=[_indicator(elsewhere)]
            )

    def test_logic_model_save_keeps_the_indicators_of_an_edited_row(self, ready_plan, author):
        area = ready_plan.area
        rows = _rows(area)
        services.indicators_save(area=area, actor=author, indicators=_three(rows))
        posted = [
            {"id": rows[1], **{f: getattr(rows[1], f) for f in services.LOGIC_MODEL_FIELDS}},
            {"id": rows[0], **{f: getattr(rows[0], f) for f in services.LOGIC_MODEL_FIELDS}},
        ]
        posted[0]["outputs"] = "300 visits"
        services.logic_model_save(area=area, rows=posted, actor=author)
        assert OutcomeIndicator.objects.count() == 3
        assert _rows(area)[0].pk == rows[1].pk and _rows(area)[0].outputs == "300 visits"
        # A row left out goes, and its indicators with it (none reported yet).
        services.logic_model_save(area=area, rows=posted[1:], actor=author)
        assert list(OutcomeIndicator.objects.values_list("name", flat=True)) == [
            "Residents supported into work"
        ]


class TestEditorPage:
    def test_lead_adds_an_indicator_through_the_page(self, client, ready_plan, author):
        area = ready_plan.area
        url = reverse("plans:indicators_edit", args=[area.reference])
        client.force_login(author)
        page = client.get(url)
        assert page.status_code == 200
        assert "Indicator 3" in page.content.decode()  # three blank ones to start
        row = _rows(area)[0]
        data = {
            "ind-TOTAL_FORMS": "1",
            "ind-INITIAL_FORMS": "0",
            "ind-0-row": str(row.pk),
            "ind-0-name": "Volunteers active",
            "ind-0-unit": "count",
            "ind-0-direction": "higher",
            "ind-0-baseline_value": "5",
            "ind-0-baseline_on": "2026-01-01",
            "ind-0-target_value": "40",
            "ind-0-target_on": "2026-01-01",
            "ind-0-how_measured": "Volunteer register",
        }
        refused = client.post(url, data)
        assert refused.status_code == 200
        assert "target date must be after the baseline date" in refused.content.decode()
        data["ind-0-target_on"] = "2027-06-30"
        saved = client.post(url, data)
        assert saved.status_code == 302
        assert OutcomeIndicator.objects.get().name == "Volunteers active"
        workspace = client.get(reverse("plans:workspace", args=[area.reference]))
        assert "Volunteers active" in workspace.content.decode()

    def test_other_people(self, client, ready_plan, pm):
        url = reverse("plans:indicators_edit", args=[ready_plan.area.reference])
        assert client.get(url).status_code == 302  # anonymous: to the login page
        client.force_login(pm)
        assert client.get(url).status_code == 403
        client.force_login(lead_member_of(PlanFactory().area, username="stranger"))
        assert client.get(url).status_code == 404
        client.force_login(UserFactory(username="nobody-special"))
        assert client.get(url).status_code == 404
