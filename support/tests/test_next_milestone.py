"""The relationship manager's list names the next milestone that still matters to each area: an
area past a stage is not reminded of that stage's deadline."""

import datetime

import pytest

from accounts.tests.factories import AreaAssignmentFactory
from programmes.models import Area, AreaStage, Milestone, Stage
from programmes.tests.factories import AreaFactory, MilestoneFactory, RoundFactory
from support.selectors import rm_areas

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 22)


def _milestones(rnd):
    MilestoneFactory(
        round=rnd,
        name="Draft plans due",
        kind=Milestone.Kind.DRAFT_PLAN,
        stage=Stage.GETTING_GOING,
        due_on=TODAY + datetime.timedelta(days=20),
    )
    MilestoneFactory(
        round=rnd,
        name="Making it Happen applications due",
        kind=Milestone.Kind.MAKING_IT_HAPPEN_APPLICATION,
        stage=Stage.MAKING_IT_HAPPEN,
        due_on=TODAY + datetime.timedelta(days=200),
    )
    MilestoneFactory(
        round=rnd,
        name="Already passed",
        kind=Milestone.Kind.FINAL_PLAN,
        stage=Stage.GETTING_GOING,
        due_on=TODAY - datetime.timedelta(days=1),
    )


@pytest.mark.parametrize(
    "stage, expected",
    [
        (AreaStage.GETTING_READY, "Draft plans due"),
        (AreaStage.GETTING_GOING, "Draft plans due"),
        (AreaStage.IMPLEMENTATION, "Making it Happen applications due"),
        (AreaStage.MAKING_IT_HAPPEN, None),
    ],
)
def test_next_milestone_skips_deadlines_the_area_is_past(relationship_manager, stage, expected):
    rnd = RoundFactory()
    _milestones(rnd)
    area = AreaFactory(round=rnd)
    Area.objects.filter(pk=area.pk).update(stage=stage)
    AreaAssignmentFactory(area=area, user=relationship_manager)

    row = rm_areas(user=relationship_manager, today=TODAY).get(pk=area.pk)

    assert row.next_milestone_name == expected
