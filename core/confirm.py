"""The one confirmation step before an irreversible action (admit or reject an application,
decide a stage gate, approve or pay money, sign off or finally submit a plan, record that an area
has left).

The action's form posts to the action's own URL. Without ``confirm=1`` the view does nothing and
answers with a confirmation page: what will happen, by kind (money, emails, locks, records), with
a Confirm button that posts the same fields again with ``confirm=1``. The guard is on the server,
so a POST that skips the page (a script, a double click, an old bookmark) never acts, and the
page works without any script (the Content-Security-Policy forbids inline script anyway).

    if not confirmed(request):
        return confirmation_page(request, title=..., effects=[Effect.money(...), ...], ...)
"""

import hashlib
from dataclasses import dataclass

from django.http import HttpResponse
from django.shortcuts import render

CONFIRM_FIELD = "confirm"
# Fields never replayed into the confirmation form: the token is rendered afresh, and the
# confirmation itself is the button.
_NOT_REPLAYED = {"csrfmiddlewaretoken", CONFIRM_FIELD}

KIND_LABELS = {
    "money": "Money",
    "email": "Emails",
    "lock": "Locks",
    "record": "Record",
}


@dataclass(frozen=True)
class Effect:
    """One thing the action will do, in words the person confirming understands."""

    kind: str  # a key of KIND_LABELS
    text: str

    @property
    def label(self) -> str:
        return KIND_LABELS[self.kind]

    @classmethod
    def money(cls, text: str) -> "Effect":
        return cls("money", text)

    @classmethod
    def email(cls, text: str) -> "Effect":
        return cls("email", text)

    @classmethod
    def lock(cls, text: str) -> "Effect":
        return cls("lock", text)

    @classmethod
    def record(cls, text: str) -> "Effect":
        return cls("record", text)


def confirmed(request) -> bool:
    """Whether this POST carries the confirmation given on the confirmation page."""
    return request.method == "POST" and request.POST.get(CONFIRM_FIELD) == "1"


def people_told(users, *, what: str, actor=None) -> Effect | None:
    """ "Emails X, Y and 3 others: <what>", for the people an activity entry will notify (each
    gets a notification and, by their preferences, an email). None when nobody is told. The
    person acting (`actor`) is left out: nobody is notified of their own action."""
    skip = getattr(actor, "pk", None)
    names = sorted(
        {
            u.get_full_name() or u.get_username()
            for u in users
            if u and u.is_active and (skip is None or u.pk != skip)
        }
    )
    if not names:
        return None
    shown = ", ".join(names[:3])
    if len(names) > 3:
        shown += f" and {len(names) - 3} other{'s' if len(names) > 4 else ''}"
    return Effect.email(f"{shown} will be told by notification and email: {what}.")


def confirmation_page(
    request,
    *,
    title: str,
    effects: list,
    button: str,
    back_url: str,
    intro: str = "",
    danger: bool = False,
    warning: str = "",
    extra: dict[str, str] | None = None,
) -> HttpResponse:
    """The confirmation step: nothing has been done yet; `effects` (``Effect``s; None entries
    are skipped) say what confirming will do; the Confirm button posts the same fields to the
    same URL with ``confirm=1``, and the `extra` fields in place of any posted of that name
    (a selection's fingerprint, say). `warning` is said first (why it is asked again)."""
    extra = extra or {}
    replay = [
        (name, value)
        for name in request.POST
        if name not in _NOT_REPLAYED and name not in extra
        for value in request.POST.getlist(name)
    ] + list(extra.items())
    return render(
        request,
        "core/confirm.html",
        {
            "title": title,
            "intro": intro,
            "warning": warning,
            "effects": [e for e in effects if e is not None],
            "button": button,
            "back_url": back_url,
            "danger": danger,
            "action_url": request.get_full_path(),
            "replay": replay,
        },
    )


def selection_fingerprint(ids) -> str:
    """Names a selection resolved on the server ("all matching this filter"): the confirmation
    carries it, and confirming acts only if the filter still resolves to the same rows."""
    joined = ",".join(str(pk) for pk in sorted(ids))
    return hashlib.sha256(joined.encode()).hexdigest()[:20]
