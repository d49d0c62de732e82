"""The demo areas: 64 neighbourhoods over every stage, status and organisation type, in a finished
pilot round (24, showing the drop-out at each stage) and a live Round 2 (40).

This is the first demo step. Everything is deterministic (a seeded random), and creation goes
through the same services as the web app: every area is an application admitted by
`applications.services.application_decide` on the area's own dates, and reaches its stage through
the stage-gate decisions (which award the grants); about fifteen more applications wait in the
live round's assessment queue.
"""

import datetime
import random

from django.utils.text import slugify

from accounts.models import AreaAssignment
from applications import services as app_services
from programmes.models import (
    Approach,
    Area,
    AreaStage,
    AreaStatus,
    AreaType,
    GeoCodeType,
    Organisation,
    OrganisationType,
    Theme,
)

from . import diligence as diligence_demo
from . import identifiers
from . import programme as programme_demo
from .applications import apply, partner_rows, queue_applications, score
from .context import DemoContext, at
from .gates import place
from .people import contact, demo_users, join

# The signed-off area (with a CBA) that the demo user lead2 leads.
IMPLEMENTATION_DEMO_AREA = "R2-057"
# The areas the demo user "lead" applied for, and leads.
LEAD_USER_AREAS = ("R2-041", "R2-045")

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


def load(ctx=None) -> DemoContext:
    """The first step: programme, rounds, users and the 64 areas (once; a second run returns the
    existing areas in the context and changes nothing)."""
    rng = random.Random(20261122)
    programme = programme_demo.programme()
    users = demo_users()
    finished, live = programme_demo.rounds(programme)
    context = DemoContext(
        programme=programme, finished_round=finished, live_round=live, users=users
    )

    if Area.objects.filter(round__in=[finished, live]).exists():
        context.areas = list(Area.objects.filter(round__in=[finished, live]).order_by("reference"))
        return context

    context.created = True
    themes = list(Theme.objects.all())
    criteria = {rnd.pk: list(rnd.assessment_criteria.order_by("order")) for rnd in (finished, live)}
    for i, (neighbourhood, placement) in enumerate(
        zip(NEIGHBOURHOODS, _placements(finished, live), strict=True)
    ):
        area = _admit(rng, context, i, neighbourhood, placement, themes, criteria)
        context.areas.append(area)

    queue_applications(rng, live, users["pm"], themes, criteria[live.pk], users["lead"])
    join(users["lead2"], Area.objects.get(reference=IMPLEMENTATION_DEMO_AREA).lead_organisation)
    return context


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


def _admit(rng, context, i, neighbourhood, placement, themes, criteria):
    """One area: its lead organisation applies, is assessed and admitted on the area's own dates,
    gets a relationship manager and is taken to its demo stage."""
    name, la, area_type, code_type = neighbourhood
    rnd, stage, status = placement
    users, pm = context.users, context.users["pm"]
    org_type = (
        OrganisationType.PARISH_COUNCIL
        if code_type == GeoCodeType.PAR and i % 3 != 0
        else list(OrganisationType)[i % 3]
    )
    lead = _lead_organisation(rng, i, name, la, org_type, code_type)
    prefix = "PL" if rnd == context.finished_round else "R2"
    reference = f"{prefix}-{i + 1:03d}"
    joined = rnd.starts_on + datetime.timedelta(days=rng.randint(0, 60))
    submitted_on = max(
        rnd.opens_on,
        min(joined - datetime.timedelta(days=21), rnd.closes_on - datetime.timedelta(days=3)),
    )
    # The demo lead organisation user applied for, and leads, R2-041 and R2-045.
    if reference in LEAD_USER_AREAS:
        applicant = users["lead"]
        join(applicant, lead)
    else:
        applicant = contact(lead, f"contact-{reference.lower()}", rng)

    application = apply(
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
        partners=partner_rows(rng, la, name),
        submitted_on=submitted_on,
    )
    app_services.application_start_assessment(
        application=application,
        actor=pm,
        occurred_at=at(submitted_on + datetime.timedelta(days=2)),
    )
    score(rng, application, pm, criteria[rnd.pk], lean=4)
    diligence_demo.clear(lead, users, i)  # due diligence before admission awards money
    app_services.application_decide(
        application=application,
        decision="admit",
        reasons="Strong local partnership and a clear understanding of the issues.",
        actor=pm,
        occurred_at=at(joined),
        reference=reference,
    )
    area = Area.objects.get(pk=application.area_id)
    rms = [users["rm"], users["rm2"]]
    AreaAssignment.objects.create(area=area, user=rms[i % 2], started_on=joined)
    place(rng, area, applicant, pm, stage, status, i)
    if stage in (AreaStage.IMPLEMENTATION, AreaStage.MAKING_IT_HAPPEN):
        context.targets[area.pk] = stage
    area.refresh_from_db()
    return area


def _lead_organisation(rng, i, name, la, org_type, code_type):
    pattern = rng.choice(LEAD_PATTERNS[org_type])
    org_name = pattern.format(n=name, la=la)
    lead, _ = Organisation.objects.get_or_create(
        name=org_name,
        defaults={
            "org_type": org_type,
            "charity_number": f"{1100000 + i * 137}" if org_type == OrganisationType.VCS else "",
            "company_number": f"{9000000 + i * 71:08d}" if "CIC" in org_name else "",
            "org_identifier": identifiers.council_identifier(la)
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
