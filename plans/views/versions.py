"""Frozen versions of the plan: one version, and what changed between two."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from ..diff import version_diff
from ..indicators import for_display
from ..models import LOGIC_MODEL_COLUMNS, PLAN_SECTIONS, PlanVersion
from .common import area_for, plan_of


def _version_plan(request, reference):
    area = area_for(request.user, reference)
    plan = plan_of(area)
    if plan is None:
        raise Http404
    return area, plan


@login_required
def version_detail(request, reference, number):
    area, plan = _version_plan(request, reference)
    version = get_object_or_404(
        PlanVersion.objects.select_related("submitted_by"), plan=plan, number=number
    )
    return render(
        request,
        "plans/version_detail.html",
        {
            "area": area,
            "plan": plan,
            "version": version,
            "sections": [
                (label, version.content.get("sections", {}).get(key, ""))
                for key, label in PLAN_SECTIONS
            ],
            "columns": LOGIC_MODEL_COLUMNS,
            "indicators": for_display(version.content.get("indicators", [])),
        },
    )


@login_required
def version_compare(request, reference):
    area, plan = _version_plan(request, reference)
    versions = list(plan.versions.select_related("submitted_by").order_by("number"))
    if len(versions) < 2:
        messages.info(request, "There is only one version so far: nothing to compare.")
        return redirect("plans:workspace", area.reference)
    by_number = {v.number: v for v in versions}
    try:
        old = by_number[int(request.GET.get("from", versions[-2].number))]
        new = by_number[int(request.GET.get("to", versions[-1].number))]
    except (KeyError, ValueError):
        raise Http404("No such version.")
    return render(
        request,
        "plans/version_compare.html",
        {
            "area": area,
            "plan": plan,
            "versions": versions,
            "old": old,
            "new": new,
            "diffs": version_diff(old, new),
        },
    )
