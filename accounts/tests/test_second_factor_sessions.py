"""The second factor holds per session (issue 20): turning it on, changing or removing the device,
renewing recovery codes and changing the password end the user's other sessions; a session that
has not given a code cannot set up a device, renew codes or change the password while the user
has a confirmed device."""

import re
import time

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"
NEW_PASSWORD = "heron-kettle-quay-47"
SIGN_IN = reverse("login")
MY_WORK = reverse("mywork")
SET_UP = reverse("two_factor_setup")
VERIFY = reverse("two_factor_verify")
CODES = reverse("two_factor_recovery_codes")
TURN_OFF = reverse("two_factor_remove")
PASSWORD_CHANGE = reverse("password_change")


def code_for(device, steps_ahead=0):
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def _signed_in(user) -> Client:
    """A browser of its own, signed in with the password through the sign-in page."""
    browser = Client()
    response = browser.post(SIGN_IN, {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, "the sign-in was refused"
    return browser


def _set_up(browser, user):
    """Turn the second factor on in `browser`; returns (device, recovery codes shown)."""
    browser.get(SET_UP)
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    page = browser.post(SET_UP, {"code": code_for(device)}, follow=True)
    return device, re.findall(r'<li class="col">(\w+)</li>', page.content.decode())


def _verified(user, device, steps_ahead) -> Client:
    """A browser signed in with the password and then a code (a later step's code, since each
    code works once)."""
    browser = _signed_in(user)
    response = browser.post(VERIFY, {"code": code_for(device, steps_ahead)})
    assert response.status_code == 302, "the code was refused"
    return browser


def _is_signed_out(response) -> bool:
    return response.status_code == 302 and response.url.startswith(SIGN_IN)


def test_turning_it_on_in_one_browser_ends_the_session_in_another(lead_user):
    """Issue 20's reproduction: sign in in A and B, set up TOTP in B; A kept full access and
    could replace the owner's device and take ten new recovery codes."""
    a, b = _signed_in(lead_user), _signed_in(lead_user)
    assert a.get(MY_WORK).status_code == 200

    device, codes = _set_up(b, lead_user)
    assert len(codes) == 10

    # A fresh sign-in asks for a code...
    fresh = _signed_in(lead_user)
    assert fresh.get(MY_WORK).url.startswith(VERIFY)
    # ...and A, from before, is signed out: no page, no set-up page.
    assert _is_signed_out(a.get(MY_WORK))
    assert _is_signed_out(a.get(SET_UP))
    assert _is_signed_out(a.post(SET_UP, {"code": "123456"}))
    assert _is_signed_out(a.post(CODES))
    # The owner's device and codes are untouched, and B carries on.
    assert list(TOTPDevice.objects.filter(user=lead_user, confirmed=True)) == [device]
    assert sorted(
        StaticToken.objects.filter(device__user=lead_user).values_list("token", flat=True)
    ) == sorted(codes)
    assert b.get(MY_WORK).status_code == 200


def test_a_stale_session_cannot_replace_the_owners_device(lead_user):
    """Before the fix A went on to confirm a device of its own: B's was deleted and A took the
    recovery codes. Whatever A posts now, the owner's device stays."""
    a, b = _signed_in(lead_user), _signed_in(lead_user)
    a.get(SET_UP)  # A had the set-up page open before B turned the second factor on
    pending_a = TOTPDevice.objects.get(user=lead_user, confirmed=False)
    b.get(SET_UP)  # the same pending device: one per user
    page = b.post(SET_UP, {"code": code_for(pending_a)}, follow=True)
    codes = re.findall(r'<li class="col">(\w+)</li>', page.content.decode())

    a.get(SET_UP)
    # A's app (scanned from the same page) shows a later code; a new pending device, if A got
    # one, would have another key.
    new_pending = TOTPDevice.objects.filter(user=lead_user, confirmed=False).first()
    a.post(SET_UP, {"code": code_for(new_pending or pending_a, 1)})

    assert list(TOTPDevice.objects.filter(user=lead_user, confirmed=True)) == [pending_a]
    assert sorted(
        StaticToken.objects.filter(device__user=lead_user).values_list("token", flat=True)
    ) == sorted(codes)


def test_renewing_recovery_codes_ends_the_other_sessions(lead_user):
    b = _signed_in(lead_user)
    device, first_codes = _set_up(b, lead_user)
    a = _verified(lead_user, device, steps_ahead=1)
    assert a.get(MY_WORK).status_code == 200

    page = b.post(CODES)

    codes = re.findall(r'<li class="col">(\w+)</li>', page.content.decode())
    assert len(codes) == 10 and not set(codes) & set(first_codes)
    assert _is_signed_out(a.get(MY_WORK))
    assert b.get(MY_WORK).status_code == 200


def test_a_session_signed_in_with_a_recovery_code_stays_after_renewing_them(lead_user):
    b = _signed_in(lead_user)
    _, codes = _set_up(b, lead_user)
    a = _signed_in(lead_user)
    a.post(VERIFY, {"code": codes[0]})

    page = a.post(CODES)

    assert len(re.findall(r'<li class="col">(\w+)</li>', page.content.decode())) == 10
    assert a.get(MY_WORK).status_code == 200
    assert _is_signed_out(b.get(MY_WORK))


def test_changing_the_device_ends_the_other_sessions(lead_user):
    b = _signed_in(lead_user)
    old, _ = _set_up(b, lead_user)
    a = _verified(lead_user, old, steps_ahead=1)

    _, codes = _set_up(b, lead_user)  # set up again: a new app replaces the old one

    assert len(codes) == 10
    assert not TOTPDevice.objects.filter(pk=old.pk).exists()
    assert _is_signed_out(a.get(MY_WORK))
    assert b.get(MY_WORK).status_code == 200


def test_turning_it_off_ends_the_other_sessions(lead_user):
    b = _signed_in(lead_user)
    device, _ = _set_up(b, lead_user)
    a = _verified(lead_user, device, steps_ahead=1)

    b.post(TURN_OFF)

    assert not TOTPDevice.objects.filter(user=lead_user).exists()
    assert _is_signed_out(a.get(MY_WORK))
    assert b.get(MY_WORK).status_code == 200


def test_changing_the_password_ends_the_other_sessions(lead_user):
    a, b = _signed_in(lead_user), _signed_in(lead_user)

    response = b.post(
        PASSWORD_CHANGE,
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    assert _is_signed_out(a.get(MY_WORK))
    assert b.get(MY_WORK).status_code == 200


def _with_device_added_elsewhere(user):
    """A session from before a confirmed device was added where no session was ended (the Django
    admin, a shell): its note of the user's devices is stale."""
    a = _signed_in(user)
    device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    return a, device


def test_a_session_without_the_code_cannot_set_up_over_a_confirmed_device(lead_user):
    a, device = _with_device_added_elsewhere(lead_user)

    page = a.get(SET_UP)
    assert page.status_code == 302 and page.url.startswith(VERIFY)
    a.post(SET_UP, {"code": "123456"})
    assert list(TOTPDevice.objects.filter(user=lead_user)) == [device]
    # The code page now asks for the code rather than waving the session through.
    assert a.get(VERIFY).status_code == 200
    assert a.get(MY_WORK).url.startswith(VERIFY)


def test_a_session_without_the_code_cannot_change_the_password(lead_user):
    a, _ = _with_device_added_elsewhere(lead_user)

    response = a.post(
        PASSWORD_CHANGE,
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code == 302 and response.url.startswith(VERIFY)
    lead_user.refresh_from_db()
    assert lead_user.check_password(PASSWORD)


def test_a_verified_session_changes_the_password_and_stays(lead_user):
    b = _signed_in(lead_user)
    device, _ = _set_up(b, lead_user)
    a = _verified(lead_user, device, steps_ahead=1)

    response = a.post(
        PASSWORD_CHANGE,
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    assert response.url == reverse("password_change_done")
    assert a.get(MY_WORK).status_code == 200  # still verified after the change
    assert _is_signed_out(b.get(MY_WORK))


def test_users_keep_their_sessions_until_something_ends_them(lead_user):
    """Sessions from before this change carry Django's own hash: nobody is signed out by the
    upgrade itself."""
    from django.contrib.auth.base_user import AbstractBaseUser

    assert lead_user.get_session_auth_hash() == AbstractBaseUser.get_session_auth_hash(lead_user)


def test_an_admin_removing_the_device_ends_the_owners_sessions(lead_user, admin_user):
    b = _signed_in(lead_user)
    device, _ = _set_up(b, lead_user)
    a = _verified(lead_user, device, steps_ahead=1)
    admin = Client()
    admin.force_login(admin_user)

    response = admin.post(
        reverse("admin:otp_totp_totpdevice_delete", args=[device.pk]), {"post": "yes"}
    )

    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()
    assert _is_signed_out(a.get(MY_WORK))
    assert _is_signed_out(b.get(MY_WORK))
