"""The demo programme: Our Place, with a finished pilot round and a live Round 2, their milestones
and their assessment criteria."""

import datetime
from decimal import Decimal

from applications.models import AssessmentCriterion, RoundAssessmentSettings
from programmes import services
from programmes.models import Milestone, Programme, Round, Stage

CRITERIA = [
    # name, guidance, weight
    (
        "Understanding of local issues",
        "Evidence that the issues matter to residents and that the applicant knows why they arise.",
        "1.5",
    ),
    (
        "Strength of the partnership",
        "Statutory partners named and involved, not just informed.",
        "1.5",
    ),
    (
        "Potential to change services",
        "A credible idea of how public money could be spent differently.",
        "1",
    ),
    ("Capacity of the lead organisation", "Track record, governance and staff time.", "1"),
]

# name, kind, stage, days after the round starts (None: the day applications close)
MILESTONES = [
    ("Applications close", Milestone.Kind.APPLICATIONS_CLOSE, Stage.APPLICATION, None),
    (
        "Getting Going applications due",
        Milestone.Kind.GETTING_GOING_APPLICATION,
        Stage.GETTING_GOING,
        150,
    ),
    ("Draft operational plans due", Milestone.Kind.DRAFT_PLAN, Stage.GETTING_GOING, 230),
    ("Final operational plans due", Milestone.Kind.FINAL_PLAN, Stage.GETTING_GOING, 300),
    (
        "Making it Happen applications due",
        Milestone.Kind.MAKING_IT_HAPPEN_APPLICATION,
        Stage.MAKING_IT_HAPPEN,
        480,
    ),
]


def programme() -> Programme:
    programme, _ = Programme.objects.get_or_create(
        slug="our-place",
        defaults={
            "name": "Our Place",
            "funder_name": "Department for Communities",
            "manager_name": "Locality",
            "funder_identifier": "GB-GOR-D1234",
            "description": "Neighbourhood grants to redesign local public services with the "
            "statutory bodies that run them.",
        },
    )
    return programme


def rounds(programme) -> tuple[Round, Round]:
    """The finished pilot round and the live Round 2 (dated from today), with their milestones
    and assessment set-up."""
    today = datetime.date.today()
    finished = Round.objects.filter(slug="pilot").first() or services.round_create(
        programme=programme,
        slug="pilot",
        name="Pilot round",
        opens_on=today.replace(year=today.year - 3, month=1, day=6),
        closes_on=today.replace(year=today.year - 3, month=3, day=28),
        starts_on=today.replace(year=today.year - 3, month=4, day=1),
        ends_on=today.replace(year=today.year - 1, month=3, day=31),
        status=Round.Status.FINISHED,
    )
    live = Round.objects.filter(slug="round-2").first() or services.round_create(
        programme=programme,
        slug="round-2",
        name="Round 2",
        opens_on=today - datetime.timedelta(days=240),
        closes_on=today + datetime.timedelta(days=45),
        starts_on=today - datetime.timedelta(days=210),
        ends_on=today + datetime.timedelta(days=520),
        status=Round.Status.OPEN,
    )
    for rnd in (finished, live):
        _milestones(rnd)
    for rnd in (finished, live):
        _assessment_setup(rnd)
    return finished, live


def _milestones(rnd):
    if rnd.milestones.exists():
        return
    for name, kind, stage, days in MILESTONES:
        due = rnd.closes_on if days is None else rnd.starts_on + datetime.timedelta(days=days)
        services.milestone_add(round=rnd, name=name, kind=kind, stage=stage, due_on=due)


def _assessment_setup(rnd):
    RoundAssessmentSettings.objects.get_or_create(
        round=rnd, defaults={"score_min": 1, "score_max": 5}
    )
    for order, (name, guidance, weight) in enumerate(CRITERIA, 1):
        AssessmentCriterion.objects.get_or_create(
            round=rnd,
            name=name,
            defaults={"guidance": guidance, "weight": Decimal(weight), "order": order},
        )
