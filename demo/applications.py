"""Applications to join: how every demo area starts (an application admitted on the area's own
dates) and the live round's assessment queue, about fifteen applications in every state."""

import datetime

from django.utils import timezone

from applications import permissions as app_perms
from applications import services as app_services
from programmes.models import (
    Approach,
    Area,
    AreaType,
    GeoCodeType,
    Involvement,
    Organisation,
    OrganisationType,
    PartnerType,
)

from .context import at
from .people import contact

ISSUES = [
    "Isolated older residents lose touch with services after hospital discharge.",
    "Young people leave school with no route into local jobs.",
    "Repeat calls to the police about the same few streets.",
    "Families in temporary housing move between services without anyone joining them up.",
    "The high street has emptied and the community centre is at risk of closure.",
]
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


def apply(
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
    """Start an application through the services (and submit it if `submitted_on` is given)."""
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
        occurred_at=at(submitted_on - datetime.timedelta(days=12)) if submitted_on else None,
        imported=imported,
    )
    if submitted_on is not None:
        app_services.application_submit(
            application=application, actor=applicant, occurred_at=at(submitted_on)
        )
    return application


def score(rng, application, assessor, criteria, lean):
    """Score the application against each criterion, around `lean` out of five, as an assessor
    assigned to it who declared no conflict of interest (GovS 015: only they may score)."""
    assess_as(application, assessor)
    for c in criteria:
        app_services.application_score(
            application=application,
            criterion=c,
            assessor=assessor,
            score=max(1, min(5, lean + rng.randint(-1, 1))),
            comment="",
        )


def assess_as(application, assessor, *, actor=None, declaration="none", nature=""):
    """`assessor` assigned to the application (by `actor`, or by themselves) and declared, once.
    An application sent weeks ago was assessed then: the history keeps its dates."""
    history = {}
    sent = application.submitted_at
    if sent is not None and sent < timezone.now() - datetime.timedelta(days=3):
        history = {"occurred_at": sent + datetime.timedelta(days=2), "imported": True}
    if app_perms.assignment_of(assessor, application) is None:
        app_services.assessor_assign(
            subject=application, assessor=assessor, actor=actor or assessor, **history
        )
    if app_perms.declaration_of(assessor, application) is None and declaration:
        app_services.conflict_declare(
            subject=application,
            actor=assessor,
            declaration=declaration,
            nature=nature,
            **history,
        )


def partner_rows(rng, la, name):
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


def _geo_code(rng, code_type):
    prefix = {GeoCodeType.WD: "E05", GeoCodeType.LSOA: "E01", GeoCodeType.PAR: "E04"}[code_type]
    return f"{prefix}{rng.randint(0, 999999):06d}"


def queue_applications(rng, live, pm, themes, criteria, lead_user):
    """About fifteen applications still moving through the live round's assessment."""
    today = timezone.localdate()
    for n, (name, la, state) in enumerate(QUEUE_APPLICATIONS):
        org_type = list(OrganisationType)[n % 4]
        org, _ = Organisation.objects.get_or_create(
            name=_queue_organisation_name(org_type, name, la),
            defaults={"org_type": org_type, "town": la},
        )
        applicant = contact(org, f"applicant-{n + 1:02d}", rng)
        application = apply(
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
            partners=partner_rows(rng, la, name),
            submitted_on=None if state == "draft" else today - datetime.timedelta(days=30 - n),
            imported=False,
        )
        _assess(rng, application, state, n, pm, criteria)

    # The demo lead organisation also applied for a third neighbourhood, still waiting.
    lead_org = Area.objects.get(reference="R2-041").lead_organisation
    apply(
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
        partners=partner_rows(rng, "Leeds", "Holbeck"),
        submitted_on=today - datetime.timedelta(days=5),
        imported=False,
    )


def _queue_organisation_name(org_type, name, la):
    if org_type == OrganisationType.VCS:
        return f"{name} Community Trust"
    if org_type == OrganisationType.PARISH_COUNCIL:
        return f"{name} Town Council"
    if org_type == OrganisationType.LOCAL_AUTHORITY:
        return f"{la} Council"
    return f"{name} Health Partnership"


def _assess(rng, application, state, n, pm, criteria):
    """Take a queued application to its state: assessed, recommended or rejected."""
    if state in ("under_assessment", "rejected"):
        app_services.application_start_assessment(application=application, actor=pm)
        score(rng, application, pm, criteria if n % 2 else criteria[:2], lean=2 + n % 3)
    if state == "under_assessment" and n % 2:
        app_services.application_recommend(
            application=application,
            recommendation="admit" if n % 4 == 1 else "reject",
            notes="Scored against the round's criteria.",
            actor=pm,
        )
    if state == "rejected":
        app_services.application_decide(
            application=application,
            decision="reject",
            reasons="The partnership is not yet strong enough; we encourage a new application "
            "next round.",
            actor=pm,
        )
