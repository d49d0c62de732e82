"""Template helpers for plan pages and the plan panel on the area page."""

from decimal import Decimal, InvalidOperation

from django import template

from grants.templatetags.grants_tags import pounds as grants_pounds

from .. import permissions as plan_perms
from .. import selectors
from ..models import OperationalPlan
from ..workflows import applicant_label

register = template.Library()


# One way of writing money across the site: the grants app's filter, registered here too so plan
# templates need only load plans_tags.
register.filter("pounds", grants_pounds)


@register.filter
def factor(value, places=4):
    try:
        return f"{Decimal(value):.{int(places)}f}"
    except (InvalidOperation, TypeError, ValueError):
        return value


@register.filter
def get_item(mapping, key):
    try:
        return mapping.get(key, "")
    except AttributeError:
        return getattr(mapping, key, "")


@register.filter
def plan_status_for(plan, user):
    """The applicant's wording for lead organisation users, the staff label for everyone else."""
    if plan_perms.is_area_lead_member(user, plan.area):
        return applicant_label(plan.status)
    return plan.get_status_display()


@register.inclusion_tag("plans/_area_panel.html", takes_context=True)
def plan_panel(context, area):
    """The area page's summary of its plan documents, plan status and sign-off state."""
    user = context["request"].user
    plan = (
        OperationalPlan.objects.filter(area=area)
        .prefetch_related("sign_offs__user")
        .select_related("area")
        .first()
    )
    return {
        "area": area,
        "plan": plan,
        "user": user,
        "status_label": (
            applicant_label(plan.status)
            if plan and plan_perms.is_area_lead_member(user, area)
            else (plan.get_status_display() if plan else "")
        ),
        "has_strategy": hasattr(area, "development_strategy")
        and bool(area.development_strategy.issues),
        "logic_rows": len(selectors.logic_model_rows(area)),
        "has_cba": hasattr(area, "cba"),
        "sign_offs": selectors.sign_off_state(plan) if plan else [],
        "is_reviewer": plan_perms.can_review_plans(user)[0],
    }
