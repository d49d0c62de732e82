"""Writes for programme reference data, organisations, areas and partners."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from accounts import permissions as perms
from accounts.permissions import require
from activity.models import Visibility
from activity.services import activity_record

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


def organisation_save(*, organisation: Organisation, user, changed_fields=()) -> Organisation:
    """Create or update an organisation after checking the user may edit it. Changes to an
    organisation that leads areas appear on those areas' timelines."""
    is_new = organisation.pk is None
    if is_new:
        if not perms.is_manager_or_admin(user):
            raise PermissionDenied("Only programme managers and admins can add organisations.")
    else:
        require(perms.can_edit_organisation(user, organisation))
    organisation.full_clean()
    with transaction.atomic():
        organisation.save()
        if not is_new and changed_fields:
            for area in organisation.led_areas.all():
                activity_record(
                    verb="organisation.updated",
                    summary=f"{organisation.name} updated its details",
                    actor=user,
                    area=area,
                    visibility=Visibility.AREA,
                    target=organisation,
                    data={"fields": list(changed_fields)},
                )
    return organisation


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
    """The one place an area's stage and status are written. Called by the decision services
    (admission, stage gates, sign-off), never by forms or views, so the stage is always derived
    from decisions."""
    with transaction.atomic():
        locked = Area.objects.select_for_update().get(pk=area.pk)
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
        area.stage, area.status = locked.stage, locked.status
    return area


def partner_save(*, partner: Partner, user) -> Partner:
    """Add or update one of an area's partners."""
    require(perms.can_edit_area_partners(user, partner.area))
    if partner.organisation_id == partner.area.lead_organisation_id:
        raise ValidationError({"organisation": "The lead organisation cannot also be a partner."})
    is_new = partner.pk is None
    partner.full_clean()
    with transaction.atomic():
        partner.save()
        activity_record(
            verb="partner.added" if is_new else "partner.updated",
            summary=f"{'Added' if is_new else 'Updated'} partner {partner.organisation.name}",
            actor=user,
            area=partner.area,
            visibility=Visibility.AREA,
            target=partner,
        )
    return partner


def partner_remove(*, partner: Partner, user) -> None:
    require(perms.can_edit_area_partners(user, partner.area))
    with transaction.atomic():
        activity_record(
            verb="partner.removed",
            summary=f"Removed partner {partner.organisation.name}",
            actor=user,
            area=partner.area,
            visibility=Visibility.AREA,
        )
        partner.delete()
