"""Issue 11's accounts in a real browser: a lockout after repeated failures and an admin's unlock,
a password reset through the emailed link, and two-factor sign-in set up then used with a code
computed here from the device's key."""

import base64
import re
import time
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from accounts.models import User

from .conftest import DEMO_PASSWORD, login, logout, screenshot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _try_sign_in(page, username, password):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def _code(device, steps_ahead=0):
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def test_lockout_after_failures_and_an_admin_unlocks(page, browser, live_server, demo_data):
    for _ in range(5):
        _try_sign_in(page, "pm", "not-my-password")
        expect(page.get_by_role("alert")).to_be_visible()

    _try_sign_in(page, "pm", DEMO_PASSWORD)
    assert "/accounts/login/" in page.url
    expect(page.locator("#lockout-message")).to_contain_text("Too many failed attempts")
    expect(page.locator("#lockout-message")).to_contain_text("try again in 30 minutes")
    screenshot(page, "accounts-lockout")

    admin = browser.new_context(base_url=live_server.url, locale="en-GB").new_page()
    login(admin, "admin")
    admin.locator("#user-menu").click()
    admin.get_by_role("link", name="Locked sign-ins").click()
    expect(admin.get_by_role("heading", level=1)).to_have_text("Locked sign-ins")
    screenshot(admin, "accounts-locked-list")
    admin.get_by_role("button", name="Unlock pm").click()
    expect(admin.get_by_role("status").first).to_contain_text("Unlocked pm")
    admin.context.close()

    login(page, "pm")
    expect(page.locator("#user-menu")).to_be_visible()


def test_password_reset_through_the_emailed_link(page, live_server, demo_data, settings):
    settings.SITE_URL = live_server.url
    lead = User.objects.get(username="lead")
    mail.outbox.clear()

    page.goto("/accounts/login/")
    page.get_by_role("link", name="Forgotten your password?").click()
    page.get_by_label("Email").fill(lead.email)
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")

    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/accounts/password/reset/\S+/", mail.outbox[0].body).group(0)
    assert link.startswith(live_server.url)
    page.goto(urlsplit(link).path)
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose a new password")
    page.locator("#id_new_password1").fill("short")
    page.locator("#id_new_password2").fill("short")
    page.get_by_role("button", name="Save the new password").click()
    expect(page.locator(".invalid-feedback").first).to_contain_text("too short")
    page.locator("#id_new_password1").fill("heron-kettle-quay-47")
    page.locator("#id_new_password2").fill("heron-kettle-quay-47")
    page.get_by_role("button", name="Save the new password").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your password has been reset")
    screenshot(page, "accounts-reset-done")

    login(page, "lead", "heron-kettle-quay-47")


def test_two_factor_set_up_then_sign_in_with_a_code(page, demo_data):
    login(page, "pm")
    page.locator("#user-menu").click()
    page.get_by_role("link", name="Two-factor sign-in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Two-factor sign-in")
    expect(page.get_by_role("img", name=re.compile("QR code"))).to_be_visible()
    device = TOTPDevice.objects.get(user__username="pm", confirmed=False)
    secret = page.locator("#totp-secret").inner_text().replace(" ", "")
    assert secret and secret in base64.b32encode(device.bin_key).decode()
    screenshot(page, "accounts-two-factor-setup")

    page.get_by_label("Code from your app").fill(_code(device))
    page.get_by_role("button", name="Confirm and turn on").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your recovery codes")
    codes = page.locator("#recovery-codes li").all_inner_texts()
    assert len(codes) == 10
    page.get_by_role("link", name="I have saved them: continue").click()
    logout(page)

    _try_sign_in(page, "pm", DEMO_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your code")
    page.goto("/areas/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your code")
    page.get_by_label("Code").fill("000000" if _code(device, 1) != "000000" else "111111")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".invalid-feedback")).to_be_visible()
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)
    device.refresh_from_db()
    page.get_by_label("Code").fill(_code(device, 1))
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("#user-menu")).to_be_visible()
    assert "/two-factor/" not in page.url
    screenshot(page, "accounts-two-factor-signed-in")
