"""The demo's surveys: both questionnaires on the pilot round, with enough sent answers that the
figures show, a draft, a withdrawn link and one organisation type group suppressed."""

import pytest

from core.tests.demo_snapshot import load_demo_for_test
from surveys import figures
from surveys.models import Survey
from surveys.selectors import tracking

pytestmark = pytest.mark.django_db


def test_the_demo_has_both_surveys_with_figures_and_a_suppressed_group():
    load_demo_for_test()
    lead = Survey.objects.get(round__slug="pilot", standard="lead")
    partner = Survey.objects.get(round__slug="pilot", standard="partner")
    assert lead.status == partner.status == "open"
    assert lead.opening_rule == "after_sign_off" and lead.months_after_sign_off == 9

    rate = tracking(survey=lead)["area_rate"]
    assert 5 <= rate.answered < rate.invited
    assert lead.invitations.filter(response__status="draft").exists()
    assert partner.invitations.filter(revoked_at__isnull=False).exists()

    difficulty = next(
        f for f in figures.survey_figures(survey=lead) if f["question"].code == "stage_difficulty"
    )
    panels = {p.key: p for p in difficulty["panels"]}
    assert not panels["overall"].suppressed and not panels["public"].suppressed
    assert panels["community"].suppressed
