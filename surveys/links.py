"""Personal survey links: a signed token naming the invitation and its nonce. The signature stops
anyone guessing a link; the invitation row decides whether it still works (expiry, revocation,
already answered), so a sent link can be withdrawn."""

from django.conf import settings
from django.core import signing
from django.urls import reverse

SALT = "surveys.invitation"


def invitation_token(invitation) -> str:
    return signing.dumps({"i": invitation.pk, "n": invitation.nonce}, salt=SALT, compress=True)


def invitation_from_token(token: str):
    """The invitation a token names, or None when the token is forged, mangled or names an
    invitation that no longer exists (or whose nonce changed)."""
    from .models import Invitation

    try:
        data = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    return (
        Invitation.objects.select_related("survey", "survey__round", "area", "organisation")
        .filter(pk=data.get("i"), nonce=data.get("n"))
        .first()
    )


def invitation_url(invitation, *, absolute: bool = True) -> str:
    path = reverse("surveys:answer_link", kwargs={"token": invitation_token(invitation)})
    return f"{settings.SITE_URL.rstrip('/')}{path}" if absolute else path
