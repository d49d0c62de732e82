"""The shared template vocabulary: one status badge, money, and the area breadcrumb."""

from django import template
from django.urls import reverse
from django.utils.html import format_html

from core import money
from core.workflow import REGISTRY, TONES

register = template.Library()


def _badge_html(label: str, tone: str, extra: str = ""):
    tone = tone if tone in TONES else "light"
    css = f"text-bg-{tone}" + (" border" if tone == "light" else "")
    if extra:
        return format_html(
            '<span class="badge {}">{}</span> <span class="small text-muted">{}</span>',
            css,
            label,
            extra,
        )
    return format_html('<span class="badge {}">{}</span>', css, label)


@register.simple_tag(takes_context=True)
def status_badge(context, obj_or_status, workflow: str = "", applicant=None, extra: str = ""):
    """A status badge from the workflow's own label and tone. Pass an object whose class names
    its workflow (``workflow = PLAN``), or a status with ``workflow="plan"``. Lead organisation
    users see the applicant label unless ``applicant`` says otherwise."""
    if applicant is None:
        applicant = sees_applicant_labels(context.get("user"))
    return status_badge_html(obj_or_status, workflow, applicant=bool(applicant), extra=extra)


def sees_applicant_labels(user) -> bool:
    """Whether `user` reads statuses in the applicants' words (lead organisation users)."""
    return user is not None and not getattr(user, "is_programme_staff", True)


def status_badge_html(obj_or_status, workflow: str = "", *, applicant: bool, extra: str = ""):
    """``{% status_badge %}`` for Python that writes markup (a list's rows)."""
    status = getattr(obj_or_status, "status", obj_or_status)
    flow = REGISTRY[workflow] if workflow else getattr(obj_or_status, "workflow", None)
    if flow is None:
        raise template.TemplateSyntaxError(f"status_badge: no workflow for {obj_or_status!r}")
    return _badge_html(flow.label(status, for_applicant=applicant), flow.tone(status), extra)


@register.simple_tag
def badge(label, tone: str = "secondary", extra: str = ""):
    """A badge for a label that is not a workflow status (a return that is overdue, funding
    secured "less than planned"), in the same vocabulary."""
    return _badge_html(label, tone, extra)


@register.filter
def pounds(value) -> str:
    return money.pounds(value)


@register.inclusion_tag("core/_area_breadcrumbs.html", takes_context=True)
def area_breadcrumbs(context, area, here: str = "", *trail):
    """The one area breadcrumb: Areas (staff) or My areas (lead users) › the area › any pages
    between (label, url pairs) › this page. Without `here` the area itself is the current page."""
    user = context.get("user")
    staff = getattr(user, "is_programme_staff", False)
    root = (
        ("Areas", reverse("programmes:area_list"))
        if staff
        else ("My areas", reverse("programmes:my_areas"))
    )
    pairs = list(zip(trail[0::2], trail[1::2], strict=False))
    return {"root": root, "area": area, "trail": pairs, "here": here}


def _term_link(term, label: str):
    return format_html(
        '<a class="term" href="{}#{}" title="{}">{}</a>',
        reverse("glossary"),
        term.slug,
        term.short,
        label,
    )


@register.simple_tag
def term(name: str, label: str = ""):
    """A programme term linked to its glossary entry, its short meaning as the title:
    ``{% term "Getting Going" %}``, ``{% term "cost benefit analysis" "CBA" %}``. A name the
    glossary does not hold is a mistake in the template, so it fails loudly."""
    from core import glossary

    found = glossary.find(name)
    if found is None:
        raise template.TemplateSyntaxError(f"term: {name!r} is not in core/glossary.py")
    return _term_link(found, label or name)


@register.filter
def as_term(value):
    """A value that may be a programme term (a stage's label): linked when the glossary holds
    it, plain text otherwise. ``{{ area.get_stage_display|as_term }}``."""
    from core import glossary

    found = glossary.find(str(value))
    return _term_link(found, str(value)) if found else value


@register.simple_tag
def term_badge(label: str, tone: str = "info"):
    """A badge whose label is a programme term (an area's stage), linked to its glossary entry
    when the glossary holds it: ``{% term_badge area.get_stage_display "info" %}``."""
    from core import glossary

    badge = _badge_html(label, tone)
    found = glossary.find(str(label))
    if found is None:
        return badge
    return format_html(
        '<a class="term term-badge" href="{}#{}" title="{}">{}</a>',
        reverse("glossary"),
        found.slug,
        found.short,
        badge,
    )


@register.simple_tag(takes_context=True)
def work_item(context, item, kind, group_number, item_number):
    """One item of My work (core/mywork_html.py), written in Python: a page of them cost more
    through the template engine than the rest of My work."""
    from core.markup import page_token
    from core.mywork_html import work_item as write

    return write(
        item,
        kind,
        f"{group_number or 0}-{item_number}",
        csrf_token=page_token(context),
        next_url=context["request"].get_full_path(),
        min_snooze=context.get("min_snooze"),
    )
