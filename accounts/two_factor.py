"""The second factor: TOTP devices from an authenticator app and single-use recovery codes
(django-otp's TOTP and static plugins).

The second factor holds per session: turning it on, replacing the device, turning it off and
renewing the recovery codes end every session of the user (accounts.services.user_sessions_end;
the view keeps its own), so a browser signed in before cannot carry on without a code, and a
session that has not given a code cannot change the device, the codes or the password
(`code_due`). Ending the other sessions rather than asking them for a code: it needs no
per-request query or cross-session state (Django already checks each session's hash on every
request), and a browser the owner has forgotten, or someone else's, is gone rather than left one
code away from the account."""

import base64
import io

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.db import transaction
from django_otp import devices_for_user, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.workflow import user_role

from .services import user_sessions_end

RECOVERY_CODE_COUNT = 10
# Whether the signed-in user has a confirmed device, decided once at sign-in (and again after
# set-up), so ordinary pages do not query the device tables on every request.
SESSION_HAS_DEVICE = "accounts_has_otp_device"
SESSION_NEW_CODES = "accounts_new_recovery_codes"


def second_factor_required(user) -> bool:
    """Programme managers, finance officers and admins must use a second factor when the
    settings say so (production)."""
    if not settings.OTP_REQUIRED_FOR_STAFF:
        return False
    return user_role(user) in set(settings.OTP_REQUIRED_ROLES)


def remember_device_state(request, user) -> bool:
    has_device = user_has_device(user, confirmed=True)
    request.session[SESSION_HAS_DEVICE] = has_device
    return has_device


def has_confirmed_device(request) -> bool:
    if SESSION_HAS_DEVICE not in request.session:
        return remember_device_state(request, request.user)
    return request.session[SESSION_HAS_DEVICE]


def code_due(request) -> bool:
    """Whether this session must give a code before it may change the second factor or the
    password: the user has a confirmed device (asked of the database, not the note taken at
    sign-in, which a device added elsewhere leaves stale) and this session has not given a code."""
    user = request.user
    return not user.is_verified() and remember_device_state(request, user)


def second_factor_owed(request) -> bool:
    """Whether the signed-in user must still give a code (or set up a device) before any page
    but the second-factor pages."""
    user = getattr(request, "user", None)
    # A request the OTP middleware never saw (a page rendered by hand, RequestFactory in tests)
    # has no verification state to judge: it owes nothing here; the middleware guards real ones.
    if user is None or not user.is_authenticated or not hasattr(user, "is_verified"):
        return False
    if user.is_verified():
        return False
    return has_confirmed_device(request) or second_factor_required(user)


def pending_totp_device(user) -> TOTPDevice:
    """The unconfirmed authenticator device being set up (one per user, kept until confirmed so
    reloading the page shows the same secret)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


def secret_text(device: TOTPDevice) -> str:
    """The key as base32 in groups of four, for typing into an app by hand."""
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_code_data_uri(device: TOTPDevice) -> str:
    """The otpauth:// set-up link as an SVG QR code in a data: URI (no inline markup or script)."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


@transaction.atomic
def totp_confirm(*, user, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm the device being set up with a code from the app. Returns the new recovery codes
    (shown once), or None when the code is wrong. Earlier devices and codes are replaced, and
    every session of the user ends."""
    if not device.verify_token(token.strip().replace(" ", "")):
        return None
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _recovery_codes_replace(user)
    user_sessions_end(user=user)
    return codes


@transaction.atomic
def recovery_codes_renew(*, user) -> list[str]:
    """Replace the user's recovery codes with RECOVERY_CODE_COUNT new single-use ones; every
    session of the user ends (the old codes may be what someone else holds)."""
    codes = _recovery_codes_replace(user)
    user_sessions_end(user=user)
    return codes


def verified_by_recovery_code(user) -> bool:
    """Whether this session gave a recovery code (rather than an app's code)."""
    return isinstance(getattr(user, "otp_device", None), StaticDevice)


def recovery_codes_device(user) -> StaticDevice:
    return StaticDevice.objects.get(user=user)


def _recovery_codes_replace(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    return codes


@transaction.atomic
def second_factor_check(user, token: str):
    """The device that accepts `token` (an app code or an unused recovery code), or None.
    Returns (device, throttled): throttled is True when every device refused to check because
    of recent wrong codes."""
    token = token.strip().replace(" ", "").lower()
    throttled = True
    for device in devices_for_user(user, confirmed=True, for_verify=True):
        allowed, _ = device.verify_is_allowed()
        if not allowed:
            continue
        throttled = False
        if device.verify_token(token):
            return device, False
    return None, throttled


@transaction.atomic
def second_factor_remove(*, user) -> None:
    """Turn the second factor off: every device and recovery code goes, and every session of
    the user ends."""
    for device in devices_for_user(user, confirmed=None):
        device.delete()
    user_sessions_end(user=user)
