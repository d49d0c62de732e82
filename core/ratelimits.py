"""Rate limits on what emails or notifies other people: password reset links, team invitations,
messages in an area's conversation and personal survey links. django-ratelimit counts requests in
Django's cache (CACHE_URL) per email address asked for, per account and per client address; the
rates are settings (`RATE_LIMITS`, docs/configuration.md). A limited request is refused
with `refusal()` on its form and HTTP 429, and nothing is sent."""

import re
from enum import StrEnum

from django.conf import settings
from django.core import checks
from django.core.exceptions import ValidationError
from django_ratelimit.core import is_ratelimited

CODE = "rate_limited"


class Limit(StrEnum):
    """What is counted, and by what: the keys of settings.RATE_LIMITS."""

    PASSWORD_RESET_ADDRESS = "password_reset_address"
    PASSWORD_RESET_IP = "password_reset_ip"
    INVITATION_ACCOUNT = "invitation_account"
    INVITATION_ADDRESS = "invitation_address"
    MESSAGE_ACCOUNT = "message_account"
    SURVEY_LINK_ACCOUNT = "survey_link_account"
    SURVEY_LINK_ADDRESS = "survey_link_address"


def client_ip(request) -> str:
    """The client's address as django-axes reads it (AXES_IPWARE_* behind a proxy), so the sign-in
    lockout and the rate limits count the same address (settings.RATELIMIT_IP_META_KEY)."""
    from axes.helpers import get_client_ip_address

    return get_client_ip_address(request) or request.META.get("REMOTE_ADDR", "")


def address_key(email: str) -> str:
    """An email address as counted: case and surrounding spaces do not make another address."""
    return (email or "").strip().lower()


def account_key(user) -> str:
    return str(user.pk)


def ip_key(request) -> str:
    return client_ip(request)


def over_limit(request, *counts: tuple[Limit, str]) -> bool:
    """Count this request once against each (limit, key) pair; True when any of them is over
    its rate. Every pair is counted, so a refused request still uses up each allowance."""
    over = [
        is_ratelimited(
            request,
            group=f"ourplace.{limit.value}",
            key=lambda _group, _request, value=value: value,
            rate=settings.RATE_LIMITS[limit.value],
            increment=True,
        )
        for limit, value in counts
    ]
    return any(over)


def refusal(what: str) -> ValidationError:
    """The form error of a limited request: `what` names the thing asked for ("reset links")."""
    return ValidationError(
        f"Too many requests for {what} in a short time: nothing was sent. Please try again later.",
        code=CODE,
    )


# django-ratelimit's own rate syntax: a count, a slash, an optional multiple and a unit.
_RATE = re.compile(r"^\d+/\d*[smhd]$")


@checks.register(checks.Tags.compatibility)
def check_rate_limits(app_configs, **kwargs):
    """Every limit has a rate django-ratelimit reads ("5/h", "30/10m"): a mistyped environment
    variable fails `manage.py check`, not a password reset."""
    rates = getattr(settings, "RATE_LIMITS", {})
    errors = [
        checks.Error(f"RATE_LIMITS has no rate for {limit.value}.", id="core.E101")
        for limit in Limit
        if limit.value not in rates
    ]
    errors += [
        checks.Error(
            f"RATE_LIMITS[{name!r}] = {rate!r} is not a rate.",
            hint='A count per period: "5/h", "30/10m", "100/d".',
            id="core.E102",
        )
        for name, rate in rates.items()
        if not isinstance(rate, str) or not _RATE.match(rate)
    ]
    return errors
