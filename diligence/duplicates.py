"""Possible duplicate organisations: the same normalised name, the same charity or company number,
or the same email domain (webmail domains aside). Found when an organisation is saved (connected
in apps.py, so sign-up, the staff form, the admin and imports all flag), recorded as
``DuplicateFlag`` rows for staff, and shown to the person signing up."""

import re

from django.db.models import Q

from .models import DuplicateFlag

# Words that do not tell two organisations apart ("The Acme Trust Ltd" is "Acme Trust").
_NOISE = {"the", "ltd", "limited", "cic", "cio", "plc", "llp", "inc", "co", "company"}
# Email domains many unrelated people share: a match on them says nothing.
WEBMAIL = {
    "gmail.com",
    "googlemail.com",
    "hotmail.com",
    "hotmail.co.uk",
    "outlook.com",
    "live.com",
    "live.co.uk",
    "yahoo.com",
    "yahoo.co.uk",
    "icloud.com",
    "me.com",
    "btinternet.com",
    "aol.com",
    "protonmail.com",
    "proton.me",
    "sky.com",
    "virginmedia.com",
    "example.org",
    "example.com",
}


def normalised_name(name: str) -> str:
    """'The Acme  Community-Trust Ltd.' -> 'acme community trust'; '&' counts as 'and'."""
    text = (name or "").lower().replace("&", " and ")
    words = re.findall(r"[a-z0-9]+", text)
    return " ".join(w for w in words if w not in _NOISE)


def email_domain(email: str) -> str:
    domain = (email or "").rpartition("@")[2].strip().lower()
    return "" if domain in WEBMAIL else domain


def possible_duplicates(organisation) -> list[tuple[object, str]]:
    """[(other organisation, rule)] for every other organisation that may be the same one."""
    from programmes.models import Organisation

    others = Organisation.objects.exclude(pk=organisation.pk)
    found: list[tuple[object, str]] = []
    key = normalised_name(organisation.name)
    if key:
        first = key.split()[0]
        for other in others.filter(name_key__contains=first).only("pk", "name"):
            if normalised_name(other.name) == key:
                found.append((other, DuplicateFlag.Rule.NAME))
    numbers = Q()
    if organisation.charity_number:
        numbers |= Q(charity_number__iexact=organisation.charity_number)
    if organisation.company_number:
        numbers |= Q(company_number__iexact=organisation.company_number)
    if numbers:
        found += [(o, DuplicateFlag.Rule.NUMBER) for o in others.filter(numbers).only("pk", "name")]
    domain = email_domain(organisation.email)
    if domain:
        found += [
            (o, DuplicateFlag.Rule.DOMAIN)
            for o in others.filter(email__iendswith="@" + domain).only("pk", "name")
        ]
    return found


def flag_duplicates(organisation) -> list[DuplicateFlag]:
    """Record a flag for each possible duplicate not flagged already (either way round)."""
    flags = []
    for other, rule in possible_duplicates(organisation):
        already = DuplicateFlag.objects.filter(
            Q(organisation=organisation, matches=other)
            | Q(organisation=other, matches=organisation),
            rule=rule,
        ).exists()
        if not already:
            flags.append(
                DuplicateFlag.objects.create(organisation=organisation, matches=other, rule=rule)
            )
    return flags


def on_organisation_saved(sender, instance, raw=False, **kwargs):
    """post_save of Organisation (apps.py): flag what the saved organisation may duplicate."""
    if raw:
        return
    flag_duplicates(instance)


def warning_for(organisation) -> str:
    """What the person who signed the organisation up is told ("" when nothing matched)."""
    flags = list(
        DuplicateFlag.objects.filter(organisation=organisation, resolved_at__isnull=True)
        .select_related("matches")
        .order_by("pk")
    )
    if not flags:
        return ""
    names = sorted({f.matches.name for f in flags})
    return (
        f"{organisation.name} looks like an organisation already registered "
        f"({', '.join(names)}). Programme staff will check. If your organisation is already "
        "registered, ask its team to invite you rather than applying twice."
    )
