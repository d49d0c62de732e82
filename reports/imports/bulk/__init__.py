"""Writing the file's new records in bulk: the same rows, statuses and audit trail the services
write one record at a time (a test compares the two), in a few inserts per thousand records.

    paths.py    each outcome's moves, read from the workflow tables and checked once per import
    build.py    what one new record writes, built in memory (a `Story`)
    entries.py  the activity entries its services would have written, in their order
    known.py    records already imported exactly as the file has them (counted unchanged)

A record is new when nothing of it is in the database yet: an admitted record whose reference
names no area, or a refused or withdrawn one whose application is not there. The others (a file
imported again, a record whose later outcome is now known) go through the services one by one
(`steps.import_record`), which check what is already recorded.
"""

from django.contrib.auth.hashers import make_password
from django.db.models import CharField, Value
from django.db.models.functions import Cast, Concat

from accounts.models import OrganisationMembership, Role, User
from activity.services import activity_record_many
from applications.models import Application, ApplicationTheme, GateApplication
from grants.models import Award, Payment
from grants.offers.models import GrantOffer
from plans.models import OperationalPlan, PlanVersion, SectionComment, SignOff
from plans.services.versions import plan_snapshot
from programmes.models import Area, AreaTheme, Organisation, Stage
from support.models import AdviserEntitlement

from .build import Story, story, themes_of
from .entries import story_entries
from .known import split_unchanged
from .paths import path_problems

__all__ = ["path_problems", "split_new", "split_unchanged", "stage_problems", "write_new"]

CHUNK = 1000
BATCH = 1000


def split_new(ctx, records, areas: dict) -> tuple[list, list]:
    """(new records, records that meet something already recorded). `areas`: reference -> id
    of the areas already recorded under the file's references."""
    sent = {
        (org.lower(), name.lower())
        for org, name in Application.objects.filter(
            round=ctx.round, submitted_at__isnull=False
        ).values_list("organisation__name", "area_name")
    }
    new, other = [], []
    for record in records:
        if record.application_outcome == "admitted":
            fresh = record.reference not in areas
        else:
            key = (record.lead_organisation.lower(), record.area_name.lower())
            fresh = key not in sent
            sent.add(key)  # a second record for it in the file is checked by the services
        (new if fresh else other).append(record)
    return new, other


def stage_problems(ctx, records) -> list[str]:
    """The round must define the grants the records award (as `award_grant` requires)."""
    have = {d.stage: d for d in ctx.round.stage_definitions.all()}
    problems = []
    for record in records:
        needs = [Stage.GETTING_READY] if record.application_outcome == "admitted" else []
        if record.getting_going_outcome == "approved":
            needs.append(Stage.GETTING_GOING)
        for stage in needs:
            if stage not in have or have[stage].grant_max <= 0:
                problems.append(
                    f"line {record.line}, column reference: {ctx.round} has no "
                    f"{Stage(stage).label} grant."
                )
    return problems


def _organisations(ctx, records) -> set:
    """The lead organisations the records name, made where new (one insert). Returns the
    names (name_key) of the organisations made here."""
    made, keys = [], set()
    for record in records:
        key = record.lead_organisation.lower()
        if key not in ctx.organisations:
            org = Organisation(name=record.lead_organisation.strip(), org_type=record.org_type)
            org.org_identifier = None
            ctx.organisations[key] = org
            made.append(org)
            keys.add(key)
    Organisation.objects.bulk_create(made, batch_size=BATCH)
    _identify(made)
    ctx.result.counts["organisations"] += len(made)
    return keys


def _identify(made) -> None:
    """Each new organisation's identifier, as `Organisation.save` makes it from its id (the
    import's organisations have no charity or company number), in one UPDATE."""
    if not made:
        return
    stem = Organisation(pk=1).suggested_identifier()[: -len("1")]  # "360G-<prefix>-org-"
    Organisation.objects.filter(pk__in=[o.pk for o in made]).update(
        org_identifier=Concat(Value(stem), Cast("pk", CharField()))
    )
    for org in made:
        org.org_identifier = org.suggested_identifier()


def _contacts(ctx, organisations) -> None:
    """Each organisation's import user (as `steps.contact_for`), found or made, a member."""
    wanted = {
        f"records-import-org-{org.pk}": org for org in organisations if org.pk not in ctx.contacts
    }
    for user in User.objects.filter(username__in=list(wanted)):
        ctx.contacts[wanted[user.username].pk] = user
    made = [
        User(
            username=name,
            role=Role.LEAD_ORGANISATION,
            first_name=org.name[:150],
            last_name="(records import)",
            password=make_password(None),
        )
        for name, org in wanted.items()
        if org.pk not in ctx.contacts
    ]
    User.objects.bulk_create(made, batch_size=BATCH)
    for user in made:
        ctx.contacts[wanted[user.username].pk] = user
    OrganisationMembership.objects.bulk_create(
        [
            OrganisationMembership(user=ctx.contacts[org.pk], organisation=org)
            for org in wanted.values()
        ],
        ignore_conflicts=True,
        batch_size=BATCH,
    )


def _stories(ctx, records, definitions) -> list[Story]:
    made = _organisations(ctx, records)
    orgs = {}
    for record in records:
        org = ctx.organisations[record.lead_organisation.lower()]
        orgs.setdefault(org.pk, org)
    _contacts(ctx, orgs.values())
    stories = []
    for record in records:
        key = record.lead_organisation.lower()
        org = ctx.organisations[key]
        new_org = key in made
        made.discard(key)
        stories.append(story(ctx, record, org, ctx.contacts[org.pk], new_org, definitions))
    return stories


def _save_plans(stories, source) -> None:
    plans = [s for s in stories if s.plan is not None]
    if not plans:
        return
    OperationalPlan.objects.bulk_create([s.plan for s in plans], batch_size=BATCH)
    # What a submission freezes is the same for every imported plan (its placeholder section,
    # no logic model, CBA or lines yet): read once, through the plans' own snapshot.
    content = plan_snapshot(plans[0].plan)
    for s in plans:
        for version in s.versions:
            version.content = content
        for signoff in s.signoffs:
            signoff.source = source
    PlanVersion.objects.bulk_create([v for s in plans for v in s.versions], batch_size=BATCH)
    SignOff.objects.bulk_create([o for s in plans for o in s.signoffs], batch_size=BATCH)
    SectionComment.objects.bulk_create(
        [s.comment for s in plans if s.comment is not None], batch_size=BATCH
    )


def _save(stories, source) -> None:
    """Every row of the stories, table by table, in the order the services write them."""
    areas = [s.area for s in stories if s.area is not None]
    Area.objects.bulk_create(areas, batch_size=BATCH)
    app_themes, area_themes = themes_of(stories)
    AreaTheme.objects.bulk_create(area_themes, batch_size=BATCH)
    Application.objects.bulk_create([s.application for s in stories], batch_size=BATCH)
    ApplicationTheme.objects.bulk_create(app_themes, batch_size=BATCH)
    GateApplication.objects.bulk_create(
        [s.gate for s in stories if s.gate is not None], batch_size=BATCH
    )
    grants = [g for s in stories for g in s.grants]
    Award.objects.bulk_create([g.award for g in grants], batch_size=BATCH)
    Payment.objects.bulk_create([p for g in grants for p in g.payments], batch_size=BATCH)
    GrantOffer.objects.bulk_create([g.offer for g in grants], batch_size=BATCH)
    AdviserEntitlement.objects.bulk_create(
        [g.entitlement for g in grants if g.entitlement is not None], batch_size=BATCH
    )
    _save_plans(stories, source)


def _count(ctx, stories) -> None:
    counts = ctx.result.counts
    counts["applications"] += len(stories)
    counts["areas"] += sum(s.area is not None for s in stories)
    counts["getting_going_decisions"] += sum(s.gate is not None for s in stories)
    counts["final_plans"] += sum(s.plan is not None for s in stories)
    counts["plan_outcomes"] += sum(
        s.plan is not None and bool(s.record.plan_outcome) for s in stories
    )
    ctx.result.rows_created += len(stories)


def write_new(ctx, records, *, source: str, progress=None) -> None:
    """Write the new records, a thousand at a time: their rows, then their activity entries
    appended to the hash chains. `progress(done)` hears after each thousand."""
    definitions = {d.stage: d for d in ctx.round.stage_definitions.all()}
    for start in range(0, len(records), CHUNK):
        stories = _stories(ctx, records[start : start + CHUNK], definitions)
        _save(stories, source)
        activity_record_many([e for s in stories for e in story_entries(s)])
        _count(ctx, stories)
        if progress is not None:
            progress(start + len(stories))
