from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_POST

from accounts import permissions as perms
from core import area_panels
from core.area_figures import with_figures
from core.errors import errors_to_form, require

from . import selectors, services
from .filters import AreaFilter, OrganisationFilter
from .forms import OrganisationForm, PartnerForm
from .models import AreaStatus, Organisation, Partner
from .permissions import areas_visible_to, can_see_contact_details

PAGE_SIZE = 25


def _staff_only(user):
    if not perms.is_programme_staff(user):
        raise PermissionDenied("This page is for programme staff.")


def _visible_area(user, reference):
    area = selectors.area_detail(user=user, reference=reference).first()
    if area is None:
        raise Http404("No such area.")
    return area


def area_list_defaults(params, filter_names):
    """The area list's filters as asked or, when no filter is named at all (a bare /areas/, or
    only a sort order or page), the view it opens on: the current round's areas still in the
    programme, rather than every round's with the finished pilot first and withdrawn areas on
    page 1. Naming any filter, even empty (``?round=&status=``: "Show all areas"), takes the
    filters as asked, so the filter form and bookmarked views mean what they say."""
    params = params.copy()
    if any(name in params for name in filter_names):
        return params, False
    params["status"] = AreaStatus.ACTIVE
    current = selectors.current_round()
    params["round"] = current.slug if current else ""
    return params, True


def _opened_on(area_filter) -> str:
    """What the list opened on, in words, when no filter was asked for."""
    chosen_round = area_filter.form.cleaned_data.get("round") if area_filter.is_valid() else None
    which = f"{chosen_round.name}'s areas" if chosen_round else "Areas of every round"
    return f"Showing {which} still in the programme."


@login_required
def area_list(request):
    _staff_only(request.user)
    qs = selectors.area_list(user=request.user)
    filter_names = [name for name in AreaFilter.base_filters if name != "sort"]
    params, defaulted = area_list_defaults(request.GET, filter_names)
    area_filter = AreaFilter(params, queryset=qs)
    results = area_filter.qs
    if not params.get("sort"):
        results = results.order_by("reference")
    page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
    shown = params.copy()
    shown.pop("page", None)
    everything = {"round": "", "status": ""}  # a filter named, empty: every round and status
    if params.get("sort"):
        everything["sort"] = params["sort"]
    return render(
        request,
        "programmes/area_list.html",
        {
            "filter": area_filter,
            "page_obj": page,
            "total": page.paginator.count,
            # The filters the page shows (defaults included), for the exports: they export what
            # the page lists.
            "query": shown.urlencode(),
            "all_query": urlencode(everything),
            "narrowed": any(params.get(name) for name in filter_names),
            "opened_on": _opened_on(area_filter) if defaulted else "",
        },
    )


@login_required
def my_areas(request):
    areas = list(selectors.area_list(user=request.user).order_by("reference"))
    if perms.is_lead_organisation_user(request.user) and len(areas) == 1:
        return redirect(areas[0].get_absolute_url())
    if perms.is_programme_staff(request.user):
        return redirect("programmes:area_list")
    return render(request, "programmes/my_areas.html", {"areas": areas})


def _area_for_page(user, reference, *, with_overview=True):
    """The area as its page reads it, with the numbers the panels show (core.area_figures: one
    query instead of one per panel); 404 for an area the user may not see. The page's lazy panels
    read it with the same selector, so the same people see them, but without the overview's
    themes and partners or every app's figures (`with_overview=False`): a panel that shows
    figures counts its own (`figures_of` is None), cheaper than all of them for each panel."""
    areas = selectors.area_detail(user=user, reference=reference)
    if with_overview:
        areas = with_figures(areas, user=user)
    else:
        areas = areas.prefetch_related(None)
    area = areas.first()
    if area is None:
        raise Http404("No such area.")
    return area


@login_required
def area_detail(request, reference):
    area = _area_for_page(request.user, reference)
    can_edit_partners, _ = perms.can_edit_area_partners(request.user, area)
    return render(
        request,
        "programmes/area_detail.html",
        {
            "area": area,
            "can_edit_partners": can_edit_partners,
            "current_assignment": (
                {"user": area.current_rm, "started_on": area.current_rm_since}
                if area.current_rm
                else None
            ),
            "milestones": area.round.milestones.all(),
            # The panels that arrive after the page (core.area_panels): placeholders here.
            "lazy_panels": area_panels.shown_to(request.user, area),
        },
    )


@login_required
@require_GET
def area_panel(request, reference, name, page=None):
    """One of the area page's lazy panels (core.area_panels), for htmx or, without JavaScript,
    followed from the placeholder's link; nothing when the panel has nothing to show. With
    `page` (a paged panel's "Show older"): that page's rows for htmx, else the panel at that
    page in a page of its own."""
    panel = area_panels.get(name)
    if panel is None or (page is not None and (not panel.page_template or page < 1)):
        raise Http404("No such panel.")
    area = _area_for_page(request.user, reference, with_overview=False)
    paging = {"page": page} if page is not None else {}
    if not panel.shown_to(request.user, area):
        response = HttpResponse("")
    elif request.headers.get("HX-Request"):
        context = panel.context(area=area, user=request.user, **paging)
        template = panel.page_template if page is not None else panel.template
        response = render(request, template, context)
    else:  # the placeholder's link, followed without JavaScript: the panel in a page of its own
        context = panel.context(area=area, user=request.user, **paging)
        response = render(request, "programmes/area_panel.html", {**context, "panel": panel})
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
def partner_add(request, reference):
    area = _visible_area(request.user, reference)
    require(perms.can_edit_area_partners(request.user, area))
    form = PartnerForm(request.POST or None, area=area)
    if request.method == "POST" and form.is_valid():
        partner = form.save(commit=False)
        partner.area = area
        new_organisation = None
        if not partner.organisation_id:
            new_organisation = {
                "name": form.cleaned_data["new_organisation_name"],
                "org_type": form.cleaned_data["new_organisation_type"],
            }
        try:
            services.partner_save(
                partner=partner, actor=request.user, new_organisation=new_organisation
            )
        except ValidationError as exc:
            errors_to_form(
                form, exc, {"name": "new_organisation_name", "org_type": "new_organisation_type"}
            )
        else:
            messages.success(request, f"{partner.organisation.name} added as a partner.")
            return redirect(area.get_absolute_url() + "#partners")
    return render(request, "programmes/partner_form.html", {"form": form, "area": area})


@login_required
def partner_edit(request, reference, pk):
    area = _visible_area(request.user, reference)
    partner = get_object_or_404(Partner.objects.select_related("organisation"), pk=pk, area=area)
    require(perms.can_edit_area_partners(request.user, area))
    form = PartnerForm(request.POST or None, instance=partner, area=area)
    if request.method == "POST" and form.is_valid():
        try:
            services.partner_save(partner=form.save(commit=False), actor=request.user)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, f"{partner.organisation.name} updated.")
            return redirect(area.get_absolute_url() + "#partners")
    return render(
        request, "programmes/partner_form.html", {"form": form, "area": area, "partner": partner}
    )


@login_required
@require_POST
def partner_remove(request, reference, pk):
    area = _visible_area(request.user, reference)
    partner = get_object_or_404(Partner.objects.select_related("organisation"), pk=pk, area=area)
    name = partner.organisation.name
    services.partner_remove(partner=partner, actor=request.user)
    messages.success(request, f"{name} is no longer listed as a partner.")
    return redirect(area.get_absolute_url() + "#partners")


@login_required
def organisation_list(request):
    _staff_only(request.user)
    qs = selectors.organisation_list(user=request.user)
    org_filter = OrganisationFilter(request.GET or None, queryset=qs)
    results = org_filter.qs if org_filter.is_bound else qs
    page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "programmes/organisation_list.html",
        {
            "filter": org_filter,
            "page_obj": page,
            "total": page.paginator.count,
            "can_create": perms.is_manager_or_admin(request.user),
        },
    )


def _visible_organisation(user, pk):
    org = get_object_or_404(Organisation, pk=pk)
    allowed, _ = perms.can_view_organisation(user, org)
    if not allowed:
        raise Http404("No such organisation.")
    return org


@login_required
def organisation_detail(request, pk):
    org = _visible_organisation(request.user, pk)
    led = areas_visible_to(request.user, org.led_areas.select_related("round"))
    partnerships = org.partnerships.select_related("area").filter(
        area__in=areas_visible_to(request.user)
    )
    can_edit, _ = perms.can_edit_organisation(request.user, org)
    show_contact, contact_reason = can_see_contact_details(request.user, org)
    return render(
        request,
        "programmes/organisation_detail.html",
        {
            "organisation": org,
            "led_areas": led,
            "partnerships": partnerships,
            "can_edit": can_edit,
            "can_manage_team": perms.can_manage_team(request.user, org)[0],
            "show_contact": show_contact,
            "contact_reason": contact_reason,
        },
    )


@login_required
def organisation_edit(request, pk=None):
    """Add an organisation (pk None) or change one's details, through the organisation services."""
    if pk is None:
        require(perms.can_create_organisation(request.user))
        org = Organisation()
    else:
        org = _visible_organisation(request.user, pk)
        require(perms.can_edit_organisation(request.user, org))
    form = OrganisationForm(
        request.POST or None, instance=org, can_change_type=perms.is_manager_or_admin(request.user)
    )
    if request.method == "POST" and form.is_valid():
        try:
            if pk is None:
                org = services.organisation_create(actor=request.user, **form.cleaned_data)
            else:
                changes = {name: form.cleaned_data[name] for name in form.changed_data}
                org = services.organisation_update(organisation=org, actor=request.user, **changes)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, f"{org.name} saved.")
            return redirect(org.get_absolute_url())
    return render(request, "programmes/organisation_form.html", {"form": form, "organisation": org})


@login_required
def partner_options(request, reference):
    """The partner form's organisation options for a search (htmx): `<option>` elements."""
    area = _visible_area(request.user, reference)
    require(perms.can_edit_area_partners(request.user, area))
    query = request.GET.get("q", "").strip()
    organisations = selectors.partner_candidates(area, query=query)
    return render(
        request,
        "programmes/_partner_options.html",
        {
            "organisations": organisations,
            "searched": len(query) >= 2,
            "capped": len(organisations) >= selectors.PARTNER_SEARCH_RESULTS,
            "query": query,
        },
    )
