"""Writes for programme reference data, organisations (an applicant signing up with theirs),
areas and partners."""

from datetime import date
from decimal import Decimal

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from accounts import permissions as perms
from accounts.models import OrganisationMembership, Role, User
from activity.models import Visibility
from activity.services import activity_record
from core.errors import require
from core.locking import copy_back, lock

from .models import (
    Area,
    AreaTheme,
    Milestone,
    Organisation,
    Partner,
    Programme,
    Round,
    Stage,
    StageDefinition,
    Theme,
)

# Used only when a programme has no earlier round to copy its stage definitions from.
STANDARD_STAGE_DEFINITIONS = [
    # stage, grant_min, grant_max, advance share %, adviser days
    (Stage.APPLICATION, "0", "0", "100", "0"),
    (Stage.GETTING_READY, "3000", "3000", "100", "1.5"),
    (Stage.GETTING_GOING, "10000", "10000", "90", "5"),
    (Stage.GOING_FURTHER, "5000", "20000", "90", "0"),
    (Stage.BREAKING_NEW_GROUND, "5000", "20000", "90", "0"),
    (Stage.MAKING_IT_HAPPEN, "20000", "100000", "50", "0"),
]


def round_create(
    *,
    programme: Programme,
    slug: str,
    name: str,
    opens_on: date,
    closes_on: date,
    starts_on: date,
    ends_on: date,
    status: str = Round.Status.PLANNED,
) -> Round:
    """Create a round with the programme's standard stage definitions: copied from its latest
    round, or the standard set when it has none."""
    with transaction.atomic():
        template = programme.rounds.order_by("-starts_on").first()
        new_round = Round(
            programme=programme,
            slug=slug,
            name=name,
            opens_on=opens_on,
            closes_on=closes_on,
            starts_on=starts_on,
            ends_on=ends_on,
            status=status,
        )
        new_round.full_clean()
        new_round.save()
        if template and template.stage_definitions.exists():
            for d in template.stage_definitions.all():
                StageDefinition.objects.create(
                    round=new_round,
                    stage=d.stage,
                    order=d.order,
                    grant_min=d.grant_min,
                    grant_max=d.grant_max,
                    advance_share_pct=d.advance_share_pct,
                    adviser_days=d.adviser_days,
                    description=d.description,
                )
        else:
            for order, (stage, lo, hi, share, days) in enumerate(STANDARD_STAGE_DEFINITIONS, 1):
                StageDefinition.objects.create(
                    round=new_round,
                    stage=stage,
                    order=order,
                    grant_min=Decimal(lo),
                    grant_max=Decimal(hi),
                    advance_share_pct=Decimal(share),
                    adviser_days=Decimal(days),
                )
    return new_round


def milestone_add(*, round: Round, name: str, kind: str, stage: str, due_on: date) -> Milestone:
    return Milestone.objects.create(round=round, name=name, kind=kind, stage=stage, due_on=due_on)


# What a person may change on an organisation: everything but the bookkeeping columns.
ORGANISATION_FIELDS = frozenset(
    f.name
    for f in Organisation._meta.concrete_fields
    if f.editable and f.name not in {"id", "created_at", "updated_at"}
)


def _organisation_fields(fields: dict) -> dict:
    unknown = set(fields) - ORGANISATION_FIELDS
    if unknown:
        raise TypeError(f"Not organisation fields: {', '.join(sorted(unknown))}")
    return fields


def _field_labels(names) -> str:
    return ", ".join(str(Organisation._meta.get_field(n).verbose_name) for n in names)


@transaction.atomic
def organisation_create(*, actor, partner_of: Area | None = None, **fields) -> Organisation:
    """Add an organisation to the programme. Programme managers and admins add any; a lead
    organisation user adds one only as a new partner of an area whose partners they change
    (`partner_of`). The activity entry names the organisation and where it came from."""
    require(perms.can_create_organisation(actor, partner_of=partner_of))
    organisation = Organisation(**_organisation_fields(fields))
    organisation.name = (organisation.name or "").strip()
    organisation.full_clean()
    organisation.save()
    summary = f"{organisation.name} added to the programme"
    if partner_of is not None:
        summary += f" as a partner of {partner_of.reference}"
    activity_record(
        verb="organisation.created",
        summary=summary,
        actor=actor,
        target=organisation,
        data={
            "fields": sorted(n for n, v in fields.items() if v not in (None, "")),
            "partner_of": partner_of.reference if partner_of is not None else None,
        },
    )
    return organisation


@transaction.atomic
def organisation_sign_up(*, name: str, org_type: str, email: str, actor) -> Organisation:
    """An applicant signing up brings their organisation with them. Anyone may sign up (the
    assessment decides who joins), so there is no permission to check; the activity entry
    credits the new user."""
    organisation = Organisation(name=(name or "").strip(), org_type=org_type, email=email)
    organisation.full_clean()
    organisation.save()
    activity_record(
        verb="organisation.created",
        summary=f"{organisation.name} signed up to apply",
        actor=actor,
        target=organisation,
        data={"signed_up_by": actor.username},
    )
    return organisation


@transaction.atomic
def applicant_register(
    *,
    username: str,
    email: str,
    first_name: str,
    last_name: str,
    password: str,
    organisation_name: str,
    org_type: str,
    job_title: str = "",
) -> User:
    """A new applicant signs up: a lead organisation user, their organisation and their
    membership of it (as its primary contact), all or nothing."""
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": "That username is taken; choose another."})
    user = User(
        username=username,
        email=email,
        first_name=first_name,
        last_name=last_name,
        job_title=job_title,
        role=Role.LEAD_ORGANISATION,
    )
    validate_password(password, user)
    user.set_password(password)
    user.full_clean()
    user.save()
    organisation = organisation_sign_up(
        name=organisation_name, org_type=org_type, email=email, actor=user
    )
    OrganisationMembership.objects.create(
        user=user, organisation=organisation, is_primary_contact=True
    )
    return user


@transaction.atomic
def organisation_update(*, organisation: Organisation, actor, **changes) -> Organisation:
    """Change an organisation's details. Members of the organisation and programme managers may;
    only programme managers and admins change its type (it drives eligibility and reports).
    The activity entry names the fields that changed and appears on the timeline of every area
    the organisation leads; nothing is written when nothing changed."""
    locked = lock(organisation)
    require(perms.can_edit_organisation(actor, locked))
    changes = _organisation_fields(changes)
    changes_type = "org_type" in changes and changes["org_type"] != locked.org_type
    if changes_type and not perms.is_manager_or_admin(actor):
        # The type drives eligibility and reports: a lead organisation cannot reclassify itself.
        raise PermissionDenied("Only programme managers and admins can change the type.")
    changes_identifier = (
        "org_identifier" in changes and changes["org_identifier"] != locked.org_identifier
    )
    if changes_identifier and changes["org_identifier"] and not perms.is_manager_or_admin(actor):
        # Staff check an official identifier against the register it names.
        raise PermissionDenied("Only programme managers and admins can set the identifier.")
    before = {name: getattr(locked, name) for name in changes}
    for name, value in changes.items():
        setattr(locked, name, value)
    locked.full_clean()
    # Compare after cleaning and saving: a postcode typed in small letters, or an identifier
    # cleared only to be made again from the same number, is no change.
    if all(getattr(locked, n) == before[n] for n in changes):
        return copy_back(organisation, locked)
    locked.save()
    changed = [n for n in changes if getattr(locked, n) != before[n]]
    if changed:
        summary = f"{locked.name} updated its details ({_field_labels(changed)})"
        # On the timeline of every area it leads; an organisation that leads none is still audited.
        for area in list(locked.led_areas.all()) or [None]:
            activity_record(
                verb="organisation.updated",
                summary=summary,
                actor=actor,
                area=area,
                visibility=Visibility.AREA,
                target=locked,
                data={"fields": changed},
            )
    return copy_back(organisation, locked)


def organisation_save(*, organisation: Organisation, actor, changed_fields=()) -> Organisation:
    """An unsaved organisation goes through `organisation_create`, a saved one through
    `organisation_update` with the fields named in `changed_fields`. Kept for callers that build
    an Organisation first (the CRM import); new code calls those two directly."""
    if organisation.pk is None:
        values = {
            name: getattr(organisation, name)
            for name in ORGANISATION_FIELDS
            if getattr(organisation, name) not in (None, "")
        }
        created = organisation_create(actor=actor, **values)
        return copy_back(organisation, created)
    return organisation_update(
        organisation=organisation,
        actor=actor,
        **{name: getattr(organisation, name) for name in changed_fields},
    )


def area_themes_set(*, area: Area, themes: list[Theme]) -> None:
    """Replace an area's themes (1 to 3, in the order given)."""
    themes = list(dict.fromkeys(themes))
    if not 1 <= len(themes) <= 3:
        raise ValidationError({"themes": "Choose between one and three themes."})
    with transaction.atomic():
        AreaTheme.objects.filter(area=area).delete()
        AreaTheme.objects.bulk_create(
            [AreaTheme(area=area, theme=t, position=i) for i, t in enumerate(themes, 1)]
        )


def area_create(
    *,
    reference: str,
    name: str,
    local_authority: str,
    lead_organisation: Organisation,
    round: Round,
    approach: str,
    themes: list[Theme],
    joined_on: date | None = None,
    area_type: str = "",
    geo_code: str = "",
    geo_code_type: str = "",
    description: str = "",
) -> Area:
    """Create an area at the Getting Ready stage. Called when an application is admitted (and by
    imports and demo data, which go through the same rules)."""
    with transaction.atomic():
        area = Area(
            reference=reference,
            name=name,
            local_authority=local_authority,
            lead_organisation=lead_organisation,
            round=round,
            approach=approach,
            geo_code=geo_code,
            geo_code_type=geo_code_type,
            description=description,
        )
        if area_type:
            area.area_type = area_type
        if joined_on:
            area.joined_on = joined_on
        area.full_clean()
        area.save()
        area_themes_set(area=area, themes=themes)
    return area


def area_move(
    *,
    area: Area,
    stage: str | None = None,
    status: str | None = None,
    actor=None,
    summary: str = "",
    reason: str = "",
    occurred_at=None,
    imported: bool = False,
    notify=(),
) -> Area:
    """The one place an area's stage is written, and its status when a decision moves it.
    Called by the decision services (admission, stage gates, sign-off), never by forms or views,
    so the stage is always derived from decisions. The stage is not a workflow's state and these
    status changes follow the decision's own rules, so this is not a ``core.transition`` move;
    the AREA workflow's moves a person makes by hand (leaving, reinstating) are, in
    ``applications/services/leaving.py``."""
    with transaction.atomic():
        locked = lock(area)
        fields = []
        if stage is not None and stage != locked.stage:
            locked.stage = stage
            fields.append("stage")
        if status is not None and status != locked.status:
            locked.status = status
            fields.append("status")
        if fields:
            locked.save(update_fields=[*fields, "updated_at"])
            activity_record(
                verb="area.moved",
                summary=summary
                or f"Area is now {locked.get_stage_display()} ({locked.get_status_display()})",
                actor=actor,
                area=locked,
                reason=reason,
                visibility=Visibility.AREA,
                occurred_at=occurred_at,
                imported=imported,
                notify=notify,
            )
    return copy_back(area, locked)


@transaction.atomic
def area_deprivation_record(*, area: Area, decile: int | None, actor) -> Area:
    """Record (or clear, with None) the area's deprivation decile, read from its geography by a
    programme manager or admin: context for the programme's learning (reports.what_worked)."""
    require(
        (True, "")
        if perms.is_manager_or_admin(actor)
        else (False, "Only programme managers and admins can record an area's deprivation.")
    )
    locked = lock(area)
    if locked.deprivation_decile != decile:
        locked.deprivation_decile = decile
        locked.full_clean(validate_unique=False, validate_constraints=False)
        locked.save(update_fields=["deprivation_decile", "updated_at"])
        activity_record(
            verb="area.deprivation_recorded",
            summary=(
                f"Deprivation decile recorded: {decile}" if decile else "Deprivation decile cleared"
            ),
            actor=actor,
            area=locked,
            visibility=Visibility.STAFF,
        )
    return copy_back(area, locked)


@transaction.atomic
def partner_save(*, partner: Partner, actor, new_organisation: dict | None = None) -> Partner:
    """Add or update one of an area's partners. `new_organisation` (name, org_type, ...) adds the
    partner as an organisation the programme does not know yet, through `organisation_create`."""
    require(perms.can_edit_area_partners(actor, partner.area))
    if new_organisation:
        partner.organisation = organisation_create(
            actor=actor, partner_of=partner.area, **new_organisation
        )
    if partner.organisation_id == partner.area.lead_organisation_id:
        raise ValidationError({"organisation": "The lead organisation cannot also be a partner."})
    is_new = partner.pk is None
    partner.full_clean()
    partner.save()
    activity_record(
        verb="partner.added" if is_new else "partner.updated",
        summary=f"{'Added' if is_new else 'Updated'} partner {partner.organisation.name}",
        actor=actor,
        area=partner.area,
        visibility=Visibility.AREA,
        target=partner,
    )
    return partner


@transaction.atomic
def partner_remove(*, partner: Partner, actor) -> None:
    """Stop listing an organisation as one of the area's partners; the organisation stays known
    to the programme."""
    require(perms.can_edit_area_partners(actor, partner.area))
    activity_record(
        verb="partner.removed",
        summary=f"Removed partner {partner.organisation.name}",
        actor=actor,
        area=partner.area,
        visibility=Visibility.AREA,
    )
    partner.delete()
