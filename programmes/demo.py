"""Demo data for the programme structure: a programme with a finished pilot round and a live
round, 64 areas over every stage and organisation type, partners, themes, and one user per role.

Called by `manage.py load_demo`; other apps add their own `demo.py` with a `load(ctx)` function
that builds on the context this one returns. Everything is deterministic (a seeded random), and
creation goes through the same services as the web app: every area is an application admitted by
`applications.services.application_decide` on the area's own dates, and reaches its stage through
the stage-gate decisions (which award the grants); about fifteen more applications wait in the
live round's assessment queue.
"""

import datetime
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import AreaAssignment, OrganisationMembership, Role, User
from applications import services as app_services
from applications.models import AssessmentCriterion, GateStage, RoundAssessmentSettings
from programmes import services
from programmes.models import (
    Approach,
    Area,
    AreaStage,
    AreaStatus,
    AreaType,
    GeoCodeType,
    Involvement,
    Milestone,
    Organisation,
    OrganisationType,
    PartnerType,
    Programme,
    Round,
    Stage,
    Theme,
)

DEMO_PASSWORD = "ourplace-demo"
# The signed-off area (with a CBA) that the demo user lead2 leads.
IMPLEMENTATION_DEMO_AREA = "R2-057"

# username, first, last, role, job title
DEMO_USERS = [
    ("pm", "Priya", "Shah", Role.PROGRAMME_MANAGER, "Programme manager"),
    (
        "funder",
        "Daniel",
        "Okafor",
        Role.FUNDER_OFFICER,
        "Policy officer, Department for Communities",
    ),
    ("rm", "Helen", "Moss", Role.RELATIONSHIP_MANAGER, "Relationship manager, North"),
    ("rm2", "Tom", "Ainsworth", Role.RELATIONSHIP_MANAGER, "Relationship manager, South"),
    ("lead", "Sarah", "Whitfield", Role.LEAD_ORGANISATION, "Chief officer"),
    # A second lead organisation user whose area is signed off and in implementation, so progress
    # returns, funding secured and CBA outturn can be tried from the lead organisation's side.
    ("lead2", "Gareth", "Lloyd", Role.LEAD_ORGANISATION, "Parish clerk"),
    ("admin", "Alex", "Morgan", Role.ADMIN, "Systems administrator"),
]

# neighbourhood, local authority district, area type, geographic code type
NEIGHBOURHOODS = [
    ("Beeston Hill", "Leeds", AreaType.URBAN, GeoCodeType.WD),
    ("Harehills", "Leeds", AreaType.URBAN, GeoCodeType.WD),
    ("Seacroft", "Leeds", AreaType.ESTATE, GeoCodeType.LSOA),
    ("Clock Face", "St Helens", AreaType.ESTATE, GeoCodeType.LSOA),
    ("Anfield", "Liverpool", AreaType.URBAN, GeoCodeType.WD),
    ("Norris Green", "Liverpool", AreaType.ESTATE, GeoCodeType.WD),
    ("Moss Side", "Manchester", AreaType.URBAN, GeoCodeType.WD),
    ("Wythenshawe", "Manchester", AreaType.ESTATE, GeoCodeType.WD),
    ("Levenshulme", "Manchester", AreaType.URBAN, GeoCodeType.WD),
    ("Balsall Heath", "Birmingham", AreaType.URBAN, GeoCodeType.WD),
    ("Castle Vale", "Birmingham", AreaType.ESTATE, GeoCodeType.LSOA),
    ("Lozells", "Birmingham", AreaType.URBAN, GeoCodeType.WD),
    ("St Ann's", "Nottingham", AreaType.ESTATE, GeoCodeType.WD),
    ("Bulwell", "Nottingham", AreaType.URBAN, GeoCodeType.WD),
    ("Sneinton", "Nottingham", AreaType.URBAN, GeoCodeType.WD),
    ("Byker", "Newcastle upon Tyne", AreaType.ESTATE, GeoCodeType.WD),
    ("Walker", "Newcastle upon Tyne", AreaType.URBAN, GeoCodeType.WD),
    ("Hendon", "Sunderland", AreaType.URBAN, GeoCodeType.WD),
    ("Parr", "St Helens", AreaType.URBAN, GeoCodeType.WD),
    ("Page Moss", "Knowsley", AreaType.ESTATE, GeoCodeType.LSOA),
    ("Kirkholt", "Rochdale", AreaType.ESTATE, GeoCodeType.LSOA),
    ("Ordsall", "Salford", AreaType.URBAN, GeoCodeType.WD),
    ("Little Hulton", "Salford", AreaType.ESTATE, GeoCodeType.WD),
    ("Grangetown", "Redcar and Cleveland", AreaType.TOWN, GeoCodeType.WD),
    ("Thornaby", "Stockton-on-Tees", AreaType.TOWN, GeoCodeType.WD),
    ("Hartcliffe", "Bristol", AreaType.ESTATE, GeoCodeType.WD),
    ("Knowle West", "Bristol", AreaType.ESTATE, GeoCodeType.WD),
    ("Barton Hill", "Bristol", AreaType.URBAN, GeoCodeType.LSOA),
    ("Devonport", "Plymouth", AreaType.URBAN, GeoCodeType.WD),
    ("Stonehouse", "Plymouth", AreaType.URBAN, GeoCodeType.LSOA),
    ("Jaywick", "Tendring", AreaType.TOWN, GeoCodeType.LSOA),
    ("Clacton West", "Tendring", AreaType.TOWN, GeoCodeType.WD),
    ("Central Hastings", "Hastings", AreaType.TOWN, GeoCodeType.WD),
    ("Whitehawk", "Brighton and Hove", AreaType.ESTATE, GeoCodeType.LSOA),
    ("Northfields", "Ealing", AreaType.URBAN, GeoCodeType.WD),
    ("Somers Town", "Camden", AreaType.URBAN, GeoCodeType.LSOA),
    ("Poplar", "Tower Hamlets", AreaType.URBAN, GeoCodeType.WD),
    ("Thamesmead", "Greenwich", AreaType.ESTATE, GeoCodeType.WD),
    ("Broadwater Farm", "Haringey", AreaType.ESTATE, GeoCodeType.LSOA),
    ("Blackbird Leys", "Oxford", AreaType.ESTATE, GeoCodeType.WD),
    ("Abbey", "Cambridge", AreaType.URBAN, GeoCodeType.WD),
    ("Eastfield", "Scarborough", AreaType.TOWN, GeoCodeType.WD),
    ("Withernsea", "East Riding of Yorkshire", AreaType.TOWN, GeoCodeType.PAR),
    ("Hessle", "East Riding of Yorkshire", AreaType.TOWN, GeoCodeType.PAR),
    ("Wooler", "Northumberland", AreaType.RURAL, GeoCodeType.PAR),
    ("Haltwhistle", "Northumberland", AreaType.RURAL, GeoCodeType.PAR),
    ("Alston Moor", "Westmorland and Furness", AreaType.RURAL, GeoCodeType.PAR),
    ("Millom", "Cumberland", AreaType.TOWN, GeoCodeType.PAR),
    ("Bude-Stratton", "Cornwall", AreaType.TOWN, GeoCodeType.PAR),
    ("Camborne", "Cornwall", AreaType.TOWN, GeoCodeType.PAR),
    ("Lydney", "Forest of Dean", AreaType.TOWN, GeoCodeType.PAR),
    ("Cinderford", "Forest of Dean", AreaType.TOWN, GeoCodeType.PAR),
    ("Bishop's Castle", "Shropshire", AreaType.RURAL, GeoCodeType.PAR),
    ("Craven Arms", "Shropshire", AreaType.RURAL, GeoCodeType.PAR),
    ("Leominster", "Herefordshire", AreaType.TOWN, GeoCodeType.PAR),
    ("Swaffham", "Breckland", AreaType.TOWN, GeoCodeType.PAR),
    ("Thetford", "Breckland", AreaType.TOWN, GeoCodeType.PAR),
    ("Mablethorpe", "East Lindsey", AreaType.TOWN, GeoCodeType.PAR),
    ("Skegness", "East Lindsey", AreaType.TOWN, GeoCodeType.PAR),
    ("Wisbech", "Fenland", AreaType.MIXED, GeoCodeType.PAR),
    ("Tilbury", "Thurrock", AreaType.TOWN, GeoCodeType.WD),
    ("Sheerness", "Swale", AreaType.TOWN, GeoCodeType.WD),
    ("Ryde", "Isle of Wight", AreaType.TOWN, GeoCodeType.PAR),
    ("Brixham", "Torbay", AreaType.TOWN, GeoCodeType.PAR),
]

LEAD_PATTERNS = {
    OrganisationType.VCS: [
        "{n} Community Association",
        "{n} Development Trust",
        "{n} Neighbourhood Forum",
        "{n} Community Partnership CIC",
    ],
    OrganisationType.LOCAL_AUTHORITY: ["{la} Council"],
    OrganisationType.OTHER_PUBLIC: ["{la} Community Health Partnership", "{n} Housing Partnership"],
    OrganisationType.PARISH_COUNCIL: ["{n} Town Council", "{n} Parish Council"],
}

ISSUES = [
    "Isolated older residents lose touch with services after hospital discharge.",
    "Young people leave school with no route into local jobs.",
    "Repeat calls to the police about the same few streets.",
    "Families in temporary housing move between services without anyone joining them up.",
    "The high street has emptied and the community centre is at risk of closure.",
]


@dataclass
class DemoContext:
    programme: Programme
    finished_round: Round
    live_round: Round
    users: dict[str, User]
    areas: list[Area] = field(default_factory=list)
    created: bool = False
    # Where each new area is headed beyond Getting Going (area pk -> stage). The later demos take
    # it there through their own services: plans signs the plan off (implementation), delivery
    # applies for Making it Happen.
    targets: dict[int, str] = field(default_factory=dict)

    def target_stage(self, area) -> str:
        return self.targets.get(area.pk, area.stage)


def _user(username, first, last, role, title):
    user, made = User.objects.get_or_create(
        username=username,
        defaults={
            "first_name": first,
            "last_name": last,
            "email": f"{username}@ourplace.example",
            "role": role,
            "job_title": title,
            "is_staff": role == Role.ADMIN,
            "is_superuser": role == Role.ADMIN,
        },
    )
    if made:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


def _rounds(programme):
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
        if rnd.milestones.exists():
            continue
        s = rnd.starts_on
        for name, kind, stage, days in [
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
        ]:
            due = rnd.closes_on if days is None else s + datetime.timedelta(days=days)
            services.milestone_add(round=rnd, name=name, kind=kind, stage=stage, due_on=due)
    return finished, live


def _geo_code(rng, code_type):
    prefix = {GeoCodeType.WD: "E05", GeoCodeType.LSOA: "E01", GeoCodeType.PAR: "E04"}[code_type]
    return f"{prefix}{rng.randint(0, 999999):06d}"


# Where the 64 areas sit: (round, stage, status), in the order the neighbourhoods are listed.
def _placements(finished, live):
    plan = []
    # Pilot round, finished: 24 areas, showing the drop-out at each stage.
    plan += [(finished, AreaStage.IMPLEMENTATION, AreaStatus.ACTIVE)] * 8
    plan += [(finished, AreaStage.MAKING_IT_HAPPEN, AreaStatus.ACTIVE)] * 4
    plan += [(finished, AreaStage.GETTING_GOING, AreaStatus.NOT_PROGRESSED)] * 4
    plan += [(finished, AreaStage.GETTING_READY, AreaStatus.NOT_PROGRESSED)] * 4
    plan += [(finished, AreaStage.GETTING_READY, AreaStatus.WITHDRAWN)] * 2
    plan += [(finished, AreaStage.GETTING_GOING, AreaStatus.WITHDRAWN)] * 2
    # Round 2, live: 40 areas.
    plan += [(live, AreaStage.GETTING_READY, AreaStatus.ACTIVE)] * 16
    plan += [(live, AreaStage.GETTING_GOING, AreaStatus.ACTIVE)] * 16
    plan += [(live, AreaStage.IMPLEMENTATION, AreaStatus.ACTIVE)] * 6
    plan += [(live, AreaStage.GETTING_READY, AreaStatus.WITHDRAWN)] * 2
    return plan


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

# Extra live-round applications for the assessment queue: (neighbourhood, district, status).
QUEUE_APPLICATIONS = [
    ("Chapeltown", "Leeds", "draft"),
    ("Everton", "Liverpool", "draft"),
    ("Openshaw", "Manchester", "draft"),
    ("Hodge Hill", "Birmingham", "submitted"),
    ("Meadows", "Nottingham", "submitted"),
    ("Pallion", "Sunderland", "submitted"),
    ("Southmead", "Bristol", "submitted"),
    ("Keyham", "Plymouth", "under_assessment"),
    ("Canvey Island", "Castle Point", "under_assessment"),
    ("Moulsecoomb", "Brighton and Hove", "under_assessment"),
    ("Rose Hill", "Oxford", "under_assessment"),
    ("Gorleston", "Great Yarmouth", "under_assessment"),
    ("Boston Skirbeck", "Boston", "rejected"),
    ("Dover Town", "Dover", "rejected"),
    ("Ramsgate Newington", "Thanet", "rejected"),
]

# A tiny placeholder document for the demo's evidence uploads.
DEMO_PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def _at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


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


def _contact(organisation, username, rng):
    """A lead organisation user for an organisation: the person who applies for it."""
    first = rng.choice(["Amira", "Ben", "Chloe", "Dev", "Ellie", "Femi", "Grace", "Harry"])
    last = rng.choice(["Patel", "Walsh", "Hughes", "Begum", "Kowalski", "Evans", "Reid", "Khan"])
    user, made = User.objects.get_or_create(
        username=username,
        defaults={
            "first_name": first,
            "last_name": last,
            "role": Role.LEAD_ORGANISATION,
            "job_title": "Project lead",
        },
    )
    if made:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    _join(user, organisation)
    return user


def _join(user, organisation):
    OrganisationMembership.objects.get_or_create(
        user=user, organisation=organisation, defaults={"is_primary_contact": True}
    )
    # permissions.user_belongs_to caches the user's organisations on the instance.
    user.__dict__.pop("_organisation_ids", None)


def _apply(
    rng,
    *,
    rnd,
    applicant,
    organisation,
    name,
    la,
    area_type,
    code_type,
    approach,
    themes,
    partners,
    submitted_on=None,
    imported=True,
):
    application = app_services.application_create(
        round=rnd,
        applicant=applicant,
        organisation=organisation,
        details={
            "area_name": name,
            "local_authority": la,
            "area_type": area_type,
            "geo_code": _geo_code(rng, code_type) if code_type else "",
            "geo_code_type": code_type or "",
            "approach": approach,
            "issues": rng.choice(ISSUES),
            "services_involved": rng.choice(SERVICES),
            "expected_outcomes": rng.choice(OUTCOMES),
        },
        themes=themes,
        partners=partners,
        occurred_at=_at(submitted_on - datetime.timedelta(days=12)) if submitted_on else None,
        imported=imported,
    )
    if submitted_on is not None:
        app_services.application_submit(
            application=application, user=applicant, occurred_at=_at(submitted_on)
        )
    return application


def _score(rng, application, assessor, criteria, lean):
    for c in criteria:
        app_services.application_score(
            application=application,
            criterion=c,
            assessor=assessor,
            score=max(1, min(5, lean + rng.randint(-1, 1))),
            comment="",
        )


SERVICES = [
    "Adult social care, GP practices and the hospital discharge team.",
    "Schools, the careers service and Jobcentre Plus.",
    "Neighbourhood policing, the council's anti-social behaviour team and housing.",
    "Housing options, health visitors and children's centres.",
    "Libraries, the council's regeneration team and local businesses.",
]
OUTCOMES = [
    "Fewer emergency admissions and more people supported at home.",
    "More young people in training or work a year after leaving school.",
    "Fewer repeat calls and residents who feel safer.",
    "Families who tell their story once and move less often.",
    "A community centre run by residents and a busier high street.",
]


def _getting_going_gate(
    rng, area, applicant, pm, *, decide=True, approve=True, cba=False, extra_days=0, early=False
):
    """Apply for Getting Going (and decide it). `early` areas, headed for implementation, apply a
    month after joining so their plan can be written and signed off after the decision."""
    milestone = area.round.milestones.get(kind=Milestone.Kind.GETTING_GOING_APPLICATION)
    submitted_on = min(
        area.joined_on
        + datetime.timedelta(days=rng.randint(25, 35) if early else rng.randint(80, 120)),
        milestone.due_on - datetime.timedelta(days=rng.randint(1, 10)),
    )
    gate = app_services.gate_create(
        area=area,
        user=applicant,
        target_stage=GateStage.GETTING_GOING,
        milestone=milestone,
        summary="Our development strategy and logic model, agreed with our partners.",
        development_strategy=ContentFile(DEMO_PDF, name="development-strategy.pdf"),
        logic_model=ContentFile(DEMO_PDF, name="logic-model.pdf"),
        occurred_at=_at(submitted_on - datetime.timedelta(days=7)),
    )
    app_services.gate_submit(gate=gate, user=applicant, occurred_at=_at(submitted_on))
    if not decide:
        return gate
    decided = _at(submitted_on + datetime.timedelta(days=rng.randint(14, 28)))
    if approve:
        app_services.gate_decide(
            gate=gate,
            decision="approve",
            cba_required=cba,
            extra_adviser_days=extra_days,
            reasons="A clear strategy with committed statutory partners.",
            actor=pm,
            occurred_at=decided,
        )
    else:
        app_services.gate_decide(
            gate=gate,
            decision="reject",
            reasons=rng.choice(
                [
                    "The logic model does not show how services would change.",
                    "No statutory partner has committed to the project yet.",
                    "The development strategy was not agreed with the partnership.",
                ]
            ),
            actor=pm,
            occurred_at=decided,
        )
    return gate


def load(ctx=None) -> DemoContext:
    rng = random.Random(20261122)
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
    users = {u[0]: _user(*u) for u in DEMO_USERS}
    finished, live = _rounds(programme)
    for rnd in (finished, live):
        _assessment_setup(rnd)
    context = DemoContext(
        programme=programme, finished_round=finished, live_round=live, users=users
    )

    if Area.objects.filter(round__in=[finished, live]).exists():
        context.areas = list(Area.objects.filter(round__in=[finished, live]).order_by("reference"))
        return context

    context.created = True
    themes = list(Theme.objects.all())
    org_types = list(OrganisationType)
    placements = _placements(finished, live)
    rms = [users["rm"], users["rm2"]]
    pm = users["pm"]
    lead_user = users["lead"]
    criteria = {rnd.pk: list(rnd.assessment_criteria.order_by("order")) for rnd in (finished, live)}
    for i, ((name, la, area_type, code_type), (rnd, stage, status)) in enumerate(
        zip(NEIGHBOURHOODS, placements, strict=True)
    ):
        org_type = (
            OrganisationType.PARISH_COUNCIL
            if code_type == GeoCodeType.PAR and i % 3 != 0
            else org_types[i % 3]
        )
        lead = _lead_organisation(rng, i, name, la, org_type, code_type)
        prefix = "PL" if rnd == finished else "R2"
        reference = f"{prefix}-{i + 1:03d}"
        joined = rnd.starts_on + datetime.timedelta(days=rng.randint(0, 60))
        submitted_on = max(
            rnd.opens_on,
            min(joined - datetime.timedelta(days=21), rnd.closes_on - datetime.timedelta(days=3)),
        )
        # The demo lead organisation user applied for, and leads, R2-041 and R2-045.
        if reference in ("R2-041", "R2-045"):
            applicant = lead_user
            _join(lead_user, lead)
        else:
            applicant = _contact(lead, f"contact-{reference.lower()}", rng)

        # Every demo area starts as an application admitted through the same services as the
        # web app, on the area's own dates.
        application = _apply(
            rng,
            rnd=rnd,
            applicant=applicant,
            organisation=lead,
            name=name,
            la=la,
            area_type=area_type,
            code_type=code_type,
            approach=Approach.SPECIFIC if i % 3 == 0 else Approach.GENERAL,
            themes=rng.sample(themes, rng.randint(1, 3)),
            partners=_partner_rows(rng, la, name),
            submitted_on=submitted_on,
        )
        app_services.application_start_assessment(
            application=application,
            user=pm,
            occurred_at=_at(submitted_on + datetime.timedelta(days=2)),
        )
        _score(rng, application, pm, criteria[rnd.pk], lean=4)
        app_services.application_decide(
            application=application,
            decision="admit",
            reasons="Strong local partnership and a clear understanding of the issues.",
            actor=pm,
            occurred_at=_at(joined),
            reference=reference,
        )
        area = Area.objects.get(pk=application.area_id)
        AreaAssignment.objects.create(area=area, user=rms[i % 2], started_on=joined)
        _place(rng, area, applicant, pm, stage, status, i)
        if stage in (AreaStage.IMPLEMENTATION, AreaStage.MAKING_IT_HAPPEN):
            context.targets[area.pk] = stage
        area.refresh_from_db()
        context.areas.append(area)

    _queue_applications(rng, live, pm, themes, criteria[live.pk], lead_user)
    _join(users["lead2"], Area.objects.get(reference=IMPLEMENTATION_DEMO_AREA).lead_organisation)
    return context


def _place(rng, area, applicant, pm, stage, status, i):
    """Take a newly admitted area to its demo stage through the stage-gate services."""
    if stage == AreaStage.GETTING_READY:
        if status == AreaStatus.NOT_PROGRESSED:
            _getting_going_gate(rng, area, applicant, pm, approve=False)
        elif status == AreaStatus.WITHDRAWN:
            milestone = area.round.milestones.get(kind=Milestone.Kind.GETTING_GOING_APPLICATION)
            started = _at(area.joined_on + datetime.timedelta(days=40))
            gate = app_services.gate_create(
                area=area,
                user=applicant,
                target_stage=GateStage.GETTING_GOING,
                milestone=milestone,
                occurred_at=started,
            )
            app_services.gate_withdraw(
                gate=gate,
                user=applicant,
                reason="The lead organisation lost its key staff.",
                occurred_at=_at(area.joined_on + datetime.timedelta(days=65)),
            )
            _leave(
                area,
                pm,
                AreaStatus.WITHDRAWN,
                "The lead organisation lost its key staff.",
                _at(area.joined_on + datetime.timedelta(days=70)),
            )
        elif area.round.status != Round.Status.FINISHED and i in (24, 25):
            # Two live-round areas missed the Getting Going date and were given more time; their
            # applications wait in the stage-gate queue.
            milestone = area.round.milestones.get(kind=Milestone.Kind.GETTING_GOING_APPLICATION)
            app_services.extension_grant(
                area=area,
                milestone=milestone,
                new_due_on=timezone.localdate() + datetime.timedelta(days=21),
                reason="The partnership board met late; agreed by the programme manager.",
                actor=pm,
                occurred_at=_at(milestone.due_on - datetime.timedelta(days=3)),
            )
            gate = app_services.gate_create(
                area=area,
                user=applicant,
                target_stage=GateStage.GETTING_GOING,
                milestone=milestone,
                summary="Strategy agreed at the partnership board last month.",
                development_strategy=ContentFile(DEMO_PDF, name="development-strategy.pdf"),
                logic_model=ContentFile(DEMO_PDF, name="logic-model.pdf"),
            )
            app_services.gate_submit(gate=gate, user=applicant)
        return

    _getting_going_gate(
        rng,
        area,
        applicant,
        pm,
        cba=i % 3 == 0,
        extra_days=Decimal(i % 4) if i % 3 == 0 else 0,
        early=stage in (AreaStage.IMPLEMENTATION, AreaStage.MAKING_IT_HAPPEN),
    )
    if i % 5 == 0 and area.round.status != Round.Status.FINISHED:
        _top_up(rng, area, applicant, pm)
    if status in (AreaStatus.NOT_PROGRESSED, AreaStatus.WITHDRAWN):
        _leave(
            area,
            pm,
            status,
            "The partnership could not agree an operational plan."
            if status == AreaStatus.NOT_PROGRESSED
            else "The lead organisation merged with another charity and withdrew.",
            _at(area.joined_on + datetime.timedelta(days=260)),
        )


def _leave(area, pm, outcome, reasons, when):
    """The area leaves the programme through the same service as the web page. Its advances had
    been paid (two weeks after each award); what was still held back is cancelled."""
    from grants import services as grant_services
    from grants.models import Award, Payment

    payable = Payment.objects.filter(
        award__area=area,
        award__status=Award.Status.LIVE,
        status__in=[Payment.Status.SCHEDULED, Payment.Status.APPROVED],
    ).select_related("award")
    for payment in payable.order_by("id"):
        paid_on = min(payment.award.awarded_on + datetime.timedelta(days=14), when.date())
        if payment.status == Payment.Status.SCHEDULED:
            grant_services.payment_approve(
                payment=payment, actor=pm, occurred_at=_at(paid_on, hour=9)
            )
        grant_services.payment_pay(
            payment=payment,
            actor=pm,
            paid_on=paid_on,
            reference=f"BACS-{payment.award.awarded_on:%y%m}-{payment.pk:05d}",
            occurred_at=_at(paid_on, hour=15),
        )
    app_services.area_leave(area=area, outcome=outcome, reasons=reasons, actor=pm, occurred_at=when)


def _top_up(rng, area, applicant, pm):
    """A Going Further top-up, applied for at the Getting Going gate."""
    milestone = area.round.milestones.get(kind=Milestone.Kind.GETTING_GOING_APPLICATION)
    amount = Decimal(rng.choice([5000, 7500, 10000, 15000]))
    gate = app_services.gate_create(
        area=area,
        user=applicant,
        target_stage=GateStage.GOING_FURTHER,
        milestone=milestone,
        amount_requested=amount,
        summary="A top-up to extend the project to a second estate.",
        occurred_at=_at(milestone.due_on - datetime.timedelta(days=6)),
    )
    submitted_on = milestone.due_on - datetime.timedelta(days=1)
    app_services.gate_submit(gate=gate, user=applicant, occurred_at=_at(submitted_on))
    app_services.gate_decide(
        gate=gate,
        decision="approve",
        amount=amount,
        reasons="Good value for a wider reach.",
        actor=pm,
        occurred_at=_at(submitted_on + datetime.timedelta(days=20)),
    )


def _queue_applications(rng, live, pm, themes, criteria, lead_user):
    """About fifteen applications still moving through the live round's assessment."""
    today = timezone.localdate()
    for n, (name, la, state) in enumerate(QUEUE_APPLICATIONS):
        org_type = list(OrganisationType)[n % 4]
        org, _ = Organisation.objects.get_or_create(
            name=f"{name} Community Trust"
            if org_type == OrganisationType.VCS
            else (
                f"{name} Town Council"
                if org_type == OrganisationType.PARISH_COUNCIL
                else (
                    f"{la} Council"
                    if org_type == OrganisationType.LOCAL_AUTHORITY
                    else f"{name} Health Partnership"
                )
            ),
            defaults={"org_type": org_type, "town": la},
        )
        applicant = _contact(org, f"applicant-{n + 1:02d}", rng)
        application = _apply(
            rng,
            rnd=live,
            applicant=applicant,
            organisation=org,
            name=name,
            la=la,
            area_type=rng.choice(list(AreaType)),
            code_type=GeoCodeType.WD,
            approach=Approach.GENERAL if n % 2 else Approach.SPECIFIC,
            themes=rng.sample(themes, rng.randint(1, 3)),
            partners=_partner_rows(rng, la, name),
            submitted_on=None if state == "draft" else today - datetime.timedelta(days=30 - n),
            imported=False,
        )
        if state in ("under_assessment", "rejected"):
            app_services.application_start_assessment(application=application, user=pm)
            _score(rng, application, pm, criteria if n % 2 else criteria[:2], lean=2 + n % 3)
        if state == "under_assessment" and n % 2:
            app_services.application_recommend(
                application=application,
                recommendation="admit" if n % 4 == 1 else "reject",
                notes="Scored against the round's criteria.",
                user=pm,
            )
        if state == "rejected":
            app_services.application_decide(
                application=application,
                decision="reject",
                reasons="The partnership is not yet strong enough; we encourage a new application "
                "next round.",
                actor=pm,
            )

    # The demo lead organisation also applied for a third neighbourhood, still waiting.
    lead_org = Area.objects.get(reference="R2-041").lead_organisation
    _apply(
        rng,
        rnd=live,
        applicant=lead_user,
        organisation=lead_org,
        name="Holbeck",
        la="Leeds",
        area_type=AreaType.URBAN,
        code_type=GeoCodeType.WD,
        approach=Approach.GENERAL,
        themes=themes[:2],
        partners=_partner_rows(rng, "Leeds", "Holbeck"),
        submitted_on=today - datetime.timedelta(days=5),
        imported=False,
    )


def _lead_organisation(rng, i, name, la, org_type, code_type):
    pattern = rng.choice(LEAD_PATTERNS[org_type])
    org_name = pattern.format(n=name, la=la)
    lead, _ = Organisation.objects.get_or_create(
        name=org_name,
        defaults={
            "org_type": org_type,
            "charity_number": f"{1100000 + i * 137}" if org_type == OrganisationType.VCS else "",
            "company_number": f"{9000000 + i * 71:08d}" if "CIC" in org_name else "",
            "org_identifier": f"GB-LAE-{slugify(la)[:3].upper()}{i}"
            if org_type == OrganisationType.LOCAL_AUTHORITY
            else None,
            "address_line1": f"{rng.randint(1, 120)} {rng.choice(['High Street', 'Church Road', 'Station Road', 'Victoria Street', 'Mill Lane'])}",
            "town": la if code_type != GeoCodeType.PAR else name,
            "postcode": f"{rng.choice(['LS', 'M', 'B', 'NG', 'NE', 'BS', 'PL', 'TR', 'CO'])}{rng.randint(1, 19)} {rng.randint(1, 9)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}",
            "website": f"https://www.{slugify(org_name).replace('-', '')[:24]}.org.uk",
            "email": f"hello@{slugify(org_name).replace('-', '')[:24]}.org.uk",
        },
    )
    return lead


def _partner_rows(rng, la, name):
    """Partners as the application names them; admission turns them into the area's partners."""
    options = [
        (f"{la} Council", PartnerType.LOCAL_AUTHORITY),
        (f"NHS {la} Place Partnership", PartnerType.NHS),
        (f"{la} Neighbourhood Policing Team", PartnerType.POLICE),
        (f"{name} Primary School", PartnerType.SCHOOL),
        (f"{la} Homes", PartnerType.HOUSING),
        (f"{name} Food Bank", PartnerType.VCS),
        (f"{name} Co-operative Store", PartnerType.BUSINESS),
    ]
    return [
        {
            "name": org_name,
            "partner_type": partner_type,
            "involvement": rng.choice(list(Involvement)),
        }
        for org_name, partner_type in rng.sample(options, rng.randint(2, 4))
    ]
