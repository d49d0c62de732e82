"""Sign-in guards that run on every request: staff idle timeout and the second factor."""

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse

from core.workflow import user_role

from .models import STAFF_ROLES
from .two_factor import has_confirmed_device, second_factor_owed

LAST_SEEN_KEY = "accounts_last_seen"
# The last-seen time is rewritten at most this often, so most requests do not save the session.
LAST_SEEN_RESOLUTION = 60


class StaffIdleTimeoutMiddleware:
    """Signs out a staff user whose previous request is older than STAFF_IDLE_TIMEOUT_MINUTES.
    Lead organisation users keep the ordinary session length."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user_role(user) in STAFF_ROLES:
            now = int(time.time())
            last_seen = request.session.get(LAST_SEEN_KEY)
            minutes = settings.STAFF_IDLE_TIMEOUT_MINUTES
            if last_seen is not None and now - last_seen > minutes * 60:
                logout(request)
                messages.info(
                    request,
                    f"You were signed out after {minutes} minutes without activity. "
                    "Sign in again to carry on.",
                )
                return redirect(
                    f"{reverse('login')}?{urlencode({'next': request.get_full_path()})}"
                )
            if last_seen is None or now - last_seen >= LAST_SEEN_RESOLUTION:
                request.session[LAST_SEEN_KEY] = now
        return self.get_response(request)


# Pages a signed-in user may reach before giving their second factor.
_OPEN_URL_NAMES = ("logout", "two_factor_verify", "two_factor_setup", "two_factor_recovery_codes")


class SecondFactorMiddleware:
    """After the password, a user with a confirmed device must give a code before any page; with
    OTP_REQUIRED_FOR_STAFF, programme managers, finance officers and admins without a device are
    sent to set one up first. Needs django_otp's OTPMiddleware before it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or request.path_info.startswith("/static/"):
            return self.get_response(request)
        if request.path_info in {reverse(name) for name in _OPEN_URL_NAMES}:
            return self.get_response(request)
        if not second_factor_owed(request):
            return self.get_response(request)
        query = urlencode({"next": request.get_full_path()})
        if has_confirmed_device(request):
            return redirect(f"{reverse('two_factor_verify')}?{query}")
        return redirect(f"{reverse('two_factor_setup')}?{query}")
