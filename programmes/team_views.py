"""Self-service teams: an organisation's members and invitations, and accepting an invitation.

The pages are the organisation's (programmes owns organisations); the memberships and
invitations they show and change are accounts' (``accounts.invitations``). The URLs keep their
names and their place under /accounts/ (``programmes/team_urls.py``)."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts import invitations
from accounts import permissions as perms
from accounts.forms import InvitationAcceptForm, InviteForm
from accounts.models import Invitation, OrganisationMembership, User
from core import ratelimits
from core.errors import errors_to_form, message_for
from core.ratelimits import Limit

from .models import Organisation


def _organisation(user, pk):
    """The organisation, if the user may manage its team: 404 for a lead organisation user's
    other organisations (they must not learn who else is in the programme), 403 for staff who
    cannot change teams."""
    organisation = get_object_or_404(Organisation, pk=pk)
    allowed, reason = perms.can_manage_team(user, organisation)
    if not allowed:
        if perms.is_programme_staff(user):
            raise PermissionDenied(reason)
        raise Http404("No such organisation.")
    return organisation


@login_required
def team_mine(request):
    """A lead organisation user's team page (a list when they belong to several organisations);
    staff choose the organisation from the list of organisations."""
    if perms.is_programme_staff(request.user):
        return redirect("programmes:organisation_list")
    memberships = list(request.user.memberships.select_related("organisation"))
    if len(memberships) == 1:
        return redirect("team", memberships[0].organisation_id)
    if not memberships:
        raise Http404("You do not belong to an organisation.")
    return render(request, "accounts/team_choose.html", {"memberships": memberships})


@login_required
def team(request, pk):
    organisation = _organisation(request.user, pk)
    form = InviteForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        if ratelimits.over_limit(
            request,
            (Limit.INVITATION_ACCOUNT, ratelimits.account_key(request.user)),
            (Limit.INVITATION_ADDRESS, ratelimits.address_key(email)),
        ):
            form.add_error(None, ratelimits.refusal("invitations"))
            status = 429
        else:
            try:
                invitation = invitations.invitation_create(
                    organisation=organisation, email=email, user=request.user
                )
            except (ValidationError, PermissionDenied) as exc:
                errors_to_form(form, exc)
            else:
                messages.success(request, f"Invitation sent to {invitation.email}.")
                return redirect("team", organisation.pk)
    members = (
        OrganisationMembership.objects.filter(organisation=organisation, user__is_active=True)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user__username")
    )
    pending = list(
        Invitation.objects.filter(
            organisation=organisation, accepted_at__isnull=True, revoked_at__isnull=True
        ).select_related("invited_by")
    )
    context = {
        "organisation": organisation,
        "members": members,
        "invitations": pending,
        "form": form,
    }
    return render(request, "accounts/team.html", context, status=status)


@login_required
@require_POST
def member_remove(request, pk, membership_pk):
    organisation = _organisation(request.user, pk)
    membership = get_object_or_404(
        OrganisationMembership.objects.select_related("user", "organisation"),
        pk=membership_pk,
        organisation=organisation,
    )
    try:
        invitations.member_remove(membership=membership, user=request.user)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, message_for(exc))
        return redirect("team", organisation.pk)
    if membership.user_id == request.user.pk:
        messages.success(request, f"You have left {organisation.name}.")
        return redirect("home")
    messages.success(request, f"{membership.user} removed from {organisation.name}.")
    return redirect("team", organisation.pk)


@login_required
@require_POST
def invitation_revoke(request, pk, invitation_pk):
    organisation = _organisation(request.user, pk)
    invitation = get_object_or_404(Invitation, pk=invitation_pk, organisation=organisation)
    try:
        invitations.invitation_revoke(invitation=invitation, user=request.user)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, message_for(exc))
    else:
        messages.success(request, f"The invitation to {invitation.email} is withdrawn.")
    return redirect("team", organisation.pk)


def invitation_accept(request, token):
    """The emailed link: set a password (new account) or join with an existing account."""
    try:
        invitation = invitations.invitation_from_token(token)
    except invitations.InvitationProblem as problem:
        return render(request, "accounts/invitation_problem.html", {"problem": problem}, status=410)
    existing = User.objects.filter(email__iexact=invitation.email, is_active=True).first()
    context = {"invitation": invitation, "existing": existing}
    if existing is not None:
        return _join_existing(request, invitation, existing, context)
    if request.user.is_authenticated:
        return render(request, "accounts/invitation_accept.html", {**context, "signed_in": True})
    form = InvitationAcceptForm(request.POST or None, initial={"username": invitation.email})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = invitations.invitation_accept(
                invitation=invitation,
                username=data["username"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                password=data["password1"],
            )
        except ValidationError as exc:
            errors_to_form(form, exc, {"password": "password1"})
        except invitations.InvitationProblem as problem:
            return render(
                request, "accounts/invitation_problem.html", {"problem": problem}, status=410
            )
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request,
                f"Welcome to {invitation.organisation.name}. You are signed in; next time sign "
                f"in as {user.username}.",
            )
            return redirect("home")
    return render(request, "accounts/invitation_accept.html", {**context, "form": form})


def _join_existing(request, invitation, existing, context):
    if request.user.pk != existing.pk:
        login_url = reverse("login") + "?next=" + request.path
        return render(
            request, "accounts/invitation_accept.html", {**context, "login_url": login_url}
        )
    if request.method == "POST":
        try:
            invitations.invitation_join(invitation=invitation, user=request.user)
        except invitations.InvitationProblem as problem:
            return render(
                request, "accounts/invitation_problem.html", {"problem": problem}, status=410
            )
        messages.success(request, f"You have joined {invitation.organisation.name}.")
        return redirect("home")
    return render(request, "accounts/invitation_accept.html", {**context, "can_join": True})
