"""Official identifiers for the demo's organisations, as staff would type them on the
organisation form: councils by their code in the register of local authorities in England
(GB-LAE), parish and town councils by an ONS parish code (GB-PLA), NHS bodies by an ODS-style
code (GB-NHS), schools by a URN (GB-EDU). Charities and companies already have theirs from their
numbers; the rest (police teams, housing partnerships, businesses) keep the programme's own 360G-
identifier, as they would in life. The parish, NHS and school codes are made up in the right
shape; the council codes are the register's."""

from programmes.models import Organisation

LAE_CODES = {
    "Birmingham": "BIR",
    "Breckland": "BRE",
    "Bristol": "BST",
    "Cambridge": "CAB",
    "Camden": "CMD",
    "Cornwall": "CON",
    "Cumberland": "CUM",
    "Ealing": "EAL",
    "Fenland": "FEN",
    "Greenwich": "GRE",
    "Haringey": "HRY",
    "Hastings": "HAS",
    "Herefordshire": "HEF",
    "Knowsley": "KWL",
    "Leeds": "LDS",
    "Liverpool": "LIV",
    "Manchester": "MAN",
    "Northumberland": "NBL",
    "Nottingham": "NGM",
    "Oxford": "OXO",
    "Plymouth": "PLY",
    "Rochdale": "RCH",
    "Salford": "SLF",
    "Scarborough": "SCE",
    "Shropshire": "SHR",
    "Sunderland": "SND",
    "Swale": "SWL",
    "Tendring": "TEN",
    "Thurrock": "THR",
    "Torbay": "TOB",
    "Boston": "BOS",
    "Brighton and Hove": "BNH",
    "Castle Point": "CAS",
    "Dover": "DOV",
    "East Lindsey": "ELI",
    "East Riding of Yorkshire": "ERY",
    "Forest of Dean": "FOE",
    "Great Yarmouth": "GRY",
    "Isle of Wight": "IOW",
    "Newcastle upon Tyne": "NET",
    "Redcar and Cleveland": "RCC",
    "St Helens": "SHN",
    "Stockton-on-Tees": "STT",
    "Thanet": "THA",
    "Tower Hamlets": "TWH",
    "Westmorland and Furness": "WFU",
}


def council_identifier(la: str) -> str | None:
    code = LAE_CODES.get(la)
    return f"GB-LAE-{code}" if code else None


def official_identifier(org: Organisation) -> str | None:
    """The identifier the demo gives `org`, from its name's pattern, or None."""
    name = org.name
    for la, code in LAE_CODES.items():
        if name == f"{la} Council":
            return f"GB-LAE-{code}"
        if name == f"NHS {la} Place Partnership":
            return f"GB-NHS-Q{code}"
        if name == f"{la} Community Health Partnership":
            return f"GB-NHS-R{code}"
    if name.endswith((" Town Council", " Parish Council")):
        return f"GB-PLA-E04{900000 + org.pk:06d}"
    if name.endswith(" Primary School"):
        return f"GB-EDU-{150000 + org.pk}"
    return None


def load(ctx=None):
    """Give every organisation that has only the programme's own identifier its official one,
    where the demo knows it (a second run finds nothing to change)."""
    taken = set(
        Organisation.objects.exclude(org_identifier__startswith="360G-").values_list(
            "org_identifier", flat=True
        )
    )
    changed = []
    for org in Organisation.objects.filter(org_identifier__startswith="360G-").order_by("pk"):
        identifier = official_identifier(org)
        if identifier and identifier not in taken:
            org.org_identifier = identifier
            taken.add(identifier)
            changed.append(org)
    Organisation.objects.bulk_update(changed, ["org_identifier"])
    return ctx
