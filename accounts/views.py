from datetime import timedelta
from urllib.parse import urlencode

from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp import login as otp_login

from core import ratelimits
from core.ratelimits import Limit

from . import permissions as perms
from . import two_factor
from .forms import CodeForm, SetupCodeForm, UnlockForm


@login_required
def home(request):
    """Everyone starts on My work (core/mywork.py): what is waiting for them, from every app."""
    return redirect("mywork")


def _cool_off_minutes() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


def locked_out(request, original_response=None, credentials=None):
    """django-axes calls this when a username and address have failed too often: the sign-in
    page again, with the reason and what to do (HTTP 429)."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    form = AuthenticationForm(request, initial={"username": username})
    context = {"form": form, "locked_out": True, "cool_off_minutes": _cool_off_minutes()}
    return render(request, "registration/login.html", context, status=429)


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset view; the emailed link starts with SITE_URL (not the request's host, which
    an attacker could set). Requests are limited per address asked for and per client address
    (core/ratelimits.py), counted whether or not the address has an account, so a refusal says
    nothing about who has one."""

    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"

    def form_valid(self, form):
        if ratelimits.over_limit(
            self.request,
            (Limit.PASSWORD_RESET_ADDRESS, ratelimits.address_key(form.cleaned_data["email"])),
            (Limit.PASSWORD_RESET_IP, ratelimits.ip_key(self.request)),
        ):
            form.add_error(None, ratelimits.refusal("password reset links"))
            return self.render_to_response(self.get_context_data(form=form), status=429)
        self.extra_email_context = {"site_url": settings.SITE_URL.rstrip("/")}
        return super().form_valid(form)


def _code_first(request):
    """To the code page, coming back here after it."""
    query = urlencode({"next": request.get_full_path()})
    return redirect(f"{reverse('two_factor_verify')}?{query}")


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change (which ends the user's other sessions and keeps this one), refused
    to a session that has not given the code of the user's second factor."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and two_factor.code_due(request):
            return _code_first(request)
        return super().dispatch(request, *args, **kwargs)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Setting a new password through the emailed link also lifts a sign-in lockout: whoever
    holds the mailbox is the account's owner."""

    def form_valid(self, form):
        response = super().form_valid(form)
        axes_reset(username=form.user.get_username())
        return response


def _safe_next(request, default="home"):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return reverse_lazy(default)


@login_required
def two_factor_verify(request):
    """The second sign-in step for users with a device: a code from the app or a recovery code."""
    # Asked of the database: a device added where this session was not ended (the admin) must
    # still be asked for, not waved through on the note taken at sign-in.
    if request.user.is_verified() or not two_factor.remember_device_state(request, request.user):
        return redirect(_safe_next(request))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device, throttled = two_factor.second_factor_check(request.user, form.cleaned_data["code"])
        if device is not None:
            otp_login(request, device)
            if two_factor.verified_by_recovery_code(request.user):
                left = device.token_set.count()
                messages.warning(
                    request,
                    f"You used a recovery code; {left} left. Make new ones from "
                    "the two-factor page if you are running out.",
                )
            return redirect(_safe_next(request))
        if throttled:
            form.add_error("code", "Too many wrong codes: wait a few seconds, then try again.")
        else:
            form.add_error("code", "That code is not right. Check the app and try again.")
    return render(
        request, "accounts/two_factor_verify.html", {"form": form, "next": _safe_next(request)}
    )


@login_required
def two_factor_setup(request):
    """Turn on the second factor: scan the QR code (or type the secret), confirm with a code."""
    user = request.user
    if two_factor.code_due(request):
        return _code_first(request)
    has_device = two_factor.has_confirmed_device(request)
    device = two_factor.pending_totp_device(user)
    form = SetupCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = two_factor.totp_confirm(user=user, device=device, token=form.cleaned_data["code"])
        if codes is not None:
            # Every session of the user ended; this one carries on, verified by the new device.
            update_session_auth_hash(request, user)
            otp_login(request, device)
            two_factor.remember_device_state(request, user)
            request.session[two_factor.SESSION_NEW_CODES] = codes
            request.session["accounts_codes_next"] = str(_safe_next(request))
            return redirect("two_factor_recovery_codes")
        form.add_error("code", "That code is not right: check the app's clock and try again.")
    context = {
        "form": form,
        "has_device": has_device,
        "required": two_factor.second_factor_required(user),
        "qr_code": two_factor.qr_code_data_uri(device),
        "secret": two_factor.secret_text(device),
        "next": _safe_next(request),
    }
    return render(request, "accounts/two_factor_setup.html", context)


@login_required
def two_factor_recovery_codes(request):
    """New recovery codes, shown once (right after set-up, or when the user asks for new ones)."""
    codes = request.session.pop(two_factor.SESSION_NEW_CODES, None)
    if request.method == "POST":
        if not request.user.is_verified():
            raise PermissionDenied("Sign in with your code first.")
        signed_in_with_a_code = two_factor.verified_by_recovery_code(request.user)
        codes = two_factor.recovery_codes_renew(user=request.user)
        update_session_auth_hash(request, request.user)  # the others ended; this one carries on
        if signed_in_with_a_code:
            # The recovery code this session gave has just been replaced: it stays verified by
            # the new codes rather than being asked for a code on the next page.
            otp_login(request, two_factor.recovery_codes_device(request.user))
    if not codes:
        return redirect("two_factor_setup")
    next_url = request.session.pop("accounts_codes_next", None) or reverse_lazy("home")
    return render(request, "accounts/two_factor_codes.html", {"codes": codes, "next": next_url})


@login_required
@require_POST
def two_factor_remove(request):
    """Turn the second factor off (not allowed where it is required)."""
    user = request.user
    if not user.is_verified():
        raise PermissionDenied("Sign in with your code first.")
    if two_factor.second_factor_required(user):
        messages.error(request, "Your role must use a second factor: it cannot be turned off.")
        return redirect("two_factor_setup")
    two_factor.second_factor_remove(user=user)
    update_session_auth_hash(request, user)  # the others ended; this one carries on
    two_factor.remember_device_state(request, user)
    request.session.pop(DEVICE_ID_SESSION_KEY, None)
    messages.success(request, "Two-factor sign-in is off.")
    return redirect("two_factor_setup")


def _current_lockouts():
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    return AccessAttempt.objects.filter(
        failures_since_start__gte=settings.AXES_FAILURE_LIMIT, attempt_time__gte=since
    ).order_by("-attempt_time")


@login_required
def lockout_list(request):
    """Admins see who is locked out of signing in and can unlock them."""
    if not perms.is_admin(request.user):
        raise PermissionDenied("Only admins can unlock accounts.")
    if request.method == "POST":
        form = UnlockForm(request.POST)
        if form.is_valid() and (form.cleaned_data["username"] or form.cleaned_data["ip_address"]):
            axes_reset(
                username=form.cleaned_data["username"] or None,
                ip=form.cleaned_data["ip_address"] or None,
            )
            who = form.cleaned_data["username"] or form.cleaned_data["ip_address"]
            messages.success(request, f"Unlocked {who}: they can sign in again.")
        return redirect("lockout_list")
    page = Paginator(_current_lockouts(), 25).get_page(request.GET.get("page"))
    context = {
        "page_obj": page,
        "cool_off": timedelta(minutes=_cool_off_minutes()),
        "failure_limit": settings.AXES_FAILURE_LIMIT,
    }
    return render(request, "accounts/lockout_list.html", context)
