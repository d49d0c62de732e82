"""Panels the applications app adds to other apps' pages (area page, my areas)."""

from django import template
from django.utils import timezone

from accounts import permissions as perms

from .. import permissions as app_perms
from .. import selectors, services
from ..models import GateStage, GateStatus

register = template.Library()


def _stages(area, gates):
    """Stages the area could apply for from where it is, with no live application for them
    already, split by whether the milestone (or the area's extension of it) has passed:
    ([(value, label)], [(label, due_on)])."""
    if area.status != "active":
        return [], []
    taken = {
        g.target_stage for g in gates if g.status not in (GateStatus.WITHDRAWN, GateStatus.REJECTED)
    }
    milestones = {m.kind: m for m in area.round.milestones.all()}
    today = timezone.localdate()
    open_stages, closed = [], []
    for value, label in GateStage.choices:
        if area.stage not in services.GATE_FROM_STAGES[value] or value in taken:
            continue
        milestone = milestones.get(services.GATE_MILESTONE_KIND[value])
        if milestone is None:
            continue
        due = services.gate_deadline(area, milestone)[0]
        if due < today:
            closed.append((label, due))
        else:
            open_stages.append((value, label))
    return open_stages, closed


def _gates(area) -> list:
    """The area's gate applications, read once for the page's actions and its gates panel."""
    return selectors.area_gates(area)


@register.inclusion_tag("applications/includes/area_actions.html", takes_context=True)
def area_gate_actions(context, area):
    user = context["request"].user
    gates = _gates(area)
    acts = app_perms.can_act_for_area(user, area)[0]
    open_stages, closed_stages = _stages(area, gates) if acts else ([], [])
    return {
        "area": area,
        "open_stages": open_stages,
        # Said to the area, so a missing "Apply" button is explained rather than just absent.
        "closed_stages": closed_stages,
        "can_extend": app_perms.can_grant_extension(user)[0] and area.status == "active",
        "can_change_status": app_perms.can_change_area_status(user)[0],
    }


@register.inclusion_tag("applications/includes/area_gates.html", takes_context=True)
def area_gates_panel(context, area):
    user = context["request"].user
    gates = sorted(_gates(area), key=lambda g: g.created_at, reverse=True)
    application = getattr(area, "application", None)
    return {
        "area": area,
        "gates": gates,
        "for_applicant": perms.is_lead_organisation_user(user),
        "requires_cba": any(g.status == GateStatus.APPROVED and g.cba_required for g in gates),
        "extensions": selectors.area_extensions(area),
        "admission": application,
    }


@register.inclusion_tag("applications/includes/my_applications_panel.html", takes_context=True)
def my_applications_panel(context):
    user = context["request"].user
    if not perms.is_lead_organisation_user(user):
        return {"show": False}
    return {
        "show": True,
        "applications": list(selectors.application_list(user=user).order_by("-created_at")),
    }
