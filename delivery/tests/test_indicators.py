"""Outcome indicators in delivery: which indicators a return asks about, the values it reports
(and what return_save refuses), the trend reviewers read, the statuses per area with a fixed
number of queries, and the area page's panel."""

import datetime
from collections import Counter
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from core.testing import today
from delivery import services
from delivery.indicators import indicator_statuses_for_areas, indicators_due
from delivery.models import IndicatorValue, ReturnStatus
from plans.indicators import OutcomeIndicator
from plans.tests.factories import LogicModelFactory
from programmes.tests.panels import area_panel, panel_url

from .factories import ImplementingAreaFactory, ProgressReturnFactory

pytestmark = pytest.mark.usefixtures("clock")

DAY = datetime.timedelta(days=1)


def make_indicator(area, **over):
    logic_model = getattr(area, "logic_model", None) or LogicModelFactory(area=area, rows=1)
    values = {
        "row": logic_model.rows.first(),
        "name": "Residents supported into work",
        "unit": "count",
        "baseline_value": Decimal("0"),
        "baseline_on": today() - 365 * DAY,
        "target_value": Decimal("60"),
        "target_on": today() + 365 * DAY,
        "direction": "higher",
        "how_measured": "Job starts recorded by the employment worker",
    }
    return OutcomeIndicator.objects.create(**{**values, **over})


def sent_return(area, period_end, values: dict):
    r = ProgressReturnFactory(
        area=area, period_end=period_end, period_start=period_end - 89 * DAY, submitted=True
    )
    for indicator, value in values.items():
        IndicatorValue.objects.create(progress_return=r, indicator=indicator, value=value)
    return r


class TestReturnAsks:
    def test_asks_for_indicators_still_running_in_the_period(self, impl_area):
        running = make_indicator(impl_area)
        make_indicator(impl_area, name="Finished", target_on=today() - 200 * DAY)
        r = ProgressReturnFactory(area=impl_area)
        assert [d.indicator for d in indicators_due(r)] == [running]

    def test_lead_reports_values_with_notes(self, impl_area, impl_lead):
        jobs = make_indicator(impl_area)
        say = make_indicator(
            impl_area, name="Say", unit="percentage", baseline_value=22, target_value=40
        )
        r = ProgressReturnFactory(area=impl_area)
        services.return_save(
            progress_return=r,
            actor=impl_lead,
            indicator_values=[
                {"indicator": jobs.pk, "value": "31", "note": "From the monitoring sheet"},
                {"indicator": say.pk, "value": Decimal("30.5"), "note": ""},
            ],
        )
        assert dict(r.indicator_values.values_list("indicator__name", "value")) == {
            "Residents supported into work": Decimal("31.00"),
            "Say": Decimal("30.50"),
        }
        # Saving again without one removes it: the return reports what the form holds.
        services.return_save(
            progress_return=r,
            actor=impl_lead,
            indicator_values=[{"indicator": say.pk, "value": 33}],
        )
        assert list(r.indicator_values.values_list("value", flat=True)) == [Decimal("33.00")]

    @pytest.mark.parametrize(
        "unit,value,note,field,message",
        [
            ("percentage", "101", "", "indicator_{}", "between 0 and 100"),
            ("count", "-1", "", "indicator_{}", "Enter 0 or more"),
            ("count", "nan", "", "indicator_{}", "Enter a number"),
            ("count", "5", "two\nlines", "indicator_{}_note", ""),
        ],
    )
    def test_refused_values_are_named_by_field(
        self, impl_area, impl_lead, unit, value, note, field, message
    ):
        indicator = make_indicator(impl_area, unit=unit, baseline_value=10, target_value=40)
        r = ProgressReturnFactory(area=impl_area)
        with pytest.raises(ValidationError) as caught:
            services.return_save(
                progress_return=r,
                actor=impl_lead,
                indicator_values=[{"indicator": indicator.pk, "value": value, "note": note}],
            )
        errors = caught.value.message_dict
        assert field.format(indicator.pk) in errors
        assert message in " ".join(errors[field.format(indicator.pk)])
        assert not IndicatorValue.objects.exists()

    def test_refused_for_an_indicator_the_return_does_not_ask_about(self, impl_area, impl_lead):
        elsewhere = make_indicator(ImplementingAreaFactory())
        finished = make_indicator(impl_area, target_on=today() - 200 * DAY)
        r = ProgressReturnFactory(area=impl_area)
        for indicator in (elsewhere, finished):
            with pytest.raises(ValidationError, match="does not ask about that indicator"):
                services.return_save(
                    progress_return=r,
                    actor=impl_lead,
                    indicator_values=[{"indicator": indicator.pk, "value": 3}],
                )

    def test_a_sent_return_cannot_be_changed(self, impl_area, impl_lead):
        indicator = make_indicator(impl_area)
        r = sent_return(impl_area, today() - 10 * DAY, {indicator: 20})
        with pytest.raises(PermissionDenied):
            services.return_save(
                progress_return=r,
                actor=impl_lead,
                indicator_values=[{"indicator": indicator.pk, "value": 50}],
            )
        assert IndicatorValue.objects.get().value == 20

    def test_the_return_form_and_the_reviewers_trend(
        self, client_for, impl_area, impl_lead, programme_manager
    ):
        indicator = make_indicator(impl_area)
        sent_return(impl_area, today() - 190 * DAY, {indicator: Decimal("12")})
        r = ProgressReturnFactory(area=impl_area)
        url = reverse("delivery:return_detail", args=[r.pk])
        client = client_for(impl_lead)
        page = client.get(url).content.decode()
        assert "Residents supported into work: latest value" in page
        assert "Earlier values:" in page and "12" in page
        response = client.post(
            url,
            {
                "service_users_reached": "3",
                f"indicator_{indicator.pk}": "",
                f"indicator_{indicator.pk}_note": "A note without its value",
                "save": "1",
            },
        )
        assert "Give the value the note is about." in response.content.decode()
        response = client.post(
            url,
            {
                "service_users_reached": "3",
                f"indicator_{indicator.pk}": "34",
                f"indicator_{indicator.pk}_note": "Counted from the job starts",
                "save": "1",
            },
        )
        assert response.status_code == 302
        reported = IndicatorValue.objects.get(progress_return=r)
        assert reported.value == 34
        type(r).objects.filter(pk=r.pk).update(
            status=ReturnStatus.SUBMITTED,
            progress_status="on_schedule",
            submitted_at=timezone.now(),
        )
        review = client_for(programme_manager).get(url).content.decode()
        assert "Earlier returns" in review
        assert "Counted from the job starts" in review and "<strong>34</strong>" in review


class TestFinalReport:
    """A final report (grant closure) asks for the final value of every indicator of the plan,
    finished or not, and says of each whether its target was reached."""

    def final_report(self, area):
        return ProgressReturnFactory(
            area=area, kind="final", period_start=today(), period_end=today()
        )

    def test_asks_for_every_indicator_finished_or_not(self, impl_area):
        running = make_indicator(impl_area)
        finished = make_indicator(impl_area, name="Finished", target_on=today() - 200 * DAY)
        assert [d.indicator for d in indicators_due(self.final_report(impl_area))] == [
            running,
            finished,
        ]

    def test_the_final_values_are_judged_against_each_target(
        self, client_for, impl_area, impl_lead, programme_manager
    ):
        reached = make_indicator(impl_area, target_value=Decimal("60"))
        missed = make_indicator(
            impl_area, name="Finished", target_value=Decimal("10"), target_on=today() - 200 * DAY
        )
        r = self.final_report(impl_area)
        url = reverse("delivery:return_detail", args=[r.pk])
        lead_page = client_for(impl_lead).get(url).content.decode()
        assert "The final value of every indicator in your signed-off plan" in lead_page
        assert f'name="indicator_{missed.pk}"' in lead_page
        services.return_save(
            progress_return=r,
            actor=impl_lead,
            indicator_values=[
                {"indicator": reached.pk, "value": "61"},
                {"indicator": missed.pk, "value": "4"},
            ],
        )
        type(r).objects.filter(pk=r.pk).update(
            status=ReturnStatus.SUBMITTED,
            progress_status="on_schedule",
            submitted_at=timezone.now(),
            outcomes_achieved="Most of what the plan set out",
            spent=Decimal("1000"),
            spend_explained="As planned",
            lessons="Start earlier",
        )
        review = client_for(programme_manager).get(url).content.decode()
        assert "Against the target" in review
        rows = review.split("<tbody>", 1)[1].split("</tbody>", 1)[0].split("</tr>")
        assert "Achieved" in rows[0] and "61" in rows[0]
        assert "Behind" in rows[1] and "Achieved" not in rows[1]


class TestStatuses:
    def test_counts_each_status_per_area(self, impl_area):
        halfway = today()  # baseline a year ago, target a year ahead: the line expects 30
        on_track = make_indicator(impl_area, name="On track")
        behind = make_indicator(impl_area, name="Behind")
        achieved = make_indicator(impl_area, name="Achieved")
        make_indicator(impl_area, name="No data")
        sent_return(impl_area, halfway - 100 * DAY, {on_track: 10, behind: 10, achieved: 10})
        sent_return(impl_area, halfway, {on_track: 31, behind: 20, achieved: 61})
        # A draft's values are not a report yet.
        draft = ProgressReturnFactory(area=impl_area, period_end=halfway + 30 * DAY)
        IndicatorValue.objects.create(progress_return=draft, indicator=behind, value=59)
        other = ImplementingAreaFactory()
        assert indicator_statuses_for_areas([impl_area.pk, other.pk]) == {
            impl_area.pk: Counter(on_track=1, behind=1, achieved=1, no_data=1)
        }

    @pytest.mark.parametrize("areas", [2, 6])
    def test_queries_do_not_grow_with_areas(self, db, areas, django_assert_num_queries):
        ids = []
        for n in range(areas):
            area = ImplementingAreaFactory()
            indicators = [make_indicator(area, name=f"I{k}") for k in range(3)]
            sent_return(area, today() - 10 * DAY, {i: n + k for k, i in enumerate(indicators)})
            ids.append(area.pk)
        with django_assert_num_queries(2):
            statuses = indicator_statuses_for_areas(ids)
        assert sum(sum(c.values()) for c in statuses.values()) == 3 * areas


class TestAreaPanel:
    @pytest.mark.parametrize("indicators", [2, 8])
    def test_chart_table_and_status_in_words(
        self, client_for, impl_area, programme_manager, indicators, django_assert_max_num_queries
    ):
        made = [make_indicator(impl_area, name=f"Indicator {n}") for n in range(indicators)]
        sent_return(impl_area, today() - 100 * DAY, dict.fromkeys(made, 10))
        sent_return(impl_area, today() - 10 * DAY, {made[0]: 61, made[1]: 12})
        client = client_for(programme_manager)
        html = area_panel(client, impl_area, "indicators")
        assert html.count("data-indicator-chart=") == indicators
        assert "Achieved" in html and "Behind" in html
        assert html.count("<caption") == indicators  # the table beside each chart
        with django_assert_max_num_queries(12):
            client.get(panel_url(impl_area, "indicators"), HTTP_HX_REQUEST="true")

    def test_nothing_without_indicators_and_404_elsewhere(self, client_for, impl_area, other_lead):
        client = client_for(other_lead)
        assert client.get(panel_url(impl_area, "indicators")).status_code == 404


class TestExpectedLabel:
    """The straight line's expectation at the latest report, as the panel says it."""

    def _trend(self, area, unit, target):
        from delivery.indicators import Point, Trend

        indicator = make_indicator(
            area,
            unit=unit,
            target_value=Decimal(target),
            baseline_on=today() - 300 * DAY,
            target_on=today() + 700 * DAY,
        )
        # 123 days into 1,000: the line expects 12.3% of the target.
        point = Point(on=today() - 177 * DAY, value=Decimal("5"), unit=unit)
        return Trend(indicator=indicator, points=[point])

    def test_a_count_is_expected_in_whole_things(self, impl_area):
        assert self._trend(impl_area, "count", "1045").expected_label == "129"

    def test_money_and_percentages_keep_their_pence_and_decimals(self, impl_area):
        assert self._trend(impl_area, "money", "1045").expected_label == "£128.54"
        assert self._trend(impl_area, "percentage", "45").expected_label == "5.54%"
