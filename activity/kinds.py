"""The kinds of notification a person can filter by and choose how to hear about: each entry's
verb ("plan.signed") belongs to a kind by its first word. A verb whose first word is not listed
is "other"."""

KINDS = {
    "applications": "Applications to join",
    "gates": "Stage gates",
    "plans": "Plans and sign-off",
    "grants": "Grants, offers and payments",
    "delivery": "Progress returns and delivery",
    "support": "Support and risks",
    "programme": "Areas, partners and organisations",
    "reports": "Reports and imports",
    "other": "Other",
}

# First word of a verb -> its kind.
VERB_KINDS = {
    "application": "applications",
    "gate": "gates",
    "extension": "gates",
    "plan": "plans",
    "peer_review": "plans",
    "strategy": "plans",
    "logic_model": "plans",
    "cba": "plans",
    "grant": "grants",
    "offer": "grants",
    "payment": "grants",
    "budget": "grants",
    "closure": "grants",
    "unspent": "grants",
    "bank_account": "grants",
    "progress_return": "delivery",
    "funding": "delivery",
    "cba_outturn": "delivery",
    "match_funding": "delivery",
    "making_it_happen": "delivery",
    "support": "support",
    "risk": "support",
    "note": "support",
    "event": "support",
    "area": "programme",
    "partner": "programme",
    "organisation": "programme",
    "milestone": "programme",
    "programme": "programme",
    "report": "reports",
    "import": "reports",
}


def kind_of(verb: str) -> str:
    return VERB_KINDS.get(verb.split(".", 1)[0], "other")


class Delivery:
    """How a person hears about a kind of notification, besides the list in the app."""

    IMMEDIATE = "immediate"
    DIGEST = "digest"
    OFF = "off"
    CHOICES = [
        (IMMEDIATE, "Email each one straight away"),
        (DIGEST, "One email a day (daily digest)"),
        (OFF, "No email (only in the app)"),
    ]
