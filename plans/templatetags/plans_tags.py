"""Template helpers for plan pages and the plan panel on the area page. Money, status badges and
the area breadcrumb come from ``core_tags``."""

from decimal import Decimal, InvalidOperation

from django import template
from django.db.models import Prefetch, prefetch_related_objects

from core.memo import cached_one_to_one

from .. import permissions as plan_perms
from .. import selectors
from ..models import OperationalPlan, SignOff

register = template.Library()


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


@register.inclusion_tag("plans/_area_panel.html", takes_context=True)
def plan_panel(context, area):
    """The area page's summary of its plan documents, plan status and sign-off state."""
    user = context["request"].user
    current_sign_offs = Prefetch(
        "sign_offs",
        queryset=SignOff.objects.filter(superseded_at__isnull=True).select_related("user"),
    )
    # The area page's query brings the plan (programmes.selectors.area_detail).
    read, plan = cached_one_to_one(area, "operational_plan")
    if not read:
        plan = OperationalPlan.objects.filter(area=area).select_related("area").first()
    if plan is not None:
        prefetch_related_objects([plan], current_sign_offs)
    return {
        "area": area,
        "plan": plan,
        "user": user,
        "has_strategy": hasattr(area, "development_strategy")
        and bool(area.development_strategy.issues),
        "logic_rows": selectors.logic_model_row_count(area),
        "has_cba": hasattr(area, "cba"),
        "sign_offs": selectors.sign_off_state(plan) if plan else [],
        "is_reviewer": plan_perms.can_review_plans(user)[0],
    }
