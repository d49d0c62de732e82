"""System checks of how the site is deployed (`manage.py check --deploy`)."""

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def check_axes_behind_proxy(app_configs, **kwargs):
    """Behind a proxy every request comes from the proxy's address: without
    AXES_IPWARE_PROXY_COUNT django-axes (and the rate limits, which read the address the same
    way) would count every sign-in failure against the proxy and lock everyone out together."""
    behind_proxy = bool(
        getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
        or getattr(settings, "USE_X_FORWARDED_HOST", False)
    )
    if behind_proxy and not getattr(settings, "AXES_IPWARE_PROXY_COUNT", None):
        return [
            checks.Warning(
                "The site trusts a proxy's headers (SECURE_PROXY_SSL_HEADER or "
                "USE_X_FORWARDED_HOST) but AXES_IPWARE_PROXY_COUNT is not set, so sign-in "
                "lockouts and rate limits would count the proxy's address, not the client's.",
                hint="Set AXES_IPWARE_PROXY_COUNT to the number of proxies in front of the site "
                "(1 for nginx alone).",
                id="core.W201",
            )
        ]
    return []
